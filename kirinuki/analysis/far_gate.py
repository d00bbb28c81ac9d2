"""Candidate pairs weeks apart that `compare` would let go at its gate, found many at a time.

For two clips more than `update_days` apart, `duplicates.compare(..., versions_only=True)`
lets a pair go unless the masked texts align at `_aligned` or more, both are headlines
(`headline_updated`, which needs both masked texts `HEADLINE` characters or shorter) or
`passages.may_extend` holds; every version rule before that gate needs a higher alignment.
Such pairs are most pairs of a journal spanning years, and `may_extend` most of their cost.
Here both are bounded from above for many pairs at once, in a few NumPy and RapidFuzz calls:
the alignment by that of the texts with each character put for one of 251 (`_folded`), and
`may_extend`, which needs every sentence of the clip with fewer sentences found in the other
(by `_similar`, which needs enough content bigrams in common or an aside in brackets, or by
`_short_found`, a short sentence opening a longer one), by each sentence's set of bigram
buckets (a bigram's hash modulo `BITS`: the buckets two sentences share, plus the bigrams of
either beyond one in a bucket, are at least the bigrams they share). Pairs aligned well enough
to pass the gate are let go when no rule after it can hold (`_past_gate`). A pair is let go
only when `compare` would let it go with the true values; the others go to `compare` as before
(tests compare both). Pure; keep in step with the gate and the rules after it of
`duplicates._compare`, `passages._similar` and `passages._short_found`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import chain
from unicodedata import is_normalized, normalize

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from kirinuki.analysis.duplicates import (
    CONTAINED_OVERLAP,
    Prepared,
    Thresholds,
    _aligned,
    containable,
)
from kirinuki.analysis.groups import Item
from kirinuki.analysis.headlines import HEADLINE
from kirinuki.analysis.passages import (
    CONTAINED_BIGRAMS,
    MIN_SENTENCE,
    REORDERED_OVERLAP,
    REWORDED_OVERLAP,
    REWORDED_RATIO,
    SHORT_FOUND,
)

BITS = 1024  # buckets of a sentence's bigrams (a bit each: 128 bytes a sentence)
_WORDS = BITS // 64
_EPOCH = datetime(1970, 1, 1)
_EPOCH_UTC = _EPOCH.replace(tzinfo=UTC)
_GRAM_HASH = 0xFFFFFFFF  # bits kept of a bigram's hash (`Features.grams`)
_SLACK = 1e-9  # float bounds are compared with this much room: near a threshold, compare


def stamp(when: datetime | None) -> float:
    """Seconds of `when` on one line for every clip (NaN without a date: close to all)."""
    if when is None:
        return float("nan")
    return (when - (_EPOCH_UTC if when.tzinfo is not None else _EPOCH)).total_seconds()


def _folded(texts: list[str]) -> list[str]:
    """Each text with every character put for one of 251 (its code point modulo 251, as a
    Latin-1 character): what two texts have in common stays in common, so the alignment of
    the folded texts bounds theirs from above, and RapidFuzz aligns one-byte text many times
    faster."""
    if not texts:
        return []
    joined = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    flat = (joined % 251).astype(np.uint8).tobytes().decode("latin-1")
    ends = np.cumsum([len(t) for t in texts]).tolist()
    return [flat[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]


class _Texts:
    """Texts kept as one string and their ends (`Features.concat`): a list of many short
    strings would be copied page by page by a forked process reading it (reference counts)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.joined = "".join(texts)
        self.ends = np.cumsum([0, *map(len, texts)], dtype=np.int64)

    def __len__(self) -> int:
        return int(self.ends.size - 1)

    def __getitem__(self, k: int) -> str:
        return self.joined[int(self.ends[k]):int(self.ends[k + 1])]


