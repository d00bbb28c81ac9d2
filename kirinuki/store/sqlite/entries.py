"""Entries with their groups, clips, related links and tag lines: written, and the single-row
questions (ids, keys, permalinks, revisions); reading them back is `entry_loading`.

An entry is written whole (`insert_entry`) and replaced whole (`replace_entry`): its groups are
small, and rewriting them keeps positions and layout exactly as the model says.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from kirinuki.errors import ConflictError, InputError, StaleRevisionError
from kirinuki.model import (
    Clip,
    Entry,
    Origin,
    RelatedLink,
)
from kirinuki.store.sqlite import hooks
from kirinuki.store.sqlite import trash as trash_rows
from kirinuki.store.sqlite.db import Store, placeholders
from kirinuki.store.sqlite.db import from_iso as _dt
from kirinuki.store.sqlite.db import iso as _iso
from kirinuki.store.sqlite.entry_loading import load_entries
from kirinuki.store.sqlite.ids import reserve
from kirinuki.store.sqlite.tags import tag_id
from kirinuki.text.cliptext import raw_layout
from kirinuki.text.dates import check_date
from kirinuki.text.hashtags import strip_marker
from kirinuki.text.permalinks import check_permalink


def existing(store: Store, column: str, values: list[str]) -> set[str]:
    """Which of `values` are already taken as an entry's `column` (`key` or `permalink`): by
    a stored entry or one in the trash (restored, it takes them back)."""
    assert column in ("key", "permalink")
    found = trash_rows.taken(store, column, values)
    for i in range(0, len(values), 500):
        chunk = values[i : i + 500]
        q = placeholders(len(chunk))
        found.update(r[0] for r in store.conn.execute(
            f"SELECT {column} FROM entries WHERE {column} IN ({q})", chunk))
    return found


def _texts(entry: Entry) -> Iterable[str]:
    yield from (entry.title or "", entry.permalink or "", entry.key or "")
    yield from (h.url for h in entry.header)
    if entry.footer is not None:
        yield entry.footer.text
    for g in entry.groups:
        for it in g.items:
            if isinstance(it, Clip):
                yield it.text
                if it.selector is not None:
                    yield from (it.selector.exact, it.selector.prefix, it.selector.suffix)
            else:
                yield from (it.url, it.quote)
        for t in g.tags:
            yield from (t.name, t.summary)
    yield from entry.categories or ()
    if entry.origin is not None:
        yield entry.origin.raw


def check_storable(entry: Entry, kept: tuple[object, object] = (None, None)) -> None:
    """Raise InputError when the entry holds U+FFFE or U+FFFF: SQLite turns them into U+FFFD
    on their way into a UTF-16 journal, which would change the text without a word; or when
    its permalink or dates break the rules of `text.permalinks` and `text.dates` (the last net
    under every way in). `kept`: the stored (permalink, published) of an entry being rewritten,
    which are not checked again (an entry stored before the rules stays editable)."""
    if entry.permalink is not None and entry.permalink != kept[0]:
        check_permalink(entry.permalink)
    if entry.published is not None and _iso(entry.published) != kept[1]:
        check_date(entry.published, "the date")
    if entry.updated is not None:
        check_date(entry.updated, "the update time")
    for text in _texts(entry):
        if "\ufffe" in text or "\uffff" in text:
            bad = "U+FFFE" if "\ufffe" in text else "U+FFFF"
            raise InputError(f"{bad} (a Unicode noncharacter) in {text[:40]!r}: the journal "
                             "cannot store it unchanged; remove it from the input")


def insert_entry(store: Store, entry: Entry, now: datetime) -> int:
    """Store one entry (with a unique `key`) and return its id; see `insert_entries`."""
    return insert_entries(store, [entry], now)[0]


def insert_entries(store: Store, entries: list[Entry], now: datetime,
                   kept: tuple[object, object] = (None, None)) -> list[int]:
    """Store `entries` (each with a unique `key`) and return their ids, in a few statements.

    Raises ConflictError when a permalink is taken, InputError for text the journal cannot
    store unchanged or a permalink or date that breaks the rules (`check_storable`; `kept`
    as there). Runs in the caller's transaction.
    """
    if not store.bulk:  # a bulk import checked each entry as it read it, naming its file
        for e in entries:
            check_storable(e, kept)
    links = [e.permalink for e in entries if e.permalink is not None]
    if len(set(links)) != len(links) or (links and existing(store, "permalink", links)):
        taken = existing(store, "permalink", links) or {x for x in links if links.count(x) > 1}
        raise ConflictError(f"permalink {sorted(taken)[0]} is already used by another entry")
    # Entries rewritten in place (`replace_entry`) keep their id; new ones get fresh ids.
    next_id = reserve(store, "entries", sum(1 for e in entries if e.id is None))
    # Before any row is sent: on PostgreSQL a read after a bulk write waits for it.
    firsts = _reserve_items(store, entries)
    chrome: dict[str, int] = {}
    rows = []
    for e in entries:
        if e.id is None:
            e.id, next_id = next_id, next_id + 1
        # A new entry starts at revision 1; a restored or imported one keeps the revision it had.
        e.revision = max(e.revision, 1)
        e.author = store.author or e.author
        raw = raw_layout(e)
        rows.append((
            e.id, e.key, e.permalink, _iso(e.published), str(e.status), e.title,
            int(e.layout.bom), e.layout.newline, e.layout.lead_blank, _chrome_id(store, e, chrome),
            e.footer.blank_after if e.footer else 0,
            now.isoformat(), _iso(e.updated) or now.isoformat(),
            json.dumps(raw, ensure_ascii=False, separators=(",", ":")) if raw else None,
            _json(e.categories), _json(origin_record(e.origin)), e.revision, e.author,
        ))
    store.conn.executemany(
        "INSERT INTO entries(id, key, permalink, published, status, title, bom, newline,"
        " lead_blank, chrome_id, footer_blank, created, updated, raw_layout, categories, origin,"
        " revision, author) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    _insert_categories(store, entries)
    _insert_groups(store, entries, firsts)
    entry_ids = [int(e.id or 0) for e in entries]
    hooks.entries_written(store, entry_ids, entries)
    return entry_ids


def _json(value: object) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False,
                                                  separators=(",", ":"))


def origin_record(origin: Origin | None) -> dict[str, object] | None:
    """An origin as the JSON object stored in `entries.origin` (and in trash records)."""
    if origin is None:
        return None
    return {"format": origin.format, "raw": origin.raw, "body_html": origin.body_html,
            "imported": origin.imported}


def category_tag(category: str) -> str:
    """The tag name a category stands for: as written, less edge spaces and its `#` marker
    (`#ハッシュ` is the tag ハッシュ); empty when nothing is left."""
    return strip_marker(category)


def _insert_categories(store: Store, entries: list[Entry]) -> None:
    """Link each entry's explicit categories to their tags (a category with no name left
    once its marker is taken off, `#`, stays a Hatena category only)."""
    rows = [(e.id, pos, tag_id(store, category_tag(name))) for e in entries
            for pos, name in enumerate(e.categories or ()) if category_tag(name)]
    store.conn.executemany(
        "INSERT INTO entry_categories(entry_id, pos, tag_id) VALUES (?,?,?)", rows)


def _chrome_id(store: Store, entry: Entry, seen: dict[str, int]) -> int:
    """The id of the entry's header and footer lines in `entry_chrome` (stored once)."""
    value = json.dumps([[[h.url, h.blank_after] for h in entry.header],
                        entry.footer.text if entry.footer else None],
                       ensure_ascii=False, separators=(",", ":"))
    if value not in seen:
        conn = store.conn
        row = conn.execute("SELECT id FROM entry_chrome WHERE value = ?", (value,)).fetchone()
        seen[value] = int(row[0]) if row else int(conn.execute(
            "INSERT INTO entry_chrome(value) VALUES (?) RETURNING id", (value,)).fetchone()[0])
    return seen[value]


