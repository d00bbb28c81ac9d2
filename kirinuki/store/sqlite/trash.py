"""The trash (deleted entries, groups and clips kept as JSON) and the old permalinks of entries
whose date changed. Functions run in the caller's transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kirinuki.store.sqlite.db import Store, placeholders
from kirinuki.store.sqlite.db import from_iso as _dt


@dataclass
class TrashRow:
    """One thing in the trash: `kind` is entry, group or clip; `record` its JSON."""

    id: int
    kind: str
    entry_id: int
    key: str | None
    permalink: str | None
    deleted: datetime
    record: dict[str, Any]


def put(store: Store, kind: str, entry_id: int, record: dict[str, Any], now: datetime, *,
        key: str | None = None, permalink: str | None = None) -> None:
    """Keep `record` in the trash."""
    store.conn.execute(
        "INSERT INTO trash(kind, entry_id, key, permalink, deleted, record)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (kind, entry_id, key, permalink, now.isoformat(),
         json.dumps(record, ensure_ascii=False, separators=(",", ":"))))


def _row(r: tuple[Any, ...]) -> TrashRow:
    return TrashRow(int(r[0]), str(r[1]), int(r[2]), r[3], r[4], _dt(r[5]) or datetime.min,
                    json.loads(r[6]))


_COLS = "id, kind, entry_id, key, permalink, deleted, record"


def rows(store: Store, *, kind: str | None = None, entry_id: int | None = None,
         ) -> list[TrashRow]:
    """What the trash holds (of one kind, of one entry), most recently deleted first."""
    where: list[str] = []
    args: list[object] = []
    if kind is not None:
        where.append("kind = ?")
        args.append(kind)
    if entry_id is not None:
        where.append("entry_id = ?")
        args.append(entry_id)
    sql = f"SELECT {_COLS} FROM trash"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [_row(r) for r in store.conn.execute(sql + " ORDER BY id DESC", args)]


def remove(store: Store, trash_ids: list[int]) -> None:
    """Take these rows out of the trash."""
    store.conn.executemany("DELETE FROM trash WHERE id = ?", [(i,) for i in trash_ids])


def purge(store: Store, before: datetime | None) -> int:
    """Delete for good everything in the trash (deleted before `before`), with the old
    permalinks of the entries purged. Returns how many entries, groups and clips went."""
    conn = store.conn
    cond, args = ("WHERE deleted < ?", [before.isoformat()]) if before else ("", [])
    gone = [int(r[0]) for r in conn.execute(
        f"SELECT entry_id FROM trash {cond} {'AND' if cond else 'WHERE'} kind = 'entry'", args)]
    n = conn.execute(f"DELETE FROM trash {cond}", args).rowcount
    # The pieces of a purged entry go with it: they could only be restored into it.
    conn.executemany("DELETE FROM trash WHERE entry_id = ?", [(i,) for i in gone])
    conn.executemany("DELETE FROM old_permalinks WHERE entry_id = ?", [(i,) for i in gone])
    return n


def taken(store: Store, column: str, values: list[str]) -> set[str]:
    """Which of `values` a trashed entry holds as its `key` or `permalink`."""
    assert column in ("key", "permalink")
    found: set[str] = set()
    for i in range(0, len(values), 500):
        chunk = values[i: i + 500]
        q = placeholders(len(chunk))
        found.update(str(r[0]) for r in store.conn.execute(
            f"SELECT {column} FROM trash WHERE kind = 'entry' AND {column} IN ({q})", chunk))
    return found


def keep_old_permalink(store: Store, permalink: str, entry_id: int, now: datetime) -> None:
    """Remember that `permalink` was the address of `entry_id`."""
    store.conn.execute(
        "INSERT INTO old_permalinks(permalink, entry_id, moved) VALUES (?, ?, ?)"
        " ON CONFLICT(permalink) DO UPDATE SET entry_id = excluded.entry_id,"
        " moved = excluded.moved", (permalink, entry_id, now.isoformat()))


def drop_old_permalink(store: Store, permalink: str) -> None:
    """Forget an old permalink (it is an entry's own address again)."""
    store.conn.execute("DELETE FROM old_permalinks WHERE permalink = ?", (permalink,))


def old_permalink_owner(store: Store, permalink: str) -> int | None:
    """The entry that once had `permalink`, or None."""
    row = store.conn.execute("SELECT entry_id FROM old_permalinks WHERE permalink = ?",
                             (permalink,)).fetchone()
    return int(row[0]) if row else None


def old_permalinks(store: Store, entry_id: int | None = None) -> dict[str, int]:
    """Old permalink -> entry id (of one entry, or all)."""
    if entry_id is None:
        cur = store.conn.execute("SELECT permalink, entry_id FROM old_permalinks")
    else:
        cur = store.conn.execute("SELECT permalink, entry_id FROM old_permalinks"
                                 " WHERE entry_id = ?", (entry_id,))
    return {str(p): int(e) for p, e in cur}