class Features:
    """What the gate reads of some prepared clips, added one batch at a time: each clip's
    date, article and masked text (folded for the alignment bound, `_folded`), its bigrams
    hashed (32 bits, each once: a bound of the bigrams two clips share), and its sentences'
    buckets of bigrams (with how many bigrams fell in a bucket already holding one), bigram
    count, length, opening, and whether the bound says nothing of the sentence (an aside in
    brackets). A clip is numbered in the order added; `slot` maps its key to its number."""

    def __init__(self) -> None:
        self.slot: dict[int, int] = {}  # key -> clip number
        self.masked: list[str] | _Texts = []
        self.article = np.zeros(0, dtype=np.int64)  # hash of the article (0: none)
        self.when = np.zeros(0, dtype=np.float64)
        self.first = np.zeros(0, dtype=np.int64)  # clip number -> its first sentence
        self.count = np.zeros(0, dtype=np.int64)  # clip number -> its sentences
        self.headline = np.zeros(0, dtype=bool)  # short enough for `headline_updated`
        self.grams = np.zeros(0, dtype=np.uint32)  # each clip's hashed bigrams, sorted
        self.gram_first = np.zeros(0, dtype=np.int64)  # clip number -> its first in `grams`
        self.gram_count = np.zeros(0, dtype=np.int64)  # clip number -> its hashes
        self.gram_size = np.zeros(0, dtype=np.int64)  # clip number -> its bigrams
        self.bits = np.zeros((0, _WORDS), dtype=np.uint64)
        self.extra = np.zeros(0, dtype=np.int64)  # bigrams beyond one in a bucket
        self.size = np.zeros(0, dtype=np.int64)
        self.length = np.zeros(0, dtype=np.int64)
        self.opening = np.zeros(0, dtype=np.int64)
        self.start = np.zeros(0, dtype=np.int64)  # hash of the first two characters
        self.anyway = np.zeros(0, dtype=bool)

    def __len__(self) -> int:
        return int(self.count.size)

    def add(self, clips: Sequence[tuple[int, Prepared, Item]]) -> None:
        """Add clips (key, prepared clip, the clip) not added before."""
        new: list[tuple[Prepared, Item]] = []
        for key, p, item in clips:
            if key not in self.slot:
                self.slot[key] = len(self.masked) + len(new)
                new.append((p, item))
        if not new:
            return
        if isinstance(self.masked, _Texts):
            raise TypeError("Features made by concat take no more clips")
        sents = [s for p, _ in new for s in p.sentences]
        count = np.fromiter((len(p.sentences) for p, _ in new), dtype=np.int64, count=len(new))
        size = np.fromiter((len(s.bigrams) for s in sents), dtype=np.int64, count=len(sents))
        cells = np.fromiter(map(hash, chain.from_iterable(s.bigrams for s in sents)),
                            dtype=np.int64, count=int(size.sum())) & (BITS - 1)
        cells += np.repeat(np.arange(len(sents), dtype=np.int64) * BITS, size)
        on = np.zeros(len(sents) * BITS, dtype=bool)
        on[cells] = True
        bits = np.packbits(on.reshape(-1, BITS), axis=1, bitorder="little").view(np.uint64)
        # Each clip's bigrams as 32-bit hashes, each hash once: (clip << 32 | hash), sorted.
        gsize = np.fromiter((len(p.bigrams) for p, _ in new), dtype=np.int64, count=len(new))
        keyed = np.fromiter(map(hash, chain.from_iterable(p.bigrams for p, _ in new)),
                            dtype=np.int64, count=int(gsize.sum())).view(np.uint64)
        keyed &= np.uint64(_GRAM_HASH)
        keyed |= np.repeat(np.arange(len(new), dtype=np.uint64), gsize) << np.uint64(32)
        keyed = np.unique(keyed)
        gcount = np.bincount((keyed >> np.uint64(32)).astype(np.int64), minlength=len(new))
        self.gram_first = np.r_[self.gram_first,
                                self.grams.size + np.cumsum(gcount) - gcount].astype(np.int64)
        self.grams = np.concatenate([self.grams, keyed.astype(np.uint32)])
        self.gram_count = np.r_[self.gram_count, gcount].astype(np.int64)
        self.gram_size = np.r_[self.gram_size, gsize].astype(np.int64)
        self.masked += _folded([p.masked for p, _ in new])
        self.article = np.r_[self.article, [0 if i.article is None else hash(i.article) | 1
                                            for _, i in new]].astype(np.int64)
        self.when = np.r_[self.when, [stamp(i.when) for _, i in new]]
        self.first = np.r_[self.first, self.size.size + np.cumsum(count) - count]
        self.count = np.r_[self.count, count]
        self.headline = np.r_[self.headline, [len(p.masked) <= HEADLINE for p, _ in new]]
        self.bits = np.concatenate([self.bits, bits])
        self.extra = np.r_[self.extra, size - np.bitwise_count(bits).sum(axis=1, dtype=np.int64)]
        self.size = np.r_[self.size, size]
        self.length = np.r_[self.length, [len(s.masked) for s in sents]].astype(np.int64)
        self.opening = np.r_[self.opening, [hash(s.masked[:SHORT_FOUND]) for s in sents]
                             ].astype(np.int64)
        self.start = np.r_[self.start, [hash(s.masked[:2]) for s in sents]].astype(np.int64)
        # Folding (NFKC, then case) makes a bracket only where NFKC does.
        self.anyway = np.r_[self.anyway, ["(" in (
            s.raw if is_normalized("NFKC", s.raw) else normalize("NFKC", s.raw))
            for s in sents]].astype(bool)

    @staticmethod
    def concat(parts: Iterable[Features], sizes: tuple[int, int, int] | None = None,
               ) -> Features:
        """The clips of `parts` in one, numbered in turn (part by part, each in its order),
        their masked texts as one string; no keys (`slot` is empty), no more clips. `sizes`:
        (clips, sentences, bigram hashes) of all parts, when known, so that the parts may
        come one at a time and each field is filled in place (none held twice); otherwise
        `parts` is read twice. Parts made in forked processes of one parent hash alike."""
        if sizes is None:
            parts = list(parts)
            sizes = (sum(len(f) for f in parts), sum(f.size.size for f in parts),
                     sum(f.grams.size for f in parts))
        out, empty = Features(), Features()
        count = {"sentence": sizes[1], "gram": sizes[2]}
        for name, per in _FIELDS.items():
            a = getattr(empty, name)
            setattr(out, name, np.empty((count.get(per, sizes[0]), *a.shape[1:]), a.dtype))
        masked: list[str] = []
        at = {"clip": 0, "sentence": 0, "gram": 0}
        for f in parts:
            f.first += at["sentence"]
            f.gram_first += at["gram"]
            masked += (f.masked[k] for k in range(len(f.masked)))
            n = {"clip": len(f), "sentence": f.size.size, "gram": f.grams.size}
            for name, per in _FIELDS.items():
                getattr(out, name)[at[per]:at[per] + n[per]] = getattr(f, name)
            for per in at:
                at[per] += n[per]
        if (at["clip"], at["sentence"], at["gram"]) != sizes:
            raise ValueError(f"parts of {at} put for sizes {sizes}")
        out.masked = _Texts(masked)
        return out


