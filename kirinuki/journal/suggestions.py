"""Related earlier entries for the published pages, found once per state of an entry and stored.

`catch_up_suggestions` runs in the analysis step every publish already runs (after the version
links): for each published entry written since its suggestions were found, it stores what the
entry is about (`analysis.related.features`) and its strongest earlier entries (at most
`SHOWN`, scoring `STRONG` or more, or pinned by the owner; rejected ones never), each with its
one-line Japanese reason. Publishing then only reads them (`stored_suggestions`). Evidence is
the shared features, each weighted by how rare it is among the published entries, and the
stored version links; the duplicate and background groups that `kirinuki related` adds are
left out, as finding them needs the whole duplicate index.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import nullcontext
from datetime import datetime
from functools import partial
from typing import TypeVar

import numpy as np

from kirinuki.analysis.related import (
    PINNED,
    EntryFeatures,
    Rarity,
    add_known_places,
    features,
    known_places,
    suggest,
)
from kirinuki.journal.core import Journal
from kirinuki.journal.versions_bulk import FEATURES, SUGGESTIONS, report, worker_pool
from kirinuki.store.sqlite import analysis as clip_rows
from kirinuki.store.sqlite import story as story_rows
from kirinuki.store.sqlite import suggestions as rows
from kirinuki.store.sqlite.db import Store

SHOWN = 3  # suggestions kept per entry
STRONG = 5.0  # the score a suggestion needs (a version link and more, or several rare features)
_COMMON = 0.05  # a feature carried by more than this share of entries brings no candidates
_COMMON_MIN = 50
_SCORED = 20  # candidates scored in full per entry
_BULK = 200  # more stale entries than this: read every entry's features at once
_BATCH = 500
_KINDS = ("tags", "speakers", "orgs", "places")
_T = TypeVar("_T")


def _rows_of(f: EntryFeatures) -> list[rows.Feature]:
    eid = f.entry_id
    return [*((eid, "tags", t, t) for t in f.tags),
            *((eid, "speakers", k, d) for k, d in f.speakers.items()),
            *((eid, "orgs", o, o) for o in f.orgs),
            *((eid, "places", p, p) for p in f.places)]


def _from_rows(found: Iterable[rows.Feature], dates: Mapping[int, tuple[str, datetime | None]],
               ) -> dict[int, EntryFeatures]:
    out: dict[int, EntryFeatures] = {}
    for eid, kind, value, display in found:
        f = out.get(eid)
        if f is None:
            if eid not in dates:
                continue
            f = out[eid] = EntryFeatures(eid, dates[eid][1])
        if kind == "speakers":
            f.speakers[value] = display
        elif kind in _KINDS:
            getattr(f, kind).add(value)
    for eid in dates:
        out.setdefault(eid, EntryFeatures(eid, dates[eid][1]))
    return out


_Job = tuple[int, datetime, set[str], list[list[str]], list[list[tuple[str, str]] | None]]


def _features_of(job: _Job) -> EntryFeatures:
    """`features` of one entry (entry, date, tags, clip texts by group, the statements stored
    for each group if up to date); pure, so a worker process can run it."""
    return features(*job)


def _store_features(journal: Journal, todo: Sequence[tuple[int, str, datetime, str]]) -> None:
    """Find and store the features of the entries `todo`, a batch at a time; after a bulk
    import (a full first batch) in the workers `versions_bulk.bulk_analysis` allows, if any,
    while this process stores the batch before. The known places grow batch by batch in the
    same order either way."""
    store = journal.store
    known = set(known_places([EntryFeatures(0, None, places=set(rows.known_places(store)))]))
    with worker_pool(store) as pool:
        before: tuple[Callable[[], list[EntryFeatures]], _Groups] | None = None
        for k in range(0, len(todo), _BATCH):
            report(FEATURES, k, len(todo))
            batch = todo[k:k + _BATCH]
            jobs, groups = _jobs(store, batch)
            if pool is not None and len(batch) == _BATCH:  # one of many batches: in workers
                found = pool.map_async(_features_of, jobs)
            else:
                found = _done([_features_of(job) for job in jobs])
            if before is not None:
                _add_places(store, known, before[0](), before[1])
            before = found, groups
        if before is not None:
            _add_places(store, known, before[0](), before[1])


_Groups = dict[int, dict[int, list[str]]]


def _jobs(store: Store, batch: Sequence[tuple[int, str, datetime, str]],
          ) -> tuple[list[_Job], _Groups]:
    """The `_features_of` jobs of a batch of entries, and their clip texts by group."""
    ids = [t[0] for t in batch]
    tags = rows.tags_of(store, ids)
    groups: _Groups = {}
    for c in clip_rows.clips_of_entries(store, ids):
        groups.setdefault(c.entry_id, {}).setdefault(c.group_pos, []).append(c.text)
    # The statements `catch_up_statements` stored are not extracted again.
    said = story_rows.said_in_groups(store, ids)
    return [(eid, when, tags.get(eid, set()), list(groups.get(eid, {}).values()),
             [said.get((eid, pos)) for pos in groups.get(eid, {})])
            for eid, _key, when, _stamp in batch], groups


def _done(found: list[_T]) -> Callable[[], list[_T]]:
    return lambda: found


def _add_places(store: Store, known: set[str], found: list[EntryFeatures],
                groups: _Groups) -> None:
    """Add the places known so far (these features' own included) to a batch's features,
    and store them."""
    known |= known_places(found)
    fixed = frozenset(known)
    for f in found:
        add_known_places(f, (t for g in groups.get(f.entry_id, {}).values() for t in g), fixed)
    with store.transaction():
        rows.put_features(store, [f.entry_id for f in found],
                          (r for f in found for r in _rows_of(f)))


class _Rows:
    """The stored features, read as needed (a few new entries)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.total = max(rows.dated_count(store), 1)
        self.sums = _Sums()

    def count(self, kind: str, value: str) -> int:
        return rows.feature_count(self.store, kind, value)

    def carrying(self, kind: str, value: str) -> np.ndarray:
        return np.asarray(rows.carrying(self.store, kind, value), dtype=np.int64)

    def features(self, ids: Sequence[int]) -> dict[int, EntryFeatures]:
        return _from_rows(rows.features_of(self.store, ids), rows.dated(self.store, ids))

    def versions(self, eid: int) -> list[tuple[int, str]]:
        return rows.version_rows_of(self.store, eid)


class _Loaded(_Rows):
    """Every stored feature at once (many entries to do)."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.all = _from_rows(rows.every_feature(store), rows.dated(store))
        self.total = max(len(self.all), 1)
        posting: dict[tuple[str, str], list[int]] = {}
        for f in self.all.values():
            for kind, value, _d in _pairs(f):
                posting.setdefault((kind, value), []).append(f.entry_id)
        self.posting = {k: np.asarray(v, dtype=np.int64) for k, v in posting.items()}
        self.links: dict[int, list[tuple[int, str]]] = {}
        for eid, _clip, earlier, change in clip_rows.version_rows(store):
            self.links.setdefault(eid, []).append((earlier, change))

    def count(self, kind: str, value: str) -> int:
        return len(self.posting.get((kind, value), ()))

    def carrying(self, kind: str, value: str) -> np.ndarray:
        return self.posting.get((kind, value), _NONE)

    def features(self, ids: Sequence[int]) -> dict[int, EntryFeatures]:
        return {i: self.all[i] for i in ids if i in self.all}

    def versions(self, eid: int) -> list[tuple[int, str]]:
        return self.links.get(eid, [])


_NONE = np.empty(0, dtype=np.int64)


def _pairs(f: EntryFeatures) -> list[tuple[str, str, str]]:
    return [(kind, v, d) for _e, kind, v, d in _rows_of(f)]


def _best(target: EntryFeatures, src: _Rows | _Postings, rarity: Rarity,
          quick: list[int] | None = None) -> list[int]:
    """The quick score's candidates of `target` (`_best_sharing` over its features carried
    by at most `_COMMON` of the entries), or `quick` when found already; counts every
    feature of it in `rarity` either way."""
    cap = max(_COMMON_MIN, int(src.total * _COMMON))
    carriers, weights = [], []
    for kind, value, _d in _pairs(target):
        n = rarity.counts[(kind, value)] = src.count(kind, value)
        if n <= cap and quick is None:
            carriers.append(src.carrying(kind, value))
            weights.append(rarity.weight(kind, value))
    return _best_sharing(target.entry_id, carriers, weights, src.sums) if quick is None else quick


def _suggestions(eid: int, src: _Rows, decided: dict[int, str],
                 quick: list[int] | None = None) -> list[tuple[int, str]]:
    """The strongest earlier entries of entry `eid` as (entry, reason); `quick`: its quick
    score's candidates when found already (`quick_candidates`)."""
    target = src.features([eid]).get(eid)
    if target is None:
        return []
    rarity = Rarity(src.total)
    # A quick score (the rarer shared features' weights) picks the few candidates scored
    # in full: scoring every entry sharing a feature is too slow (docs/analysis.md).
    candidates = set(_best(target, src, rarity, quick))
    similar: dict[int, list[tuple[str, str]]] = {}
    for other, change in src.versions(eid):
        similar.setdefault(other, []).append(("version", change))
    candidates |= set(similar) | set(decided)
    candidates.discard(eid)
    others = src.features(sorted(candidates))
    found = suggest(target, list(others.values()), similar=similar, decisions=decided,
                    rarity=rarity, limit=SHOWN)
    out = []
    for s in found:
        if s.decision == PINNED:
            reason = s.reason.removeprefix("固定").removeprefix("：") or "筆者が選んだ記事"
        elif s.score >= STRONG:
            reason = s.reason
        else:
            continue
        out.append((s.entry_id, reason))
    return out[:SHOWN]


