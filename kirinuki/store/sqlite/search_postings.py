"""Query matches from row id lists kept in memory: for a server answering many queries.

A query's MATCH string makes SQLite FTS5 walk every doclist of every word again on each
query (phrase positions of each bigram, then the count, the newest window and the facets
each read them anew).
Queries share words far more than they repeat whole, so `Postings` keeps, per FTS5
expression of one atom (a word's bigram phrase, a tag, a source, an entry, the published
token), the sorted row ids it matches, and answers a query with set operations on those
arrays: AND intersects, OR unites, exclusion subtracts, a date range slices. The row ids are
exactly the ones the query's MATCH string would give (same expressions, same tables), so
the results are the same; only plans the index answers exactly are handled here.

The arrays hold for one state of the journal: the caller passes a change mark, and any
other mark empties the cache. `MAX_BYTES` bounds the memory kept.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from itertools import chain
from typing import Any, TypeVar

import numpy as np

from kirinuki.store.sqlite import search_facets as sf
from kirinuki.store.sqlite import search_plan as sp
from kirinuki.store.sqlite import search_query as sq
from kirinuki.store.sqlite import search_rows as sr
from kirinuki.store.sqlite.db import Store
from kirinuki.store.sqlite.search import bracket
from kirinuki.store.sqlite.search_tokens import (
    ALL,
    ENTRY,
    PUBLIC,
    SOURCE,
    TAG,
    index_form,
)
from kirinuki.text.query import Atom, EntryRef, Query, Source, Tag, Word

MAX_BYTES = 128 << 20  # room for the words of a busy server (docs/search.md, Measurements)
MAX_MATCHED = 8
MAX_VALUES = 4096
T = TypeVar("T")
FACT_BLOCK = 2048  # clips whose (month, tags) are read at once: one short SQLite read
MAX_TEXTS = 160_000  # folded texts of this many clips: ~86 MB (160-character clips)
Ids = np.ndarray


class Postings:
    """Sorted row ids per atom expression, for one change mark of the journal (thread-safe)."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.max_texts = MAX_TEXTS
        self._lock = threading.Lock()
        self._mark: object = None
        self._ids: OrderedDict[tuple[str, str], Ids] = OrderedDict()
        self._bytes = 0
        # Per block of row ids: the clips' (YYYYMM, tag ids) for facets, as arrays counted by
        # NumPy (faster than a dict per clip, or SQLite, for a window of 1000 rows). Per
        # row id: the folded text for ranking. Windows of different queries are all newest
        # matches, so they overlap: the same recent clips come back again and again.
        self._facts: FactColumns | None = None
        self._folded: OrderedDict[int, str] = OrderedDict()
        # The matches of the last few queries: a results page asks for its hits and then for
        # its total and facets, each finding the same matches (intersections done once).
        self._matched: OrderedDict[object, Ids] = OrderedDict()
        # Small answers that hold for the whole change mark: a date's place among the row ids
        # (a binary search of ~26 SQLite reads), the floor of the newest clips for document
        # frequencies (an OFFSET scan of 20,000 rows).
        self._values: OrderedDict[object, Any] = OrderedDict()

    def _check(self, mark: object) -> None:
        """Empty everything when the journal changed (call under the lock)."""
        if mark != self._mark:
            self._ids.clear()
            self._facts = None
            self._folded.clear()
            self._matched.clear()
            self._values.clear()
            self._bytes, self._mark = 0, mark

    def ids(self, store: Store, table: str, expr: str, mark: object) -> Ids:
        """The row ids (ascending, int64) matching `expr` in `table` as of change `mark`."""
        key = (table, expr)
        with self._lock:
            self._check(mark)
            found = self._ids.get(key)
            if found is not None:
                self._ids.move_to_end(key)
                return found
        found = sq.all_rowids(store, table, expr)
        with self._lock:
            if mark == self._mark and key not in self._ids:
                self._ids[key] = found
                self._bytes += found.nbytes
                while self._bytes > self.max_bytes and len(self._ids) > 1:
                    _, old = self._ids.popitem(last=False)
                    self._bytes -= old.nbytes
        return found

    def matched(self, key: object, mark: object, find: Callable[[], Ids]) -> Ids:
        """The matches of the query `key` as of `mark`: kept ones, or `find()`'s."""
        return self._memo(self._matched, MAX_MATCHED, key, mark, find)

    def kept(self, key: object, mark: object, compute: Callable[[], T]) -> T:
        """`compute()` for `key` as of `mark`, computed once per mark (small values only)."""
        return self._memo(self._values, MAX_VALUES, key, mark, compute)

    def _memo(self, kept: OrderedDict[object, Any], bound: int, key: object, mark: object,
              compute: Callable[[], T]) -> T:
        """`compute()` for `key`, kept in `kept` for this mark, the oldest out past `bound`."""
        with self._lock:
            self._check(mark)
            if key in kept:
                kept.move_to_end(key)
                known: T = kept[key]
                return known
        value = compute()
        with self._lock:
            if mark == self._mark:
                kept[key] = value
                while len(kept) > bound:
                    kept.popitem(last=False)
        return value

    def bracket(self, mark: object) -> sp.Bracket:
        """`bracket` remembering its answers for this mark."""
        return lambda store, key: self.kept(("bracket", key), mark,
                                            lambda: bracket(store, key))

    def drafts(self, mark: object) -> sp.Drafts:
        """`draft_ids` remembering its answer for this mark (a round trip per search on
        PostgreSQL otherwise)."""
        return lambda store: self.kept(("drafts",), mark, lambda: sp.draft_ids(store))

    def tag_names(self, store: Store, ids: list[int], mark: object,
                  ) -> dict[int, tuple[str, str]]:
        """(key, display) of these tag ids, as `sf.tag_names`; the names read are kept for
        this mark (the facets of most queries are the same common tags)."""
        names: dict[int, tuple[str, str] | None] = self.kept(("tag names",), mark, dict)
        with self._lock:
            missing = [t for t in ids if t not in names]
        if missing:
            read = sf.tag_names(store, missing)
            with self._lock:
                # A tag id without a row (None) is not asked again for this mark either.
                names.update({t: read.get(t) for t in missing})
        return {t: n for t in ids if (n := names.get(t)) is not None}

    def facets(self, store: Store, docids: list[int], mark: object,
               ) -> tuple[Counter[int], Counter[int]]:
        """(matches per YYYYMM, per tag id) of these row ids, as `sf.facet_counts_of`."""
        with self._lock:
            self._check(mark)
            if self._facts is None:
                self._facts = FactColumns(store)
            facts = self._facts
        with facts.lock:
            months, tags = facts.gather(store, np.asarray(docids, dtype=np.int64))
        return _counted(months), _counted(tags)

    def folded(self, store: Store, docids: list[int], mark: object) -> dict[int, str]:
        """The folded text of each of these row ids still present."""
        with self._lock:
            self._check(mark)
            known = {d: t for d in docids if (t := self._folded.get(d)) is not None}
        missing = [d for d in docids if d not in known]
        fetched = sr.folded_texts(store, missing) if missing else {}
        with self._lock:
            if mark == self._mark:
                for d in known:
                    if d in self._folded:  # another thread may have evicted it meanwhile
                        self._folded.move_to_end(d)
                self._folded.update(fetched)
                while len(self._folded) > self.max_texts:
                    self._folded.popitem(last=False)
        known.update(fetched)
        return known


