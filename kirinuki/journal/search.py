"""Searching a journal: exact substring matches, BM25 ranking, snippets, facets; reindexing.

Every result set is exactly what a substring scan of the folded clip text would give (the index
is exact by construction; hits are verified against their text all the same, and the rare
inexact plans are answered by verification alone). Ranking is BM25 over the clips' folded text
with recency breaking ties. To stay fast on broad queries it ranks the newest `RANK_WINDOW`
matches (all of them when there are fewer); `SearchResult.ranked` says how many were ranked.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import numpy as np

from kirinuki.errors import InputError, JournalError
from kirinuki.journal import search_facts
from kirinuki.journal.core import Journal
from kirinuki.store.sqlite import search as index
from kirinuki.store.sqlite import search_facets as sf
from kirinuki.store.sqlite import search_plan as sp
from kirinuki.store.sqlite import search_query as sq
from kirinuki.store.sqlite import search_rows as sr
from kirinuki.store.sqlite.db import from_iso
from kirinuki.store.sqlite.search_postings import Postings as Postings  # the web app holds one
from kirinuki.store.sqlite.search_postings import atom_ids, matching
from kirinuki.text.fastfold import fast_search_fold as fold
from kirinuki.text.normalize import kana_fold
from kirinuki.text.query import Atom, EntryRef, Query, Source, Tag, Word, parse_query
from kirinuki.text.snippets import Segment, highlight_spans, snippet

RANK_WINDOW = 400
DF_SAMPLE = 20_000  # documents frequencies are measured on the newest clips
K1, B = 1.2, 0.75
SORTS = ("relevance", "date")
# From this many matches on, facets over all of them are counted against facet columns
# (`search_facts`); fewer are grouped by SQLite (as fast up to ~3,000 matches), which spares
# the first search after a change building the columns when it has few matches.
COLUMNS_FROM = 1_000


@dataclass(frozen=True)
class SearchHit:
    """One matching clip, with a snippet whose matched parts are flagged."""

    clip_id: int
    entry_id: int
    permalink: str | None
    published: datetime | None
    text: str
    tags: list[str]
    site: str | None
    snippet: list[Segment]
    highlights: list[tuple[int, int]]
    score: float | None = None


@dataclass(frozen=True)
class FacetCount:
    """A facet value (a tag key or YYYY-MM, "undated") with its label and match count."""

    key: str
    label: str
    count: int


@dataclass
class SearchResult:
    """Hits of one query; `total` is the exact number of matching clips (None if not asked)."""

    query: str
    sort: str
    hits: list[SearchHit]
    total: int | None = None
    tags: list[FacetCount] = field(default_factory=list)
    months: list[FacetCount] = field(default_factory=list)
    ranked: int | None = None
    faceted: int | None = None  # facets count only the newest this many matches (None: all)


@dataclass(frozen=True)
class Figures:
    """What a search reads of the index before its matches, in one statement: its clips and
    their folded characters (for BM25), and on PostgreSQL where its row id windows run."""

    docs: int
    chars: int
    ends: sq.Ends | None = None


def _plan(journal: Journal, query: str, published_only: bool = False, ranked: bool = True,
          postings: tuple[Postings, object] | None = None) -> tuple[Query, sp.Plan, Figures]:
    """The parsed query, its plan and the index's figures (`ranked`: for a search by
    relevance, whose words' document frequencies are read with them when they can be;
    `postings`: a cache and a change mark, whose answers for that mark are used and kept)."""
    try:
        q: Query | None = parse_query(query)
        error = None
    except InputError as exc:  # said after a stale index, which matters more
        q, error = None, exc
    find: sp.Bracket = index.bracket
    drafts: sp.Drafts = sp.draft_ids
    if postings is not None:
        find, drafts = postings[0].bracket(postings[1]), postings[0].drafts(postings[1])
    plan = sp.make_plan(journal.store, q, published_only, find, drafts) if q is not None else None
    words = q.words() if q is not None and plan is not None and ranked else []
    # Several words' document frequencies are measured from the DF_SAMPLEth newest clip on
    # (and counted with the bookkeeping when that clip is known: `_idf`).
    if postings is not None and len(words) < 2:
        # The bookkeeping holds for the whole mark (each change of the index is a change).
        meta, ends = postings[0].kept(("meta",), postings[1],
                                      lambda: sq.read_meta(journal.store))
    else:
        meta, ends = sq.read_meta(journal.store, DF_SAMPLE if len(words) > 1 else 0,
                                  [sp.word_plan(plan, w) for w in words]
                                  if plan and len(words) > 1 else ())
    reason = index.stale_reason(journal.store, meta)
    if reason is not None:
        raise JournalError(f"the search index needs rebuilding ({reason}): run `kirinuki reindex`")
    if q is None or plan is None:
        assert error is not None
        raise error
    docs, chars = sq.corpus_stats(meta)
    return q, plan, Figures(docs, chars, ends)


def _holds(atom: Atom, row: sr.DocRow, folded: str, plan: sp.Plan) -> bool:
    if isinstance(atom, Word):
        return atom.text in (kana_fold(folded) if atom.kana else folded)
    if isinstance(atom, Tag):
        return plan.tags[atom.key] in row.tag_ids
    if isinstance(atom, Source):
        return row.source_id in plan.sources[atom.site]
    assert isinstance(atom, EntryRef)
    return row.entry_id == plan.entries[atom.ref]


def matches(q: Query, plan: sp.Plan, row: sr.DocRow, folded: str) -> bool:
    """Whether a clip satisfies the query, judged on its folded text: the verification step."""
    if not plan.lo <= row.docid <= plan.hi or (plan.public_only and not row.public):
        return False
    if not all(any(_holds(a, row, folded, plan) for a in c) for c in q.clauses):
        return False
    return not any(_holds(a, row, folded, plan) for a in q.excluded)


def _verified(journal: Journal, q: Query, plan: sp.Plan, docids: list[int], shown: bool = False,
              ) -> list[tuple[sr.DocRow, str]]:
    """The clips of `docids` that match (`shown`: with their display tags)."""
    out = []
    for row in sr.fetch(journal.store, docids, shown):
        folded = fold(row.text)
        if matches(q, plan, row, folded):
            out.append((row, folded))
    return out


def _scan(journal: Journal, q: Query, plan: sp.Plan, want: int | None,
          ) -> tuple[list[tuple[sr.DocRow, str]], int]:
    """Verify candidates newest first: (first `want` matches, or all; how many matched)."""
    found: list[tuple[sr.DocRow, str]] = []
    total = 0
    for chunk in sq.iter_newest(journal.store, plan):
        good = _verified(journal, q, plan, chunk)
        total += len(good)
        if want is None or len(found) < want:
            found.extend(good)
        if want is not None and len(found) >= want:
            break
    return found[:want] if want is not None else found, total


def count_matches(journal: Journal, query: str, *, published_only: bool = False) -> int:
    """The exact number of clips matching `query`. Raises InputError for a malformed query."""
    q, plan, _ = _plan(journal, query, published_only, ranked=False)
    if plan.exact:
        return sq.count(journal.store, plan)
    return _scan(journal, q, plan, None)[1]


@dataclass(frozen=True)
class _Matched:
    """Every match of an exact plan, found from row ids kept in memory (`Postings`)."""

    cache: Postings
    mark: object
    ids: np.ndarray  # ascending

    def newest(self, n: int, offset: int = 0) -> list[int]:
        end = len(self.ids) - offset
        ids: list[int] = self.ids[max(0, end - n):max(0, end)][::-1].tolist()
        return ids

    def word_count(self, journal: Journal, plan: sp.Plan, word: Word, lo: int) -> int:
        ids = atom_ids(self.cache, journal.store, plan, word, self.mark)
        first = np.searchsorted(ids, max(lo, plan.lo))
        return int(np.searchsorted(ids, plan.hi, "right") - first)


def _idf(journal: Journal, plan: sp.Plan, words: list[Word], figures: Figures,
         found: _Matched | None = None) -> dict[Word, float]:
    """Inverse document frequencies, measured on the newest DF_SAMPLE clips (1.0 for one word)."""
    if len(words) < 2:
        return {w: 1.0 for w in words}
    docs = figures.docs
    n = min(docs, DF_SAMPLE)
    if docs <= DF_SAMPLE:
        floor = sp.MIN_ROWID
    elif figures.ends is not None and figures.ends.floor is not None:
        floor = figures.ends.floor  # read with the index's bookkeeping
    elif found is not None:
        floor = found.cache.kept(("floor", n), found.mark,
                                 lambda: sq.newest_floor(journal.store, n))
    else:
        floor = sq.newest_floor(journal.store, n)
    ends = figures.ends
    if ends is not None and ends.counts is not None and ends.counted_from == floor:
        dfs = list(ends.counts)  # counted with the bookkeeping
    elif found is not None:
        dfs = [found.word_count(journal, plan, w, floor) for w in words]
    else:
        dfs = sq.counts(journal.store, [sp.word_plan(plan, w) for w in words], floor)
    return {w: math.log(1 + (n - df + 0.5) / (df + 0.5)) for w, df in zip(words, dfs,
                                                                         strict=True)}


def _rank(journal: Journal, q: Query, plan: sp.Plan, figures: Figures,
          cands: list[tuple[int, str]], found: _Matched | None = None,
          ) -> list[tuple[float, int]]:
    """(BM25 score, row id) of (row id, folded text) candidates, best first, newer on ties."""
    words = q.words()
    docs, chars = figures.docs, figures.chars
    idf = _idf(journal, plan, words, figures, found)
    weighted = [(w, idf[w] * (K1 + 1)) for w in words]
    flat, per_char = K1 * (1 - B), K1 * B / (chars / docs if docs else 1.0)
    # Term by term over all candidates in NumPy (the same float operations in the same order
    # as one candidate at a time, so the same scores), faster than a loop per candidate.
    n = len(cands)
    texts = [folded for _, folded in cands]
    kana_texts = [kana_fold(t) for t in texts] if any(w.kana for w in words) else texts
    norm = flat + per_char * np.fromiter(map(len, texts), np.float64, n)
    scores = np.zeros(n)
    for word, weight in weighted:
        tf = np.fromiter((t.count(word.text) for t in (kana_texts if word.kana else texts)),
                         np.float64, n)
        scores += weight * tf / (tf + norm)
    ids = np.fromiter((d for d, _ in cands), np.int64, n)
    order = np.lexsort((-ids, -scores))  # best first, newer (higher row id) on ties
    return list(zip(scores[order].tolist(), ids[order].tolist(), strict=True))


def _hit(row: sr.DocRow, q: Query, score: float | None) -> SearchHit:
    words = q.words()
    spans = highlight_spans(row.text, [w.text for w in words if not w.kana],
                            [w.text for w in words if w.kana])
    return SearchHit(
        clip_id=row.clip_id, entry_id=row.entry_id, permalink=row.permalink,
        published=from_iso(row.published),
        text=row.text, tags=row.tags, site=row.site, snippet=snippet(row.text, spans),
        highlights=spans, score=score)


def _newest(journal: Journal, plan: sp.Plan, found: _Matched | None, n: int, offset: int = 0,
            listed: np.ndarray | None = None, ends: sq.Ends | None = None) -> list[int]:
    """The newest `n` matches after `offset` of an exact plan (`listed`: all of them; `ends`:
    where PostgreSQL's windows run, as read with the index's bookkeeping)."""
    if listed is not None:
        end = len(listed) - offset
        ids: list[int] = listed[max(0, end - n):max(0, end)][::-1].tolist()
        return ids
    if found is not None:
        return found.newest(n, offset)
    if plan.relaxed:
        return sq.newest_holding(journal.store, plan.relaxed, plan.dropped, offset + n,
                                 ends)[offset:]
    return sq.newest(journal.store, plan, n, offset, ends)


def _top(journal: Journal, q: Query, plan: sp.Plan, figures: Figures, sort: str, limit: int,
         offset: int, found: _Matched | None = None, listed: np.ndarray | None = None,
         ) -> tuple[list[SearchHit], int | None]:
    want = offset + limit
    scores: dict[int, float] = {}
    ranked = None
    if plan.exact and sort == "date":
        rows = _verified(journal, q, plan, _newest(journal, plan, found, limit, offset, listed,
                                                   figures.ends), shown=True)
    elif plan.exact:
        # Rank on the text alone; only the hits shown are fetched whole and verified.
        if found is None and listed is None:
            window, folded = sr.newest_folded(journal.store, plan, max(RANK_WINDOW, want),
                                              figures.ends)
        else:
            window = _newest(journal, plan, found, max(RANK_WINDOW, want), 0, listed)
            folded = (found.cache.folded(journal.store, window, found.mark) if found is not None
                      else sr.folded_texts(journal.store, window))
        scored = _rank(journal, q, plan, figures,
                       [(d, folded[d]) for d in window if d in folded], found)
        scores = {d: s for s, d in scored[offset:want]}
        rows = _verified(journal, q, plan, list(scores), shown=True)
        ranked = len(scored)
    else:
        verified = _scan(journal, q, plan, want if sort == "date" else max(RANK_WINDOW, want))[0]
        if sort == "date":
            rows = verified[offset:want]
        else:
            by_id = {r.docid: (r, f) for r, f in verified}
            scored = _rank(journal, q, plan, figures, [(d, f) for d, (_, f) in by_id.items()])
            scores = {d: s for s, d in scored[offset:want]}
            rows = [by_id[d] for d in scores]
            ranked = len(scored)
        sr.add_display_tags(journal.store, [r for r, _ in rows])
    return [_hit(r, q, scores.get(r.docid)) for r, _ in rows], ranked


def _facets(journal: Journal, plan: sp.Plan, q: Query, limit: int, window: int | None = None,
            found: _Matched | None = None, ends: sq.Ends | None = None,
            ) -> tuple[list[FacetCount], list[FacetCount], int | None]:
    """Tag and month counts over every match, or the newest `window` ones (tags: the `limit`
    most common); and, with a window, how many matches it held (all of them when fewer)."""
    held = None
    if plan.exact and window:
        # One newest-first read of the window, then its rows' months and tags by row id:
        # reading the window's end and then the range again cost twice. A plan with
        # one-character words finds its newest matches by intersection (a prefix query reads
        # whole doclists).
        docids = _newest(journal, plan, found, window, ends=ends)
        months, tags = (found.cache.facets(journal.store, docids, found.mark) if found
                        else sf.facet_counts_of(journal.store, docids))
        held = len(docids)
    elif plan.exact:
        months, tags = sf.facet_counts(journal.store, plan)
    else:
        months, tags = Counter(), Counter()
        rows = _scan(journal, q, plan, window)[0]
        held = len(rows) if window else None
        for row, _ in rows:
            months[row.date_key // 100_000_000] += 1
            tags.update(row.tag_ids)
    tag_facets, month_facets = _facet_counts(journal, months, tags, limit, found)
    return tag_facets, month_facets, held


def _facet_counts(journal: Journal, months: Counter[int], tags: Counter[int], limit: int,
                  found: _Matched | None = None) -> tuple[list[FacetCount], list[FacetCount]]:
    """Facets from counts per tag id and per YYYYMM: the `limit` most common tags, every month
    (`found`: its cache keeps the tags' names for its mark)."""
    top = sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]  # ties: by id
    ids = [t for t, _ in top]
    names = (found.cache.tag_names(journal.store, ids, found.mark) if found is not None
             else sf.tag_names(journal.store, ids))
    tag_facets = sorted((FacetCount(names[t][0], names[t][1], n) for t, n in top if t in names),
                        key=lambda f: (-f.count, f.key))
    return tag_facets, [FacetCount(_month(ym), _month(ym), n)
                        for ym, n in sorted(months.items(), reverse=True)]


