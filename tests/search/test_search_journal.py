"""Search through the journal: words inside words, short words, filters, ranking, snippets,
facets, and the index kept in step with every write."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from kirinuki.errors import InputError, JournalError
from kirinuki.journal import Journal, init_journal, open_journal, search_facts
from kirinuki.journal import search as search_module
from kirinuki.journal.editing import add_group, delete_clip, delete_entry, edit_clip, rename_tag
from kirinuki.journal.search import count_matches, reindex, search
from kirinuki.model import Article, ArticleVersion, Clip, Group, Source, TagLine, TagRef
from kirinuki.store.sqlite import articles as article_rows
from kirinuki.store.sqlite import db, migrations
from kirinuki.store.sqlite import entries as entry_rows
from kirinuki.store.sqlite import search as index
from kirinuki.store.sqlite import search_facets as sf
from kirinuki.store.sqlite import search_plan as sp
from kirinuki.text.query import parse_query
from tests.conftest import undo_later_migrations
from tests.search.conftest import JST, add_entries, entry


def texts(journal: Journal, query: str, **kw: object) -> list[str]:
    return [h.text for h in search(journal, query, limit=100, **kw).hits]  # type: ignore[arg-type]


def test_words_inside_longer_words_are_found(news: Journal) -> None:
    assert texts(news, "京都", sort="date") == [
        "京都市では米国の大使が記者会見を開きました。",
        "東京都内で３８００人が参加する集会が開かれました。",
    ]
    assert texts(news, "シア") == ["ロシアの外相は「核の脅しは受け入れられない」と述べました。"]
    assert len(texts(news, "円")) == 1  # 円安 and 150円台 are in one clip


def test_one_and_two_character_words(news: Journal) -> None:
    assert texts(news, "露") == ["露中の首脳が会談し、対米で連携を確認しました。"]
    assert texts(news, "核") == ["ロシアの外相は「核の脅しは受け入れられない」と述べました。"]
    assert search(news, "米").total == 2  # 米国 and 対米
    assert search(news, "首相").total == 1
    assert search(news, "首相 -副首相").total == 0


def test_width_and_case_folding(news: Journal) -> None:
    for q in ("NATO", "nato", "ＮＡＴＯ", "Nato"):
        assert search(news, q).total == 1, q
    assert search(news, "3800人").total == 1  # the clip has full-width ３８００
    assert search(news, "１ドル＝１５０").total == 1


def test_boolean_operators_and_phrases(news: Journal) -> None:
    assert search(news, "京都 OR 露").total == 3
    assert search(news, '"核の脅し"').total == 1
    assert search(news, '"脅し 核"').total == 0
    assert sorted(texts(news, "-の")) == sorted([
        "東京都内で３８００人が参加する集会が開かれました。",
        "円安が進み、1ドル=150円台となりました。", "首相は副首相とともに被災地を訪れました。"])
    assert search(news, "-京都 -露 -円 -核 -首相").total == 2


def test_tag_date_and_entry_filters(news: Journal) -> None:
    assert search(news, "#露").total == 2
    assert search(news, "#ＮＡＴＯ").total == 2  # tag keys fold too
    assert search(news, "#反ロシア 京都").total == 1
    assert search(news, "#存在しない").total == 0
    assert search(news, "since:2022-04-01").total == 4
    assert search(news, "until:2022-03-01").total == 3
    assert search(news, "since:2022-03-02 until:2022-12-31").total == 2
    assert search(news, "until:2099").total == 7  # the undated draft is outside any range
    assert search(news, "entry:3").total == 2
    assert search(news, "entry:3 -首相").total == 1


@pytest.mark.parametrize("max_drafts", [64, 0])  # drafts left out by entry, or by token
def test_published_only_leaves_out_drafts(news: Journal, max_drafts: int,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sp, "MAX_DRAFTS", max_drafts)
    plan = sp.make_plan(news.store, parse_query("の"), public_only=True)
    assert (plan.drafts is None) == (max_drafts == 0)
    assert search(news, "の").total == 5
    assert search(news, "の", published_only=True).total == 4
    assert count_matches(news, "下書き", published_only=True) == 0
    assert all(h.published for h in search(news, "-京都", published_only=True).hits)


def _version(j: Journal, url: str, source: Source, paragraph: str) -> int:
    """A captured article of one paragraph: the id of its version."""
    with j.store.transaction():
        aid = article_rows.article_id(j.store, Article(url, source), j.now())
        vid, _ = article_rows.add_version(j.store, aid, ArticleVersion("h1", j.now(),
                                                                       [paragraph]))
    return int(vid)


def test_source_filter_matches_site_and_subdomains(mem_journal: Journal) -> None:
    j = mem_journal
    vid = _version(j, "https://www3.nhk.or.jp/news/1.html", Source("www3.nhk.or.jp", "NHK"),
                   "政府は新たな対策を発表しました。")
    add_group(j, None, Group([Clip("政府は新たな対策を発表しました。", article_version_id=vid),
                              Clip("別の段落です。")], [TagLine([TagRef("政策")])]))
    assert search(j, "source:nhk.or.jp").total == 1
    assert search(j, "source:www3.nhk.or.jp 対策").total == 1
    assert search(j, "source:hk.or.jp").total == 0
    assert search(j, "-source:nhk.or.jp").total == 1
    assert search(j, "対策").hits[0].site == "www3.nhk.or.jp"


def test_ranking_prefers_denser_matches_and_breaks_ties_by_date(mem_journal: Journal) -> None:
    day = datetime(2023, 5, 1, tzinfo=JST)
    add_entries(mem_journal, [
        entry([(["制裁の話。" + "ほかの話題が長く続く段落です。" * 5], [])], day, "old"),
        entry([(["制裁と制裁の強化。"], [])], day + timedelta(days=1), "dense"),
        entry([(["制裁の話。" + "ほかの話題が長く続く段落です。" * 5], [])],
              day + timedelta(days=2), "new"),
    ])
    hits = search(mem_journal, "制裁").hits
    assert hits[0].text == "制裁と制裁の強化。"
    assert hits[1].published and hits[2].published and hits[1].published > hits[2].published
    dated = search(mem_journal, "制裁", sort="date").hits
    assert [h.published for h in dated] == sorted((h.published for h in dated), reverse=True)


def test_ranking_reads_the_index_bookkeeping_once(mem_journal: Journal) -> None:
    """A ranked search of several words reads `search_meta` (the staleness check and the
    clip and character counts of BM25) in one statement: on PostgreSQL each read is a round
    trip."""
    add_entries(mem_journal, [entry([(["制裁と米国の話。"], [])], datetime(2023, 5, 1, tzinfo=JST))])
    run: list[str] = []
    mem_journal.store.conn.set_trace_callback(run.append)  # type: ignore[attr-defined]
    assert search(mem_journal, "制裁 米国", facets=False).hits[0].score
    mem_journal.store.conn.set_trace_callback(None)  # type: ignore[attr-defined]
    assert len([sql for sql in run if "search_meta" in sql]) == 1


def test_one_character_word_with_a_longer_one_widens_its_range_until_enough(
        mem_journal: Journal) -> None:
    # "中国" in all 60 clips, "露" in every seventh: the newest few "露 中国" matches lie
    # beyond the first range searched, which must widen (newest first, nothing skipped).
    day = datetime(2023, 1, 1, tzinfo=JST)
    add_entries(mem_journal, [
        entry([([f"中国の発表{i}件目。" + ("露の反応も伝えた。" if i % 7 == 0 else "")], [])],
              day + timedelta(days=i), f"k{i}") for i in range(60)])
    want = [f"中国の発表{i}件目。露の反応も伝えた。" for i in range(56, -1, -7)]
    assert texts(mem_journal, "露 中国", sort="date") == want
    assert [h.text for h in search(mem_journal, "露 中国", limit=4, offset=2,
                                   sort="date").hits] == want[2:6]
    assert {h.text for h in search(mem_journal, "露 中国", limit=5).hits} <= set(want)
    assert search(mem_journal, "露 中国").total == len(want)
    # Facets over the newest 5 matches: entries 56, 49, 42, 35 (February) and 28 (January).
    window = search(mem_journal, "露 中国", facet_window=5)
    assert window.faceted == 5 and window.total == len(want)
    assert [(m.key, m.count) for m in window.months] == [("2023-02", 4), ("2023-01", 1)]


def test_snippet_highlights_matches_in_the_original_text(news: Journal) -> None:
    hit = search(news, "ｎａｔｏ").hits[0]
    assert hit.highlights == [(0, 4)] and hit.text[0:4] == "ＮＡＴＯ"
    assert hit.snippet[0] == ("ＮＡＴＯ", True)
    long = "前置きの文章です。" * 20 + "ここに核心の語があります。" + "後ろの文章です。" * 20
    add_group(news, None, Group([Clip(long)], []))
    hit = search(news, "核心").hits[0]
    marked = [s for s, m in hit.snippet if m]
    assert marked == ["核心"] and hit.snippet[0] == ("…", False) and hit.snippet[-1] == ("…", False)
    assert sum(len(s) for s, _ in hit.snippet) < 130


def test_facets_count_the_whole_result_set(news: Journal) -> None:
    r = search(news, "の", limit=1)
    assert r.total == 5 and len(r.hits) == 1
    assert {f.label: f.count for f in r.tags} == {"反ロシア": 1, "核": 1, "米国": 1, "NATO": 1,
                                                  "円安": 1, "露": 1}
    assert [(f.key, f.count) for f in r.months] == [("2023-04", 1), ("2022-04", 1),
                                                    ("2022-03", 2), ("undated", 1)]


def test_deleted_and_edited_clips_are_never_returned(news: Journal) -> None:
    hit = search(news, "記者会見").hits[0]
    delete_clip(news, hit.clip_id)
    assert search(news, "記者会見").total == 0 and count_matches(news, "記者会見") == 0
    hit = search(news, "被災地").hits[0]
    edit_clip(news, hit.clip_id, "首相は被害の状況を視察しました。")
    assert search(news, "被災地").total == 0
    assert search(news, "視察").hits[0].clip_id == hit.clip_id
    delete_entry(news, str(hit.entry_id))
    assert search(news, "視察").total == 0 and search(news, "#露").total == 0


def test_tag_rename_keeps_the_index_in_step(news: Journal) -> None:
    rename_tag(news, "露", "ロシア情勢")
    assert search(news, "#ロシア情勢").total == 2
    assert search(news, "#露").total == 2  # the old name is an alias
    rename_tag(news, "円安", "NATO")  # merging into an existing tag
    assert search(news, "#nato").total == 2 and search(news, "#円安").total == 2


def test_writes_rolled_back_leave_the_index_unchanged(news: Journal) -> None:
    with pytest.raises(RuntimeError), news.store.transaction():
        add_group(news, None, Group([Clip("消えるはずの段落。")], []))
        raise RuntimeError("abort")
    assert search(news, "消えるはず").total == 0


def test_text_changed_behind_the_index_marks_it_stale_until_reindex(news: Journal) -> None:
    entry_id = search(news, "京都市").hits[0].entry_id
    news.store.conn.execute("UPDATE clips SET text = 'こっそり変えた。' WHERE text LIKE '京都市%'")
    assert search(news, "京都市").hits == []  # hits are verified against their text
    delete_entry(news, str(entry_id))
    with pytest.raises(JournalError, match="kirinuki reindex"):
        search(news, "京都")
    assert reindex(news) == 5
    assert search(news, "京都").total == 0 and search(news, "ＮＡＴＯ").total == 1


def test_journal_from_before_the_index_asks_for_reindex(tmp_path: Path) -> None:
    path = str(tmp_path / "old.db")
    j = init_journal(path)
    add_entries(j, [entry([(["古い日誌の段落。"], ["古い"])], None, "old")])
    conn = j.store.conn
    for table in ("search_bi", "search_uni", "search_docs", "search_meta"):
        conn.execute(f"DROP TABLE {table}")
    for statement in db._statements(migrations.V2_SEARCH):  # what migrating a v1 journal runs
        conn.execute(statement)
    j.close()
    with open_journal(path) as j2:
        with pytest.raises(JournalError, match="reindex"):
            search(j2, "日誌")
        reindex(j2)
        assert search(j2, "日誌").total == 1


def test_index_of_another_format_asks_for_reindex(news: Journal) -> None:
    news.store.conn.execute("UPDATE search_meta SET value = '0' WHERE key = 'format'")
    with pytest.raises(JournalError, match="format 0"):
        search(news, "京都")
    reindex(news)
    assert search(news, "京都").total == 2
    fresh = init_journal(":memory:")  # V2 and V14 leave a new journal's index in this format
    assert fresh.store.conn.execute(
        "SELECT value FROM search_meta WHERE key = 'format'").fetchone()[0] == index.FORMAT




def _as_before_v14(conn: sqlite3.Connection) -> None:
    """Make a fresh journal look written before V14: the later migrations' parts removed."""
    conn.execute("UPDATE search_meta SET value = '2' WHERE key = 'format'")
    undo_later_migrations(conn, "V14_SEARCH_GROUPING")