def _reserve_items(store: Store, entries: list[Entry]) -> tuple[int, int, int, int]:
    """The first ids reserved for the groups, new clips, related links and tag lines of
    `entries` (one reservation per table and batch)."""
    all_groups = [g for e in entries for g in e.groups]
    # Clips keep their ids across a rewrite; the others get fresh ones.
    kept = [c.id for g in all_groups for c in g.clips if c.id is not None and c.id > 0]
    n_clips = sum(1 for g in all_groups for c in g.clips) - len(kept)
    n_links = sum(1 for g in all_groups for it in g.items if isinstance(it, RelatedLink))
    return (reserve(store, "groups", len(all_groups)),
            reserve(store, "clips", n_clips, above=max(kept, default=0)),
            reserve(store, "related_links", n_links),
            reserve(store, "tag_lines", sum(len(g.tag_lines) for g in all_groups)))


def _insert_groups(store: Store, entries: list[Entry], firsts: tuple[int, int, int, int],
                   ) -> None:
    """Insert the groups, items and tag lines of `entries`, their ids from `firsts`
    (`_reserve_items`)."""
    gid, cid, rid, lid = firsts
    groups: list[tuple[object, ...]] = []
    clips: list[tuple[object, ...]] = []
    links: list[tuple[object, ...]] = []
    lines: list[tuple[object, ...]] = []
    tags: list[tuple[object, ...]] = []
    for entry in entries:
        for gpos, group in enumerate(entry.groups):
            group.id, gid = gid, gid + 1
            groups.append((group.id, entry.id, gpos))
            for pos, item in enumerate(group.items):
                if isinstance(item, Clip):
                    if item.id is None or item.id <= 0:
                        item.id, cid = cid, cid + 1
                    sel = item.selector
                    clips.append((item.id, group.id, pos, item.text, item.blank_after,
                                  item.article_version_id, sel.exact if sel else None,
                                  sel.prefix if sel else None, sel.suffix if sel else None))
                else:
                    item.id, rid = rid, rid + 1
                    links.append((item.id, group.id, pos, item.url, item.quote,
                                  item.blank_after, item.target_entry_id))
            for lpos, line in enumerate(group.tag_lines):
                lines.append((lid, group.id, lpos, line.blank_after))
                tags.extend((lid, tpos, tag_id(store, t.name), t.name, t.summary)
                            for tpos, t in enumerate(line.tags))
                lid += 1
    conn = store.conn
    conn.executemany("INSERT INTO groups(id, entry_id, pos) VALUES (?,?,?)", groups)
    conn.executemany(
        "INSERT INTO clips(id, group_id, pos, text, blank_after, article_version_id,"
        " sel_exact, sel_prefix, sel_suffix) VALUES (?,?,?,?,?,?,?,?,?)", clips)
    conn.executemany(
        "INSERT INTO related_links(id, group_id, pos, url, quote, blank_after,"
        " target_entry_id) VALUES (?,?,?,?,?,?,?)", links)
    conn.executemany(
        "INSERT INTO tag_lines(id, group_id, pos, blank_after) VALUES (?,?,?,?)", lines)
    conn.executemany(
        "INSERT INTO group_tags(tag_line_id, pos, tag_id, display, summary) VALUES (?,?,?,?,?)",
        tags)