class _Sums:
    """Scratch arrays of `_best_sharing`, one slot per entry id, kept between calls: the
    sums are left at zero after each."""

    def __init__(self) -> None:
        self.sums = np.zeros(0)
        self.last = np.zeros(0, dtype=np.int64)

    def grow(self, size: int) -> None:
        if self.sums.size < size:
            self.sums = np.zeros(size)
            self.last = np.zeros(size, dtype=np.int64)


def _best_sharing(eid: int, carriers: list[np.ndarray], weights: list[float],
                  scratch: _Sums | None = None) -> list[int]:
    """The `_SCORED` entries other than `eid` with the highest sums of the weights of the
    features they carry (`carriers[k]`: the entries carrying a feature of weight
    `weights[k]`, each once), ties to the newest id. Each sum is added up feature by feature
    in the given order, as a loop would; no sort of every entry reached (at 100k entries
    thousands), only of those at or above the `_SCORED`-th sum."""
    if not carriers:
        return []
    ids = np.concatenate(carriers)
    scratch = scratch or _Sums()
    scratch.grow(int(ids.max()) + 1)
    sums, last = scratch.sums, scratch.last
    for carrying, w in zip(carriers, weights, strict=True):
        sums[carrying] += w
    at = np.arange(ids.size)
    last[ids] = at
    found = ids[last[ids] == at]  # each entry once
    got = sums[found]
    sums[found] = 0.0
    keep = found != eid
    found, got = found[keep], got[keep]
    if found.size > _SCORED:
        keep = got >= np.partition(got, found.size - _SCORED)[found.size - _SCORED]
        found, got = found[keep], got[keep]
    return [int(i) for i in found[np.lexsort((-found, -got))[:_SCORED]]]


