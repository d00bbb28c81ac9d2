"""Entry bodies written in はてな記法 or Markdown (as AtomPub delivers them) to and from clip groups.

Both are read into the lines of `hatena_html` (text plus the quote's citation), then into an entry
by `lines_to_entry`. Quotes become clips with their citation: `>>` … `<<` and `>URL>` … `<<` (or
`>URL:title>`) in はてな記法; `> ` blocks in Markdown, whose last line `— [title](URL)` (or
`<cite>…</cite>`, or a bare URL after `—`) names the citation. Headings lose their marker; lists,
code and everything else stay as text; links keep their URL. `entry_markdown` renders an entry as
Markdown that `syntax_to_entry` reads back to the same entry. Pure; never raises.
"""

from __future__ import annotations

import re

from kirinuki.model import Citation, Clip, Entry, RelatedLink
from kirinuki.text.autolink import find_urls
from kirinuki.text.hashtags import tag_line_text
from kirinuki.text.hatena_html import (
    Line,
    body_to_entry,
    html_lines,
    lines_to_entry,
    same_citation,
)
from kirinuki.text.lazyre import lazy_re
from kirinuki.text.links import http_url

HATENA = "text/x-hatena-syntax"
MARKDOWN = "text/x-markdown"
HTML = "text/html"

# はてな記法
_QUOTE_OPEN = lazy_re(r">(?:(https?://[^\s>]+?)(?::title(?:=([^>]*))?)?)?>")
_SUPER_PRE = lazy_re(r">\|[A-Za-z0-9_+#-]*\||>\|")
_HEADING = lazy_re(r"\*+(?:[a-z]?\d*\*)?|\*")
_BRACKET = lazy_re(
    r"\[(https?://[^\s\]]+?)(?::(?:title=([^\]]*)|title|embed(?::cite)?|bookmark|image|"
    r"detail|plain|barcode))?\]")
_NO_LINK = lazy_re(r"\[\](.*?)\[\]")
# Markdown
_MD_HEADING = lazy_re(r"#{1,6}[ \t]+")
_MD_IMAGE = lazy_re(r"!\[([^\]]*)\]\((\S+?)(?:\s+\"[^\"]*\")?\)")
_MD_LINK = lazy_re(r"\[([^\]]*)\]\((\S+?)(?:\s+\"[^\"]*\")?\)")
_MD_AUTOLINK = lazy_re(r"<(https?://[^>\s]+)>")
_MD_CITE = lazy_re(
    r"(?:—|--|―)\s*(?:\[(?P<title>[^\]]*)\]\((?P<url>https?://\S+?)\)|<?(?P<bare>https?://[^\s>]+)>?)"
    r"|<cite>(?P<html>.*)</cite>")
# No `—`/`―`: a citation line is only ever a quote's last line, which is always its citation, and a
# backslash before them would show (Markdown escapes only ASCII punctuation).
_NEEDS_ESCAPE = lazy_re(r"(?:>|#{1,6}[ \t]|[-*+][ \t]|\d+\.[ \t]|```|~~~|<|\\|--)")


def _hatena_inline(text: str) -> str:
    def bracket(m: re.Match[str]) -> str:
        url, shown = m.group(1), m.group(2)
        return f"{shown} ({url})" if shown else url

    return _NO_LINK.sub(r"\1", _BRACKET.sub(bracket, text))


def hatena_lines(text: str) -> list[Line]:
    """The lines of a body written in はてな記法."""
    lines: list[Line] = []
    quotes: list[tuple[Citation | None, int]] = []  # (citation, index of its first line)
    pre: str | None = None
    raw: list[str] | None = None
    for line in text.replace("\r\n", "\n").split("\n"):
        if pre is not None:
            if line.rstrip(" \t") == pre:
                pre = None
            elif line.strip(" \t"):
                lines.append((line, None))
            continue
        if raw is not None:
            raw.append(line)
            if line.rstrip(" \t").endswith("<"):
                lines.extend(html_lines("\n".join(raw)[:-1]))
                raw = None
            continue
        stripped = line.rstrip(" \t")
        m = _QUOTE_OPEN.fullmatch(stripped)
        if m is not None:
            src = Citation(url=m.group(1), title=m.group(2) or None) if m.group(1) else None
            quotes.append((src, len(lines)))
        elif stripped == "<<" and quotes:
            src, start = quotes.pop()
            if src is not None:
                lines[start:] = [(t, s or src) for t, s in lines[start:]]
        elif _SUPER_PRE.fullmatch(stripped):
            pre = "||<" if stripped != ">|" else "|<"
        elif stripped.startswith("><"):
            raw = [stripped[1:]]
            if stripped.endswith("<"):
                lines.extend(html_lines(stripped[1:-1]))
                raw = None
        elif stripped == "====" or not stripped:
            continue
        else:
            h = _HEADING.match(stripped)
            text = stripped[h.end():] if h else stripped
            lines.append((_hatena_inline(text), None))
    return lines


def _md_inline(text: str) -> str:
    def link(m: re.Match[str]) -> str:
        shown, url = m.group(1), m.group(2)
        return url if not shown or shown == url else f"{shown} ({url})"

    text = _MD_IMAGE.sub(lambda m: m.group(2), text)
    text = _MD_LINK.sub(link, text)
    return _MD_AUTOLINK.sub(r"\1", text)