def test_index_built_before_digit_grouping_asks_for_reindex(tmp_path: Path) -> None:
    # An index built with `3,800` kept as written: migrating marks it stale, reindex makes
    # `3800人` find `３，８００人`.
    path = str(tmp_path / "v13.db")
    j = init_journal(path)
    add_entries(j, [entry([(["死者は３，８００人に上りました。"], [])], None, "old")])
    conn = j.store.conn
    _as_before_v14(conn)
    j.close()
    with open_journal(path) as j2:
        with pytest.raises(JournalError, match="3,800 as 3800"):
            search(j2, "3800人")
        reindex(j2)
        assert search(j2, "3800人").total == 1
        assert search(j2, "3,800人").total == 1
    empty = str(tmp_path / "empty.db")
    with init_journal(empty) as j3:
        _as_before_v14(j3.store.conn)
    with open_journal(empty) as j3:  # an empty index is simply of the new format
        assert search(j3, "3800人").total == 0


def test_bad_options_are_input_errors(news: Journal) -> None:
    with pytest.raises(InputError, match="unknown sort"):
        search(news, "京都", sort="best")
    with pytest.raises(InputError, match="unclosed quote"):
        count_matches(news, '"京都')


def test_index_rows_from_written_entries_equal_rows_read_back(mem_journal: Journal) -> None:
    # A write hands the entries it stored to the index, which no longer reads them back: both
    # ways must give the same rows (sources, tags of each group, drafts, dates).
    j = mem_journal
    vid = _version(j, "https://example.jp/a.html", Source("example.jp", "例"),
                   "首相は会見で説明しました。")
    day = datetime(2024, 2, 3, 9, 0, tzinfo=JST)
    written = [
        entry([(["首相は会見で説明しました。", "ＮＡＴＯの会合。"], ["政治", "外交"]),
               (["円安が進みました。"], ["経済"])], day, "w1"),
        entry([(["下書きの段落。"], [])], None, "w2"),
    ]
    written[0].groups[0].items[0].article_version_id = vid  # type: ignore[union-attr]
    with j.store.transaction():
        ids = entry_rows.insert_entries(j.store, written, datetime.now(JST))
        fresh = index._docs_written(j.store, written)
        stored = index._load_new(j.store, ids)

    def key(d: index._Doc) -> tuple[object, ...]:
        return (d.clip_id, d.entry_id, d.date_key, d.source_id, d.public, d.form, sorted(d.tags))

    assert [key(d) for d in fresh] == [key(d) for d in stored]
    assert {d.source_id for d in fresh} - {None} and all(d.tags for d in fresh[:3])
    assert search(j, "source:example.jp 首相").total == 1


