"""What counts as space: one rule for blank lines, clip text and the gaps between tags.

Space is every character `str.isspace` accepts (tab, the line ends, U+00A0 no-break space,
U+3000 ideographic space, U+2000-U+200A, U+2028/U+2029 …) plus the zero-width ones that copy and
paste leave behind: U+200B zero-width space, U+2060 word joiner, U+FEFF (zero-width no-break
space, a stray BOM) and U+180E. The joiners U+200C/U+200D are not space: they hold words and
emoji together.

A line made only of space is blank: the clip text parser keeps it in the layout, never as a
clip, and no route (paste, `kirinuki add`, the composer, the clip editor, the JSON API, AtomPub,
MT and JSON Lines import) stores a clip without visible text.
"""

from __future__ import annotations

SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
    "\u180e\u200b\u2060\ufeff"
)


def is_blank(text: str) -> bool:
    """True when `text` shows nothing: empty, or only space characters."""
    return not text.strip(SPACES)


def clip_text_problem(text: str) -> str | None:
    """Why `text` cannot be the text of a clip (a line break, nothing visible), else None."""
    if "\n" in text or "\r" in text:
        return "a clip is one paragraph: it cannot contain a line break"
    if is_blank(text):
        return "a clip needs visible text (it is empty or only spaces)"
    return None
