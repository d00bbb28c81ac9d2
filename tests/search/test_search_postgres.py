"""PostgreSQL answers searches exactly as SQLite does: on random journals and queries, the same
hits (and scores), totals and facets, and both equal to a substring scan of the folded text."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kirinuki.journal import Journal, get_entry, init_journal
from kirinuki.journal.editing import delete_clip, delete_entry, edit_clip, rename_tag
from kirinuki.journal.search import SearchResult, count_matches, search
from kirinuki.store.sqlite.entries import entry_ids
from kirinuki.store.sqlite.search_postings import Postings
from tests.conftest import examples, fresh_pg_journal
from tests.search.conftest import JST, add_entries, entry
from tests.search.test_search_property import (
    TAGS,
    build,
    canonical,
    check,
    corpus_st,
    entry_st,
    queries,
    same,
    texts_st,
)

pytestmark = pytest.mark.database


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(corpus=corpus_st, data=st.data())
def test_postgres_search_equals_sqlite_and_a_scan(corpus: list, data: st.DataObject) -> None:  # type: ignore[type-arg]
    with fresh_pg_journal() as url, init_journal(url) as pg, build(corpus) as lite:
        add_entries(pg, [entry(groups, when, f"k{i}") for i, (groups, when) in enumerate(corpus)])
        check(pg, data, rounds=3)  # hits, totals, facets, pages equal to the scan
        texts = [c.text for eid in entry_ids(pg.store) for c in get_entry(pg, eid).clips]
        for _ in range(4):
            q, _pred = data.draw(queries(texts, lambda k: canonical(pg, k)))
            public = data.draw(st.booleans())
            for sort in ("relevance", "date"):
                a = search(lite, q, limit=50, sort=sort, published_only=public)
                b = search(pg, q, limit=50, sort=sort, published_only=public)
                assert same(a, b), q


def test_a_word_is_its_bigrams_in_a_row_on_both_backends(any_journal_path: str) -> None:
    """`東京都` is not found in a clip holding 東京 and 京都 apart (positions count), and a
    one-character word is found inside words (prefix lexemes)."""
    with init_journal(any_journal_path) as j:
        add_entries(j, [entry([(["東京と京都を結ぶ", "東京都の予算"], ["予算"])], None, "k1")])
        assert [h.text for h in search(j, "東京都").hits] == ["東京都の予算"]
        assert count_matches(j, "東京都") == 1  # from the index alone
        assert search(j, "京").total == 2
        assert search(j, "都 -予算").total == 1
        assert [f.label for f in search(j, "東京").tags] == ["予算"]


@pytest.mark.parametrize("recent", [False, True])
def test_newest_matches_found_window_by_window_equal_sqlite(monkeypatch: pytest.MonkeyPatch,
                                                            recent: bool) -> None:
    """PostgreSQL looks for the newest matches in row id windows growing from the newest clip;
    with windows of a few clips, several rounds are needed and the answers stay SQLite's;
    also with an index of the newest clips (`keep_recent`), where a window across its start
    is searched in two parts."""
    from kirinuki.store.postgres import upkeep
    from kirinuki.store.sqlite import search_query as sq

    monkeypatch.setattr(sq, "WINDOW_MIN", 1)
    monkeypatch.setattr(sq, "WINDOW_PER_MATCH", 0)  # the first window: one or two clips
    corpus = [([([f"露と中国{i}の会談", "米国の記者会見" if i % 3 else "中国外相"], ["外交"])],
               datetime(2024, 1, 1 + i % 28, 9, i, tzinfo=JST)) for i in range(40)]
    with fresh_pg_journal() as url, init_journal(url) as pg, build(corpus) as lite:
        add_entries(pg, [entry(groups, when, f"k{i}") for i, (groups, when) in enumerate(corpus)])
        if recent:
            monkeypatch.setattr(upkeep, "RECENT_CLIPS", 11)
            monkeypatch.setattr(upkeep, "RECENT_AFTER", 0)
            upkeep.keep_recent(pg.store.conn)
            assert pg.store.recent_start() is not None
        for q in ["中国", "露 中国", "記者会見", "中国外相 -米国", "露"]:
            for sort in ("relevance", "date"):
                # Without facets: the newest matches are looked up, not taken from all of them.
                a = search(lite, q, limit=7, sort=sort, facets=False)
                b = search(pg, q, limit=7, sort=sort, facets=False)
                assert a.hits and same(a, b), (q, sort)
                a = search(lite, q, limit=5, offset=3, sort=sort, facets=False)
                b = search(pg, q, limit=5, offset=3, sort=sort, facets=False)
                assert a.hits and same(a, b), (q, sort)


def test_relevance_ranks_from_the_text_forms_of_the_index(monkeypatch: pytest.MonkeyPatch,
                                                          ) -> None:
    """PostgreSQL ranks a window of matches on the text forms of `search_bi`, returned with the
    window's rows (also a mixed query's and a one-character word's), not on the clips' texts:
    those
    are read only for the clips whose form lost characters (planes 15-16). Scores and hits
    stay SQLite's."""
    from kirinuki.store.sqlite import search_rows as sr

    read: list[int] = []  # clips whose text was read
    forms: list[int] = []  # rows whose text form was read by row id
    texts, folded_texts = sr.texts, sr.folded_texts
    monkeypatch.setattr(sr, "texts", lambda store, ids: read.extend(ids) or texts(store, ids))
    monkeypatch.setattr(sr, "folded_texts",
                        lambda store, ids: forms.extend(ids) or folded_texts(store, ids))
    corpus = [([([f"露と中国{i}の会談 (G7)", "米国の記者会見: 1ドル=150円" if i % 3 else
                  "中国外相\U000f0041"], ["外交"])],
               datetime(2024, 1, 1 + i % 28, 9, i, tzinfo=JST)) for i in range(30)]
    with fresh_pg_journal() as url, init_journal(url) as pg, build(corpus) as lite:
        add_entries(pg, [entry(groups, when, f"k{i}") for i, (groups, when) in enumerate(corpus)])
        for q, lossy in [("米国", 0), ("記者会見 150円", 0), ("会談 g7", 0), ("1ドル=1", 0),
                         ("露 中国", 0), ("中国", 10), ("中国外相 -米国", 10), ("国", 10)]:
            a = search(lite, q, limit=7, facets=False)
            read.clear()
            forms.clear()
            b = search(pg, q, limit=7, facets=False)
            assert a.hits and same(a, b), q
            assert len(read) == lossy, q
            assert all("\U000f0041" in t for t in texts(pg.store, read).values()), q
            # No query reads the forms again: the windows return them, a mixed query's (in
            # `search_bi`, its one-character words checked on the forms) and a one-character
            # word's (in `search_uni`, the forms of its rows in the same statement) too.
            assert not forms, q


