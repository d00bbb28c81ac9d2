"""Hatena Blog entry bodies in HTML to and from clip groups.

Every body syntax (HTML here, はてな記法 and Markdown in `hatena_syntax`) is first read into
*lines*: `(text, citation)` pairs, one paragraph of plain text each, where `citation` is the cited page of a block quote the line sat in. `lines_to_entry` then
reads the lines as clip text (docs/formats.md), so the journal's own header URLs, hashtag lines,
related links and footer are recognised exactly as in a clip text page, and puts the citations on
the clips. Nothing is dropped: text outside quotes becomes clips without a citation, links keep their
URL, images their address. `entry_html` renders an entry back; reading its output again gives
the same entry, so export → import → export is stable.

Pure functions: no I/O, never raise on odd input.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import nh3

from kirinuki.model import Citation, Clip, Entry, Group, RelatedLink
from kirinuki.text.autolink import find_urls, linked_html
from kirinuki.text.cliptext import elements, parse
from kirinuki.text.hashtags import parse_tag_line, tag_line_text
from kirinuki.text.links import http_url
from kirinuki.text.spaces import is_blank

if TYPE_CHECKING:
    from lxml import etree

Line = tuple[str, Citation | None]

_BLOCK_NAMES = (
    "p div blockquote h1 h2 h3 h4 h5 h6 li ul ol dl dt dd pre table thead tbody tr td th "
    "section article header footer figure figcaption hr br address aside nav details summary"
)
_BLOCK = frozenset(_BLOCK_NAMES.split(" "))
_SKIP = frozenset({"script", "style", "iframe", "noscript", "template"})
_EMBED_HOST = "hatenablog-parts.com"
_WS = " \t\r\n\f\v"


@dataclass
class _Quote:
    """An open <blockquote>: the lines read inside it and the page it cites."""

    url: str | None
    title: str | None = None
    lines: list[int] = field(default_factory=list)


@dataclass
class _Anchor:
    href: str
    start: int
    plain: bool


class _Target:
    """lxml parser target: element and text events of a body, handed to `_HtmlReader`."""

    def __init__(self) -> None:
        self.reader = _HtmlReader()

    def start(self, tag: str, attrib: Mapping[str, str]) -> None:
        self.reader.seen.add(tag)
        self.reader.open(tag, {k.lower(): v for k, v in attrib.items()})

    def end(self, tag: str) -> None:
        self.reader.close(tag)

    def data(self, data: str) -> None:
        self.reader.text(data)

    def close(self) -> None:
        return None


_PARSERS = threading.local()


def _parser() -> tuple[_Target, etree.HTMLParser]:
    """This thread's parser and its target: made once, since lxml inspects a target's methods
    each time a parser is made (15% of reading an MT export) and a parser is not thread-safe."""
    made = getattr(_PARSERS, "made", None)
    if made is None:
        # Imported here: the publisher imports this module for `sanitized` alone.
        from lxml import etree

        target = _Target()
        made = _PARSERS.made = (target, etree.HTMLParser(target=target, no_network=True,
                                                         remove_comments=True))
    return made


class _HtmlReader:
    """Reads rendered entry HTML into lines (see the module docstring)."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.parts: list[str] = []
        self.quotes: list[_Quote] = []
        self.anchors: list[_Anchor] = []
        self.skip = 0
        self.pre = 0
        self.cite: list[str] | None = None  # link(s) found in a quote's <cite>
        self.citation = 0  # inside Hatena's link-card <cite class="hatena-citation">
        self.seen: set[str] = set()  # every element name met

    def flush(self) -> None:
        text = "".join(self.parts).strip(_WS)
        self.parts = []
        if text and self.cite is None:
            if self.quotes:
                self.quotes[-1].lines.append(len(self.lines))
            self.lines.append((text, None))

    def text(self, data: str) -> None:
        if self.skip:
            return
        pieces = data.split("\n")
        for k, piece in enumerate(pieces):
            if k:
                self.flush()
            self.parts.append(piece.replace("\r", "") if self.pre else piece.replace("\r", " "))

    def open(self, tag: str, attrs: dict[str, str]) -> None:
        if tag in _SKIP:
            self.skip += 1
            return
        if tag in _BLOCK:
            self.flush()
        if tag == "pre":
            self.pre += 1
        elif tag == "blockquote":
            self.quotes.append(_Quote(attrs.get("cite") or None))
        elif tag == "cite":
            if self.quotes and self.cite is None:
                self.flush()
                self.cite = []
                self.parts = []
            elif "hatena-citation" in attrs.get("class", ""):
                self.citation += 1
        elif tag == "a":
            plain = "keyword" in attrs.get("class", "").split() or self.citation > 0
            self.anchors.append(_Anchor(attrs.get("href", ""), len(self.parts), plain))
        elif tag == "img" and attrs.get("src"):
            self.flush()
            self.parts.append(attrs["src"])
            self.flush()

    def close(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "a" and self.anchors:
            self._close_anchor(self.anchors.pop())
        elif tag == "cite":
            if self.cite is not None:
                self._close_cite()
            elif self.citation:
                self.citation -= 1
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in _BLOCK:
            self.flush()
        if tag == "blockquote" and self.quotes:
            self._close_quote(self.quotes.pop())

    def _close_anchor(self, a: _Anchor) -> None:
        start = min(a.start, len(self.parts))  # a block inside the link flushed the line
        shown = "".join(self.parts[start:])
        href = a.href.strip()
        if self.cite is not None:
            if href.startswith(("http://", "https://")):
                self.cite.extend([href, shown.strip(_WS)])
            return
        if not href.startswith(("http://", "https://")) or shown.strip(_WS) == href:
            return
        if a.plain:
            self.parts[start:] = [href] if self.citation else [shown]
        elif shown.strip(_WS):
            self.parts.append(f" ({href})")
        else:
            self.parts[start:] = [href]

    def _close_cite(self) -> None:
        assert self.cite is not None
        found, text = self.cite, "".join(self.parts).strip(_WS)
        self.cite, self.parts = None, []
        quote = self.quotes[-1]
        if found:
            quote.url = found[0]
            quote.title = found[1] if found[1] and found[1] != found[0] else None
        elif find_urls(text) == [(0, len(text))]:
            quote.url = text
        elif text:
            self.parts = [text]
            self.flush()

    def _close_quote(self, quote: _Quote) -> None:
        if quote.url is None:
            if self.quotes:
                self.quotes[-1].lines.extend(quote.lines)
            return
        citation = Citation(url=quote.url, title=quote.title)
        for i in quote.lines:
            if self.lines[i][1] is None:
                self.lines[i] = (self.lines[i][0], citation)

    def feed(self, body: str) -> list[Line]:
        # libxml2's HTML parser as a stream of events: it recovers from any markup the way
        # browsers mostly do (implied closes, stray `<`), unlike the regular expression before.
        if body:
            target, parser = _parser()
            target.reader = self
            try:
                parser.feed(body)
            finally:
                parser.close()
        self.flush()
        while self.quotes:
            self._close_quote(self.quotes.pop())
        return self.lines


def html_lines(body: str) -> list[Line]:
    """The lines of a rendered HTML body (Hatena's formatted content or an MT export BODY)."""
    return _HtmlReader().feed(body)


# Markup whose structure clip text cannot hold (it keeps only the text): a body with any of
# it is a general blog post, kept as HTML.
_STRUCTURE = frozenset({"pre", "code", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl",
                        "table"})
# What a served body may hold beyond nh3's defaults: Hatena's embeds (http(s) sources only).
_EMBED_ATTRS = {"iframe": {"src", "title", "width", "height"}}


def body_to_entry(body: str) -> tuple[Entry, bool]:
    """The entry (content only) of an HTML body and whether the body is clipping-shaped.

    Clipping-shaped: no markup clip text cannot hold (headings, lists, tables, `<pre>`,
    `<code>`) and at least one hashtag line or cited quote; its lines are read as clip text
    (`lines_to_entry`). Any other body is a general post: every line of text becomes a clip
    of one untagged group, so a `#word` line (a shell comment, a CSS rule) stays text, and
    the caller keeps the HTML itself."""
    reader = _HtmlReader()
    lines = reader.feed(body)
    tagged = any(src is not None or parse_tag_line(text.strip(_WS)) for text, src in lines)
    if tagged and not reader.seen & _STRUCTURE:
        return lines_to_entry(lines), True
    return _plain_entry(lines), False


def _plain_entry(lines: list[Line]) -> Entry:
    clips = [Clip(text, 1, citation=src) for text, src in _visible(lines)]
    if clips:
        clips[-1].blank_after = 0
    return Entry(groups=[Group(items=list(clips))] if clips else [])


def _visible(lines: list[Line]) -> list[Line]:
    texts = [(t.replace("\n", " ").replace("\r", " ").lstrip("\ufeff").strip(_WS), src)
             for t, src in lines]
    return [(t, src) for t, src in texts if not is_blank(t)]


def sanitized(body: str) -> str:
    """`body` with only safe markup left (nh3: no scripts, styles, event handlers or
    non-http(s) links, no inline styles; Hatena's iframe embeds kept with their http(s)
    source)."""
    attributes = {**nh3.ALLOWED_ATTRIBUTES, **_EMBED_ATTRS}
    return nh3.clean(body, tags=nh3.ALLOWED_TAGS | {"iframe"}, attributes=attributes,
                     url_schemes={"http", "https"})


def lines_to_entry(lines: list[Line]) -> Entry:
    """An entry (no date, no ids) from body lines: clip text rules, plus the quotes' citations.
    A line without visible text (`<p>&nbsp;</p>`, a U+3000 spacer) is no clip."""
    kept = _visible(lines)
    entry = parse("\n\n".join(t for t, _ in kept))
    for element, (_, citation) in zip(elements(entry), kept, strict=False):
        if isinstance(element, Clip) and citation is not None:
            element.citation = citation
    return entry


def _quote_html(clips: list[Clip]) -> str:
    src = clips[0].citation
    assert src is not None
    shown = html.escape(src.title or src.url, quote=False)
    inner = "\n".join(f"<p>{linked_html(c.text)}</p>" for c in clips)
    if http_url(src.url) is None:
        # Not a link (`javascript:`…): the quote cites it as text, which reads back as a clip.
        return f"<blockquote>\n{inner}\n<cite>{html.escape(src.url, quote=False)}</cite>\n</blockquote>"
    url = html.escape(src.url)
    return (f'<blockquote cite="{url}">\n{inner}\n'
            f'<cite><a href="{url}">{shown}</a></cite>\n</blockquote>')


def same_citation(a: Citation | None, b: Citation | None) -> bool:
    """True when both are citations and name the same page with the same title."""
    return a is not None and b is not None and (a.url, a.title) == (b.url, b.title)


def entry_html(entry: Entry) -> str:
    """The HTML body of an entry: clips with a citation as cited block quotes, others as
    paragraphs, tag lines as paragraphs; `html_lines` + `lines_to_entry` read it back."""
    out = [f"<p>{linked_html(h.url)}</p>" for h in entry.header]
    for g in entry.groups:
        run: list[Clip] = []
        for item in [*g.items, None]:
            if run and not (isinstance(item, Clip) and same_citation(item.citation, run[0].citation)):
                out.append(_quote_html(run))
                run = []
            if isinstance(item, Clip) and item.citation is not None:
                run.append(item)
            elif isinstance(item, Clip):
                out.append(f"<p>{linked_html(item.text)}</p>")
            elif isinstance(item, RelatedLink):
                out.append(f"<p>{linked_html(item.url)}{linked_html(item.quote)}</p>")
        # As written (`＃`, spaces between tags), less the ASCII space HTML would fold away.
        out.extend(f"<p>{linked_html(tag_line_text(tl.tags, tl.written).strip(_WS))}</p>"
                   for tl in g.tag_lines)
    if entry.footer is not None:
        out.append(f"<p>{linked_html(entry.footer.text)}</p>")
    return "\n".join(out)