class FactColumns:
    """(YYYYMM, tag ids) of every indexed clip, by position in row id order, as arrays read a
    block of FACT_BLOCK clips at a time when first needed (reading them all at once would
    stall the first query). Use under `lock`."""

    def __init__(self, store: Store) -> None:
        self.lock = threading.Lock()
        self.docids = sf.all_docids(store)
        n = len(self.docids)
        self.loaded = np.zeros((n + FACT_BLOCK - 1) // FACT_BLOCK, dtype=bool)
        self.months = np.zeros(n, dtype=np.int32)
        self.starts = np.zeros(n, dtype=np.int64)  # of each clip's tag ids in `pool`
        self.lens = np.zeros(n, dtype=np.int64)
        self.pool = np.zeros(max(n, 16), dtype=np.int64)
        self.used = 0

    def _read(self, store: Store, block: int) -> None:
        first = block * FACT_BLOCK
        last = min(first + FACT_BLOCK, len(self.docids)) - 1
        rows = sf.facts_between(store, int(self.docids[first]), int(self.docids[last]))
        # A commit racing this read (the next request sees a new mark) may have added or
        # dropped rows: each row goes where its row id is, clips gone count nothing.
        got = np.fromiter((r[0] for r in rows), np.int64, len(rows))
        at = np.minimum(np.searchsorted(self.docids, got), len(self.docids) - 1)
        keep = self.docids[at] == got
        split = [tags.split() for (_, _, tags), k in zip(rows, keep.tolist(), strict=True) if k]
        at = at[keep]
        lens = np.fromiter(map(len, split), dtype=np.int64, count=len(split))
        total = int(lens.sum())
        if self.used + total > len(self.pool):
            self.pool = np.concatenate([self.pool, np.zeros(max(len(self.pool), total),
                                                            dtype=np.int64)])
        self.pool[self.used:self.used + total] = np.fromiter(
            map(int, chain.from_iterable(split)), dtype=np.int64, count=total)
        months = np.fromiter((r[1] for r in rows), np.int32, len(rows))
        self.months[at] = months[keep]
        self.lens[at] = lens
        self.starts[at] = self.used + np.cumsum(lens) - lens
        self.used += total
        self.loaded[block] = True

    def gather(self, store: Store, ids: Ids) -> tuple[list[Ids], list[Ids]]:
        """([months], [tag ids]) of those of `ids` still indexed, one value per clip and tag."""
        if not len(ids) or not len(self.docids):
            return [], []
        at = np.minimum(np.searchsorted(self.docids, ids), len(self.docids) - 1)
        at = at[self.docids[at] == ids]
        blocks = np.unique(at // FACT_BLOCK)
        for block in blocks[~self.loaded[blocks]].tolist():
            self._read(store, block)
        starts, lens = self.starts[at], self.lens[at]
        total = int(lens.sum())
        # Each clip's run of tag ids: its start repeated over its length, plus 0, 1, ...
        runs = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(total)
        return [self.months[at]], [self.pool[runs]]


def _counted(parts: list[Ids]) -> Counter[int]:
    if not parts:
        return Counter()
    values, counts = np.unique(np.concatenate(parts), return_counts=True)
    return Counter(dict(zip(values.tolist(), counts.tolist(), strict=True)))


def atom_ids(cache: Postings, store: Store, plan: sp.Plan, atom: Atom, mark: object) -> Ids:
    if isinstance(atom, Word):
        # One-character words from the unigram table: no positions to read.
        table = "search_uni" if len(index_form(atom.text)) == 1 else "search_bi"
        return cache.ids(store, table, sp.word_expr(atom, False), mark)
    if isinstance(atom, Tag):
        tid = plan.tags[atom.key]
        return cache.ids(store, "search_uni", f'"{TAG}{tid}"', mark) if tid else _EMPTY
    if isinstance(atom, Source):
        found = [cache.ids(store, "search_uni", f'"{SOURCE}{i}"', mark)
                 for i in sorted(plan.sources[atom.site])]
        return _union(found)
    assert isinstance(atom, EntryRef)
    eid = plan.entries[atom.ref]
    return cache.ids(store, "search_uni", f'"{ENTRY}{eid}"', mark) if eid else _EMPTY


_EMPTY = np.zeros(0, dtype=np.int64)


def _union(arrays: list[Ids]) -> Ids:
    arrays = [a for a in arrays if len(a)]
    if not arrays:
        return _EMPTY
    return arrays[0] if len(arrays) == 1 else np.unique(np.concatenate(arrays))


def _in(a: Ids, b: Ids) -> np.ndarray:
    """For each element of sorted `a`, whether sorted non-empty `b` holds it."""
    at = np.searchsorted(b, a)
    at[at == len(b)] = len(b) - 1
    held: np.ndarray = b[at] == a
    return held


MAX_MASK = 1 << 24  # row ids a membership mask may span (16 MB of flags a thread)
_masks = threading.local()


def _intersect(a: Ids, b: Ids) -> Ids:
    if not len(a) or not len(b):
        return _EMPTY
    if len(a) > len(b):
        a, b = b, a
    lo, hi = max(int(a[0]), int(b[0])), min(int(a[-1]), int(b[-1]))
    if lo > hi:
        return _EMPTY
    a = a[np.searchsorted(a, lo):np.searchsorted(a, hi, "right")]
    b = b[np.searchsorted(b, lo):np.searchsorted(b, hi, "right")]
    if not len(a) or not len(b):
        return _EMPTY
    span = hi - lo + 1
    if len(a) * 16 < len(b) or span > min(MAX_MASK, 64 * (len(a) + len(b))):
        # Look the shorter up in the longer: O(short x log long), where sorting both costs more.
        shared: Ids = a[_in(a, b)]
        return shared
    # Lists of similar length: flags over the row id span, set from one and read by the
    # other, linear in both (faster than sorting for the common words); the flags are cleared
    # after, for the next query on this thread.
    mask: np.ndarray | None = getattr(_masks, "flags", None)
    if mask is None or len(mask) < span:
        mask = _masks.flags = np.zeros(max(span, 1 << 20), dtype=bool)
    mask[b - lo] = True
    found: Ids = a[mask[a - lo]]
    mask[b - lo] = False
    return found


def _minus(a: Ids, b: Ids) -> Ids:
    return a[~_in(a, b)] if len(a) and len(b) else a


def matching(cache: Postings, store: Store, q: Query, plan: sp.Plan, mark: object) -> Ids:
    """Every row id matching an exact plan, ascending: the rows its MATCH string gives."""
    assert plan.exact
    clauses = [_union([atom_ids(cache, store, plan, a, mark) for a in c]) for c in q.clauses]
    clauses.sort(key=len)
    if not clauses:
        clauses = [cache.ids(store, "search_uni", f'"{ALL}"', mark)]
    if plan.public_only and plan.drafts is None:
        clauses.append(cache.ids(store, "search_uni", f'"{PUBLIC}"', mark))
    found = clauses[0]
    first, last = np.searchsorted(found, plan.lo), np.searchsorted(found, plan.hi, "right")
    found = found[first:last]  # the date range before the intersections: fewer lookups
    for other in clauses[1:]:
        found = _intersect(found, other)
    out = [atom_ids(cache, store, plan, a, mark) for a in q.excluded]
    if plan.public_only and plan.drafts:
        out += [cache.ids(store, "search_uni", f'"{ENTRY}{eid}"', mark) for eid in plan.drafts]
    for other in out:
        found = _minus(found, other)
    return found
