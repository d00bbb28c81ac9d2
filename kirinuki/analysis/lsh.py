"""Sketches of clip text and an index that finds candidate near duplicates among millions.

A clip's sketch is two 64-bit keys and a MinHash signature, all from its normalised text:

* `exact`: the hash of the text (ignoring width, case, spacing and punctuation);
* `masked`: the hash of the text with every digit run masked (figures changed, same words);
* `sents`: up to `SENTENCE_SLOTS` keys of its sentences (`sentence_keys`), a second source of
  candidates for shared background: clips sharing a sentence are compared whatever their
  whole texts estimate (`DuplicateIndex.sentence_candidates`);
* `words`: up to `WORD_SLOTS` keys of its longest words (`analysis/word_keys.py`), a third
  source of candidates, for reworded versions (`DuplicateIndex.word_candidates`);
* `sig`: `params.hashes` MinHash values over the clip's *content bigrams* (bigrams with no
  hiragana, so particles and endings such as `ました` do not make unrelated clips look alike),
  each kept to its low 8 bits (b-bit MinHash; 88 bytes a clip with the text keys): chance agreement
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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kirinuki.analysis.candidates import Candidate, best_candidates
from kirinuki.analysis.shared_keys import (
    MIN_SENTENCE,
    SENTENCE_CAP,
    SENTENCE_SLOTS,
    KeyLookup,
    group_pairs,
    key64,
    keys_of_sentences,
    sentence_keys,
    sentences,
    shared_pairs,
    sorted_unique,
)
from kirinuki.analysis.textnorm import mask_digits, normalise, normalise_parts
from kirinuki.analysis.word_keys import WORD_CAP, WORD_SLOTS, word_matrix

# Re-exported: sketches are made of them.
__all__ = ["MIN_SENTENCE", "SENTENCE_CAP", "key64", "mask_digits", "normalise", "sentence_keys",
           "shared_pairs"]

EXACT_SALT = b"kirinuki-exact"
MASKED_SALT = b"kirinuki-masked"
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


@dataclass
class Sketches:
    """Sketches of n texts: `keys` (n, 2) int64 exact and masked keys, `sigs` (n, H) uint8,
    `sents` (n, SENTENCE_SLOTS) int64 sentence keys, `words` (n, WORD_SLOTS) int64 word keys
    (None: none known, as all 0)."""

    keys: np.ndarray
    sigs: np.ndarray
    sents: np.ndarray | None = None
    words: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.keys.shape[0])

    def sentences(self) -> np.ndarray:
        """The sentence keys, (n, SENTENCE_SLOTS), 0 where none."""
        if self.sents is None:
            return np.zeros((len(self), SENTENCE_SLOTS), dtype=np.int64)
        return self.sents

    def word_keys(self) -> np.ndarray:
        """The word keys, (n, WORD_SLOTS), 0 where none."""
        if self.words is None:
            return np.zeros((len(self), WORD_SLOTS), dtype=np.int64)
        return self.words

    def row_bytes(self, i: int) -> bytes:
        """Sketch `i` as bytes, for storage."""
        keys: bytes = self.keys[i].astype("<i8").tobytes()
        sents: bytes = self.sentences()[i].astype("<i8").tobytes()
        sigs: bytes = self.sigs[i].astype("<u1").tobytes()
        words: bytes = self.word_keys()[i].astype("<u4").tobytes()
        return keys + sents + sigs + words

    @classmethod
    def from_bytes(cls, blobs: Sequence[bytes], params: LshParams = DEFAULT_PARAMS,
                   ) -> Sketches:
        """Sketches stored by `row_bytes` (all made with the same `params`); a sketch stored
        before word keys (`4 * WORD_SLOTS` bytes shorter) reads as one without them, alone or
        among newer ones. Raises ValueError for blobs of another size."""
        head = 16 + 8 * SENTENCE_SLOTS
        width = head + params.hashes
        data = b"".join(blobs)
        tail = 4 * WORD_SLOTS
        if len(data) == width * len(blobs) and blobs:
            tail = 0
        elif len(data) != (width + tail) * len(blobs):
            if any(len(b) not in (width, width + tail) for b in blobs):
                raise ValueError("sketch of the wrong size")
            data = b"".join(b if len(b) == width + tail else b + bytes(tail) for b in blobs)
        raw = np.frombuffer(data, dtype=np.uint8).reshape(len(blobs), width + tail)
        keys = raw[:, :head].copy().view("<i8").astype(np.int64, copy=False)
        keys = keys.reshape(len(blobs), 2 + SENTENCE_SLOTS)
        sigs = np.ascontiguousarray(raw[:, head:width]).astype(SIG_DTYPE, copy=False)
        words = (raw[:, width:].copy().view("<u4").astype(np.int64).reshape(len(blobs), WORD_SLOTS)
                 if tail else None)
        return cls(np.ascontiguousarray(keys[:, :2]), sigs.reshape(len(blobs), params.hashes),
                   np.ascontiguousarray(keys[:, 2:]), words)


# The default parameters' permutations (`a`, `b`, `band_mix` as little-endian uint64, in
# base64), as `_Hasher.seeded` draws them from the seed: kept here so that sketching a few
# clips does not import numpy.random (tests/analysis compares the two).
_DEFAULT_TABLE = (
    "/foHAVCxym2JfradLMTuRjdpp9NS91EsO8DKIP6EUV8bUz1oaadvT4eyc9FN7IZ0wUHH6r8r7j5rBZBoT8RTFPWM"
    "YY4g/Z9O33SkkqO4qhGNsaXI9A84J3HiWo5XrSBDdwGnLFVtmUov3hzgRWDWcP0wZ1/FJUw8D8afnb6tnDU71SPt"
    "mVXLLp8nlvlz0S5uRWPmiqSQ1GprAzNfy6Z2Gsc/iLfeXq8El3CC9HgZyToblPvYy20wFlcY+3818iATGyJhldyH"
    "sGPb3FJq3h1jJDdGbN0aw0Vmb62uNBB5U0DVldEruE48Bc2UWdJSfoIH5bZCJ04EN0t3Qd8TobVPLAt965B6odFx"
    "EweSFONY6kk7x+eJOnrKOLc8/BNFjdJkAWUaaG5B9EAPbI72MlTyNilX/SRXwMQpn6T22z8JbVAf7NWJD3EoFoXF"
    "Jz9fu1Ff65ISwb1HKScNAq96Pw7JCAu2RruDEuAzuzCEPsFo70tNNifW9o26BQ1O2xhOtTxMxSHcqWswfUM5bqCQ"
    "yfTSKJPC27NilwQ+ewP7XAzp43bP8gnKeVx2ExkSzq3W3vIoF8ne1xX+Uhz5oDghGtxLLVenNTTLMa5G88aOQaNN"
    "hi3nLQNXqk5LLx+B2N16d8cDt2uuEayXzFR9wx56P43/NmclayjONmJwKfHRa/bz5DcDhc7wqPlAe6/sP2jyNLFS"
    "wQuPrv3Zh2PvMt3GuTEbF9k03h7Se70rCUYr2jtjtyk3YymUihvmYB/5dI89gTg/k/08KjGVkRYyMu2DLlQIAsui"
    "rlytrlt3Vw+01LE8SjPS0uqQfgJcZjG6Kb/uEFdqlEqQmyjZ423b1cgnQeFLQwVpt6mNr2xqPk6WVzna+nEyCQLK"
    "Y9ykCZXlrmjyg6E14OhHPPDUQgrjup1uYTXmB5TQa5l/Rwlq7hTllhkrEUK8w5Z8+qRHfA3pdzngThgXm05gm5Mo"
    "3FZaPUwTdmvqPUavkelN7EsAmutzwKQfhDP6oWJPge47DX+jI0sZ4kw7PgBdrQ7yhGyAQ8KGe2S6JHM+SlI1wHkj"
    "O8MQElEprlX14jnhc4D7XQ8L2akiyqYoD8Qg42Ll1CiBuNmjYffJImgUhvHKjeQLIJT2x+UJYAC3GItdbN6NIBsJ"
    "KbBWjLplg/mOQ2QCXwTq1hbeJk4kbwE9cEHWs4AZLR9UDMnTPQwou76GVxvtHP2FjDTjYYIkoJQ0UpWGuXBcT+cc"
    "uj9OCKPejM7kvL0Ga21DTBChFAnKfRawyNH6ZHB2D6CAmk492t7ENGahNk4i0RmR+EQ2UZf8YS86UIZfCcYA+5z6"
    "xyLNVNhLbeecYHZ2gWl5/8whQgrMtRZjzFFb6ZKe95qHQ/olj/0ZNRpYu8eaZxT9okh5lO1AnslQBQRTeTl7/Og8"
    "zKGlAVNM+zO5eGr2I34aCU+iqvHdQqdaVDxZT3Ge/VwMdtHEkeXedkWdFccPaoYbVbe3DBCM6TMldxnIVDBCX4tA"
    "RNettUBvbi24ETcKGnJ9dvx3B42cfxSMphgOXGpuqWFyWTNVuA49b7xSCa5JTIPK4b25jrgSIbi54t7EKAx1JF89"
    "MvryezPy5CBO2R1hj3yXS5SVRkqTKeZ4Ch9+Y6O7KDY+pn0Wr5pS4UIrijUXcgdIdapfcfdO9Zp+Cz5jlzMW4MrC"
    "sC/h7UfDH/mSFbutO+068mpSg1UC0eMnhXSVKzY8YFwbfdlx3SJ6emMpCX9ypWb0mnofqRhJGV46HnPOCRmzv4Fg"
    "UY13VLi6LHw/K3sQmd+TMjc+4bivLWQice/U//QItz6Hk1INYa/dCLlMBmkmXJNS/a8Nd7u80m7D5rv8z+H3V1/R"
    "qMd3TRAp1xH7wGdmnVwho1RVJ0QxY7uTggzgDwU0VzIITH5QsHYL4XB59EwmbFnItM0amIwLn94SZdMA7WP3tKIg"
    "YWTiUZPZ1elOBxol+VC9LStw5jmVLvAbwlVCb7PoSO9++IoewzCLX3++vWszYx/hTE/xRsnPY6YMdg1Rz5z5dvQM"
    "A0ErhbpVko3FXXsw9maLUP92yaPGwBt9RQphKjSZ2x4hLZtGeg34KpNi5/wQ8fVh9zVdRBEw+7xOUumHYXLuqlQ9"
    "T2GLYPYkVQvZt73cE08kLM3A7rkz8rsRN9Bkf11MUEuFKSlNBv8zb1XkVwNrE85qE8apPtvV3mwTn/GB7ldSfP30"
    "l1RuJt5EFwWuYyz4fQxt+B/JZA3rKE3vq4NsgHdbFz/96sby8gpr//RHR3wzTEXMBjyjjJgD7W22fOTfN39Hk16A"
    "A1SaQVejDq4OGKU7"
)


class _Hasher:
    """The MinHash permutations of one parameter set (multiply-shift on 64-bit codes)."""

    def __init__(self, params: LshParams) -> None:
        self.params = params
        if params != DEFAULT_PARAMS:
            self.a, self.b, self.band_mix = self.seeded(params)
            return
        from base64 import b64decode

        table = np.frombuffer(b64decode("".join(_DEFAULT_TABLE)), dtype="<u8").astype(np.uint64)
        n = params.hashes
        self.a, self.b = table[:n], table[n : 2 * n]
        self.band_mix = table[2 * n :].reshape(params.bands, params.rows)

    @staticmethod
    def seeded(params: LshParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(a, b, band_mix) drawn from NumPy's generator seeded with `params.seed`."""
        rng = np.random.default_rng(params.seed)
        a = rng.integers(1, 2**63, size=params.hashes, dtype=np.uint64) | np.uint64(1)
        b = rng.integers(0, 2**63, size=params.hashes, dtype=np.uint64)
        mix = rng.integers(1, 2**63, size=(params.bands, params.rows),
                           dtype=np.uint64) | np.uint64(1)
        return a, b, mix

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
        whole, pieces = normalise_parts(t, sentences(t))
        norm.append(whole)
        found.append(keys_of_sentences(pieces, t))
    masked = [mask_digits(t) for t in norm]
    keys = np.empty((len(texts), 2), dtype=np.int64)
    keys[:, 0] = [key64(t, EXACT_SALT) for t in norm]
    keys[:, 1] = [key64(t, MASKED_SALT) for t in masked]
    sents = np.array(found, dtype=np.int64).reshape(len(texts), SENTENCE_SLOTS)
    return Sketches(keys, _hasher(params).signatures(masked), sents, word_matrix(texts))


