"""The one-off version analysis of a whole journal (its first publish after a bulk import)
in bounded memory: candidate pairs from the stored sketches without the LSH index
(`analysis.pairs.sketch_pairs`), verified block by block (`analysis.pairs.verify_blocked`).
The same links as probing every clip through the index, for a fraction of the memory.
"""

from __future__ import annotations

import contextlib
import ctypes
from collections.abc import Sequence

import numpy as np

from kirinuki.analysis.duplicates import VERSION, Item, Thresholds
from kirinuki.analysis.lsh import DEFAULT_PARAMS, Sketches
from kirinuki.analysis.pairs import sketch_pairs, verify_blocked
from kirinuki.analysis.versions import describe_change
from kirinuki.store.sqlite import related as rows
from kirinuki.store.sqlite.db import Store

# Prepared clips held at once (~4 KB each with their clip: ~400 MB); more clips are verified
# in blocks, each clip prepared about 1 + clips / (2 × 7/8 HELD) times.
HELD = 100_000


def _release() -> None:
    """Give the heap's free pages back to the system: glibc keeps what the pairs' arrays and
    the previous block's clips freed."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL(None).malloc_trim(0)


def clip_item(r: rows.ClipRow) -> Item:
    """A stored clip as analysis sees it."""
    return Item(r.clip_id, r.text, r.published, r.article, r.entry_id,
                r.group_pos * 10_000 + r.pos)


def all_version_links(store: Store, version: int, new: Sequence[int], t: Thresholds,
                      held: int = 0) -> list[tuple[int, int, str]]:
    """(later clip, earlier clip, change) for each version link touching a clip of `new`,
    from every stored sketch of this version; `held`: clips held prepared (0: `HELD`)."""
    mapped = store.mapped
    # Every page read through the map (the whole journal's text) would count as our memory.
    store.map_memory(False)
    try:
        ids, blobs = rows.sketches(store, version)
        sk = Sketches.from_bytes(blobs, DEFAULT_PARAMS)
        del blobs
        codes, _ = sketch_pairs(sk, DEFAULT_PARAMS, min_estimate=t.candidate)
        del sk
        a, b = _touching(codes, ids, new)
        del codes
        return _verify(store, ids, a, b, t, held)
    finally:
        store.map_memory(mapped)


def version_links(store: Store, ids: list[int], sk: Sketches, new: Sequence[int],
                  t: Thresholds, held: int = 0) -> list[tuple[int, int, str]]:
    """`all_version_links` with the sketches given (row i: clip `ids[i]`)."""
    codes, _ = sketch_pairs(sk, DEFAULT_PARAMS, min_estimate=t.candidate)
    a, b = _touching(codes, ids, new)
    del codes
    return _verify(store, ids, a, b, t, held)


def _touching(codes: np.ndarray, ids: list[int], new: Sequence[int],
              ) -> tuple[np.ndarray, np.ndarray]:
    """The rows (a, b) of the pair codes with a clip of `new` (uint32: 8 bytes a pair)."""
    wanted = np.isin(np.asarray(ids, dtype=np.int64), np.asarray(new, dtype=np.int64))
    a, b = (codes >> 32).astype(np.uint32), (codes & 0xFFFFFFFF).astype(np.uint32)
    keep = wanted[a] | wanted[b]
    return a[keep], b[keep]


def _verify(store: Store, ids: list[int], a: np.ndarray, b: np.ndarray, t: Thresholds,
            held: int) -> list[tuple[int, int, str]]:
    def items_of(rs: Sequence[int]) -> dict[int, Item]:
        row_of = {ids[r]: r for r in rs}
        return {row_of[c.clip_id]: clip_item(c) for c in rows.clips_by_id(store, list(row_of))}

    out = []
    for link, x, y in verify_blocked(a, b, items_of, held or HELD, t, between=_release):
        if link.match.kind == VERSION:
            change = describe_change(x.text, y.text)
            if not change.empty:
                out.append((link.b, link.a, change.describe()))
    return out
