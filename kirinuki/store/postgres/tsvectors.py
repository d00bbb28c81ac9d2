"""The rows of the search tables as PostgreSQL's binary COPY data: each body a `tsvector` of its
tokens, sorted and each kept once, sent as the server stores it, so that it neither parses nor
sorts them (docs/search.md "PostgreSQL", Imports). The tokens of many rows are sorted and made
unique at once in NumPy: one set and sort per row in Python cost more client time than the
server saved. Raises nothing for bodies made by `search_tokens.rows`; any other body is split
on its spaces, one row at a time.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from kirinuki.store.postgres.fts import text_form, text_of
from kirinuki.store.sqlite.search_tokens import rows as rows_of

SIGNATURE = b"PGCOPY\n\xff\r\n\0" + bytes(8)  # the header: no flags, no extension
TRAILER = b"\xff\xff"
_INT = struct.Struct("!i").pack
_HEAD = struct.Struct("!hiqii").pack  # fields, 8, the row id, the body's length, its tokens
_END = b"\0\0\0"  # after each token: its end, and no positions (a uint16 0)
_BITS = 21  # a code point's bits
_FIRST_FILTER = 0xF0100  # filter tokens start here; no character of a form does
_ROWS_AT_ONCE = 1 << 20  # rows whose keys share one array (the row takes the top bits)


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[int, bytes, bool]:
    """The distinct space-separated tokens of `text`, sorted, in binary form, their count, and
    whether all are filter tokens (the clips of a group share theirs)."""
    found = sorted({t for t in text.split(" ") if t})
    filters = all(ord(t[0]) >= _FIRST_FILTER for t in found)
    return len(found), "".join(t + _END.decode() for t in found).encode(), filters


def _utf8_length(codes: np.ndarray) -> np.ndarray:
    return 1 + (codes >= 0x80) + (codes >= 0x800) + (codes >= 0x10000)


def _body(given: object, bigrams: bool) -> str:
    """A row's body as text: as given, or made from (form, filter tokens)."""
    if isinstance(given, tuple):
        bi, uni, _ = rows_of(given[0], given[1])
        return bi if bigrams else uni
    return text_of(given)


def copy_data(rows: Sequence[Sequence[Any]], bigrams: bool) -> bytes:
    """Binary COPY data for `search_bi` (rowid, body, form) when `bigrams`, else `search_uni`
    (rowid, body), from rows of (row id, body as text or UTF-8 bytes, or the clip's form and
    filter tokens as a pair, of which `search_tokens.rows` makes the bodies)."""
    return _copy_data(rows, (bigrams,))[0]


def copy_both(rows: Sequence[tuple[int, tuple[str, str]]]) -> tuple[bytes, bytes]:
    """`copy_data` of the same rows of (row id, (form, filter tokens)) for `search_bi`, then
    `search_uni`: a form's characters are the first ones of its bigrams, so the second table's
    keys are taken from the first one's, sorted once."""
    bi, uni = _copy_data(rows, (True, False))
    return bi, uni


def _copy_data(rows: Sequence[Sequence[Any]], tables: tuple[bool, ...]) -> list[bytes]:
    outs = [[SIGNATURE] for _ in tables]
    for start in range(0, len(rows), _ROWS_AT_ONCE):
        for out, part in zip(outs, _chunk(rows[start:start + _ROWS_AT_ONCE], tables),
                             strict=True):
            out += part
    return [b"".join([*out, TRAILER]) for out in outs]


def _chunk(rows: Sequence[Sequence[Any]], tables: tuple[bool, ...]) -> list[list[bytes]]:
    step = 3 if tables[0] else 2  # how a body given as text is read
    forms: list[str] = []
    tails: list[str] = []
    odd: dict[int, str] = {}  # rows whose body is not of the expected shape
    for i, row in enumerate(rows):
        given = row[1]
        if given.__class__ is tuple:  # (form, filter tokens), as `search._write` gives them
            forms.append(given[0])
            tails.append(given[1])
            continue
        body = text_of(given)
        end = -1 if body.startswith(" ") else body.find("  ")
        if body.startswith(" "):
            forms.append("")
            tails.append(body)
        elif end >= 0 and end % step == 1:  # "ab bc c" or "a b c": 3n - 2 or 2n - 1 characters
            forms.append(body[0:end:step])
            tails.append(body[end + 2:])
        else:
            odd[i] = body
            forms.append("")
            tails.append("")
    lengths = np.fromiter(map(len, forms), dtype=np.int64, count=len(forms))
    codes = np.frombuffer("".join(forms).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    row_of = np.repeat(np.arange(len(forms), dtype=np.uint64), lengths)
    following = np.zeros_like(codes)  # the bigram's second character; 0: the last one alone
    if tables[0] and codes.size:
        following[:-1] = codes[1:]
        following[np.cumsum(lengths)[lengths > 0] - 1] = 0
    # Stable (NumPy's timsort): the keys come in row order, runs it merges cheaply; the default
    # quicksort took twice as long (docs/search.md "Imports, session 19").
    keys = np.sort((row_of << np.uint64(2 * _BITS)) | (codes << np.uint64(_BITS)) | following,
                   kind="stable")
    # A form character among the filters' (or a token after the form that is not a filter)
    # would break their order and could repeat one: such rows are split one at a time.
    unusual = set(row_of[codes >= _FIRST_FILTER].tolist())
    out = []
    for bigrams in tables:
        if not bigrams:  # each character once: the bigrams' first ones (still sorted)
            keys &= ~np.uint64((1 << _BITS) - 1)
        if keys.size:  # each once (`np.unique` hashed them, many times slower than this sort)
            keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
        out.append(_rows(rows, keys, forms, tails, odd, unusual, bigrams))
    return out


def _rows(rows: Sequence[Sequence[Any]], keys: np.ndarray, forms: list[str], tails: list[str],
          odd: dict[int, str], unusual: set[int], bigrams: bool) -> list[bytes]:
    """The COPY rows of one table from its sorted, unique (row, character, next) keys."""
    mask = np.uint64((1 << _BITS) - 1)
    first, second = (keys >> np.uint64(_BITS)) & mask, keys & mask
    owner = (keys >> np.uint64(2 * _BITS)).astype(np.int64)
    units = np.zeros((keys.size, 5), dtype=np.uint32)  # a token's characters, then `_END`
    units[:, 0], units[:, 1] = first, second
    kept = np.ones(units.shape, dtype=bool)
    kept[:, 1] = second != 0
    text = units[kept].tobytes().decode("utf-32-le").encode()
    sizes = _utf8_length(first) + np.where(second != 0, _utf8_length(second), 0) + 3
    bounds = np.zeros(len(forms) + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, weights=sizes, minlength=len(forms)).astype(np.int64),
              out=bounds[1:])
    counts = np.bincount(owner, minlength=len(forms)).tolist()
    at = bounds.tolist()
    fields = 3 if bigrams else 2
    out: list[bytes] = []
    for i, row in enumerate(rows):
        extra, filters, only_filters = _tokens(tails[i])
        if i in odd or i in unusual or not only_filters:
            body = odd.get(i) or _body(row[1], bigrams)
            count, tokens, _ = _tokens(body)
            form = text_form(body) if bigrams else ""
        else:
            count, tokens = counts[i] + extra, text[at[i]:at[i + 1]] + filters
            form = forms[i]
        out.append(_HEAD(fields, 8, int(row[0]), 4 + len(tokens), count))
        out.append(tokens)
        if bigrams:
            encoded = form.encode()
            out.append(_INT(len(encoded)))
            out.append(encoded)
    return out
