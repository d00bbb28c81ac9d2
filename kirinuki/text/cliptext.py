"""The clip text format (docs/formats.md): parse a page into an `Entry`, render it back.

The parser works on lines and never raises. A line ends at LF, CRLF or CR, decided line by line,
so any mix of line ends is read right. A blank line (empty or only space, `text.spaces`) is
layout: it counts in the `blank_after` of the element before it (or `Layout.lead_blank` at the
top). Every other line becomes exactly one element (header link, clip, related link, tag line,
footer) whose rendering is the line itself. What the structure does not imply — a line end other
than the entry's usual one, the spaces of a blank line, a tag line written other than `#a#b` —
is kept on the element (`after`, `TagLine.written`) or in `Layout`, so `render(parse(t)) == t`
for every string `t`, which the property tests check.
"""

from __future__ import annotations

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
from kirinuki.text.hashtags import MARKERS, parse_tag_line, render_tag_line, tag_line_text
from kirinuki.text.lazyre import lazy_re
from kirinuki.text.spaces import SPACES, is_blank

BOM = "\ufeff"
NEWLINES = ("\n", "\r\n", "\r")
Element = HeaderLink | Clip | RelatedLink | TagLine | Footer
# The first character of a line that may be a tag line.
_TAG_START = frozenset(MARKERS + SPACES)

