"""The PostgreSQL store: schema versions as in SQLite, a migration for every SQLite one, clear
errors, writers one after the other, and the dialect translation of the store's SQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kirinuki.errors import InputError, JournalBusyError, JournalError, SchemaTooNewError
from kirinuki.journal import init_journal, open_journal
from kirinuki.store.postgres import migrations as pg_migrations
from kirinuki.store.postgres.dialect import translate
from kirinuki.store.postgres.fts import fts_to_tsquery, lexemes, match_condition, text_form
from kirinuki.store.postgres.inserts import multi_row
from kirinuki.store.sqlite import migrations as sqlite_migrations


def test_every_sqlite_migration_has_a_postgres_counterpart() -> None:
    """Same count, same order, and the same tables and columns created by each step."""
    assert len(pg_migrations.MIGRATIONS) == len(sqlite_migrations.MIGRATIONS)

    def made(script: str) -> set[str]:
        names = set(re.findall(r"CREATE (?:VIRTUAL )?TABLE (?:IF NOT EXISTS )?(\w+)", script))
        names |= {f"{t}.{c}" for t, c in re.findall(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", script)}
        # A table rebuilt under a new name and renamed back (SQLite cannot alter a CHECK).
        return names - {old for old, _ in re.findall(r"ALTER TABLE (\w+) RENAME TO (\w+)", script)}

    # The one column only PostgreSQL's search table has: SQLite's is an FTS5 table, which
    # needs no text form to find phrases (docs/search.md, "PostgreSQL"); and the words' row
    # ids kept in the journal for every process, which FTS5 reads quickly enough in each
    # (docs/search.md, "Row ids kept in the journal").
    backend_only = {"search_bi.form", "search_kept", "search_changed", "search_kept_floor"}
    for i, (lite, pg) in enumerate(zip(sqlite_migrations.MIGRATIONS, pg_migrations.MIGRATIONS,
                                       strict=True), 1):
        assert made(lite) == made(pg) - backend_only, f"V{i}"
    assert backend_only == (made(pg_migrations.V22_SEARCH_FORM)
                            | made(pg_migrations.V25_SEARCH_KEPT))


def test_the_store_sql_is_said_in_postgres() -> None:
    st = translate("SELECT id FROM entries WHERE id IN (SELECT value FROM json_each(?))"
                   " ORDER BY published DESC, id LIMIT ?")
    assert st.sql == ("SELECT id FROM entries WHERE id = ANY(%s) ORDER BY published DESC"
                      " NULLS LAST, id LIMIT %s")
    assert "ON CONFLICT (clip_id) DO UPDATE SET version = EXCLUDED.version" in translate(
        "INSERT OR REPLACE INTO clip_sketches(clip_id, version, sketch) VALUES (?,?,?)").sql
    assert translate("SELECT x FROM t WHERE a = ?1 OR b = ?1").converts == ((0, None), (0, None))
    assert fts_to_tsquery('("ab bc") AND ("a"*) NOT ("x")') == \
        "(('ab' <-> 'bc') & ('a':* & !'x'))"


def test_inserts_that_replace_or_ignore_go_in_many_rows_at_once() -> None:
    """INSERT OR REPLACE sends the last row of each key in one statement; an upsert that adds
    to the stored row is sent row by row."""
    shape = multi_row(translate(
        "INSERT OR REPLACE INTO clip_sketches(clip_id, version, sketch) VALUES (?,?,?)").sql)
    assert shape is not None and shape.keys == (0,) and "DO UPDATE" in shape.tail
    ignore = multi_row(translate("INSERT OR IGNORE INTO t(a, b) VALUES (?, ?)").sql)
    assert ignore is not None and ignore.keys == () and ignore.tail == "ON CONFLICT DO NOTHING"
    assert multi_row("INSERT INTO m(key, value) VALUES (%s, %s) ON CONFLICT (key)"
                     " DO UPDATE SET value = m.value + EXCLUDED.value") is None


@pytest.mark.database
def test_rows_replaced_in_one_batch_keep_the_last_of_each_key(pg_journal_path: str) -> None:
    with init_journal(pg_journal_path) as j:
        conn = j.store.conn
        conn.execute("CREATE TABLE t_pairs(k BIGINT PRIMARY KEY, v TEXT)")
        conn.executemany("INSERT INTO t_pairs(k, v) VALUES (?, ?) ON CONFLICT (k)"
                         " DO UPDATE SET v = EXCLUDED.v",
                         [(1, "a"), (2, "b"), (1, "c"), (3, "d"), (2, "e")])
        conn.executemany("INSERT OR IGNORE INTO t_pairs(k, v) VALUES (?, ?)",
                         [(3, "x"), (4, "f"), (4, "g")])
        assert conn.execute("SELECT k, v FROM t_pairs ORDER BY k").fetchall() == [
            (1, "c"), (2, "e"), (3, "d"), (4, "f")]


def test_a_match_is_a_gin_query_and_a_substring_check_for_phrases() -> None:
    """A phrase's tokens go to the GIN index all present and the phrase itself is checked on
    the text form; an excluded phrase cannot be left out by the index (the check does it)."""
    assert match_condition('("ab bc") AND ("a"*)', "search_bi") == (
        "(search_bi.body @@ '((''ab'' & ''bc'') & ''a'':*)'::tsquery"
        " AND strpos(search_bi.form, 'abc') > 0)")
    tag = "\U000f01017"
    assert match_condition(f'("x"*) NOT ("ab bc" OR "{tag}")', "search_bi") == (
        "(search_bi.body @@ '''x'':*'::tsquery AND NOT (strpos(search_bi.form, 'abc') > 0"
        f" OR search_bi.body @@ '''{tag}'''::tsquery))")
    assert match_condition('("ab") NOT ("cd")', "search_bi") == \
        "(search_bi.body @@ '(''ab'' & !''cd'')'::tsquery)"
    assert match_condition('("ab bc") OR ("cd")', "search_bi") == (
        "(search_bi.body @@ '((''ab'' & ''bc'') | ''cd'')'::tsquery"
        " AND (strpos(search_bi.form, 'abc') > 0 OR strpos(search_bi.form, 'cd') > 0))")
    # An index body as tsvector input: every token quoted, none empty (the server refuses '').
    assert lexemes(" ab  bc   \U000f0100 ") == "'ab' 'bc' '\U000f0100'"
    assert lexemes(b"a") == "'a'" and lexemes("  ") == "" and lexemes("") == ""
    assert text_form("ab bc c  \U000f0100 \U000f01012") == "abc"
    assert text_form(" \U000f0100") == ""


@pytest.mark.database
def test_init_creates_the_schema_and_a_second_init_is_refused(pg_journal_path: str) -> None:
    with init_journal(pg_journal_path, "共有帳", ["kirinuki.test"]) as j:
        version = j.store.conn.execute("SELECT version FROM kirinuki_schema").fetchone()[0]
        assert version == len(pg_migrations.MIGRATIONS)
    with open_journal(pg_journal_path) as j:
        assert j.settings.title == "共有帳"
        # An index body becomes its tokens without positions (phrases are checked on the text),
        # each token whole, even one holding a character the server's locale calls a space.
        for body, tokens in (("ab bc ab b  F", "'F' 'ab' 'b' 'bc'"),
                             ("a\u3000 \u3000b b\u2028  F", "'F' 'a\u3000' 'b\u2028' '\u3000b'")):
            assert j.store.conn.execute("SELECT ?::tsvector::text", [lexemes(body)]
                                        ).fetchone()[0] == tokens
    with pytest.raises(JournalError, match="already exists"):
        init_journal(pg_journal_path)


@pytest.mark.database
def test_a_newer_schema_and_a_foreign_database_are_refused(pg_journal_path: str) -> None:
    with pytest.raises(JournalError, match="no journal here"):
        open_journal(pg_journal_path)
    with init_journal(pg_journal_path) as j:
        j.store.conn.execute("UPDATE kirinuki_schema SET version = 999")
    with pytest.raises(SchemaTooNewError, match="schema 999"):
        open_journal(pg_journal_path)
    with _foreign(pg_journal_path) as url, \
            pytest.raises(JournalError, match="not a kirinuki journal"):
        open_journal(url)


class _foreign:  # noqa: N801  (a context manager used like a function)
    """The same schema with one table of another application and no kirinuki tables."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __enter__(self) -> str:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("DROP TABLE kirinuki_schema CASCADE")
        return self.url

    def __exit__(self, *exc: object) -> None:
        return None


