"""Normalisation shared by storage, search and analysis.

NFKC folds full-width ASCII and half-width katakana (`ＮＡＴＯ` → `NATO`, `ｶﾀｶﾅ` → `カタカナ`);
case folding makes `nato` and `NATO` equal. The same function must serve text and queries.
"""

from __future__ import annotations

import unicodedata

from kirinuki.text.lazyre import lazy_re


def nfkc(text: str) -> str:
    """NFKC-normalise `text` (width folding, compatibility characters)."""
    return unicodedata.normalize("NFKC", text)


def fold(text: str) -> str:
    """NFKC then case-fold: the key under which text is compared and searched."""
    return unicodedata.normalize("NFKC", text).casefold()


# Digit grouping: a comma (after NFKC: `,` `，` `﹐`) between a digit and a group of exactly three
# digits, so `3,800` and `1,234,567` lose theirs while a list `1,2,3` or `2,50` keeps its commas.
_GROUPING = lazy_re(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")
# A thin or narrow no-break space used the same way; NFKC makes it a plain space, which is too
# common between numbers to drop, so it becomes a comma before folding.
_THIN = lazy_re("(?<=[0-9\uff10-\uff19])[\u2009\u202f]"
                "(?=[0-9\uff10-\uff19]{3}(?![0-9\uff10-\uff19]))")


def thin_grouping(text: str) -> str:
    """`text` with thin spaces that group digits made commas (same length)."""
    if "\u2009" in text or "\u202f" in text:
        return _THIN.sub(",", text)
    return text


def drop_grouping(folded: str) -> str:
    """Folded text without its digit grouping commas (`3,800人` -> `3800人`)."""
    return _GROUPING.sub("", folded) if "," in folded else folded


def grouping_at(folded: str) -> list[int]:
    """Positions of the commas `drop_grouping` removes."""
    return [m.start() for m in _GROUPING.finditer(folded)] if "," in folded else []


def search_fold(text: str) -> str:
    """The key search compares: `fold`, then digit grouping removed, so `３，８００人`,
    `3,800人` and `3 800人` (thin space) all read `3800人`."""
    return drop_grouping(fold(thin_grouping(text)))


# Katakana ァ..ヶ and the iteration marks ヽヾ have hiragana one code point block below.
_KANA = {c: c - 0x60 for c in [*range(0x30A1, 0x30F7), 0x30FD, 0x30FE]}


def kana_fold(text: str) -> str:
    """Katakana made hiragana (`キシダ` -> `きしだ`), one character for one: positions hold."""
    return text.translate(_KANA)


def kana_variants(word: str) -> list[str]:
    """Every spelling of `word` with each kana in hiragana or katakana (2**k for k kana)."""
    out = [""]
    for ch in kana_fold(word):
        cp = ord(ch)
        alt = chr(cp + 0x60) if cp + 0x60 in _KANA else None
        out = [p + ch for p in out] + ([p + alt for p in out] if alt else [])
    return out


def tag_key(name: str) -> str:
    """The stored key of a tag name (without '#'): folded, so `#ＮＡＴＯ` and `#nato` are one tag."""
    return fold(name.lstrip("#＃"))


def as_id(text: str) -> int | None:
    """The row id written as `text` (ASCII digits, within SQLite's integer range), else None.

    `str.isdigit` accepts `¹` and other digits `int` refuses, and SQLite refuses integers past
    2**63 - 1: both would surface as a crash instead of "no such …".
    """
    t = text.strip()
    if not t.isascii() or not t.isdigit() or len(t) > 18:
        return None
    return int(t)
