"""Every clip's stored sketch kept in the state of a published site (two blobs the publisher
stores for it: `SketchStore`), so that the version check of a publish that adds a few clips
reads the sketches of the entries that changed only.

Reading every sketch from the journal and packing them for the probe was most of a one-entry
publish; loading the packed sketches (as the probe reads them) and the entries' stamps costs a
fraction of that (docs/publish.md, Measurements). It lives in `journal/`, not `publish/`, as it
reads the journal's sketch rows and the analysis' packing, which the publisher may not import.

Which rows still hold is told by the entries' stamps: every write of an entry moves its
`updated`, and clips (so sketches and clip ids, which may be reused) change only with a write
of their entry. The rows of an entry whose stamp moved, or that is gone, are dead, and that
entry's sketches are read again. Sketches that appear without an entry write (clips sketched
by `catch_up`) change the count of sketches, which is compared with the live rows; a new
sketch version, another journal file, or a damaged file means the file is built again from
every sketch. The version-checked flags are not kept here (other processes set them).

Two blobs: the base (`sketch.base`: every sketch, written by a build on the publisher's
ordinary path when it has none (`analysis.keep_sketches`, so not by the first new entry after
a full build), and again whole when the rows read since pass `REBASE`; read and written a
piece at a time) and a small delta (`sketch.delta`: the stamps of the entries changed since
the base and their sketches), rewritten on each use. The publish lock keeps one writer.
"""

from __future__ import annotations

import marshal
import os
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

import numpy as np

from kirinuki.analysis.lsh import DEFAULT_PARAMS, SIG_DTYPE, Sketches
from kirinuki.analysis.probe import Part, PartScan, pack_columns, shared_columns
from kirinuki.analysis.shared_keys import SENTENCE_SLOTS
from kirinuki.analysis.word_keys import WORD_SLOTS
from kirinuki.journal.core import Journal
from kirinuki.store.sqlite import analysis as rows

FORMAT = "kirinuki-sketches-5"  # 5: stamps packed (4: sentence and word keys)
REBASE = 20_000  # sketches read since the base before the base is written again
_ALIGN = 64
_PIECE = 8192  # sketches read and packed at a time when the base is written
# The base's arrays after its head: (dtype, shape without the rows) of clip ids, entry ids,
# packed bands, text keys, sentence keys and word keys, one column per row.
_LAYOUT = ((np.int64, ()), (np.int64, ()), (np.uint32, (DEFAULT_PARAMS.bands,)),
           (np.int64, (2,)), (np.int64, (SENTENCE_SLOTS,)), (np.uint32, (WORD_SLOTS,)))


class SketchStore(Protocol):
    """Where the publisher keeps the cache's blobs (`publish.state.Blobs`)."""

    def get(self, name: str) -> bytes | None:
        """The blob `name`, or None."""

    def view(self, name: str) -> memoryview | None:
        """The big blob `name` (read as fast as it can be), or None."""

    def put(self, items: Mapping[str, bytes | None], drop: str | None = None) -> bool:
        """Store `items` (None deletes) at once; False when they could not be written."""

    def put_pieces(self, name: str, pieces: Sequence[tuple[int, bytes | memoryview]],
                   drop: str | None = None) -> bool:
        """Store the blob `name` made of (offset, bytes) pieces (zeros between them), deleting
        the blob `drop`, at once; False when it could not be written."""


