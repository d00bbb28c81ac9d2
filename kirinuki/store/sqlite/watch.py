"""Watched articles: when each is due, what each re-fetch found, hosts asking for a pause."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from kirinuki.store.sqlite.db import Store, from_iso, stored_time


def _t(dt: datetime) -> str:
    # Stored in UTC: these columns are compared as text (`next_check <= now`).
    return dt.astimezone(UTC).isoformat()


@dataclass
class WatchRow:
    """A watched article and where its schedule stands."""

    article_id: int
    url: str
    title: str | None
    how: str  # "clip" (it has clips) or "manual" (`watch add`)
    active: bool
    added: datetime
    anchor: datetime | None  # publication (or first fetch) time the schedule counts from
    next_check: datetime | None
    last_check: datetime | None
    checks: int
    failures: int
    last_outcome: str | None
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class Event:
    """One re-fetch of a watched article and what it found."""

    article_id: int
    at: datetime
    outcome: str
    status: int | None = None
    url: str | None = None
    detail: str | None = None
    version_id: int | None = None


# The anchor: the first version's publication time when it has one, else its fetch time.
_ROW = """
SELECT w.article_id, a.url, a.title, w.how, w.active, w.added,
       (SELECT coalesce(v.published, v.fetched_at) FROM article_versions v
         WHERE v.article_id = w.article_id ORDER BY v.fetched_at, v.id LIMIT 1),
       w.next_check, w.last_check, w.checks, w.failures, w.last_outcome, a.etag, a.last_modified
FROM watches w JOIN articles a ON a.id = w.article_id
"""


# The columns of _ROW in order (the anchor is a stored time, or NULL without versions).
_WatchRecord = tuple[int, str, str | None, str, int, str, str | None, str | None, str | None,
                     int, int, str | None, str | None, str | None]


def _row(r: _WatchRecord) -> WatchRow:
    return WatchRow(int(r[0]), str(r[1]), r[2], str(r[3]), bool(r[4]),
                    stored_time(r[5]), from_iso(r[6]), from_iso(r[7]),
                    from_iso(r[8]), int(r[9]), int(r[10]), r[11], r[12], r[13])


def clipped_unwatched(store: Store) -> list[tuple[int, datetime]]:
    """(article id, schedule anchor) of articles with clips that have no watch row yet."""
    rows = store.conn.execute(
        "SELECT v.article_id, (SELECT coalesce(f.published, f.fetched_at) FROM article_versions f"
        "  WHERE f.article_id = v.article_id ORDER BY f.fetched_at, f.id LIMIT 1)"
        " FROM (SELECT DISTINCT article_version_id AS vid FROM clips"
        "       WHERE article_version_id IS NOT NULL) c"
        " JOIN article_versions v ON v.id = c.vid"
        " WHERE NOT EXISTS (SELECT 1 FROM watches w WHERE w.article_id = v.article_id)"
        " GROUP BY v.article_id").fetchall()
    return [(int(r[0]), stored_time(r[1])) for r in rows]


def anchor(store: Store, article_id: int) -> datetime | None:
    """When the schedule of an article starts: its first version's publication (or fetch)."""
    row = store.conn.execute(
        "SELECT coalesce(published, fetched_at) FROM article_versions WHERE article_id = ?"
        " ORDER BY fetched_at, id LIMIT 1", (article_id,)).fetchone()
    return stored_time(row[0]) if row else None


def add_watches(store: Store, rows: Iterable[tuple[int, str, datetime, datetime]]) -> None:
    """Watch articles: (article id, how, added, next check); a stopped watch starts again."""
    store.conn.executemany(
        "INSERT INTO watches(article_id, added, how, next_check) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(article_id) DO UPDATE SET active = 1, how = excluded.how,"
        " next_check = excluded.next_check, failures = 0",
        [(a, _t(added), how, _t(nxt)) for a, how, added, nxt in rows])


def stop_watch(store: Store, article_id: int) -> bool:
    """Stop watching an article (the row stays, so its clips do not bring it back)."""
    cur = store.conn.execute("UPDATE watches SET active = 0 WHERE article_id = ? AND active = 1",
                             (article_id,))
    return cur.rowcount > 0


