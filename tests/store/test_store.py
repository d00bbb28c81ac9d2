"""The SQLite store: identity, migrations, pragmas, transactions."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kirinuki.errors import JournalError, SchemaTooNewError
from kirinuki.journal import Journal, get_entry, init_journal, open_journal
from kirinuki.store import open_store
from kirinuki.store.sqlite import db, migrations
from kirinuki.store.sqlite import entries as entry_rows
from kirinuki.store.sqlite.migrations import SCHEMA_VERSION
from kirinuki.text.cliptext import parse


@pytest.mark.sqlite_only
def test_new_journal_has_current_schema_wal_and_foreign_keys(journal: Journal) -> None:
    conn = journal.store.conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_settings_persist(journal_path: str) -> None:
    init_journal(journal_path, "題", ["https://a.test/", "b.test"]).close()
    with open_journal(journal_path) as j:
        assert j.settings.title == "題"
        assert j.settings.hosts == ["a.test", "b.test"]
        assert j.settings.canonical_host == "a.test"
        assert j.settings.timezone == "Asia/Tokyo"


@pytest.mark.sqlite_only
def test_a_newer_schema_is_refused_with_a_clear_message(journal_path: str) -> None:
    init_journal(journal_path).close()
    conn = sqlite3.connect(journal_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaTooNewError, match="newer kirinuki"):
        open_journal(journal_path)


def test_foreign_sqlite_file_and_text_file_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t(x)")
    conn.close()
    with pytest.raises(JournalError, match="not a kirinuki journal"):
        open_journal(str(other))
    text = tmp_path / "notes.db"
    text.write_text("これは日記帳ではありません" * 200, encoding="utf-8")
    with pytest.raises(JournalError, match="not a kirinuki journal"):
        open_journal(str(text))


def test_missing_journal_is_an_error_not_a_new_file(tmp_path: Path) -> None:
    with pytest.raises(JournalError, match="no journal here"):
        open_journal(str(tmp_path / "missing.db"))
    assert not (tmp_path / "missing.db").exists()


def test_transaction_rolls_back_everything_on_error(journal: Journal) -> None:
    from kirinuki.store.sqlite.entries import insert_entry

    entry = parse("段落。\n#タグ")
    entry.key = "k1"
    with pytest.raises(RuntimeError), journal.store.transaction():
        insert_entry(journal.store, entry, journal.now())
        raise RuntimeError("boom")
    conn = journal.store.conn
    assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM clips").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM tags").fetchone()[0] == 0
    # The tag cache was cleared with the rollback, so the tag is recreated, not dangling.
    with journal.store.transaction():
        insert_entry(journal.store, entry, journal.now())
    assert conn.execute("SELECT count(*) FROM group_tags").fetchone()[0] == 1


def test_in_memory_store_works() -> None:
    store = open_store(":memory:", create=True)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


STAMP = "2022-03-01T08:00:00+09:00"


def test_v7_moves_header_and_footer_lines_into_shared_rows(tmp_path: Path) -> None:
    path = str(tmp_path / "v6.kirinuki")
    conn = sqlite3.connect(path, isolation_level=None)
    for script in migrations.MIGRATIONS[:6]:  # a journal as the V6 schema left it
        for statement in db._statements(script):
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {db.APP_ID}")
    conn.execute("PRAGMA user_version = 6")
    header = '[["https://a.test", 0], ["https://b.test", 1]]'
    for i, (head, foot) in enumerate([(header, "b.test"), (header, "b.test"), ("[]", None)]):
        conn.execute("INSERT INTO entries(id, key, status, header, footer, footer_blank, created,"
                     " updated) VALUES (?, ?, 'draft', ?, ?, ?, ?, ?)",
                     (i + 1, f"k{i}", head, foot, 1 if foot else 0, STAMP, STAMP))
    conn.close()
    with open_journal(path) as j:
        assert j.store.conn.execute("SELECT count(*) FROM entry_chrome").fetchone()[0] == 2
        first, last = get_entry(j, "1"), get_entry(j, "3")
        assert [(h.url, h.blank_after) for h in first.header] == [
            ("https://a.test", 0), ("https://b.test", 1)]
        assert first.footer is not None and (first.footer.text, first.footer.blank_after) == (
            "b.test", 1)
        assert last.header == [] and last.footer is None
        # Written again, an entry finds the row its lines already have.
        with j.store.transaction():
            entry_rows.replace_entry(j.store, first, datetime.now(UTC))
        assert j.store.conn.execute("SELECT count(*) FROM entry_chrome").fetchone()[0] == 2



def test_entries_sharing_their_header_and_footer_row_get_their_own_lines(tmp_path: Path,
                                                                          ) -> None:
    """Loaded in one batch, entries whose header and footer are one stored row each read
    it (parsed once) into lines of their own: changing one entry's leaves the other's."""
    from kirinuki.store.sqlite.entry_loading import load_entries, load_groups

    path = str(tmp_path / "j.kirinuki")
    with init_journal(path, "t", ["a.test"]) as j:
        text = "https://a.test\n\n一つ目の切り抜き。\n\n#タグ\n\nb.test\n"
        for key in ("k1", "k2"):
            entry = parse(text)
            entry.key = key
            with j.store.transaction():
                entry_rows.insert_entry(j.store, entry, datetime.now(UTC))
        assert j.store.conn.execute("SELECT count(*) FROM entry_chrome").fetchone()[0] == 1
        ids = [r[0] for r in j.store.conn.execute("SELECT id FROM entries ORDER BY id")]
        loaded = load_entries(j.store, ids)
        first, second = (loaded[i] for i in ids)
        assert [h.url for h in first.header] == [h.url for h in second.header] == [
            "https://a.test"]
        assert first.footer is not None and second.footer is not None
        assert first.footer.text == second.footer.text == "b.test"
        first.header[0].url = "https://changed.test"
        first.header.append(first.header[0])
        first.footer.text = "changed.test"
        assert [h.url for h in second.header] == ["https://a.test"]
        assert second.footer.text == "b.test"
        # Their groups alone (a tag page's read): the same groups, no other field.
        alone = load_groups(j.store, ids)
        again = load_entries(j.store, ids)
        assert [alone[i].groups for i in ids] == [again[i].groups for i in ids]
        assert alone[ids[0]].groups[0].clips[0].text == "一つ目の切り抜き。"
        assert [(alone[i].id, alone[i].key, alone[i].header) for i in ids] == [
            (i, None, []) for i in ids]

@pytest.mark.sqlite_only
def test_free_pages_go_back_to_the_file_system_after_a_reindex(journal_path: str) -> None:
    from kirinuki.journal.search import reindex

    with init_journal(journal_path) as j:
        text = "\n".join(f"ルスタニアの首都で{i}回目の集会が開かれました。" * 20 for i in range(200))
        entry = parse(text + "\n")
        entry.key = "test:free-pages"
        with j.store.transaction():
            (eid,) = entry_rows.insert_entries(j.store, [entry], datetime.now(UTC))
        with j.store.transaction():
            entry_rows.delete_entry(j.store, eid)
        conn = j.store.conn
        assert conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # incremental
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] > 10
        reindex(j)
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0


def test_known_places_lists_each_stored_place_once(journal: Journal) -> None:
    """The place names of every entry's features, each once (found by index seeks,
    not by reading every feature row), and nothing of another kind."""
    from kirinuki.store.sqlite import suggestions as rows
    from kirinuki.store.sqlite.entries import insert_entry

    ids = []
    for n in range(3):
        entry = parse(f"段落{n}。\n#タグ")
        entry.key = f"k{n}"
        with journal.store.transaction():
            ids.append(insert_entry(journal.store, entry, journal.now()))
    assert rows.known_places(journal.store) == []
    places = [("ソルディア", "ヴェルナ"), ("ヴェルナ", "ルスタニア"), ("ソルディア",)]
    with journal.store.transaction():
        rows.put_features(journal.store, ids, [
            (i, "places", p, p) for i, ps in zip(ids, places, strict=True) for p in ps]
            + [(ids[0], "people", "ミハイロフ", "ミハイロフ")])
    got = rows.known_places(journal.store)
    assert len(got) == 3 and set(got) == {"ソルディア", "ヴェルナ", "ルスタニア"}