@pytest.fixture
def columns_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """Facets over all matches counted against facet columns, however few the matches."""
    monkeypatch.setattr(search_module, "COLUMNS_FROM", 0)


def _facets(j: Journal, query: str) -> tuple[object, ...]:
    r = search(j, query, limit=2)
    return (r.total, [h.clip_id for h in r.hits], [(f.key, f.count) for f in r.tags],
            [(f.key, f.count) for f in r.months])


def test_facet_columns_in_a_file_follow_every_change(tmp_path: Path, news: Journal,
                                                     columns_always: None) -> None:
    # The same journal on disk: its facet columns are written beside it, read by the next
    # search (another process too), and rebuilt after any write, tag renames included.
    path = str(tmp_path / "news.db")
    news.store.conn.execute("VACUUM INTO ?", (path,))
    with open_journal(path) as j:
        assert _facets(j, "の") == _facets(news, "の")
        columns = Path(path + "-searchfacts")
        assert columns.exists()
        stamp = columns.stat().st_mtime_ns
        assert _facets(j, "の") == _facets(news, "の") and columns.stat().st_mtime_ns == stamp
        for jj in (j, news):  # a rename changes no text: the change count tells
            rename_tag(jj, "露", "ロシア情勢")
        assert _facets(j, "の") == _facets(news, "の")
        assert "ロシア情勢" in [f.label for f in search(j, "の").tags]
        for jj in (j, news):
            hit = search(jj, "被災地").hits[0]
            edit_clip(jj, hit.clip_id, "首相は被害の状況を視察しました。")
        assert _facets(j, "の") == _facets(news, "の")
        columns.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json")  # damaged: rebuilt
        search_facts._kept.clear()
        assert _facets(j, "の") == _facets(news, "の")
    with open_journal(path) as j:  # a new process reads the file
        search_facts._kept.clear()
        assert _facets(j, "の") == _facets(news, "の")


