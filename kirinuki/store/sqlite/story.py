"""SQL for a tag's story: stored statements (found group by group, `statements_todo` holding
the groups still to read), the analysis results the owner hid, and the rows a tag's story is
made of (version links and speakers of the groups carrying the tag, published entries only).
"""

from __future__ import annotations

from collections.abc import Sequence

from kirinuki.store.sqlite.db import Store, placeholders

# (clip id, earlier clip id, change, entry id, earlier entry id)
VersionRow = tuple[int, int, str, int, int]

HIDDEN_KINDS = ("version", "statements")

# The groups carrying a tag (by key or alias), in published entries.
_TAG_GROUPS = (
    "SELECT tl.group_id FROM tag_lines tl JOIN group_tags gt ON gt.tag_line_id = tl.id"
    " WHERE gt.tag_id = (SELECT coalesce((SELECT id FROM tags WHERE key = ?),"
    " (SELECT tag_id FROM tag_aliases WHERE key = ?)))"
)


def todo_groups(store: Store, limit: int) -> list[int]:
    """Up to `limit` groups whose statements are still to be found."""
    return [int(r[0]) for r in store.conn.execute(
        "SELECT group_id FROM statements_todo ORDER BY group_id LIMIT ?", (limit,))]


def add_todo(store: Store, entry_ids: Sequence[int]) -> None:
    """Put the groups of these entries on the list of groups to read for statements (the
    writer's transaction; a hook of every entry write)."""
    for i in range(0, len(entry_ids), 500):
        chunk = list(entry_ids[i:i + 500])
        # A write of rows (`search.bump_generation` says why): a bulk import on PostgreSQL
        # goes on without waiting for it.
        store.conn.executemany(
            "INSERT OR IGNORE INTO statements_todo(group_id) SELECT id FROM groups"
            f" WHERE entry_id IN ({','.join('?' * len(chunk))})", [chunk])


def group_clips(store: Store, group_ids: Sequence[int]) -> list[tuple[int, int, str]]:
    """(group id, clip id, text) of the clips of these groups, in group and clip order."""
    q = placeholders(len(group_ids))
    return [(int(r[0]), int(r[1]), str(r[2])) for r in store.conn.execute(
        f"SELECT group_id, id, text FROM clips WHERE group_id IN ({q})"
        " ORDER BY group_id, pos", list(group_ids))]


def said_in_groups(store: Store, entry_ids: Sequence[int],
                   ) -> dict[tuple[int, int], list[tuple[str, str]]]:
    """(speaker key, speaker) of the stored statements of each group of these entries whose
    statements are up to date (not in `statements_todo`), keyed by (entry, group position),
    in clip and statement order; a group without statements has an empty list."""
    out: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for i in range(0, len(entry_ids), 500):
        chunk = list(entry_ids[i:i + 500])
        q = placeholders(len(chunk))
        for eid, pos in store.conn.execute(
                f"SELECT entry_id, pos FROM groups WHERE entry_id IN ({q})"
                " AND id NOT IN (SELECT group_id FROM statements_todo)", chunk):
            out[(int(eid), int(pos))] = []
        for eid, pos, key, speaker in store.conn.execute(
                "SELECT g.entry_id, g.pos, s.speaker_key, s.speaker FROM groups g"
                " JOIN clips c ON c.group_id = g.id JOIN clip_statements s ON s.clip_id = c.id"
                f" WHERE g.entry_id IN ({q})"
                " AND g.id NOT IN (SELECT group_id FROM statements_todo)"
                " ORDER BY g.entry_id, g.pos, c.pos, s.n", chunk):
            out[(int(eid), int(pos))].append((str(key), str(speaker)))
    return out


def put_statements(store: Store, group_ids: Sequence[int], clip_ids: Sequence[int],
                   found: Sequence[tuple[int, int, str, str, str]]) -> None:
    """Replace the statements of `clip_ids` with `found` (clip, n, speaker key, speaker,
    mode) and take `group_ids` off the list (writer's transaction)."""
    for i in range(0, len(clip_ids), 500):
        chunk = list(clip_ids[i:i + 500])
        store.conn.execute(
            f"DELETE FROM clip_statements WHERE clip_id IN ({','.join('?' * len(chunk))})", chunk)
    store.conn.executemany(
        "INSERT INTO clip_statements(clip_id, n, speaker_key, speaker, mode)"
        " VALUES (?,?,?,?,?)", list(found))
    q = placeholders(len(group_ids))
    store.conn.execute(f"DELETE FROM statements_todo WHERE group_id IN ({q})",
                       list(group_ids))