class SketchCache:
    """The sketches of one published site, kept in `store`."""

    def __init__(self, store: SketchStore) -> None:
        self.store = store
        # The entries' stamps, when the caller read them already (`published_delta` does, before
        # anything else): a stamp must never be newer than the sketches read with it.
        self.stamps: list[tuple[int, str, int]] | None = None
        # (packed, n): the stamps before `stamps` are those of the first n entries, packed as
        # `pack_stamps` does (as the publisher's snapshot stores them), made only when needed.
        self.prefix: tuple[bytes, int] | None = None
        self.scanned = False  # whether `scan` brought it up to date in this process

    def scan(self, journal: Journal, version: int, sketched: int = -1) -> PartScan:
        """A probe over every clip's sketch of this version, as the journal holds them now;
        `sketched`: the count of sketches, when the caller counted them after the stamps."""
        store = journal.store
        stamps = self.stamps if self.stamps is not None else rows.entry_stamps(store)
        prefix, self.stamps, self.prefix = self.prefix, None, None
        self.scanned = True
        ident = _identity(journal, version)
        base = self._base(ident)
        # Given after those of `prefix`: the later stamps than the base's when the base holds
        # the same, or when its own summary holds (then read); else every stamp.
        later = None
        if prefix is not None:
            head: dict[str, Any] = base[0] if base is not None else {}
            if prefix == (head.get("stamps"), head.get("count")):
                later = stamps
            elif head.get("seen") and (after := stamps_after(journal, head["seen"])) is not None:
                later = after
            else:
                stamps = [*marshal.loads(prefix[0]), *stamps]
        if base is None:
            return self._rebuild(journal, version, stamps, ident)
        meta, ids, entries, bands, keys, sents, words = base
        delta = self._delta(meta["token"])
        count = meta["count"]  # entries whose stamps the base holds

        def whole() -> list[tuple[int, str, int]]:
            return stamps if later is None else [*marshal.loads(meta["stamps"]), *later]

        # (id, stamp, published?) rows in id order, as read; made only when some moved
        base_rows: list[Any] = []
        if later is not None or len(stamps) >= count and same_stamps(meta["stamps"],
                                                                     stamps[:count]):
            moved: list[int] | None = []
        else:
            base_rows = marshal.loads(meta["stamps"])
            moved = _moved_rows(stamps, base_rows)
        if moved is not None:
            # The entries of the base as they were but a few (found by comparing halves of
            # the lists in C), in the same places: only those and the newer ones are looked
            # at (a dict of every stamp and a pass over it cost most of a small publish).
            now = {i: s for i, s, _ in (later if later is not None else stamps[count:])}
            known = dict(delta["stamps"])
            for k in moved:
                now[stamps[k][0]] = stamps[k][1]
                known.setdefault(base_rows[k][0], base_rows[k][1])
        else:
            now = {i: s for i, s, _ in stamps}
            known = {r[0]: r[1] for r in base_rows}
            known.update(delta["stamps"])
        changed = [i for i, s in now.items() if known.get(i) != s]
        gone = [i for i, s in known.items() if s is not None and i not in now]
        touched = set(delta["stamps"]).union(changed, gone)
        redo = set(changed).union(gone)
        extra = [r for r in delta["rows"] if r[1] not in redo]
        if changed:
            extra += rows.sketches_with_entries(store, version, changed)
        if len(extra) > REBASE:
            return self._rebuild(journal, version, whole(), ident)
        extra.sort()
        alive = ~np.isin(entries, np.fromiter(touched, dtype=np.int64)) if touched else None
        live = int(alive.sum()) if alive is not None else int(ids.size)
        if sketched < 0:
            sketched = rows.sketch_count(store, version)[1]
        if live + len(extra) != sketched:
            return self._rebuild(journal, version, whole(), ident)
        if changed or gone:
            self._write_delta({"token": meta["token"], "rows": extra,
                               "stamps": {i: now.get(i) for i in touched}})
        sk = Sketches.from_bytes([r[2] for r in extra], DEFAULT_PARAMS) if extra else _none()
        return PartScan(Part(ids, None, bands, keys, alive, sents, words), [r[0] for r in extra],
                        sk)

    def _rebuild(self, journal: Journal, version: int, stamps: list[tuple[int, str, int]],
                 ident: tuple[object, ...]) -> PartScan:
        store = journal.store
        mapped = store.mapped
        # Every sketch with its clip and group: read through the memory map, each page would
        # count as this process's memory (a full build does this after its workers;
        # measured in docs/publish.md).
        store.map_memory(False)
        try:
            with store.snapshot():  # the count and the rows of one state
                n = rows.sketch_count(store, version)[1]
                cols = _columns(n)
                at = 0
                # In pieces, each packed into the columns: the rows of every sketch at once
                # (500k tuples at 100k entries) cost more memory than the columns they make.
                for found in rows.sketches_with_entries_in_pieces(store, version, _PIECE):
                    if at + len(found) > n:  # more than counted (a store without snapshots)
                        cols = [np.concatenate([c, _columns(len(found))[k]], axis=-1)
                                for k, c in enumerate(cols)]
                        n += len(found)
                    _fill(cols, at, found)
                    at += len(found)
        finally:
            store.map_memory(mapped)
        cols = [np.ascontiguousarray(c[..., :at]) for c in cols] if at < n else cols
        token = time.time_ns()
        meta = {"format": FORMAT, "ident": ident, "token": token, "n": at,
                "stamps": pack_stamps(stamps), "count": len(stamps),
                "seen": stamps_summary(stamps)}
        # The signatures are not stored: the packed bands hold every byte of them.
        head = marshal.dumps(meta)
        self.store.put_pieces("sketch.base", _pieces(head, cols), drop="sketch.delta")
        ids, _entries, bands, keys, sents, words = cols
        return PartScan(Part(ids, None, bands, keys, None, sents, words), [], _none())

    def _base(self, ident: tuple[object, ...]) -> tuple[Any, ...] | None:
        try:
            data = self.store.view("sketch.base")
            if data is None:
                return None
            size = int.from_bytes(data[:8], "little")
            meta = marshal.loads(data[8 : 8 + size])
            if meta["format"] != FORMAT or meta["ident"] != ident:
                return None
            n = meta["n"]
            at = _aligned(8 + size)
            out = []
            for dtype, shape in _LAYOUT:
                count = int(np.prod(shape)) * n
                out.append(np.frombuffer(data, dtype=dtype, count=count, offset=at)
                           .reshape((*shape, n)))
                at = _aligned(at + count * np.dtype(dtype).itemsize)
            return (meta, *out)
        except (OSError, ValueError, TypeError, KeyError, EOFError):
            return None

    def _delta(self, token: int) -> dict[str, Any]:
        try:
            data = self.store.get("sketch.delta")
            delta: dict[str, Any] = marshal.loads(data) if data is not None else {}
            if delta["token"] == token:
                return delta
        except (ValueError, TypeError, KeyError, EOFError):
            pass
        return {"token": token, "rows": [], "stamps": {}}

    def _write_delta(self, delta: dict[str, Any]) -> None:
        if not self.store.put({"sketch.delta": marshal.dumps(delta)}):
            self.store.put({"sketch.delta": None})