@lru_cache(maxsize=4096)
def _month(ym: int) -> str:
    return f"{ym // 100:04d}-{ym % 100:02d}" if ym else "undated"


def search(journal: Journal, query: str, *, limit: int = 20, offset: int = 0,
           sort: str = "relevance", total: bool = True, facets: bool = True,
           facet_limit: int = 20, published_only: bool = False,
           facet_window: int | None = None,
           postings: tuple[Postings, object] | None = None) -> SearchResult:
    """Search the journal's clips (see `kirinuki.text.query` for the language).

    `sort` is "relevance" (BM25, newer first on ties) or "date" (newest first);
    `published_only` leaves out clips of draft entries (for readers of the site);
    `facet_window` counts facets over the newest that many matches only (`faceted` says so
    when it left any out; the total stays exact); `postings` (a cache and the journal's
    change mark) answers exact plans from row ids kept in memory, with the same results. Raises
    InputError for a malformed query or option, JournalError when the index must be rebuilt.
    """
    if sort not in SORTS:
        raise InputError(f"unknown sort {sort!r} (choose relevance or date)")
    if limit < 0 or offset < 0:
        raise InputError("limit and offset must not be negative")
    if postings is None:
        q, plan, figures = _plan(journal, query, published_only, ranked=sort == "relevance")
    else:
        # A results page plans its query twice (hits, then total and facets): kept per mark.
        # Not `ranked`: the words' document frequencies come from the row ids kept (`_idf`),
        # where counting them with the bookkeeping cost PostgreSQL a scan of each word.
        cache, mark = postings
        q, plan, figures = cache.kept(("plan", query, published_only), mark, lambda: _plan(
            journal, query, published_only, ranked=False, postings=postings))
    found = None
    if postings is not None and plan.exact:
        cache, mark = postings
        ids = cache.matched((query, published_only), mark,
                            lambda: matching(cache, journal.store, q, plan, mark))
        found = _Matched(cache, mark, ids)
    listed = None
    if found is None and plan.exact and facets and not facet_window:
        # Facets over every match (the CLI): every match's row id at once; the total and the
        # newest matches come with them. Many matches are counted against facet columns
        # (faster than SQLite's join and grouping: docs/search.md).
        base = sf.first_docid(journal.store)
        listed = search_facts.ascending(
            search_facts.parse_ids(sf.listed(journal.store, plan, base), base))
    hits, ranked = _top(journal, q, plan, figures, sort, limit, offset, found, listed)
    result = SearchResult(query=query, sort=sort, hits=hits, ranked=ranked)
    held = None
    if listed is not None:
        if len(listed) >= COLUMNS_FROM:
            months, tags = search_facts.facts(journal.store).count(listed)
        else:
            months, tags = sf.facet_counts_of(journal.store, listed.tolist())
        result.tags, result.months = _facet_counts(journal, months, tags, facet_limit)
        result.total = len(listed) if total else None
        return result
    if facets:
        result.tags, result.months, held = _facets(journal, plan, q, facet_limit, facet_window,
                                                   found, figures.ends)
        cut = held is not None and facet_window is not None and held >= facet_window
        result.faceted = facet_window if cut else None
    if total:
        if found is not None:
            result.total = len(found.ids)
        elif held is not None and result.faceted is None:
            result.total = held  # the window held every match
        else:
            result.total = (sq.count(journal.store, plan) if plan.exact
                            else _scan(journal, q, plan, None)[1])
    return result


def reindex(journal: Journal, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the search index from every clip; returns how many clips it holds."""
    return index.rebuild(journal.store, progress)
