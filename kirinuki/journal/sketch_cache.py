"""Every clip's stored sketch kept in a file beside a published site, so that the version check
of a publish that adds a few clips reads the sketches of the entries that changed only.

Reading every sketch from the journal and packing them for the probe was most of a one-entry
publish; loading this file (memory-mapped, packed as the probe reads it) and the entries'
stamps costs a fraction of that (docs/publish.md, Measurements).

Which rows still hold is told by the entries' stamps: every write of an entry moves its
`updated`, and clips (so sketches and clip ids, which may be reused) change only with a write
of their entry. The rows of an entry whose stamp moved, or that is gone, are dead, and that
entry's sketches are read again. Sketches that appear without an entry write (clips sketched
by `catch_up`) change the count of sketches, which is compared with the live rows; a new
sketch version, another journal file, or a damaged file means the file is built again from
every sketch. The version-checked flags are not kept here (other processes set them).

Two files: the base (every sketch, rewritten whole when the rows read since pass `REBASE`)
and a small delta (the stamps of the entries changed since the base and their sketches),
rewritten on each use. Both are replaced atomically; the publish lock keeps one writer.
"""

from __future__ import annotations

import marshal
import mmap
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from kirinuki.analysis.lsh import DEFAULT_PARAMS, SIG_DTYPE, Sketches
from kirinuki.analysis.probe import Part, PartScan, pack_columns
from kirinuki.journal.core import Journal
from kirinuki.store.sqlite import analysis as rows

FORMAT = "kirinuki-sketches-2"
REBASE = 20_000  # sketches read since the base before the base is written again
_ALIGN = 64


class SketchCache:
    """The sketch file of one published site (`path`, and `path` + ".delta")."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.delta_path = path.with_name(path.name + ".delta")
        # The entries' stamps, when the caller read them already (`published_delta` does, before
        # anything else): a stamp must never be newer than the sketches read with it.
        self.stamps: list[tuple[int, str, int]] | None = None

    def scan(self, journal: Journal, version: int, sketched: int = -1) -> PartScan:
        """A probe over every clip's sketch of this version, as the journal holds them now;
        `sketched`: the count of sketches, when the caller counted them after the stamps."""
        store = journal.store
        stamps = self.stamps if self.stamps is not None else rows.entry_stamps(store)
        self.stamps = None
        ident = _identity(journal, version)
        base = self._base(ident)
        if base is None:
            return self._rebuild(journal, version, stamps, ident)
        meta, ids, entries, bands, keys, sigs = base
        delta = self._delta(meta["token"])
        base_rows = meta["stamps"]  # (id, stamp, published?) rows in id order, as read
        moved = _moved_rows(stamps, base_rows)
        if moved is not None:
            # The entries of the base as they were but a few (found by comparing halves of
            # the lists in C), in the same places: only those and the newer ones are looked
            # at (a dict of every stamp and a pass over it cost most of a small publish).
            now = {i: s for i, s, _ in stamps[len(base_rows) :]}
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
            return self._rebuild(journal, version, stamps, ident)
        extra.sort()
        alive = ~np.isin(entries, np.fromiter(touched, dtype=np.int64)) if touched else None
        live = int(alive.sum()) if alive is not None else int(ids.size)
        if sketched < 0:
            sketched = rows.sketch_count(store, version)[1]
        if live + len(extra) != sketched:
            return self._rebuild(journal, version, stamps, ident)
        if changed or gone:
            self._write_delta({"token": meta["token"], "rows": extra,
                               "stamps": {i: now.get(i) for i in touched}})
        sk = Sketches.from_bytes([r[2] for r in extra], DEFAULT_PARAMS) if extra else _none()
        return PartScan(Part(ids, sigs, bands, keys, alive), [r[0] for r in extra], sk)

    def _rebuild(self, journal: Journal, version: int, stamps: list[tuple[int, str, int]],
                 ident: tuple[object, ...]) -> PartScan:
        found = rows.sketches_with_entries(journal.store, version)
        ids = np.fromiter((r[0] for r in found), dtype=np.int64, count=len(found))
        entries = np.fromiter((r[1] for r in found), dtype=np.int64, count=len(found))
        sk = Sketches.from_bytes([r[2] for r in found], DEFAULT_PARAMS) if found else _none()
        bands, keys = pack_columns(sk, DEFAULT_PARAMS)
        token = time.time_ns()
        meta = {"format": FORMAT, "ident": ident, "token": token, "n": len(found),
                "stamps": stamps}
        try:
            _write_base(self.path, meta, [ids, entries, bands, keys, sk.sigs])
            self.delta_path.unlink(missing_ok=True)
        except OSError:
            self.path.unlink(missing_ok=True)
        return PartScan(Part(ids, sk.sigs, bands, keys, None), [], _none())

    def _base(self, ident: tuple[object, ...]) -> tuple[Any, ...] | None:
        try:
            with self.path.open("rb") as f:
                data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            size = int.from_bytes(data[:8], "little")
            meta = marshal.loads(data[8 : 8 + size])
            if meta["format"] != FORMAT or meta["ident"] != ident:
                return None
            n, hashes, bands = meta["n"], DEFAULT_PARAMS.hashes, DEFAULT_PARAMS.bands
            at = _aligned(8 + size)
            out = []
            for dtype, shape in ((np.int64, (n,)), (np.int64, (n,)), (np.uint32, (bands, n)),
                                 (np.int64, (2, n)), (SIG_DTYPE, (n, hashes))):
                count = int(np.prod(shape))
                out.append(np.frombuffer(data, dtype=dtype, count=count, offset=at)
                           .reshape(shape))
                at = _aligned(at + count * np.dtype(dtype).itemsize)
            return (meta, *out)
        except (OSError, ValueError, TypeError, KeyError, EOFError):
            return None

    def _delta(self, token: int) -> dict[str, Any]:
        try:
            delta: dict[str, Any] = marshal.loads(self.delta_path.read_bytes())
            if delta["token"] == token:
                return delta
        except (OSError, ValueError, TypeError, KeyError, EOFError):
            pass
        return {"token": token, "rows": [], "stamps": {}}

    def _write_delta(self, delta: dict[str, Any]) -> None:
        tmp = self.delta_path.with_name(self.delta_path.name + ".tmp")
        try:
            tmp.write_bytes(marshal.dumps(delta))
            os.replace(tmp, self.delta_path)
        except OSError:
            self.delta_path.unlink(missing_ok=True)


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


def _write_base(path: Path, meta: dict[str, Any], arrays: list[np.ndarray]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    head = marshal.dumps(meta)
    with tmp.open("wb") as f:
        f.write(len(head).to_bytes(8, "little") + head)
        for a in arrays:
            f.seek(_aligned(f.tell()))
            f.write(np.ascontiguousarray(a).data)  # no copy (tobytes made one)
    os.replace(tmp, path)


def entry_stamps(journal: Journal) -> list[tuple[int, str, int]]:
    """(id, updated, dated and published?) of every entry in id order, as `SketchCache.stamps`
    takes them."""
    return rows.entry_stamps(journal.store)