# A line end, with the line ends kept by `split`: content, end, content, end, …, content.
_LINE_END = lazy_re(r"(\r\n|\r|\n)")
# A header line is the bare root URL of a host: `https://d1021.hatenadiary.com`.
_ROOT_URL = lazy_re(r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d+)?/?")
# A footer line is a bare host name: `d1021.hatenadiary.jp`.
_HOST = lazy_re(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Related links: old diary form with optional #epoch, or a blog permalink; then an optional
# parenthesised quote. The URL part is kept apart from the quote so both render exactly.
_RELATED = lazy_re(
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


def split_lines(text: str) -> list[str]:
    """The lines of `text` without their ends (LF, CRLF or CR, each line its own)."""
    return _LINE_END.split(text)[0::2]


def usual_newline(text: str) -> str:
    """The most frequent line end of `text` (LF on a tie or when there is none)."""
    crlf = text.count("\r\n")
    lf, cr = text.count("\n") - crlf, text.count("\r") - crlf
    return "\r\n" if crlf > lf and crlf >= cr else "\r" if cr > lf and cr > crlf else "\n"


def _split(text: str) -> tuple[list[str], list[str] | None, str]:
    """(lines, their ends or None when all are the usual one, the usual line end)."""
    cr = text.count("\r")
    if not cr:
        return text.split("\n"), None, "\n"
    lf = text.count("\n")
    if not lf:
        return text.split("\r"), None, "\r"
    if cr == lf == text.count("\r\n"):
        return text.split("\r\n"), None, "\r\n"
    parts = _LINE_END.split(text)
    return parts[0::2], parts[1::2], usual_newline(text)


def _blanks(blank: list[bool], i: int, end: int) -> int:
    """How many blank lines start at index `i` (stopping at `end`)."""
    k = i
    while k < end and blank[k]:
        k += 1
    return k - i


def _find_footer(lines: list[str], blank: list[bool], start: int) -> int:
    """Index of the footer line, or -1: the last non-blank line, a bare host after a blank."""
    last = len(lines) - 1
    while last >= start and blank[last]:
        last -= 1
    if last < start or not is_host_line(lines[last]):
        return -1
    if last > start and not blank[last - 1]:
        return -1
    return last


def parse(text: str) -> Entry:
    """Parse one page of clip text into an `Entry` (no ids, no date). Never raises."""
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    lines, ends, newline = _split(text)
    blank = [not line.strip(SPACES) for line in lines]
    n = len(lines)
    entry = Entry(layout=Layout(bom=bom, newline=newline))
    placed: list[tuple[int, Element]] = []  # (line index, element), to take the raw layout from
    place = placed.append
    i = _blanks(blank, 0, n)
    entry.layout.lead_blank = i
    while i < n and is_root_url(lines[i]):
        gap = _blanks(blank, i + 1, n)
        entry.header.append(HeaderLink(lines[i], gap))
        place((i, entry.header[-1]))
        i += 1 + gap
    footer_at = _find_footer(lines, blank, i)
    end = footer_at if footer_at >= 0 else n
    group = Group()
    while i < end:
        line = lines[i]
        gap = _blanks(blank, i + 1, end)
        tags = parse_tag_line(line) if line[0] in _TAG_START else None
        if tags is not None:
            written = "" if line == render_tag_line(tags) else line
            group.tag_lines.append(TagLine(tags, gap, written))
            place((i, group.tag_lines[-1]))
        else:
            if group.tag_lines:
                entry.groups.append(group)
                group = Group()
            item: Item = parse_related(line) or Clip(line)
            item.blank_after = gap
            group.items.append(item)
            place((i, item))
        i += 1 + gap
    if group.items or group.tag_lines:
        entry.groups.append(group)
    if footer_at >= 0:
        entry.footer = Footer(lines[footer_at], n - 1 - footer_at)
        place((footer_at, entry.footer))
    # Usually every line ends alike and blank lines are empty: nothing to keep then.
    if ends is not None or blank.count(True) != lines.count(""):
        parts = [""] * (2 * n - 1)
        parts[0::2] = lines
        parts[1::2] = ends if ends is not None else [newline] * (n - 1)
        _keep_raw_layout(entry, parts, placed)
    return entry


def _keep_raw_layout(entry: Entry, parts: list[str], placed: list[tuple[int, Element]]) -> None:
    """Store on each element (and the lead) the text between its line and the next element's
    when it differs from what `newline` and the blank counts give."""
    nl = entry.layout.newline
    first = placed[0][0] if placed else len(parts) // 2 + 1
    lead = "".join(parts[: 2 * first])
    if lead != _canonical_lead(entry.layout.lead_blank, bool(placed), nl):
        entry.layout.lead = lead
    for k, (at, element) in enumerate(placed):
        last = k == len(placed) - 1
        stop = 2 * placed[k + 1][0] if not last else len(parts)
        raw = parts[2 * at + 1] if stop == 2 * at + 2 else "".join(parts[2 * at + 1 : stop])
        if raw != nl * (element.blank_after + (0 if last else 1)):
            element.after = raw


def elements(entry: Entry) -> list[Element]:
    """Every line element of `entry` (header, items, tag lines, footer) in line order."""
    found: list[Element] = list(entry.header)
    for g in entry.groups:
        found.extend(g.items)
        found.extend(g.tag_lines)
    if entry.footer is not None:
        found.append(entry.footer)
    return found


def line_of(element: Element) -> str:
    """The text of the element's line (without its line end)."""
    if isinstance(element, Clip):
        return element.text
    if isinstance(element, RelatedLink):
        return element.url + element.quote
    if isinstance(element, TagLine):
        return tag_line_text(element.tags, element.written)
    if isinstance(element, HeaderLink):
        return element.url
    return element.text


def _canonical_lead(blanks: int, has_elements: bool, nl: str) -> str:
    return nl * blanks if has_elements else nl * max(blanks - 1, 0)


def _fits(raw: str, ends: int, first_empty: bool, last_empty: bool) -> bool:
    """True when `raw` is `ends` line ends with blank lines between them (the first and the
    last of those lines empty when asked): layout that still matches the structure."""
    pieces = _LINE_END.split(raw)
    if len(pieces) != 2 * ends + 1:
        return False
    lines = pieces[0::2]
    if (first_empty and lines[0]) or (last_empty and lines[-1]):
        return False
    return all(is_blank(line) for line in lines)


def _tail(element: Element, last: bool, nl: str) -> str:
    """The text after the element's line: its raw layout while that still matches the blank
    count and position (an edit may have moved the element), else the canonical line ends."""
    blanks = element.blank_after
    canonical = nl * (blanks if last else blanks + 1)
    raw = element.after
    if not raw or raw == canonical:
        return canonical
    if _fits(raw, blanks if last else blanks + 1, True, not last):
        return raw
    # The element was last and no longer is, or the other way round.
    if not last and _fits(raw + nl, blanks + 1, True, True):
        return raw + nl
    if last and _fits(raw, blanks + 1, True, True):
        return raw[: len(raw) - len(_LINE_END.split(raw)[-2])]
    return canonical


def _lead(entry: Entry, has_elements: bool) -> str:
    layout = entry.layout
    canonical = _canonical_lead(layout.lead_blank, has_elements, layout.newline)
    raw = layout.lead
    if raw and raw != canonical:
        ends = layout.lead_blank if has_elements else layout.lead_blank - 1
        if ends >= 0 and _fits(raw, ends, False, has_elements):
            return raw
    return canonical


def render(entry: Entry) -> str:
    """The clip text of `entry`; `render(parse(t)) == t` for every string `t`."""
    found = elements(entry)
    nl = entry.layout.newline
    out = [BOM] if entry.layout.bom else []
    out.append(_lead(entry, bool(found)))
    last = len(found) - 1
    for k, element in enumerate(found):
        out.append(element.text if type(element) is Clip else line_of(element))
        if element.after:
            out.append(_tail(element, k == last, nl))
        else:
            out.append(nl * (element.blank_after + (k != last)))
    return "".join(out)


def separate_footer(entry: Entry) -> None:
    """Put a blank line between the last group and the footer when the group ends in a clip
    or a related link: a footer is read as one only after a blank line, so without it the host
    line would come back as a clip (edits move and add groups that had no tag line)."""
    if entry.footer is None or not entry.groups or entry.groups[-1].tag_lines:
        return
    items = entry.groups[-1].items
    if items and items[-1].blank_after == 0 and not items[-1].after:
        items[-1].blank_after = 1


def drop_blank_clips(entry: Entry) -> int:
    """Turn clips without visible text (which older versions stored) into the blank lines they
    are, keeping the rendered text byte for byte. Returns how many were dropped."""
    found = elements(entry)
    if not any(isinstance(e, Clip) and is_blank(e.text) for e in found):
        return 0
    nl = entry.layout.newline
    tails = [_tail(e, k == len(found) - 1, nl) for k, e in enumerate(found)]
    lead, lead_blank = _lead(entry, True), entry.layout.lead_blank
    kept: list[Element] = []
    dropped = 0
    for element, tail in zip(found, tails, strict=True):
        if not (isinstance(element, Clip) and is_blank(element.text)):
            element.after = tail
            kept.append(element)
            continue
        dropped += 1
        if kept:
            kept[-1].after += element.text + tail
            kept[-1].blank_after += 1 + element.blank_after
        else:
            lead += element.text + tail
            lead_blank += 1 + element.blank_after
    for g in entry.groups:
        g.items = [it for it in g.items if not (isinstance(it, Clip) and is_blank(it.text))]
    entry.groups = [g for g in entry.groups if g.items or g.tag_lines]
    entry.layout.lead, entry.layout.lead_blank = lead, lead_blank
    _forget_canonical(entry)
    return dropped


def _forget_canonical(entry: Entry) -> None:
    """Clear raw layout that equals what the structure gives anyway."""
    found = elements(entry)
    nl = entry.layout.newline
    if entry.layout.lead == _canonical_lead(entry.layout.lead_blank, bool(found), nl):
        entry.layout.lead = ""
    for k, e in enumerate(found):
        last = k == len(found) - 1
        if e.after == nl * (e.blank_after + (0 if last else 1)):
            e.after = ""


def raw_layout(entry: Entry) -> dict[str, object] | None:
    """The entry's kept layout (`Layout.lead`, each element's `after` and tag lines' `written`)
    as JSON-ready data, elements by their position in line order; None when all is canonical."""
    lines = [[k, e.after, e.written if isinstance(e, TagLine) else ""]
             for k, e in enumerate(elements(entry))
             if e.after or (isinstance(e, TagLine) and e.written)]
    found: dict[str, object] = {}
    if entry.layout.lead:
        found["lead"] = entry.layout.lead
    if lines:
        found["lines"] = lines
    return found or None


def apply_raw_layout(entry: Entry, data: object) -> None:
    """Put `raw_layout` output back on the entry's elements. Raises ValueError when malformed."""
    if not isinstance(data, dict):
        raise ValueError("raw layout must be an object")
    lead = data.get("lead", "")
    if not isinstance(lead, str):
        raise ValueError("raw layout lead must be a string")
    entry.layout.lead = lead
    found = elements(entry)
    for row in data.get("lines", []):
        if (not isinstance(row, list) or len(row) != 3 or not isinstance(row[0], int)
                or not all(isinstance(x, str) for x in row[1:]) or not 0 <= row[0] < len(found)):
            raise ValueError(f"bad raw layout line {row!r}")
        element = found[row[0]]
        element.after = row[1]
        if isinstance(element, TagLine):
            element.written = row[2]