# Each array of `Features`, and what it has a row for.
_FIELDS = {"first": "clip", "gram_first": "clip", "article": "clip", "when": "clip",
           "count": "clip", "headline": "clip", "gram_count": "clip", "gram_size": "clip",
           "grams": "gram", "bits": "sentence", "extra": "sentence", "size": "sentence",
           "length": "sentence", "opening": "sentence", "start": "sentence",
           "anyway": "sentence"}


def let_go(fx: Features, xs: Sequence[int], fy: Features, ys: Sequence[int], t: Thresholds,
           ) -> np.ndarray:
    """For each pair of clips (keys xs[k] of `fx`, ys[k] of `fy`): True when the clips are
    more than `t.update_days` apart and `compare(..., versions_only=True)` would find no
    version, False when `compare` has to say."""
    cx = np.fromiter((fx.slot[k] for k in xs), dtype=np.int64, count=len(xs))
    cy = np.fromiter((fy.slot[k] for k in ys), dtype=np.int64, count=len(ys))
    return let_go_at(fx, cx, fy, cy, t)


def let_go_at(fx: Features, cx: np.ndarray, fy: Features, cy: np.ndarray, t: Thresholds,
              ) -> np.ndarray:
    """`let_go` of the pairs of clip numbers (cx[k] of `fx`, cy[k] of `fy`)."""
    # NaN (no date) compares False: close in time, as `close_in_time` says.
    out: np.ndarray = np.abs(fx.when[cx] - fy.when[cy]) > t.update_days * 86400 + 1.0
    # Both short enough, `headline_updated` may hold.
    out &= ~(fx.headline[cx] & fy.headline[cy])
    far = np.flatnonzero(out)
    if far.size:
        bound = cpdist([fx.masked[c] for c in cx[far].tolist()],
                       [fy.masked[c] for c in cy[far].tolist()],
                       scorer=fuzz.ratio, dtype=np.float64) / 100
        aligned = np.flatnonzero(bound >= _aligned(t) - _SLACK)
        out[far[aligned]] = ~_past_gate(fx, cx[far[aligned]], fy, cy[far[aligned]],
                                        bound[aligned], t)
    far = np.flatnonzero(out)
    out[far[_may_extend(fx, cx[far], fy, cy[far], t)]] = False
    return out


