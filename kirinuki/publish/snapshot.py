"""The site context of the last publish, kept beside the output folder, so that a publish that
only adds entries after the newest one (the common case) touches none of the other entries.

The publish of one new entry spent most of its time looping over every entry in Python:
making an object for every entry from the entry cache, the context's lookup tables, the fingerprints,
the manifest's keys and the scope. Here the tables are stored ready to use: the entry rows in
chunks of `CHUNK` positions made into entries only when a page reads them, the positions,
permalinks and fingerprints as marshal blobs read in a few ms, the tags and days whole.

Two files: the base (`.OUT.snapshot`: every entry's stamp, fingerprints, positions, permalinks,
tags, days, related links, version notes and rows as of one build; rewritten by a publish that
takes the ordinary path, or when the tail passes `TAIL_MAX`) and the head
(`.OUT.snapshot.head`: the stamps and rows of the entries added since the base, from which the
rest follows; rewritten by every publish that writes). The
head names the base it extends and the build (`token`) that the manifest records; anything that
does not match, or does not hold, means the ordinary path: a missing, damaged or stale file
never gives a wrong page, only a slower publish.
"""

from __future__ import annotations

import marshal
import mmap
import os
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, overload

from kirinuki.journal import Journal
from kirinuki.journal.published import PublishedEntry
from kirinuki.journal.published_delta import tags_mark

FORMAT = "kirinuki-snapshot-3"
CHUNK = 1024  # entry rows per lazily read chunk (small enough to make into entries at once)
HEAD_KEYS = {"token", "base", "crc", "g", "per_page", "ident", "every", "rows"}
TAIL_MAX = 2000  # entries added since the base before the base is written again
Rows = list[tuple[Any, ...]]
# The parts of the base file: every entry's stamp (as `sketch_cache.entry_stamps` gives
# them), positions by id, ids by permalink, the tables (tags with their members, days, related
# links and version notes), then the entry rows in chunks.
P_EVERY, P_POS, P_PERMALINKS, P_TABLES, P_CHUNKS = range(5)


def snapshot_path(out_dir: str | Path) -> Path:
    """Where the base file of the site in `out_dir` lives (beside it, like its lock file)."""
    out = Path(os.path.abspath(out_dir))
    return out.parent / f".{out.name}.snapshot"


def sketch_path(out_dir: str | Path) -> Path:
    """Where the sketch file of the site in `out_dir` lives (`journal.sketch_cache`)."""
    out = Path(os.path.abspath(out_dir))
    return out.parent / f".{out.name}.sketches"


def identity(journal: Journal) -> tuple[str, str, tuple[object, ...]]:
    """The journal file, its zone and its tags: what the snapshot's entry rows depend on
    besides the entries themselves."""
    return (os.path.abspath(str(journal.store.path)), journal.settings.timezone,
            tags_mark(journal))


def follows(old: tuple[object, ...], new: tuple[object, ...]) -> bool:
    """The same journal and zone, and its tags as they were plus new ones (tags are listed by
    id after every alias: a new tag adds rows at the end; a rename, merge, new alias or
    removal changes rows that were there)."""
    if old[:2] != new[:2]:
        return False
    was, now = old[2], new[2]
    assert isinstance(was, tuple) and isinstance(now, tuple)
    return now[: len(was)] == was and all(r[0] == "t" for r in now[len(was):])


def row_of(e: PublishedEntry) -> tuple[object, ...]:
    """An entry as a marshal row (whole-second dates as POSIX times: `fromtimestamp(t, tz)`
    makes them in half the time of `fromisoformat(...).astimezone(tz)`)."""
    pub = e.published
    when = int(pub.timestamp()) if pub.microsecond == 0 else pub.isoformat()
    return (e.id, e.key, e.permalink, when, e.stamp, e.title, e.tags, e.related_links, e.day,
            e.versions, e.suggested)


