"""Importing clip text files, folders of them and JSON Lines exports (their records are read by
`importing_records`).

An import is one transaction: it either adds everything it read or, on bad input anywhere,
nothing. Entries are keyed (`sha256:` of a file's bytes, or the key in a JSON Lines record), so
re-running an import, even after a crash, adds only what is missing. Files are read one at a
time, so memory does not grow with the size of the input.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from kirinuki.errors import InputError, NotFoundError
from kirinuki.journal.core import Journal
from kirinuki.journal.importing_records import import_jsonl
from kirinuki.model import Entry, Status
from kirinuki.store import Store
from kirinuki.store.sqlite import entries as entry_rows
from kirinuki.store.sqlite import tags as tag_rows
from kirinuki.text.cliptext import parse, split_lines
from kirinuki.text.dates import date_problem
from kirinuki.text.hatena_mt import looks_like_mt
from kirinuki.text.normalize import tag_key
from kirinuki.text.permalinks import is_permalink, safe_permalink, shown, with_suffix

# Another import (or any write) holding the journal is waited for this long: two imports
# started together then both succeed, one after the other (long enough for a large import).
IMPORT_WAIT = 600.0
# What one entry may hold. Memory grows with the lines and clips of an entry (each becomes
# objects, index rows and tokens), so lines and clips are bounded as well as bytes
# (figures in docs/cli.md).
MAX_TEXT_BYTES = 20 * 1024 * 1024
MAX_LINE_CHARS = 1_000_000
MAX_ENTRY_LINES = 50_000
MAX_ENTRY_CLIPS = 10_000
_DATE_NAME = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?:[_T-]?(\d{2})(\d{2})(\d{2}))?")

Progress = Callable[[int, int], None]


@dataclass
class ImportSummary:
    """What an import added and what it found already present."""

    files: int = 0
    entries_added: int = 0
    entries_present: int = 0
    clips_added: int = 0
    clips_present: int = 0
    tags_added: int = 0
    tags_present: int = 0
    articles: int = 0
    tag_keys: set[str] = field(default_factory=set, repr=False)
    problems: list[str] = field(default_factory=list)  # parts of the input not imported
    changed: list[str] = field(default_factory=list)  # imported, but not as written (renamed)
    # Files already present whose name carries another date than the entry's (or that are
    # present only in the trash): what was not taken from the file, said instead of ignored.
    date_differs: list[str] = field(default_factory=list)


_SUFFIXES = (".txt", ".jsonl")


def _walk(folder: Path) -> Iterator[Path]:
    """The .txt/.jsonl files under `folder`, sorted, holding only one folder's names at a time.

    Path objects cost several times the memory of names as plain strings.
    """
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        names.sort()
        base = Path(root)
        for name in names:
            if name.endswith(_SUFFIXES):
                yield base / name


def _check_paths(paths: list[str]) -> None:
    """Raise for a missing path, an empty folder or an unknown file type, before any write."""
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise NotFoundError(f"{raw}: no such file or folder")
        if p.is_dir():
            if next(_walk(p), None) is None:
                raise InputError(f"{raw}: folder holds no .txt or .jsonl files")
        elif p.suffix not in _SUFFIXES:
            raise InputError(f"{raw}: unknown file type (expected .txt clip text or .jsonl)")


def _files(paths: list[str], suffix: str) -> Iterator[Path]:
    """The files with `suffix` named by `paths` (folders walked), in order."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            yield from (f for f in _walk(p) if f.suffix == suffix)
        elif p.suffix == suffix:
            yield p


def decode_clip_text(data: bytes, name: str) -> str:
    """The text of a clip text file; raises InputError for binary, non-UTF-8 or huge input."""
    if not data:
        raise InputError(f"{name}: empty file")
    if len(data) > MAX_TEXT_BYTES:
        raise InputError(f"{name}: {len(data)} bytes is too large for one entry (limit 20 MB)")
    if b"\x00" in data:
        raise InputError(f"{name}: binary file, not clip text")
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    if lines > MAX_ENTRY_LINES:
        raise InputError(f"{name}: {lines:,} lines is too many for one entry "
                         f"(limit {MAX_ENTRY_LINES:,})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc
    longest = max(len(line) for line in split_lines(text))
    if longest > MAX_LINE_CHARS:
        raise InputError(f"{name}: a line of {longest} characters is not clip text")
    return text


def check_entry_size(entry: Entry) -> None:
    """Raise InputError when `entry` holds more clips (and related links) than one entry may."""
    clips = sum(len(g.items) for g in entry.groups)
    if clips > MAX_ENTRY_CLIPS:
        raise InputError(f"entry {entry.permalink or entry.key or entry.id}: {clips:,} clips "
                         f"is too many for one entry (limit {MAX_ENTRY_CLIPS:,})")


def date_from_name(path: Path, journal: Journal) -> datetime | None:
    """The publication time encoded in a file name (`2024-09-03_081500.txt`), or None."""
    m = _DATE_NAME.match(path.stem)
    if m is None:
        return None
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=journal.tz)
    except ValueError:
        return None


