"""The Movable Type export format as Hatena Blog writes and reads it (SPEC §2).

`read_mt` streams an export line by line and yields each entry it could read (`MTEntry`) and
each problem (`MTProblem`, with the line number) it met: a missing `--------`, an unknown
header, a truncated last entry. `mt_entry_to_entry` turns an entry into the journal's model
(permalink from BASENAME, DATE in the blog's time zone, categories as tags, the HTML body read
by `hatena_html`); `render_mt_entry` writes one back. Pure functions, no I/O.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from kirinuki.model import Entry, Group, Status, TagLine, TagRef
from kirinuki.text.dates import in_zone
from kirinuki.text.hashtags import is_valid_tag_name, strip_marker
from kirinuki.text.hatena_html import entry_html, html_lines, lines_to_entry
from kirinuki.text.normalize import tag_key

ENTRY_END = "--------"
SECTION_END = "-----"
HEADER_KEYS = frozenset({
    "AUTHOR", "TITLE", "BASENAME", "STATUS", "ALLOW COMMENTS", "ALLOW PINGS", "CONVERT BREAKS",
    "DATE", "CATEGORY", "PRIMARY CATEGORY", "TAGS", "IMAGE", "NO ENTRY",
})
SECTION_KEYS = frozenset({"BODY", "EXTENDED BODY", "EXCERPT", "KEYWORDS", "COMMENT", "PING"})
# Header keys that can only start an entry: seen where a section was expected, they mean the
# `--------` before them is missing.
_STARTERS = frozenset({"AUTHOR", "TITLE", "BASENAME", "STATUS", "DATE"})
_DATE_FORMATS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p", "%Y-%m-%d %H:%M:%S")


@dataclass
class MTProblem:
    """Something in an export that could not be read, at a line (1-based)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class MTEntry:
    """One entry of an export as written: headers (with their line numbers) and sections."""

    line: int
    headers: list[tuple[int, str, str]] = field(default_factory=list)
    sections: dict[str, list[str]] = field(default_factory=dict)
    comments: int = 0
    notes: list[MTProblem] = field(default_factory=list)

    def get(self, key: str) -> str | None:
        """The first value of header `key`, or None."""
        return next((v for _, k, v in self.headers if k == key), None)

    def all(self, key: str) -> list[str]:
        """Every value of header `key`, in order."""
        return [v for _, k, v in self.headers if k == key]

    def line_of(self, key: str) -> int:
        """The line of header `key` (the entry's first line when absent)."""
        return next((n for n, k, _ in self.headers if k == key), self.line)

    @property
    def title(self) -> str:
        """The title with HTML entities (`&quot;`, `&#39;`, `&amp;`) resolved."""
        return html.unescape(self.get("TITLE") or "")

    def section(self, name: str) -> str:
        """The text of a section (BODY, EXTENDED BODY …), empty when absent."""
        return "\n".join(self.sections.get(name, []))


class _Reader:
    """The state machine behind `read_mt`."""

    def __init__(self) -> None:
        self.entry: MTEntry | None = None
        self.state = "header"  # header | between | section | skip
        self.section: list[str] | None = None

    def finish(self) -> MTEntry | None:
        entry, self.entry, self.section, self.state = self.entry, None, None, "header"
        return entry

    def header(self, no: int, line: str) -> None:
        if self.entry is None:
            self.entry = MTEntry(no)
        key, sep, value = line.partition(":")
        key = key.strip().upper()
        if sep and key in SECTION_KEYS and not value.strip():
            self.open_section(key)
        elif sep and key in HEADER_KEYS:
            self.entry.headers.append((no, key, value.strip()))
        else:
            self.entry.notes.append(MTProblem(no, f"unknown header line ignored: {line[:60]!r}"))

    def open_section(self, key: str) -> None:
        assert self.entry is not None
        if key == "COMMENT":
            self.entry.comments += 1
            self.state, self.section = "skip", None
        else:
            self.section = self.entry.sections.setdefault(key, [])
            self.state = "section"

    def between(self, no: int, line: str) -> Iterator[MTEntry | MTProblem]:
        """A line after `-----`: a section name, or the next entry when `--------` is missing."""
        key = line.strip().rstrip(":").upper()
        starter = line.partition(":")[0].strip().upper()
        if line.strip().endswith(":") and key in SECTION_KEYS:
            self.open_section(key)
        elif starter in _STARTERS and ": " in line + " ":
            yield MTProblem(no, "missing -------- before this line: a new entry starts here")
            done = self.finish()
            if done is not None:
                yield done
            self.header(no, line)
        else:
            yield MTProblem(no, f"unknown section {line[:40]!r} skipped")
            self.state = "skip"

    def feed(self, no: int, line: str) -> Iterator[MTEntry | MTProblem]:
        if line == ENTRY_END:
            done = self.finish()
            if done is not None:
                yield done
        elif line == SECTION_END:
            if self.entry is None:
                yield MTProblem(no, "----- outside an entry ignored")
            else:
                self.state, self.section = "between", None
        elif self.state == "section":
            assert self.section is not None
            self.section.append(line)
        elif self.state == "skip" or not line.strip():
            return
        elif self.state == "between":
            yield from self.between(no, line)
        else:
            self.header(no, line)

    def end(self, last: int) -> Iterator[MTEntry | MTProblem]:
        entry = self.entry
        if entry is None:
            return
        if self.state == "between":
            yield MTProblem(last, "the file ends without -------- (last entry read)")
            done = self.finish()
            if done is not None:
                yield done
        elif entry.headers or entry.sections:
            what = f"entry {entry.title!r}" if entry.get("TITLE") else "the last entry"
            yield MTProblem(entry.line, f"{what} is cut off at line {last} (truncated file?);"
                                        " skipped")


