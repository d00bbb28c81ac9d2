"""SQL for analysis: clip sketches (the duplicate index), related-entry decisions, and the
clip and entry rows analysis reads.

`clip_sketches` holds one row per clip, deleted with its clip; a rewritten entry's clips are
sketched again by the written hook (or caught up on the next analysis query). Decisions are
keyed by entry *key*, not id: an entry keeps its key when it is rewritten, and a deleted
entry's key is never given to another entry.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from kirinuki.store.sqlite.db import Store, from_iso, placeholders, stored_time

_CHUNK = 500


def _chunks(values: Sequence[int]) -> Iterator[Sequence[int]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i:i + _CHUNK]


@dataclass(frozen=True)
class ClipRow:
    """A clip with where it sits: entry, date, position, article and group tags."""

    clip_id: int
    text: str
    entry_id: int
    published: datetime | None
    group_pos: int
    pos: int
    article: str | None


_CLIP_SELECT = (
    "SELECT c.id, c.text, g.entry_id, e.published, g.pos, c.pos, a.url"
    " FROM clips c JOIN groups g ON g.id = c.group_id JOIN entries e ON e.id = g.entry_id"
    " LEFT JOIN article_versions v ON v.id = c.article_version_id"
    " LEFT JOIN articles a ON a.id = v.article_id"
)


# (clip id, text, entry id, entry published, group position, clip position, source url)
_ClipRecord = tuple[int, str, int, str | None, int, int, str | None]


def _clip_row(r: _ClipRecord) -> ClipRow:
    published = stored_time(r[3]) if r[3] else None
    return ClipRow(int(r[0]), str(r[1]), int(r[2]), published, int(r[4]),
                   int(r[5]), r[6] if r[6] is None else str(r[6]))


def clips_by_id(store: Store, clip_ids: Sequence[int]) -> list[ClipRow]:
    """The clips with these ids (in no particular order)."""
    out: list[ClipRow] = []
    for chunk in _chunks(list(clip_ids)):
        out.extend(_clip_row(r) for r in store.conn.execute(
            f"{_CLIP_SELECT} WHERE c.id IN ({placeholders(len(chunk))})", list(chunk)))
    return out


def clips_of_entries(store: Store, entry_ids: Sequence[int]) -> list[ClipRow]:
    """The clips of these entries, in entry, group and clip order."""
    out: list[ClipRow] = []
    for chunk in _chunks(list(entry_ids)):
        out.extend(_clip_row(r) for r in store.conn.execute(
            f"{_CLIP_SELECT} WHERE g.entry_id IN ({placeholders(len(chunk))})"
            " ORDER BY g.entry_id, g.pos, c.pos", list(chunk)))
    return out


def clips_with_tag(store: Store, tag_key: str) -> list[ClipRow]:
    """The clips of groups carrying the tag with this key (or alias), oldest entries first."""
    return [_clip_row(r) for r in store.conn.execute(
        f"{_CLIP_SELECT} WHERE g.id IN (SELECT tl.group_id FROM tag_lines tl"
        " JOIN group_tags gt ON gt.tag_line_id = tl.id WHERE gt.tag_id = (SELECT coalesce("
        " (SELECT id FROM tags WHERE key = ?), (SELECT tag_id FROM tag_aliases WHERE key = ?))))"
        " ORDER BY e.published IS NULL, e.published, e.id, g.pos, c.pos", (tag_key, tag_key))]


def all_clips(store: Store) -> Iterator[ClipRow]:
    """Every clip, oldest entries first."""
    for r in store.conn.execute(
            f"{_CLIP_SELECT} ORDER BY e.published IS NULL, e.published, e.id, g.pos, c.pos"):
        yield _clip_row(r)


def clip_texts_of_entries(store: Store, entry_ids: Sequence[int]) -> list[tuple[int, str]]:
    """(clip id, text) of every clip of these entries."""
    out: list[tuple[int, str]] = []
    for chunk in _chunks(list(entry_ids)):
        out.extend((int(r[0]), str(r[1])) for r in store.conn.execute(
            "SELECT c.id, c.text FROM clips c JOIN groups g ON g.id = c.group_id"
            f" WHERE g.entry_id IN ({placeholders(len(chunk))})", list(chunk)))
    return out


def unsketched(store: Store, version: int, limit: int) -> list[tuple[int, str]]:
    """Up to `limit` clips (id, text) with no sketch of this version, newest first (new
    clips are found without reading the older ones when `limit` is how many are missing)."""
    rows = store.conn.execute(
        "SELECT c.id, c.text FROM clips c LEFT JOIN clip_sketches s ON s.clip_id = c.id"
        " WHERE s.clip_id IS NULL OR s.version != ? ORDER BY c.id DESC LIMIT ?",
        (version, limit)).fetchall()
    return [(int(r[0]), str(r[1])) for r in rows]


def put_sketches(store: Store, version: int, rows: Sequence[tuple[int, bytes]]) -> None:
    """Store sketches (clip id, bytes), replacing older ones. Runs in the caller's transaction."""
    store.conn.executemany(
        "INSERT OR REPLACE INTO clip_sketches(clip_id, version, sketch) VALUES (?,?,?)",
        [(cid, version, blob) for cid, blob in rows])


