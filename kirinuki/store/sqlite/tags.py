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


def tag_keys(store: Store) -> set[str]:
    """The key of every tag."""
    return {str(r[0]) for r in store.conn.execute("SELECT key FROM tags")}


def find_tag(store: Store, key: str) -> tuple[int, str] | None:
    """(id, display) of the tag with this key or alias, or None."""
    row = store.conn.execute(
        "SELECT t.id, t.display FROM tags t WHERE t.key = ?1 UNION ALL SELECT t.id, t.display"
        " FROM tag_aliases a JOIN tags t ON t.id = a.tag_id WHERE a.key = ?1", (key,)).fetchone()
    return (int(row[0]), str(row[1])) if row else None


def alias_target(store: Store, key: str) -> int | None:
    """The tag an alias `key` stands for, or None when `key` is no alias."""
    row = store.conn.execute("SELECT tag_id FROM tag_aliases WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else None


def drop_alias(store: Store, key: str) -> None:
    """Forget the alias `key` (the caller's transaction)."""
    store.conn.execute("DELETE FROM tag_aliases WHERE key = ?", (key,))


def entries_with_tag(store: Store, tid: int) -> list[tuple[int, str]]:
    """(entry id, the tag as written) of every group carrying the tag, by entry id."""
    return [(int(e), str(d)) for e, d in store.conn.execute(
        "SELECT DISTINCT g.entry_id, gt.display FROM group_tags gt JOIN tag_lines tl"
        " ON tl.id = gt.tag_line_id JOIN groups g ON g.id = tl.group_id"
        " WHERE gt.tag_id = ? ORDER BY g.entry_id, gt.display", (tid,))]


def entries_using_tag(store: Store, tid: int) -> list[int]:
    """Ids of the entries whose groups or categories carry the tag, by entry id."""
    return [int(r[0]) for r in store.conn.execute(
        "SELECT g.entry_id FROM group_tags gt JOIN tag_lines tl ON tl.id = gt.tag_line_id"
        " JOIN groups g ON g.id = tl.group_id WHERE gt.tag_id = ?1"
        " UNION SELECT entry_id FROM entry_categories WHERE tag_id = ?1 ORDER BY 1", (tid,))]


def keys_of(store: Store, tid: int) -> set[str]:
    """The tag's key and its aliases."""
    return {str(r[0]) for r in store.conn.execute(
        "SELECT key FROM tags WHERE id = ?1 UNION SELECT key FROM tag_aliases"
        " WHERE tag_id = ?1", (tid,))}


def set_display(store: Store, tid: int, name: str) -> None:
    """Show the tag as `name` (the caller's transaction)."""
    store.conn.execute("UPDATE tags SET display = ? WHERE id = ?", (name, tid))


def fold_into(store: Store, old_id: int, new_id: int, old_key: str) -> None:
    """Make tag `old_id` part of `new_id`: its aliases and `old_key` lead to `new_id`, and the
    old row goes (the caller's transaction; no group may still carry it)."""
    conn = store.conn
    # Aliases of the old tag move first: they reference it (an earlier rename's alias left
    # pointing at it made the delete fail its foreign key).
    conn.execute("UPDATE tag_aliases SET tag_id = ? WHERE tag_id = ?", (new_id, old_id))
    conn.execute("INSERT INTO tag_aliases(key, tag_id) VALUES (?, ?) ON CONFLICT(key) DO UPDATE"
                 " SET tag_id = excluded.tag_id", (old_key, new_id))
    conn.execute("DELETE FROM tags WHERE id = ?", (old_id,))


def tag_uses(store: Store, site: str | None = None) -> list[tuple[str, int]]:
    """(display, uses) of every tag in use; with `site`, uses with clips from that site."""
    if site is None:
        return [(str(d), int(n)) for d, n in store.conn.execute(
            "SELECT t.display, count(*) FROM tags t JOIN group_tags gt ON gt.tag_id = t.id"
            " GROUP BY t.id, t.display ORDER BY t.id")]
    return [(str(d), int(n)) for d, n in store.conn.execute(
        "SELECT t.display, count(*) FROM sources s JOIN articles a ON a.source_id = s.id"
        " JOIN article_versions v ON v.article_id = a.id"
        " JOIN clips c ON c.article_version_id = v.id"
        " JOIN tag_lines tl ON tl.group_id = c.group_id"
        " JOIN group_tags gt ON gt.tag_line_id = tl.id JOIN tags t ON t.id = gt.tag_id"
        " WHERE s.site = ? GROUP BY t.id, t.display ORDER BY t.id", (site,))]
