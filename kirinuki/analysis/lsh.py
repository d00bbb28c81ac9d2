"""Sketches of clip text and an index that finds candidate near duplicates among millions.

A clip's sketch is two 64-bit keys and a MinHash signature, all from its normalised text:

* `exact`: the hash of the text (ignoring width, case, spacing and punctuation);
* `masked`: the hash of the text with every digit run masked (figures changed, same words);
* `sents`: up to `SENTENCE_SLOTS` keys of its sentences (`sentence_keys`), a second source of
  candidates for shared background: clips sharing a sentence are compared whatever their
  whole texts estimate (`DuplicateIndex.sentence_candidates`);
* `sig`: `params.hashes` MinHash values over the clip's *content bigrams* (bigrams with no
  hiragana, so particles and endings such as `ました` do not make unrelated clips look alike),
  each kept to its low 8 bits (b-bit MinHash; 88 bytes a clip with the keys): chance agreement
  (1/255) is corrected in `estimate`, band keys (24 bits) rarely collide, and the labelled sets
  score the same with 8, 16 or 32 bits (bench/analysis_eval.py). Every use sees these values.

The index maps keys (exact, masked and the signature's LSH band keys) to dense row numbers:
a sorted NumPy array built in bulk plus a dict of recent additions, merged when it grows, so
adding one clip costs a few dictionary operations. Candidates sharing a key are ranked by the
Jaccard similarity their signatures estimate; `duplicates.compare` decides what they are. A key
shared by more than `cap` rows keeps only the newest `cap` (boilerplate is common, and news
duplicates are close in time).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kirinuki.analysis.candidates import Candidate, best_candidates
from kirinuki.analysis.textnorm import mask_digits, normalise, normalise_parts
from kirinuki.text.lazyre import lazy_re

__all__ = ["mask_digits", "normalise"]  # re-exported: sketches are made of them

EXACT_SALT = b"kirinuki-exact"
MASKED_SALT = b"kirinuki-masked"
SENTENCE_SALT = b"kirinuki-sentence"
SENTENCE_SLOTS = 4  # sentence keys kept a clip: the smallest, so two clips keep shared ones alike
MIN_SENTENCE = 15  # normalised characters: shorter sentences are set phrases
SENTENCE_CAP = 16  # a sentence in more clips is boilerplate and pairs nothing
_SENTENCE = lazy_re(r"[^。！？!?\n]*(?:[。！？!?\n]+|$)")
SIG_DTYPE = np.uint8  # b-bit MinHash, b = 8
EMPTY = SIG_DTYPE(0xFF)  # no content bigram; never a real value (those are 0..0xFE)
_CHANCE = 1 / 255  # two unrelated values agree this often
_BLOCK = 1 << 16  # rows per block of stored signatures
_MATRIX_LIMIT = 1 << 20  # codes x hashes computed at once for small batches


@dataclass(frozen=True)
class LshParams:
    """MinHash banding: `bands` keys of `rows` hashes each (more rows: fewer, closer pairs)."""

    bands: int = 24
    rows: int = 3
    seed: int = 20220107

    @property
    def hashes(self) -> int:
        return self.bands * self.rows


DEFAULT_PARAMS = LshParams()


def key64(text: str, salt: bytes) -> int:
    """A stable signed 64-bit hash of `text` (SQLite stores signed integers); always odd, so it
    never collides with a band key, which is even and never 0. Two checksums make it: a rare
    collision only adds a candidate, which `compare` then rejects."""
    data = salt + text.encode("utf-8")
    value = (zlib.crc32(data) << 32) | zlib.adler32(data)
    return (value - (1 << 64) if value >= 1 << 63 else value) | 1


def _sentences(text: str) -> list[str]:
    """`text` cut after each sentence end and line end (the parts put together are the text)."""
    return [p for p in _SENTENCE.findall(text) if p]


def _sentence_keys(pieces: Sequence[str]) -> list[int]:
    """The `SENTENCE_SLOTS` smallest keys of the normalised sentences, ascending, 0-padded."""
    found = set()
    for piece in pieces:
        masked = mask_digits(piece)
        if len(masked) >= MIN_SENTENCE:
            found.add(key64(masked, SENTENCE_SALT))
    keys = sorted(found)[:SENTENCE_SLOTS]
    return keys + [0] * (SENTENCE_SLOTS - len(keys))


def sentence_keys(text: str) -> list[int]:
    """Keys of the sentences of `text` (normalised, digits masked, at least `MIN_SENTENCE`
    characters): the `SENTENCE_SLOTS` smallest, ascending, 0 for a slot left empty."""
    return _sentence_keys(normalise_parts(text, _sentences(text))[1])


@dataclass
class Sketches:
    """Sketches of n texts: `keys` (n, 2) int64 exact and masked keys, `sigs` (n, H) uint8,
    `sents` (n, SENTENCE_SLOTS) int64 sentence keys (None: none known, as all 0)."""

    keys: np.ndarray
    sigs: np.ndarray
    sents: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.keys.shape[0])

    def sentences(self) -> np.ndarray:
        """The sentence keys, (n, SENTENCE_SLOTS), 0 where none."""
        if self.sents is None:
            return np.zeros((len(self), SENTENCE_SLOTS), dtype=np.int64)
        return self.sents

    def row_bytes(self, i: int) -> bytes:
        """Sketch `i` as bytes, for storage."""
        keys: bytes = self.keys[i].astype("<i8").tobytes()
        sents: bytes = self.sentences()[i].astype("<i8").tobytes()
        sigs: bytes = self.sigs[i].astype("<u1").tobytes()
        return keys + sents + sigs

    @classmethod
    def from_bytes(cls, blobs: Sequence[bytes], params: LshParams = DEFAULT_PARAMS,
                   ) -> Sketches:
        """Sketches stored by `row_bytes` (all made with the same `params`)."""
        head = 16 + 8 * SENTENCE_SLOTS
        width = head + params.hashes
        data = b"".join(blobs)
        if len(data) != width * len(blobs):
            raise ValueError("sketch of the wrong size")
        raw = np.frombuffer(data, dtype=np.uint8).reshape(len(blobs), width)
        keys = raw[:, :head].copy().view("<i8").astype(np.int64, copy=False)
        keys = keys.reshape(len(blobs), 2 + SENTENCE_SLOTS)
        sigs = np.ascontiguousarray(raw[:, head:]).astype(SIG_DTYPE, copy=False)
        return cls(np.ascontiguousarray(keys[:, :2]), sigs.reshape(len(blobs), params.hashes),
                   np.ascontiguousarray(keys[:, 2:]))


class _Hasher:
    """The MinHash permutations of one parameter set (multiply-shift on 64-bit codes)."""

    def __init__(self, params: LshParams) -> None:
        rng = np.random.default_rng(params.seed)
        self.params = params
        self.a = rng.integers(1, 2**63, size=params.hashes, dtype=np.uint64) | np.uint64(1)
        self.b = rng.integers(0, 2**63, size=params.hashes, dtype=np.uint64)
        self.band_mix = rng.integers(1, 2**63, size=(params.bands, params.rows),
                                     dtype=np.uint64) | np.uint64(1)

    def signatures(self, masked: Sequence[str]) -> np.ndarray:
        """(n, hashes) 8-bit MinHash signatures of the texts' content bigrams: the low 8 bits
        of each 32-bit minimum, 0xFF folded onto 0xFE so it stays EMPTY (no bigram)."""
        n, hashes = len(masked), self.params.hashes
        sigs = np.full((n, hashes), EMPTY, dtype=SIG_DTYPE)
        if not n:
            return sigs
        cp = np.frombuffer(("\x00".join(masked) + "\x00").encode("utf-32-le"), dtype=np.uint32)
        cp = cp.astype(np.uint64)
        hira = (cp >= 0x3041) & (cp <= 0x309F)
        sep = cp == 0
        doc = np.cumsum(sep) - sep  # the text each position belongs to
        ok = ~(hira[:-1] | hira[1:] | sep[:-1] | sep[1:])
        codes = ((cp[:-1] << np.uint64(21)) | cp[1:])[ok] * np.uint64(0x9E3779B97F4A7C15)
        doc = doc[:-1][ok]
        if codes.size == 0:
            return sigs
        starts = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]])
        if codes.size * hashes <= _MATRIX_LIMIT:  # few texts: all hashes in one operation
            h = ((codes[:, None] * self.a + self.b) >> np.uint64(32)).astype(np.uint32)
            out = np.minimum.reduceat(h, starts, axis=0)
        else:
            out = np.empty((starts.size, hashes), dtype=np.uint32)
            for k in range(hashes):
                h1 = ((codes * self.a[k] + self.b[k]) >> np.uint64(32)).astype(np.uint32)
                out[:, k] = np.minimum.reduceat(h1, starts)
        low = (out & np.uint32(0xFF)).astype(SIG_DTYPE)
        low[low == EMPTY] = EMPTY - 1
        sigs[doc[starts]] = low
        return sigs

    def band_keys(self, sigs: np.ndarray) -> np.ndarray:
        """(n, bands) int64 band keys of signatures; 0 where the signature is empty."""
        p = self.params
        acc = np.zeros((sigs.shape[0], p.bands), dtype=np.uint64)
        for r in range(p.rows):
            acc = (acc ^ sigs[:, r :: p.rows].astype(np.uint64)) * self.band_mix[:, r]
        acc &= ~np.uint64(1)
        acc[acc == 0] = 2
        acc[(sigs == EMPTY).all(axis=1)] = 0
        return acc.view(np.int64)


_HASHERS: dict[LshParams, _Hasher] = {}


def _hasher(params: LshParams) -> _Hasher:
    h = _HASHERS.get(params)
    if h is None:
        h = _HASHERS[params] = _Hasher(params)
    return h


def sketch_texts(texts: Sequence[str], params: LshParams = DEFAULT_PARAMS) -> Sketches:
    """The sketches of `texts` (vectorised: pass many texts at once)."""
    norm, found = [], []
    for t in texts:  # the whole and its sentences in one pass; the sentences are not kept
        whole, pieces = normalise_parts(t, _sentences(t))
        norm.append(whole)
        found.append(_sentence_keys(pieces))
    masked = [mask_digits(t) for t in norm]
    keys = np.empty((len(texts), 2), dtype=np.int64)
    keys[:, 0] = [key64(t, EXACT_SALT) for t in norm]
    keys[:, 1] = [key64(t, MASKED_SALT) for t in masked]
    sents = np.array(found, dtype=np.int64).reshape(len(texts), SENTENCE_SLOTS)
    return Sketches(keys, _hasher(params).signatures(masked), sents)


def sentence_pairs(sents: np.ndarray, cap: int = SENTENCE_CAP) -> np.ndarray:
    """Sorted distinct codes (a << 32 | b, a < b) of the rows sharing a sentence key held by
    at most `cap` rows."""
    flat = sents.reshape(-1)
    pos = np.flatnonzero(flat != 0)
    keys = flat[pos]
    order = np.argsort(keys, kind="stable")
    codes = group_pairs(keys[order], pos[order] // sents.shape[1], cap)
    out: np.ndarray = codes[(codes >> 32) != (codes & 0xFFFFFFFF)]
    return out


def sentence_members(sents: np.ndarray, row_keys: Sequence[int], cap: int = SENTENCE_CAP,
                     ) -> list[np.ndarray]:
    """For each nonzero key of `row_keys`, the rows of `sents` carrying it (none when more than
    `cap` do: boilerplate)."""
    out = []
    for k in row_keys:
        if k:
            found = np.flatnonzero((sents == k).any(axis=1))
            out.append(found if found.size <= cap else found[:0])
    return out


def estimate(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of content bigrams, row by row (0 for empty signatures)."""
    same = (sig_a == sig_b) & (sig_a != EMPTY)
    est: np.ndarray = np.clip((same.mean(axis=-1) - _CHANCE) / (1 - _CHANCE), 0.0, 1.0)
    return est


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (NumPy's hash-based unique is slower on large int arrays)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if values.size else values


def group_pairs(keys: np.ndarray, rows: np.ndarray, cap: int, band_only: bool = False,
                ) -> np.ndarray:
    """Sorted distinct codes (a << 32 | b, a < b) of every two rows sharing a key, for keys
    sorted stably; a group of more than `cap` rows is boilerplate and pairs nothing
    (`band_only`: only band keys, which are even)."""
    same = keys[1:] == keys[:-1]
    starts = np.flatnonzero(np.r_[True, ~same])
    sizes = np.diff(np.r_[starts, keys.size])
    wanted = same & np.repeat(sizes <= cap, sizes)[1:]
    pos = np.flatnonzero(wanted & (keys[1:] & 1 == 0) if band_only else wanted)
    found: list[np.ndarray] = [np.empty(0, dtype=np.int64)]
    d = 1
    while pos.size:
        a, b = rows[pos], rows[pos + d]
        found.append((np.minimum(a, b) << 32) | np.maximum(a, b))
        d += 1
        pos = pos[pos + d < keys.size]
        pos = pos[keys[pos + d] == keys[pos]]
    return _sorted_unique(np.concatenate(found))


class DuplicateIndex:
    """Keys of sketches → dense row numbers (0, 1, … in the order rows were added)."""

    def __init__(self, params: LshParams = DEFAULT_PARAMS, cap: int = 64,
                 merge_at: int = 100_000) -> None:
        self.params = params
        self.cap = cap
        self.merge_at = merge_at
        self._hasher = _hasher(params)
        self._keys = np.empty(0, dtype=np.int64)  # sorted by (key, row)
        self._rows = np.empty(0, dtype=np.int64)
        self._recent: dict[int, list[int]] = {}
        self._recent_size = 0
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []  # bulk additions not yet sorted
        # Signatures in fixed-size blocks: growing never copies what is stored.
        self._blocks: list[np.ndarray] = []
        self._sents: list[np.ndarray] = []  # sentence keys, part by part in row order
        self.size = 0
        self._scanned = 0  # keys looked up in the unsorted additions

    def _all_keys(self, sk: Sketches) -> np.ndarray:
        return np.concatenate([sk.keys, self._hasher.band_keys(sk.sigs)], axis=1)

    def _grow(self, sigs: np.ndarray) -> None:
        """Store the signatures of rows size .. size + len(sigs) - 1."""
        row, done = self.size, 0
        while done < sigs.shape[0]:
            block, at = divmod(row, _BLOCK)
            if block == len(self._blocks):
                self._blocks.append(np.empty((_BLOCK, self.params.hashes), dtype=SIG_DTYPE))
            take = min(_BLOCK - at, sigs.shape[0] - done)
            self._blocks[block][at:at + take] = sigs[done:done + take]
            row, done = row + take, done + take

    def signatures(self, rows: np.ndarray) -> np.ndarray:
        """The stored signatures of `rows`."""
        rows = np.asarray(rows, dtype=np.int64)
        out = np.empty((rows.size, self.params.hashes), dtype=SIG_DTYPE)
        blocks = rows // _BLOCK
        for b in np.unique(blocks).tolist():
            sel = blocks == b
            out[sel] = self._blocks[b][rows[sel] % _BLOCK]
        return out

    def add_many(self, sk: Sketches) -> range:
        """Add many sketches in one sort; returns their row numbers."""
        first = self.size
        keys = self._all_keys(sk)
        rows = np.repeat(np.arange(first, first + len(sk), dtype=np.int64), keys.shape[1])
        flat = keys.reshape(-1)
        keep = flat != 0
        self._pending.append((flat[keep], rows[keep]))
        self._sents.append(sk.sentences())
        self._grow(sk.sigs)
        self.size += len(sk)
        return range(first, self.size)

    def add(self, sk: Sketches, i: int = 0) -> int:
        """Add sketch `i` of `sk`; returns its row number."""
        row = self.size
        for key in self._all_keys(Sketches(sk.keys[i:i + 1], sk.sigs[i:i + 1]))[0].tolist():
            if key:
                self._recent.setdefault(key, []).append(row)
                self._recent_size += 1
        self._sents.append(sk.sentences()[i:i + 1])
        self._grow(sk.sigs[i:i + 1])
        self.size += 1
        if self._recent_size >= max(self.merge_at, self._keys.size // 10):
            self._merge()
        return row

    def freeze(self) -> None:
        """Sort pending additions into the index now (otherwise the first query does it)."""
        self._merge()

    def _merge(self) -> None:
        parts_k, parts_r = [self._keys], [self._rows]
        for keys, rows in self._pending:
            parts_k.append(keys)
            parts_r.append(rows)
        self._pending = []
        if self._recent:
            parts_k.append(np.fromiter((k for k, v in self._recent.items() for _ in v),
                                       dtype=np.int64))
            parts_r.append(np.fromiter((r for v in self._recent.values() for r in v),
                                       dtype=np.int64))
            self._recent, self._recent_size = {}, 0
        if len(parts_k) == 1:
            return
        all_k, all_r = np.concatenate(parts_k), np.concatenate(parts_r)
        # Parts come in row order (the sorted main array holds the oldest rows), so a stable
        # sort by key alone keeps rows ascending within a key.
        order = np.argsort(all_k, kind="stable")
        self._keys, self._rows = all_k[order], all_r[order]

    def sentences(self) -> np.ndarray:
        """The sentence keys of every row, (size, SENTENCE_SLOTS)."""
        if len(self._sents) != 1:
            self._sents = [np.concatenate(self._sents) if self._sents
                           else np.zeros((0, SENTENCE_SLOTS), dtype=np.int64)]
        return self._sents[0]

    def _members(self, keys: list[int]) -> list[list[int]]:
        """For each key, the newest `cap` rows carrying it."""
        pending: dict[int, list[int]] = {}
        if self._pending and self._scanned + len(keys) <= 120:
            # Few probes into a fresh index (one new entry's clips): a pass over the unsorted
            # additions instead of sorting them all.
            self._scanned += len(keys)
            want = np.asarray(keys, dtype=np.int64)
            for part_k, part_r in self._pending:
                hit = np.isin(part_k, want)
                for k, r in zip(part_k[hit].tolist(), part_r[hit].tolist(), strict=True):
                    pending.setdefault(k, []).append(r)
        elif self._pending:
            self._merge()
        arr = np.asarray(keys, dtype=np.int64)
        lo = np.searchsorted(self._keys, arr, "left").tolist()
        hi = np.searchsorted(self._keys, arr, "right").tolist()
        out: list[list[int]] = []
        for key, a, b in zip(keys, lo, hi, strict=True):
            members = self._rows[max(a, b - self.cap):b].tolist() if b > a else []
            members.extend(pending.get(key, ()))
            members.extend(self._recent.get(key, ()))
            out.append(members[-self.cap:])
        return out

    def candidates(self, sk: Sketches, i: int = 0, *, limit: int = 16, min_estimate: float = 0.0,
                   exclude: int | None = None) -> list[Candidate]:
        """Rows sharing keys with sketch `i` of `sk`, best first (exact, masked, estimate)."""
        one = Sketches(sk.keys[i:i + 1], sk.sigs[i:i + 1])
        keys = self._all_keys(one)[0].tolist()
        members = self._members([k for k in keys if k])
        rows = np.fromiter({r for group in members for r in group} - {exclude}, dtype=np.int64)
        if not rows.size:
            return []
        return best_candidates(rows, estimate(self.signatures(rows), one.sigs[0]), members,
                               limit, min_estimate)

    def _raw_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Codes (a << 32 | b) of rows sharing a band key, and of rows sharing a text key.

        A text key shared by many rows links each row to the one before it; a band key shared
        by more than `cap` rows is boilerplate and links nothing.
        """
        self._merge()
        keys, rows = self._keys, self._rows
        same = keys[1:] == keys[:-1]
        chain = np.flatnonzero(same & (keys[1:] & 1 == 1))
        text_codes = (rows[chain] << 32) | rows[chain + 1]
        band = group_pairs(keys, rows, self.cap, band_only=True)
        return _sorted_unique(np.concatenate([text_codes, band])), text_codes

    def candidate_pairs(self, min_estimate: float = 0.0, per_row: int = 16,
                        ) -> tuple[np.ndarray, np.ndarray]:
        """Candidate pairs over the whole index: an (m, 2) array of rows (a < b), keeping the
        `per_row` best pairs of each later row b, and the estimate of each pair (1.0 for pairs
        sharing their text or masked text)."""
        code, text_codes = self._raw_pairs()
        pairs = np.stack([code >> 32, code & 0xFFFFFFFF], axis=1)
        est = np.concatenate([estimate(self.signatures(pairs[s:s + 65536, 0]),
                                       self.signatures(pairs[s:s + 65536, 1]))
                              for s in range(0, len(pairs), 65536)] or [np.empty(0)])
        est[np.isin(code, text_codes, kind="sort")] = 1.0
        keep = (est >= min_estimate) & (pairs[:, 0] != pairs[:, 1])
        pairs, est = pairs[keep], est[keep]
        order = np.lexsort((-est, pairs[:, 1]))
        pairs, est = pairs[order], est[order]
        first = np.r_[0, np.flatnonzero(pairs[1:, 1] != pairs[:-1, 1]) + 1]
        rank = np.arange(len(pairs)) - np.repeat(first, np.diff(np.r_[first, len(pairs)]))
        keep = rank < per_row
        return pairs[keep], est[keep]

    def sentence_candidates(self, pairs: np.ndarray) -> np.ndarray:
        """Rows (m, 2), a < b, sharing a sentence (`sentence_pairs`) but not among `pairs`
        ((k, 2) rows, as `candidate_pairs` gives them): candidates for shared background."""
        more = sentence_pairs(self.sentences())
        if pairs.size:
            more = more[~np.isin(more, (pairs[:, 0] << 32) | pairs[:, 1], kind="sort")]
        return np.stack([more >> 32, more & 0xFFFFFFFF], axis=1)

    def sentence_rows(self, sk: Sketches, i: int = 0) -> set[int]:
        """Rows sharing a sentence with sketch `i` of `sk` (as `sentence_pairs` pairs them)."""
        shared = sentence_members(self.sentences(), sk.sentences()[i].tolist())
        return {int(r) for group in shared for r in group}
