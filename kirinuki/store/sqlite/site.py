"""Bulk reads for publishing: every published entry in one pass, whole entries in batches.

`entries.get_entry` costs four queries per entry; publishing 100k entries needs the same data
in a handful of queries per batch of entries, which is what this module does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from kirinuki.model import (
    Clip,
    ClipSource,
    Entry,
    Group,
    Item,
    RelatedLink,
    Selector,
    TagLine,
    TagRef,
)
from kirinuki.store.sqlite.db import Store
from kirinuki.store.sqlite.entries import _ENTRY_COLS, _dt, _entry_from_row

Row = tuple[object, ...]


def published_rows(store: Store) -> list[Row]:
    """(id, key, permalink, published, updated, title) of every dated published entry."""
    return store.conn.execute(
        "SELECT id, key, permalink, published, updated, title FROM entries"
        " WHERE status = 'published' AND published IS NOT NULL"
    ).fetchall()


def published_mark(store: Store) -> str:
    """A cheap summary that changes whenever a published entry is added, removed or changed
    (every write of an entry moves its `updated`), or a tag alias is added."""
    row = store.conn.execute(
        "SELECT count(*), max(updated), total(id), total(length(permalink)) FROM entries"
        " WHERE status = 'published'"
    ).fetchone()
    aliases = store.conn.execute("SELECT count(*) FROM tag_aliases").fetchone()[0]
    return f"{row[0]}|{row[1]}|{row[2]}|{row[3]}|{aliases}"


def tag_use_rows(store: Store) -> list[Row]:
    """(entry id, tag id) of every tag use, entries in no order, each entry's uses in order.

    Rows come in insertion order: an entry's groups, lines and tags are written in order, so
    no sort is needed (sorting 300k rows took most of the time of reading them).
    """
    return store.conn.execute(
        "SELECT g.entry_id, gt.tag_id FROM group_tags gt"
        " JOIN tag_lines tl ON tl.id = gt.tag_line_id JOIN groups g ON g.id = tl.group_id"
    ).fetchall()


def tag_rows(store: Store) -> list[Row]:
    """(id, key, display) of every tag."""
    return store.conn.execute("SELECT id, key, display FROM tags").fetchall()


def published_related_rows(store: Store) -> list[Row]:
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


def alias_rows(store: Store) -> list[Row]:
    """(alias key, tag key) of every tag alias."""
    return store.conn.execute(
        "SELECT a.key, t.key FROM tag_aliases a JOIN tags t ON t.id = a.tag_id"
    ).fetchall()


def _ids_json(ids: Iterable[int]) -> str:
    return json.dumps(sorted(set(ids)))


def first_clip_rows(store: Store, ids: Iterable[int]) -> list[Row]:
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
        (_ids_json(ids),),
    ).fetchall()


def load_entries(store: Store, ids: Iterable[int]) -> dict[int, Entry]:
    """The whole entries with these ids (missing ids are left out), in five queries."""
    arg = (_ids_json(ids),)
    conn = store.conn
    entries: dict[int, Entry] = {}
    for row in conn.execute(
        f"SELECT {_ENTRY_COLS} FROM entries WHERE id IN (SELECT value FROM json_each(?))", arg
    ):
        entry = _entry_from_row(row)
        entries[entry.id or 0] = entry
    groups: dict[int, Group] = {}
    for gid, eid in conn.execute(
        "SELECT id, entry_id FROM groups WHERE entry_id IN (SELECT value FROM json_each(?))"
        " ORDER BY entry_id, pos",
        arg,
    ):
        groups[gid] = Group(id=gid)
        entries[eid].groups.append(groups[gid])
    items: dict[int, list[tuple[int, Item]]] = {gid: [] for gid in groups}
    _load_clips(store, arg, items)
    for r in conn.execute(
        """
        SELECT l.group_id, l.pos, l.id, l.url, l.quote, l.blank_after, l.target_entry_id
        FROM related_links l JOIN groups g ON g.id = l.group_id
        WHERE g.entry_id IN (SELECT value FROM json_each(?))
        """,
        arg,
    ):
        items[r[0]].append((r[1], RelatedLink(r[3], r[4], r[5], r[6], r[2])))
    for gid, pairs in items.items():
        pairs.sort(key=lambda p: p[0])
        groups[gid].items = [it for _, it in pairs]
    _load_tag_lines(store, arg, groups)
    return entries


def _load_clips(store: Store, arg: tuple[str], items: dict[int, list[tuple[int, Item]]]) -> None:
    for r in store.conn.execute(
        """
        SELECT c.group_id, c.pos, c.id, c.text, c.blank_after, c.article_version_id,
               c.sel_exact, c.sel_prefix, c.sel_suffix,
               a.url, s.site, s.name, COALESCE(v.title, a.title), v.published
        FROM clips c JOIN groups g ON g.id = c.group_id
        LEFT JOIN article_versions v ON v.id = c.article_version_id
        LEFT JOIN articles a ON a.id = v.article_id
        LEFT JOIN sources s ON s.id = a.source_id
        WHERE g.entry_id IN (SELECT value FROM json_each(?))
        """,
        arg,
    ):
        sel = Selector(r[6], r[7] or "", r[8] or "") if r[6] is not None else None
        src = ClipSource(r[9], r[10], r[11], r[12], _dt(r[13])) if r[9] else None
        clip = Clip(text=r[3], blank_after=r[4], article_version_id=r[5], selector=sel,
                    source=src, id=r[2])
        items[r[0]].append((r[1], clip))


def _load_tag_lines(store: Store, arg: tuple[str], groups: dict[int, Group]) -> None:
    lines: dict[int, TagLine] = {}
    for r in store.conn.execute(
        """
        SELECT tl.group_id, tl.id, tl.blank_after, gt.display, gt.summary
        FROM tag_lines tl JOIN groups g ON g.id = tl.group_id
        JOIN group_tags gt ON gt.tag_line_id = tl.id
        WHERE g.entry_id IN (SELECT value FROM json_each(?))
        ORDER BY tl.group_id, tl.pos, gt.pos
        """,
        arg,
    ):
        line = lines.get(r[1])
        if line is None:
            line = lines[r[1]] = TagLine([], r[2])
            groups[r[0]].tag_lines.append(line)
        line.tags.append(TagRef(r[3], r[4]))
