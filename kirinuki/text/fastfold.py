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


@lru_cache(maxsize=1)
def _unsafe() -> re.Pattern[str]:
    """Characters before which normalisation may not be split (every astral one, to be short)."""
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
    body = "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)
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


# Texts that need NFKC are folded whole until this many have been: making the table of
# unsafe characters (a pass over the BMP) costs as much as folding several hundred clips
# whole, more than a publish of one entry folds (docs/publish.md).
WHOLE_FIRST = 256
_whole_left = [WHOLE_FIRST]


def fast_fold(text: str) -> str:
    """Exactly `fold(text)`, normalising only the pieces that need it."""
    # Most clips are NFKC already (then fold is case folding alone); the C quick check says
    # so several times faster than the unsafe-character search.
    if _is_normalized("NFKC", text):
        return text.casefold()
    if _whole_left[0]:
        _whole_left[0] -= 1
        return fold(text)
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
