"""`normalize.fold` computed piece by piece: the same result, a fraction of the time, and a map
from every folded character back to the characters it came from.

NFKC of a whole clip is slow as soon as one character in it needs normalising (a full-width
`＝` is enough), and ranking folds hundreds of clips per query. Normalisation
can be split before any "safe" character: a starter (combining class 0) that is unchanged by
NFKC and cannot combine with what precedes it (Unicode's "boundary before", UAX #15). So only
the runs of unsafe characters, each with the character before it, go through NFKC; the rest is
only case-folded, which works character by character. A test compares both functions here
with `fold` on arbitrary Unicode text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from unicodedata import is_normalized as _is_normalized

from kirinuki.text.normalize import drop_grouping, fold, grouping_at, thin_grouping

# Hangul vowel and trailing consonant jamo compose with the syllable before them.
_HANGUL_VT = "\u1161-\u1175\u11a8-\u11c2"


def unsafe_ranges() -> str:
    """The BMP characters before which normalisation may not be split, as the ranges of a
    regular expression's class, from the Unicode database of this Python (a pass over the
    BMP)."""
    unsafe: set[int] = set()
    for cp in range(0x80, 0x10000):
        ch = chr(cp)
        decomposition = unicodedata.decomposition(ch)
        if not decomposition:
            if unicodedata.combining(ch):
                unsafe.add(cp)
            continue
        # Precomposed kana and accented letters are their own NFKC: safe. Compatibility
        # characters (full-width, half-width, ligatures) are not.
        if unicodedata.combining(ch) or unicodedata.normalize("NFKC", ch) != ch:
            unsafe.add(cp)
        if not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2 and not unicodedata.combining(chr(int(parts[1], 16))):
                unsafe.add(int(parts[1], 16))  # a starter that composes with its predecessor
    ranges: list[tuple[int, int]] = []
    for cp in sorted(unsafe):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


# `unsafe_ranges()` for the Unicode version below, kept: making them costs a publish of one
# entry more than folding its clips (tests/search compares them with the database's).
UNIDATA_VERSION = "14.0.0"
UNSAFE_RANGES = (
    "\\u00a0\\u00a8\\u00aa\\u00af\\u00b2-\\u00b5\\u00b8-\\u00ba\\u00bc-\\u00be\\u0132-\\u0133"
    "\\u013f-\\u0140\\u0149\\u017f\\u01c4-\\u01cc\\u01f1-\\u01f3\\u02b0-\\u02b8\\u02d8-\\u02dd"
    "\\u02e0-\\u02e4\\u0300-\\u034e\\u0350-\\u036f\\u0374\\u037a\\u037e\\u0384-\\u0385\\u0387"
    "\\u03d0-\\u03d6\\u03f0-\\u03f2\\u03f4-\\u03f5\\u03f9\\u0483-\\u0487\\u0587\\u0591-\\u05bd\\u05bf"
    "\\u05c1-\\u05c2\\u05c4-\\u05c5\\u05c7\\u0610-\\u061a\\u064b-\\u065f\\u0670\\u0675-\\u0678"
    "\\u06d6-\\u06dc\\u06df-\\u06e4\\u06e7-\\u06e8\\u06ea-\\u06ed\\u0711\\u0730-\\u074a\\u07eb-\\u07f3"
    "\\u07fd\\u0816-\\u0819\\u081b-\\u0823\\u0825-\\u0827\\u0829-\\u082d\\u0859-\\u085b\\u0898-\\u089f"
    "\\u08ca-\\u08e1\\u08e3-\\u08ff\\u093c\\u094d\\u0951-\\u0954\\u0958-\\u095f\\u09bc\\u09be\\u09cd"
    "\\u09d7\\u09dc-\\u09dd\\u09df\\u09fe\\u0a33\\u0a36\\u0a3c\\u0a4d\\u0a59-\\u0a5b\\u0a5e\\u0abc\\u0acd"
    "\\u0b3c\\u0b3e\\u0b4d\\u0b56-\\u0b57\\u0b5c-\\u0b5d\\u0bbe\\u0bcd\\u0bd7\\u0c3c\\u0c4d"
    "\\u0c55-\\u0c56\\u0cbc\\u0cc2\\u0ccd\\u0cd5-\\u0cd6\\u0d3b-\\u0d3c\\u0d3e\\u0d4d\\u0d57\\u0dca"
    "\\u0dcf\\u0ddf\\u0e33\\u0e38-\\u0e3a\\u0e48-\\u0e4b\\u0eb3\\u0eb8-\\u0eba\\u0ec8-\\u0ecb"
    "\\u0edc-\\u0edd\\u0f0c\\u0f18-\\u0f19\\u0f35\\u0f37\\u0f39\\u0f43\\u0f4d\\u0f52\\u0f57\\u0f5c\\u0f69"
    "\\u0f71-\\u0f7d\\u0f80-\\u0f84\\u0f86-\\u0f87\\u0f93\\u0f9d\\u0fa2\\u0fa7\\u0fac\\u0fb5\\u0fb7"
    "\\u0fb9\\u0fc6\\u102e\\u1037\\u1039-\\u103a\\u108d\\u10fc\\u135d-\\u135f\\u1714-\\u1715\\u1734"
    "\\u17d2\\u17dd\\u18a9\\u1939-\\u193b\\u1a17-\\u1a18\\u1a60\\u1a75-\\u1a7c\\u1a7f\\u1ab0-\\u1abd"
    "\\u1abf-\\u1ace\\u1b34-\\u1b35\\u1b44\\u1b6b-\\u1b73\\u1baa-\\u1bab\\u1be6\\u1bf2-\\u1bf3\\u1c37"
    "\\u1cd0-\\u1cd2\\u1cd4-\\u1ce0\\u1ce2-\\u1ce8\\u1ced\\u1cf4\\u1cf8-\\u1cf9\\u1d2c-\\u1d2e"
    "\\u1d30-\\u1d3a\\u1d3c-\\u1d4d\\u1d4f-\\u1d6a\\u1d78\\u1d9b-\\u1dff\\u1e9a-\\u1e9b\\u1f71\\u1f73"
    "\\u1f75\\u1f77\\u1f79\\u1f7b\\u1f7d\\u1fbb\\u1fbd-\\u1fc1\\u1fc9\\u1fcb\\u1fcd-\\u1fcf\\u1fd3\\u1fdb"
    "\\u1fdd-\\u1fdf\\u1fe3\\u1feb\\u1fed-\\u1fef\\u1ff9\\u1ffb\\u1ffd-\\u1ffe\\u2000-\\u200a\\u2011"
    "\\u2017\\u2024-\\u2026\\u202f\\u2033-\\u2034\\u2036-\\u2037\\u203c\\u203e\\u2047-\\u2049\\u2057"
    "\\u205f\\u2070-\\u2071\\u2074-\\u208e\\u2090-\\u209c\\u20a8\\u20d0-\\u20dc\\u20e1\\u20e5-\\u20f0"
    "\\u2100-\\u2103\\u2105-\\u2107\\u2109-\\u2113\\u2115-\\u2116\\u2119-\\u211d\\u2120-\\u2122\\u2124"
    "\\u2126\\u2128\\u212a-\\u212d\\u212f-\\u2131\\u2133-\\u2139\\u213b-\\u2140\\u2145-\\u2149"
    "\\u2150-\\u217f\\u2189\\u222c-\\u222d\\u222f-\\u2230\\u2329-\\u232a\\u2460-\\u24ea\\u2a0c"
    "\\u2a74-\\u2a76\\u2adc\\u2c7c-\\u2c7d\\u2cef-\\u2cf1\\u2d6f\\u2d7f\\u2de0-\\u2dff\\u2e9f\\u2ef3"
    "\\u2f00-\\u2fd5\\u3000\\u302a-\\u302f\\u3036\\u3038-\\u303a\\u3099-\\u309c\\u309f\\u30ff"
    "\\u3131-\\u318e\\u3192-\\u319f\\u3200-\\u321e\\u3220-\\u3247\\u3250-\\u327e\\u3280-\\u33ff\\ua66f"
    "\\ua674-\\ua67d\\ua69c-\\ua69f\\ua6f0-\\ua6f1\\ua770\\ua7f2-\\ua7f4\\ua7f8-\\ua7f9\\ua806\\ua82c"
    "\\ua8c4\\ua8e0-\\ua8f1\\ua92b-\\ua92d\\ua953\\ua9b3\\ua9c0\\uaab0\\uaab2-\\uaab4\\uaab7-\\uaab8"
    "\\uaabe-\\uaabf\\uaac1\\uaaf6\\uab5c-\\uab5f\\uab69\\uabed\\uf900-\\ufa0d\\ufa10\\ufa12"
    "\\ufa15-\\ufa1e\\ufa20\\ufa22\\ufa25-\\ufa26\\ufa2a-\\ufa6d\\ufa70-\\ufad9\\ufb00-\\ufb06"
    "\\ufb13-\\ufb17\\ufb1d-\\ufb36\\ufb38-\\ufb3c\\ufb3e\\ufb40-\\ufb41\\ufb43-\\ufb44\\ufb46-\\ufbb1"
    "\\ufbd3-\\ufd3d\\ufd50-\\ufd8f\\ufd92-\\ufdc7\\ufdf0-\\ufdfc\\ufe10-\\ufe19\\ufe20-\\ufe44"
    "\\ufe47-\\ufe52\\ufe54-\\ufe66\\ufe68-\\ufe6b\\ufe70-\\ufe72\\ufe74\\ufe76-\\ufefc\\uff01-\\uffbe"
    "\\uffc2-\\uffc7\\uffca-\\uffcf\\uffd2-\\uffd7\\uffda-\\uffdc\\uffe0-\\uffe6\\uffe8-\\uffee"
)


@lru_cache(maxsize=1)
def _unsafe() -> re.Pattern[str]:
    """Characters before which normalisation may not be split (every astral one, to be short)."""
    body = UNSAFE_RANGES if unicodedata.unidata_version == UNIDATA_VERSION else unsafe_ranges()
    return re.compile(f"[{body}{_HANGUL_VT}\U00010000-\U0010ffff]+")


def fold_with_map(text: str) -> tuple[str, list[int], list[int]]:
    """(fold(text), starts, ends): folded character k comes from text[starts[k]:ends[k]]
    (one character, or the piece NFKC merged it from)."""
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def plain(a: int, b: int) -> None:
        folded = text[a:b].casefold()
        if len(folded) == b - a:  # case folding never shortens: one character each
            parts.append(folded)
            starts.extend(range(a, b))
            ends.extend(range(a + 1, b + 1))
            return
        for i in range(a, b):
            one = text[i].casefold()
            parts.append(one)
            starts.extend([i] * len(one))
            ends.extend([i + 1] * len(one))

    pos = 0
    for m in _unsafe().finditer(text):
        start = max(m.start() - 1, pos)
        plain(pos, start)
        piece = fold(text[start:m.end()])
        # Full-width and other compatibility characters fold one by one: each keeps its own
        # place (a highlight of `3800` in `は３，８００` must not take the `は`).
        singles = [fold(c) for c in text[start:m.end()]]
        if "".join(singles) == piece:
            for k, one in enumerate(singles):
                parts.append(one)
                starts.extend([start + k] * len(one))
                ends.extend([start + k + 1] * len(one))
        else:
            parts.append(piece)
            starts.extend([start] * len(piece))
            ends.extend([m.end()] * len(piece))
        pos = m.end()
    plain(pos, len(text))
    return "".join(parts), starts, ends


def fast_fold(text: str) -> str:
    """Exactly `fold(text)`, normalising only the pieces that need it."""
    # Most clips are NFKC already (then fold is case folding alone); the C quick check says
    # so several times faster than the unsafe-character search.
    if _is_normalized("NFKC", text):
        return text.casefold()
    if _unsafe().search(text) is None:
        return text.casefold()
    out: list[str] = []
    pos = 0
    for m in _unsafe().finditer(text):
        start = max(m.start() - 1, pos)
        out.append(text[pos:start].casefold())
        out.append(fold(text[start:m.end()]))
        pos = m.end()
    out.append(text[pos:].casefold())
    return "".join(out)


def fast_search_fold(text: str) -> str:
    """Exactly `normalize.search_fold(text)`: `fast_fold` without digit grouping."""
    return drop_grouping(fast_fold(thin_grouping(text)))


def search_fold_with_map(text: str) -> tuple[str, list[int], list[int]]:
    """`fold_with_map` for `search_fold`: the grouping commas dropped from text and map."""
    folded, starts, ends = fold_with_map(thin_grouping(text))  # thin spaces: same length
    gone = grouping_at(folded)
    if not gone:
        return folded, starts, ends
    drop = set(gone)
    keep = [k for k in range(len(folded)) if k not in drop]
    return ("".join(folded[k] for k in keep), [starts[k] for k in keep],
            [ends[k] for k in keep])
