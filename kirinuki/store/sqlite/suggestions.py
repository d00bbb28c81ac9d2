"""SQL for stored related-entry suggestions: each published entry's features, its strongest
earlier entries with their reasons, and the state of the entry they were found for.

Rows go with their entry (ON DELETE CASCADE). `suggestion_state.gen` only grows: every
computation and every invalidation takes the next number, so `digest` changes with any of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from kirinuki.store.sqlite.db import Store, placeholders, stored_time
from kirinuki.text.dates import usable_date

_CHUNK = 500
Feature = tuple[int, str, str, str]  # entry id, kind, value, display


def _chunks(values: Sequence[int]) -> Iterator[Sequence[int]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i:i + _CHUNK]


def stale(store: Store) -> list[tuple[int, str, datetime, str]]:
    """(id, key, date, updated) of the dated published entries whose suggestions were found
    for another state of the entry, or never, oldest first (a date breaking the rules of
    `text.dates` leaves its entry out, as publishing does)."""
    return [(int(r[0]), str(r[1]), stored_time(r[2]), str(r[3])) for r in store.conn.execute(
        "SELECT e.id, e.key, e.published, e.updated FROM entries e"
        " LEFT JOIN suggestion_state s ON s.entry_id = e.id"
        " WHERE e.status = 'published' AND e.published IS NOT NULL"
        " AND (s.entry_id IS NULL OR s.stamp != e.updated) ORDER BY e.published, e.id")
        if usable_date(str(r[2]))]


def dated(store: Store, ids: Sequence[int] | None = None) -> dict[int, tuple[str, datetime]]:
    """Key and date of the dated published entries (of `ids`, or all)."""
    sql = ("SELECT id, key, published FROM entries WHERE status = 'published'"
           " AND published IS NOT NULL")
    found = [store.conn.execute(sql).fetchall()] if ids is None else [
        store.conn.execute(f"{sql} AND id IN ({placeholders(len(chunk))})", list(chunk)).fetchall()
        for chunk in _chunks(list(ids))]
    return {int(r[0]): (str(r[1]), stored_time(r[2])) for part in found for r in part
            if usable_date(str(r[2]))}


def tags_of(store: Store, ids: Sequence[int]) -> dict[int, set[str]]:
    """For each of these entries, the names of the tags of its groups and categories."""
    out: dict[int, set[str]] = {}
    for chunk in _chunks(list(ids)):
        m = placeholders(len(chunk))
        for eid, display in store.conn.execute(
                "SELECT g.entry_id, t.display FROM groups g JOIN tag_lines tl ON"
                " tl.group_id = g.id JOIN group_tags gt ON gt.tag_line_id = tl.id"
                f" JOIN tags t ON t.id = gt.tag_id WHERE g.entry_id IN ({m})"
                " UNION SELECT ec.entry_id, t.display FROM entry_categories ec"
                f" JOIN tags t ON t.id = ec.tag_id WHERE ec.entry_id IN ({m})",
                [*chunk, *chunk]):
            out.setdefault(int(eid), set()).add(str(display))
    return out


def put_features(store: Store, ids: Sequence[int], rows: Iterable[Feature]) -> None:
    """Replace the features of the entries `ids` (the caller's transaction)."""
    for chunk in _chunks(list(ids)):
        store.conn.execute(f"DELETE FROM entry_features WHERE entry_id IN ({placeholders(len(chunk))})",
                           list(chunk))
    store.conn.executemany(
        "INSERT INTO entry_features(entry_id, kind, value, display) VALUES (?,?,?,?)", list(rows))


def features_of(store: Store, ids: Sequence[int]) -> list[Feature]:
    """The stored features of these entries."""
    sql = "SELECT entry_id, kind, value, display FROM entry_features"
    out: list[Feature] = []
    for chunk in _chunks(list(ids)):
        out.extend((int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in store.conn.execute(
            f"{sql} WHERE entry_id IN ({placeholders(len(chunk))})", list(chunk)))
    return out


def every_feature(store: Store) -> Iterator[Feature]:
    """The stored features of every entry, one at a time, each string shared with the rows
    before it that hold the same one (a journal repeats a few thousand names)."""
    seen: dict[str, str] = {}
    for r in store.conn.execute("SELECT entry_id, kind, value, display FROM entry_features"):
        kind, value, display = str(r[1]), str(r[2]), str(r[3])
        yield (int(r[0]), seen.setdefault(kind, kind), seen.setdefault(value, value),
               seen.setdefault(display, display))


def carrying(store: Store, kind: str, value: str) -> list[int]:
    """The entries with this feature."""
    return [int(r[0]) for r in store.conn.execute(
        "SELECT entry_id FROM entry_features WHERE kind = ? AND value = ?", (kind, value))]


def feature_count(store: Store, kind: str, value: str) -> int:
    """How many entries have this feature."""
    return int(store.conn.execute(
        "SELECT count(*) FROM entry_features WHERE kind = ? AND value = ?",
        (kind, value)).fetchone()[0])


def dated_count(store: Store) -> int:
    """How many entries are published with a date."""
    return int(store.conn.execute(
        "SELECT count(*) FROM entries WHERE status = 'published' AND published IS NOT NULL"
    ).fetchone()[0])


def known_places(store: Store) -> list[str]:
    """Every place name stored as a feature, once each."""
    # One index seek per name (`entry_features_value`): DISTINCT read every place row of the
    # journal (docs/publish.md, Measurements).
    return [str(r[0]) for r in store.conn.execute(
        "WITH RECURSIVE p(v) AS (SELECT min(value) FROM entry_features WHERE kind = 'places'"
        " UNION ALL SELECT (SELECT min(value) FROM entry_features WHERE kind = 'places'"
        " AND value > p.v) FROM p WHERE p.v IS NOT NULL) SELECT v FROM p WHERE v IS NOT NULL")]


def version_rows_of(store: Store, entry_id: int) -> list[tuple[int, str]]:
    """(earlier entry, change) of each version link from a clip of this entry."""
    return [(int(r[0]), str(r[1])) for r in store.conn.execute(
        "SELECT g2.entry_id, v.change FROM clip_versions v JOIN clips c ON c.id = v.clip_id"
        " JOIN groups g ON g.id = c.group_id JOIN clips c2 ON c2.id = v.earlier_clip_id"
        " JOIN groups g2 ON g2.id = c2.group_id WHERE g.entry_id = ? ORDER BY v.clip_id",
        (entry_id,))]


def all_decisions(store: Store) -> list[tuple[str, str, str]]:
    """(entry key, other key, decision) of every decision on suggestions."""
    return [(str(r[0]), str(r[1]), str(r[2])) for r in store.conn.execute(
        "SELECT entry_key, other_key, decision FROM related_decisions")]


def ids_of_keys(store: Store, keys: Sequence[str]) -> dict[str, int]:
    """Entry id of each of these keys that names an entry."""
    out: dict[str, int] = {}
    for i in range(0, len(keys), _CHUNK):
        chunk = list(keys[i:i + _CHUNK])
        out.update((str(r[0]), int(r[1])) for r in store.conn.execute(
            f"SELECT key, id FROM entries WHERE key IN ({placeholders(len(chunk))})", chunk))
    return out


def put_suggestions(store: Store, found: Sequence[tuple[int, str, Sequence[tuple[int, str]]]],
                    ) -> None:
    """Store (entry, its `updated`, [(other entry, reason)…]) for each entry, replacing what
    was there (the caller's transaction)."""
    if not found:
        return
    ids = [f[0] for f in found]
    for chunk in _chunks(ids):
        store.conn.execute(
            f"DELETE FROM entry_suggestions WHERE entry_id IN ({placeholders(len(chunk))})", list(chunk))
    top = int(store.conn.execute("SELECT coalesce(max(gen), 0) FROM suggestion_state")
              .fetchone()[0])
    store.conn.executemany(
        "INSERT INTO entry_suggestions(entry_id, pos, other_id, reason) VALUES (?,?,?,?)",
        [(eid, k, other, reason) for eid, _s, items in found
         for k, (other, reason) in enumerate(items)])
    store.conn.executemany(
        "INSERT INTO suggestion_state(entry_id, stamp, gen) VALUES (?,?,?) ON CONFLICT(entry_id)"
        " DO UPDATE SET stamp = excluded.stamp, gen = excluded.gen",
        [(eid, stamp, top + k + 1) for k, (eid, stamp, _i) in enumerate(found)])


def touch(store: Store, entry_id: int, now: datetime) -> None:
    """Record a change of what the entry's page shows (a decision on its suggestions) as a
    change of the entry, so every publish path sees it (the caller's transaction)."""
    store.conn.execute("UPDATE entries SET updated = ? WHERE id = ?",
                       (now.isoformat(), entry_id))


def suggestions_of(store: Store, ids: Sequence[int] | None = None,
                   ) -> dict[int, tuple[tuple[int, str], ...]]:
    """Stored suggestions (other entry, reason), best first, of these entries (or all)."""
    sql = "SELECT entry_id, other_id, reason FROM entry_suggestions"
    found: dict[int, list[tuple[int, str]]] = {}
    batches = [None] if ids is None else list(_chunks(list(ids)))
    for chunk in batches:
        where = "" if chunk is None else f" WHERE entry_id IN ({placeholders(len(chunk))})"
        for eid, other, reason in store.conn.execute(f"{sql}{where} ORDER BY entry_id, pos",
                                                      [] if chunk is None else list(chunk)):
            found.setdefault(int(eid), []).append((int(other), str(reason)))
    return {k: tuple(v) for k, v in found.items()}


def change_mark(store: Store) -> tuple[int, int]:
    """(count, newest generation) of the suggestion states: changes with any of them."""
    row = store.conn.execute(
        "SELECT count(*), coalesce(max(gen), 0) FROM suggestion_state").fetchone()
    return int(row[0]), int(row[1])


def changed_since(store: Store, gen: int) -> list[int]:
    """Entries whose suggestions changed after generation `gen`."""
    return [int(r[0]) for r in store.conn.execute(
        "SELECT entry_id FROM suggestion_state WHERE gen > ?", (gen,))]