def entry_name(entry: Entry) -> str:
    """How a report names an entry: its title, else its key or permalink."""
    if entry.title:
        return repr(entry.title[:60])
    return str(entry.key or entry.permalink or entry.id)


def permalink_for(published: datetime, journal: Journal) -> str:
    """The Hatena-style permalink of an entry published at `published`."""
    return published.astimezone(journal.tz).strftime("/entry/%Y/%m/%d/%H%M%S")


class Batch:
    """Entries waiting to be written together; flushed every SIZE entries and at the end."""

    SIZE = 500

    def __init__(self, journal: Journal, summary: ImportSummary) -> None:
        self.journal = journal
        self.summary = summary
        self.pending: list[Entry] = []
        self.names: dict[str, str] = {}  # key -> file, for entries dated by their file name

    def admit(self, entry: Entry, where: str) -> bool:
        """Whether `entry` may be imported: False (and a line in `problems`) when a date
        breaks the rule of `text.dates`; a permalink that breaks the rule of `text.permalinks`
        is renamed, and the renaming reported in `changed`. `where`: the file (and line)."""
        for what, when in (("date", entry.published), ("update time", entry.updated)):
            if when is not None and (why := date_problem(when)) is not None:
                self.summary.problems.append(
                    f"{where}: entry {entry_name(entry)}: {what} {when.isoformat()}"
                    f" ({why})")
                return False
        if entry.permalink is not None and not is_permalink(entry.permalink):
            fallback = permalink_for(entry.published, self.journal) if entry.published else None
            link, why = safe_permalink(entry.permalink, fallback)
            if why is not None:
                self.summary.changed.append(
                    f"{where}: entry {entry_name(entry)}: permalink {shown(entry.permalink)} "
                    f"cannot be used ({why}); "
                    + (f"renamed to {link}" if link else "imported without a permalink"))
            entry.permalink = link
        return True

    def add(self, entry: Entry, where: str = "") -> None:
        """Queue `entry` (a date out of range: not at all, see `admit`); raises InputError for
        an entry over the limits."""
        if not self.admit(entry, where):
            return
        check_entry_size(entry)
        entry_rows.check_storable(entry)
        self.summary.tag_keys.update(t.name for t in entry.tags)
        self.pending.append(entry)
        if len(self.pending) >= self.SIZE:
            self.flush()

    def flush(self) -> None:
        """Write the pending entries whose key is not stored yet; count the others."""
        store, summary = self.journal.store, self.summary
        present = entry_rows.existing(store, "key", [e.key or "" for e in self.pending])
        fresh: list[Entry] = []
        self._dates_differ([e for e in self.pending if e.key in present])
        for e in self.pending:
            if e.key in present:
                summary.entries_present += 1
                summary.clips_present += len(e.clips)
            else:
                present.add(e.key or "")
                fresh.append(e)
        self._free_permalinks(fresh)
        if fresh:
            entry_rows.insert_entries(store, fresh, self.journal.now())
        summary.entries_added += len(fresh)
        summary.clips_added += sum(len(e.clips) for e in fresh)
        self.pending = []
        self.names = {}

    def _dates_differ(self, present: list[Entry]) -> None:
        dated = {e.key: e for e in present if e.key in self.names and e.published is not None}
        if not dated:
            return
        stored = entry_rows.dates_by_key(self.journal.store, list(dated))
        tz = self.journal.tz
        for key, e in dated.items():
            assert e.published is not None
            name = self.names[key]
            if key not in stored:
                self.summary.date_differs.append(f"{name}: present in the trash (see `kirinuki"
                                                 " entries list --status trash`)")
                continue
            eid, when = stored[key]
            if when != e.published:
                was = when.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if when else "undated"
                new = e.published.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
                self.summary.date_differs.append(
                    f"{name}: present, date differs: entry {eid} is dated {was}, the file name"
                    f" says {new} (to move it: kirinuki entries set {eid} --at \"{new[:16]}\")")

    def _free_permalinks(self, entries: list[Entry]) -> None:
        """Give an entry whose permalink is taken the first free `-2`, `-3`… variant."""
        wanted = [e.permalink for e in entries if e.permalink]
        taken = entry_rows.existing(self.journal.store, "permalink", wanted)
        for e in entries:
            if not e.permalink:
                continue
            base, n = e.permalink, 1
            while e.permalink in taken:
                n += 1
                e.permalink = with_suffix(base, f"-{n}")
                if e.permalink not in taken:
                    taken |= entry_rows.existing(self.journal.store, "permalink", [e.permalink])
            taken.add(e.permalink)


