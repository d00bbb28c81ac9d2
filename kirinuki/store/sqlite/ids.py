"""Row ids that are never handed out twice.

SQLite gives a row without an explicit id `max(id) + 1`: delete the newest entry and the next
one gets its id, so a client holding the old edit URL would change a different entry. Every
table whose ids leave the database (API, AtomPub, web forms, CLI numbers, search tokens) takes
its ids from here instead: `id_marks` keeps, per table, the highest id ever handed out, and ids
are reserved above it once per batch (an import reserves 500 entries' rows at once).
"""

from __future__ import annotations

from kirinuki.store.sqlite.db import Store

# Tables whose ids are allocated here; every INSERT into them names the id
# (tests/store/test_ids.py checks the package's SQL for that).
TRACKED = ("entries", "groups", "clips", "tag_lines", "related_links", "tags", "sources",
           "articles", "article_versions", "feeds", "inbox", "api_tokens", "users")


def reserve(store: Store, table: str, n: int = 1, above: int = 0) -> int:
    """The first of `n` consecutive ids for `table`, higher than any id it ever held (and
    than `above`). Inside the transaction that inserts the rows, a rollback returns them;
    outside one, the reservation commits on its own (an unused one only leaves a gap)."""
    assert table in TRACKED, table
    if n <= 0:
        return 0
    conn = store.conn
    with store.transaction():
        # Read, then write a constant: an UPDATE computing its value with a subquery needs a
        # statement journal, which makes FTS5 flush its pending index rows at every batch of
        # an import (slower imports; docs/architecture.md, "Ids are never handed out twice").
        row = conn.execute("SELECT last FROM id_marks WHERE name = ?", (table,)).fetchone()
        # The table's own max(id) (an index lookup) also covers rows written without this
        # module, and a missing mark row.
        top = conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
        first = max(int(row[0]) if row else 0, int(top), above) + 1
        conn.execute("INSERT INTO id_marks(name, last) VALUES (?, ?) ON CONFLICT(name)"
                     " DO UPDATE SET last = excluded.last", (table, first + n - 1))
    return first


def next_id(store: Store, table: str) -> int:
    """One fresh id for `table` (see `reserve`)."""
    return reserve(store, table, 1)


def highest_ids(store: Store) -> dict[str, int]:
    """The highest id handed out so far, per table."""
    return {str(n): int(v) for n, v in store.conn.execute("SELECT name, last FROM id_marks")}