def test_facet_columns_fall_back_to_a_binary_search_for_spread_row_ids(
        news: Journal, columns_always: None, monkeypatch: pytest.MonkeyPatch) -> None:
    want = _facets(news, "の")
    monkeypatch.setattr(search_facts, "MAX_SPREAD", 0)
    monkeypatch.setattr(search_facts, "_build", _spread_build)
    assert _facets(news, "の") == want


def test_matches_handed_over_in_another_order_give_the_same_answer(
        news: Journal, columns_always: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # No ORDER BY asks SQLite for ascending row ids (FTS5 yields them so): when a backend
    # yields them in another order, they are sorted before the newest are taken and counted.
    want = [_facets(news, q) for q in ("の", "首相", "露")]
    listed = sf.listed

    def reversed_listed(store: object, plan: object, base: int) -> str:
        return ",".join(reversed(listed(store, plan, base).split(",")))  # type: ignore[arg-type]

    monkeypatch.setattr(sf, "listed", reversed_listed)
    assert [_facets(news, q) for q in ("の", "首相", "露")] == want
    assert want[0][0] > 2 and want[0][1]


def test_facet_columns_count_nothing_for_row_ids_they_do_not_hold(news: Journal) -> None:
    # Matches read after a commit the columns missed: row ids below, between or beyond
    # theirs count nothing, the rest as before.
    facts = search_facts.facts(news.store)
    held = facts.docids[::2].copy()
    gaps = np.setdiff1d(np.arange(facts.docids[0], facts.docids[-1]), facts.docids)
    assert len(facts.slot) and len(gaps)
    extra = np.concatenate([[facts.docids[0] - 5], gaps[:3], [facts.docids[-1] + 7]])
    assert facts.count(np.sort(np.concatenate([held, extra]))) == facts.count(held)
    assert facts.count(held)[0] and facts.count(held)[1]
    assert facts.count(extra[:1]) == facts.count(extra[-1:]) == (Counter(), Counter())


_real_build = search_facts._build


def _spread_build(store: object, key: tuple[int, ...]) -> search_facts.Facts:
    facts = _real_build(store, key)  # type: ignore[arg-type]
    assert not len(facts.slot) and len(facts.lists)
    return facts


def test_the_same_figure_written_another_way(mem_journal: Journal) -> None:
    j = mem_journal
    add_entries(j, [entry([(["死者は３，８００人に上りました。", "避難者は3,800人です。",
                             "参加者は3\u2009800人でした。", "番号は1,2,3と38,00です。"], [])],
                          None, "figures")])
    for query in ("3800人", "3,800人", "３８００人", "３，８００人"):
        r = search(j, query)
        assert r.total == 3, query
        assert sorted(h.text[s:e] for h in r.hits for s, e in h.highlights) == \
            ["3,800人", "3\u2009800人", "３，８００人"]
    assert search(j, "1,2,3").total == 1 and search(j, "123").total == 0
    assert search(j, "3800").total == 3  # `38,00` is no grouping: not 3800


def test_kana_insensitive_words_are_opt_in(mem_journal: Journal) -> None:
    j = mem_journal
    add_entries(j, [entry([(["キシダ首相が会見。", "きしだ氏の発言。", "岸田首相。"], [])],
                          None, "kana")])
    assert search(j, "きしだ").total == 1 and search(j, "キシダ").total == 1
    r = search(j, "~きしだ")
    assert r.total == 2 and count_matches(j, "~キシダ") == 2
    assert sorted(h.text[s:e] for h in r.hits for s, e in h.highlights) == ["きしだ", "キシダ"]
    assert search(j, "首相 -~きしだ").total == 1
    assert search(j, '~"しだ首"').total == 1
    # A word of many kana is found through a superset of its bigrams, verified on the text.
    add_entries(j, [entry([(["ろしあのうくらいなしんこう", "ロシアノウクライナシンコウ"], [])],
                          None, "long")])
    assert search(j, "~ろしあのうくらいな").total == 2
    assert search(j, "~ロシアノウクライナシンコウ -ろしあ").total == 1
