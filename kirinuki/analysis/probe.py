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

from kirinuki.analysis.candidates import Candidate, best_candidates
from kirinuki.analysis.lsh import DEFAULT_PARAMS, EMPTY, SIG_DTYPE, LshParams, Sketches, estimate
from kirinuki.analysis.shared_keys import SENTENCE_CAP
from kirinuki.analysis.word_keys import WORD_CAP


class _Lookup:
    """`in` from `[]`: a clip id is in when looking it up raises no KeyError."""

    def __getitem__(self, clip_id: int) -> int:
        raise NotImplementedError

    def __contains__(self, clip_id: object) -> bool:
        try:
            self[clip_id]  # type: ignore[index]
        except (KeyError, TypeError):
            return False
        return True


class _RowOf(_Lookup):
    """Clip id -> row, by bisection of the sorted ids (making a dict of them all was slow)."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def __getitem__(self, clip_id: int) -> int:
        i = bisect_left(self.ids, clip_id)
        if i == len(self.ids) or self.ids[i] != clip_id:
            raise KeyError(clip_id)
        return i


class SketchScan:
    """Every sketch with its keys (exact, masked, bands), probed column by column. A band is
    compared as its three signature bytes packed in one integer: equal bytes make equal band
    keys, and computing the 64-bit band keys of every row cost much more."""

    def __init__(self, sketches: Sketches, ids: list[int], params: LshParams = DEFAULT_PARAMS,
                 cap: int = 64) -> None:
        self.sketches = sketches
        self.ids = ids  # sorted; row i is the sketch of clip ids[i]
        self.row_of = _RowOf(ids)
        self.cap = cap
        n, bands, rows = len(sketches), params.bands, params.rows
        packed = np.zeros((n, bands, 4), dtype=np.uint8)
        packed[:, :, :rows] = sketches.sigs.reshape(n, bands, rows)
        # Column-major: each probe compares whole columns, faster than strided ones.
        self.bands = np.asfortranarray(packed.view("<u4").reshape(n, bands))
        self.text_keys = np.asfortranarray(sketches.keys)
        self.empty = (sketches.sigs == EMPTY).all(axis=1)
        self.shared: tuple[np.ndarray, np.ndarray] | None = None  # `shared_columns`, when needed

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
        rows = others(np.concatenate(members), row)
        if not rows.size:
            return []
        return best_candidates(rows, estimate(self.sketches.sigs[rows], self.sketches.sigs[row]),
                               members, limit, min_estimate)

    def _shared_rows(self, row: int, words: bool, cap: int) -> set[int]:
        if self.shared is None:  # column by column, as the bands are compared
            self.shared = shared_columns(self.sketches)
        block = self.shared[words]
        out: set[int] = set()
        for k in block[:, row].tolist():
            if k:
                found = np.flatnonzero((block == k).any(axis=0))
                if found.size <= cap:
                    out.update(found.tolist())
        return out

    def sentence_rows(self, row: int) -> set[int]:
        """Rows sharing a sentence key with `row` (`DuplicateIndex.sentence_rows`)."""
        return self._shared_rows(row, False, SENTENCE_CAP)

    def word_rows(self, row: int) -> set[int]:
        """Rows sharing a word key with `row` (`DuplicateIndex.word_rows`)."""
        return self._shared_rows(row, True, WORD_CAP)


def pack_columns(sketches: Sketches, params: LshParams = DEFAULT_PARAMS,
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(bands, text keys) one column per row of the result: (bands, n) uint32 packed band bytes
    (little-endian, as `SketchScan` packs them) and (2, n) int64 keys, the layout `PartScan`
    reads (and the sketch cache stores). The signature is transposed first: building the
    packed bands from its contiguous rows takes half the time of packing row-major and
    transposing."""
    rows = params.rows
    sig_t = np.ascontiguousarray(sketches.sigs.T)
    bands = sig_t[0::rows].astype(np.uint32)
    for k in range(1, rows):
        bands |= sig_t[k::rows].astype(np.uint32) << np.uint32(8 * k)
    return bands, np.ascontiguousarray(sketches.keys.T)


class Part:
    """Sketches of some clips (ids sorted or not), their columns, and which rows count.
    Without `sigs` (the sketch cache does not store them) a row's signature is read back from
    its packed band bytes, which hold every byte of it. `sents` (SENTENCE_SLOTS, n) and
    `words` (WORD_SLOTS, n): the sentence and word keys, one column per row."""

    def __init__(self, ids: np.ndarray, sigs: np.ndarray | None, bands: np.ndarray,
                 keys: np.ndarray, alive: np.ndarray | None, sents: np.ndarray,
                 words: np.ndarray, params: LshParams = DEFAULT_PARAMS) -> None:
        self.ids, self.sigs, self.bands, self.keys, self.alive = ids, sigs, bands, keys, alive
        self.sents, self.words = sents, words
        self.rows = params.rows

    def sig(self, row: int) -> np.ndarray:
        """The signature of `row`."""
        if self.sigs is not None:
            stored: np.ndarray = self.sigs[row]
            return stored
        packed = np.ascontiguousarray(self.bands[:, row], dtype="<u4").view(np.uint8)
        sig: np.ndarray = packed.reshape(-1, 4)[:, : self.rows].reshape(-1)
        return sig

    def carriers(self, column: np.ndarray, key: int) -> np.ndarray:
        """Clip ids of the live rows whose `column` holds `key`."""
        found = np.flatnonzero(column == key)
        if self.alive is not None and found.size:
            found = found[self.alive[found]]
        return self.ids[found]


