"""Normalisation shared by storage, search and analysis.

NFKC folds full-width ASCII and half-width katakana (`ＮＡＴＯ` → `NATO`, `ｶﾀｶﾅ` → `カタカナ`);
case folding makes `nato` and `NATO` equal. The same function must serve text and queries.
"""

from __future__ import annotations

import unicodedata


def nfkc(text: str) -> str:
    """NFKC-normalise `text` (width folding, compatibility characters)."""
    return unicodedata.normalize("NFKC", text)


def fold(text: str) -> str:
    """NFKC then case-fold: the key under which text is compared and searched."""
    return unicodedata.normalize("NFKC", text).casefold()


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
