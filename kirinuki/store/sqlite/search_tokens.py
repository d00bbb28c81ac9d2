"""What the search index stores for a clip: its folded text made into FTS5 token strings.

The ascii tokenizer treats every non-ASCII character as a token character and splits on ASCII
non-alphanumerics, so those (spaces and signs) are mapped to private-use characters U+F0000+c
first; characters already in planes 15-16 collapse to one marker (`LOSSY`): a query holding
such a character is the only kind the index cannot answer exactly, and is verified instead.
Filter tokens start with characters no text can produce.
"""

from __future__ import annotations

import re
import zlib
from array import array
from codecs import utf_32_le_decode as _decode
from functools import lru_cache

from kirinuki.text.lazyre import lazy_re

LOSSY = "\U000f00ff"
ALL, TAG, SOURCE, ENTRY, PUBLIC = ("\U000f0100", "\U000f0101", "\U000f0102", "\U000f0103",
                                   "\U000f0104")
NOTHING = f'"{TAG}0"'  # tag ids start at 1: a token no clip carries

_MAPPED = {chr(c): chr(0xF0000 + c) for c in range(128)
           if not (48 <= c <= 57 or 97 <= c <= 122)}
_NEEDS_MAPPING = lazy_re(r"[^a-z0-9\x80-\U000effff]")


_FIRST_MAPPED, _LAST_MAPPED = 0xF0000, 0xF007F  # `_MAPPED`'s characters


def _replace(m: re.Match[str]) -> str:
    return _MAPPED.get(m.group(), LOSSY)


def index_form(folded: str) -> str:
    """Folded text with every character the tokenizer would split on made a token character."""
    # A substitution costs per match, and most clips have only a few ASCII signs or none.
    return _NEEDS_MAPPING.sub(_replace, folded)


def folded_of(forms: list[str]) -> list[str | None]:
    """The folded text each form was made from (`index_form` undone); None for a form holding
    `LOSSY`, which stands for any of many characters."""
    # One NumPy pass over all of them: `str.translate`, form by form, cost more than folding
    # the clips' texts again (docs/search.md "PostgreSQL"). NumPy is imported here, not with
    # the store: every command opens a journal, and a publish with nothing to do needs none.
    import numpy as np

    kept = [f for f in forms if LOSSY not in f]
    if not kept:
        return [None] * len(forms)
    codes = np.frombuffer(LOSSY.join(kept).encode("utf-32-le"), dtype=np.uint32).copy()
    codes[(codes >= _FIRST_MAPPED) & (codes <= _LAST_MAPPED)] -= _FIRST_MAPPED
    back = iter(_decode(codes.tobytes())[0].split(LOSSY))
    return [None if LOSSY in f else next(back) for f in forms]


# Building the token strings with strided array copies instead of a Python loop over the
# characters is what keeps imports fast. Appending the encoded filters to the arrays and
# decoding with the codec function itself (no codec lookup by name, no `tobytes` copy, no string
# concatenation) makes it faster still (docs/search.md, Measurements).
_SPACE = array("I", [32])
assert _SPACE.itemsize == 4


@lru_cache(maxsize=4096)
def _tail(filter_tokens: str) -> bytes:
    """" " + filter tokens in UTF-32: clips of one group share them."""
    return (" " + filter_tokens).encode("utf-32-le")


def rows(form: str, filter_tokens: str) -> tuple[str, str, int]:
    """(search_bi body, search_uni body, crc) of a clip, from one encoding of its text.

    "abca" gives "ab bc ca a  F" (overlapping bigrams, the last character alone) and
    "a b c a  F" (every character; detail=none keeps each once per clip), F the filters."""
    raw = form.encode("utf-32-le")
    chars = array("I", raw)
    n = len(chars)
    tail = _tail(filter_tokens)
    pairs = _SPACE * (3 * n)
    pairs[0::3] = chars
    pairs[1:max(0, 3 * n - 3):3] = chars[1:]
    pairs.frombytes(tail)
    singles = _SPACE * (2 * n)
    singles[0::2] = chars
    singles.frombytes(tail)
    return _decode(pairs)[0], _decode(singles)[0], zlib.crc32(raw)


def crc(form: str) -> int:
    """The checksum stored with a clip's index rows, to notice text changed behind them."""
    return zlib.crc32(form.encode("utf-32-le"))


def filters(entry_id: int, public: bool, tags: list[int], source_id: int | None) -> str:
    """The filter tokens of a clip."""
    parts = [ALL, f"{ENTRY}{entry_id}"] + ([PUBLIC] if public else [])
    parts += [f"{TAG}{t}" for t in sorted(tags)]
    if source_id is not None:
        parts.append(f"{SOURCE}{source_id}")
    return " ".join(parts)


def word_match(form: str, bi: bool) -> str:
    """The FTS5 query for one word in index form: its bigram phrase, or a 1-character token
    (a prefix query in `search_bi`, where every position starts a token)."""
    if len(form) == 1:
        return f'"{form}"*' if bi else f'"{form}"'
    return '"' + " ".join(form[i:i + 2] for i in range(len(form) - 1)) + '"'
