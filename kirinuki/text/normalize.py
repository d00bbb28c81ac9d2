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