class _Postings:
    """The quick score's data of every stored feature as arrays (~16 bytes a feature, where
    `_Loaded` holds ~5 KB an entry): for the process beside, which finds the candidates of
    every stale entry while the version links are found, and cannot hold `_Loaded` then."""

    def __init__(self, store: Store) -> None:
        dated = rows.dated(store)
        self.total = max(len(dated), 1)
        self.code: dict[tuple[str, str], int] = {}
        eids, fids = array("i"), array("i")
        for eid, kind, value, _d in rows.every_feature(store):
            if eid in dated:
                eids.append(eid)
                fids.append(self.code.setdefault((kind, value), len(self.code)))
        self.keys = list(self.code)
        e, f = np.frombuffer(eids, dtype=np.int32), np.frombuffer(fids, dtype=np.int32)
        order = np.argsort(f, kind="stable")
        self.carriers = e[order]
        self.starts = np.searchsorted(f[order], np.arange(len(self.keys) + 1))
        order = np.argsort(e, kind="stable")  # each entry's features in the order stored
        self.entries, self.features_of = e[order], f[order]
        self.sums = _Sums()

    def count(self, kind: str, value: str) -> int:
        k = self.code.get((kind, value))
        return 0 if k is None else int(self.starts[k + 1] - self.starts[k])

    def carrying(self, kind: str, value: str) -> np.ndarray:
        k = self.code.get((kind, value))
        return _NONE if k is None else self.carriers[self.starts[k]:self.starts[k + 1]]

    def target(self, eid: int) -> EntryFeatures:
        """What `_Loaded` holds of entry `eid` for the quick score (its sets filled in the
        same order, so iterated in the same order)."""
        # In the arrays' own type: a list would be int64, and NumPy would cast every
        # entry of the 32-bit array for each call (a pass over every feature an entry).
        lo, hi = np.searchsorted(self.entries, np.asarray([eid, eid + 1], self.entries.dtype))
        return _from_rows(((eid, *self.keys[k], self.keys[k][1])
                           for k in self.features_of[lo:hi].tolist()), {eid: ("", None)})[eid]