def _past_gate(fx: Features, cx: np.ndarray, fy: Features, cy: np.ndarray, ratio: np.ndarray,
               t: Thresholds) -> np.ndarray:
    """For pairs weeks apart aligned well enough to pass the gate (`ratio`: a bound from
    above): False when no rule after it but the sentence rules (`may_extend`) can make a
    version: near-identical wording (`duplicate`), the mean of alignment and overlap
    (`version`), one article's clips (`same_article`), a passage contained (an overlap of
    `CONTAINED_OVERLAP` and lengths that `containable` allows); True when one may."""
    out = ratio >= t.duplicate - _SLACK
    rest = np.flatnonzero(~out)
    if not rest.size:
        return out
    x, y = cx[rest], cy[rest]
    inter = _common(fx, x, fy, y)
    sx, sy = fx.gram_size[x], fy.gram_size[y]
    overlap = inter / np.maximum(sx + sy - inter, 1)
    lx = np.fromiter((len(fx.masked[c]) for c in x.tolist()), dtype=np.int64, count=x.size)
    ly = np.fromiter((len(fy.masked[c]) for c in y.tolist()), dtype=np.int64, count=y.size)
    contain = np.fromiter(map(containable, lx.tolist(), ly.tolist()), dtype=bool, count=x.size)
    ax, ay = fx.article[x], fy.article[y]
    out[rest] = (((ratio[rest] + overlap) / 2 >= t.version - _SLACK)
                 | ((overlap >= CONTAINED_OVERLAP - _SLACK) & contain)
                 | ((ax != 0) & (ax == ay) & (ratio[rest] >= t.same_article - _SLACK)))
    return out


def _common(fx: Features, cx: np.ndarray, fy: Features, cy: np.ndarray) -> np.ndarray:
    """For each pair of clips: at least the bigrams they share (their hashes in common, plus
    those of the clip with fewer lost to hashes equal within it)."""
    kx, ky = _keyed(fx, cx), _keyed(fy, cy)
    common = np.intersect1d(kx, ky, assume_unique=True)
    inter = np.bincount((common >> np.uint64(32)).astype(np.int64), minlength=cx.size)
    inter += np.minimum(fx.gram_size[cx] - fx.gram_count[cx],
                        fy.gram_size[cy] - fy.gram_count[cy])
    out: np.ndarray = np.minimum(inter, np.minimum(fx.gram_size[cx], fy.gram_size[cy]))
    return out


def _keyed(f: Features, c: np.ndarray) -> np.ndarray:
    """The hashed bigrams of clips c, each as (k << 32 | hash) for the k-th of c."""
    n = f.gram_count[c]
    at = np.repeat(f.gram_first[c] - (np.cumsum(n) - n), n) + np.arange(int(n.sum()))
    return (np.repeat(np.arange(c.size, dtype=np.uint64), n) << np.uint64(32)
            | f.grams[at].astype(np.uint64))