class PartScan:
    """`SketchScan` over a stored part (the sketch cache of a published site, some rows of which
    are dead: their entries changed since) and the sketches read fresh for the entries that
    changed. Rows are clip ids; the members of a key are the newest `cap` live clips carrying
    it, in clip id order, as the index counts them, so the candidates are `SketchScan`'s."""

    def __init__(self, base: Part, extra_ids: list[int], extra: Sketches,
                 params: LshParams = DEFAULT_PARAMS, cap: int = 64) -> None:
        bands, keys = pack_columns(extra, params)
        self.parts = [base, Part(np.asarray(extra_ids, dtype=np.int64), extra.sigs, bands,
                                  keys, None, *shared_columns(extra), params)]
        self.cap, self.hashes = cap, params.hashes
        self.ids = _Same()
        self.row_of = _Live(self)
        self._extra = {c: i for i, c in enumerate(extra_ids)}

    def _sigs(self, clip_ids: np.ndarray) -> np.ndarray:
        base, extra = self.parts
        out = np.empty((clip_ids.size, self.hashes), dtype=SIG_DTYPE)
        for k, c in enumerate(clip_ids.tolist()):
            i = self._extra.get(c)
            out[k] = extra.sig(i) if i is not None else base.sig(_live_row(base, c))
        return out

    def _members(self, clip_id: int) -> list[np.ndarray]:
        base, extra = self.parts
        i = self._extra.get(clip_id)
        part, row = (extra, i) if i is not None else (base, _live_row(base, clip_id))
        wanted = [(0, c, k) for c, k in enumerate(part.keys[:, row].tolist())]
        if not (part.sig(row) == EMPTY).all():
            wanted += [(1, c, k) for c, k in enumerate(part.bands[:, row].tolist())]
        out = []
        for kind, c, k in wanted:
            found = np.concatenate([p.carriers((p.keys if kind == 0 else p.bands)[c], k)
                                    for p in self.parts])
            out.append(np.sort(found)[-self.cap:])
        return out

    def candidates(self, clip_id: int, *, limit: int = 16, min_estimate: float = 0.0,
                   ) -> list[Candidate]:
        """Clips sharing keys with `clip_id` (itself left out), best first, as
        `SketchScan.candidates` ranks them (rows and candidates are clip ids)."""
        members = self._members(clip_id)
        found = others(np.concatenate(members), clip_id)
        if not found.size:
            return []
        probe = self._sigs(np.asarray([clip_id], dtype=np.int64))[0]
        return best_candidates(found, estimate(self._sigs(found), probe), members, limit,
                               min_estimate)


    def _shared_rows(self, clip_id: int, words: bool, cap: int) -> set[int]:
        """Live clips sharing a sentence key (or a word key) with `clip_id`, each key counted
        only when at most `cap` clips hold it."""
        base, extra = self.parts
        i = self._extra.get(clip_id)
        part, row = (extra, i) if i is not None else (base, _live_row(base, clip_id))
        out: set[int] = set()
        for k in (part.words if words else part.sents)[:, row].tolist():
            if k:
                found = np.concatenate([p.carriers(column, k) for p in self.parts
                                        for column in (p.words if words else p.sents)])
                if found.size <= cap:
                    out.update(found.tolist())
        return out

    def sentence_rows(self, clip_id: int) -> set[int]:
        """Live clips sharing a sentence key with `clip_id` (as `SketchScan.sentence_rows`)."""
        return self._shared_rows(clip_id, False, SENTENCE_CAP)

    def word_rows(self, clip_id: int) -> set[int]:
        """Live clips sharing a word key with `clip_id` (as `SketchScan.word_rows`)."""
        return self._shared_rows(clip_id, True, WORD_CAP)


def shared_columns(sketches: Sketches) -> tuple[np.ndarray, np.ndarray]:
    """(SENTENCE_SLOTS, n) int64 sentence keys and (WORD_SLOTS, n) uint32 word keys, one
    column per row (the layout `Part` reads and the sketch cache stores)."""
    return (np.ascontiguousarray(sketches.sentences().T),
            np.ascontiguousarray(sketches.word_keys().T.astype(np.uint32)))


def others(rows: np.ndarray, row: int) -> np.ndarray:
    """The distinct values of `rows` but `row`, sorted: `np.setdiff1d(rows, [row])` without
    its check for a masked array, which imports `numpy.ma` on first use (a one-entry
    publish probes once)."""
    out = np.sort(rows)
    keep = out != row
    keep[1:] &= out[1:] != out[:-1]
    found: np.ndarray = out[keep]
    return found


def _live_row(part: Part, clip_id: int) -> int:
    """The live row of `clip_id` in `part` (its ids sorted)."""
    i = int(np.searchsorted(part.ids, clip_id))
    if i == part.ids.size or part.ids[i] != clip_id or (
            part.alive is not None and not part.alive[i]):
        raise KeyError(clip_id)
    return i


class _Same:
    """Row -> clip id when rows are clip ids."""

    def __getitem__(self, row: int) -> int:
        return row


class _Live(_Lookup):
    """Clip id -> row (itself) for the live clips of a `PartScan`."""

    def __init__(self, scan: PartScan) -> None:
        self.scan = scan

    def __getitem__(self, clip_id: int) -> int:
        if clip_id not in self.scan._extra:
            _live_row(self.scan.parts[0], clip_id)  # raises KeyError when not live
        return clip_id