def sketches(store: Store, version: int) -> tuple[list[int], list[bytes]]:
    """Every stored sketch of this version: clip ids and bytes, in clip id order."""
    found = store.conn.execute(
        # `+version`: in clip id order, not through `clip_sketches_checked` and a sort.
        "SELECT clip_id, sketch FROM clip_sketches WHERE +version = ? ORDER BY clip_id",
        (version,)).fetchall()  # ints and bytes as stored: converting here doubled the time
    return [r[0] for r in found], [r[1] for r in found]


def entry_stamps(store: Store) -> list[tuple[int, str, int]]:
    """(id, updated, dated and published?) of every entry, drafts included (every write of
    an entry moves `updated`), in id order."""
    return store.conn.execute(
        "SELECT id, updated, status = 'published' AND published IS NOT NULL FROM entries"
        " ORDER BY id").fetchall()


def entry_stamps_after(store: Store, after: int) -> list[tuple[int, str, int]]:
    """`entry_stamps` of the entries whose id is above `after`."""
    return store.conn.execute(
        "SELECT id, updated, status = 'published' AND published IS NOT NULL FROM entries"
        " WHERE id > ? ORDER BY id", (after,)).fetchall()


def stamps_summary(store: Store, upto: int, recent: str) -> tuple[int, float, str | None, int]:
    """(count, id total, newest stamp, count of stamps after `recent`) of the entries whose
    id is `upto` or below (one pass over the index of the stamps, no row made in Python)."""
    row = store.conn.execute(
        "SELECT count(*), total(id), max(updated), count(CASE WHEN updated > ? THEN 1 END)"
        " FROM entries WHERE id <= ?", (recent, upto)).fetchone()
    return int(row[0]), float(row[1]), row[2], int(row[3])


def sketches_with_entries(store: Store, version: int, entry_ids: Sequence[int] | None = None,
                          ) -> list[tuple[int, int, bytes]]:
    """(clip id, entry id, sketch) of the clips sketched (this version) of these entries, or
    of every entry, in clip id order."""
    where = "" if entry_ids is None else " AND g.entry_id IN (SELECT value FROM json_each(?))"
    args: tuple[object, ...] = (version,) if entry_ids is None else (
        version, "[" + ",".join(str(int(i)) for i in entry_ids) + "]")
    return store.conn.execute(_SKETCHES_WITH_ENTRIES.format(where=where), args).fetchall()


# `+s.version`: from the entries' groups to their clips' sketches; through the index
# `clip_sketches_checked` SQLite would read every sketch of the version.
_SKETCHES_WITH_ENTRIES = (
    "SELECT s.clip_id, g.entry_id, s.sketch FROM clip_sketches s"
    " JOIN clips c ON c.id = s.clip_id JOIN groups g ON g.id = c.group_id"
    " WHERE +s.version = ?{where} ORDER BY s.clip_id")


def sketches_with_entries_in_pieces(store: Store, version: int, size: int,
                                    ) -> Iterator[list[tuple[int, int, bytes]]]:
    """`sketches_with_entries` of every entry, `size` rows at a time."""
    cursor = store.conn.execute(_SKETCHES_WITH_ENTRIES.format(where=""), (version,))
    while found := cursor.fetchmany(size):
        yield found


def sketch_state(store: Store, version: int) -> tuple[int, int, list[int]]:
    """`sketch_count` and `unchecked` in one statement: a count over the index
    `clip_sketches_checked` and a seek in it (the unchecked clips are few)."""
    clips, sketched, ids = store.conn.execute(
        "SELECT (SELECT count(*) FROM clips),"
        " (SELECT count(*) FROM clip_sketches WHERE version = ?),"
        " (SELECT group_concat(clip_id) FROM clip_sketches"
        "  WHERE version = ? AND versions_checked = 0)", (version, version)).fetchone()
    return int(clips), int(sketched), [int(i) for i in ids.split(",")] if ids else []


def sketch_count(store: Store, version: int) -> tuple[int, int]:
    """(clips, clips with a sketch of this version): a cheap check that every clip has one
    (much cheaper than `unsketched` finding none)."""
    row = store.conn.execute(
        "SELECT (SELECT count(*) FROM clips),"
        " (SELECT count(*) FROM clip_sketches WHERE version = ?)", (version,)).fetchone()
    return int(row[0]), int(row[1])