def _parsed(journal: Journal, path: Path) -> Entry | None:
    """The entry of the clip text file `path` (None: a Hatena/Movable Type export, read by
    `hatena.import_mt`); raises InputError for a file that is not clip text."""
    data = path.read_bytes()
    if looks_like_mt(data[:4096].decode("utf-8", errors="replace")):
        return None  # a Hatena/Movable Type export is a .txt too, told apart by its content
    text = decode_clip_text(data, str(path))
    entry = parse(text)
    entry.key = "sha256:" + hashlib.sha256(data).hexdigest()
    entry.published = date_from_name(path, journal)
    if entry.published is not None:
        entry.status = Status.PUBLISHED
        entry.permalink = permalink_for(entry.published, journal)
    return entry


class _ReadAhead:
    """The clip text files of an import, each read and parsed (`_parsed`) when the import
    takes it or before, while a statement of the import waits for the writes it sent to the
    server (`Store.set_idle`, PostgreSQL), where it sat idle (docs/search.md "Imports,
    session 21"). At most `LIMIT` files wait parsed; a file's error is raised when the
    import takes that file, as without reading ahead."""

    LIMIT = 500

    def __init__(self, journal: Journal, files: Iterator[Path]) -> None:
        self.journal = journal
        self.files = files
        self.ready: deque[tuple[Path, Entry | None | Exception]] = deque()

    def read_one(self) -> bool:
        """Parse one more file ahead; False when none is left or `LIMIT` wait already."""
        if len(self.ready) >= self.LIMIT:
            return False
        path = next(self.files, None)
        if path is None:
            return False
        try:
            parsed: Entry | None | Exception = _parsed(self.journal, path)
        except Exception as exc:  # noqa: BLE001 - raised when the import takes that file
            parsed = exc
        self.ready.append((path, parsed))
        return True

    def __iter__(self) -> Iterator[tuple[Path, Entry | None]]:
        while self.ready or self.read_one():
            path, parsed = self.ready.popleft()
            if isinstance(parsed, Exception):
                raise parsed
            yield path, parsed


def _import_text(journal: Journal, path: Path, entry: Entry | None, batch: Batch,
                 progress: Progress | None = None) -> None:
    """Add the entry parsed from `path` (None: read it as a Hatena/MT export) to `batch`."""
    if entry is None:
        from kirinuki.journal import hatena  # deferred: hatena builds on this module

        hatena.import_mt(journal, path, batch, progress)
        return
    if entry.published is not None and entry.key is not None:
        batch.names[entry.key] = str(path)
    try:
        batch.add(entry, str(path))
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from exc


@contextmanager
def _bulk(store: Store) -> Iterator[None]:
    store.set_bulk(True)
    try:
        yield
    finally:
        store.set_bulk(False)


def import_paths(journal: Journal, paths: list[str], progress: Progress | None = None,
                 ) -> ImportSummary:
    """Import clip text files, folders of them and JSON Lines files, all or nothing.

    `progress(done, total)` is called as work advances. Raises NotFoundError for a missing
    path, InputError for unreadable input (naming the file and line); nothing is written then.
    """
    _check_paths(paths)
    total = sum(1 for _ in _files(paths, ".txt"))
    summary = ImportSummary()
    store = journal.store
    with _bulk(store):
        with store.waiting(IMPORT_WAIT), store.transaction():
            # Read under the write lock: another import may have written while this one waited.
            tags_before = tag_rows.tag_keys(store)
            batch = Batch(journal, summary)
            ahead = _ReadAhead(journal, _files(paths, ".txt"))
            store.set_idle(ahead.read_one)
            try:
                for i, (f, entry) in enumerate(ahead, 1):
                    _import_text(journal, f, entry, batch, progress)
                    summary.files += 1
                    if progress is not None and (i % 100 == 0 or i == total):
                        progress(i, total)
            finally:
                store.set_idle(None)
            batch.flush()
            for f in _files(paths, ".jsonl"):
                import_jsonl(journal, f, batch, progress)
                summary.files += 1
                batch.flush()
            tags_after = tag_rows.tag_keys(store)
        store.release_free_pages()  # still without the memory map: it reads many pages
    used = {tag_key(t) for t in summary.tag_keys}
    summary.tags_added = len(tags_after - tags_before)
    summary.tags_present = len(used & tags_before)
    return summary