def set_hidden(store: Store, clip_id: int, kind: str, hidden: bool) -> bool:
    """Hide (or show again) one kind of a clip's analysis results on the published site;
    whether anything changed (writer's transaction)."""
    if hidden:
        cur = store.conn.execute(
            "INSERT OR IGNORE INTO analysis_hidden(clip_id, kind) VALUES (?, ?)", (clip_id, kind))
    else:
        cur = store.conn.execute(
            "DELETE FROM analysis_hidden WHERE clip_id = ? AND kind = ?", (clip_id, kind))
    return bool(cur.rowcount)


def hidden_rows(store: Store, clip_ids: Sequence[int] | None = None,
                ) -> list[tuple[int, str, int, str]]:
    """(clip id, kind, entry id, clip text) of every hidden result (of these clips), by clip."""
    where = ""
    params: list[object] = []
    if clip_ids is not None:
        if not clip_ids:
            return []
        where = f" WHERE h.clip_id IN ({','.join('?' * len(clip_ids))})"
        params = list(clip_ids)
    return store.conn.execute(
        "SELECT h.clip_id, h.kind, g.entry_id, c.text FROM analysis_hidden h"
        " JOIN clips c ON c.id = h.clip_id JOIN groups g ON g.id = c.group_id"
        f"{where} ORDER BY h.clip_id, h.kind", params).fetchall()


def story_versions(store: Store, tag_key: str) -> list[VersionRow]:
    """(clip id, earlier clip id, change, entry id, earlier entry id) of the nearest earlier
    version (as `related.version_rows` picks it: the newest earlier entry) of every clip in a
    published entry's group carrying the tag, unless the owner hid it."""
    found = store.conn.execute(
        "SELECT v.clip_id, v.earlier_clip_id, v.change, g.entry_id, g2.entry_id"
        " FROM clips c JOIN clip_versions v ON v.clip_id = c.id"
        " JOIN groups g ON g.id = c.group_id JOIN entries e ON e.id = g.entry_id"
        " JOIN clips c2 ON c2.id = v.earlier_clip_id JOIN groups g2 ON g2.id = c2.group_id"
        " JOIN entries e2 ON e2.id = g2.entry_id"
        f" WHERE c.group_id IN ({_TAG_GROUPS}) AND e.status = 'published'"
        " AND NOT EXISTS (SELECT 1 FROM analysis_hidden h WHERE h.clip_id = v.clip_id"
        " AND h.kind = 'version')"
        " ORDER BY v.clip_id, e2.published IS NULL, e2.published DESC, g2.pos DESC,"
        " c2.pos DESC", (tag_key, tag_key)).fetchall()
    nearest: dict[int, VersionRow] = {}
    for r in found:
        nearest.setdefault(r[0], r)
    return list(nearest.values())


def story_speakers(store: Store, tag_key: str) -> list[tuple[str, str, int]]:
    """(speaker key, speaker as written, count) of the statements not hidden in the groups
    carrying the tag, in published entries."""
    return store.conn.execute(
        "SELECT s.speaker_key, s.speaker, count(*) FROM clips c"
        " JOIN clip_statements s ON s.clip_id = c.id"
        " JOIN groups g ON g.id = c.group_id JOIN entries e ON e.id = g.entry_id"
        f" WHERE c.group_id IN ({_TAG_GROUPS}) AND e.status = 'published'"
        " AND s.speaker_key <> ''"
        " AND NOT EXISTS (SELECT 1 FROM analysis_hidden h WHERE h.clip_id = c.id"
        " AND h.kind = 'statements')"
        " GROUP BY s.speaker_key, s.speaker ORDER BY s.speaker_key, s.speaker",
        (tag_key, tag_key)).fetchall()


def touch_entry_of_clip(store: Store, clip_id: int, now: str) -> int | None:
    """Move the last-change stamp of the entry holding this clip (what the published site
    shows of it changed); its id, or None for an unknown clip."""
    row = store.conn.execute(
        "SELECT g.entry_id FROM clips c JOIN groups g ON g.id = c.group_id WHERE c.id = ?",
        (clip_id,)).fetchone()
    if row is None:
        return None
    store.conn.execute("UPDATE entries SET updated = ? WHERE id = ?", (now, row[0]))
    return int(row[0])