def get_watch(store: Store, article_id: int) -> WatchRow | None:
    """The watch row of an article, or None."""
    row = store.conn.execute(_ROW + " WHERE w.article_id = ?", (article_id,)).fetchone()
    return _row(row) if row else None


# A watch that came with clips lapses while none is left (its entry is in the trash) and
# holds again when one comes back (restored).
_LIVE = (" WHERE w.active = 1 AND (w.how = 'manual' OR EXISTS (SELECT 1 FROM article_versions v"
         " JOIN clips c ON c.article_version_id = v.id WHERE v.article_id = w.article_id))")


def list_watches(store: Store) -> list[WatchRow]:
    """Watched articles, soonest due first."""
    rows = store.conn.execute(_ROW + _LIVE + " ORDER BY w.next_check, w.article_id").fetchall()
    return [_row(r) for r in rows]


def due_watches(store: Store, now: datetime, limit: int | None = None) -> list[WatchRow]:
    """Watches due at `now`, longest overdue first."""
    sql = _ROW + _LIVE + " AND w.next_check <= ? ORDER BY w.next_check, w.article_id"
    params: tuple[object, ...] = (_t(now),)
    if limit is not None:
        sql += " LIMIT ?"
        params += (limit,)
    return [_row(r) for r in store.conn.execute(sql, params).fetchall()]


def record_events(store: Store, events: list[tuple[Event, datetime | None, int]]) -> None:
    """Write events with each watch's next check and failure count (caller's transaction)."""
    conn = store.conn
    conn.executemany(
        "INSERT INTO watch_events(article_id, at, outcome, status, url, detail, version_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(e.article_id, _t(e.at), e.outcome, e.status, e.url, e.detail, e.version_id)
         for e, _, _ in events])
    conn.executemany(
        "UPDATE watches SET last_check = ?, checks = checks + 1, last_outcome = ?,"
        " next_check = ?, failures = ? WHERE article_id = ?",
        [(_t(e.at), e.outcome, _t(nxt) if nxt else None, fails, e.article_id)
         for e, nxt, fails in events])


def postpone(store: Store, article_ids: Iterable[int], when: datetime) -> None:
    """Move the next check of these watches to `when` (a host asked for a pause)."""
    store.conn.executemany("UPDATE watches SET next_check = ? WHERE article_id = ?",
                           [(_t(when), a) for a in article_ids])


def gone_articles(store: Store) -> list[tuple[int, Event]]:
    """Watched articles whose last check found them gone (404/410), with that event."""
    rows = store.conn.execute(
        "SELECT e.article_id, e.at, e.outcome, e.status, e.url, e.detail, e.version_id"
        " FROM watches w JOIN watch_events e ON e.id = (SELECT id FROM watch_events x"
        "   WHERE x.article_id = w.article_id AND x.outcome != 'error'"
        "   ORDER BY x.at DESC, x.id DESC LIMIT 1)"
        " WHERE e.outcome = 'gone' ORDER BY e.at DESC").fetchall()
    return [(int(r[0]), Event(int(r[0]), stored_time(r[1]), str(r[2]), r[3], r[4], r[5], r[6]))
            for r in rows]


def first_gone(store: Store, article_id: int) -> datetime | None:
    """When the article was first found gone in its current run of `gone` outcomes."""
    rows = store.conn.execute(
        "SELECT at, outcome FROM watch_events WHERE article_id = ? AND outcome != 'error'"
        " ORDER BY at DESC, id DESC", (article_id,)).fetchall()
    first = None
    for at, outcome in rows:
        if outcome != "gone":
            break
        first = stored_time(at)
    return first


def host_pauses(store: Store, now: datetime) -> dict[str, datetime]:
    """Hosts that asked not to be fetched before some time still to come."""
    rows = store.conn.execute("SELECT host, not_before FROM watch_hosts WHERE not_before > ?",
                              (_t(now),)).fetchall()
    return {str(h): stored_time(t) for h, t in rows}


def pause_host(store: Store, host: str, until: datetime, reason: str) -> None:
    """Remember not to fetch from `host` before `until`."""
    store.conn.execute(
        "INSERT INTO watch_hosts(host, not_before, reason) VALUES (?, ?, ?) ON CONFLICT(host)"
        " DO UPDATE SET not_before = excluded.not_before, reason = excluded.reason",
        (host, _t(until), reason))
