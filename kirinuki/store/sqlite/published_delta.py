"""Reads for following the published site commit by commit: which published entries changed,
and the listing data of a few of them (the web app updates its site context from these instead
of reading every entry again)."""

from __future__ import annotations

from collections.abc import Iterable

from kirinuki.store.sqlite import analysis as analysis_rows
from kirinuki.store.sqlite.db import Store
from kirinuki.store.sqlite.entry_loading import ids_json
from kirinuki.store.sqlite.published import PublishedRow


def published_stamps(store: Store) -> list[tuple[int, str]]:
    """(id, updated) of every dated published entry (every write of an entry moves `updated`)."""
    return store.conn.execute(
        "SELECT id, updated FROM entries WHERE status = 'published' AND published IS NOT NULL"
    ).fetchall()


def published_summary(store: Store) -> tuple[int, float]:
    """(count, total of ids) of the dated published entries (one scan)."""
    row: tuple[int, float] = store.conn.execute(
        "SELECT count(*), total(id) FROM entries"
        " WHERE status = 'published' AND published IS NOT NULL").fetchone()
    return row


def stamps_since(store: Store, since: str) -> list[tuple[int, str, int]]:
    """(id, updated, dated and published?) of every entry whose stamp sorts at or after
    `since` (one scan)."""
    return store.conn.execute(
        "SELECT id, updated, status = 'published' AND published IS NOT NULL FROM entries"
        " WHERE updated >= ?", (since,)).fetchall()


def published_rows_of(store: Store, ids: Iterable[int]) -> list[PublishedRow]:
    """(id, key, permalink, published, updated, title) of these entries when dated and
    published."""
    return store.conn.execute(
        "SELECT id, key, permalink, published, updated, title FROM entries"
        " WHERE id IN (SELECT value FROM json_each(?))"
        " AND status = 'published' AND published IS NOT NULL", (ids_json(ids),)
    ).fetchall()


def tag_use_rows_of(store: Store, ids: Iterable[int]) -> list[tuple[int, int]]:
    """(entry id, tag id) of every tag use in these entries (tag lines, then categories), each
    entry's uses in order."""
    return store.conn.execute(
        "SELECT entry_id, tag_id FROM (SELECT g.entry_id, gt.tag_id, 0 AS k, g.pos AS a,"
        " tl.pos AS b, gt.pos AS c FROM groups g"
        " JOIN tag_lines tl ON tl.group_id = g.id JOIN group_tags gt ON gt.tag_line_id = tl.id"
        " WHERE g.entry_id IN (SELECT value FROM json_each(?1))"
        " UNION ALL SELECT entry_id, tag_id, 1, pos, 0, 0 FROM entry_categories"
        " WHERE entry_id IN (SELECT value FROM json_each(?1)))"
        " ORDER BY entry_id, k, a, b, c", (ids_json(ids),)
    ).fetchall()


def related_link_rows_of(store: Store, ids: Iterable[int]) -> list[tuple[int, str, int | None]]:
    """(entry id, url, target entry id) of every related link in these entries, in order."""
    return store.conn.execute(
        "SELECT g.entry_id, l.url, l.target_entry_id FROM groups g"
        " JOIN related_links l ON l.group_id = g.id"
        " WHERE g.entry_id IN (SELECT value FROM json_each(?))"
        " ORDER BY g.entry_id, g.pos, l.pos", (ids_json(ids),)
    ).fetchall()


def versions_mark(store: Store) -> tuple[int, float, float, float, int, float]:
    """A summary of the version links that changes when links are added, removed or changed,
    or hidden."""
    row: tuple[int, float, float, float, int, float] = store.conn.execute(
        "SELECT count(*), total(clip_id), total(earlier_clip_id), total(length(change)),"
        " (SELECT count(*) FROM analysis_hidden), (SELECT total(clip_id) FROM analysis_hidden)"
        " FROM clip_versions").fetchone()
    return row


# The version links with a clip (either side) in an entry whose id is above `?1`.
_LINKS_AFTER = (
    "WITH fresh(id) AS (SELECT c.id FROM groups g JOIN clips c ON c.group_id = g.id"
    " WHERE g.entry_id > ?),"
    " l AS (SELECT * FROM clip_versions WHERE clip_id IN (SELECT id FROM fresh)"
    " UNION SELECT * FROM clip_versions WHERE earlier_clip_id IN (SELECT id FROM fresh))")


def links_after_mark(store: Store, after: int) -> tuple[int, float, float, float]:
    """What the version links with a clip in an entry whose id is above `after` add to
    `versions_mark` (its count and totals; hidden or not)."""
    row: tuple[int, float, float, float] = store.conn.execute(
        f"{_LINKS_AFTER} SELECT count(*), total(clip_id), total(earlier_clip_id),"
        " total(length(change)) FROM l", (after,)).fetchone()
    return row


def version_rows_after(store: Store, after: int) -> list[tuple[int, int, int, str]]:
    """`analysis.version_rows` of the links with a clip in an entry whose id is above `after`
    (in the same order)."""
    return analysis_rows.version_rows(
        store, f"{_LINKS_AFTER} {analysis_rows.version_rows_query('l')}", (after,))


def tags_mark(store: Store) -> list[tuple[str, int, str, str]]:
    """('a', tag id, alias key, '') of every alias, then ('t', id, key, display) of every tag
    by id."""
    return store.conn.execute(
        "SELECT 't', id, key, display FROM tags UNION ALL"
        " SELECT 'a', tag_id, key, '' FROM tag_aliases ORDER BY 1, 2, 3").fetchall()