def replace_entry(store: Store, entry: Entry, now: datetime) -> None:
    """Rewrite a stored entry (fields and groups) from `entry`, which carries its id and the
    revision it was read at; the stored revision goes up by one (so do `entry.revision` and its
    `author`, to the store's).

    Clip ids are kept for clips that carry them. Runs in the caller's transaction. Raises
    StaleRevisionError when the entry was written since `entry` was read (a lost update).
    """
    assert entry.id is not None
    conn = store.conn
    row = conn.execute("SELECT permalink, published, revision FROM entries WHERE id = ?",
                       (entry.id,)).fetchone()
    kept = (row[0], row[1]) if row is not None else (None, None)
    if row is not None:
        check_revision(entry.id, entry.revision, int(row[2]))
        entry.revision = int(row[2]) + 1
    entry.updated = now
    check_storable(entry, kept)  # before anything is removed
    hooks.entries_removing(store, [entry.id])
    conn.execute("DELETE FROM groups WHERE entry_id = ?", (entry.id,))
    conn.execute("DELETE FROM entries WHERE id = ?", (entry.id,))
    insert_entries(store, [entry], now, kept)


def check_revision(entry_id: int, expected: int | None, stored: int) -> None:
    """Raise StaleRevisionError when `expected` (the revision a writer read; None: any) is not
    the `stored` one."""
    if expected is not None and expected != stored:
        raise StaleRevisionError(
            f"entry {entry_id} was changed by someone else since it was read (revision "
            f"{expected}, now {stored}): reload it and apply the change again", stored)


def entry_revision(store: Store, entry_id: int) -> int | None:
    """The stored revision of an entry, or None when there is no such entry."""
    row = store.conn.execute("SELECT revision FROM entries WHERE id = ?", (entry_id,)).fetchone()
    return int(row[0]) if row is not None else None


def delete_entry(store: Store, entry_id: int) -> bool:
    """Delete an entry and everything in it; False when there was none."""
    hooks.entries_removing(store, [entry_id])
    cur = store.conn.execute("DELETE FROM entries WHERE id = ?", (entry_id,))
    return cur.rowcount > 0


def get_entry(store: Store, entry_id: int) -> Entry | None:
    """The whole entry with this id, or None."""
    return load_entries(store, [entry_id]).get(entry_id)


