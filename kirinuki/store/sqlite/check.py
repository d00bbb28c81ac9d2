"""`kirinuki check`: is the journal file sound, and are its derived indexes in step?

SQLite's own checks (`integrity_check`, `foreign_key_check`) find a damaged file. The others
find what those cannot see: stored dates and JSON values kirinuki could not read; a clip
without its search rows or search rows without their clip; rows whose entry, date or
visibility disagree with the entry; a clip whose text no longer gives the tokens indexed for
it (text altered behind the index); FTS5's own structure; the id marks that keep ids from
being handed out twice; permalinks and dates that break the rules of `text.permalinks` and
`text.dates`; raw copies whose body no longer inflates to its recorded size.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime

from kirinuki.store.sqlite import search
from kirinuki.store.sqlite import search_tokens as tok
from kirinuki.store.sqlite.db import Store
from kirinuki.store.sqlite.ids import TRACKED
from kirinuki.text.dates import MAX_YEAR, MIN_YEAR, usable_date
from kirinuki.text.fastfold import fast_search_fold
from kirinuki.text.permalinks import permalink_problem, shown

MAX_SHOWN = 5  # examples named per kind of problem


def _integrity(store: Store) -> Iterator[str]:
    rows = [str(r[0]) for r in store.conn.execute("PRAGMA integrity_check(20)")]
    if rows != ["ok"]:
        yield from (f"SQLite integrity check: {r}" for r in rows)


def _foreign_keys(store: Store) -> Iterator[str]:
    rows = store.conn.execute("PRAGMA foreign_key_check").fetchall()
    for table, rowid, parent, _ in rows[:MAX_SHOWN]:
        yield f"{table} row {rowid} refers to a missing {parent} row"
    if len(rows) > MAX_SHOWN:
        yield f"… and {len(rows) - MAX_SHOWN} more rows with a missing parent"


def _count(store: Store, sql: str) -> int:
    return int(store.conn.execute(sql).fetchone()[0])


def _search_index(store: Store) -> Iterator[str]:
    stale = search.stale_reason(store)
    if stale is not None:
        yield f"search index is marked stale ({stale}): run kirinuki reindex"
        return
    missing = _count(store, "SELECT count(*) FROM clips c WHERE NOT EXISTS"
                            " (SELECT 1 FROM search_docs d WHERE d.clip_id = c.id)")
    if missing:
        yield f"{missing} clips are missing from the search index: run kirinuki reindex"
    orphans = _count(store, "SELECT count(*) FROM search_docs d WHERE NOT EXISTS"
                            " (SELECT 1 FROM clips c WHERE c.id = d.clip_id)")
    if orphans:
        yield f"{orphans} search index rows belong to no clip: run kirinuki reindex"
    docs = _count(store, "SELECT count(*) FROM search_docs")
    counted = store.conn.execute("SELECT value FROM search_meta WHERE key = 'docs'").fetchone()
    if counted is None or str(counted[0]) != str(docs):
        yield (f"search index counts {counted[0] if counted else 'no'} clips but holds {docs}:"
               " run kirinuki reindex")
    for table in ("search_bi", "search_uni"):
        try:
            store.conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as exc:
            yield f"{table}: {exc}: run kirinuki reindex"
    yield from _search_rows(store)


def _search_rows(store: Store) -> Iterator[str]:
    """Each indexed clip against its entry and its text (the CRC of its tokens)."""
    bad: dict[str, list[int]] = {}
    for cid, d_entry, d_date_key, d_public, crc, text, entry, published, status in store.conn.execute(
        "SELECT d.clip_id, d.entry_id, d.stamp, d.public, d.crc, c.text, g.entry_id,"
        " e.published, e.status FROM search_docs d JOIN clips c ON c.id = d.clip_id"
        " JOIN groups g ON g.id = c.group_id JOIN entries e ON e.id = g.entry_id"):
        if d_entry != entry:
            bad.setdefault("are indexed under another entry", []).append(cid)
        elif d_date_key != search.date_key(published) or bool(d_public) != (status == "published"):
            bad.setdefault("are indexed with another date or visibility", []).append(cid)
        elif tok.crc(tok.index_form(fast_search_fold(text))) != crc:
            bad.setdefault("have text that changed behind the search index", []).append(cid)
    for what, clips in bad.items():
        shown = ", ".join(map(str, clips[:MAX_SHOWN])) + (" …" if len(clips) > MAX_SHOWN else "")
        yield f"{len(clips)} clips {what} (clip {shown}): run kirinuki reindex"


# Stored values kirinuki parses when it reads them: a damaged one would stop every command
# that reads its row. (table, id column, value column, "time" or "json")
_VALUES = [
    ("entries", "id", "published", "time"), ("entries", "id", "created", "time"),
    ("entries", "id", "updated", "time"), ("entry_chrome", "id", "value", "json"),
    ("articles", "id", "first_seen", "time"), ("article_versions", "id", "fetched_at", "time"),
    ("article_versions", "id", "published", "time"),
    ("article_versions", "id", "modified", "time"),
    ("article_versions", "id", "paragraphs", "json"), ("feeds", "id", "added", "time"),
    ("inbox", "id", "published", "time"), ("inbox", "id", "added", "time"),
    ("settings", "key", "value", "json"),
    ("raw_copies", "version_id", "headers", "json"),
    ("raw_copies", "version_id", "request_headers", "json"),
    ("raw_copies", "version_id", "dropped", "time"),
]


# Columns the model reads as numbers or text: a flipped bit in a record header can turn a
# value into another type (a NULL, a blob) that SQLite's checks let through.
_TYPES: dict[str, dict[str, tuple[str, ...]]] = {
    "entries": {"integer": ("bom", "lead_blank", "footer_blank"),
                "text": ("key", "status", "newline", "created", "updated")},
    "groups": {"integer": ("entry_id", "pos")},
    "clips": {"integer": ("group_id", "pos", "blank_after"), "text": ("text",)},
    "related_links": {"integer": ("group_id", "pos", "blank_after"), "text": ("url", "quote")},
    "tag_lines": {"integer": ("group_id", "pos", "blank_after")},
    "group_tags": {"integer": ("tag_line_id", "pos", "tag_id"), "text": ("display", "summary")},
    "tags": {"text": ("key", "display")},
}


def _types(store: Store) -> Iterator[str]:
    if store.dialect != "sqlite":
        return  # PostgreSQL columns hold only their declared type
    for table, kinds in _TYPES.items():
        wrong = " OR ".join(f"typeof({c}) <> '{kind}'" for kind, cols in kinds.items()
                            for c in cols)
        rows = [str(r[0]) for r in store.conn.execute(
            f"SELECT rowid FROM {table} WHERE {wrong} LIMIT 1000")]  # one scan per table
        if rows:
            shown = ", ".join(rows[:MAX_SHOWN]) + (" …" if len(rows) > MAX_SHOWN else "")
            yield f"{len(rows)} {table} rows hold a value of the wrong type (row {shown})"


def _values(store: Store) -> Iterator[str]:
    yield from _types(store)
    for table, key, column, kind in _VALUES:
        bad = []
        for ident, value in store.conn.execute(
                f"SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL"):
            try:
                if kind == "time":
                    datetime.fromisoformat(value)
                else:
                    json.loads(value)
            except (TypeError, ValueError):
                bad.append(str(ident))
        if bad:
            shown = ", ".join(bad[:MAX_SHOWN]) + (" …" if len(bad) > MAX_SHOWN else "")
            what = "date" if kind == "time" else "JSON value"
            yield f"{len(bad)} {table} rows hold a damaged {what} in {column} ({key} {shown})"


def _id_marks(store: Store) -> Iterator[str]:
    marks = dict(store.conn.execute("SELECT name, last FROM id_marks").fetchall())
    for table in TRACKED:
        top = _count(store, f"SELECT coalesce(max(id), 0) FROM {table}")
        if table not in marks:
            yield f"id_marks has no row for {table}"
        elif int(marks[table]) < top:
            yield f"id_marks says {marks[table]} for {table}, below its highest id {top}"


def _addresses(store: Store) -> Iterator[str]:
    """Entries whose permalink or date breaks the rules (stored before them, or by hand): the
    site places or leaves them out with a warning; here they are named for repair."""
    bad: list[str] = []
    for eid, link, published, updated in store.conn.execute(
            "SELECT id, permalink, published, updated FROM entries"):
        why = permalink_problem(link) if link else None
        if why is not None:
            bad.append(f"entry {eid}: permalink {shown(str(link))} cannot be used ({why}); "
                       f"set another with `kirinuki entries permalink {eid} NEW`")
        for when in (published, updated):
            if when and not usable_date(str(when)):
                bad.append(f"entry {eid}: date {str(when)[:40]!r} is outside the years "
                           f"{MIN_YEAR}-{MAX_YEAR}")
    yield from bad[:MAX_SHOWN]
    if len(bad) > MAX_SHOWN:
        yield f"… and {len(bad) - MAX_SHOWN} more permalinks or dates that break the rules"


def _raw_copies(store: Store) -> Iterator[str]:
    """Raw copies whose body does not inflate to the size recorded when it was kept."""
    bad: list[str] = []
    for vid, body, size in store.conn.execute(
            "SELECT version_id, body, body_size FROM raw_copies WHERE body IS NOT NULL"):
        try:
            whole = len(zlib.decompress(body)) == size
        except (zlib.error, TypeError):
            whole = False
        if not whole:
            bad.append(str(vid))
    if bad:
        shown = ", ".join(bad[:MAX_SHOWN]) + (" …" if len(bad) > MAX_SHOWN else "")
        yield f"{len(bad)} raw copies are damaged (version {shown})"


CHECKS: list[tuple[str, Callable[[Store], Iterator[str]]]] = [
    ("SQLite integrity", _integrity), ("foreign keys", _foreign_keys),
    ("stored values", _values), ("search index", _search_index), ("id marks", _id_marks),
    ("permalinks and dates", _addresses), ("raw copies", _raw_copies),
]


def check_store(store: Store) -> list[str]:
    """Every problem found, one line each (empty when the journal is sound). A check that
    cannot even run on a damaged file is a problem too; the other checks still run."""
    problems: list[str] = []
    for name, run in CHECKS:
        try:
            problems += list(run(store))
        except sqlite3.DatabaseError as exc:
            problems.append(f"{name} check could not run: {exc}")
    return problems


def quick_check(store: Store) -> list[str]:
    """SQLite's quick check (pages, records, NOT NULL; not index contents) and the stored
    values: what a damaged file shows without reading every index."""
    rows = [str(r[0]) for r in store.conn.execute("PRAGMA quick_check(5)")]
    return ([f"SQLite quick check: {r}" for r in rows] if rows != ["ok"] else []) + list(
        _values(store))
