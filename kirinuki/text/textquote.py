"""Which paragraphs a quoted passage (a W3C text-quote selector) covers, whatever the spaces.

A browser's selection and a phone's shared text differ from the extracted paragraphs in
spaces and line breaks (between paragraphs, inside them), and often in character width
(`３，８００` / `3,800`): both sides are compared NFKC-folded with every space removed. The
exact text is found in the article's paragraphs read as one run; when it occurs more than once,
the occurrence whose surroundings best match the prefix and suffix wins. A selection that
crosses something the article's text leaves out (a caption, an advertisement) is not found
whole: each of its lines is then looked for on its own. A browser copies furigana with the
text (`孕 はら み`) where the extracted text has none: kana and parentheses in the quote that
the article's text does not have at that point are skipped when the quote is not found as
written.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from kirinuki.text.normalize import fold
from kirinuki.text.spaces import SPACES

_SPACE = frozenset(SPACES)
MIN_PIECE = 6  # a line shorter than this (folded) is too common to place on its own
# A paragraph counts as selected when this many of its characters (or all of it) are.
MIN_OVERLAP = 8


def _squeeze(text: str) -> str:
    return "".join(c for c in fold(text) if c not in _SPACE)


def _run(paragraphs: list[str]) -> tuple[str, list[int]]:
    """The paragraphs folded and joined without spaces, and the paragraph of each character."""
    chars: list[str] = []
    owner: list[int] = []
    for i, p in enumerate(paragraphs):
        s = _squeeze(p)
        chars.append(s)
        owner.extend([i] * len(s))
    return "".join(chars), owner


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _best(run: str, exact: str, prefix: str, suffix: str) -> int | None:
    """The start of the occurrence of `exact` in `run` best fitting prefix and suffix."""
    best, score, at = None, -1, run.find(exact)
    while at >= 0:
        s = (_common_suffix(run[:at], prefix) + _common_prefix(run[at + len(exact):], suffix))
        if s > score:
            best, score = at, s
        at = run.find(exact, at + 1)
    return best


def _reading(c: str) -> bool:
    """Kana or a parenthesis: what furigana in a browser's selection is made of."""
    return "\u3041" <= c <= "\u30ff" or c in "()"


def _through(run: str, j: int, want: str) -> int | None:
    """Where `run` from `j` ends matching all of `want`, skipping readings `want` holds after a
    kanji and `run` does not (furigana a browser copies with the text: `孕はらみ` for `孕み`)."""
    i, skipping = 0, False
    while i < len(want):
        if j < len(run) and run[j] == want[i]:
            i, j, skipping = i + 1, j + 1, False
        elif _reading(want[i]) and (skipping or (i > 0 and _kanji(want[i - 1]))):
            i, skipping = i + 1, True
        else:
            return None
    return j


def _kanji(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"


def _span(run: str, want: str, before: str, after: str) -> tuple[int, int] | None:
    """Where `want` is in `run` (best fitting prefix and suffix): as written, else with the
    furigana of a browser's selection left out."""
    at = _best(run, want, before, after)
    if at is not None:
        return at, at + len(want)
    best, score = None, -1
    j = run.find(want[0])
    while j >= 0:
        end = _through(run, j, want)
        if end is not None:
            s = _common_suffix(run[:j], before) + _common_prefix(run[end:], after)
            if s > score:
                best, score = (j, end), s
        j = run.find(want[0], j + 1)
    return best


def _covered(owner: list[int], lengths: list[int], start: int, end: int) -> set[int]:
    hits: dict[int, int] = {}
    for i in owner[start:end]:
        hits[i] = hits.get(i, 0) + 1
    return {i for i, n in hits.items() if n >= min(MIN_OVERLAP, lengths[i])}


def locate(paragraphs: list[str], exact: str, prefix: str = "", suffix: str = "",
           end: str = "") -> list[int]:
    """The 0-based indexes of the paragraphs the quote covers, in order (empty if not found).

    With `end`, the quote runs from `exact` to the first `end` after it (a text fragment's
    `textStart,textEnd`).
    """
    run, owner = _run(paragraphs)
    lengths = [len(_squeeze(p)) for p in paragraphs]
    want, before, after = _squeeze(exact), _squeeze(prefix), _squeeze(suffix)
    if not want or not run:
        return []
    stop = _squeeze(end)
    span = _span(run, want, before, "" if stop else after)
    if span is not None and stop:
        last = _span(run[span[1]:], stop, "", "")
        return sorted(_covered(owner, lengths, span[0], span[1] + last[1])) if last else []
    if span is not None:
        return sorted(_covered(owner, lengths, *span))
    found: set[int] = set()
    for line in exact.splitlines():
        piece = _squeeze(line)
        if len(piece) < MIN_PIECE:
            continue
        part = _span(run, piece, "", "")
        if part is not None:
            found |= _covered(owner, lengths, *part)
    return sorted(found)


@dataclass(frozen=True)
class Quote:
    """One text-quote selector: `exact` (or `exact` … `end`), with its context."""

    exact: str
    prefix: str = ""
    suffix: str = ""
    end: str = ""


def fragment_quotes(url: str) -> list[Quote]:
    """The text directives of a URL's fragment (`#:~:text=[prefix-,]start[,end][,-suffix]`, as
    a browser's "link to highlight" writes them), each part percent-decoded."""
    _, _, fragment = url.partition("#")
    _, found, directives = fragment.partition(":~:")
    quotes = []
    for directive in directives.split("&") if found else []:
        name, _, value = directive.partition("=")
        if name != "text" or not value:
            continue
        parts = value.split(",")
        prefix = unquote(parts.pop(0)[:-1]) if len(parts) > 1 and parts[0].endswith("-") else ""
        suffix = unquote(parts.pop()[1:]) if len(parts) > 1 and parts[-1].startswith("-") else ""
        if 1 <= len(parts) <= 2 and parts[0]:
            end = unquote(parts[1]) if len(parts) == 2 else ""
            quotes.append(Quote(unquote(parts[0]), prefix, suffix, end))
    return quotes
