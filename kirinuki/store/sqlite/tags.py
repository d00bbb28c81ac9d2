"""Tags: normalised key, display form, aliases; counts for listings."""

from __future__ import annotations

from kirinuki.model import TagCount
from kirinuki.store.sqlite.db import Store
from kirinuki.store.sqlite.ids import next_id
from kirinuki.text.normalize import tag_key


def tag_id(store: Store, name: str) -> int:
    """The id of the tag named `name`, created (display form = `name`) when new.

    Must run inside a transaction. Aliases resolve to their tag.
    """
    key = tag_key(name)
    cached = store.tag_ids.get(key)
    if cached is not None:
        return cached
    conn = store.conn
    row = conn.execute("SELECT id FROM tags WHERE key = ?", (key,)).fetchone()
    if row is None:
        row = conn.execute("SELECT tag_id FROM tag_aliases WHERE key = ?", (key,)).fetchone()
    if row is None:
        tid = next_id(store, "tags")
        conn.execute("INSERT INTO tags(id, key, display) VALUES (?, ?, ?)", (tid, key, name))
    else:
        tid = int(row[0])
    store.tag_ids[key] = tid
    return tid


def tag_counts(store: Store) -> list[TagCount]:
    """Every tag with the number of groups and entries carrying it (in a tag line, or as an
    entry's category), most used first."""
    rows = store.conn.execute(
        """
        SELECT t.key, t.display, count(DISTINCT u.group_id), count(DISTINCT u.entry_id)
        FROM tags t
        JOIN (SELECT gt.tag_id, tl.group_id, g.entry_id FROM group_tags gt
              JOIN tag_lines tl ON tl.id = gt.tag_line_id
              JOIN groups g ON g.id = tl.group_id
              UNION ALL SELECT tag_id, NULL, entry_id FROM entry_categories) u
          ON u.tag_id = t.id
        GROUP BY t.id
        ORDER BY count(DISTINCT u.group_id) DESC, count(DISTINCT u.entry_id) DESC, t.key
        """
    ).fetchall()
    return [TagCount(key=r[0], display=r[1], groups=r[2], entries=r[3]) for r in rows]