def entry_of(row: tuple[Any, ...], tz: tzinfo) -> PublishedEntry:
    """The entry of a row made by `row_of`."""
    i, k, p, pub, st, ti, tg, rl, d, v, sg = row
    parse = datetime.fromisoformat
    when = datetime.fromtimestamp(pub, tz) if pub.__class__ is int else parse(pub).astimezone(tz)
    return PublishedEntry(i, k, p, when, parse(st), ti, tg, rl, d, st, v, sg)


class LazyEntries(Sequence[PublishedEntry]):
    """The published entries in site order, made from their rows a chunk at a time."""

    def __init__(self, chunk: Callable[[int], Rows], count: int, tail: list[PublishedEntry],
                 tz: tzinfo) -> None:
        self._chunk, self._count, self.tail, self._tz = chunk, count, tail, tz
        self._made: dict[int, list[PublishedEntry]] = {}

    def __len__(self) -> int:
        return self._count + len(self.tail)

    @overload
    def __getitem__(self, i: int) -> PublishedEntry: ...
    @overload
    def __getitem__(self, i: slice) -> list[PublishedEntry]: ...

    def __getitem__(self, i: int | slice) -> PublishedEntry | list[PublishedEntry]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        if i >= self._count:
            return self.tail[i - self._count]
        k = i // CHUNK
        made = self._made.get(k)
        if made is None:
            tz = self._tz
            made = self._made[k] = [entry_of(r, tz) for r in self._chunk(k)]
        return made[i - k * CHUNK]

    def __iter__(self) -> Iterator[PublishedEntry]:
        for i in range(len(self)):
            yield self[i]


class Fingerprints(Sequence[str]):
    """The fingerprints of `entries` (`plan.fingerprint`), made when read: a one-entry plan
    reads those of a month or two, not a list of all of them)."""

    def __init__(self, entries: Sequence[PublishedEntry],
                 make: Callable[[PublishedEntry], str]) -> None:
        self._entries, self._make = entries, make

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self._make(e) for e in self._entries[i]]
        return self._make(self._entries[i])


class LazyMap(Mapping[Any, int]):
    """A dict read from the base file on first use, with the head's additions."""

    def __init__(self, load: Callable[[], dict[Any, int]], extra: dict[Any, int]) -> None:
        self._load, self.extra = load, extra
        self._all: dict[Any, int] | None = None

    def whole(self) -> dict[Any, int]:
        """The whole dict (read now if not yet)."""
        if self._all is None:
            self._all = self._load()
            self._all.update(self.extra)
        return self._all

    def __getitem__(self, key: Any) -> int:
        if key in self.extra:
            return self.extra[key]
        return self.whole()[key]

    def get(self, key: Any, default: Any = None) -> Any:
        """The value of `key`, else `default` (the dict's own, not Mapping's try/except)."""
        return self.whole().get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self.extra or key in self.whole()

    def __iter__(self) -> Iterator[Any]:
        return iter(self.whole())

    def __len__(self) -> int:
        return len(self.whole())

    def __setitem__(self, key: Any, value: int) -> None:
        self.extra[key] = value
        if self._all is not None:
            self._all[key] = value


@dataclass
class Base:
    """The base file: its id, its entry count, and its parts (read lazily)."""

    id: str
    count: int
    data: bytes | mmap.mmap
    spans: list[tuple[int, int]]  # see P_EVERY ... P_CHUNKS

    def part(self, k: int) -> Any:
        """Part `k`, unmarshalled."""
        at, size = self.spans[k]
        return marshal.loads(memoryview(self.data)[at : at + size])

    def raw(self, k: int) -> bytes:
        """Part `k` as stored."""
        at, size = self.spans[k]
        return bytes(self.data[at : at + size])


