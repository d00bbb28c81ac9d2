"""Where folded search words occur in original text, and a short snippet around them.

Search matches on `fold(text)`, whose length can differ from the text's (NFKC may merge or
expand characters), so matches are found in the folded text and mapped back to the original
characters they came from. Segments are plain `(text, matched)` pairs: the terminal turns the
matched ones bold, the web wraps them in escaped `<mark>`.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from kirinuki.text.normalize import fold

Segment = tuple[str, bool]
SNIPPET_CHARS = 120
_CONTEXT_BEFORE = 30
_JOINERS = {"\uff9e", "\uff9f", "\u3099", "\u309a"}  # voicing marks NFKC merges with the kana


# Folding one character (or cluster) at a time is the slow part of highlighting: cache it.
_fold_piece = lru_cache(maxsize=8192)(fold)


def _clusters(text: str) -> list[tuple[int, int]]:
    """(start, end) of each base character with the marks NFKC may fold into it."""
    out: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if out and (unicodedata.combining(ch) or ch in _JOINERS):
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


def fold_map(text: str) -> tuple[str, list[tuple[int, int]]] | None:
    """(fold(text), the (start, end) in `text` each folded character comes from), or None when
    folding is not piecewise for this text (then no highlight positions can be given)."""
    folded_text = fold(text)
    if folded_text == text:  # the usual case for Japanese text: positions are the same
        return text, [(i, i + 1) for i in range(len(text))]
    parts: list[str] = []
    where: list[tuple[int, int]] = []
    for start, end in _clusters(text):
        f = _fold_piece(text[start:end])
        parts.append(f)
        where.extend([(start, end)] * len(f))
    folded = "".join(parts)
    if folded != folded_text:
        return None
    return folded, where


def highlight_spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Merged (start, end) ranges of `text` where any of the folded `words` occurs."""
    mapped = fold_map(text)
    if mapped is None or not words:
        return []
    folded, where = mapped
    spans: list[tuple[int, int]] = []
    for w in words:
        if not w:
            continue
        i = folded.find(w)
        while i >= 0:
            spans.append((where[i][0], where[i + len(w) - 1][1]))
            i = folded.find(w, i + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def snippet(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS,
            ) -> list[Segment]:
    """About `width` characters of `text` around the first span, as flagged segments."""
    if len(text) <= width:
        start, end = 0, len(text)
    else:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - _CONTEXT_BEFORE, len(text) - width))
        end = start + width
    out: list[Segment] = [("…", False)] if start > 0 else []
    pos = start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        if s > pos:
            out.append((text[pos:s], False))
        out.append((text[s:e], True))
        pos = e
    if pos < end:
        out.append((text[pos:end], False))
    if end < len(text):
        out.append(("…", False))
    return out
