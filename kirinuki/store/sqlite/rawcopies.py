"""Raw copies: the response each article version was read from, body zlib-compressed."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from datetime import datetime

from kirinuki.model import RawCopy
from kirinuki.store.sqlite.db import Store, placeholders, stored_json
from kirinuki.store.sqlite.db import from_iso as _dt

# zlib level 6 (its default): level 9 saves little more on news pages, slower (docs/capture.md).
LEVEL = 6


def add_raw_copy(store: Store, version_id: int, raw: RawCopy) -> None:
    """Keep `raw` for version `version_id` (in the caller's transaction)."""
    body = zlib.compress(raw.body, LEVEL) if raw.body is not None else None
    store.conn.execute(
        "INSERT INTO raw_copies(version_id, url, status, reason, http_version, request_headers,"
        " headers, body, body_size, compression) VALUES (?,?,?,?,?,?,?,?,?,'zlib')",
        (version_id, raw.url, raw.status, raw.reason, raw.http_version,
         json.dumps(raw.request_headers, ensure_ascii=False),
         json.dumps(raw.headers, ensure_ascii=False), body, raw.body_size),
    )


def get_raw_copy(store: Store, version_id: int) -> RawCopy | None:
    """The raw copy of a version (body decompressed, None when dropped), or None if it has none."""
    row = store.conn.execute(
        "SELECT url, status, reason, http_version, request_headers, headers, body, body_size,"
        " dropped FROM raw_copies WHERE version_id = ?", (version_id,),
    ).fetchone()
    if row is None:
        return None
    body = zlib.decompress(row[6]) if row[6] is not None else None
    return RawCopy(url=row[0], status=int(row[1]), reason=row[2], http_version=row[3],
                   request_headers=[(k, v) for k, v in stored_json(row[4])],
                   headers=[(k, v) for k, v in stored_json(row[5])], body=body,
                   body_size=int(row[7]), dropped=_dt(row[8]))


def raw_states(store: Store, version_ids: Iterable[int]) -> dict[int, tuple[int, int, str | None]]:
    """(stored bytes, body bytes, dropped time) of each version that has a raw copy row."""
    ids = list(version_ids)
    out: dict[int, tuple[int, int, str | None]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        q = placeholders(len(chunk))
        for vid, stored, size, dropped in store.conn.execute(
            f"SELECT version_id, coalesce(length(body), 0), body_size, dropped FROM raw_copies"
            f" WHERE version_id IN ({q})", chunk,
        ):
            out[int(vid)] = (int(stored), int(size), dropped)
    return out


def drop_bodies(store: Store, article_id: int, keep: set[int], now: datetime) -> int:
    """Drop the kept bodies of article `article_id`'s raw copies except those of versions
    `keep`; the headers stay and `dropped` records when. Returns how many were dropped."""
    # `NOT IN ()` is not SQL, and `NOT IN (NULL)` matches nothing: no clause when none is kept.
    spared = f" AND version_id NOT IN ({','.join('?' * len(keep))})" if keep else ""
    cur = store.conn.execute(
        "UPDATE raw_copies SET body = NULL, dropped = ? WHERE body IS NOT NULL AND version_id IN"
        f" (SELECT id FROM article_versions WHERE article_id = ?){spared}",
        (now.isoformat(), article_id, *sorted(keep)),
    )
    return cur.rowcount


def version_ids(store: Store, article_id: int) -> list[int]:
    """The ids of an article's versions, oldest first."""
    return [int(r[0]) for r in store.conn.execute(
        "SELECT id FROM article_versions WHERE article_id = ? ORDER BY fetched_at, id",
        (article_id,))]