def read_base(path: Path, crc: int) -> Base | None:
    """The base file, or None when it is missing, damaged (its parts must have the checksum
    `crc` the head recorded, checked up front so that a damaged chunk is never met
    mid-build) or of
    another format."""
    try:
        # Mapped, not read: a publish reads a few of its parts, and the file grows with the
        # journal.
        with path.open("rb") as f:
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        spans: list[tuple[int, int]] = []
        at = 0
        while at + 8 <= len(data):
            size = int.from_bytes(data[at : at + 8], "little")
            if at + 8 + size > len(data):
                return None
            spans.append((at + 8, size))
            at += 8 + size
        if at != len(data) or not spans:
            return None
        head = marshal.loads(data[spans[0][0] : spans[0][0] + spans[0][1]])
        if not isinstance(head, tuple) or len(head) != 3 or head[0] != FORMAT:
            return None
        base = Base(str(head[1]), int(head[2]), data, spans[1:])
        if len(base.spans) != P_CHUNKS + -(-base.count // CHUNK):
            return None
        if zlib.crc32(memoryview(data)[spans[0][0] + spans[0][1] :]) != crc:
            return None
        return base
    except (OSError, EOFError, ValueError, TypeError):
        return None


def pack_base(base_id: str, parts: list[Any], chunks: list[bytes | Rows],
              count: int) -> tuple[list[bytes], int]:
    """The base file's records (`parts` up to the chunks, then `chunks` given as rows or as
    stored bytes), and the checksum of all but the first (for the head)."""
    blobs = [marshal.dumps((FORMAT, base_id, count)), *(marshal.dumps(p) for p in parts)]
    blobs += [c if isinstance(c, bytes) else marshal.dumps(c) for c in chunks]
    records = [len(b).to_bytes(8, "little") + b for b in blobs]
    crc = 0
    for r in records[1:]:
        crc = zlib.crc32(r, crc)
    return records, crc


def write_base(path: Path, records: list[bytes]) -> None:
    """Write the base file (atomically) from `pack_base`'s records."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as f:
        f.writelines(records)
    os.replace(tmp, path)


def read_head(path: Path) -> dict[str, Any] | None:
    """The head file, or None when it is missing, damaged or of another format."""
    try:
        head = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(head, dict) or head.get("format") != FORMAT or not head.keys() >= HEAD_KEYS \
            or not isinstance(head["every"], list) or not isinstance(head["rows"], list):
        return None
    return head


def write_head(path: Path, head: dict[str, Any]) -> None:
    """Write the head file (atomically)."""
    head = {"format": FORMAT, **head}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(marshal.dumps(head))
    os.replace(tmp, path)


def head_path(out_dir: str | Path) -> Path:
    """Where the head file of the site in `out_dir` lives."""
    base = snapshot_path(out_dir)
    return base.with_name(base.name + ".head")


@dataclass
class LastEntries:
    """The published entries as the last build recorded them, and their stored rows."""

    entries: list[PublishedEntry]
    rows: dict[int, tuple[Any, ...]]

    def row(self, e: PublishedEntry, known: dict[int, PublishedEntry]) -> tuple[Any, ...]:
        """The row of `e`: the stored one when `e` is the entry made from it (`known`)."""
        r = self.rows.get(e.id)
        return r if r is not None and known.get(e.id) is e else row_of(e)


def last_entries(journal: Journal, out_dir: str | Path, token: str | None) -> LastEntries | None:
    """Every published entry of the build `token` (the manifest names it), from the snapshot:
    the start of a publish that reads only the entries changed since (`journal.published_delta`).
    None when the snapshot cannot serve: missing, damaged, of another build, another journal
    or zone, or tags renamed, merged or given an alias since."""
    if not token or str(journal.store.path) == ":memory:":
        return None
    head = read_head(head_path(out_dir))
    if head is None or head.get("token") != token or not follows(head["ident"],
                                                                  identity(journal)):
        return None
    base = read_base(snapshot_path(out_dir), head["crc"])
    if base is None or base.id != head["base"]:
        return None
    rows = [r for k in range(-(-base.count // CHUNK)) for r in base.part(P_CHUNKS + k)]
    rows += head["rows"]
    tz = journal.tz
    return LastEntries([entry_of(r, tz) for r in rows], {r[0]: r for r in rows})