def read_mt(lines: Iterable[str]) -> Iterator[MTEntry | MTProblem]:
    """Entries and problems of an MT export, given its lines (with or without line ends)."""
    reader = _Reader()
    no = 0
    for no, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if no == 1:
            line = line.lstrip("\ufeff")
        yield from reader.feed(no, line)
    yield from reader.end(no)


def looks_like_mt(head: str) -> bool:
    """True when `head` (the start of a file) reads as an MT export: its first non-blank line
    is an entry header such as `AUTHOR: …` or `TITLE: …`."""
    for line in head.lstrip("\ufeff").splitlines():
        if line.strip():
            key, sep, _ = line.partition(":")
            return bool(sep) and key.strip().upper() in HEADER_KEYS
    return False


def parse_mt_date(text: str, tz: tzinfo) -> datetime | None:
    """An MT DATE (`03/18/2017 18:22:52`, blog local time) in `tz`, or None."""
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).replace(tzinfo=tz)
        except ValueError:
            continue
    return None


def add_categories(entry: Entry, categories: list[str]) -> None:
    """Categories not already written as hashtags close the last group as one more tag line."""
    have = {tag_key(t.name) for t in entry.tags}
    missing: list[TagRef] = []
    for c in categories:
        # A leading `#`/`＃` is the marker, not part of the name (`＃ハッシュ` is `#ハッシュ`).
        name = strip_marker(c).strip().replace(" ", "_")
        if is_valid_tag_name(name) and tag_key(name) not in have:
            have.add(tag_key(name))
            missing.append(TagRef(name))
    if not missing:
        return
    if not entry.groups:
        entry.groups.append(Group())
    last = entry.groups[-1]
    if last.tag_lines:
        last.tag_lines[-1].blank_after = 1
    elif last.items:
        last.items[-1].blank_after = 1
    last.tag_lines.append(TagLine(missing))
    if entry.footer is not None:
        last.tag_lines[-1].blank_after = 1


def mt_entry_to_entry(mt: MTEntry, tz: tzinfo) -> Entry | MTProblem:
    """The journal entry of an export entry (no key, no ids), or the problem that prevents it."""
    date_text = mt.get("DATE")
    if date_text is None:
        return MTProblem(mt.line, f"entry {mt.title!r} has no DATE; skipped")
    published = parse_mt_date(date_text, tz)
    if published is None:
        return MTProblem(mt.line_of("DATE"), f"unreadable DATE {date_text!r}; entry skipped")
    body = mt.section("BODY")
    extended = mt.section("EXTENDED BODY")
    entry = lines_to_entry(html_lines(body + ("\n" + extended if extended else "")))
    entry.title = mt.title or None
    entry.published = published
    status = (mt.get("STATUS") or "Publish").strip().lower()
    entry.status = Status.PUBLISHED if status == "publish" else Status.DRAFT
    basename = (mt.get("BASENAME") or "").strip().strip("/")
    entry.permalink = "/entry/" + (basename or published.strftime("%Y/%m/%d/%H%M%S"))
    tags = [t.strip() for v in mt.all("TAGS") for t in v.split(",")]
    add_categories(entry, [*mt.all("CATEGORY"), *[t.strip('"') for t in tags if t]])
    return entry


def _categories(entry: Entry) -> list[str]:
    seen: set[str] = set()
    found: list[str] = []
    for t in entry.tags:
        if tag_key(t.name) not in seen:
            seen.add(tag_key(t.name))
            found.append(t.name)
    return found


def _title(text: str) -> str:
    # Hatena writes these five as entities; a title is one line.
    return html.escape(" ".join(text.split()), quote=True).replace("&#x27;", "&#39;")


def render_mt_entry(entry: Entry, tz: tzinfo, author: str) -> str:
    """One entry in Hatena's MT export shape, ending with the `--------` line."""
    when = entry.published or entry.updated
    basename = (entry.permalink or f"/entry/draft/{entry.id}").removeprefix("/")
    basename = basename.removeprefix("entry/")
    head = [
        f"AUTHOR: {author}",
        f"TITLE: {_title(entry.title or '')}",
        f"BASENAME: {basename}",
        f"STATUS: {'Publish' if entry.status is Status.PUBLISHED else 'Draft'}",
        "ALLOW COMMENTS: 1",
        "CONVERT BREAKS: 0",
        f"DATE: {in_zone(when, tz).strftime('%m/%d/%Y %H:%M:%S') if when else ''}",
    ]
    head += [f"CATEGORY: {c}" for c in _categories(entry)]
    return "\n".join([*head, SECTION_END, "BODY:", entry_html(entry), SECTION_END, ENTRY_END,
                      ""])