class Quick:
    """The quick score's candidates of some entries, as arrays (what the process beside
    sends: ~160 bytes an entry, where lists of ints took ~1 KB)."""

    def __init__(self, ids: np.ndarray, best: np.ndarray) -> None:
        order = np.argsort(ids)  # best[k]: the candidates of entry ids[k], -1 past the last
        self.ids, self.best = ids[order], best[order]

    def of(self, eid: int) -> list[int] | None:
        """The candidates of entry `eid` (None: not found)."""
        k = int(np.searchsorted(self.ids, eid))
        if k == self.ids.size or int(self.ids[k]) != eid:
            return None
        row = self.best[k]
        return [int(c) for c in row[row >= 0]]


def quick_candidates(journal: Journal) -> Quick:
    """The quick score's candidates of every stale entry (`_suggestions` scores them in
    full once the version links are known), from the stored features; a batch for each
    worker `versions_bulk.bulk_analysis` allows, if any (they share the arrays by the fork)."""
    ids = [t[0] for t in rows.stale(journal.store)]
    src = _Postings(journal.store)
    parts: list[np.ndarray] = []
    with worker_pool(journal.store) as pool:
        step = _BATCH * (pool.jobs if pool is not None else 1)
        for k in range(0, len(ids), step):
            report(SUGGESTIONS, k, len(ids))
            batches = [ids[i:min(k + step, i + _BATCH)]
                       for i in range(k, min(k + step, len(ids)), _BATCH)]
            work = partial(_quick_rows, src)
            parts += (pool.map(work, batches) if pool is not None and len(batches) > 1
                      else [work(b) for b in batches])
    best = np.concatenate(parts) if parts else np.full((0, _SCORED), -1, dtype=np.int64)
    return Quick(np.asarray(ids, dtype=np.int64), best)


