"""The clip text format (DESIGN.md §3): parse a page into an `Entry`, render it back.

The parser works on lines and never raises. Every blank line is kept as the `blank_after` count
of the element before it (or `Layout.lead_blank` at the top), the line separator and a BOM are
kept in `Layout`, and every other line becomes exactly one element whose rendering is the line
itself. Hence `render(parse(t)) == t` for every string `t`, which the property tests check.
"""

from __future__ import annotations

import re

from kirinuki.model import (
    Clip,
    Entry,
    Footer,
    Group,
    HeaderLink,
    Item,
    Layout,
    RelatedLink,
    TagLine,
)
from kirinuki.text.hashtags import parse_tag_line, render_tag_line

BOM = "\ufeff"

# A header line is the bare root URL of a host: `https://d1021.hatenadiary.com`.
_ROOT_URL = re.compile(r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d+)?/?")
# A footer line is a bare host name: `d1021.hatenadiary.jp`.
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Related links: old diary form with optional #epoch, or a blog permalink; then an optional
# parenthesised quote. The URL part is kept apart from the quote so both render exactly.
_RELATED = re.compile(
    r"(?P<url>http://d\.hatena\.ne\.jp/[A-Za-z0-9_-]+/\d{8}(?:#\d+|/\d+)?"
    r"|https?://[A-Za-z0-9.-]+/entry/(?:\d{4}/\d{2}/\d{2}/\d{6}|\d{8}/\d+))"
    r"(?P<quote>[(（].*)?"
)


def is_root_url(line: str) -> bool:
    """True when `line` is a bare URL of a host (a header line)."""
    return _ROOT_URL.fullmatch(line) is not None


def is_host_line(line: str) -> bool:
    """True when `line` is a bare host name (a footer line)."""
    return _HOST.fullmatch(line) is not None


def parse_related(line: str) -> RelatedLink | None:
    """The related link on `line`, or None when the line is not one."""
    m = _RELATED.fullmatch(line)
    if m is None:
        return None
    return RelatedLink(url=m.group("url"), quote=m.group("quote") or "")


def _newline_of(text: str) -> str:
    """CRLF when every line feed is part of a CRLF, else LF (a lone CR then stays in the text)."""
    lf = text.count("\n")
    if lf and text.count("\r\n") == lf:
        return "\r\n"
    return "\n"


def _blanks(lines: list[str], i: int, end: int) -> int:
    """How many blank lines start at index `i` (stopping at `end`)."""
    k = i
    while k < end and lines[k] == "":
        k += 1
    return k - i


def _find_footer(lines: list[str], start: int) -> int:
    """Index of the footer line, or -1: the last non-blank line, a bare host after a blank."""
    last = len(lines) - 1
    while last >= start and lines[last] == "":
        last -= 1
    if last < start or not is_host_line(lines[last]):
        return -1
    if last > start and lines[last - 1] != "":
        return -1
    return last


def parse(text: str) -> Entry:
    """Parse one page of clip text into an `Entry` (no ids, no date). Never raises."""
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    newline = _newline_of(text)
    lines = text.split(newline)
    n = len(lines)
    entry = Entry(layout=Layout(bom=bom, newline=newline))
    i = _blanks(lines, 0, n)
    entry.layout.lead_blank = i
    while i < n and is_root_url(lines[i]):
        gap = _blanks(lines, i + 1, n)
        entry.header.append(HeaderLink(lines[i], gap))
        i += 1 + gap
    footer_at = _find_footer(lines, i)
    end = footer_at if footer_at >= 0 else n
    group = Group()
    while i < end:
        line = lines[i]
        gap = _blanks(lines, i + 1, end)
        tags = parse_tag_line(line)
        if tags is not None:
            group.tag_lines.append(TagLine(tags, gap))
        else:
            if group.tag_lines:
                entry.groups.append(group)
                group = Group()
            item: Item = parse_related(line) or Clip(line)
            item.blank_after = gap
            group.items.append(item)
        i += 1 + gap
    if group.items or group.tag_lines:
        entry.groups.append(group)
    if footer_at >= 0:
        entry.footer = Footer(lines[footer_at], n - 1 - footer_at)
    return entry


def _item_line(item: Item) -> str:
    if isinstance(item, Clip):
        return item.text
    return item.url + item.quote


def render_lines(entry: Entry) -> list[str]:
    """The lines of the entry's clip text, blank lines included, without separators."""
    out: list[str] = [""] * entry.layout.lead_blank
    for h in entry.header:
        out.append(h.url)
        out.extend([""] * h.blank_after)
    for g in entry.groups:
        for item in g.items:
            out.append(_item_line(item))
            out.extend([""] * item.blank_after)
        for tl in g.tag_lines:
            out.append(render_tag_line(tl.tags))
            out.extend([""] * tl.blank_after)
    if entry.footer is not None:
        out.append(entry.footer.text)
        out.extend([""] * entry.footer.blank_after)
    return out


def render(entry: Entry) -> str:
    """The clip text of `entry`; `render(parse(t)) == t` for every string `t`."""
    body = entry.layout.newline.join(render_lines(entry))
    return (BOM if entry.layout.bom else "") + body
