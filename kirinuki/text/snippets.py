"""Where folded search words occur in original text, and a short snippet around them.

Search matches on `search_fold(text)`, whose length can differ from the text's (NFKC may merge or
expand characters), so matches are found in the folded text and mapped back to the original
characters they came from. Segments are plain `(text, matched)` pairs: the terminal turns the
matched ones bold, the web wraps them in escaped `<mark>`.
"""

from __future__ import annotations

from collections.abc import Sequence
from unicodedata import is_normalized

from kirinuki.text.fastfold import search_fold_with_map
from kirinuki.text.normalize import grouping_at, kana_fold

Segment = tuple[str, bool]
SNIPPET_CHARS = 120
_CONTEXT_BEFORE = 30


def highlight_spans(text: str, words: Sequence[str], kana_words: Sequence[str] = (),
                    ) -> list[tuple[int, int]]:
    """Merged (start, end) ranges of `text` where any of the search-folded `words` occurs, or
    any of `kana_words` (hiragana) in the text with its katakana made hiragana."""
    if not words and not kana_words:
        return []
    folded = text.casefold() if is_normalized("NFKC", text) else ""
    starts: list[int] | None = None
    ends: list[int] | None = None
    if len(folded) != len(text) or grouping_at(folded):
        folded, starts, ends = search_fold_with_map(text)
    # Case folding that kept every character one character: positions carry over (most
    # clips; building the maps was most of a results page's snippets: docs/search.md).
    spans: list[tuple[int, int]] = []
    for haystack, found in ((folded, words), (kana_fold(folded) if kana_words else "",
                                              kana_words)):
        for w in found:
            if not w:
                continue
            i = haystack.find(w)
            while i >= 0:
                last = i + len(w) - 1
                spans.append((i, last + 1) if starts is None or ends is None
                             else (starts[i], ends[last]))
                i = haystack.find(w, i + 1)
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
