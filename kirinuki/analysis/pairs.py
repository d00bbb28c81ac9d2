"""Candidate pairs of a whole journal's sketches in bounded memory.

The same pairs, estimates and order as `lsh.DuplicateIndex.candidate_pairs`, but without the
index: text keys are chained in one small sort, band keys are split by the top bits of their
value into parts (a key's rows all fall in one part, so a part holds whole key groups), and
each part is cut at group boundaries into slices of at most `budget` raw pairs. A slice's
pairs are estimated, filtered and cut to the `per_row` best of each later row at once (a pair
among the best of all is among the best of any subset holding it), so only those survivors
are kept: a match count (uint8) and a pair code (a << 32 | b) each. At 30k entries (150k
clips) the index's way held every raw pair at once (1.3 GB more); here a slice costs ~50 MB.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

from kirinuki.analysis.duplicates import DEFAULT_THRESHOLDS, Prepared, Thresholds, prepare
from kirinuki.analysis.far_gate import Features, let_go, let_go_at
from kirinuki.analysis.groups import Item, Link, OrderKey, relate, time_order
from kirinuki.analysis.lsh import (
    DEFAULT_PARAMS,
    EMPTY,
    LshParams,
    Sketches,
    _hasher,
    estimate,
)
from kirinuki.analysis.shared_keys import group_pairs, sorted_unique

_CHUNK = 65536  # pairs estimated at once
_PART_KEYS = 1_000_000  # band keys sorted at once (~40 MB of arrays)
_TOLD = 5_000  # pairs compared between two reports of progress


def estimates(hashes: int) -> np.ndarray:
    """The estimate of k matching values, k = 0 .. hashes (what `lsh.estimate` gives)."""
    a = np.zeros((hashes + 1, hashes), dtype=np.uint8)
    b = (np.arange(hashes)[None, :] >= np.arange(hashes + 1)[:, None]).astype(np.uint8)
    return estimate(a, b)


def matches(sigs: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """How many signature values the two rows of each pair code share (uint8)."""
    out = np.empty(codes.size, dtype=np.uint8)
    for s in range(0, codes.size, _CHUNK):
        c = codes[s:s + _CHUNK]
        x, y = sigs[c >> 32], sigs[c & 0xFFFFFFFF]
        out[s:s + _CHUNK] = ((x == y) & (x != EMPTY)).sum(axis=1)
    return out


def _best(codes: np.ndarray, counts: np.ndarray, per_row: int) -> np.ndarray:
    """Positions of the `per_row` best pairs of each later row b (by count, then a), for
    codes sorted ascending; in the order (b, best first)."""
    b = codes & 0xFFFFFFFF
    order = np.lexsort((-counts.astype(np.int16), b))
    b = b[order]
    first = np.r_[0, np.flatnonzero(b[1:] != b[:-1]) + 1] if b.size else np.empty(0, np.int64)
    rank = np.arange(b.size) - np.repeat(first, np.diff(np.r_[first, b.size]))
    best: np.ndarray = order[rank < per_row]
    return best


def _slices(keys: np.ndarray, cap: int, budget: int) -> list[tuple[int, int]]:
    """[start, end) ranges of sorted `keys`, cut at group boundaries, of <= `budget` raw pairs
    each (one group over the budget gets a slice of its own)."""
    if not keys.size:
        return []
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, keys.size])
    cost = np.where(sizes <= cap, sizes * (sizes - 1) // 2, 0)
    total = np.cumsum(cost)
    out, at, done = [], 0, 0
    while at < starts.size:
        end = max(int(np.searchsorted(total, done + budget, "right")), at + 1)
        out.append((int(starts[at]), int(starts[end]) if end < starts.size else int(keys.size)))
        done = int(total[end - 1])
        at = end
    return out


class _Survivors:
    """The best pairs of every slice so far: per slice, keys (b << 32 | a) sorted and match
    counts, so that the pairs of some later rows are found by bisection. Compacted to the
    best of all when they grow (at 30k entries 6.9M survivors of 41 slices for 2.1M pairs)."""

    def __init__(self, sigs: np.ndarray, threshold: int, per_row: int, at_once: int) -> None:
        self.sigs, self.threshold, self.per_row = sigs, threshold, per_row
        self.at_once = at_once
        self.keys: list[np.ndarray] = []
        self.counts: list[np.ndarray] = []
        self.size = 0
        self.compact_at = 4 * at_once

    def add(self, codes: np.ndarray, counts: np.ndarray | None = None) -> None:
        """Keep the best of these sorted distinct codes (counts: None to count them now)."""
        codes = codes[(codes >> 32) != (codes & 0xFFFFFFFF)]
        counts = matches(self.sigs, codes) if counts is None else counts[: codes.size]
        keep = counts >= self.threshold
        codes, counts = codes[keep], counts[keep]
        best = _best(codes, counts, self.per_row)
        self._keep(codes[best], counts[best])
        if self.size > self.compact_at:
            ranges = list(self._ranges())
            self.keys, self.counts, self.size = [], [], 0
            for codes, counts in ranges:
                self._keep(codes, counts)
            self.compact_at = max(self.compact_at, 2 * self.size)

    def _keep(self, codes: np.ndarray, counts: np.ndarray) -> None:
        keys = ((codes & 0xFFFFFFFF) << 32) | (codes >> 32)
        order = np.argsort(keys)
        self.keys.append(keys[order])
        self.counts.append(counts[order])
        self.size += keys.size

    def _ranges(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(codes, counts) of the best pairs overall, in the order (b, best first, a), for
        ranges of later rows b of about `at_once` survivors each."""
        rows = int(max((int(k[-1]) >> 32 for k in self.keys if k.size), default=0)) + 1
        step = max(1, min(rows, -(-rows * self.at_once // max(1, self.size))))
        for lo in range(0, rows, step):
            bounds = np.array([lo << 32, (lo + step) << 32], dtype=np.int64)
            keys, counts = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.uint8)]
            for k, c in zip(self.keys, self.counts, strict=True):
                i, j = np.searchsorted(k, bounds).tolist()
                keys.append(k[i:j])
                counts.append(c[i:j])
            key, count = np.concatenate(keys), np.concatenate(counts)
            codes = ((key & 0xFFFFFFFF) << 32) | (key >> 32)
            order = np.argsort(codes, kind="stable")
            codes, count = codes[order], count[order]
            first = np.r_[True, codes[1:] != codes[:-1]] if codes.size else np.empty(0, bool)
            codes, count = codes[first], count[first]
            best = _best(codes, count, self.per_row)
            yield codes[best], count[best]

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """(codes, counts) of the best pairs overall, in the order (b, best first, a)."""
        ranges = list(self._ranges())
        self.keys, self.counts = [], []
        return (np.concatenate([c for c, _ in ranges] or [np.empty(0, dtype=np.int64)]),
                np.concatenate([c for _, c in ranges] or [np.empty(0, dtype=np.uint8)]))


def sketch_pairs(sk: Sketches, params: LshParams = DEFAULT_PARAMS, cap: int = 64,
                 min_estimate: float = 0.0, per_row: int = 16, budget: int = 500_000,
                 part_keys: int = _PART_KEYS, at_once: int = 500_000,
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs of `DuplicateIndex.candidate_pairs` over an index of `sk` (row i
    is sketch i), as pair codes (a << 32 | b, a < b) and match counts: `estimates()[count]` is
    the pair's estimate (1.0 for pairs sharing their text or masked text). Memory: the band
    keys (8 bytes × bands a sketch), `part_keys` keys sorted at once, `budget` raw pairs,
    9 bytes a surviving pair, and their final ranking `at_once` pairs at a time."""
    n, hashes = len(sk), params.hashes
    table = estimates(hashes)
    threshold = int(np.searchsorted(table, min_estimate, "left"))  # first count reaching it
    out = _Survivors(sk.sigs, threshold, per_row, at_once)
    # Text keys (odd): each row is linked to the one before it with the same key.
    flat = sk.keys.reshape(-1)
    order = np.argsort(flat, kind="stable")
    keys, rows = flat[order], order // 2
    chain = np.flatnonzero(keys[1:] == keys[:-1])
    text = sorted_unique((rows[chain] << 32) | rows[chain + 1])
    del flat, order, keys, rows, chain
    out.add(text, np.full(text.size, hashes, dtype=np.uint8))
    # Band keys (even, never 0 but for empty signatures), part by part.
    bands = np.empty((n, params.bands), dtype=np.int64)
    for s in range(0, n, _CHUNK):
        bands[s:s + _CHUNK] = _hasher(params).band_keys(sk.sigs[s:s + _CHUNK])
    flat = bands.reshape(-1)
    bits = min(16, max(0, int(np.ceil(np.log2(max(1, flat.size) / part_keys)))))
    top = np.zeros(flat.size, dtype=np.uint16)  # the part of each key: its top bits
    for s in range(0, flat.size, _CHUNK * 16) if bits else ():
        top[s:s + _CHUNK * 16] = flat[s:s + _CHUNK * 16].view(np.uint64) >> np.uint64(64 - bits)
    for part in range(1 << bits):
        pos = np.flatnonzero((top == part) & (flat != 0))
        keys = flat[pos]
        order = np.argsort(keys, kind="stable")
        keys, rows = keys[order], pos[order] // params.bands
        del pos, order
        for lo, hi in _slices(keys, cap, budget):
            codes = group_pairs(keys[lo:hi], rows[lo:hi], cap)
            out.add(codes[~np.isin(codes, text, kind="sort")] if text.size else codes)
    del bands, flat, top, keys, rows
    return out.result()


def as_pairs(codes: np.ndarray, counts: np.ndarray, hashes: int = DEFAULT_PARAMS.hashes,
             ) -> tuple[np.ndarray, np.ndarray]:
    """Codes and counts as `candidate_pairs` gives them: (m, 2) rows and estimates."""
    return np.stack([codes >> 32, codes & 0xFFFFFFFF], axis=1), estimates(hashes)[counts]


def verify_blocked(a: np.ndarray, b: np.ndarray,
                   items_of: Callable[[Sequence[int]], dict[int, Item]], held: int,
                   t: Thresholds = DEFAULT_THRESHOLDS,
                   between: Callable[[], object] | None = None, *,
                   versions_only: bool = False, done: Callable[[int], object] | None = None,
                   gated: bool = False) -> list[tuple[Link, Item, Item]]:
    """`duplicates.verify` of the pairs of rows (a[k], b[k]) (a < b), holding at most
    ~`held` prepared clips: the earlier rows in blocks of 7/8 of that, each block with the
    later rows paired to it in chunks of 1/8 (a clip is loaded and prepared about
    1 + blocks / 2 times; at ~4-5 KB a prepared clip, a whole journal rarely fits).
    `items_of` gives the clips of some rows (rows missing from it are left out); `between`
    runs before each block is loaded; `versions_only`: only the version links (see
    `duplicates.compare`); `done` is told how many pairs each step compared; `gated`: the
    pairs went through `gate_pairs` already. Returns each link with its earlier and later
    clip."""
    rows = sorted_unique(np.concatenate([a, b]))
    block = max(1, held * 7 // 8)
    chunk = max(1, held // 8)
    out: list[tuple[Link, Item, Item]] = []
    for lo in range(0, rows.size, block):
        first, last = int(rows[lo]), int(rows[min(lo + block, rows.size) - 1])
        sel = (a >= first) & (a <= last)
        pa, pb = a[sel], b[sel]
        if not pa.size:
            continue  # rows only ever paired with earlier ones: nothing to load for this block
        if between is not None:
            between()
        near = _Held(items_of, rows[lo:lo + block].tolist())
        inside = pb <= last
        _relate(near, near, pa[inside], pb[inside], t, out, versions_only, done, gated)
        pa, pb = pa[~inside], pb[~inside]
        order = np.argsort(pb, kind="stable")
        pa, pb = pa[order], pb[order]
        later = sorted_unique(pb)
        for s in range(0, later.size, chunk):
            part = later[s:s + chunk]
            i = int(np.searchsorted(pb, part[0], "left"))
            j = int(np.searchsorted(pb, part[-1], "right"))
            _relate(near, _Held(items_of, part.tolist()), pa[i:j], pb[i:j], t, out,
                    versions_only, done, gated)
    return out


class _Held:
    """Clips of some rows, prepared (with their `time_order` key) when first compared, and
    what `far_gate` reads of them once they are."""

    def __init__(self, items_of: Callable[[Sequence[int]], dict[int, Item]],
                 rows: list[int]) -> None:
        self.items = items_of(rows)
        self.prepared: dict[int, tuple[Item, Prepared, OrderKey]] = {}
        self.features = Features()

    def get(self, row: int) -> tuple[Item, Prepared, OrderKey] | None:
        p = self.prepared.get(row)
        if p is None:
            item = self.items.get(row)
            if item is None:
                return None
            p = self.prepared[row] = (item, prepare(item.text), time_order(item))
        return p

    def gate(self, rows: list[int]) -> None:
        """Prepare these rows and give their features to the gate."""
        self.features.add([(r, p[1], p[0]) for r in rows if (p := self.get(r)) is not None])


def _relate(near: _Held, far: _Held, pa: np.ndarray, pb: np.ndarray, t: Thresholds,
            out: list[tuple[Link, Item, Item]], versions_only: bool,
            done: Callable[[int], object] | None, gated: bool) -> None:
    for k in range(0, pa.size, _TOLD):
        ia, ib = pa[k:k + _TOLD], pb[k:k + _TOLD]
        if versions_only and not gated:
            # Pairs weeks apart that `compare` would let go at its gate are let go here, many
            # at once (`far_gate`): most pairs of a journal spanning years.
            near.gate(sorted_unique(ia).tolist())
            far.gate(sorted_unique(ib).tolist())
            known = np.fromiter((r in near.features.slot and q in far.features.slot
                                 for r, q in zip(ia.tolist(), ib.tolist(), strict=True)),
                                dtype=bool, count=ia.size)
            ia, ib = ia[known], ib[known]
            keep = ~let_go(near.features, ia.tolist(), far.features, ib.tolist(), t)
            ia, ib = ia[keep], ib[keep]
        for i, j in zip(ia.tolist(), ib.tolist(), strict=True):
            x, y = near.get(i), far.get(j)
            if x is not None and y is not None:
                link = relate(x[0], x[1], y[0], y[1], t, versions_only, (x[2], y[2]))
                if link is not None:
                    out.append((link, x[0], y[0]) if link.a == x[0].id else (link, y[0], x[0]))
        if done is not None:
            done(min(_TOLD, pa.size - k))


def gate_features(items: dict[int, Item]) -> Features:
    """What `far_gate` reads of these clips (keys: their rows), each prepared once."""
    f = Features()
    f.add([(r, prepare(item.text), item) for r, item in items.items()])
    return f


def gate_pairs(f: Features, cx: np.ndarray, cy: np.ndarray, t: Thresholds,
               done: Callable[[int], object] | None = None) -> np.ndarray:
    """For each pair of clip numbers of `f` (cx[k], cy[k]; -1: a clip not in `f`): False
    when `compare(..., versions_only=True)` would find no version (`far_gate.let_go`), True
    when it has to say; `done` is told how many pairs each step let go."""
    keep = np.ones(cx.size, dtype=bool)
    for k in range(0, cx.size, _TOLD):
        x, y = cx[k:k + _TOLD], cy[k:k + _TOLD]
        known = np.flatnonzero((x >= 0) & (y >= 0))
        gone = known[let_go_at(f, x[known], f, y[known], t)]
        keep[k + gone] = False
        if done is not None:
            done(gone.size)
    return keep
