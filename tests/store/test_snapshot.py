"""Reads that must see one state of the journal while another process commits (issue 24: a
web server's entry read mixed the groups from before a CLI write with the tags from after it,
and answered 500)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from kirinuki.errors import JournalError
from kirinuki.journal import Journal, init_journal, open_journal
from kirinuki.journal.editing import add_group
from kirinuki.model import Clip, Group, TagLine, TagRef
from kirinuki.store.postgres.connection import PgConnection
from kirinuki.store.postgres.db import SNAPSHOT
from kirinuki.store.sqlite import entries as entry_rows


def _group(text: str) -> Group:
    return Group([Clip(text=text)], [TagLine([TagRef("並行")])])


@pytest.fixture
def two(any_journal_path: str) -> Iterator[tuple[Journal, Journal]]:
    """One journal with one entry, opened twice (as two processes would)."""
    with init_journal(any_journal_path, "並行帳", ["kirinuki.test"]) as a:
        add_group(a, None, _group("最初の段落。"))
    a, b = open_journal(any_journal_path), open_journal(any_journal_path)
    try:
        yield a, b
    finally:
        a.close()
        b.close()


def _groups(j: Journal) -> int:
    return int(j.store.conn.execute("SELECT count(*) FROM groups").fetchone()[0])


def test_a_snapshot_sees_one_state(two: tuple[Journal, Journal]) -> None:
    a, b = two
    with a.store.snapshot():
        assert _groups(a) == 1
        add_group(b, 1, _group("あとから来た段落。"))  # committed by the other handle
        assert _groups(a) == 1
    assert _groups(a) == 2
    add_group(a, 1, _group("スナップショットのあとの書き込み。"))  # writes work again
    assert _groups(b) == 3


def test_an_entry_read_while_another_writer_commits_is_whole(
        two: tuple[Journal, Journal], request: pytest.FixtureRequest,
        monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = two
    wrote: list[int] = []
    armed = [True]

    def commit_in_between(sql: str) -> None:
        # The other writer commits a group with its tag line between two of the read's
        # statements (once: its own write reads the entry back through here too).
        if "FROM clips c" in sql and (armed.pop() if armed else False):
            wrote.append(add_group(b, 1, _group("割り込んだ段落。")).revision)

    if request.node.callspec.params["any_journal_path"] == "sqlite":
        a.store.conn.set_trace_callback(commit_in_between)
    else:
        # The reads go to the server in one message, inside its own snapshot: no statement
        # of theirs runs before another process's commit and the next after it.
        real = PgConnection._now
        sent: list[str] = []

        def record(conn: PgConnection, sql: str, args: object = None) -> object:
            if conn is a.store.conn and sql.startswith(SNAPSHOT):
                sent.append(sql)
                commit_in_between("FROM clips c")  # before the message: the read sees it whole
            return real(conn, sql, args)  # type: ignore[arg-type]

        monkeypatch.setattr(PgConnection, "_now", record)
    entry = entry_rows.get_entry(a.store, 1)
    assert wrote
    assert entry is not None
    if request.node.callspec.params["any_journal_path"] == "sqlite":
        assert [c.text for c in entry.clips] == ["最初の段落。"]  # the state before, whole
        assert [len(g.tag_lines) for g in entry.groups] == [1]
        a.store.conn.set_trace_callback(None)
    else:
        assert len(sent) == 1 and sent[0].rstrip().endswith("COMMIT")
        assert sent[0].count("EXECUTE") == 5  # the entry's five reads, prepared earlier
        assert [c.text for c in entry.clips] == ["最初の段落。", "割り込んだ段落。"]
        assert [len(g.tag_lines) for g in entry.groups] == [1, 1]
    monkeypatch.undo()
    after = entry_rows.get_entry(a.store, 1)
    assert after is not None and after.revision == wrote[0]
    assert [c.text for c in after.clips] == ["最初の段落。", "割り込んだ段落。"]


def test_a_failed_read_ends_its_snapshot(two: tuple[Journal, Journal]) -> None:
    a, _ = two
    # Fails when run (prepared on PostgreSQL, in the message between BEGIN and COMMIT).
    fails = "SELECT abs(-9223372036854775807 - count(*)) FROM groups"  # one group
    with pytest.raises((JournalError, sqlite3.OperationalError)):
        a.store.reads([("SELECT count(*) FROM groups", ()), (fails, ())])
    assert not a.store.conn.in_transaction  # nothing left open behind the error
    assert a.store.reads([("SELECT count(*) FROM groups", ()),
                          ("SELECT count(*) FROM clips", ())]) == [[(1,)], [(1,)]]


def test_reads_take_any_values_again_and_on_a_connection_used_before(
        two: tuple[Journal, Journal], any_journal_path: str) -> None:
    a, b = two
    sql = ("SELECT count(*), ? FROM clips WHERE text <> ? AND id IN"
           " (SELECT value FROM json_each(?)) LIMIT ?")
    odd = "it's 100% ‘引用’ $1 %s"
    for store in (a.store, a.store, b.store):  # prepared on first use, then executed again
        assert store.reads([(sql, (odd, odd, "[1, 2]", 5)), (sql, ("", "", "[]", 1))]) == \
            [[(1, odd)], [(0, "")]]
    for _ in range(2):  # the second may take the first's connection back from the pool
        with open_journal(any_journal_path) as c:
            assert c.store.reads([(sql, (odd, "", "[1]", 1))]) == [[(1, odd)]]
