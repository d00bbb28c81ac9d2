"""Bulk reads for publishing: every published entry in one pass, whole entries in batches.

`entries.get_entry` costs four queries per entry; publishing 100k entries needs the same data
in a handful of queries per batch of entries, which is what this module does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from kirinuki.store.sqlite.db import Store
from kirinuki.store.sqlite.entry_loading import ids_json

# Bulk reads: plain tuples typed column by column (docs/architecture.md, Rows); a published
# entry is (id, key, permalink, published, updated, title).
PublishedRow = tuple[int, str, str | None, str, str, str | None]


def published_rows(store: Store) -> list[PublishedRow]:
    """(id, key, permalink, published, updated, title) of every dated published entry."""
    return store.conn.execute(
        "SELECT id, key, permalink, published, updated, title FROM entries"
        " WHERE status = 'published' AND published IS NOT NULL"
    ).fetchall()


def published_mark(store: Store) -> str:
    """A cheap summary that changes whenever a published entry is added, removed or changed
    (every write of an entry, its permalink's too, moves its `updated`), or a tag alias is
    added; read from the index of the stamps, not the entries' rows."""
    row = store.conn.execute(
        "SELECT count(*), max(updated), total(id) FROM entries WHERE status = 'published'"
    ).fetchone()
    aliases = store.conn.execute("SELECT count(*) FROM tag_aliases").fetchone()[0]
    return f"{row[0]}|{row[1]}|{row[2]}|{aliases}"


def tag_use_rows(store: Store) -> list[tuple[int, int]]:
    """(entry id, tag id) of every tag use (tag lines, then categories), entries in no order,
    each entry's uses in order.

    SQLite's rows come in insertion order: an entry's groups, lines and tags are written in
    order, so no sort is needed (sorting 300k rows took most of the time of reading them).
    PostgreSQL joins them in no particular order (an entry's title and tags then came out in
    another order than SQLite's): sorted there.
    """
    if store.dialect == "postgresql":
        return store.conn.execute(
            "SELECT entry_id, tag_id FROM (SELECT g.entry_id, gt.tag_id, 0 AS k, g.pos AS a,"
            " tl.pos AS b, gt.pos AS c FROM groups g"
            " JOIN tag_lines tl ON tl.group_id = g.id JOIN group_tags gt ON gt.tag_line_id = tl.id"
            " UNION ALL SELECT entry_id, tag_id, 1, pos, 0, 0 FROM entry_categories) AS uses"
            " ORDER BY entry_id, k, a, b, c"
        ).fetchall()
    return store.conn.execute(
        "SELECT g.entry_id, gt.tag_id FROM group_tags gt"
        " JOIN tag_lines tl ON tl.id = gt.tag_line_id JOIN groups g ON g.id = tl.group_id"
        " UNION ALL SELECT entry_id, tag_id FROM entry_categories"
    ).fetchall()


def tag_rows(store: Store) -> list[tuple[int, str, str]]:
    """(id, key, display) of every tag."""
    return store.conn.execute("SELECT id, key, display FROM tags").fetchall()


def published_link_rows(store: Store) -> list[tuple[int, str, int | None]]:
    """(entry id, url, target entry id) of every related link in a published entry, in order."""
    return store.conn.execute(
        """
        SELECT g.entry_id, l.url, l.target_entry_id
        FROM related_links l
        JOIN groups g ON g.id = l.group_id
        JOIN entries e ON e.id = g.entry_id
        WHERE e.status = 'published'
        ORDER BY g.entry_id, g.pos, l.pos
        """
    ).fetchall()


def alias_rows(store: Store) -> list[tuple[str, str]]:
    """(alias key, tag key) of every tag alias."""
    return store.conn.execute(
        "SELECT a.key, t.key FROM tag_aliases a JOIN tags t ON t.id = a.tag_id"
    ).fetchall()


def first_clip_rows(store: Store, ids: Iterable[int]) -> list[tuple[int, str, int]]:
    """(entry id, first clip text, clip count) for each of the entries `ids` that has clips."""
    return store.conn.execute(
        """
        SELECT entry_id, text, n FROM (
          SELECT g.entry_id, c.text, count(*) OVER (PARTITION BY g.entry_id) AS n,
                 row_number() OVER (PARTITION BY g.entry_id ORDER BY g.pos, c.pos) AS rn
          FROM clips c JOIN groups g ON g.id = c.group_id
          WHERE g.entry_id IN (SELECT value FROM json_each(?))
        ) WHERE rn = 1
        """,
        (ids_json(ids),),
    ).fetchall()


def stamp_rows(store: Store, ids: Iterable[int]) -> list[tuple[int, str, str]]:
    """(entry id, last change as stored, status) of each of the entries `ids` that exists."""
    return store.conn.execute(
        "SELECT id, updated, status FROM entries WHERE id IN (SELECT value FROM json_each(?))",
        (ids_json(ids),),
    ).fetchall()


@contextmanager
def read_snapshot(store: Store) -> Iterator[None]:
    """A read transaction: the queries inside see one state of the journal, whatever other
    connections commit meanwhile (joins a transaction already open)."""
    if store.conn.in_transaction:
        yield
        return
    store.conn.execute("BEGIN")
    try:
        yield
    finally:
        store.conn.execute("COMMIT")
