"""Facet columns of every indexed clip, kept in a file beside the journal: the month and tag
facets over all matches of a query (what `kirinuki search` shows) counted with NumPy.

Counting them in SQLite joins every match to `search_docs` and groups by (month, tags): 355 ms
for the 406,778 matches of `中` at 1M clips, where FTS5 counts them in 17 ms. Here the matches
come out of FTS5 as one string of row ids (`search_facets.listed`), and each clip's tag list is
looked up by position in an array: month counts are row id ranges (row ids follow the clips'
dates), tag counts a `bincount` over tag lists. The columns are read from `search_docs` once per
change of the index (`search_facets.generation`: ~1 s at 1M clips) and written to
`<journal>-searchfacts`, so a new process loads them in milliseconds; a journal in memory
builds them for each search, a folder that cannot be written keeps them in the process.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections import Counter
from dataclasses import dataclass

import numpy as np

from kirinuki.store.sqlite import search_facets as sf
from kirinuki.store.sqlite.db import Store

VERSION = 1  # of the file's layout
# A row id map wider than this many times the clips falls back to a binary search.
MAX_SPREAD = 8


@dataclass
class Facts:
    """Facet columns for one generation of the index."""

    key: tuple[int, ...]
    base: int  # the first row id
    docids: np.ndarray  # ascending, int64
    slot: np.ndarray  # tag list number of row id base + i (-1: no clip), or empty
    lists: np.ndarray  # tag list number of each clip (by position), when `slot` is empty
    month_starts: np.ndarray  # position of the first clip of each month
    months: np.ndarray  # YYYYMM of each of those months (0: undated)
    list_starts: np.ndarray  # of each tag list in `pool`
    list_lens: np.ndarray
    pool: np.ndarray  # tag ids

    def count(self, ids: np.ndarray) -> tuple[Counter[int], Counter[int]]:
        """(matches per YYYYMM, per tag id) of ascending row ids."""
        if not len(ids):
            return Counter(), Counter()
        # Row ids the columns do not hold (a commit between reading them and the matches)
        # count nothing.
        if len(self.slot):
            at = ids - self.base
            if at[0] < 0 or at[-1] >= len(self.slot):  # ascending: the ends tell
                keep = (at >= 0) & (at < len(self.slot))
                ids, at = ids[keep], at[keep]
            lists = self.slot[at]
            if len(lists) and lists.min() < 0:
                ids, lists = ids[lists >= 0], lists[lists >= 0]
            bounds = np.searchsorted(ids, self.docids[self.month_starts])
        else:
            pos = np.minimum(np.searchsorted(self.docids, ids), len(self.docids) - 1)
            pos = pos[self.docids[pos] == ids]
            lists = self.lists[pos]
            bounds = np.searchsorted(pos, self.month_starts)
        if not len(lists):
            return Counter(), Counter()
        per_month = np.diff(np.append(bounds, len(ids)))
        months = Counter({int(m): int(n) for m, n in zip(self.months.tolist(),
                                                         per_month.tolist(), strict=True) if n})
        per_list = np.bincount(lists, minlength=len(self.list_lens))
        used = np.nonzero(per_list)[0]
        lens = self.list_lens[used]
        runs = (np.repeat(self.list_starts[used] - (np.cumsum(lens) - lens), lens)
                + np.arange(int(lens.sum())))
        tag_counts = np.bincount(self.pool[runs], weights=np.repeat(per_list[used], lens))
        nz = np.nonzero(tag_counts)[0]
        return months, Counter(dict(zip(nz.tolist(), tag_counts[nz].astype(np.int64).tolist(),
                                        strict=True)))


def parse_ids(text: str, base: int) -> np.ndarray:
    """Numbers from a comma-separated `text` (as `search_facets.listed(..., base)` gives them),
    plus `base`, in the order given."""
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",") + base


def ascending(ids: np.ndarray) -> np.ndarray:
    """`ids` (distinct) in ascending order: as they are when they already are (checking is
    one pass; SQLite's FTS5 yields them so), else sorted."""
    if len(ids) > 1 and not bool((ids[1:] > ids[:-1]).all()):
        return np.sort(ids)
    return ids


def _build(store: Store, key: tuple[int, ...]) -> Facts:
    # Three strings from C instead of a million rows (docs/search.md, Measurements).
    first = sf.first_docid(store)
    ids_text, months_text, tags_text = sf.all_facts(store, first)
    docids = parse_ids(ids_text, first)
    n = len(docids)
    yms = parse_ids(months_text, 0)
    numbers: dict[str, int] = {}
    lists = np.fromiter((numbers.setdefault(t, len(numbers)) for t in tags_text.split("|")),
                        np.int64, n) if n else np.zeros(0, dtype=np.int64)
    split = [[int(t) for t in text.split()] for text in numbers]
    lens = np.array([len(s) for s in split], dtype=np.int64)
    pool = np.array([t for s in split for t in s], dtype=np.int64)
    change = np.flatnonzero(np.diff(yms)) + 1 if n else np.zeros(0, dtype=np.int64)
    starts = np.concatenate([[0], change]).astype(np.int64) if n else change
    base = int(docids[0]) if n else 0
    span = int(docids[-1]) - base + 1 if n else 0
    slot = np.zeros(0, dtype=np.int32)
    if n and span <= MAX_SPREAD * max(n, 128):
        slot = np.full(span, -1, dtype=np.int32)
        slot[docids - base] = lists
    return Facts(key, base, docids, slot, lists if not len(slot) else np.zeros(0, np.int64),
                 starts, yms[starts] if n else yms, np.cumsum(lens) - lens, lens, pool)


_FIELDS = ("docids", "slot", "lists", "month_starts", "months", "list_starts", "list_lens",
           "pool")
_kept: dict[str, Facts] = {}
_lock = threading.Lock()


def _file(store: Store) -> str | None:
    path = store.path
    return None if not path or path == ":memory:" or path.startswith("file:") else \
        path + "-searchfacts"


def _load(path: str, key: tuple[int, ...]) -> Facts | None:
    """The columns in the file when it holds this generation (memory-mapped: a new process
    reads only the pages a query touches; loading a 17 MB .npz took ~80 ms)."""
    try:
        with open(path, "rb") as f:
            size = int.from_bytes(f.read(8), "little")
            head = json.loads(f.read(size))
        if head.get("key") != [VERSION, *key]:
            return None
        arrays = [np.memmap(path, dtype=np.dtype(dt), mode="r", offset=off, shape=(n,))
                  if n else np.zeros(0, dtype=np.dtype(dt)) for dt, n, off in head["arrays"]]
        return Facts(key, int(head["base"]), *arrays)
    except (OSError, ValueError, KeyError, TypeError):  # missing, damaged, another layout
        return None


def _save(path: str, facts: Facts) -> None:
    """Write the columns: a JSON header, then each array's bytes (8-byte aligned)."""
    arrays = [np.ascontiguousarray(getattr(facts, f)) for f in _FIELDS]
    sizes = [-(-a.nbytes // 8) * 8 for a in arrays]
    head_room = 64 + 200 * len(arrays)  # the JSON header: well under this
    offsets = [8 + head_room + sum(sizes[:i]) for i in range(len(arrays))]
    raw = json.dumps({"key": [VERSION, *facts.key], "base": facts.base,
                      "arrays": [[a.dtype.str, len(a), at] for a, at in
                                 zip(arrays, offsets, strict=True)]}).encode()
    if len(raw) > head_room:
        return
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(len(raw).to_bytes(8, "little") + raw)
            for a, at in zip(arrays, offsets, strict=True):
                f.seek(at)
                f.write(a.tobytes())
        os.replace(tmp, path)
    except OSError:  # a read-only folder: the columns stay in this process
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def facts(store: Store) -> Facts:
    """The facet columns of the index as it is now (read, loaded or built)."""
    key = sf.generation(store)
    path = _file(store)
    if path is None:
        return _build(store, key)
    with _lock:
        found = _kept.get(path)
    if found is not None and found.key == key:
        return found
    found = _load(path, key)
    if found is None:
        found = _build(store, key)
        # Written only when nothing changed while reading (another process's commit).
        if sf.generation(store) == key:
            _save(path, found)
    with _lock:
        _kept[path] = found
    return found