@dataclass(frozen=True)
class EntryRow:
    """An entry as related-entry suggestions see it."""

    entry_id: int
    key: str
    permalink: str | None
    published: datetime | None
    title: str | None


def entry_rows(store: Store) -> list[EntryRow]:
    """Every entry, oldest first (undated last)."""
    return [EntryRow(int(r[0]), str(r[1]), r[2], from_iso(r[3]),
                     r[4]) for r in store.conn.execute(
        "SELECT id, key, permalink, published, title FROM entries"
        " ORDER BY published IS NULL, published, id")]


def entry_tags(store: Store) -> dict[int, set[str]]:
    """For every entry, the display names of the tags of its groups and categories (one name
    per tag)."""
    out: dict[int, set[str]] = {}
    for eid, display in store.conn.execute(
            "SELECT DISTINCT g.entry_id, t.display FROM groups g JOIN tag_lines tl ON"
            " tl.group_id = g.id JOIN group_tags gt ON gt.tag_line_id = tl.id"
            " JOIN tags t ON t.id = gt.tag_id UNION SELECT ec.entry_id, t.display"
            " FROM entry_categories ec JOIN tags t ON t.id = ec.tag_id"):
        out.setdefault(int(eid), set()).add(str(display))
    return out


def decisions(store: Store, entry_key: str) -> dict[str, str]:
    """The user's decisions on suggestions for the entry with this key: other key → decision."""
    return {str(o): str(d) for o, d in store.conn.execute(
        "SELECT other_key, decision FROM related_decisions WHERE entry_key = ?", (entry_key,))}


def decide(store: Store, entry_key: str, other_key: str, decision: str | None,
           now: datetime) -> None:
    """Record (or, with None, forget) a decision. Runs in the caller's transaction."""
    if decision is None:
        store.conn.execute("DELETE FROM related_decisions WHERE entry_key = ? AND other_key = ?",
                           (entry_key, other_key))
        return
    store.conn.execute(
        "INSERT INTO related_decisions(entry_key, other_key, decision, decided) VALUES (?,?,?,?)"
        " ON CONFLICT(entry_key, other_key) DO UPDATE SET decision = excluded.decision,"
        " decided = excluded.decided", (entry_key, other_key, decision, now.isoformat()))


def unchecked(store: Store, version: int) -> list[int]:
    """Clips sketched (this version) but not yet looked at for earlier versions."""
    return [int(r[0]) for r in store.conn.execute(
        "SELECT clip_id FROM clip_sketches WHERE version = ? AND versions_checked = 0",
        (version,))]


def put_versions(store: Store, links: Sequence[tuple[int, int, str]],
                 checked: Sequence[int]) -> None:
    """Store (clip, earlier clip, change) links and mark `checked` clips as looked at; links
    stored earlier for a checked clip (either side) go first: they were found by older rules.
    Runs in the caller's transaction."""
    for chunk in _chunks(list(checked)):
        q = placeholders(len(chunk))
        store.conn.execute(f"DELETE FROM clip_versions WHERE clip_id IN ({q})"
                           f" OR earlier_clip_id IN ({q})", [*chunk, *chunk])
    store.conn.executemany(
        "INSERT OR REPLACE INTO clip_versions(clip_id, earlier_clip_id, change) VALUES (?,?,?)",
        links)
    for chunk in _chunks(list(checked)):
        store.conn.execute(f"UPDATE clip_sketches SET versions_checked = 1"
                           f" WHERE clip_id IN ({placeholders(len(chunk))})", list(chunk))


def version_rows_query(links: str) -> str:
    """The statement of `version_rows` over the version links of table (or CTE) `links`."""
    return (
        f"SELECT g.entry_id, v.clip_id, g2.entry_id, v.change FROM {links} v"
        " JOIN clips c ON c.id = v.clip_id JOIN groups g ON g.id = c.group_id"
        " JOIN clips c2 ON c2.id = v.earlier_clip_id JOIN groups g2 ON g2.id = c2.group_id"
        " JOIN entries e2 ON e2.id = g2.entry_id"
        " WHERE NOT EXISTS (SELECT 1 FROM analysis_hidden h WHERE h.clip_id = v.clip_id"
        " AND h.kind = 'version')"
        " ORDER BY v.clip_id, e2.published IS NULL, e2.published DESC, g2.pos DESC,"
        " c2.pos DESC")


def version_rows(store: Store, sql: str | None = None,
                 params: tuple[object, ...] = ()) -> list[tuple[int, int, int, str]]:
    """(entry id, clip id, earlier clip's entry id, change) of every version link the owner
    did not hide, each clip's links newest earlier clip first; `sql` (from
    `version_rows_query`) reads some of them instead."""
    sql = sql or version_rows_query("clip_versions")
    return [(int(r[0]), int(r[1]), int(r[2]), str(r[3]))
            for r in store.conn.execute(sql, params)]