def test_an_unreachable_server_is_one_line(tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(JournalError, match="cannot"):
        open_journal("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")


@pytest.mark.database
def test_a_second_writer_waits_then_reports_busy(pg_journal_path: str) -> None:
    with init_journal(pg_journal_path) as a, open_journal(pg_journal_path) as b:
        with a.store.transaction(), b.store.waiting(0.2), \
                pytest.raises(JournalBusyError, match="busy"), b.store.transaction():
            pass
        with b.store.transaction():  # free again once the first has committed
            pass


@pytest.mark.database
def test_a_write_is_seen_by_every_other_connection(pg_journal_path: str) -> None:
    """`data_version` (what the web app's and analysis's caches key on) changes for another
    connection when a write commits, and not while it is still open: caches of several
    `serve` processes follow the database, not their own memory."""
    from kirinuki.journal.composing import new_entry

    with init_journal(pg_journal_path) as a, open_journal(pg_journal_path) as b:
        before = b.store.data_version()
        with a.store.transaction():
            new_entry(a)
            assert b.store.data_version() == before  # not committed yet
        assert b.store.data_version() != before
        now = b.store.data_version()
        open_journal(pg_journal_path).close()  # reading changes nothing
        assert b.store.data_version() == now


@pytest.mark.database
def test_writers_in_several_threads_lose_no_entry(pg_journal_path: str) -> None:
    """Writers on their own connections take turns (the advisory lock): every entry each one
    added is there, with ids never handed out twice."""
    import threading

    from kirinuki.journal.composing import new_entry
    from kirinuki.store.sqlite.entries import entry_ids

    init_journal(pg_journal_path).close()
    made: list[int] = []
    lock = threading.Lock()

    def writer() -> None:
        with open_journal(pg_journal_path) as j:
            for _ in range(10):
                eid = int(new_entry(j).id or 0)
                with lock:
                    made.append(eid)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open_journal(pg_journal_path) as j:
        assert sorted(made) == sorted(entry_ids(j.store)) and len(set(made)) == 40


def _gin_indexes(store: object) -> set[str]:
    # Not from `pg_indexes` filtered on its text: other schemas' indexes, dropped meanwhile by
    # other test processes, would be described too (and fail).
    rows = store.conn.execute(  # type: ignore[attr-defined]
        "SELECT i.relname FROM pg_class i JOIN pg_am a ON a.oid = i.relam"
        " WHERE i.relnamespace = current_schema()::regnamespace AND a.amname = 'gin'").fetchall()
    return {str(r[0]) for r in rows}


@pytest.mark.database
def test_a_bulk_import_into_an_empty_journal_builds_the_search_indexes_at_commit(
        pg_journal_path: str, tmp_path: Path) -> None:
    """`search_bi`'s GIN index is dropped for a bulk import into empty search tables and made
    again before the commit (`search_uni`'s takes the rows as they come); a failed import
    gives it back untouched; searches use both after."""
    from kirinuki.journal import import_paths
    from kirinuki.journal.search import search
    from tests.conftest import ROOT

    with init_journal(pg_journal_path) as j:
        assert _gin_indexes(j.store) == {"search_bi_body", "search_uni_body"}
        dropped: list[str] = []
        real_run = j.store.conn._now

        def run(sql: str, args: object = None) -> object:
            if sql.startswith("DROP INDEX"):
                dropped.append(sql)
            return real_run(sql, args)  # type: ignore[arg-type]

        j.store.conn._now = run  # type: ignore[method-assign]
        with pytest.raises(InputError), j.store.transaction():  # a later step fails
            import_paths(j, [str(ROOT / "demo" / "entries")])
            raise InputError("refused")
        assert dropped == ['DROP INDEX "search_bi_body"'] and not j.store.conn.deferred
        assert _gin_indexes(j.store) == {"search_bi_body", "search_uni_body"}
        assert j.store.conn.execute("SELECT count(*) FROM search_bi").fetchone()[0] == 0
        import_paths(j, [str(ROOT / "demo" / "entries")])
        assert len(dropped) == 2
        assert _gin_indexes(j.store) == {"search_bi_body", "search_uni_body"}
        assert search(j, "洪水").total > 0
        # The rows went in frozen (COPY FREEZE into the tables emptied in the transaction):
        # every page is marked visible to all, which no VACUUM then has to do.
        for table in ("search_bi", "search_uni"):
            j.store.conn.execute(f"ANALYZE {table}")
            pages, visible = j.store.conn.execute(
                "SELECT relpages, relallvisible FROM pg_class WHERE relname = ?"
                " AND relnamespace = current_schema()::regnamespace", [table]).fetchone()
            assert pages > 0 and visible == pages
        later = tmp_path / "2030-01-01_000000.txt"
        later.write_text("http://kirinuki.example.org\n\n新しい段落の本文。\n", encoding="utf-8")
        import_paths(j, [str(later)])  # into search tables that hold rows: indexes kept
        assert len(dropped) == 2 and search(j, "段落の本文").total == 1


@pytest.mark.database
def test_a_failed_bulk_write_is_raised_later_and_leaves_nothing(pg_journal_path: str) -> None:
    """A bulk import's writes go on a thread of their own: a write the server refuses is
    raised by the next statement, or by the commit, and the whole transaction is undone."""
    twice = [("x", 1), ("x", 2)]  # the same key twice: the server refuses the second row
    with init_journal(pg_journal_path) as j:
        store, conn = j.store, j.store.conn
        store.set_bulk(True)
        with pytest.raises(JournalError, match="refused a write"), store.transaction():
            conn.executemany("INSERT INTO id_marks(name, last) VALUES (?, ?)", [("y", 1)])
            conn.executemany("INSERT INTO id_marks(name, last) VALUES (?, ?)", twice)
            assert conn.sender.busy  # sent on, not waited for
            conn.execute("SELECT 1")
        with pytest.raises(JournalError, match="refused a write"), store.transaction():
            conn.executemany("INSERT INTO id_marks(name, last) VALUES (?, ?)", twice)
        store.set_bulk(False)
        assert not conn.in_transaction and not conn.sender.busy
        assert conn.execute("SELECT count(*) FROM id_marks WHERE name IN ('x', 'y')"
                            ).fetchone()[0] == 0


def _foreign_keys(store: object) -> set[tuple[str, str, str]]:
    rows = store.conn.execute(  # type: ignore[attr-defined]
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'f' AND connamespace = current_schema()::regnamespace").fetchall()
    return {(str(t), str(n), str(d)) for t, n, d in rows}


@pytest.mark.database
def test_a_bulk_import_into_empty_tables_checks_their_foreign_keys_at_commit(
        pg_journal_path: str) -> None:
    """A bulk import drops the foreign keys of a table that was empty and adds them again
    before the commit: the rows are checked there, all at once; a row without its parent
    still fails the import, which leaves nothing and the keys as they were."""
    from kirinuki.journal import import_paths
    from tests.conftest import ROOT

    with init_journal(pg_journal_path) as j:
        store, conn = j.store, j.store.conn
        keys = _foreign_keys(store)
        assert ("groups", "groups_entry_id_fkey",
                "FOREIGN KEY (entry_id) REFERENCES entries(id) ON DELETE CASCADE") in keys
        store.set_bulk(True)
        with pytest.raises(JournalError, match="refused a write"), store.transaction():
            conn.executemany("INSERT INTO groups(id, entry_id, pos) VALUES (?, ?, ?)",
                             [(1, 12345, 0)])  # no such entry
            conn.execute("SELECT 1")  # the write is sent and stored: unchecked until the commit
            assert ("groups", "groups_entry_id_fkey") not in {k[:2] for k in _foreign_keys(store)}
        store.set_bulk(False)
        assert _foreign_keys(store) == keys
        assert conn.execute("SELECT count(*) FROM groups").fetchone()[0] == 0
        import_paths(j, [str(ROOT / "demo" / "entries")])
        assert _foreign_keys(store) == keys
        assert conn.execute("SELECT count(*) FROM clips").fetchone()[0] > 0
        with pytest.raises(JournalError, match="refused a write"):  # checked as before
            conn.execute("INSERT INTO clips(id, group_id, pos, text) VALUES (?, ?, ?, ?)",
                         [999999, 12345, 0, "x"])


@pytest.mark.database
def test_a_bulk_import_goes_on_while_its_search_rows_are_stored(pg_journal_path: str) -> None:
    """Writing a batch of entries and their search rows in a bulk import leaves the writes
    sent, not waited for (the index's own bookkeeping included): the next batch is read
    meanwhile."""
    from kirinuki.journal import import_paths
    from kirinuki.journal.search import search
    from kirinuki.store.sqlite import entries as entry_rows
    from kirinuki.text.cliptext import parse

    with init_journal(pg_journal_path) as j:
        store, conn = j.store, j.store.conn
        import_paths(j, [str(Path(__file__).parents[2] / "demo" / "entries")])
        events: list[str] = []
        real_many, real_run = conn.executemany, conn._run

        def many(sql: str, rows: object) -> None:
            events.append(sql)
            real_many(sql, rows)

        def run(sql: str, args: object = None) -> object:
            if conn.sender.busy:
                events.append("waited: " + sql)
            return real_run(sql, args)  # type: ignore[arg-type]

        conn.executemany, conn._run = many, run  # type: ignore[method-assign]
        store.set_bulk(True)
        with store.transaction():
            entry = parse("http://kirinuki.example.org\n\n新しい段落の本文。\n#新規\n")
            entry.key, entry.permalink = "sha256:new", "2030/01/01/000000"
            entry_rows.insert_entries(store, [entry], j.now())
            after = events[[i for i, e in enumerate(events) if "search_bi" in e][0]:]
            assert not [e for e in after if e.startswith("waited")] and conn.sender.busy
        store.set_bulk(False)
        assert search(j, "段落の本文").total == 1


def test_a_window_search_hides_its_tsquery_from_the_planner() -> None:
    """The newest matches looked up in a row id window: the bigrams' `tsquery` as a value the
    planner cannot see (so it ANDs the GIN candidates with the range, instead of reading the
    page of every candidate of the journal); other searches keep it visible."""
    from kirinuki.store.postgres.dialect import render
    from kirinuki.store.sqlite.search_query import WINDOW

    sql = ("SELECT rowid FROM search_bi WHERE search_bi MATCH ? AND search_bi.rowid BETWEEN ? AND ?"
           " ORDER BY rowid DESC LIMIT ?")
    window = render(translate(f"{sql} {WINDOW}"), ['"ab bc"', 1, 2, 3])
    assert "search_bi.body @@ (SELECT '(''ab'' & ''bc'')'::tsquery)" in window
    assert "body @@ '(''ab'' & ''bc'')'::tsquery" in render(translate(sql), ['"ab bc"', 1, 2, 3])
    uni = render(translate(f"SELECT count(*) FROM search_uni WHERE search_uni MATCH ? {WINDOW}"),
                 ['"a"'])
    assert "search_uni.body @@ (SELECT '''a'''::tsquery)" in uni


@pytest.mark.database
def test_the_newest_clips_get_a_gin_index_of_their_own(pg_journal_path: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """`keep_recent` gives each search table a partial GIN index of the newest clips (for the
    windows among them), only in a journal of more than `RECENT_AFTER` clips; it is made again
    from a later row id only once it covers more than twice as many; searches answer the same
    with it as without."""
    from kirinuki.journal import import_paths
    from kirinuki.journal.search import search
    from kirinuki.store.postgres import upkeep
    from tests.conftest import ROOT

    queries = ["洪水", "水", "の", "川 水", '"の水"', "-の 水"]
    with init_journal(pg_journal_path) as j:
        import_paths(j, [str(ROOT / "demo" / "entries")])
        before = {q: [(h.clip_id, h.score) for h in search(j, q).hits] for q in queries}
        newest = [int(r[0]) for r in j.store.conn.execute(
            "SELECT docid FROM search_docs ORDER BY docid DESC").fetchall()]
        assert len(newest) > 40
        monkeypatch.setattr(upkeep, "RECENT_CLIPS", len(newest) + 1)
        upkeep.keep_recent(j.store.conn)  # fewer clips than that: nothing to do
        assert _gin_indexes(j.store) == {"search_bi_body", "search_uni_body"}
        monkeypatch.setattr(upkeep, "RECENT_CLIPS", 20)
        monkeypatch.setattr(upkeep, "RECENT_AFTER", len(newest))
        upkeep.keep_recent(j.store.conn)  # a journal of no more clips than that: nothing
        assert _gin_indexes(j.store) == {"search_bi_body", "search_uni_body"}
        monkeypatch.setattr(upkeep, "RECENT_AFTER", len(newest) - 1)
        upkeep.keep_recent(j.store.conn)
        assert _gin_indexes(j.store) == {"search_bi_body", "search_uni_body",
                                         "search_bi_recent", "search_uni_recent"}
        assert upkeep.recent_start(j.store.conn) == newest[19]
        monkeypatch.setattr(upkeep, "RECENT_CLIPS", 10)
        upkeep.keep_recent(j.store.conn)  # covers 20 clips, not more than twice 10: kept
        assert upkeep.recent_start(j.store.conn) == newest[19]
        monkeypatch.setattr(upkeep, "RECENT_CLIPS", 9)
        upkeep.keep_recent(j.store.conn)
        assert upkeep.recent_start(j.store.conn) == newest[8]
        assert {q: [(h.clip_id, h.score) for h in search(j, q).hits] for q in queries} == before
        for table in ("search_bi", "search_uni"):  # both from the same row id
            definition = j.store.conn.execute(
                "SELECT pg_get_indexdef(?::regclass)", [f"{table}_recent"]).fetchone()[0]
            assert definition.endswith(f"USING gin (body) WHERE (rowid >= '{newest[8]}'::bigint)")


@pytest.mark.database
def test_search_rows_sent_in_binary_are_the_tsvectors_of_their_text(pg_journal_path: str) -> None:
    """`tsvectors.copy_data` (the server stores the tokens as sent, sorted and each once)
    gives every body the `tsvector` the server makes of its quoted text, and `search_bi` the
    same text form: clips of random characters (spaces of other scripts, planes 15-16, ASCII
    signs mapped, repeats), an empty clip, filter tokens repeated, and bodies of another shape."""
    import random

    from kirinuki.store.postgres.tsvectors import copy_data
    from kirinuki.store.sqlite import search_tokens as tok

    rng = random.Random(5)
    pool = "あいう東京都\u3000\u2028\U0001f600x9" + tok.LOSSY + "\U000f0021"
    bodies: list[tuple[str, str]] = [tok.rows("", f"{tok.ALL} {tok.TAG}3")[:2],
                                     tok.rows("ab", "")[:2], ("", ""), ("  ", " "),
                                     ("a b a", "x  y x"), (f"{tok.ALL} ab ab", "ab")]
    for _ in range(300):
        form = "".join(rng.choice(pool) for _ in range(rng.randrange(0, 12)))
        filters = " ".join(rng.choice([tok.ALL, f"{tok.TAG}1", f"{tok.ENTRY}22", tok.PUBLIC])
                           for _ in range(rng.randrange(0, 4)))
        bodies.append(tok.rows(form, filters)[:2])
    with init_journal(pg_journal_path) as j:
        raw = j.store.conn.raw
        raw.execute("CREATE TEMP TABLE t_bi(rowid BIGINT, body tsvector, form TEXT)")
        raw.execute("CREATE TEMP TABLE t_uni(rowid BIGINT, body tsvector)")
        for start in (0, 150):  # two batches
            part = list(enumerate(bodies))[start:start + 150 if start == 0 else None]
            for table, k in (("t_bi", 0), ("t_uni", 1)):
                columns = "rowid, body, form" if k == 0 else "rowid, body"
                with raw.cursor().copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)"
                                       ) as out:
                    out.write(copy_data([(i, b[k].encode()) for i, b in part], k == 0))
        for table, k in (("t_bi", 0), ("t_uni", 1)):
            got = raw.execute(f"SELECT rowid, body::text FROM {table} ORDER BY rowid").fetchall()
            assert [r[0] for r in got] == list(range(len(bodies)))
            for (i, text), body in zip(got, bodies, strict=True):
                assert text == raw.execute("SELECT %s::tsvector::text", [lexemes(body[k])]
                                           ).fetchone()[0], (i, body[k])
        forms = [r[0] for r in raw.execute("SELECT form FROM t_bi ORDER BY rowid")]
        assert forms == [text_form(b[0]) for b in bodies]


def test_search_rows_from_forms_are_those_from_their_bodies() -> None:
    """`search._write` gives the PostgreSQL store each clip's form and filter tokens instead of
    the FTS5 bodies: `tsvectors.copy_data` (and `copy_both`, both tables at once) makes the
    same bytes of both, for both tables, for random forms (spaces of other scripts, repeats,
    characters at and above the filter tokens' start, which are split alone) and filters."""
    import random

    from kirinuki.store.postgres.tsvectors import copy_both, copy_data
    from kirinuki.store.sqlite import search_tokens as tok

    rng = random.Random(11)
    pool = "あいう東京都\u3000\u2028\U0001f600x9" + tok.LOSSY + "\U000f0021\U000f0105"
    rows = []
    for i in range(400):
        form = "".join(rng.choice(pool) for _ in range(rng.randrange(0, 14)))
        filters = " ".join(rng.choice([tok.ALL, f"{tok.TAG}1", f"{tok.ENTRY}22", tok.PUBLIC])
                           for _ in range(rng.randrange(0, 4)))
        rows.append((1000 + 2 * i, form, filters))
    bodies = [copy_data([(r, tok.rows(form, f)[k].encode()) for r, form, f in rows], k == 0)
              for k in (0, 1)]
    pairs = [(r, (form, f)) for r, form, f in rows]
    assert [copy_data(pairs, True), copy_data(pairs, False)] == bodies
    # Both tables at once: `search_uni`'s keys taken from `search_bi`'s.
    assert list(copy_both(pairs)) == bodies
    assert copy_both([]) == (copy_data([], True), copy_data([], False))


@pytest.mark.database
def test_a_bulk_import_parses_its_next_files_while_it_waits(
        pg_journal_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A statement that must wait for the writes sent parses the next files meanwhile
    (`PgStore.set_idle`): here every write waits until that happened, and the journal holds
    what an import without waits writes."""
    import threading

    from kirinuki.journal import import_paths
    from kirinuki.journal.importing import Batch
    from kirinuki.store.postgres.sender import Sender

    monkeypatch.setattr(Batch, "SIZE", 5)
    parsed_while_waiting = threading.Event()
    used: list[object] = []
    real_send = Sender.send

    def send(self: Sender, write: object) -> None:
        def held() -> None:
            if not parsed_while_waiting.wait(10):  # a guard: without the idle work, no hang
                parsed_while_waiting.set()
                used.append("nobody parsed")
            write()  # type: ignore[operator]
        real_send(self, held)

    monkeypatch.setattr(Sender, "send", send)
    demo = str(Path(__file__).parents[2] / "demo" / "entries")
    with init_journal(pg_journal_path) as j:
        store = j.store
        real_set_idle = store.set_idle

        def set_idle(work: object) -> None:
            def counted() -> bool:
                more = work()  # type: ignore[operator]
                used.append(more)
                parsed_while_waiting.set()
                return more
            real_set_idle(counted if work is not None else None)

        monkeypatch.setattr(store, "set_idle", set_idle)
        summary = import_paths(j, [demo])
        assert True in used and "nobody parsed" not in used  # parsed in the waits
        entries = store.conn.execute("SELECT count(*) FROM entries").fetchone()[0]
    assert summary.entries_added == entries > 5
