"""Query matches from row id lists kept in memory: for a server answering many queries.

A query's MATCH string makes SQLite FTS5 walk every doclist of every word again on each
query: a never-seen two-word query over 100k entries cost ~15 ms there (phrase positions
of each bigram, then the count, the newest window and the facets each read them anew).
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
from itertools import chain

import numpy as np

from kirinuki.store.sqlite import search_query as sq
from kirinuki.store.sqlite.db import Store
from kirinuki.store.sqlite.search_tokens import (
    ALL,
    ENTRY,
    PUBLIC,
    SOURCE,
    TAG,
    index_form,
    word_match,
)
from kirinuki.text.fastfold import fast_fold as fold
from kirinuki.text.query import Atom, EntryRef, Query, Source, Tag, Word

MAX_BYTES = 128 << 20  # the load bench's 174 words at 100k entries took 34 MB
MAX_FACTS = 200_000  # (month, tags) of this many clips: ~46 MB (measured)
MAX_TEXTS = 100_000  # folded texts of this many clips: ~54 MB (160-character clips)
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
        # Per row id: (YYYYMM, tag ids) for facets, and the folded text for ranking. Windows
        # of different queries are all newest matches, so they overlap: the same recent clips
        # come back again and again (a 1000-row facet read was ~1.5 ms of SQLite lookups).
        self._facts: dict[int, tuple[int, tuple[int, ...]]] = {}
        self._folded: OrderedDict[int, str] = OrderedDict()

    def _check(self, mark: object) -> None:
        """Empty everything when the journal changed (call under the lock)."""
        if mark != self._mark:
            self._ids.clear()
            self._facts.clear()
            self._folded.clear()
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
        found = np.fromiter(sq.all_rowids(store, table, expr), dtype=np.int64)
        with self._lock:
            if mark == self._mark and key not in self._ids:
                self._ids[key] = found
                self._bytes += found.nbytes
                while self._bytes > self.max_bytes and len(self._ids) > 1:
                    _, old = self._ids.popitem(last=False)
                    self._bytes -= old.nbytes
        return found

    def facets(self, store: Store, docids: list[int], mark: object,
               ) -> tuple[Counter[int], Counter[int]]:
        """(matches per YYYYMM, per tag id) of these row ids, as `sq.facet_counts_of`."""
        with self._lock:
            self._check(mark)
            facts = self._facts
            missing = [d for d in docids if d not in facts]
        fetched = sq.doc_facts(store, missing) if missing else {}
        with self._lock:
            if mark == self._mark:
                if len(facts) + len(fetched) > MAX_FACTS:
                    facts.clear()
                facts.update(fetched)
        got = [f for d in docids if (f := fetched.get(d) or facts.get(d)) is not None]
        # Counted in C over flat iterables: per-row Counter.update took 0.6 ms per 1000 rows.
        return Counter(f[0] for f in got), Counter(chain.from_iterable(f[1] for f in got))

    def folded(self, store: Store, docids: list[int], mark: object) -> dict[int, str]:
        """The folded text of each of these row ids still present."""
        with self._lock:
            self._check(mark)
            known = {d: t for d in docids if (t := self._folded.get(d)) is not None}
        missing = [d for d in docids if d not in known]
        fetched = {d: fold(t) for d, t in sq.texts(store, missing).items()} if missing else {}
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


def atom_ids(cache: Postings, store: Store, plan: sq.Plan, atom: Atom, mark: object) -> Ids:
    if isinstance(atom, Word):
        form = index_form(atom.text)
        # One-character words from the unigram table: no positions to read.
        table = "search_uni" if len(form) == 1 else "search_bi"
        return cache.ids(store, table, word_match(form, False), mark)
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
    return b[at] == a


def _intersect(a: Ids, b: Ids) -> Ids:
    if not len(a) or not len(b):
        return _EMPTY
    # Look the shorter up in the longer: O(short x log long), where sorting both costs more.
    return a[_in(a, b)] if len(a) <= len(b) else b[_in(b, a)]


def _minus(a: Ids, b: Ids) -> Ids:
    return a[~_in(a, b)] if len(a) and len(b) else a


def matching(cache: Postings, store: Store, q: Query, plan: sq.Plan, mark: object) -> Ids:
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