def _may_extend(fx: Features, cx: np.ndarray, fy: Features, cy: np.ndarray, t: Thresholds,
                ) -> np.ndarray:
    """For each pair of clips (numbers cx[k] of `fx`, cy[k] of `fy`): False when
    `passages.may_extend` of their sentences is False, whichever is the earlier clip; True
    when it may be True."""
    nx, ny = fx.count[cx], fy.count[cy]
    out = np.zeros(cx.size, dtype=bool)
    both = np.flatnonzero((nx > 0) & (ny > 0))
    if not both.size:
        return out
    nx, ny = nx[both], ny[both]
    sx0, sy0 = fx.first[cx[both]], fy.first[cy[both]]
    # Every sentence pair (i of x, j of y) of every clip pair, i-major within a clip pair.
    per = nx * ny
    pair = np.repeat(np.arange(both.size), per)
    within = np.arange(pair.size) - np.repeat(np.cumsum(per) - per, per)
    i, j = within // ny[pair], within % ny[pair]
    sx, sy = sx0[pair] + i, sy0[pair] + j
    found = _found(fx, sx, fy, sy, t)
    # A sentence of x (numbered over all pairs) found in some sentence of y, and the other way.
    gx = np.repeat(np.cumsum(nx) - nx, per) + i
    gy = np.repeat(np.cumsum(ny) - ny, per) + j
    x_found = np.bincount(gx, weights=found, minlength=int(nx.sum())) > 0
    y_found = np.bincount(gy, weights=found, minlength=int(ny.sum())) > 0
    x_missing = np.bincount(np.repeat(np.arange(both.size), nx), weights=~x_found,
                            minlength=both.size) > 0
    y_missing = np.bincount(np.repeat(np.arange(both.size), ny), weights=~y_found,
                            minlength=both.size) > 0
    # The clip with fewer sentences is the one each of whose sentences must be found; with as
    # many, the earlier one (not known here): then both must miss one.
    cannot = np.where(nx < ny, x_missing, np.where(ny < nx, y_missing, x_missing & y_missing))
    out[both] = ~cannot
    return out


def _found(fx: Features, sx: np.ndarray, fy: Features, sy: np.ndarray, t: Thresholds,
           ) -> np.ndarray:
    """For each sentence pair: False when neither `_similar(x, y, shared, shared)` reaches
    `shared` (t.background) nor `_short_found(x, y)` holds; True when either may. `_similar`
    reaches it by one of its rules: the mean of alignment and overlap (the alignment bounded
    by the lengths: the shorter aligns with at most as many characters of the longer), an
    aside in brackets, a sentence lightly reworded or reordered, one contained or glued."""
    out = np.empty(sx.size, dtype=bool)
    shared = t.background
    step = 1 << 14  # sentence pairs at once: ~2 MB a gathered array
    for s in range(0, sx.size, step):
        a, b = sx[s:s + step], sy[s:s + step]
        # Buckets in common, plus the bigrams beyond one in a bucket of either (the fewer).
        inter = np.bitwise_count(fx.bits[a] & fy.bits[b]).sum(axis=1, dtype=np.int64)
        inter += np.minimum(fx.extra[a], fy.extra[b])
        na, nb = fx.size[a], fy.size[b]
        inter = np.minimum(inter, np.minimum(na, nb))
        overlap = inter / np.maximum(na + nb - inter, 1)
        la, lb = fx.length[a], fy.length[b]
        short = np.minimum(la, lb)
        aligned = 2 * short / np.maximum(la + lb, 1)
        long_enough = short >= MIN_SENTENCE
        similar = (na > 0) & (nb > 0) & (
            ((aligned + overlap) / 2 >= shared - _SLACK)
            | fx.anyway[a] | fy.anyway[b]
            | ((overlap >= REWORDED_OVERLAP - _SLACK) & long_enough
               & (2 * short >= REWORDED_RATIO * (la + lb) - _SLACK)
               & (fx.start[a] == fy.start[b]))
            | ((overlap >= REORDERED_OVERLAP - _SLACK) & long_enough)
            | ((inter >= CONTAINED_BIGRAMS * np.minimum(na, nb) - _SLACK) & long_enough))
        opens = ((short >= SHORT_FOUND) & (short < MIN_SENTENCE) & (la != lb)
                 & (fx.opening[a] == fy.opening[b]))
        out[s:s + step] = similar | opens
    return out
