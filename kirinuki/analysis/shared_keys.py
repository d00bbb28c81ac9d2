"""Keys several clips share, and the pairs of rows they make (for the LSH index).

`key64` hashes a text to a 64-bit key (the exact and masked text keys, sentence keys);
*sentence keys* are the keys of a clip's sentences (`sentence_keys`, the second source of
candidates: shared background); `shared_pairs` pairs the rows sharing any key of a few slots a
row (sentence keys, word keys), `group_pairs` the rows sharing a key in a sorted list (LSH bands
and text keys). Pure.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

from kirinuki.analysis.textnorm import mask_digits, normalise, normalise_parts
from kirinuki.text.lazyre import lazy_re

SENTENCE_SALT = b"kirinuki-sentence"
SENTENCE_SLOTS = 4  # sentence keys kept a clip: the smallest, so two clips keep shared ones alike
MIN_SENTENCE = 15  # normalised characters: shorter sentences are set phrases
SENTENCE_CAP = 16  # a sentence in more clips is boilerplate and pairs nothing
_SENTENCE = lazy_re(r"[^。！？!?\n]*(?:[。！？!?\n]+|$)")


def key64(text: str, salt: bytes) -> int:
    """A stable signed 64-bit hash of `text` (SQLite stores signed integers); always odd, so it
    never collides with a band key, which is even and never 0. Two checksums make it: a rare
    collision only adds a candidate, which `compare` then rejects."""
    data = salt + text.encode("utf-8")
    value = (zlib.crc32(data) << 32) | zlib.adler32(data)
    return (value - (1 << 64) if value >= 1 << 63 else value) | 1


# A space between Japanese words: a headline's groups, or a tweet's headline and the sentence
# glued after it (`北原市の大雨 復旧作業続く 市内では…おそれがあります`).
_JAPANESE_SPACE = lazy_re(r"(?<=[\u3041-\u30ff\u4e00-\u9fff])[ \u3000]+(?=[\u3041-\u30ff\u4e00-\u9fff])")
# Hiragana: particles, endings and okurigana, where one sentence lightly reworded differs most
# (`…と主張していた` / `…と主張していました`, `解消も` / `解消を`, `高い熱` / `高熱`): left out of
# the key, so that a reused sentence keys alike in wire and broadcast styles.
_HIRAGANA = lazy_re(r"[\u3041-\u309f]+")
# Words written two ways in one reused sentence (`去年` / `昨年`, `およそ60万人` / `約60万人`,
# `4割あまり` / `4割余り`), folded to one before the hiragana go.
_SPELLINGS = (("おととし", "一昨年"), ("去年", "昨年"), ("ことし", "今年"), ("およそ", "約"),
              ("あまり", "余"))


def sentences(text: str) -> list[str]:
    """`text` cut after each sentence end and line end (the parts put together are the text)."""
    return [p for p in _SENTENCE.findall(text) if p]


def spaced_parts(text: str) -> list[str]:
    """The parts of `text`'s sentences cut at spaces between Japanese words, for the sentences
    that hold such a space (a headline's groups, a tweet's headline and the sentence glued after
    it); none for the others."""
    if " " not in text and "\u3000" not in text:
        return []
    out = []
    for piece in sentences(text):
        start = 0
        for m in _JAPANESE_SPACE.finditer(piece):
            out.append(piece[start:m.start()])
            start = m.end()
        if start:
            out.append(piece[start:])
    return out


def loose(masked: str) -> str:
    """A masked sentence as keyed: two spellings of a word folded to one (`去年` / `昨年`,
    `およそ` / `約`), then without hiragana."""
    for a, b in _SPELLINGS:
        if a in masked:
            masked = masked.replace(a, b)
    return _HIRAGANA.sub("", masked)


def keys_of_sentences(pieces: Sequence[str], text: str = "") -> list[int]:
    """The `SENTENCE_SLOTS` smallest keys of the normalised sentences `pieces` and of the
    parts between spaces of `text`'s sentences (`spaced_parts`), each keyed `loose`,
    ascending, 0-padded."""
    spaced = spaced_parts(text) if text else []
    found = set()
    for piece in [*pieces, *(normalise(p) for p in spaced)] if spaced else pieces:
        masked = mask_digits(piece)
        if len(masked) >= MIN_SENTENCE:
            found.add(key64(loose(masked), SENTENCE_SALT))
    keys = sorted(found)[:SENTENCE_SLOTS]
    return keys + [0] * (SENTENCE_SLOTS - len(keys))


def sentence_keys(text: str) -> list[int]:
    """Keys of the sentences of `text` and of their parts between spaces (normalised, digits
    masked, at least `MIN_SENTENCE` characters, keyed `loose`): the
    `SENTENCE_SLOTS` smallest, ascending, 0 for a slot left empty."""
    return keys_of_sentences(normalise_parts(text, sentences(text))[1], text)


def sorted_unique(values: np.ndarray) -> np.ndarray:
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
    return sorted_unique(np.concatenate(found))


def shared_pairs(sents: np.ndarray, cap: int = SENTENCE_CAP) -> np.ndarray:
    """Sorted distinct codes (a << 32 | b, a < b) of the rows sharing a sentence key held by
    at most `cap` rows (also of word keys: any (n, slots) keys, 0 for none)."""
    flat = sents.reshape(-1)
    pos = np.flatnonzero(flat != 0)
    keys = flat[pos]
    order = np.argsort(keys, kind="stable")
    codes = group_pairs(keys[order], pos[order] // sents.shape[1], cap)
    out: np.ndarray = codes[(codes >> 32) != (codes & 0xFFFFFFFF)]
    return out


class KeyLookup:
    """The rows carrying each key of an (n, slots) key matrix (0: none), sorted once so that
    a lookup is a bisection rather than a pass over every row."""

    def __init__(self, keys: np.ndarray) -> None:
        flat = keys.reshape(-1)
        pos = np.flatnonzero(flat != 0)
        order = np.argsort(flat[pos], kind="stable")
        self.keys, self.rows = flat[pos][order], pos[order] // max(1, keys.shape[1])
        self.size = int(keys.shape[0])

    def rows_of(self, row_keys: Sequence[int], cap: int) -> set[int]:
        """The rows carrying a nonzero key of `row_keys`, each key counted only when at most
        `cap` rows carry it (as `shared_pairs` pairs them)."""
        want = np.asarray([k for k in row_keys if k], dtype=np.int64)
        lo = np.searchsorted(self.keys, want, "left").tolist()
        hi = np.searchsorted(self.keys, want, "right").tolist()
        return {r for a, b in zip(lo, hi, strict=True) if b - a <= cap
                for r in self.rows[a:b].tolist()}

