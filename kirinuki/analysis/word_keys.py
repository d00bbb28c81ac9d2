"""Word keys: a third source of candidates, for versions reworded past what MinHash sees.

An update retold in other words (a headline and its follow-up, another outlet's rewrite, a
`…によりますと…ということです` lead re-told as `…は21日、…と発表しました`) shares few content
bigrams with the first report, so LSH rarely proposes the pair; what it keeps are the long
words: names (`ソルディア`, `三協製鋼`, `北海線`) and compounds (`消費者物価`, `旅客列車`). So each
sketch also keeps `WORD_SLOTS` *word keys*: the runs of three or more kanji or katakana in the
text, the longest first (longer words are rarer), each as a 32-bit hash. Clips sharing a word key
held by at most `WORD_CAP` clips are candidates (a word in more clips is common and pairs
nothing); those pairs give **version links only** (`duplicates.compare(versions_only=True)`):
background has its own source, sentence keys. Pure.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

from kirinuki.text.lazyre import lazy_re

WORD_SALT = b"kirinuki-word"
WORD_SLOTS = 4  # word keys kept a clip: its longest words
MIN_WORD = 3  # characters: shorter runs (`首相`, `発表`) are common words
WORD_CAP = 16  # a word in more clips is common and pairs nothing
# Kanji (with 々, ヶ) and katakana (with ー) in one run: `ガス爆発`, `大和田ホールディングス`.
_WORD = lazy_re(rf"[\u4e00-\u9fff\u3005\u30f6\u30a1-\u30fa\u30fc]{{{MIN_WORD},}}")


def word_key(word: str) -> int:
    """A stable nonzero 32-bit hash of `word` (odd: 0 stays the empty slot)."""
    return zlib.crc32(WORD_SALT + word.encode("utf-8")) | 1


def word_keys(text: str) -> list[int]:
    """Keys of the `WORD_SLOTS` longest distinct words of `text` (of words alike in length,
    the first in code point order), 0 for a slot left empty."""
    words = sorted(set(_WORD.findall(text)), key=_longest_first)[:WORD_SLOTS]
    keys = [zlib.crc32(WORD_SALT + w.encode("utf-8")) | 1 for w in words]
    return keys + [0] * (WORD_SLOTS - len(keys))


def _longest_first(word: str) -> tuple[int, str]:
    return -len(word), word


def word_matrix(texts: Sequence[str]) -> np.ndarray:
    """(n, WORD_SLOTS) int64 word keys of `texts`."""
    return np.array([word_keys(t) for t in texts], dtype=np.int64).reshape(len(texts),
                                                                            WORD_SLOTS)
