"""The Movable Type export format as Hatena Blog writes and reads it (SPEC §2).

`read_mt` streams an export line by line and yields each entry it could read (`MTEntry`) and
each problem (`MTProblem`, with the line number) it met: a missing `--------`, a line that is
no header, a truncated last entry; each entry keeps its text as read (`raw`).
`mt_entry_to_entry` turns an entry into the journal's model (permalink from BASENAME, DATE in
the blog's time zone, categories exactly as written and apart from the content, the HTML body
read by `hatena_html`, the MT text kept in `origin`, see `hatena_origin`); `render_mt_entry`
writes one back: as read, with only what an edit changed rewritten. Pure functions, no I/O.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from kirinuki.model import Entry, Origin, Status
from kirinuki.text.dates import in_zone
from kirinuki.text.hatena_html import body_to_entry, entry_html
from kirinuki.text.hatena_origin import body_html, content_fingerprint, entry_categories

MT_FORMAT = "hatena-mt"
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
# Values read exactly as written (after `KEY: `): spaces in titles and categories are meant.
_EXACT = frozenset({"TITLE", "CATEGORY"})
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
    raw: str = ""  # every line of the entry as read, line ends included

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
        """The title with HTML entities (`&quot;`, `&#39;`, `&amp;`) resolved, its spaces (no-break
        spaces too) as written."""
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
        self.raw: list[str] = []  # the lines read since the last entry ended

    def finish(self, keep: int = 0) -> MTEntry | None:
        """The entry read so far; `keep` last raw lines start the next one."""
        entry, self.entry, self.section, self.state = self.entry, None, None, "header"
        cut = len(self.raw) - keep
        if entry is not None:
            entry.raw = "".join(self.raw[:cut])
        self.raw = self.raw[cut:]
        return entry

    def header(self, no: int, line: str) -> None:
        if self.entry is None:
            self.entry = MTEntry(no)
        key, sep, value = line.partition(":")
        key = key.strip().upper()
        if sep and key in SECTION_KEYS and not value.strip():
            self.open_section(key)
        elif sep and key in _EXACT:
            # Kept as written (`TITLE:  a\u00a0` has its spaces), less the one after the colon.
            self.entry.headers.append((no, key, value.removeprefix(" ")))
        elif sep and key in HEADER_KEYS:
            self.entry.headers.append((no, key, value.strip()))
        elif not (sep and key):
            # Unknown `KEY: value` lines are kept as written and exported back; only a line
            # that is no header at all is worth a word.
            self.entry.notes.append(MTProblem(
                no, f"not a header line (kept as written, not read): {line[:60]!r}"))

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
            done = self.finish(keep=1)
            if done is not None:
                yield done
            self.header(no, line)
        else:
            yield MTProblem(no, f"unknown section {line[:40]!r} skipped")
            self.state = "skip"

    def feed(self, no: int, raw: str, line: str) -> Iterator[MTEntry | MTProblem]:
        self.raw.append(raw)
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
        if no == 1:
            raw = raw.lstrip("\ufeff")
        yield from reader.feed(no, raw, raw.rstrip("\r\n"))
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


def mt_entry_to_entry(mt: MTEntry, tz: tzinfo) -> Entry | MTProblem:
    """The journal entry of an export entry (no key, no ids), or the problem that prevents it.

    The categories are kept apart from the content, exactly as written; the entry's MT text
    is kept in `origin` (call `record_origin` once the entry is final)."""
    date_text = mt.get("DATE")
    if date_text is None:
        return MTProblem(mt.line, f"entry {mt.title!r} has no DATE; skipped")
    published = parse_mt_date(date_text, tz)
    if published is None:
        return MTProblem(mt.line_of("DATE"), f"unreadable DATE {date_text!r}; entry skipped")
    body = mt.section("BODY")
    extended = mt.section("EXTENDED BODY")
    whole = body + ("\n" + extended if extended else "")
    entry, clipping = body_to_entry(whole)
    entry.title = mt.title or None
    entry.published = published
    status = (mt.get("STATUS") or "Publish").strip().lower()
    entry.status = Status.PUBLISHED if status == "publish" else Status.DRAFT
    basename = (mt.get("BASENAME") or "").strip().strip("/")
    entry.permalink = "/entry/" + (basename or published.strftime("%Y/%m/%d/%H%M%S"))
    tags = [t.strip().strip('"') for v in mt.all("TAGS") for t in v.split(",")]
    entry.categories = [*mt.all("CATEGORY"), *[t for t in tags if t]]
    entry.origin = Origin(MT_FORMAT, mt.raw, None if clipping else whole)
    return entry


def _title(text: str) -> str:
    # Hatena writes these five as entities; a title is one line, its spaces as they are.
    one_line = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    return html.escape(one_line, quote=True).replace("&#x27;", "&#39;")


def _body(entry: Entry) -> str:
    return body_html(entry) or entry_html(entry)


def _fields(entry: Entry, tz: tzinfo) -> dict[str, str]:
    """The values export writes for the fields kirinuki edits."""
    when = entry.published or entry.updated
    basename = (entry.permalink or f"/entry/draft/{entry.id}").removeprefix("/")
    return {
        "TITLE": _title(entry.title or ""),
        "BASENAME": basename.removeprefix("entry/"),
        "STATUS": "Publish" if entry.status is Status.PUBLISHED else "Draft",
        "DATE": in_zone(when, tz).strftime("%m/%d/%Y %H:%M:%S") if when else "",
    }


def render_mt_entry(entry: Entry, tz: tzinfo, author: str) -> str:
    """One entry in Hatena's MT export shape, ending with the `--------` line. An entry
    imported from MT comes back as it was read, with only what was edited since rewritten
    (`render_from_origin`)."""
    if entry.origin is not None and entry.origin.format == MT_FORMAT:
        return render_from_origin(entry, tz)
    f = _fields(entry, tz)
    head = [
        f"AUTHOR: {author}",
        f"TITLE: {f['TITLE']}",
        f"BASENAME: {f['BASENAME']}",
        f"STATUS: {f['STATUS']}",
        "ALLOW COMMENTS: 1",
        "CONVERT BREAKS: 0",
        f"DATE: {f['DATE']}",
    ]
    head += [f"CATEGORY: {c}" for c in entry_categories(entry)]
    return "\n".join([*head, SECTION_END, "BODY:", _body(entry), SECTION_END, ENTRY_END, ""])


def mt_parts(raw: str) -> list[tuple[str, str]]:
    """An entry's MT text cut into labelled parts whose texts join back to `raw`: one part
    per header line (its key), one per section (its name, from the name line up to the
    `-----`), `-----` and everything else labelled ""."""
    parts: list[tuple[str, str]] = []
    state = "header"  # header | between | section | done
    for line in raw.splitlines(keepends=True):
        text = line.rstrip("\r\n")
        if text in (ENTRY_END, SECTION_END):
            parts.append(("", line))
            state = "between" if text == SECTION_END else "done"
        elif state == "section":
            parts[-1] = (parts[-1][0], parts[-1][1] + line)
        elif (state in ("header", "between") and text.strip().endswith(":")
              and text.strip().rstrip(":").upper() in SECTION_KEYS):
            parts.append((text.strip().rstrip(":").upper(), line))
            state = "section"
        else:
            key = text.partition(":")[0].strip().upper()
            parts.append((key if state == "header" and key in HEADER_KEYS else "", line))
    return parts


def _instant(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def render_from_origin(entry: Entry, tz: tzinfo) -> str:
    """The entry's MT text as imported, with what changed since rewritten: TITLE, BASENAME,
    STATUS, DATE and CATEGORY lines when their value changed, BODY when the content changed
    (EXTENDED BODY, then part of the body, goes). Everything else stays as written."""
    origin = entry.origin
    assert origin is not None
    imported = origin.imported
    parts = mt_parts(origin.raw)
    nl = "\r\n" if origin.raw.split("\n", 1)[0].endswith("\r") else "\n"
    f = _fields(entry, tz)
    was_date = imported.get("published")
    now: dict[str, object] = {
        "TITLE": entry.title, "BASENAME": entry.permalink, "STATUS": str(entry.status),
        # The same instant is the same date, whatever zone the journal stores it in.
        "DATE": entry.published and entry.published == _instant(was_date)}
    was: dict[str, object] = {
        "TITLE": imported.get("title"), "BASENAME": imported.get("permalink"),
        "STATUS": imported.get("status"), "DATE": True}
    changed = {k for k in now if now[k] != was[k]}
    categories = entry_categories(entry)
    if categories != imported.get("categories"):
        changed.add("CATEGORY")
    new_body = content_fingerprint(entry) != imported.get("content")
    out: list[str] = []
    written: set[str] = set()
    skip_separator = False
    for label, text in parts:
        if skip_separator and text.rstrip("\r\n") == SECTION_END:
            skip_separator = False
            continue
        if label in changed and label in f:
            text = "" if label in written else f"{label}: {f[label]}{nl}"
        elif label == "CATEGORY" and label in changed:
            text = "" if label in written else "".join(f"CATEGORY: {c}{nl}" for c in categories)
        elif label == "BODY" and new_body:
            text = text.splitlines(keepends=True)[0] + _body(entry) + nl
        elif label == "EXTENDED BODY" and new_body:
            out.pop()  # its `-----` opener; the body now holds its text
            continue
        written.add(label)
        out.append(text)
    missing = [k for k in ("TITLE", "BASENAME", "STATUS", "DATE", "CATEGORY")
               if k in changed and k not in written]
    if missing:
        at = next((i for i, (label, text) in enumerate(parts)
                   if text.rstrip("\r\n") == SECTION_END), len(out))
        extra = [f"{k}: {f[k]}{nl}" if k in f else "".join(f"CATEGORY: {c}{nl}"
                                                            for c in categories)
                 for k in missing]
        out[at:at] = extra
    text = "".join(out)
    if not text.endswith(("\n", "\r")):
        text += nl
    if text.splitlines()[-1:] != [ENTRY_END]:
        text += ENTRY_END + nl  # an entry read without its `--------` (reported at import)
    return text
