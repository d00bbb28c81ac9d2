"""The site context of the last publish, kept beside the output folder, so that a publish that
only adds entries after the newest one (the common case) touches none of the other entries.

The publish of one new entry spent most of its time looping over every entry in Python:
making an object for every entry from the entry cache, the context's lookup tables, the fingerprints,
the manifest's keys and the scope. Here the tables are stored ready to use: the entry rows in
chunks of `CHUNK` positions made into entries only when a page reads them, the positions,
permalinks and fingerprints as marshal blobs read in a few ms, the tags and days whole.

Two kinds of blobs of the site state (`state.py`): the base (`snap.base` and its parts
`snap.0`, `snap.1`, ...: every entry's stamp, positions, permalinks, tags, days, related
links, version notes and rows as of one build; rewritten by a publish that takes the ordinary
path, or when the tail passes `TAIL_MAX`) and the head (`snap.head`: the stamps and rows of the
entries added since the base, from which the rest follows; rewritten by every publish that
writes). Base and head are written in one transaction, the head alone after a short path. The
head names the base it extends and the build (`token`) that the manifest records; anything
that does not match, or does not hold, means the ordinary path: a missing, damaged or stale
snapshot never gives a wrong page, only a slower publish.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, overload

from kirinuki.journal import Journal
from kirinuki.journal.published import PublishedEntry
from kirinuki.journal.published_delta import tags_mark
from kirinuki.journal.sketch_cache import StampSummary, pack_stamps, stamps_summary
from kirinuki.publish.state import Blobs, state_path

FORMAT = "kirinuki-snapshot-7"  # 7: the stamps' summary in the base; 5: the chunk size
# Entry rows per lazily read chunk: a publish of one entry reads a few hundred old entries
# scattered over the journal (its feeds' entries and where their links lead), each read
# unmarshalling its whole chunk (docs/publish.md).
CHUNK = 64
HEAD_KEYS = {"token", "base", "g", "per_page", "ident", "every", "rows"}
TAIL_MAX = 2000  # entries added since the base before the base is written again
Rows = list[tuple[Any, ...]]
# The parts of the base: every entry's stamp (as `sketch_cache.entry_stamps` gives
# them), positions by id, ids by permalink, the tables (tags with their members, days, related
# links and version notes), then the entry rows in chunks.
P_EVERY, P_POS, P_PERMALINKS, P_TABLES, P_CHUNKS = range(5)
# Per tag, what its story key was made of (`plan.StoryParts`), so that a short path keys a
# tag's story from its new members alone: one blob a tag, dropped with the base it names.
STORY = "story."


def state_blobs(out_dir: str | Path) -> Blobs:
    """The blobs of the state of the site in `out_dir` (the snapshot's and the sketches')."""
    return Blobs(state_path(Path(out_dir)))


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
    """The published entries in site order, each made from its row when first read (a chunk's
    rows are read at once): a tag's story key reads a few members in most chunks."""

    def __init__(self, chunk: Callable[[int], Rows], count: int, tail: list[PublishedEntry],
                 tz: tzinfo) -> None:
        self._chunk, self._count, self.tail, self._tz = chunk, count, tail, tz
        self._rows: dict[int, Rows] = {}
        self._made: dict[int, PublishedEntry] = {}

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
        made = self._made.get(i)
        if made is None:
            k = i // CHUNK
            rows = self._rows.get(k)
            if rows is None:
                rows = self._rows[k] = self._chunk(k)
            made = self._made[i] = entry_of(rows[i - k * CHUNK], self._tz)
        return made

    def __iter__(self) -> Iterator[PublishedEntry]:
        for i in range(len(self)):
            yield self[i]