def _moved_rows(now: list[Any], was: list[Any], limit: int = 256) -> list[int] | None:
    """The places where `now` differs from `was` (its first len(was) rows), when the entries
    are the same in the same places (only stamps moved) and at most `limit`; else None."""
    if len(now) < len(was):
        return None
    out: list[int] = []
    todo = [(0, len(was))]
    while todo:
        lo, hi = todo.pop()
        if now[lo:hi] == was[lo:hi]:
            continue
        if hi - lo == 1:
            if now[lo][0] != was[lo][0] or len(out) == limit:
                return None  # an entry removed or added among them, or too many changes
            out.append(lo)
            continue
        mid = (lo + hi) // 2
        todo += [(mid, hi), (lo, mid)]
    return out


def _identity(journal: Journal, version: int) -> tuple[object, ...]:
    p = DEFAULT_PARAMS
    return (os.path.abspath(str(journal.store.path)), version, p.bands, p.rows, p.hashes)


def _aligned(at: int) -> int:
    return -(-at // _ALIGN) * _ALIGN


def _none() -> Sketches:
    return Sketches(np.empty((0, 2), dtype=np.int64),
                    np.empty((0, DEFAULT_PARAMS.hashes), dtype=SIG_DTYPE))


def _columns(n: int) -> list[np.ndarray]:
    """The base's columns for `n` rows, as `_base` reads them back."""
    return [np.empty((*shape, n), dtype=dtype) for dtype, shape in _LAYOUT]


def _fill(cols: list[np.ndarray], at: int, found: list[tuple[int, int, bytes]]) -> None:
    """Put the rows `found` (clip id, entry id, sketch) into the columns from row `at`."""
    ids, entries, bands, keys, sents, words = cols
    end = at + len(found)
    ids[at:end] = np.fromiter((r[0] for r in found), dtype=np.int64, count=len(found))
    entries[at:end] = np.fromiter((r[1] for r in found), dtype=np.int64, count=len(found))
    sk = Sketches.from_bytes([r[2] for r in found], DEFAULT_PARAMS)
    bands[:, at:end], keys[:, at:end] = pack_columns(sk, DEFAULT_PARAMS)
    sents[:, at:end], words[:, at:end] = shared_columns(sk)


def _pieces(head: bytes, arrays: list[np.ndarray]) -> list[tuple[int, bytes | memoryview]]:
    """The base as (offset, bytes) pieces: the size of the head, the head, then each array
    at the next multiple of `_ALIGN` (as `_base` reads them)."""
    out: list[tuple[int, bytes | memoryview]] = [(0, len(head).to_bytes(8, "little")), (8, head)]
    at = _aligned(8 + len(head))
    for a in arrays:
        data = np.ascontiguousarray(a).data
        out.append((at, data))
        at = _aligned(at + data.nbytes)
    return out


# Every write of an entry moves its `updated` to the time of the write, so a summary of the
# stamps (count, id total, newest) changes with any write after it was taken, but a write
# stamped before the newest (the clock set back; the hour repeated when daylight saving ends):
# the count of the stamps within `RECENT` of the newest changes with those.
RECENT = timedelta(hours=2)
# (last id, count, id total, newest stamp, recent since, count of stamps after it)
StampSummary = tuple[int, int, float, str, str, int]


def stamps_summary(stamps: list[tuple[int, str, int]]) -> StampSummary | None:
    """The summary `stamps_after` checks of the `stamps` rows (as `entry_stamps` gives them,
    in id order); None for no rows or a newest stamp that is no date."""
    if not stamps:
        return None
    newest = max(r[1] for r in stamps)
    try:
        since = (datetime.fromisoformat(newest) - RECENT).isoformat()
    except (ValueError, OverflowError):
        return None
    return (stamps[-1][0], len(stamps), float(sum(r[0] for r in stamps)), newest, since,
            sum(1 for r in stamps if r[1] > since))


def stamps_after(journal: Journal, summary: StampSummary) -> list[tuple[int, str, int]] | None:
    """The stamps of the entries after those `summary` describes, when those are as they
    were (checked from the index of the stamps, without reading each); None when one of them
    was written, removed or brought back since."""
    last, count, total, newest, since, recent = summary
    if rows.stamps_summary(journal.store, last, since) != (count, total, newest, recent):
        return None
    return rows.entry_stamps_after(journal.store, last)


def pack_stamps(stamps: list[Any]) -> bytes:
    """Entry stamps (as `entry_stamps` gives them) as the sketch file and the publisher's
    snapshot store them: marshal's version 2, which writes equal lists of plain values as equal
    bytes (later versions mark objects shared at the time), so that the journal's stamps are
    compared with them without making 100k tuples back (`same_stamps`)."""
    return marshal.dumps(stamps, 2)


def same_stamps(stored: bytes, stamps: list[Any]) -> bool:
    """Whether `stamps` are those `pack_stamps` stored."""
    return pack_stamps(stamps) == stored


def entry_stamps(journal: Journal) -> list[tuple[int, str, int]]:
    """(id, updated, dated and published?) of every entry in id order, as `SketchCache.stamps`
    takes them."""
    return rows.entry_stamps(journal.store)
