"""Ids are never handed out twice (issue 16 item 1): not after deleting the newest row, not
across a reopen, not after the V9 migration, and no INSERT into a tracked table lets SQLite
choose the id."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from kirinuki.journal import Journal, import_paths, init_journal, open_journal
from kirinuki.journal.accounts import create_token
from kirinuki.journal.editing import add_group, delete_clip, delete_entry, rename_tag
from kirinuki.model import Article, ArticleVersion, Clip, Group, Source, TagLine, TagRef
from kirinuki.store.sqlite import articles as article_rows
from kirinuki.store.sqlite import db, migrations
from kirinuki.store.sqlite import feeds as feed_rows
from kirinuki.store.sqlite.ids import TRACKED, highest_ids
from kirinuki.store.sqlite.migrations import SCHEMA_VERSION
from tests.conftest import undo_v21

PKG = Path(__file__).resolve().parents[2] / "kirinuki"
OLD = tuple(t for t in TRACKED if t != "users")  # the tables V9 seeded
NOW = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def _group(text: str, tag: str = "テスト") -> Group:
    return Group(items=[Clip(text)], tag_lines=[TagLine([TagRef(tag)])])


def _new_entry(j: Journal, text: str) -> int:
    entry = add_group(j, str(_new_draft(j)), _group(text))
    assert entry.id is not None
    return entry.id


def _new_draft(j: Journal) -> int:
    from kirinuki.journal.editing import _new_entry as blank
    from kirinuki.store.sqlite import entries as entry_rows

    with j.store.transaction():
        return entry_rows.insert_entry(j.store, blank(j), NOW)


def test_a_deleted_newest_entry_leaves_its_ids_unused(journal: Journal) -> None:
    first = _new_entry(journal, "一つ目の記事の本文です。")
    newest = _new_entry(journal, "二つ目の記事の本文です。")
    old = journal.store.conn.execute(
        "SELECT max(g.id), max(c.id), max(tl.id) FROM groups g JOIN clips c ON c.group_id = g.id"
        " JOIN tag_lines tl ON tl.group_id = g.id").fetchone()
    delete_entry(journal, str(newest))
    again = _new_entry(journal, "三つ目の記事の本文です。")
    assert again not in (first, newest) and again > newest
    new = journal.store.conn.execute(
        "SELECT min(g.id), min(c.id), min(tl.id) FROM groups g JOIN clips c ON c.group_id = g.id"
        " JOIN tag_lines tl ON tl.group_id = g.id WHERE g.entry_id = ?", (again,)).fetchone()
    assert all(n > o for n, o in zip(new, old, strict=True))


def test_ids_stay_unused_across_a_reopen(journal_path: str) -> None:
    with init_journal(journal_path) as j:
        _new_entry(j, "一つ目の記事の本文です。")
        newest = _new_entry(j, "二つ目の記事の本文です。")
        clip = j.store.conn.execute("SELECT max(id) FROM clips").fetchone()[0]
        delete_entry(j, str(newest))
    with open_journal(journal_path) as j:
        again = _new_entry(j, "三つ目の記事の本文です。")
        assert again > newest
        assert j.store.conn.execute("SELECT max(id) FROM clips").fetchone()[0] > clip


def test_a_deleted_clip_id_is_not_given_to_the_next_clip(journal: Journal) -> None:
    eid = _new_entry(journal, "消される切り抜きです。")
    (clip,) = journal.store.conn.execute("SELECT max(id) FROM clips").fetchone()
    delete_clip(journal, clip)
    entry = add_group(journal, str(eid), _group("新しい切り抜きです。"))
    assert [c.id for c in entry.clips] == [clip + 1]


def test_tags_articles_feeds_inbox_tokens_are_never_reused(journal: Journal) -> None:
    store = journal.store
    add_group(journal, str(_new_draft(journal)), _group("一つ目", "テスト"))
    add_group(journal, str(_new_draft(journal)), _group("二つ目", "別名"))
    (newest,) = store.conn.execute("SELECT max(id) FROM tags").fetchone()
    rename_tag(journal, "別名", "テスト")  # merged: the newest tag row is deleted
    add_group(journal, str(_new_draft(journal)), _group("三つ目", "新規"))
    assert store.conn.execute("SELECT id FROM tags WHERE key = '新規'").fetchone()[0] > newest
    with store.transaction():
        art = article_rows.new_article(store, Article("https://a.example/1", Source("a.example")),
                                       NOW)
        version, _ = article_rows.add_version(store, art, ArticleVersion("h", NOW, ["段落"]))
        feed = feed_rows.add_feed(store, "https://a.example/feed", "A", None, NOW)
        assert feed_rows.add_inbox_item(store, art, feed, "t", None, None, NOW)
        (item,) = store.conn.execute("SELECT id FROM inbox").fetchone()
        store.conn.execute("DELETE FROM articles WHERE id = ?", (art,))  # cascades
        assert feed_rows.remove_feed(store, feed)
        art2 = article_rows.new_article(store, Article("https://b.example/2"), NOW)
        version2, _ = article_rows.add_version(store, art2, ArticleVersion("h", NOW, ["段落"]))
        feed2 = feed_rows.add_feed(store, "https://b.example/feed", "B", None, NOW)
        assert feed_rows.add_inbox_item(store, art2, feed2, "t", None, None, NOW)
        (item2,) = store.conn.execute("SELECT id FROM inbox").fetchone()
    assert (art2, version2, feed2, item2) == (art + 1, version + 1, feed + 1, item + 1)
    token = create_token(journal, "one")
    store.conn.execute("DELETE FROM api_tokens")
    assert create_token(journal, "two").id == token.id + 1
    assert set(highest_ids(store)) == set(TRACKED)


def test_a_rolled_back_write_hands_its_ids_out_again(journal: Journal) -> None:
    """Reserved inside the writing transaction: a rollback leaves no gap and no mark."""
    before = highest_ids(journal.store)
    try:
        with journal.store.transaction():
            _new_entry(journal, "取り消される記事です。")
            raise RuntimeError("stop")
    except RuntimeError:
        pass
    assert highest_ids(journal.store) == before


def test_migration_keeps_every_id_and_seeds_the_marks(tmp_path: Path) -> None:
    src = tmp_path / "entries"
    src.mkdir()
    for day in (1, 2, 3):
        (src / f"2024-01-0{day}_080000.txt").write_text(
            f"記事{day}の切り抜きです。\n#タグ{day}\n", encoding="utf-8")
    path = str(tmp_path / "v8.db")
    with init_journal(path) as j:
        import_paths(j, [str(src)])
        conn = j.store.conn
        conn.execute("DELETE FROM entries WHERE id = 2")
        undo_v21(conn)
        conn.execute("DROP TABLE id_marks")
        conn.execute("ALTER TABLE entries DROP COLUMN raw_layout")  # added by V10
        conn.execute("ALTER TABLE article_versions DROP COLUMN canonical_claim")  # V11
        conn.execute("DROP TABLE trash")  # V13
        conn.execute("DROP TABLE old_permalinks")  # V13
        conn.execute("DROP TABLE entry_categories")  # V17
        conn.execute("ALTER TABLE entries DROP COLUMN categories")  # V17
        conn.execute("ALTER TABLE entries DROP COLUMN origin")  # V17
        conn.execute("PRAGMA user_version = 8")  # as a journal written before V9
        before = {t: conn.execute(f"SELECT id FROM {t} ORDER BY id").fetchall() for t in OLD}
    with open_journal(path) as j:
        conn = j.store.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        after = {t: conn.execute(f"SELECT id FROM {t} ORDER BY id").fetchall() for t in OLD}
        assert after == before
        # users came with V21, holding the owner as user 1
        assert highest_ids(j.store) == {t: max((r[0] for r in before[t]), default=0) for t in OLD} | {
            "users": 1}
        assert _new_entry(j, "移行後の記事です。") == 4


def test_a_second_process_migrating_at_once_finds_the_work_done(tmp_path: Path) -> None:
    """Two commands opening an old journal together: the one that waited for the lock must
    not run the migration again (it would fail on `table id_marks already exists`)."""
    path = str(tmp_path / "old.db")
    init_journal(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    undo_v21(conn)
    conn.execute("DROP TABLE id_marks")
    conn.execute("ALTER TABLE entries DROP COLUMN raw_layout")  # added by V10
    conn.execute("ALTER TABLE article_versions DROP COLUMN canonical_claim")  # V11
    conn.execute("DROP TABLE trash")  # V13
    conn.execute("DROP TABLE old_permalinks")  # V13
    conn.execute("DROP TABLE entry_categories")  # V17
    conn.execute("ALTER TABLE entries DROP COLUMN categories")  # V17
    conn.execute("ALTER TABLE entries DROP COLUMN origin")  # V17
    conn.execute("PRAGMA user_version = 8")
    other = sqlite3.connect(path, isolation_level=None)
    db.migrate(other, 8)  # the other process got there first
    db.migrate(conn, 8)  # this one read version 8 before it did
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
    other.close()


_INSERT = re.compile(r"INSERT(?: OR \w+)? INTO (\w+)\s*\(([^)]*)\)", re.S)


def test_every_insert_into_a_tracked_table_names_the_id() -> None:
    """A row inserted without an id would take SQLite's `max(id) + 1`: a reused id."""
    found: set[str] = set()
    for path in PKG.rglob("*.py"):
        if path.name == "migrations.py":
            continue
        # Adjacent string literals are one statement: join them before matching.
        text = re.sub(r'"\s*\n\s*(?:f?)"', "", path.read_text(encoding="utf-8"))
        for m in _INSERT.finditer(text):
            table, columns = m.group(1), [c.strip() for c in m.group(2).split(",")]
            if table in TRACKED:
                found.add(table)
                assert columns[0] == "id", f"{path.name}: INSERT INTO {table} without its id"
    assert found == set(TRACKED)


def test_migrations_seed_every_tracked_table() -> None:
    script = migrations.MIGRATIONS[8]
    assert "CREATE TABLE id_marks" in script
    assert all(f"'{t}'" in script for t in OLD)
    assert "INSERT INTO id_marks(name, last) VALUES ('users', 1)" in migrations.V21_TEAM
