"""Feeds the journal follows, and the inbox of articles their items pointed to.

Inbox times are stored in UTC ISO form so that text order is time order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from kirinuki.store.sqlite.db import Store, from_iso, stored_time
from kirinuki.store.sqlite.ids import next_id


@dataclass
class Feed:
    """A followed feed with what the last poll left (validators, status line)."""

    id: int
    url: str
    title: str | None
    site_url: str | None
    etag: str | None
    last_modified: str | None
    added: datetime
    polled: datetime | None
    status: str | None
    items: int = 0


@dataclass
class InboxItem:
    """An article a feed brought in, waiting to be read and clipped."""

    id: int
    article_id: int
    url: str
    title: str | None
    published: datetime | None
    added: datetime
    feed_title: str | None
    clipped: bool
    versions: int


def _utc(dt: datetime | None) -> str | None:
    return dt.astimezone(UTC).isoformat() if dt is not None else None


def _dt(text: str | None) -> datetime | None:
    return from_iso(text)


_FEED_COLS = ("f.id, f.url, f.title, f.site_url, f.etag, f.last_modified, f.added, f.polled,"
              " f.status, (SELECT count(*) FROM inbox i WHERE i.feed_id = f.id)")


# (id, url, title, site_url, etag, last_modified, added, polled, status, items): _FEED_COLS
_FeedRecord = tuple[int, str, str | None, str | None, str | None, str | None, str, str | None,
                    str | None, int]


def _feed(row: _FeedRecord) -> Feed:
    return Feed(
        id=int(row[0]), url=str(row[1]), title=row[2], site_url=row[3],
        etag=row[4], last_modified=row[5], added=stored_time(row[6]),
        polled=_dt(row[7]), status=row[8], items=int(row[9]),
    )


def add_feed(store: Store, url: str, title: str | None, site_url: str | None,
             now: datetime) -> int:
    """Store a new feed and return its id (in the caller's transaction)."""
    fid = next_id(store, "feeds")
    store.conn.execute(
        "INSERT INTO feeds(id, url, title, site_url, added) VALUES (?,?,?,?,?)",
        (fid, url, title, site_url, _utc(now)),
    )
    return fid


def find_feed(store: Store, *, feed_id: int | None = None, url: str | None = None) -> Feed | None:
    """The feed with this id or URL, or None."""
    column, value = ("f.id", feed_id) if feed_id is not None else ("f.url", url)
    row = store.conn.execute(f"SELECT {_FEED_COLS} FROM feeds f WHERE {column} = ?",
                             (value,)).fetchone()
    return _feed(row) if row else None


def list_feeds(store: Store) -> list[Feed]:
    """Every feed, in the order they were added."""
    rows = store.conn.execute(f"SELECT {_FEED_COLS} FROM feeds f ORDER BY f.id").fetchall()
    return [_feed(r) for r in rows]


def remove_feed(store: Store, feed_id: int) -> bool:
    """Forget a feed (its inbox items stay). False when there was none."""
    return store.conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,)).rowcount > 0


def record_poll(store: Store, feed_id: int, now: datetime, status: str, *,
                etag: str | None = None, last_modified: str | None = None,
                title: str | None = None, keep_validators: bool = False) -> None:
    """Remember a poll's outcome; new validators replace the old unless `keep_validators`."""
    conn = store.conn
    conn.execute("UPDATE feeds SET polled = ?, status = ? WHERE id = ?",
                 (_utc(now), status, feed_id))
    if not keep_validators:
        conn.execute("UPDATE feeds SET etag = ?, last_modified = ? WHERE id = ?",
                     (etag, last_modified, feed_id))
    if title:
        conn.execute("UPDATE feeds SET title = ? WHERE id = ? AND title IS NULL",
                     (title, feed_id))


def add_inbox_item(store: Store, article_id: int, feed_id: int | None, title: str | None,
                   published: datetime | None, summary: str | None, now: datetime) -> bool:
    """Put an article in the inbox; False when it is there already."""
    conn = store.conn
    if conn.execute("SELECT 1 FROM inbox WHERE article_id = ?", (article_id,)).fetchone():
        return False
    conn.execute(
        "INSERT INTO inbox(id, article_id, feed_id, title, published, summary, added)"
        " VALUES (?,?,?,?,?,?,?)",
        (next_id(store, "inbox"), article_id, feed_id, title, _utc(published), summary,
         _utc(now)),
    )
    return True


_INBOX_SELECT = (
    "SELECT i.id, i.article_id, a.url, COALESCE(i.title, a.title), i.published, i.added,"
    " f.title, i.clipped,"
    " (SELECT count(*) FROM article_versions v WHERE v.article_id = i.article_id)"
    " FROM inbox i JOIN articles a ON a.id = i.article_id LEFT JOIN feeds f ON f.id = i.feed_id"
)


# (id, article id, url, title, published, added, feed title, clipped, versions): _INBOX_SELECT
_InboxRecord = tuple[int, int, str, str | None, str | None, str, str | None, int, int]


def _item(r: _InboxRecord) -> InboxItem:
    return InboxItem(
        id=int(r[0]), article_id=int(r[1]), url=str(r[2]), title=r[3],
        published=_dt(r[4]), added=stored_time(r[5]),
        feed_title=r[6], clipped=bool(r[7]), versions=int(r[8]),
    )


def list_inbox(store: Store, *, limit: int = 50, offset: int = 0,
               unclipped: bool = False) -> list[InboxItem]:
    """Inbox items, newest first (by the item's time, else when it arrived)."""
    where = " WHERE i.clipped = 0" if unclipped else ""
    rows = store.conn.execute(
        f"{_INBOX_SELECT}{where} ORDER BY COALESCE(i.published, i.added) DESC, i.id DESC"
        " LIMIT ? OFFSET ?", (limit, offset),
    ).fetchall()
    return [_item(r) for r in rows]


def get_inbox_item(store: Store, item_id: int) -> InboxItem | None:
    """The inbox item with this number, or None."""
    row = store.conn.execute(f"{_INBOX_SELECT} WHERE i.id = ?", (item_id,)).fetchone()
    return _item(row) if row else None


def mark_clipped(store: Store, article_id: int) -> None:
    """Note that an inbox article has been clipped from."""
    store.conn.execute("UPDATE inbox SET clipped = 1 WHERE article_id = ?", (article_id,))