def _quick_rows(src: _Postings, ids: Sequence[int]) -> np.ndarray:
    """The quick score's candidates of the entries `ids`, a row each (-1 past the last)."""
    best = np.full((len(ids), _SCORED), -1, dtype=np.int64)
    for k, eid in enumerate(ids):
        found = _best(src.target(eid), src, Rarity(src.total))
        best[k, :len(found)] = found
    return best


def catch_up_features(journal: Journal) -> int:
    """Find and store the features of every entry `catch_up_suggestions` will look at (the
    first half of its work, which needs no version links); returns how many."""
    todo = rows.stale(journal.store)
    if todo:
        _store_features(journal, todo)
    return len(todo)


def catch_up_suggestions(journal: Journal, features: bool = True,
                         quick: Quick | None = None) -> int:
    """Find and store the suggestions of every published entry written since its suggestions
    were found (or never had any); returns how many entries were done. `features=False`:
    their features are stored already (`catch_up_features`); `quick`: the candidates of the
    quick score found already (`quick_candidates`), by entry."""
    store = journal.store
    todo = rows.stale(store)
    if not todo:
        return 0
    if features:
        _store_features(journal, todo)
    src = _Loaded(store) if len(todo) > _BULK else _Rows(store)
    decisions = rows.all_decisions(store)
    ids = rows.ids_of_keys(store, sorted({k for d in decisions for k in d[:2]}))
    decided: dict[int, dict[int, str]] = {}
    for key, other, decision in decisions:
        if key in ids and other in ids:
            decided.setdefault(ids[key], {})[ids[other]] = decision
    work = partial(_scored, src, decided, quick)
    # Every feature in memory: a batch for each worker `bulk_analysis` allows, if any (they
    # share it by the fork), while this process stores the batches before.
    with worker_pool(store) if isinstance(src, _Loaded) else nullcontext() as pool:
        step = _BATCH * (pool.jobs if pool is not None else 1)
        before: Callable[[], list[list[_Scored]]] | None = None
        for k in range(0, len(todo), step):
            report(SUGGESTIONS, k, len(todo))
            batches = [todo[i:min(k + step, i + _BATCH)]
                       for i in range(k, min(k + step, len(todo)), _BATCH)]
            found = (pool.map_async(work, batches) if pool is not None and len(batches) > 1
                     else _done([work(b) for b in batches]))
            if before is not None:
                _put_suggestions(store, before())
            before = found
        if before is not None:
            _put_suggestions(store, before())
    return len(todo)


_Scored = tuple[int, str, list[tuple[int, str]]]


def _scored(src: _Rows, decided: dict[int, dict[int, str]], quick: Quick | None,
            batch: Sequence[tuple[int, str, datetime, str]]) -> list[_Scored]:
    """(entry, stamp, suggestions) of each entry of a batch of stale ones."""
    return [(eid, stamp, _suggestions(eid, src, decided.get(eid, {}),
                                      None if quick is None else quick.of(eid)))
            for eid, _key, _when, stamp in batch]


def _put_suggestions(store: Store, batches: list[list[_Scored]]) -> None:
    for found in batches:
        with store.transaction():
            rows.put_suggestions(store, found)


def stored_suggestions(journal: Journal, ids: Sequence[int] | None = None,
                       ) -> dict[int, tuple[tuple[int, str], ...]]:
    """The stored suggestions (entry, reason) of these entries (or all), best first."""
    return rows.suggestions_of(journal.store, ids)


def suggestions_mark(journal: Journal) -> tuple[int, int]:
    """Changes whenever some entry's stored suggestions do (cheap to read)."""
    return rows.change_mark(journal.store)


def suggestions_changed_since(journal: Journal, gen: int) -> list[int]:
    """Entries whose stored suggestions changed after `suggestions_mark` gave `gen`."""
    return rows.changed_since(journal.store, gen)
