"""An article's body as the page lays it out: the element that holds its prose, cut into the
blocks a reader sees (each `<p>`, list item, subheading, and each `<br>`-separated line).

The body is found by where prose sits (a readability-style score: a paragraph's text counts for
the element holding it and half for the one above), skipping page furniture recognised by tag,
class or id (navigation, share buttons, photos and captions, related lists, paywall gates,
bylines, datelines). Text is the visible text: furigana (`<rt>`, `<rp>`) removed, and the line
breaks that a browser does not show between Japanese characters or around `<ruby>` removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# Elements that start a new block.
_BLOCK = frozenset(
    ["p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
     "blockquote", "section", "article", "main", "table", "tbody", "thead", "tr", "td", "th", "pre",
     "header", "footer", "address", "details", "summary", "center", "hr"])
# Elements whose text is never article text (the headline is the page's, not a paragraph).
_SKIP_TAGS = frozenset(
    ["h1", "script", "style", "noscript", "template", "rt", "rp", "figure", "figcaption", "img",
     "picture", "button", "form", "input", "select", "textarea", "iframe", "svg", "video", "audio",
     "canvas", "nav", "aside", "footer", "header", "label", "object", "embed", "map"])
# class/id words of page furniture (matched as a whole word of the class or id, camelCase split).
_SKIP_WORDS = frozenset(
    ["share", "sns", "social", "related", "relation", "kanren", "recommend", "osusume", "ranking",
     "rank", "popular", "breadcrumb", "breadcrumbs", "pankuzu", "topicpath", "caption", "photo",
     "photos", "gallery", "image", "img", "thumb", "writer", "author", "byline", "credit", "banner",
     "sponsor", "sponsored", "ad", "ads", "advert", "advertisement", "pr", "paywall", "gate",
     "wall", "premium", "regist", "register", "signup", "login", "member", "membership", "pager",
     "pagination", "paging", "comment", "comments", "footer", "navi", "nav", "menu", "profile",
     "follow", "date", "time", "timestamp", "meta", "info", "tags", "tag", "keyword", "keywords",
     "kw", "topics", "teikyo", "video", "movie", "provider", "source", "bookmark",
     "print", "modal", "popup", "toast", "scrap", "notice", "reaction", "hidden"])
_INLINE_SKIP_WORDS = frozenset(
    ["share", "sns", "social", "caption", "credit", "photo", "ad", "ads", "advert", "advertisement",
     "pr", "sponsor", "sponsored", "banner", "hidden", "popup", "modal", "toast", "print",
     "bookmark"])
# class/id words of the body itself, which outweigh a furniture word beside them.
_BODY_WORDS = frozenset(["body", "text", "honbun", "story", "main", "lead", "summary"])
_BULLETS = "▽▼・●■◆◇○◎※→-"
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_BR_SPACE = re.compile(r"[ \t\r\n\f\u00a0]+")
# A run of whitespace that holds a line break between two wide (CJK) characters or next to a
# ruby: a browser shows nothing there.
_WIDE = "\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t\r\f]*\n\s*(?=[{_WIDE}])")
_RUBY_EDGE = re.compile(r"[ \t\r\f]*\n\s*(?=\x00)|(?<=\x00)[ \t\r\f]*\n\s*")


@dataclass
class Block:
    """One block of text as a reader sees it."""

    text: str
    tag: str  # the element that holds it: p, li, h2, div (a <br>-separated line) ...
    link_only: bool  # all of its text is link text


@dataclass
class Page:
    """The body's blocks, and the page furniture texts worth reading as metadata."""

    blocks: list[Block]
    datelines: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    h1s: list[str] = field(default_factory=list)


def _words(el: Any) -> set[str]:
    raw = f"{el.get('class') or ''} {el.get('id') or ''}"
    if not raw.strip():
        return set()
    return set(_WORD_SPLIT.split(_CAMEL.sub(r"\1 \2", raw).lower()))


def _skipped(el: Any) -> bool:
    tag = el.tag
    if not isinstance(tag, str) or tag in _SKIP_TAGS:
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    words = _words(el)
    if not words:
        return False
    if words & _BODY_WORDS:
        return False  # `article-body-info`, `text-more`: named for the body first
    # Inside a sentence a class says less (`<a class="keyword">` is a link within the text).
    return bool(words & (_SKIP_WORDS if tag in _BLOCK else _INLINE_SKIP_WORDS))


def clean_text(raw: str) -> str:
    """Visible text of a block: ruby edges and breaks between CJK characters removed, other
    runs of spaces and line breaks one space, ends stripped (U+3000 inside is kept)."""
    text = _RUBY_EDGE.sub("", raw).replace("\x00", "")
    text = _CJK_BREAK.sub("", text)
    return _BR_SPACE.sub(" ", text).strip()


def _ruby_text(el: Any) -> str:
    """A ruby's base text without its furigana, marked so that the breaks around it go."""
    parts = [el.text or ""]
    for child in el:
        if child.tag not in ("rt", "rp") and isinstance(child.tag, str):
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return "\x00" + "".join(parts).strip() + "\x00"


