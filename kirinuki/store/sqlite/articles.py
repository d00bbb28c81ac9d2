"""Sources, articles and article versions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

from kirinuki.model import Article, ArticleVersion, Source
from kirinuki.store.sqlite.db import Store


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt is not None else None


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def source_id(store: Store, source: Source) -> int:
    """The id of the source with this site, created when new (in the caller's transaction)."""
    conn = store.conn
    row = conn.execute("SELECT id, name FROM sources WHERE site = ?", (source.site,)).fetchone()
    if row is not None:
        if source.name and not row[1]:
            conn.execute("UPDATE sources SET name = ? WHERE id = ?", (source.name, row[0]))
        return int(row[0])
    cur = conn.execute("INSERT INTO sources(site, name) VALUES (?, ?)", (source.site, source.name))
    return int(cur.lastrowid or 0)


def article_id(store: Store, article: Article, now: datetime) -> int:
    """The id of the article with this URL, created when new (in the caller's transaction)."""
    conn = store.conn
    row = conn.execute("SELECT id FROM articles WHERE url = ?", (article.url,)).fetchone()
    if row is not None:
        if article.title:
            conn.execute("UPDATE articles SET title = ? WHERE id = ?", (article.title, row[0]))
        return int(row[0])
    sid = source_id(store, article.source) if article.source else None
    cur = conn.execute(
        "INSERT INTO articles(url, source_id, title, first_seen) VALUES (?,?,?,?)",
        (article.url, sid, article.title, now.isoformat()),
    )
    return int(cur.lastrowid or 0)


def add_version(store: Store, art_id: int, version: ArticleVersion) -> tuple[int, bool]:
    """Store `version` of article `art_id` unless one with the same text hash exists.

    Returns (version id, True when it was new). Runs in the caller's transaction.
    """
    conn = store.conn
    row = conn.execute(
        "SELECT id FROM article_versions WHERE article_id = ? AND content_hash = ?",
        (art_id, version.content_hash),
    ).fetchone()
    if row is not None:
        return int(row[0]), False
    cur = conn.execute(
        "INSERT INTO article_versions(article_id, fetched_at, content_hash, title, published,"
        " modified, paragraphs) VALUES (?,?,?,?,?,?,?)",
        (
            art_id,
            version.fetched_at.isoformat(),
            version.content_hash,
            version.title,
            _iso(version.published),
            _iso(version.modified),
            json.dumps(version.paragraphs, ensure_ascii=False),
        ),
    )
    return int(cur.lastrowid or 0), True


def _versions(store: Store, art_id: int) -> list[ArticleVersion]:
    rows = store.conn.execute(
        "SELECT id, fetched_at, content_hash, title, published, modified, paragraphs"
        " FROM article_versions WHERE article_id = ? ORDER BY fetched_at, id",
        (art_id,),
    ).fetchall()
    return [
        ArticleVersion(
            id=r[0], article_id=art_id, fetched_at=datetime.fromisoformat(r[1]),
            content_hash=r[2], title=r[3], published=_dt(r[4]), modified=_dt(r[5]),
            paragraphs=json.loads(r[6]),
        )
        for r in rows
    ]


def iter_articles(store: Store) -> Iterator[Article]:
    """Every article with its source and versions (oldest first), in id order."""
    rows = store.conn.execute(
        "SELECT a.id, a.url, a.title, s.site, s.name FROM articles a"
        " LEFT JOIN sources s ON s.id = a.source_id ORDER BY a.id"
    ).fetchall()
    for r in rows:
        source = Source(site=r[3], name=r[4]) if r[3] else None
        yield Article(url=r[1], source=source, title=r[2], versions=_versions(store, r[0]), id=r[0])


def get_article(store: Store, url: str) -> Article | None:
    """The article with this canonical URL, with its versions, or None."""
    row = store.conn.execute(
        "SELECT a.id, a.url, a.title, s.site, s.name FROM articles a"
        " LEFT JOIN sources s ON s.id = a.source_id WHERE a.url = ?",
        (url,),
    ).fetchone()
    if row is None:
        return None
    source = Source(site=row[3], name=row[4]) if row[3] else None
    return Article(url=row[1], source=source, title=row[2], versions=_versions(store, row[0]),
                   id=row[0])


def version_ref(store: Store, version_id: int) -> tuple[str, str] | None:
    """(article URL, content hash) of a version: how exports name it across journals."""
    row = store.conn.execute(
        "SELECT a.url, v.content_hash FROM article_versions v"
        " JOIN articles a ON a.id = v.article_id WHERE v.id = ?",
        (version_id,),
    ).fetchone()
    return (row[0], row[1]) if row else None


def version_by_ref(store: Store, url: str, content_hash: str) -> int | None:
    """The id of the version of article `url` with this content hash, or None."""
    row = store.conn.execute(
        "SELECT v.id FROM article_versions v JOIN articles a ON a.id = v.article_id"
        " WHERE a.url = ? AND v.content_hash = ?",
        (url, content_hash),
    ).fetchone()
    return int(row[0]) if row else None