def statements_sent(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement PostgreSQL connections send from now on, in order."""
    from kirinuki.store.postgres import connection

    sent: list[str] = []
    run = connection.PgConnection._now

    def counted(self: connection.PgConnection, sql: str, args: object = None) -> object:
        sent.append(sql)
        return run(self, sql, args)  # type: ignore[arg-type]

    monkeypatch.setattr(connection.PgConnection, "_now", counted)
    return sent


def test_a_ranked_search_runs_few_statements(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each statement of a search is a round trip to PostgreSQL (on a loaded machine, a wait
    for the server's turn): a ranked search of one word reads the index's bookkeeping with its
    ends and the recent indexes' start (and for several words the row id their document
    frequencies start from) in one statement, then its window, then its hits with their tags;
    the document frequencies of several words are one statement; a date filter's bounds are
    one statement each. Scores stay SQLite's."""
    from kirinuki.journal import search as journal_search

    corpus = [([([f"中国{i}の会談" if i % 4 else f"中国{i}", "外相の会談"], ["外交"])],
                datetime(2024, 1, 1 + i % 28, 9, i, tzinfo=JST)) for i in range(30)]
    with fresh_pg_journal() as url, init_journal(url) as pg, build(corpus) as lite:
        add_entries(pg, [entry(groups, when, f"k{i}") for i, (groups, when) in enumerate(corpus)])
        sent = statements_sent(monkeypatch)
        found = search(pg, "中国", facets=False, total=False).hits
        assert found and all(h.tags == ["外交"] for h in found)
        # The hits' statement is prepared on the connection the first time it is met.
        assert len(sent) == 4 and sent[2].startswith("PREPARE"), sent
        sent.clear()
        search(pg, "中国", facets=False, total=False)
        assert len(sent) == 3, sent
        sent.clear()
        assert search(pg, "会", facets=False, total=False).hits  # the forms with the window
        assert len(sent) == 3, sent
        sent.clear()
        # Two words: their document frequencies in one statement, from the newest DF_SAMPLE
        # clips on (here fewer than the journal holds: their floor read with the bookkeeping);
        # once the floor is known, counted with the bookkeeping; none for a search by date.
        monkeypatch.setattr(journal_search, "DF_SAMPLE", 9)
        for sort, statements in (("relevance", 4), ("relevance", 3), ("date", 3)):
            a = search(lite, "中国 会談", sort=sort, facets=False, total=False)
            sent.clear()
            b = search(pg, "中国 会談", sort=sort, facets=False, total=False)
            assert b.hits and same(a, b)
            assert len(sent) == statements, (sort, sent)
        sent.clear()
        assert search(pg, "中国 until:2024-01-10", facets=False, total=False).hits
        # and one statement for each bound (`until:` and the start of the dated clips)
        assert len(sent) == 3 + 2, "\n".join(s[:70] for s in sent)


def test_the_floor_of_document_frequencies_follows_every_write(monkeypatch: pytest.MonkeyPatch,
                                                                ) -> None:
    """The row id several words' document frequencies start from (the DF_SAMPLEth newest clip)
    is read again only after the index changed (its generation); until then the words'
    matches are counted from it with the bookkeeping. Scores stay SQLite's when newer clips
    come in and when a clip goes, and an unchanged index is not scanned for it."""
    from kirinuki.journal import search as journal_search

    monkeypatch.setattr(journal_search, "DF_SAMPLE", 6)
    corpus = [([([f"中国{i}の会談" if i % 3 else f"中国{i}", "外相の会談"], ["外交"])],
                datetime(2024, 1, 1 + i, 9, 0, tzinfo=JST)) for i in range(12)]
    sent = statements_sent(monkeypatch)
    with fresh_pg_journal() as url, init_journal(url) as pg, build(corpus) as lite:
        add_entries(pg, [entry(groups, when, f"k{i}") for i, (groups, when) in enumerate(corpus)])
        for step in range(3):
            for again in (False, True):
                a = search(lite, "中国 会談", facets=False, total=False)
                sent.clear()
                b = search(pg, "中国 会談", facets=False, total=False)
                assert b.hits and same(a, b), step
                # The floor is read (an OFFSET) the first time after a change only, and the
                # words then counted in a statement of their own.
                assert any("OFFSET" in s for s in sent) != again, (step, sent)
                run_ = [s for s in sent if not s.startswith("PREPARE")]  # once a connection
                assert len(run_) == (3 if again else 4 + (step > 0)), (step, sent)
            if step == 0:  # newer clips, most of them holding 会談
                more = [entry([([f"会談{i}", f"中国と会談{i}"], [])],
                              datetime(2024, 2, 1 + i, 9, 0, tzinfo=JST), f"n{i}") for i in range(4)]
                for j in (lite, pg):
                    add_entries(j, more)
            elif step == 1:  # a newest entry goes
                for j in (lite, pg):
                    newest = max(entry_ids(j.store))
                    with j.store.transaction():
                        from kirinuki.store.sqlite.entries import delete_entry
                        delete_entry(j.store, newest)


def test_a_never_seen_search_from_kept_row_ids_reads_each_word_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The web app's path (`Postings`) on PostgreSQL: a word's row ids are read once per
    change mark, as one value; the bookkeeping, the drafts and the facets' tag names are read
    once per mark too, and the document frequencies are counted from the row ids kept, not by
    the server; the hits are read by a prepared statement. Results stay SQLite's."""
    from kirinuki.store.sqlite.search_postings import Postings

    corpus = [([([f"中国{i}の会談" if i % 4 else f"中国{i}", "外相の会談"], ["外交", f"t{i % 3}"])],
                datetime(2024, 1, 1 + i % 28, 9, i, tzinfo=JST)) for i in range(30)]
    with fresh_pg_journal() as url, init_journal(url) as pg, build(corpus) as lite:
        add_entries(pg, [entry(groups, when, f"k{i}") for i, (groups, when) in enumerate(corpus)])
        sent = statements_sent(monkeypatch)
        cache = Postings()
        for q, new_words in (("中国 会談", 2), ("会談 外相", 1), ("外相 の", 1), ("中国 の", 0)):
            for sort in ("relevance", "date"):
                sent.clear()
                a = search(lite, q, sort=sort, published_only=True, facet_window=10)
                b = search(pg, q, sort=sort, published_only=True, facet_window=10,
                           postings=(cache, 1))
                assert b.hits and b.tags and same(a, b), (q, sort)
                words = [s for s in sent if "int8send(search_" in s]
                assert len(words) == (new_words if sort == "relevance" else 0), (q, sent)
                assert not [s for s in sent if "count(" in s], (q, sent)
                # The hits (and the text forms for ranking) are read by prepared statements,
                # with their generic plans.
                assert [s for s in sent if "force_generic_plan" in s and "EXECUTE" in s], sent
                assert not [s for s in sent if "rowid IN (%s" in s], sent
                # Every clip's row id for the facets' columns, once, as one value too.
                ids = [s for s in sent if "int8send(docid)" in s]
                assert len(ids) == (q == "中国 会談" and sort == "relevance"), (q, sent)
                if q != "中国 会談":  # (a word's own read holds the index's generation)
                    assert not [s for s in sent if "search_meta" in s and "search_kept" not in s
                                or "status <>" in s or "FROM tags" in s], (q, sent)


def _kept_search(j: Journal, q: str, public: bool = False) -> SearchResult:
    """The web app's search with nothing kept in this process: its words come from the
    journal's kept row ids (or the index)."""
    return search(j, q, limit=50, published_only=public, facet_window=5,
                  postings=(Postings(), 1))


@settings(max_examples=examples(24), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(corpus=corpus_st, data=st.data())
def test_kept_words_follow_every_write(corpus: list, data: st.DataObject) -> None:  # type: ignore[type-arg]
    """The row ids kept in the journal for every process (`store/postgres/kept.py`) stay the
    index's through edits, deletions, tag renames and new entries: kept before a write,
    brought up to date after it from the rows it logged, the answers stay SQLite's."""
    from kirinuki.store.postgres import kept

    saved, kept.KEEP_MIN = kept.KEEP_MIN, 0  # every word kept, however rare
    try:
        with fresh_pg_journal() as url, init_journal(url) as pg, build(corpus) as lite:
            add_entries(pg, [entry(groups, when, f"k{i}")
                             for i, (groups, when) in enumerate(corpus)])
            asked: list[tuple[str, bool]] = []
            for step in range(4):
                texts = [c.text for eid in entry_ids(pg.store) for c in get_entry(pg, eid).clips]
                if texts:  # queries of the text now, and again those of the steps before
                    q, _pred = data.draw(queries(texts, lambda k: canonical(pg, k)))
                    asked.append((q, data.draw(st.booleans())))
                for q, public in asked:
                    a = _kept_search(lite, q, public)
                    assert same(a, _kept_search(pg, q, public)), (step, q)
                _write_both(data, lite, pg, step)
    finally:
        kept.KEEP_MIN = saved


def _write_both(data: st.DataObject, lite: Journal, pg: Journal, step: int) -> None:
    """The same random write to both journals (their ids are the same)."""
    clips = [c for eid in entry_ids(pg.store) for c in get_entry(pg, eid).clips]
    action = data.draw(st.sampled_from(["edit", "delete", "entry", "rename", "add"]
                                       if clips else ["add"]))
    if action == "add":
        groups, when = data.draw(entry_st)
        for j in (lite, pg):
            add_entries(j, [entry(groups, when, f"n{step}")])
        return
    clip = data.draw(st.sampled_from(clips))
    text = data.draw(texts_st.filter(lambda t: t.strip()))
    ref = str(data.draw(st.sampled_from(entry_ids(pg.store))))
    used = sorted(str(r[0]) for r in pg.store.conn.execute("SELECT key FROM tags"))
    new_name = data.draw(st.sampled_from(TAGS))
    for j in (lite, pg):
        if action == "edit":
            edit_clip(j, clip.id or 0, text)
        elif action == "delete":
            delete_clip(j, clip.id or 0)
        elif action == "entry":
            delete_entry(j, ref)
        elif used:
            rename_tag(j, used[0], new_name)


def _tamper(j: Journal, ids: list[int]) -> None:
    """Replace every kept word's row ids by `ids`, its generation unchanged."""
    import numpy as np

    j.store.conn.raw.execute("UPDATE search_kept SET ids = %s, n = %s",
                             (np.array(ids, dtype=">i8").tobytes(), len(ids)))


def test_a_word_kept_serves_every_process_and_follows_writes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A word's row ids read by one process are kept in the journal: another process (its
    own connection, nothing kept in memory) takes them from there without reading the index;
    after a write it checks only the rows the write changed; after a reindex (rows not
    logged) or once the log no longer reaches back to them, it reads the index again. The
    proof: a kept copy changed behind the index shows through exactly in those cases."""
    from kirinuki.journal import open_journal
    from kirinuki.store.postgres import kept
    from kirinuki.store.sqlite.search import rebuild

    monkeypatch.setattr(kept, "KEEP_MIN", 1)
    day = datetime(2024, 1, 1, 9, 0, tzinfo=JST)
    with fresh_pg_journal() as url, init_journal(url) as one, open_journal(url) as two:
        add_entries(one, [entry([([f"中国{i}の会談"], [])], day.replace(day=1 + i), f"k{i}")
                          for i in range(5)])
        assert _kept_search(one, "会談").total == 5  # read from the index, and kept
        gen, n = one.store.conn.execute("SELECT generation, n FROM search_kept"
                                        " WHERE expr LIKE '%会%'").fetchone()
        assert n == 5 and gen == int(one.store.conn.execute(
            "SELECT value FROM search_meta WHERE key = 'generation'").fetchone()[0])
        gone = int(one.store.conn.execute("SELECT min(rowid) FROM search_bi").fetchone()[0]) - 64
        _tamper(one, [gone])  # a row id of no clip
        assert _kept_search(two, "会談").total == 1  # the kept copy, not the index
        # A new clip holding the word: the copy is brought up to date by that row alone.
        add_entries(one, [entry([(["新たな会談"], [])], day.replace(day=20), "n1")])
        assert _kept_search(two, "会談").total == 2
        assert one.store.conn.execute("SELECT n FROM search_kept WHERE expr LIKE '%会%'"
                                      ).fetchone()[0] == 2  # kept again at the new generation
        # A clip edited away from the word, and one deleted: both rows checked.
        newest = max(entry_ids(one.store))
        edit_clip(one, get_entry(one, str(newest)).clips[0].id or 0, "別の話題")
        assert _kept_search(two, "会談").total == 1
        # A reindex writes its rows unlogged: the copy (still tampered) is no longer used.
        rebuild(one.store)
        assert _kept_search(two, "会談").total == 5
        # An entry deleted: its row, logged, leaves the copy.
        delete_entry(one, str(min(entry_ids(one.store))))
        assert _kept_search(two, "会談").total == 4
        # Once the log keeps fewer generations than the copy is behind, the index is read.
        monkeypatch.setattr(kept, "LOG", kept.LOG.replace("- 1024", "- 1"))
        _tamper(one, [gone])
        add_entries(one, [entry([(["さらに別の記事"], [])], day.replace(day=21), "n2")])
        add_entries(one, [entry([(["もう一つの記事"], [])], day.replace(day=22), "n3")])
        assert _kept_search(two, "会談").total == 4


def test_the_words_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past `MAX_IDS` row ids in all, the words kept longest ago go first; a word with fewer
    than `KEEP_MIN` matches is not kept."""
    from kirinuki.store.postgres import kept

    monkeypatch.setattr(kept, "KEEP_MIN", 2)
    monkeypatch.setattr(kept, "MAX_IDS", 7)
    day = datetime(2024, 1, 1, 9, 0, tzinfo=JST)
    with fresh_pg_journal() as url, init_journal(url) as pg:
        add_entries(pg, [entry([([f"会談{i}" + ("と声明" if i < 3 else "") + ("の記者" if i == 0
                                 else "")], [])], day.replace(day=1 + i), f"k{i}")
                         for i in range(5)])
        for q in ("会談", "声明", "記者"):
            _kept_search(pg, q)
        words = [str(r[0]) for r in pg.store.conn.execute(
            "SELECT expr FROM search_kept ORDER BY kept_at")]
        # 会談 (5) then 声明 (3) is over 7: 会談 went; 記者 (1) was not kept.
        assert len(words) == 1 and "声" in words[0], words
