"""Sources, articles and article versions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

from kirinuki.model import Article, ArticleVersion, Source
from kirinuki.store.sqlite.db import Store, stored_json, stored_time
from kirinuki.store.sqlite.db import from_iso as _dt
from kirinuki.store.sqlite.db import iso as _iso
from kirinuki.store.sqlite.ids import next_id


def source_id(store: Store, source: Source) -> int:
    """The id of the source with this site, created when new (in the caller's transaction)."""
    conn = store.conn
    row = conn.execute("SELECT id, name FROM sources WHERE site = ?", (source.site,)).fetchone()
    if row is not None:
        if source.name and not row[1]:
            conn.execute("UPDATE sources SET name = ? WHERE id = ?", (source.name, row[0]))
        return int(row[0])
    sid = next_id(store, "sources")
    conn.execute("INSERT INTO sources(id, site, name) VALUES (?, ?, ?)",
                 (sid, source.site, source.name))
    return sid


def article_id(store: Store, article: Article, now: datetime) -> int:
    """The id of the article with this URL, created when new (in the caller's transaction)."""
    conn = store.conn
    row = conn.execute("SELECT id FROM articles WHERE url = ?", (article.url,)).fetchone()
    if row is not None:
        if article.title:
            conn.execute("UPDATE articles SET title = ? WHERE id = ?", (article.title, row[0]))
        return int(row[0])
    return new_article(store, article, now)


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
    vid = next_id(store, "article_versions")
    conn.execute(
        "INSERT INTO article_versions(id, article_id, fetched_at, content_hash, title,"
        " published, modified, paragraphs, canonical_claim) VALUES (?,?,?,?,?,?,?,?,?)",
        (
            vid,
            art_id,
            version.fetched_at.isoformat(),
            version.content_hash,
            version.title,
            _iso(version.published),
            _iso(version.modified),
            json.dumps(version.paragraphs, ensure_ascii=False),
            version.canonical_claim,
        ),
    )
    return vid, True


def _versions(store: Store, art_id: int) -> list[ArticleVersion]:
    rows = store.conn.execute(
        "SELECT id, fetched_at, content_hash, title, published, modified, paragraphs,"
        " canonical_claim FROM article_versions WHERE article_id = ? ORDER BY fetched_at, id",
        (art_id,),
    ).fetchall()
    return [
        ArticleVersion(
            id=r[0], article_id=art_id, fetched_at=stored_time(r[1]),
            content_hash=r[2], title=r[3], published=_dt(r[4]), modified=_dt(r[5]),
            paragraphs=stored_json(r[6]), canonical_claim=r[7],
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


# --- capture: URL aliases, validators, latest versions, version lookup -------------------------


def find_article_id(store: Store, url: str) -> int | None:
    """The id of the article known by `url`: an alias (a link that led to it) or its own URL."""
    row = store.conn.execute(
        "SELECT article_id FROM article_urls WHERE url = ?1"
        " UNION ALL SELECT id FROM articles WHERE url = ?1 LIMIT 1", (url,),
    ).fetchone()
    return int(row[0]) if row else None


def new_article(store: Store, article: Article, now: datetime) -> int:
    """Insert an article known to be new (with its source) and return its id."""
    sid = source_id(store, article.source) if article.source else None
    aid = next_id(store, "articles")
    store.conn.execute(
        "INSERT INTO articles(id, url, source_id, title, first_seen) VALUES (?,?,?,?,?)",
        (aid, article.url, sid, article.title, now.isoformat()),
    )
    return aid


def add_alias(store: Store, url: str, art_id: int) -> None:
    """Remember that `url` leads to article `art_id` (in the caller's transaction)."""
    store.conn.execute(
        "INSERT INTO article_urls(url, article_id) VALUES (?, ?)"
        " ON CONFLICT(url) DO UPDATE SET article_id = excluded.article_id",
        (url, art_id),
    )


def article_url(store: Store, art_id: int) -> str | None:
    """The canonical URL of article `art_id`."""
    row = store.conn.execute("SELECT url FROM articles WHERE id = ?", (art_id,)).fetchone()
    return str(row[0]) if row else None


def move_article(store: Store, art_id: int, url: str) -> None:
    """Give article `art_id` the canonical URL `url`; its old URL stays as an alias."""
    old = article_url(store, art_id)
    store.conn.execute("UPDATE articles SET url = ? WHERE id = ?", (url, art_id))
    store.conn.execute("DELETE FROM article_urls WHERE url = ?", (url,))
    if old and old != url:
        add_alias(store, old, art_id)


def merge_article(store: Store, from_id: int, into_id: int) -> None:
    """Fold an article with no versions (a feed item not yet fetched) into another one."""
    conn = store.conn
    old = article_url(store, from_id)
    conn.execute("UPDATE article_urls SET article_id = ? WHERE article_id = ?", (into_id, from_id))
    conn.execute("UPDATE OR IGNORE inbox SET article_id = ? WHERE article_id = ?", (into_id, from_id))
    conn.execute("DELETE FROM articles WHERE id = ? AND NOT EXISTS"
                 " (SELECT 1 FROM article_versions WHERE article_id = ?)", (from_id, from_id))
    if old:
        add_alias(store, old, into_id)


def update_article(store: Store, art_id: int, title: str | None, source: Source | None) -> None:
    """Set an article's title and (when it has none) its source."""
    conn = store.conn
    if title:
        conn.execute("UPDATE articles SET title = ? WHERE id = ?", (title, art_id))
    if source is not None:
        sid = source_id(store, source)
        conn.execute("UPDATE articles SET source_id = ? WHERE id = ? AND source_id IS NULL",
                     (sid, art_id))


def validators(store: Store, art_id: int) -> tuple[str | None, str | None]:
    """(ETag, Last-Modified) of the last fetch of an article."""
    row = store.conn.execute("SELECT etag, last_modified FROM articles WHERE id = ?",
                             (art_id,)).fetchone()
    return (row[0], row[1]) if row else (None, None)


def set_validators(store: Store, art_id: int, etag: str | None, last_modified: str | None) -> None:
    """Remember the validators of the last fetch, for the next conditional request."""
    store.conn.execute("UPDATE articles SET etag = ?, last_modified = ? WHERE id = ?",
                       (etag, last_modified, art_id))


_VERSION_COLS = ("id, article_id, fetched_at, content_hash, title, published, modified, paragraphs,"
                 " canonical_claim")


# The columns of _VERSION_COLS in order.
_VersionRecord = tuple[int, int, str, str, str | None, str | None, str | None, str, str | None]


def _version(r: _VersionRecord) -> ArticleVersion:
    return ArticleVersion(
        id=int(r[0]), article_id=int(r[1]), fetched_at=stored_time(r[2]),
        content_hash=str(r[3]), title=r[4], published=_dt(r[5]), modified=_dt(r[6]),
        paragraphs=stored_json(r[7]), canonical_claim=r[8],
    )


def latest_version(store: Store, art_id: int) -> ArticleVersion | None:
    """The newest version of an article, or None when it was never fetched."""
    row = store.conn.execute(
        f"SELECT {_VERSION_COLS} FROM article_versions WHERE article_id = ?"
        " ORDER BY fetched_at DESC, id DESC LIMIT 1", (art_id,),
    ).fetchone()
    return _version(row) if row else None


def get_version(store: Store, version_id: int) -> ArticleVersion | None:
    """The version with this id, or None."""
    row = store.conn.execute(f"SELECT {_VERSION_COLS} FROM article_versions WHERE id = ?",
                             (version_id,)).fetchone()
    return _version(row) if row else None


def get_article_by_id(store: Store, art_id: int) -> Article | None:
    """The article with this id, with its versions, or None."""
    url = article_url(store, art_id)
    return get_article(store, url) if url else None


def article_by_id(store: Store, art_id: int) -> Article | None:
    """The article with this id and its source, without its versions, or None."""
    row = store.conn.execute(
        "SELECT a.id, a.url, a.title, s.site, s.name FROM articles a"
        " LEFT JOIN sources s ON s.id = a.source_id WHERE a.id = ?", (art_id,),
    ).fetchone()
    if row is None:
        return None
    source = Source(site=row[3], name=row[4]) if row[3] else None
    return Article(url=row[1], source=source, title=row[2], id=row[0])


def version_number(store: Store, art_id: int, version_id: int) -> int:
    """The 1-based position of a version among its article's versions, oldest first."""
    row = store.conn.execute(
        "SELECT count(*) FROM article_versions v, article_versions w WHERE w.id = ?"
        " AND v.article_id = ? AND (v.fetched_at < w.fetched_at OR"
        " (v.fetched_at = w.fetched_at AND v.id <= w.id))", (version_id, art_id),
    ).fetchone()
    return int(row[0])


def iter_version_paragraphs(store: Store) -> Iterator[tuple[int, list[str]]]:
    """(version id, paragraphs) of every stored version, newest first."""
    for vid, paragraphs in store.conn.execute(
        "SELECT id, paragraphs FROM article_versions ORDER BY id DESC"
    ):
        yield int(vid), stored_json(paragraphs)


def article_count(store: Store) -> int:
    """How many articles the journal knows."""
    return int(store.conn.execute("SELECT count(*) FROM articles").fetchone()[0])


def version_exists(store: Store, version_id: int) -> bool:
    """Whether the article version is stored."""
    return store.conn.execute("SELECT 1 FROM article_versions WHERE id = ?",
                              (version_id,)).fetchone() is not None


def version_refs(store: Store) -> dict[int, tuple[str, str]]:
    """Version id -> (article URL, content hash) of every stored version."""
    return {int(r[0]): (str(r[1]), str(r[2])) for r in store.conn.execute(
        "SELECT v.id, a.url, v.content_hash FROM article_versions v"
        " JOIN articles a ON a.id = v.article_id")}