def estimate(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of content bigrams, row by row (0 for empty signatures)."""
    same = (sig_a == sig_b) & (sig_a != EMPTY)
    est: np.ndarray = np.clip((same.mean(axis=-1) - _CHANCE) / (1 - _CHANCE), 0.0, 1.0)
    return est


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
        self._words: list[np.ndarray] = []  # word keys, likewise
        self._lookups: dict[str, KeyLookup] = {}  # of the sentence and word keys, when sorted
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
        self._words.append(sk.word_keys())
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
        self._words.append(sk.word_keys()[i:i + 1])
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
        self._sents = [_joined(self._sents, SENTENCE_SLOTS)]
        return self._sents[0]

    def words(self) -> np.ndarray:
        """The word keys of every row, (size, WORD_SLOTS)."""
        self._words = [_joined(self._words, WORD_SLOTS)]
        return self._words[0]

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
        return sorted_unique(np.concatenate([text_codes, band])), text_codes

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
        more = shared_pairs(self.sentences())
        if pairs.size:
            more = more[~np.isin(more, (pairs[:, 0] << 32) | pairs[:, 1], kind="sort")]
        return np.stack([more >> 32, more & 0xFFFFFFFF], axis=1)

    def _lookup(self, kind: str) -> KeyLookup:
        """The sorted sentence (or word) keys of every row, sorted again after additions."""
        found = self._lookups.get(kind)
        if found is None or found.size != self.size:
            found = self._lookups[kind] = KeyLookup(
                self.sentences() if kind == "sentences" else self.words())
        return found

    def sentence_rows(self, sk: Sketches, i: int = 0) -> set[int]:
        """Rows sharing a sentence with sketch `i` of `sk` (as `shared_pairs` pairs them)."""
        return self._lookup("sentences").rows_of(sk.sentences()[i].tolist(), SENTENCE_CAP)

    def word_candidates(self, *known: np.ndarray) -> np.ndarray:
        """Rows (m, 2), a < b, sharing a word key held by at most `WORD_CAP` rows but not
        among the `known` pairs ((k, 2) rows each): candidates for reworded versions."""
        more = shared_pairs(self.words(), WORD_CAP)
        for pairs in known:
            if pairs.size and more.size:
                more = more[~np.isin(more, (pairs[:, 0] << 32) | pairs[:, 1], kind="sort")]
        return np.stack([more >> 32, more & 0xFFFFFFFF], axis=1)

    def word_rows(self, sk: Sketches, i: int = 0) -> set[int]:
        """Rows sharing a word key with sketch `i` of `sk` (as `word_candidates` pairs them)."""
        return self._lookup("words").rows_of(sk.word_keys()[i].tolist(), WORD_CAP)


def _joined(parts: list[np.ndarray], slots: int) -> np.ndarray:
    """The parts put together (rows in order), (0, slots) when there are none."""
    if len(parts) == 1:
        return parts[0]
    return np.concatenate(parts) if parts else np.zeros((0, slots), dtype=np.int64)
