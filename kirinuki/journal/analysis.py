"""Analysis use-cases: duplicates and versions, figures, quotes, related earlier entries.

The duplicate index lives in the journal as one sketch per clip (`clip_sketches`), computed as
clips arrive (a store hook on every entry write: import, clip, add, edit) and caught up on the
next query for clips written while the hook was not loaded. Queries assemble the LSH index from
the stored sketches in one sort, then verify candidates with `analysis.duplicates.compare`.
Related-entry decisions (pinned / rejected) are stored per entry key.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from kirinuki.analysis.duplicates import (
    DEFAULT_THRESHOLDS,
    DUPLICATE,
    VERSION,
    Thresholds,
    compare,
    prepare,
)
from kirinuki.analysis.groups import DuplicateGroup, Link, group_links, verify, word_links
from kirinuki.analysis.lsh import DEFAULT_PARAMS, DuplicateIndex, Sketches, sketch_texts
from kirinuki.analysis.probe import PartScan, SketchScan
from kirinuki.analysis.versions import FigureChange, describe_change
from kirinuki.journal import story
from kirinuki.journal.core import Journal
from kirinuki.journal.queries import get_entry, resolve_entry_id
from kirinuki.journal.sketch_cache import SketchCache
from kirinuki.journal.statements import (
    REPORTED,
    ClipView,
    FigureView,
    QuoteView,
    StatementView,
    figures,
    quotes,
    statements,
)
from kirinuki.journal.story import catch_up_statements
from kirinuki.journal.suggestions import (
    Quick,
    catch_up_features,
    catch_up_suggestions,
    quick_candidates,
)
from kirinuki.journal.versions_bulk import (
    DONE,
    SKETCHING,
    Beside,
    Forked,
    all_version_links,
    bulk_jobs,
    report,
    version_links,
    worker_pool,
)
from kirinuki.journal.versions_bulk import clip_item as _item
from kirinuki.model import Entry, Settings
from kirinuki.store import open_store
from kirinuki.store.sqlite import analysis as rows
from kirinuki.store.sqlite import story as story_rows
from kirinuki.store.sqlite.db import Store

# Re-exported for adapters.
__all__ = ["DEFAULT_THRESHOLDS", "ClipView", "FigureChange", "FigureView", "QuoteView",
           "StatementView", "Thresholds", "figures", "quotes", "statements"]

SKETCH_VERSION = 27  # bump when the sketch or the rules change (4: 8-bit MinHash values, 5: sign-offs
# and links without a scheme left out of the normalised text, 6: version and background rules of
# session 9: stored version links are recomputed; 7: Japanese hashtags left out, more update rules;
# 8: an agency before a site name and a category after it left out, more rules of session 13;
# 9: a wire's dateline and end mark left out, more rules of session 14; 10: two categories
# after a site name left out, rivers and stations are names; 11: glued tweet timestamps, link
# labels and more wires' marks left out, kanji numerals before a counter masked; 12: a tweet's
# page title left out; 13: common loanwords such as フェリー are no names; 14: rules of
# session 15: figures added, a day's figure reported later, blog footers, `1年半`; 15: its later
# rules, landed after 14: hearsay and wire-style endings, clauses reordered, people counted;
# 16: rules from dev2: follow-up headlines, one day's live blog, one-sentence clips; 17: kana
# names, events at an hour of other days, corrections; 18: paragraphs retold, days' closes,
# one report retold by another outlet; 19: rules of session 16 (dev, dev2-4, retired parts):
# another day's count, tolls and measures updated, headlines told ahead, English updates, more
# host names and paywall labels left out, a hyphen inside a word no sign-off; 20: sentence keys
# in the sketch, a second source of background candidates; 21: word keys in the sketch, a third
# source of candidates, and the rules of session 17 landed by 06:00 UTC; 22: the rules of
# session 17 landed after that: two days closing reports, statements, English tweets told ahead;
# 23: the rules of session 18 (speakers of headlines and reported speech, plans done in other
# words, sentence ends before a bracket: the sentence keys change); 24: the rules of session 19
# (versions, speakers, figures: stored version links, statements and figures change); 25: the
# rules of session 20 (versions and background of the evals helper, statements, speakers and
# figures of the speakers helper; kanji numerals before 代 masked, host lines no sentence);
# 26: the rules of session 21 (sentence keys between spaces and without the kana ending, kanji
# counts, speakers of reported speech and transcripts, counters: sketches, links and statements change);
# 27: the rules of session 22 (looser sentence keys, version rules, statements carried over and
# about-phrases, か月間: sketches, links, statements and figures change))
_BATCH = 20_000
DUPLICATE_KIND = DUPLICATE  # what `Neighbour.kind` says of the same text


# Writes made through this process, per connection: part of the loaded index's cache key
# (`Store.data_version` covers writes by other connections).
_generation: weakref.WeakKeyDictionary[Store, int] = weakref.WeakKeyDictionary()


def _touched(store: Store) -> None:
    _generation[store] = _generation.get(store, 0) + 1


def sketch_entries(store: Store, entry_ids: list[int]) -> None:
    """Sketch the clips of freshly written entries (the writer's transaction); during a bulk
    import `catch_up` does it at the next query instead (~40% of import time otherwise)."""
    _touched(store)
    if store.bulk:
        return
    clips = rows.clip_texts_of_entries(store, entry_ids)
    if clips:
        _store_sketches(store, clips)


def forget_entries(store: Store, entry_ids: list[int]) -> None:
    """Sketches go with their clips (ON DELETE CASCADE); only the cached index is stale."""
    _touched(store)


def _store_sketches(store: Store, clips: Sequence[tuple[int, str]]) -> None:
    rows.put_sketches(store, SKETCH_VERSION, sketch_rows(clips))


def sketch_rows(clips: Sequence[tuple[int, str]]) -> list[tuple[int, bytes]]:
    """(clip, its sketch as stored) of each (clip, text)."""
    sk = sketch_texts([t for _, t in clips])
    return [(cid, sk.row_bytes(i)) for i, (cid, _) in enumerate(clips)]


def catch_up(journal: Journal) -> int:
    """Sketch every clip that has no sketch yet; returns how many were added."""
    clips, sketched = rows.sketch_count(journal.store, SKETCH_VERSION)
    if clips <= sketched:  # the usual case: two counts, not the list of unchecked clips
        return 0
    return _catch_up(journal)[0]


def _catch_up(journal: Journal) -> tuple[int, int, list[int] | None]:
    """`catch_up`, then the sketch count (-1: unknown) and the unchecked clips (or None)."""
    done, total = 0, 0
    clips, sketched, unchecked = rows.sketch_state(journal.store, SKETCH_VERSION)
    with worker_pool(journal.store) as pool:
        while clips > sketched:  # sketches go with their clips: done when every clip has one
            total = total or clips - sketched
            report(SKETCHING, done, total)
            missing = rows.unsketched(journal.store, SKETCH_VERSION,
                                      min(_BATCH, clips - sketched))
            if not missing:
                return done, -1, None
            if pool is not None and len(missing) == _BATCH:  # a bulk import: in the workers
                step = -(-len(missing) // pool.jobs)
                parts = pool.map(sketch_rows, [missing[i:i + step]
                                               for i in range(0, len(missing), step)])
                found = [r for part in parts for r in part]
            else:
                found = sketch_rows(missing)
            with journal.store.transaction():
                rows.put_sketches(journal.store, SKETCH_VERSION, found)
            done += len(missing)
            if done == len(missing) == clips - sketched:
                # All of them in one batch (a few, after a publish's import): the counts
                # follow, and the new sketches are unchecked (two scans of every clip and
                # sketch saved; a count off by a concurrent writer makes the sketch cache
                # rebuild, and a clip it added waits for the next catch-up).
                return done, sketched + len(found), sorted({*unchecked, *(c for c, _ in found)})
            # Between batches the counts alone; the unchecked clips (a scan of every sketch,
            # which grows batch by batch) are read once, at the end.
            clips, sketched = rows.sketch_count(journal.store, SKETCH_VERSION)
            if clips <= sketched:
                clips, sketched, unchecked = rows.sketch_state(journal.store, SKETCH_VERSION)
    return done, sketched, unchecked


@dataclass
class _Index:
    """The LSH index over every clip of the journal; row i is clip `ids[i]`."""

    ids: list[int]
    sketches: Sketches
    index: DuplicateIndex
    row_of: dict[int, int]


_cache: weakref.WeakKeyDictionary[Store, tuple[tuple[int, int], _Index]] = (
    weakref.WeakKeyDictionary())


def _cache_key(store: Store) -> tuple[int, int]:
    return store.data_version(), _generation.get(store, 0)


def _load_index(journal: Journal, caught_up: bool = False) -> _Index:
    """The index of every clip's sketch, reused while the journal has not changed."""
    store = journal.store
    if not caught_up and catch_up(journal):
        _touched(store)
    key = _cache_key(store)
    cached = _cache.get(store)
    if cached is not None and cached[0] == key:
        return cached[1]
    ids, blobs = rows.sketches(store, SKETCH_VERSION)
    sk = Sketches.from_bytes(blobs, DEFAULT_PARAMS)
    index = DuplicateIndex(DEFAULT_PARAMS)
    index.add_many(sk)
    loaded = _Index(ids, sk, index, {cid: i for i, cid in enumerate(ids)})
    _cache.clear()  # one journal at a time is enough; do not hold old indexes
    _cache[store] = (key, loaded)
    return loaded


@dataclass
class GroupView:
    """A duplicate, version or background group, ready to display."""

    group: DuplicateGroup
    clips: list[ClipView]

    @property
    def changes(self) -> list[str]:
        """`clip a → clip b: 拘束: 3800人以上 → 4400人以上 (+600)` for consecutive versions."""
        return [f"{a} → {b}: {c.describe()}" for a, b, c in self.group.changes]


def _views(journal: Journal, groups: Iterable[DuplicateGroup]) -> list[GroupView]:
    entries = {e.entry_id: e for e in rows.entry_rows(journal.store)}
    out = []
    for g in groups:
        clips = [ClipView(i.id, i.entry or 0, entries[i.entry].permalink if i.entry in entries
                          else None, i.when, i.text) for i in g.items]
        out.append(GroupView(g, clips))
    return out


def _probe(ix: _Index | SketchScan | PartScan, rows_: Iterable[int], t: Thresholds) -> set[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    for r in rows_:
        found = (ix.index.candidates(ix.sketches, r, min_estimate=t.candidate, exclude=r)
                 if isinstance(ix, _Index) else ix.candidates(r, min_estimate=t.candidate))
        for c in found:
            pairs.add((min(r, c.row), max(r, c.row)))
    return pairs


def duplicate_groups(journal: Journal, entry_ref: str | None = None,
                     t: Thresholds = DEFAULT_THRESHOLDS) -> list[GroupView]:
    """Groups of duplicates, versions and shared background, newest first; with `entry_ref`,
    only the groups holding a clip of that entry. Raises NotFoundError for an unknown entry."""
    eid = resolve_entry_id(journal, entry_ref) if entry_ref is not None else None
    ix = _load_index(journal)
    if eid is None:
        found, _ = ix.index.candidate_pairs(min_estimate=t.candidate)
        pairs = {(int(a), int(b)) for a, b in found.tolist()}
        by_sentence = ix.index.sentence_candidates(found)
        shared = {(int(a), int(b)) for a, b in by_sentence.tolist()}
        worded = {(int(a), int(b))
                  for a, b in ix.index.word_candidates(found, by_sentence).tolist()}
    else:
        own = [ix.row_of[c.clip_id] for c in rows.clips_of_entries(journal.store, [eid])]
        pairs = _probe(ix, own, t)
        near = {r for p in pairs for r in p} - set(own)
        pairs |= _probe(ix, near, t)  # second hop: complete version chains
        shared = {(min(r, s), max(r, s)) for r in own
                  for s in ix.index.sentence_rows(ix.sketches, r) if s != r} - pairs
        worded = {(min(r, s), max(r, s)) for r in own
                  for s in ix.index.word_rows(ix.sketches, r) if s != r} - pairs - shared
    clip_ids = sorted({ix.ids[r] for p in pairs | shared | worded for r in p})
    items = [_item(r) for r in rows.clips_by_id(journal.store, clip_ids)]
    pos = {it.id: k for k, it in enumerate(items)}

    def at(found: set[tuple[int, int]]) -> list[tuple[int, int]]:
        return [(pos[ix.ids[a]], pos[ix.ids[b]]) for a, b in sorted(found)
                if ix.ids[a] in pos and ix.ids[b] in pos]

    # Pairs found by a shared sentence only are background (or duplicates), never versions;
    # pairs found by a shared word only are anything but an extended passage (`word_links`).
    links = verify(items, at(pairs), t) + [link for link in verify(items, at(shared), t)
                                           if link.match.kind != VERSION]
    links += word_links(items, at(worded), t)
    groups = group_links(items, links)
    if eid is not None:
        groups = [g for g in groups if any(i.entry == eid for i in g.items)]
    return _views(journal, groups)


@dataclass
class EntryAnalysis:
    """What analysis says about one entry (for `entries show` and the web app)."""

    entry_id: int
    groups: list[GroupView] = field(default_factory=list)
    statements: list[StatementView] = field(default_factory=list)
    figures: list[FigureView] = field(default_factory=list)

    @property
    def quotes(self) -> list[StatementView]:
        """The quoted statements (direct and headline)."""
        return [s for s in self.statements if s.statement.mode != REPORTED]


def entry_analysis(journal: Journal, entry_ref: str) -> EntryAnalysis:
    """Duplicate/version groups, statements and figures of one entry. Raises NotFoundError."""
    eid = resolve_entry_id(journal, entry_ref)
    return EntryAnalysis(eid, duplicate_groups(journal, str(eid)),
                         statements(journal, entry_ref=str(eid)),
                         figures(journal, entry_ref=str(eid)))


def links_of(groups: Sequence[GroupView], entry_id: int) -> list[tuple[int, Link, str]]:
    """(other entry, link, reason) for each link between a clip of `entry_id` and a clip of
    another entry; the reason of a version link is its change (`拘束: 3800人以上 → …`)."""
    out: list[tuple[int, Link, str]] = []
    for gv in groups:
        entry_of = {c.clip_id: c.entry_id for c in gv.clips}
        text_of = {c.clip_id: c.text for c in gv.clips}
        changes = {(a, b): c.describe() for a, b, c in gv.group.changes}
        for link in gv.group.links:
            ea, eb = entry_of.get(link.a), entry_of.get(link.b)
            reason = changes.get((link.a, link.b), link.match.reason)
            if link.match.kind == "version" and (link.a, link.b) not in changes:
                reason = describe_change(text_of[link.a], text_of[link.b]).describe()
            if ea == entry_id and eb is not None and eb != entry_id:
                out.append((eb, link, reason))
            elif eb == entry_id and ea is not None and ea != entry_id:
                out.append((ea, link, reason))
    return out


def entry_with_analysis(journal: Journal, entry_ref: str) -> tuple[Entry, EntryAnalysis]:
    """An entry with what analysis says about it (for `entries show`). Raises NotFoundError."""
    entry = get_entry(journal, entry_ref)
    return entry, entry_analysis(journal, str(entry.id))


_PROBE_MAX = 2_000  # more new clips than this: one pass over the whole index is cheaper
# Up to this many new clips are probed by a pass over the sketches rather than by building
# the index: below it the pass is cheaper (docs/analysis.md, Measurements).
_SCAN_MAX = 100


def _version_links(journal: Journal, ix: _Index | SketchScan | PartScan, new: Sequence[int],
                   t: Thresholds) -> list[tuple[int, int, str]]:
    """(later clip, earlier clip, change) for each version link touching a clip of `new`
    (either side may be the new one; both may be in one entry, as in a long-running story)."""
    own = [ix.row_of[c] for c in new if c in ix.row_of]
    if len(own) > _PROBE_MAX and isinstance(ix, _Index):  # every pair at once, in blocks
        return version_links(journal.store, ix.ids, ix.sketches, new, t)
    pairs = _probe(ix, own, t)
    worded = _word_pairs(ix, own) - pairs
    clip_ids = sorted({ix.ids[r] for p in pairs | worded for r in p})
    items = [_item(r) for r in rows.clips_by_id(journal.store, clip_ids)]
    pos = {it.id: k for k, it in enumerate(items)}

    def at(found: set[tuple[int, int]]) -> list[tuple[int, int]]:
        return [(pos[ix.ids[a]], pos[ix.ids[b]]) for a, b in sorted(found)
                if ix.ids[a] in pos and ix.ids[b] in pos]

    text = {it.id: it.text for it in items}
    out = []
    for link in verify(items, at(pairs), t) + word_links(items, at(worded), t, True):
        if link.match.kind == VERSION:
            change = describe_change(text[link.a], text[link.b])
            if not change.empty:
                out.append((link.b, link.a, change.describe()))
    return out


def _word_pairs(ix: _Index | SketchScan | PartScan, own: Sequence[int]) -> set[tuple[int, int]]:
    """The pairs of `own` rows with rows sharing a word key but no sentence key, as
    `versions_bulk.word_codes` gives them for every row."""
    out: set[tuple[int, int]] = set()
    for r in own:
        if isinstance(ix, _Index):
            near = ix.index.word_rows(ix.sketches, r) - ix.index.sentence_rows(ix.sketches, r)
        else:
            near = ix.word_rows(r) - ix.sentence_rows(r)
        out |= {(min(r, s), max(r, s)) for s in near if s != r}
    return out


def catch_up_versions(journal: Journal, t: Thresholds = DEFAULT_THRESHOLDS,
                      sketches: SketchCache | None = None) -> int:
    """Sketch what is missing, then find the earlier versions of every clip not looked at yet
    (new, rewritten, or from before the versions table); returns how many clips were looked
    at. The index is loaded only when needed; `sketches` serves a probe of a few clips."""
    added, sketched, new = _catch_up(journal)
    if added:
        _touched(journal.store)  # the cached index no longer holds every clip
    new = rows.unchecked(journal.store, SKETCH_VERSION) if new is None else new
    if not new:
        return 0
    cached = _cache.get(journal.store)
    ix: _Index | SketchScan | PartScan | None = None  # None: a bulk import, see below
    if cached is not None and cached[0] == _cache_key(journal.store):
        ix = cached[1]
    elif len(new) <= _SCAN_MAX and sketches is not None:  # a publish's sketch file
        ix = sketches.scan(journal, SKETCH_VERSION, sketched)
    elif len(new) <= _SCAN_MAX:
        ids, blobs = rows.sketches(journal.store, SKETCH_VERSION)
        ix = SketchScan(Sketches.from_bytes(blobs, DEFAULT_PARAMS), ids, DEFAULT_PARAMS)
    elif len(new) <= _PROBE_MAX:
        ix = _load_index(journal, True)
    # Otherwise (a bulk import) every pair at once, without the index (bounded memory).
    links = (all_version_links(journal.store, SKETCH_VERSION, new, t) if ix is None
             else _version_links(journal, ix, new, t))
    with journal.store.transaction():
        rows.put_versions(journal.store, links, new)
    return len(new)


def keep_sketches(journal: Journal, sketches: SketchCache) -> None:
    """Bring a published site's sketch cache up to date with every clip's sketch (its base
    written from every sketch when it has none usable), unless a version check did already:
    a full build does, so that the first publish after it reads the new clips' sketches
    alone, as every later one does."""
    if not sketches.scanned:
        sketches.scan(journal, SKETCH_VERSION)


def keep_sketches_beside(journal: Journal, sketches: SketchCache) -> Forked | None:
    """Start `keep_sketches` in a process beside this one (a journal in a file, caught up
    already): a full build's reading and planning need none of it, so the cache is made
    meanwhile rather than after its workers. Wait for it with `sketches_kept`."""
    store = journal.store
    if store.dialect != "sqlite" or store.path == ":memory:" or sketches.scanned:
        return None
    return Forked(_keep_sketches_in, store.path, journal.settings, sketches)


def sketches_kept(journal: Journal, sketches: SketchCache, beside: Forked | None) -> None:
    """Wait for the process `keep_sketches_beside` started (None: none was), which kept the
    sketches of `sketches`' site; when it failed, `keep_sketches` here (which raises its
    error, if it has one)."""
    if beside is not None:
        try:
            beside.result()
            sketches.scanned = True
        except Exception:  # noqa: BLE001 - done again below, in this process
            pass
        finally:
            beside.end()
    keep_sketches(journal, sketches)


def _keep_sketches_in(path: str, settings: Settings, sketches: SketchCache) -> None:
    """In the process beside: `keep_sketches` through a connection of its own."""
    journal = Journal(open_store(path), settings)
    try:
        keep_sketches(journal, sketches)
    finally:
        journal.store.close()


class CaughtUp(NamedTuple):
    """What `catch_up_analysis` looked at: clips (versions), groups (statements), entries
    (suggestions)."""

    clips: int
    groups: int
    entries: int


def catch_up_analysis(journal: Journal, sketches: SketchCache | None = None) -> CaughtUp:
    """Bring every stored analysis result up to date, in the one order they depend on: the
    version links of new clips, the statements of new groups, then the related-entry
    suggestions of new entry states (they read the version links). Every publish path and the
    web app run this before reading the results; `sketches` as for `catch_up_versions`."""
    caught = _catch_up_all(journal, sketches)
    report(DONE, 0, 0)
    return caught


def _catch_up_all(journal: Journal, sketches: SketchCache | None) -> CaughtUp:
    side = _beside(journal)
    if side is None:
        clips = catch_up_versions(journal, sketches=sketches)
        groups = catch_up_statements(journal)
        return CaughtUp(clips, groups, catch_up_suggestions(journal))
    try:
        with journal.store.waiting(_WAIT_BESIDE):
            clips = catch_up_versions(journal, sketches=sketches)
    except BaseException:
        side.end()
        raise
    groups, quick = side.wait()
    return CaughtUp(clips, groups, catch_up_suggestions(journal, features=False, quick=quick))


def _beside(journal: Journal) -> Beside | None:
    """After a bulk import, when `bulk_analysis` allows workers: a process beside this one
    that finds the statements and the entries' features (they need no version links) while
    this one finds the version links, so that both cores work through every stage; once the
    links are found it forks `bulk_jobs()` workers of its own for what is left of its work.
    Started once the clips are sketched (in the workers already: the process beside would
    only compete with them)."""
    store = journal.store
    if (bulk_jobs() < 2 or store.dialect != "sqlite" or store.path == ":memory:"
            or len(story_rows.todo_groups(store, story.BATCH)) < story.BATCH):
        return None
    if catch_up(journal):
        _touched(store)  # the cached index no longer holds every clip
    return Beside(_statements_and_features, store.path, journal.settings, jobs=bulk_jobs())


def _statements_and_features(path: str, settings: Settings) -> tuple[int, Quick]:
    """In the process beside: `catch_up_statements`, then the features of the entries whose
    suggestions are stale and their quick score's candidates (which need no version links
    either: at 100k entries minutes in this process alone), through a connection of its own;
    how many groups were read, and the candidates by entry."""
    journal = Journal(open_store(path), settings)
    # It reads every clip: through the memory map, each page read would count as its memory.
    journal.store.map_memory(False)
    try:
        with journal.store.waiting(_WAIT_BESIDE):
            groups = catch_up_statements(journal)
            catch_up_features(journal)
        return groups, quick_candidates(journal)
    finally:
        journal.store.close()


# Seconds either process waits for the other's write: the version links of a whole journal
# are stored in one transaction, longer than the usual 5 s at 100k entries.
_WAIT_BESIDE = 600.0


def version_notes(journal: Journal) -> dict[int, dict[int, tuple[int, str]]]:
    """For each entry, its clips that update an earlier clip: clip id → (the entry
    of the nearest earlier version, the change `拘束: 3800人以上 → 4400人以上 (+600)`), as
    stored (`catch_up_analysis` brings them up to date)."""
    out: dict[int, dict[int, tuple[int, str]]] = {}
    for eid, cid, earlier, change in rows.version_rows(journal.store):
        out.setdefault(eid, {}).setdefault(cid, (earlier, change))
    return out


@dataclass(frozen=True)
class Neighbour:
    """A stored clip near a text: its id, entry, date, text, estimated similarity (0..1) and
    how it relates when the check says so (`duplicate`, `version`, `background`, or "")."""

    clip_id: int
    entry_id: int
    published: datetime | None
    text: str
    similarity: float
    kind: str


def nearest_clips(journal: Journal, texts: Sequence[str], *, limit: int = 8,
                  min_estimate: float = 0.2) -> list[list[Neighbour]]:
    """For each of `texts` (clips not stored yet, or being edited), the stored clips nearest
    to it by the duplicate index, best first, each checked by `compare`."""
    if not texts:
        return []
    ix = _load_index(journal)
    probes = sketch_texts(list(texts))
    found = [[(ix.ids[c.row], c.estimate)
              for c in ix.index.candidates(probes, k, limit=limit, min_estimate=min_estimate)]
             for k in range(len(texts))]
    by_id = {r.clip_id: r for r in rows.clips_by_id(
        journal.store, sorted({cid for near in found for cid, _ in near}))}
    out: list[list[Neighbour]] = []
    for text, near in zip(texts, found, strict=True):
        mine = prepare(text)
        kept = []
        for cid, est in near:
            row = by_id.get(cid)
            if row is None:
                continue
            match = compare(prepare(row.text), mine)
            kept.append(Neighbour(cid, row.entry_id, row.published, row.text,
                                  match.similarity if match else float(est),
                                  match.kind if match else ""))
        kept.sort(key=lambda n: -n.similarity)
        out.append(kept)
    return out
