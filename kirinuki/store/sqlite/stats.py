"""Counts over a whole journal."""

from __future__ import annotations

from kirinuki.model import Stats
from kirinuki.store.sqlite.db import Store, from_iso


def journal_stats(store: Store) -> Stats:
    """Entries, clips, tags, articles and the date range of a journal."""
    c = store.conn
    e, pub, first, last = c.execute(
        "SELECT count(*), sum(CASE WHEN status = 'published' THEN 1 ELSE 0 END),"
        " min(published), max(published) FROM entries"
    ).fetchone()

    def one(sql: str) -> int:
        return int(c.execute(sql).fetchone()[0])

    return Stats(
        entries=e,
        published=pub or 0,
        drafts=e - (pub or 0),
        groups=one("SELECT count(*) FROM groups"),
        clips=one("SELECT count(*) FROM clips"),
        tags=one("SELECT count(*) FROM (SELECT tag_id FROM group_tags"
                 " UNION SELECT tag_id FROM entry_categories)"),
        articles=one("SELECT count(*) FROM articles"),
        versions=one("SELECT count(*) FROM article_versions"),
        first=from_iso(first),
        last=from_iso(last),
    )
