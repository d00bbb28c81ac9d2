"""Row ids that are never handed out twice.

SQLite gives a row without an explicit id `max(id) + 1`: delete the newest entry and the next
one gets its id, so a client holding the old edit URL would change a different entry. Every
table whose ids leave the database (API, AtomPub, web forms, CLI numbers, search tokens) takes
its ids from here instead: `id_marks` keeps, per table, the highest id ever handed out, and ids
are reserved above it in one statement per batch (an import reserves 500 entries' rows at once).
"""

from __future__ import annotations

from kirinuki.store.sqlite.db import Store

# Tables whose ids are allocated here; every INSERT into them names the id
# (tests/store/test_ids.py checks the package's SQL for that).
TRACKED = ("entries", "groups", "clips", "tag_lines", "related_links", "tags", "sources",
           "articles", "article_versions", "feeds", "inbox", "api_tokens")


def reserve(store: Store, table: str, n: int = 1, above: int = 0) -> int:
    """The first of `n` consecutive ids for `table`, higher than any id it ever held (and
    than `above`). Call inside the transaction that inserts the rows: a rollback returns them;
    a reservation that is not used only leaves a gap."""
    assert table in TRACKED, table
    if n <= 0:
        return 0
    # The table's own max(id) (an index lookup) also covers rows written without this module.
    row = store.conn.execute(
        f"UPDATE id_marks SET last = max(last, ?, (SELECT coalesce(max(id), 0) FROM {table}))"
        " + ? WHERE name = ? RETURNING last", (above, n, table)).fetchall()
    return int(row[0][0]) - n + 1


def next_id(store: Store, table: str) -> int:
    """One fresh id for `table` (see `reserve`)."""
    return reserve(store, table, 1)


def marks(store: Store) -> dict[str, int]:
    """The highest id handed out so far, per table."""
    return {str(n): int(v) for n, v in store.conn.execute("SELECT name, last FROM id_marks")}
