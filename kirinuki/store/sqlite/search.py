"""The search index: two contentless FTS5 tables fed with text pre-split in Python, kept in step
by the entry hooks inside the writer's transaction.

Why (measured, docs/search.md): SQLite 3.40's trigram tokenizer finds nothing below three
characters and Python cannot register a tokenizer, so clip text is folded (`normalize.fold`) and
split here (`search_tokens`):

* `search_bi` (detail=full) holds, for a folded text `t`, the tokens `t[i:i+2]` for every i (the
  last one a single character). A word of k >= 2 characters is the phrase of its k-1 overlapping
  bigrams, which matches exactly where the word occurs: no false hit, no miss.
* `search_uni` (detail=none) holds each character of the text: queries whose words are all one
  character long are answered there, from doclists without positions.
* Both hold filter tokens (all, entry, published, tags, source), so filters intersect in FTS5.

Row ids follow the clips' order by (entry date, entry id, position) and are dense: appends step
by `STEP`, a clip dated between two others takes an id in the gap, and when a gap is full its
neighbourhood is relabelled. Newest first is then a descending row id scan, a date range is a
row id range, and doclists stay small (time-based ids doubled the index). Deleting from a
contentless table needs the original tokens: they are rebuilt from the clip text and checked
against a stored CRC; on a mismatch the index is marked stale (search asks for
`kirinuki reindex`) rather than corrupted.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from kirinuki.model import Clip, Entry
from kirinuki.store.sqlite import search_tokens as tok
from kirinuki.store.sqlite.db import Store, iso, placeholders
from kirinuki.store.sqlite.tags import tag_id

# Exactly `normalize.search_fold` (a test holds them equal), without NFKC over whole clips.
from kirinuki.text.fastfold import fast_search_fold as fold
from kirinuki.text.hashtags import strip_marker

# Format 3 drops digit grouping (`3,800` -> `3800`); the V14 migration marks an index built
# before it stale. Another value than this one means "rebuild".
FORMAT = "3"
# Row id distance between clips appended in date order, leaving room for later insertions.
# Small, because row id deltas are stored in every doclist (docs/search.md, Measurements).
STEP = 2
FIRST = 1 << 40  # the first row id; clips dated before every other one go below
_BATCH = 500


def date_key(published: str | None) -> int:
    """A clip's date key: YYYYMMDDHHMMSS of an ISO date-time in its own offset (0 when
    undated). The column `search_docs.stamp` holds it (its name predates the glossary)."""
    if not published:
        return 0
    p = published
    digits = p[0:4] + p[5:7] + p[8:10] + p[11:13] + p[14:16] + p[17:19]
    return int(digits) if len(digits) == 14 and digits.isdigit() else 0


@dataclass(slots=True)
class _Doc:
    clip_id: int
    entry_id: int
    date_key: int
    source_id: int | None
    public: bool
    form: str
    tags: list[int] = field(default_factory=list)
    docid: int = 0



def _filter_tokens(docs: list[_Doc]) -> list[str]:
    """The filter tokens of each doc (clips of a group share theirs)."""
    made: dict[tuple[int, bool, tuple[int, ...], int | None], str] = {}
    out = []
    for d in docs:
        key = (d.entry_id, d.public, tuple(d.tags), d.source_id)
        f = made.get(key)
        if f is None:
            f = made[key] = tok.filters(d.entry_id, d.public, d.tags, d.source_id)
        out.append(f)
    return out


def _bodies(docs: list[_Doc]) -> list[tuple[str, str, int]]:
    """(search_bi body, search_uni body, crc) of each doc."""
    return [tok.rows(d.form, f) for d, f in zip(docs, _filter_tokens(docs), strict=True)]


def _chunks(ids: Sequence[int], size: int = _BATCH) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


META_KEYS = ("stale", "format", "docs", "chars")  # what `read_meta` reads


def read_meta(store: Store) -> dict[str, object]:
    """The index's bookkeeping in one read: `stale` (a reason), `format`, `docs` (clips
    indexed) and `chars` (their folded characters), as stored."""
    return dict(store.conn.execute("SELECT key, value FROM search_meta WHERE key IN"
                                   f" ({placeholders(len(META_KEYS))})", META_KEYS))


def stale_reason(store: Store, meta: dict[str, object] | None = None) -> str | None:
    """Why the index cannot be trusted (then `rebuild` is needed), or None (`meta`: as
    `read_meta` gave it, when it was read already)."""
    meta = read_meta(store) if meta is None else meta
    if "stale" in meta:
        return str(meta["stale"])
    if meta.get("format") != FORMAT and meta.get("docs", "0") != "0":
        return f"it was built in format {meta.get('format', '1')}, this kirinuki reads {FORMAT}"
    return None


def _mark_stale(store: Store, clip_id: int) -> None:
    store.index_fresh, store.index_tail = False, None
    reason = (f"clip {clip_id} changed outside the index, or Unicode data changed"
              f" (now {unicodedata.unidata_version})")
    store.conn.execute("INSERT INTO search_meta(key, value) VALUES ('stale', ?)"
                       " ON CONFLICT(key) DO NOTHING", (reason,))


def _load_new(store: Store, entry_ids: Sequence[int]) -> list[_Doc]:
    """The clips of these entries, in (entry, position) order, as they are stored now."""
    conn = store.conn
    docs: list[_Doc] = []
    by_group: dict[int, list[_Doc]] = {}
    by_entry: dict[int, list[_Doc]] = {}
    date_keys: dict[str | None, int] = {}
    for chunk in _chunks(entry_ids):
        q = placeholders(len(chunk))
        for cid, text, gid, eid, published, status, sid in conn.execute(
            "SELECT c.id, c.text, g.id, g.entry_id, e.published, e.status, a.source_id"
            " FROM groups g JOIN entries e ON e.id = g.entry_id"
            " JOIN clips c ON c.group_id = g.id"
            " LEFT JOIN article_versions v ON v.id = c.article_version_id"
            f" LEFT JOIN articles a ON a.id = v.article_id WHERE g.entry_id IN ({q})"
            " ORDER BY g.entry_id, g.pos, c.pos", chunk):
            doc = _Doc(cid, eid, date_keys.get(published) or date_keys.setdefault(
                published, date_key(published)), sid, status == "published",
                tok.index_form(fold(text)))
            docs.append(doc)
            by_group.setdefault(gid, []).append(doc)
            by_entry.setdefault(eid, []).append(doc)
        for gid, tid in conn.execute(
            "SELECT DISTINCT tl.group_id, gt.tag_id FROM groups g"
            " JOIN tag_lines tl ON tl.group_id = g.id JOIN group_tags gt ON gt.tag_line_id = tl.id"
            f" WHERE g.entry_id IN ({q})", chunk):
            for doc in by_group.get(gid, ()):
                doc.tags.append(tid)
        for eid, tid in conn.execute(  # an entry's categories tag every clip of it
                f"SELECT entry_id, tag_id FROM entry_categories WHERE entry_id IN ({q})", chunk):
            for doc in by_entry.get(eid, ()):
                doc.tags.append(tid)
    return docs


def _docs_written(store: Store, entries: list[Entry]) -> list[_Doc]:
    """The docs of entries just stored, from the objects the writer passed (ids set): the same
    as `_load_new` without reading the clips back (~15% of an import's time)."""
    docs: list[_Doc] = []
    versions = {c.article_version_id for e in entries for c in e.clips if c.article_version_id}
    sources: dict[int, int | None] = {}
    for chunk in _chunks(sorted(versions)):
        sources.update(store.conn.execute(
            "SELECT v.id, a.source_id FROM article_versions v JOIN articles a"
            f" ON a.id = v.article_id WHERE v.id IN ({placeholders(len(chunk))})", chunk))
    for e in sorted(entries, key=lambda e: e.id or 0):
        st = date_key(iso(e.published))
        public = str(e.status) == "published"
        cats = {tag_id(store, strip_marker(c)) for c in e.categories or () if strip_marker(c)}
        for g in e.groups:
            tags = sorted(cats | {tag_id(store, t.name) for line in g.tag_lines
                                  for t in line.tags})
            docs.extend(_Doc(c.id or 0, e.id or 0, st, sources.get(c.article_version_id or 0),
                             public, tok.index_form(fold(c.text)), list(tags))
                        for c in g.items if isinstance(c, Clip))
    return docs


def _load_indexed(store: Store, where: str, args: Sequence[int]) -> list[_Doc] | None:
    """Indexed clips as they were indexed (None, and the index marked stale, when a clip's
    text no longer gives the tokens stored for it)."""
    conn = store.conn
    docs: list[_Doc] = []
    for docid, cid, text, eid, st, sid, public, tags, crc in conn.execute(
        "SELECT d.docid, d.clip_id, c.text, d.entry_id, d.stamp, d.source_id, d.public, d.tags,"
        f" d.crc FROM search_docs d JOIN clips c ON c.id = d.clip_id WHERE {where}", args):
        form = tok.index_form(fold(text))
        if tok.crc(form) != crc:
            _mark_stale(store, cid)
            return None
        docs.append(_Doc(cid, eid, st, sid, bool(public), form, parse_tags(tags), docid))
    return docs


def parse_tags(column: str) -> list[int]:
    """Tag ids from the `tags` column of search_docs ("12 45")."""
    return [int(t) for t in column.split()]


def _write(store: Store, docs: list[_Doc]) -> None:
    """Insert the index rows of docs whose row ids are set."""
    if not docs:
        return
    conn = store.conn
    bi: list[tuple[int, object]]
    uni: list[tuple[int, object]]
    if store.dialect == "postgresql":
        # Each clip's form and filter tokens as they are: the PostgreSQL store makes both
        # tables' tokens from them (`postgres/tsvectors.py`), where the bodies below would be
        # built, encoded, decoded and split again (docs/search.md "Imports, session 20").
        crcs = [tok.crc(d.form) for d in docs]
        bi = uni = [(d.docid, (d.form, f))
                    for d, f in zip(docs, _filter_tokens(docs), strict=True)]
    else:
        bodies = _bodies(docs)
        crcs = [b[2] for b in bodies]
        # Bodies go in as UTF-8 blobs, which FTS5 tokenizes as they are: text values would be
        # converted to the journal's UTF-16 and back for the tokenizer (docs/search.md).
        bi = [(d.docid, b[0].encode()) for d, b in zip(docs, bodies, strict=True)]
        uni = [(d.docid, b[1].encode()) for d, b in zip(docs, bodies, strict=True)]
    # Tags as a short text column: a table of (docid, tag) pairs took more room.
    conn.executemany(
        "INSERT INTO search_docs(docid, clip_id, entry_id, stamp, source_id, public, tags, crc)"
        " VALUES (?,?,?,?,?,?,?,?)",
        [(d.docid, d.clip_id, d.entry_id, d.date_key, d.source_id, d.public,
          " ".join(map(str, sorted(set(d.tags)))), crc) for d, crc in zip(docs, crcs,
                                                                         strict=True)])
    conn.executemany("INSERT INTO search_bi(rowid, body) VALUES (?,?)", bi)
    conn.executemany("INSERT INTO search_uni(rowid, body) VALUES (?,?)", uni)


def _erase(store: Store, docs: list[_Doc]) -> None:
    """Delete the index rows of docs (loaded with `_load_indexed`)."""
    store.index_tail = None
    conn = store.conn
    bodies = _bodies(docs)
    conn.executemany("INSERT INTO search_bi(search_bi, rowid, body) VALUES ('delete', ?, ?)",
                     [(d.docid, b[0].encode()) for d, b in zip(docs, bodies, strict=True)])
    conn.executemany("INSERT INTO search_uni(search_uni, rowid, body) VALUES ('delete', ?, ?)",
                     [(d.docid, b[1].encode()) for d, b in zip(docs, bodies, strict=True)])
    conn.executemany("DELETE FROM search_docs WHERE docid = ?", [(d.docid,) for d in docs])


# `bracket` in one statement: the last and the first row, and when the key lies between them
# the binary search, each step taking the first row at or after the middle of (lo, hi), or else
# the last one before it, and keeping the half that holds the key; it ends when no row is left
# strictly between lo and hi (the last step has the narrowest pair). ?1, ?2: the key. A SELECT
# outside: the PostgreSQL store counts any other statement as a write.
_BRACKET_SQL = """
SELECT l.docid, l.stamp, l.entry_id, f.docid, f.stamp, f.entry_id, s.lo, s.hi
FROM (SELECT docid, stamp, entry_id FROM search_docs ORDER BY docid DESC LIMIT 1) AS l
CROSS JOIN (SELECT docid, stamp, entry_id FROM search_docs ORDER BY docid LIMIT 1) AS f
LEFT JOIN (WITH RECURSIVE b(lo, hi) AS (
  SELECT f0.docid, l0.docid FROM search_docs f0, search_docs l0
  WHERE f0.docid = (SELECT min(docid) FROM search_docs)
    AND l0.docid = (SELECT max(docid) FROM search_docs)
    AND (f0.stamp < ?1 OR (f0.stamp = ?1 AND f0.entry_id < ?2))
    AND NOT (l0.stamp < ?1 OR (l0.stamp = ?1 AND l0.entry_id < ?2))
  UNION ALL
  SELECT CASE WHEN d.stamp < ?1 OR (d.stamp = ?1 AND d.entry_id < ?2) THEN d.docid ELSE b.lo END,
         CASE WHEN d.stamp < ?1 OR (d.stamp = ?1 AND d.entry_id < ?2) THEN b.hi ELSE d.docid END
  FROM b JOIN search_docs d ON d.docid = coalesce(
    (SELECT x.docid FROM search_docs x WHERE x.docid >= (CASE WHEN b.lo + 1 > (b.lo + b.hi) / 2
       THEN b.lo + 1 ELSE (b.lo + b.hi) / 2 END) AND x.docid < b.hi ORDER BY x.docid LIMIT 1),
    (SELECT x.docid FROM search_docs x WHERE x.docid > b.lo AND x.docid < (b.lo + b.hi) / 2
       ORDER BY x.docid DESC LIMIT 1)))
SELECT lo, hi FROM b ORDER BY hi - lo LIMIT 1) AS s ON 1 = 1"""


def bracket(store: Store, key: tuple[int, int]) -> tuple[int | None, int | None]:
    """Row ids of the last clip ordered before `key` = (date key, entry id) and of the first one
    at or after it. Row ids follow that order, so a binary search over them needs no index of
    its own (an index on (stamp, entry_id) would take room); it runs in one statement, which
    spares PostgreSQL a round trip per step."""
    row = store.conn.execute(_BRACKET_SQL, key).fetchone()
    if row is None:
        return None, None  # nothing indexed
    if (row[1], row[2]) < key:
        return row[0], None  # the usual case: clips written in date order are appended
    if (row[4], row[5]) >= key:
        return None, row[3]
    return int(row[6]), int(row[7])  # key(first) < key <= key(last)


def _spread(lo: int | None, hi: int | None, k: int) -> list[int] | None:
    """k increasing row ids strictly between lo and hi (None: open end), or None if no room."""
    if lo is None:
        return [FIRST + STEP * i for i in range(k)] if hi is None else \
            [hi - STEP * (k - i) for i in range(k)]
    if hi is None:
        return [lo + STEP * (i + 1) for i in range(k)]
    if hi - lo <= k:
        return None
    return [lo + (hi - lo) * (i + 1) // (k + 1) for i in range(k)]


def _make_room(store: Store, lo: int, hi: int, k: int) -> list[int] | None:
    """Relabel the clips around the full gap (lo, hi) so that k ids fit in it; returns them
    (None when the index turned out stale). The window doubles until it is at most half full."""
    conn = store.conn
    n = k + 8
    while True:
        before = [r[0] for r in conn.execute(
            "SELECT docid FROM search_docs WHERE docid <= ? ORDER BY docid DESC LIMIT ?",
            (lo, n))][::-1]
        after = [r[0] for r in conn.execute(
            "SELECT docid FROM search_docs WHERE docid >= ? ORDER BY docid LIMIT ?", (hi, n))]
        total = len(before) + k + len(after)
        low = before[0]
        below = conn.execute("SELECT max(docid) FROM search_docs WHERE docid < ?",
                             (low,)).fetchone()[0]
        above = conn.execute("SELECT min(docid) FROM search_docs WHERE docid > ?",
                             (after[-1],)).fetchone()[0]
        start = below if below is not None else low - STEP * (total + 1)
        end = above if above is not None else after[-1] + STEP * (total + 1)
        # Prefer room to spare (fewer relabellings later) but never grow without bound.
        if end - start >= 2 * (total + 1) or (n >= 4 * (k + 8) and end - start > total):
            break
        n *= 2
    labels = [start + (end - start) * (i + 1) // (total + 1) for i in range(total)]
    old = before + after
    new = labels[:len(before)] + labels[len(before) + k:]
    moves = {o: m for o, m in zip(old, new, strict=True) if o != m}
    docs: list[_Doc] = []
    for chunk in _chunks(list(moves)):
        loaded = _load_indexed(store, f"d.docid IN ({placeholders(len(chunk))})", chunk)
        if loaded is None:
            return None
        docs.extend(loaded)
    _erase(store, docs)
    for d in docs:
        d.docid = moves[d.docid]
    _write(store, docs)
    return labels[len(before):len(before) + k]


def _insert(store: Store, docs: list[_Doc]) -> None:
    """Give the docs row ids in their date order and write them."""
    entries: dict[int, list[_Doc]] = {}
    for d in docs:
        entries.setdefault(d.entry_id, []).append(d)
    pending: list[_Doc] = []
    last: int | None = None
    hi: int | None = 0
    tail, store.index_tail = store.index_tail, None
    for eid, edocs in sorted(entries.items(), key=lambda kv: (kv[1][0].date_key, kv[0])):
        if hi is None:
            # The previous entry went after every indexed clip, so this later one does too:
            # no search needed (a query per entry was a visible part of an import).
            lo = last
        elif tail is not None and tail[:2] < (edocs[0].date_key, eid):
            lo, hi = tail[2], None  # after the clips a bulk import appended last: the same
        else:
            lo, hi = bracket(store, (edocs[0].date_key, eid))
            if last is not None and (lo is None or last > lo):
                lo = last  # an entry of this batch, not written yet, comes just before
        ids = _spread(lo, hi, len(edocs))
        if ids is None:
            _write(store, pending)
            pending = []
            assert lo is not None and hi is not None  # an open end always has room
            tail = None  # the relabelling may move the last clips
            ids = _make_room(store, lo, hi, len(edocs))
            if ids is None:
                return
        for d, docid in zip(edocs, ids, strict=True):
            d.docid = docid
        pending.extend(edocs)
        last = ids[-1]
        if hi is None and store.bulk:
            store.index_tail = (edocs[0].date_key, eid, last)
    _write(store, pending)
    store.conn.executemany(
        "UPDATE search_meta SET value = CAST(value AS INTEGER) + ? WHERE key = ?",
        [(len(docs), "docs"), (sum(len(d.form) for d in docs), "chars")])
    bump_generation(store)


def bump_generation(store: Store) -> None:
    """Count a change of the index (what was derived from it, e.g. facet columns, is old)."""
    # As a write of rows (one, without parameters): a bulk import on PostgreSQL sends those on
    # and goes on with its next entries, where a statement would first wait for the batch's
    # search rows to be stored (at 100k entries, a fifth of the import's time).
    store.conn.executemany("INSERT INTO search_meta(key, value) VALUES ('generation', '1')"
                           " ON CONFLICT(key) DO UPDATE SET value ="
                           " CAST(search_meta.value AS INTEGER) + 1", [()])


def index_entries(store: Store, entry_ids: list[int]) -> None:
    """Add the clips of `entry_ids` to the index (the caller's transaction)."""
    if not entry_ids or not (store.index_fresh or stale_reason(store) is None):
        return
    store.index_fresh = store.bulk  # only a bulk import's transaction writes till it ends
    written = [e for i in entry_ids if (e := store.written.get(i)) is not None]
    _insert(store, _docs_written(store, written) if len(written) == len(entry_ids)
            else _load_new(store, entry_ids))


def unindex_entries(store: Store, entry_ids: list[int]) -> None:
    """Remove the clips of `entry_ids` from the index, before their rows go."""
    if not entry_ids or stale_reason(store) is not None:
        return
    for chunk in _chunks(entry_ids):
        docs = _load_indexed(store, "d.clip_id IN (SELECT c.id FROM groups g JOIN clips c ON"
                             f" c.group_id = g.id WHERE g.entry_id IN ({placeholders(len(chunk))}))",
                             chunk)
        if docs is None:
            return
        _erase(store, docs)
        store.conn.executemany(
            "UPDATE search_meta SET value = CAST(value AS INTEGER) - ? WHERE key = ?",
            [(len(docs), "docs"), (sum(len(d.form) for d in docs), "chars")])
        bump_generation(store)


def rebuild(store: Store, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the whole index from the clips (one transaction); returns the clips indexed."""
    conn = store.conn
    with store.transaction():
        for table in ("search_bi", "search_uni"):
            conn.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")
            # Fewer merges (automerge 16) and an 8 MB pending-terms buffer make indexing
            # faster (docs/search.md, Measurements); the V2 migration sets the same.
            conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('automerge', 16)")
            conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('hashsize', 8388608)")
        conn.execute("DELETE FROM search_docs")
        gen = conn.execute("SELECT value FROM search_meta WHERE key = 'generation'").fetchone()
        conn.execute("DELETE FROM search_meta")
        if gen is not None:  # kept counting: a rebuilt index is a change too
            conn.execute("INSERT INTO search_meta(key, value) VALUES ('generation', ?)", gen)
        bump_generation(store)
        conn.executemany("INSERT INTO search_meta(key, value) VALUES (?, ?)",
                         [("docs", "0"), ("chars", "0"), ("format", FORMAT),
                          ("unicode", unicodedata.unidata_version)])
        # In date order every clip is an append: the densest row ids, the smallest index.
        rows = conn.execute("SELECT id, published FROM entries").fetchall()
        ids = [int(i) for i, _ in sorted(rows, key=lambda r: (date_key(r[1]), r[0]))]
        done = 0
        for chunk in _chunks(ids):
            _insert(store, _load_new(store, chunk))
            done += len(chunk)
            if progress is not None:
                progress(done, len(ids))
        # No 'optimize': merging into one segment left free pages in the file and made no
        # measurable difference to query times.
        row = conn.execute("SELECT value FROM search_meta WHERE key = 'docs'").fetchone()
    store.release_free_pages()
    return int(row[0])
