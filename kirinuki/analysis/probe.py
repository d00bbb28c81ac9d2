"""Candidates for a few clips by a pass over every sketch, without building the index.

Building a `DuplicateIndex` of 500k sketches (every clip of a 100k-entry journal: 13M keys to
gather and sort) to probe the one clip of a new entry took 1.3 s, most of a one-entry publish.
Here the sketches are packed once (a band as its three signature bytes in one integer) and each
probe compares its 26 keys with whole columns: 0.1 s and a few ms a probe at 500k rows. The
candidates are the index's: the members of a key are the newest `cap` rows carrying it, rows
counted in the order of the sketches (clip id order, as the journal loads the index). Equal
band bytes give equal band keys; the converse fails only for a 64-bit hash collision (two
byte triples, or keys of two kinds, with one key), which the index would count as shared.
"""

from __future__ import annotations

from bisect import bisect_left

import numpy as np

from kirinuki.analysis.lsh import (
    DEFAULT_PARAMS,
    EMPTY,
    Candidate,
    LshParams,
    Sketches,
    best_candidates,
    estimate,
)


class _RowOf:
    """Clip id -> row, by bisection of the sorted ids (a dict of 500k ids took 60 ms)."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def __getitem__(self, clip_id: int) -> int:
        i = bisect_left(self.ids, clip_id)
        if i == len(self.ids) or self.ids[i] != clip_id:
            raise KeyError(clip_id)
        return i

    def __contains__(self, clip_id: object) -> bool:
        try:
            self[clip_id]  # type: ignore[index]
        except (KeyError, TypeError):
            return False
        return True


class SketchScan:
    """Every sketch with its keys (exact, masked, bands), probed column by column. A band is
    compared as its three signature bytes packed in one integer: equal bytes make equal band
    keys, and computing the 64-bit band keys of every row cost 0.25-0.4 s at 500k rows."""

    def __init__(self, sketches: Sketches, ids: list[int], params: LshParams = DEFAULT_PARAMS,
                 cap: int = 64) -> None:
        self.sketches = sketches
        self.ids = ids  # sorted; row i is the sketch of clip ids[i]
        self.row_of = _RowOf(ids)
        self.cap = cap
        n, bands, rows = len(sketches), params.bands, params.rows
        packed = np.zeros((n, bands, 4), dtype=np.uint8)
        packed[:, :, :rows] = sketches.sigs.reshape(n, bands, rows)
        # Column-major: each probe compares whole columns (3x faster than strided ones).
        self.bands = np.asfortranarray(packed.view("<u4").reshape(n, bands))
        self.text_keys = np.asfortranarray(sketches.keys)
        self.empty = (sketches.sigs == EMPTY).all(axis=1)

    def _members(self, row: int) -> list[np.ndarray]:
        """For each key of `row`, the newest `cap` rows carrying it (row included)."""
        cap = self.cap
        out = [np.flatnonzero(self.text_keys[:, c] == k)[-cap:]
               for c, k in enumerate(self.text_keys[row].tolist())]
        if not self.empty[row]:
            out += [np.flatnonzero(self.bands[:, c] == k)[-cap:]
                    for c, k in enumerate(self.bands[row].tolist())]
        return out
    def candidates(self, row: int, *, limit: int = 16, min_estimate: float = 0.0,
                   ) -> list[Candidate]:
        """Rows sharing keys with `row` (itself left out), best first (exact, masked,
        estimate): what `DuplicateIndex.candidates(sketches, row, exclude=row)` gives."""
        members = self._members(row)
        rows = np.setdiff1d(np.concatenate(members), [row])
        if not rows.size:
            return []
        return best_candidates(rows, estimate(self.sketches.sigs[rows], self.sketches.sigs[row]),
                               members, limit, min_estimate)
