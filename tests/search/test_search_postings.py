"""Searching from row ids kept in memory (`Postings`, the web app's path): same results as the
index read by SQLite, a new change mark forgets them, bounded memory, safe under eviction."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kirinuki.journal import Journal
from kirinuki.journal.search import SearchResult, search
from kirinuki.store.sqlite import search_plan as sp
from kirinuki.store.sqlite import search_postings
from kirinuki.store.sqlite import search_rows as sr
from kirinuki.store.sqlite.search_postings import Postings
from tests.conftest import examples
from tests.search.conftest import JST, add_entries, entry

QUERIES = ["首相", "露", "露 首相", "京都 OR 円安", "の -核", "#露", "#反ロシア 集会",
           "since:2022-04-01 の", "until:2022-03-31 の", "下書き", "会", "米 会見", '"核の脅し"']


def shown(r: SearchResult) -> tuple[object, ...]:
    return ([(h.clip_id, h.score) for h in r.hits], r.total, r.tags, r.months, r.faceted)


@pytest.mark.parametrize("max_drafts", [64, 0])
@pytest.mark.parametrize("public", [True, False])
def test_same_results_as_sqlite(news: Journal, monkeypatch: pytest.MonkeyPatch,
                                max_drafts: int, public: bool) -> None:
    # MAX_DRAFTS 0: readers' queries intersect with the published token instead of leaving
    # out draft entries one by one; both forms must match.
    monkeypatch.setattr(sp, "MAX_DRAFTS", max_drafts)
    cache = Postings()
    for q in QUERIES:
        for sort in ("relevance", "date"):
            want = search(news, q, sort=sort, published_only=public, facet_window=2)
            got = search(news, q, sort=sort, published_only=public, facet_window=2,
                         postings=(cache, 1))
            assert shown(got) == shown(want), (q, sort)
    drafts = search(news, "下書き", published_only=public, postings=(cache, 1))
    assert drafts.total == (0 if public else 1)


def test_a_new_mark_forgets_what_was_kept(news: Journal) -> None:
    cache = Postings()
    assert search(news, "停戦", postings=(cache, 1)).total == 0
    add_entries(news, [entry([(["両国は停戦で合意しました。"], [])],
                             datetime(2023, 6, 1, 9, 0, tzinfo=JST), "new")])
    # Under the same mark the kept (empty) row ids answer: the cache is really used...
    assert search(news, "停戦", postings=(cache, 1)).total == 0
    # ...and the next mark reads the index again.
    assert search(news, "停戦", postings=(cache, 2)).total == 1


def test_memory_bound_keeps_results_exact(news: Journal) -> None:
    cache = Postings(max_bytes=1)  # smaller than any list: only the newest one stays
    for q in QUERIES:
        assert shown(search(news, q, postings=(cache, 1))) == shown(search(news, q)), q
        assert len(cache._ids) == 1


@pytest.mark.parametrize("block", [1, 3, 4096])
def test_facets_over_many_blocks(news: Journal, monkeypatch: pytest.MonkeyPatch,
                                 block: int) -> None:
    # Blocks of 1 or 3 clips: windows span many blocks, read in any order.
    monkeypatch.setattr(search_postings, "FACT_BLOCK", block)
    cache = Postings()
    for q in QUERIES:
        for window in (None, 3, 1000):
            want = search(news, q, facet_window=window)
            got = search(news, q, facet_window=window, postings=(cache, 1))
            assert (got.tags, got.months, got.faceted) == (want.tags, want.months,
                                                            want.faceted), (q, window)
    assert cache._facts is not None and cache._facts.loaded.any()
    broad = search(news, "の", facet_window=1000, postings=(cache, 1))
    assert sum(f.count for f in broad.months) == broad.total > 3


def test_folded_texts_evicted_meanwhile(news: Journal, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another thread may evict kept texts between the lookup and the update (a KeyError
    once answered a reader's search with a 500)."""
    cache = Postings()
    search(news, "米", postings=(cache, 1))  # keeps the texts of a few clips
    real = sr.texts

    def evicting(store, docids):  # type: ignore[no-untyped-def]
        cache._folded.clear()
        return real(store, docids)

    monkeypatch.setattr(cache, "max_texts", 1)
    monkeypatch.setattr(sr, "texts", evicting)
    # "の" ranks those clips (kept) and others (read, while the kept ones are evicted).
    assert shown(search(news, "の", postings=(cache, 1))) == shown(search(news, "の"))
    assert len(cache._folded) <= 1


@settings(max_examples=examples(200))
@given(st.lists(st.integers(0, 3000), max_size=400), st.lists(st.integers(0, 3000), max_size=400),
       st.sampled_from([0, 1 << 40]))
def test_intersections_by_lookup_or_by_flags(a: list[int], b: list[int], base: int) -> None:
    # Lists of similar length over a short span take the flags; others the lookup.
    x = np.unique(np.array(a, dtype=np.int64)) + base
    y = np.unique(np.array(b, dtype=np.int64)) + base
    assert search_postings._intersect(x, y).tolist() == np.intersect1d(x, y).tolist()
    assert search_postings._intersect(y, x).tolist() == np.intersect1d(x, y).tolist()