def find_entry_id(store: Store, *, permalink: str | None = None, key: str | None = None) -> int | None:
    """The id of the entry with this permalink or key, or None."""
    if permalink is not None:
        row = store.conn.execute(
            "SELECT id FROM entries WHERE permalink = ?", (permalink,)
        ).fetchone()
    else:
        row = store.conn.execute("SELECT id FROM entries WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else None


def permalink_taken(store: Store, permalink: str, own_id: int | None = None) -> bool:
    """True when `permalink` is another entry's address: a stored entry's, a trashed
    entry's, or an old address that redirects to another entry."""
    found = find_entry_id(store, permalink=permalink)
    if found is not None:
        return found != own_id
    if trash_rows.taken(store, "permalink", [permalink]):
        return True
    moved = trash_rows.old_permalink_owner(store, permalink)
    return moved is not None and moved != own_id


def entry_ids(store: Store) -> list[int]:
    """Every entry id in export order: by date (undated last), then id."""
    rows = store.conn.execute(
        "SELECT id FROM entries ORDER BY published IS NULL, published, id"
    ).fetchall()
    return [int(r[0]) for r in rows]


def dates_by_key(store: Store, keys: list[str]) -> dict[str, tuple[int, datetime | None]]:
    """Key -> (id, date) of the stored entries with these import keys."""
    return {str(k): (int(i), _dt(p)) for k, i, p in store.conn.execute(
        "SELECT key, id, published FROM entries WHERE key IN (SELECT value FROM json_each(?))",
        (json.dumps(keys),))}


def count_drafts(store: Store) -> int:
    """How many entries are drafts (read from the partial index of drafts)."""
    row = store.conn.execute("SELECT count(*) FROM entries WHERE status <> 'published'"
                             ).fetchone()
    return int(row[0])


def entry_exists(store: Store, entry_id: int) -> bool:
    """True when an entry with this id is stored."""
    row = store.conn.execute("SELECT 1 FROM entries WHERE id = ?", (entry_id,)).fetchone()
    return row is not None


# The time an entry is listed under in AtomPub: its date, or its last change when undated.
_WHEN = "unixepoch(COALESCE(published, updated))"


def entries_before(store: Store, before: int | None, limit: int) -> tuple[list[int], int | None]:
    """Ids of entries dated before epoch second `before` (None: any), newest first, at least
    `limit` of them unless fewer remain, plus every entry sharing the last one's second; and
    that second when older entries remain (the next cursor), else None."""
    bound = "" if before is None else f"WHERE {_WHEN} < ?"
    args: list[object] = [] if before is None else [before]
    rows = store.conn.execute(
        f"SELECT id, {_WHEN} FROM entries {bound} ORDER BY 2 DESC, id DESC LIMIT ?",
        [*args, limit]).fetchall()
    if len(rows) < limit:
        return [int(r[0]) for r in rows], None
    last = int(rows[-1][1])
    # A page never ends inside a second: the next one starts strictly before it.
    ties = store.conn.execute(
        f"SELECT id FROM entries WHERE {_WHEN} = ? AND id < ? ORDER BY id DESC",
        (last, rows[-1][0])).fetchall()
    more = store.conn.execute(f"SELECT EXISTS (SELECT 1 FROM entries WHERE {_WHEN} < ?)",
                              (last,)).fetchone()[0]
    return [int(r[0]) for r in rows] + [int(r[0]) for r in ties], last if more else None
def entry_of_group(store: Store, group_id: int) -> int | None:
    """The entry holding the group, or None."""
    row = store.conn.execute("SELECT entry_id FROM groups WHERE id = ?", (group_id,)).fetchone()
    return int(row[0]) if row else None


def entry_of_clip(store: Store, clip_id: int) -> int | None:
    """The entry holding the clip, or None."""
    row = store.conn.execute("SELECT g.entry_id FROM clips c JOIN groups g ON g.id = c.group_id"
                             " WHERE c.id = ?", (clip_id,)).fetchone()
    return int(row[0]) if row else None


def dated_drafts(store: Store) -> list[tuple[int, str]]:
    """(id, stored date) of every draft with a date, newest id first."""
    return [(int(i), str(p)) for i, p in store.conn.execute(
        "SELECT id, published FROM entries WHERE status = 'draft' AND published IS NOT NULL"
        " ORDER BY id DESC")]


def stored_by(store: Store, column: str, values: Sequence[str],
              ) -> list[tuple[str, str | None, str | None]]:
    """(key, permalink, stored date) of the entries whose `column` ("key" or "permalink") is
    one of `values`."""
    assert column in ("key", "permalink")
    return store.conn.execute(
        f"SELECT key, permalink, published FROM entries WHERE {column} IN"
        f" ({','.join('?' * len(values))})", list(values)).fetchall()
