"""The published entries of the last publish, kept beside the output folder so that the next
publish reads only the entries that changed since (`journal.site_delta`).

Loading this cache (marshal) and reading the stamps, marks and changed rows costs less than
reading every published entry with its tags, related links and version marks. Writing it
whole costs too, so a publish that changes a few entries appends them as one record instead, and the file is rewritten whole only when the records pile up.
Anything unexpected (another journal, time zone, a renamed tag or a new alias, a format change,
a damaged file) means the cache is not used: the entries are read in full.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from kirinuki.journal import Journal
from kirinuki.journal.site import PublishedEntry
from kirinuki.journal.site_delta import published_entries_after, tags_digest
from kirinuki.journal.sketch_cache import SketchCache
from kirinuki.publish.snapshot import row_of

FORMAT = "kirinuki-context-3"
APPEND_MAX = 2000  # entries in appended records before the file is rewritten whole


def cache_path(out_dir: str | Path) -> Path:
    """Where the cache of the site in `out_dir` lives (beside it, like its lock file)."""
    out = Path(os.path.abspath(out_dir))
    return out.parent / f".{out.name}.context"


def sketch_path(out_dir: str | Path) -> Path:
    """Where the sketch file of the site in `out_dir` lives (`journal.sketch_cache`)."""
    out = Path(os.path.abspath(out_dir))
    return out.parent / f".{out.name}.sketches"


def identity(journal: Journal) -> tuple[str, str, tuple[object, ...]]:
    return (os.path.abspath(str(journal.store.path)), journal.settings.timezone,
            tags_digest(journal))


def follows(old: tuple[object, ...], new: tuple[object, ...]) -> bool:
    """The same journal and zone, and its tags as they were plus new ones (tags are listed by
    id after every alias: a new tag adds rows at the end; a rename, merge, new alias or
    removal changes rows that were there)."""
    if old[:2] != new[:2]:
        return False
    was, now = old[2], new[2]
    assert isinstance(was, tuple) and isinstance(now, tuple)
    return now[: len(was)] == was and all(r[0] == "t" for r in now[len(was):])


class ContextCache:
    """The cache of one output folder: `load` the entries it can give, `save` the new ones."""

    def __init__(self, out_dir: str | Path) -> None:
        self.path = cache_path(out_dir)
        self.sketches = SketchCache(sketch_path(out_dir))
        self.known: dict[int, PublishedEntry] | None = None
        self.rows: dict[int, tuple[Any, ...]] = {}  # the stored row of each entry in `known`
        self.appended = 0

    def entries(self, journal: Journal) -> list[PublishedEntry] | None:
        """The journal's published entries from the cache and the changed rows, or None when
        the cache cannot be used."""
        if str(journal.store.path) == ":memory:":
            return None
        known = self._read(journal)
        if known is None:
            return None
        out = published_entries_after(journal, known, self.sketches)
        if out is not None:
            self.known = {e.id: e for e in known}
        return out

    def _read(self, journal: Journal) -> list[PublishedEntry] | None:
        try:
            records = _records(self.path.read_bytes())
            head = next(records)
            if head[0] != FORMAT:
                return None
            ident, rows = head[1], {r[0]: r for r in head[2]}
            ordered = True
            for rec in records:
                ident = rec[0]
                for r in rec[1]:
                    rows[r[0]] = r
                for i in rec[2]:
                    rows.pop(i, None)
                self.appended += len(rec[1]) + len(rec[2])
                ordered = False
        except (OSError, EOFError, ValueError, TypeError, IndexError, StopIteration):
            return None
        if not follows(ident, identity(journal)):
            return None
        self.rows = rows
        tz = journal.tz
        parse, at = datetime.fromisoformat, datetime.fromtimestamp
        out = [PublishedEntry(i, k, p, at(pub, tz) if pub.__class__ is int
                              else parse(pub).astimezone(tz), parse(st), ti, tg, rl, d, st, v, sg)
               for i, k, p, pub, st, ti, tg, rl, d, v, sg in rows.values()]
        if not ordered:
            out.sort(key=lambda e: (e.published, e.id))
        return out

    def append(self, ident: tuple[object, ...], entries: list[PublishedEntry]) -> None:
        """Record new `entries` (when the cache exists: it is otherwise made by the next
        publish that reads every entry)."""
        if entries and self.path.exists():
            with self.path.open("ab") as f:
                f.write(_record((ident, [_row(e) for e in entries], [])))

    def save(self, journal: Journal, entries: list[PublishedEntry], stored: bool) -> None:
        """Record `entries` (the journal's published entries now) for the next publish;
        `stored`: every permalink was stored (otherwise the cache is removed)."""
        if str(journal.store.path) == ":memory:":
            return
        if not stored:
            self.path.unlink(missing_ok=True)
            return
        ident = identity(journal)
        known = self.known
        if known is not None:
            fresh = [_row(e) for e in entries if known.get(e.id) is not e]
            gone = sorted(set(known).difference(e.id for e in entries))
            if not fresh and not gone:
                return
            if self.appended + len(fresh) + len(gone) <= APPEND_MAX:
                with self.path.open("ab") as f:
                    f.write(_record((ident, fresh, gone)))
                return
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_bytes(_record((FORMAT, ident, [_row(e) for e in entries])))
        os.replace(tmp, self.path)


def _record(value: object) -> bytes:
    """One record: its length, then its marshal form (`marshal.load` from a file reads it a
    few bytes at a time, far slower than `marshal.loads` of the bytes)."""
    data = marshal.dumps(value)  # type: ignore[arg-type]
    return len(data).to_bytes(8, "little") + data


def _records(data: bytes) -> Iterator[Any]:
    """The records of a cache file; a last record cut short (a crash while appending) is
    left out: the stamps show which entries it held."""
    view = memoryview(data)
    at = 0
    while at + 8 <= len(data):
        size = int.from_bytes(view[at : at + 8], "little")
        if at + 8 + size > len(data):
            return
        yield marshal.loads(view[at + 8 : at + 8 + size])
        at += 8 + size


def _row(e: PublishedEntry) -> tuple[object, ...]:
    return row_of(e)  # the snapshot keeps the same rows (and reuses those read here)