class _Cutter:
    """Cuts an element's content into blocks."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.pieces: list[str] = []
        self.link_chars = 0
        self.tag = "div"

    def flush(self) -> None:
        if self.pieces:
            text = clean_text("".join(self.pieces))
            if text:
                # A bullet outside the link does not make the line more than a link.
                plain = len(text.lstrip(_BULLETS).replace(" ", ""))
                self.blocks.append(Block(text, self.tag, self.link_chars >= plain > 0))
        self.pieces, self.link_chars = [], 0

    def add(self, text: str | None, in_link: bool) -> None:
        if text:
            self.pieces.append(text)
            if in_link:
                self.link_chars += len(clean_text(text).replace(" ", ""))

    def walk(self, el: Any, in_link: bool = False) -> None:
        """Add `el`'s content (not its tail)."""
        tag = el.tag
        if tag == "ruby":
            self.add(_ruby_text(el), in_link)
            return
        block = tag in _BLOCK
        if block:
            self.flush()
            outer, self.tag = self.tag, tag
        in_link = in_link or tag == "a"
        self.add(el.text, in_link)
        for child in el:
            if child.tag == "br":
                self.flush()
            elif child.tag == "table":
                self.flush()  # a table's cells are no paragraphs (a layout table is the body)
            elif not _skipped(child):
                self.walk(child, in_link)
            elif isinstance(child.tag, str) and child.tag in _BLOCK:
                self.flush()
            self.add(child.tail, in_link)
        if block:
            self.flush()
            self.tag = outer


def _prose(text: str) -> int:
    """The weight a stretch of text gives to the element holding it: its length when it reads
    as prose, nothing for a short label or a link."""
    n = len(text)
    return n if n >= 20 or (n >= 8 and text.endswith("。")) else 0


def _sentence(text: str) -> bool:
    """True for a paragraph of prose: 40 characters or more, or a shorter sentence."""
    return _prose(text) >= 40 or (_prose(text) > 0 and text.endswith("。"))


def _score(root: Any) -> dict[Any, float]:
    """Prose weight of each element: its own text lines in full, and its paragraph children's
    (<p>, <li> ...) in full; half of that again for the element above."""
    scores: dict[Any, float] = {}

    def credit(el: Any, weight: float) -> None:
        if weight <= 0:
            return
        if el.tag in ("p", "li", "dd", "blockquote", "pre", "h2", "h3", "h4"):
            el = el.getparent() if el.getparent() is not None else el
        scores[el] = scores.get(el, 0.0) + weight
        parent = el.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0.0) + weight / 2

    def visit(el: Any) -> None:
        # The element's own text: what lies outside its block children, cut at <br>.
        line: list[str] = [el.text or ""]
        lines: list[str] = []
        stack = [(child, False) for child in reversed(el)]
        while stack:
            child, is_tail = stack.pop()
            if is_tail:
                line.append(child.tail or "")
                continue
            stack.append((child, True))
            if child.tag == "br" or (isinstance(child.tag, str) and child.tag in _BLOCK):
                lines.append("".join(line))
                line = []
                if child.tag != "br" and not _skipped(child):
                    visit(child)
            elif child.tag == "a" or _skipped(child):
                continue  # link text and furniture give no weight
            elif child.tag == "ruby":
                line.append(_ruby_text(child))
            else:
                line.append(child.text or "")
                stack.extend((c, False) for c in reversed(child))
        lines.append("".join(line))
        credit(el, sum(_prose(clean_text(t)) for t in lines))

    visit(root)
    return scores


def _parts(body: Any, scores: dict[Any, float]) -> Iterator[Any]:
    """The body element and the siblings that continue it: elements with a fair share of its
    prose, and prose paragraphs beside it (a lead written above the body's box)."""
    parent = body.getparent()
    if parent is None:
        yield body
        return
    top = scores.get(body, 0.0)
    for sib in parent:
        if sib is body:
            yield sib
        elif not isinstance(sib.tag, str) or _skipped(sib):
            continue
        elif scores.get(sib, 0.0) >= max(top * 0.2, 20) or _lead(sib):
            yield sib


def _lead(el: Any) -> bool:
    """True for a paragraph of prose on its own (a `<p>`, or a `<div>` of plain text)."""
    if el.tag not in ("p", "div") or len(el) > 3:
        return False
    return _sentence(clean_text(el.text_content()))


def _body_parts(best: Any, scores: dict[Any, float]) -> list[Any]:
    """The parts of the body around its best element. A body split into several boxes
    (sections under subheadings) is taken as its parent's, whose own neighbours may
    continue it too (a lead paragraph above the box)."""
    node, parts = best, list(_parts(best, scores))
    while len(parts) > 1:
        parent = node.getparent()
        if parent is None or parent.tag == "body" or parent.getparent() is None:
            break
        scores[parent] = max(scores.get(parent, 0.0), sum(scores.get(p, 0.0) for p in parts))
        up = list(_parts(parent, scores))
        if len(up) <= 1:
            break
        node, parts = parent, up
    return parts


def _furniture(root: Any, page: Page) -> None:
    """Collect datelines, bylines and headlines from the whole page for the metadata."""
    for el in root.iter("h1", "time", "p", "div", "span", "li", "address", "small"):
        words = _words(el)
        if el.tag == "h1":
            page.h1s.append(clean_text(_plain_text(el)))
        elif words & {"date", "time", "timestamp"} or el.tag == "time":
            page.datelines.append(clean_text(el.text_content()))
        elif words & {"author", "byline", "writer", "credit"} and len(el) <= 3:
            page.bylines.append(clean_text(el.text_content()))


def _plain_text(el: Any) -> str:
    cut = _Cutter()
    cut.walk(el)
    cut.flush()
    return " ".join(b.text for b in cut.blocks)


def page_blocks(root: Any) -> Page:
    """The blocks of the page's body (none when no element holds prose), and its furniture."""
    page = Page([])
    _furniture(root, page)
    body = root.find(".//body")
    scores = _score(body if body is not None else root)
    if not scores:
        return page
    best = max(scores, key=scores.__getitem__)
    if scores[best] <= 0:
        return page
    cut = _Cutter()
    for part in _body_parts(best, scores):
        cut.walk(part)
        cut.flush()
    page.blocks = cut.blocks
    return page
