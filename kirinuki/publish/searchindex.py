"""The static search index: one JSON chunk of clips per month, and a small manifest.

The browser script (`static/search.js`) answers a query by a substring scan of the folded
clip text, exactly like the CLI's definition of a match, chunk by chunk, newest month first.
Text is folded here in Python (`kirinuki.text.normalize.fold`, computed by `fast_fold`: NFKC +
case folding); the script folds the query with `normalize('NFKC')` and, per character, the
table of the characters whose full case folding differs from their lower case (`ß` → `ss`),
shipped in the manifest.
"""

from __future__ import annotations

import json
from array import array
from functools import lru_cache
from typing import Any

from kirinuki.model import Clip, Entry
from kirinuki.publish import urls
from kirinuki.publish.context import SiteContext
from kirinuki.publish.views import entry_title
from kirinuki.text.fastfold import fast_fold
from kirinuki.text.normalize import tag_key, thin_grouping

FORMAT = 1
# Code points with case: everything outside the big caseless CJK, Hangul and private blocks.
_CASED_RANGES = ((0x0000, 0x3000), (0xA000, 0xAC00), (0xF900, 0x20000))


@lru_cache(maxsize=1)
def fold_table() -> dict[str, str]:
    """Characters whose case folding differs from their lower case, with their folding."""
    table: dict[str, str] = {}
    for start, end in _CASED_RANGES:
        for low, high in ((start, min(end, 0xD800)), (max(start, 0xE000), end)):  # no surrogates
            if low >= high:
                continue
            text = array("I", range(low, high)).tobytes().decode("utf-32-le")
            # Runs of 64 whose folding equals their lower case (nearly all) are passed over
            # whole, in C, rather than a test of each code point: this runs in every publish
            # (the manifest is rewritten with any new entry).
            for at in range(0, len(text), 64):
                run = text[at : at + 64]
                if run.casefold() == run.lower():
                    continue
                for ch in run:
                    folded = ch.casefold()
                    if folded != ch.lower():
                        table[ch] = folded
    return table


def _dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _clip_row(clip: Clip) -> list[Any]:
    # fast_fold: the same folding, but NFKC only where text needs it (folding every clip
    # whole was a noticeable part of a full build's CPU).
    # Thin spaces grouping digits become commas (same length), which the script drops.
    folded = fast_fold(thin_grouping(clip.text))
    site = fast_fold(clip.citation.site) if clip.citation is not None and clip.citation.site else ""
    # The folded text is stored only where it differs from the text, to halve the size.
    return [clip.id or 0, clip.text, 0 if folded == clip.text else folded, site]


def chunk(ctx: SiteContext, positions: tuple[int, ...], entries: dict[int, Entry]) -> bytes:
    """The search chunk of one month: its entries newest first, each with its groups' tag keys
    and clips."""
    rows: list[Any] = []
    for pos in reversed(positions):
        meta = ctx.entries[pos]
        groups = []
        for g in entries[pos].groups:
            keys = []
            for t in g.tags:
                k = tag_key(t.name)
                keys.append(ctx.aliases.get(k, k))
            groups.append([keys, [_clip_row(c) for c in g.clips]])
        rows.append([meta.id, urls.entry_url(meta.permalink), entry_title(meta),
                     meta.day, groups, meta.permalink.rstrip("/")])
    return _dumps({"v": FORMAT, "entries": rows})


CHUNK_HEAD = _dumps({"v": FORMAT, "entries": []})[:-2]  # what every chunk starts with


def chunk_before(ctx: SiteContext, positions: tuple[int, ...], entries: dict[int, Entry],
                 older: bytes) -> bytes:
    """The search chunk of a month whose newer entries are at `positions` and whose older
    ones are those of `older`, their chunk (as `chunk` made it): the same bytes as `chunk`
    of them all, the older rows copied."""
    newer = chunk(ctx, positions, entries)
    return newer[:-2] + b"," + older[len(CHUNK_HEAD):]


def manifest(chunks: tuple[tuple[tuple[int, int], str, int], ...],
             aliases: dict[str, str]) -> bytes:
    """The index manifest: the chunks newest first (with a version for caches), the fold
    table and the tag aliases (old key -> tag key)."""
    listed = [{"url": f"/search/{y:04d}-{m:02d}.json?v={version}", "month": f"{y:04d}-{m:02d}",
               "entries": n} for (y, m), version, n in sorted(chunks, reverse=True)]
    return _dumps({"v": FORMAT, "fold": fold_table(), "aliases": aliases, "chunks": listed})