class Fingerprints(Sequence[str]):
    """The fingerprints of `entries` (`keys.fingerprint`), made when read: a one-entry plan
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
    """The base: its id, its entry count, and its parts (read when asked for)."""

    id: str
    count: int
    blobs: Blobs
    stamps: int = 0  # how many entries' stamps it holds (`P_EVERY`)
    seen: StampSummary | None = None  # their summary (`published_delta.stamps_summary`)

    def part(self, k: int) -> Any:
        """Part `k`, unmarshalled."""
        return marshal.loads(self.raw(k))

    def raw(self, k: int) -> bytes:
        """Part `k` as stored (raises LookupError when a part went missing meanwhile)."""
        data = self.blobs.get(f"snap.{k}")
        if data is None:
            raise LookupError(f"snapshot part {k}")
        return data


def read_base(blobs: Blobs) -> Base | None:
    """The base, or None when it is missing, damaged or of another format."""
    try:
        data = blobs.get("snap.base")
        head = marshal.loads(data) if data is not None else None
    except (EOFError, ValueError, TypeError):
        return None
    # A base of another chunk size (written by another version) is not read.
    if not isinstance(head, tuple) or len(head) != 6 or head[0] != FORMAT or head[3] != CHUNK:
        return None
    base = Base(str(head[1]), int(head[2]), blobs, int(head[4]), head[5])
    # Every part there, checked up front: a missing one is never met mid-build.
    if blobs.names("snap.") != 2 + P_CHUNKS + -(-base.count // CHUNK):
        return None
    return base


def pack_base(base_id: str, parts: list[Any], chunks: list[bytes | Rows],
              count: int) -> dict[str, bytes]:
    """The base's blobs (`parts` up to the chunks, then `chunks` given as rows or as stored
    bytes)."""
    every = parts[P_EVERY]
    blobs = {"snap.base": marshal.dumps((FORMAT, base_id, count, CHUNK, len(every),
                                         stamps_summary(every)))}
    for k, p in enumerate(parts):
        blobs[f"snap.{k}"] = pack_stamps(p) if k == P_EVERY else marshal.dumps(p)
    for k, c in enumerate(chunks, len(parts)):
        blobs[f"snap.{k}"] = c if isinstance(c, bytes) else marshal.dumps(c)
    return blobs


def read_stories(blobs: Blobs, base_id: str, keys: Iterable[str]) -> dict[str, tuple[Any, ...]]:
    """The stored story key parts (`plan.StoryParts` as a tuple) of the tags `keys`, those
    made for the base `base_id` (any other base may describe other entries)."""
    out = {}
    for key in keys:
        try:
            data = blobs.get(STORY + key)
            row = marshal.loads(data) if data is not None else None
        except (EOFError, ValueError, TypeError):
            continue
        if isinstance(row, tuple) and len(row) == 5 and row[0] == base_id:
            out[key] = row[1:]
    return out


def pack_stories(base_id: str, stories: Mapping[str, tuple[Any, ...]]) -> dict[str, bytes]:
    """The blobs of the story key parts `stories` (tag key -> parts) made for `base_id`."""
    return {STORY + k: marshal.dumps((base_id, *parts)) for k, parts in stories.items()}


def read_head(blobs: Blobs) -> dict[str, Any] | None:
    """The head, or None when it is missing, damaged or of another format."""
    try:
        data = blobs.get("snap.head")
        head = marshal.loads(data) if data is not None else None
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(head, dict) or head.get("format") != FORMAT or not head.keys() >= HEAD_KEYS \
            or not isinstance(head["every"], list) or not isinstance(head["rows"], list):
        return None
    return head


def pack_head(head: dict[str, Any]) -> bytes:
    """The head's blob."""
    return marshal.dumps({"format": FORMAT, **head})


@dataclass
class LastEntries:
    """The published entries as the last build recorded them, and their stored rows."""

    entries: list[PublishedEntry]
    rows: dict[int, tuple[Any, ...]]

    def row(self, e: PublishedEntry, known: dict[int, PublishedEntry]) -> tuple[Any, ...]:
        """The row of `e`: the stored one when `e` is the entry made from it (`known`)."""
        r = self.rows.get(e.id)
        return r if r is not None and known.get(e.id) is e else row_of(e)


def read_snapshot(journal: Journal, out_dir: str | Path, token: str | None,
                  ) -> tuple[dict[str, Any], Base, tuple[object, ...]] | None:
    """The head and base of the build `token` (the manifest names it), with the journal's
    `identity`; None when they cannot serve a publish of `journal`: missing, damaged, of
    another build, another journal or zone, or tags renamed, merged or given an alias since."""
    if not token or str(journal.store.path) == ":memory:":
        return None
    blobs = state_blobs(out_dir)
    head, ident = read_head(blobs), identity(journal)
    if head is None or head.get("token") != token or not follows(head["ident"], ident):
        return None
    base = read_base(blobs)
    return (head, base, ident) if base is not None and base.id == head["base"] else None


def last_entries(journal: Journal, out_dir: str | Path, token: str | None) -> LastEntries | None:
    """Every published entry of the build `token`, from the snapshot (None when it cannot
    serve: `read_snapshot`): the start of a publish that reads only the entries changed since
    (`journal.published_delta`)."""
    read = read_snapshot(journal, out_dir, token)
    if read is None:
        return None
    head, base, _ident = read
    try:
        rows = [r for k in range(-(-base.count // CHUNK)) for r in base.part(P_CHUNKS + k)]
    except (LookupError, EOFError, ValueError, TypeError):
        return None
    rows += head["rows"]
    tz = journal.tz
    return LastEntries([entry_of(r, tz) for r in rows], {r[0]: r for r in rows})