def _md_paragraph(line: str) -> str:
    """The text of one Markdown paragraph line: a leading backslash makes the rest literal."""
    if line.startswith("\\"):
        return line[1:]
    h = _MD_HEADING.match(line)
    return _md_inline(line[h.end():] if h else line)


def _md_cite(line: str) -> Citation | None:
    m = _MD_CITE.fullmatch(line.strip(" \t"))
    if m is None:
        return None
    if m.group("html") is not None:
        found = html_lines(f"<blockquote><p>x</p><cite>{m.group('html')}</cite></blockquote>")
        return found[0][1] if found else None
    url = m.group("url") or m.group("bare")
    title = m.group("title")
    return Citation(url=url, title=title if title and title != url else None)


def _md_quote(block: list[str], out: list[Line]) -> None:
    body = [b[1:].removeprefix(" ") for b in block]
    while body and not body[-1].strip(" \t"):
        body.pop()
    citation = _md_cite(body[-1]) if body else None
    if citation is not None:
        body.pop()
    out.extend((_md_paragraph(t.strip(" \t")), citation) for t in body if t.strip(" \t"))


def markdown_lines(text: str) -> list[Line]:
    """The lines of a body written in Markdown (Hatena's Markdown mode: one line, one paragraph)."""
    lines: list[Line] = []
    quote: list[str] = []
    fence: str | None = None
    for line in [*text.replace("\r\n", "\n").split("\n"), ""]:
        if fence is not None:
            if line.strip(" \t").startswith(fence):
                fence = None
            elif line.strip(" \t"):
                lines.append((line, None))
            continue
        if line.startswith(">"):
            quote.append(line)
            continue
        if quote:
            _md_quote(quote, lines)
            quote = []
        stripped = line.strip(" \t")
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
        elif stripped.startswith("<") and not _MD_AUTOLINK.match(stripped):
            lines.extend(html_lines(stripped))
        elif stripped:
            lines.append((_md_paragraph(stripped), None))
    return lines


def syntax_to_entry(content: str, content_type: str | None) -> Entry:
    """An entry (no date, no ids) from a body written in the syntax of an AtomPub content type;
    other or missing types (gimonfu sends `text/plain`) are read as Markdown, the syntax
    kirinuki serves entries in."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == HATENA:
        return lines_to_entry(hatena_lines(content))
    if kind == MARKDOWN:
        return lines_to_entry(markdown_lines(content))
    if kind in (HTML, "html", "application/xhtml+xml"):
        return lines_to_entry(html_lines(content))
    return lines_to_entry(markdown_lines(content))


def _md_text(text: str) -> str:
    """`text` as one Markdown paragraph that `_md_paragraph` reads back unchanged."""
    literal = _NEEDS_ESCAPE.match(text) or "](" in text or "<http" in text or "[]" in text
    if literal:
        return "\\" + text
    # `<URL>`: Markdown's own autolinking would run on into Japanese text after a URL.
    out, last = [], 0
    for start, end in find_urls(text):
        out += [text[last:start], "<", text[start:end], ">"]
        last = end
    return "".join(out) + text[last:]


def _md_quote_text(clips: list[Clip]) -> str:
    src = clips[0].citation
    assert src is not None
    if http_url(src.url) is None:
        # Neither a link nor an autolink (Markdown links any scheme in `<…>`): plain text.
        cite = "> " + _md_text(" ".join(filter(None, ["—", src.title, src.url])))
    else:
        cite = f"> — [{src.title}]({src.url})" if src.title else f"> — <{src.url}>"
    return "\n>\n".join([*(f"> {_md_text(c.text)}" for c in clips), cite])


def _md_url(url: str) -> str:
    """A URL line: as it is when it is an http(s) link, else as literal text."""
    return url if http_url(url) else _md_text(url)


def read_content(content: str, content_type: str | None) -> tuple[Entry, str | None]:
    """The entry of an AtomPub content and, for HTML that is not clipping-shaped (a general
    post, see `hatena_html.body_to_entry`), the HTML itself, to keep; else None."""
    if (content_type or "").lower() in (HTML, "html"):
        entry, clipping = body_to_entry(content)
        return entry, None if clipping else content
    return syntax_to_entry(content, content_type), None


def entry_markdown(entry: Entry) -> str:
    """The entry as Markdown (each paragraph its own line, blank lines between); quoted clips
    with a citation become a `>` block closed by `> — [title](URL)`."""
    out = [_md_url(h.url) for h in entry.header]
    for g in entry.groups:
        run: list[Clip] = []
        for item in [*g.items, None]:
            if run and not (isinstance(item, Clip) and same_citation(item.citation, run[0].citation)):
                out.append(_md_quote_text(run))
                run = []
            if isinstance(item, Clip) and item.citation is not None:
                run.append(item)
            elif isinstance(item, Clip):
                out.append(_md_text(item.text))
            elif isinstance(item, RelatedLink):
                out.append(_md_url(item.url) + item.quote)
        out.extend(_md_text(tag_line_text(tl.tags, tl.written)) for tl in g.tag_lines)
    if entry.footer is not None:
        out.append(entry.footer.text)
    return "\n\n".join(out) + "\n"
