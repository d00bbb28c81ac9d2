"""The search index: two contentless FTS5 tables fed with text pre-split in Python.

Why (measured, docs/search.md): SQLite 3.40's trigram tokenizer finds nothing below three
characters and Python cannot register a tokenizer, so clip text is folded (`normalize.fold`) and
split here:

* `search_bi` (detail=full) holds, for a folded text `t`, the tokens `t[i:i+2]` for every i (the
  last one a single character). A word of k >= 2 characters is the phrase of its k-1 overlapping
  bigrams, which matches exactly where the word occurs: no false hit, no miss. A one-character
  word is the prefix query `"c"*` (every position starts a token, hence the last 1-char token).
* `search_uni` (detail=none) holds the distinct characters of each text: a query whose words are
  all one character long is answered there, from short doclists without positions.

Both tables also hold filter tokens (all, tag, source, entry) that no text can produce, so
`#tag`, `source:` and `entry:` are intersected inside FTS5. The ascii tokenizer splits on ASCII
non-alphanumerics only, so ASCII punctuation and spaces are mapped to private-use characters
(U+F0000+c) first; characters already in planes 15-16 collapse to one marker, and only queries
containing such characters need the caller's verification (`Plan.exact` is False then).

Row ids order clips by their entry's local date: `YYYYMMDDHHMMSS << 16 | n` (0 when undated), so
"newest first" is a descending row id scan and since:/until: are row id ranges. Index rows are
written by the entry hooks in the writer's transaction; deleting from a contentless table needs
the original tokens, rebuilt from the clip text and checked against a stored CRC: on a mismatch
the index is marked stale (search then asks for `kirinuki reindex`) rather than corrupted.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from kirinuki.store.sqlite import hooks
from kirinuki.store.sqlite.db import Store
from kirinuki.text.normalize import fold

FORMAT = "2"  # written by the V2 migration too; another value means "rebuild"
SEQ_BITS = 16
SEQ_MASK = (1 << SEQ_BITS) - 1
MAX_ROWID = (1 << 63) - 1
LOSSY = "\U000f00ff"  # stands for any character of planes 15-16 in indexed text
ALL, TAG, SOURCE, ENTRY, PUBLIC = ("\U000f0100", "\U000f0101", "\U000f0102", "\U000f0103",
                                   "\U000f0104")
NOTHING = f'"{TAG}0"'  # tag ids start at 1: a token no document carries

_ASCII = {c: 0xF0000 + c for c in range(128) if not (48 <= c <= 57 or 97 <= c <= 122)}
_NEEDS_MAPPING = re.compile(r"[^a-z0-9\x80-\U000effff]")
_PLANES_15_16 = re.compile(r"[\U000f0000-\U0010ffff]")
_BATCH = 500


def index_form(folded: str) -> str:
    """Folded text with every character the ascii tokenizer would split on made a token char."""
    if _NEEDS_MAPPING.search(folded) is None:
        return folded
    return _PLANES_15_16.sub(LOSSY, folded).translate(_ASCII)


def stamp(published: str | None) -> int:
    """YYYYMMDDHHMMSS of an ISO date-time in its own offset (0 when undated)."""
    if not published:
        return 0
    digits = "".join(ch for ch in published[:19] if ch.isdigit())
    return int(digits) if len(digits) == 14 else 0


@dataclass
class _Doc:
    clip_id: int
    entry_id: int
    source_id: int | None
    stamp: int
    form: str
    public: bool
    tags: list[int] = field(default_factory=list)
    docid: int = 0

    def filters(self) -> str:
        parts = [ALL, f"{ENTRY}{self.entry_id}"] + ([PUBLIC] if self.public else [])
        parts += [f"{TAG}{t}" for t in sorted(self.tags)]
        if self.source_id is not None:
            parts.append(f"{SOURCE}{self.source_id}")
        return " ".join(parts)

    def bodies(self) -> tuple[str, str]:
        f, m = self.filters(), self.form
        bi = " ".join([m[i:i + 2] for i in range(len(m))])
        return f"{bi} {f}", " ".join(dict.fromkeys(m)) + " " + f


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _chunks(ids: Sequence[int], size: int = _BATCH) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def stale_reason(store: Store) -> str | None:
    """Why the index cannot be trusted (then `rebuild` is needed), or None."""
    meta = dict(store.conn.execute(
        "SELECT key, value FROM search_meta WHERE key IN ('stale', 'format', 'docs')"))
    if "stale" in meta:
        return str(meta["stale"])
    if meta.get("format") != FORMAT and meta.get("docs", "0") != "0":
        return f"it was built in format {meta.get('format', '1')}, this kirinuki reads {FORMAT}"
    return None


def _mark_stale(store: Store, reason: str) -> None:
    store.conn.execute(
        "INSERT INTO search_meta(key, value) VALUES ('stale', ?) ON CONFLICT(key) DO NOTHING",
        (reason,))


def _bump(store: Store, docs: int, chars: int) -> None:
    store.conn.executemany(
        "UPDATE search_meta SET value = CAST(value AS INTEGER) + ? WHERE key = ?",
        [(docs, "docs"), (chars, "chars")])


def _load_docs(store: Store, entry_ids: Sequence[int]) -> list[_Doc]:
    conn = store.conn
    docs: list[_Doc] = []
    by_group: dict[int, list[_Doc]] = {}
    for chunk in _chunks(entry_ids):
        q = _marks(len(chunk))
        for cid, text, gid, eid, published, status, sid in conn.execute(
            "SELECT c.id, c.text, g.id, g.entry_id, e.published, e.status, a.source_id"
            " FROM groups g JOIN entries e ON e.id = g.entry_id"
            " JOIN clips c ON c.group_id = g.id"
            " LEFT JOIN article_versions v ON v.id = c.article_version_id"
            f" LEFT JOIN articles a ON a.id = v.article_id WHERE g.entry_id IN ({q})", chunk):
            doc = _Doc(cid, eid, sid, stamp(published), index_form(fold(text)),
                       status == "published")
            docs.append(doc)
            by_group.setdefault(gid, []).append(doc)
        for gid, tid in conn.execute(
            "SELECT DISTINCT tl.group_id, gt.tag_id FROM groups g"
            " JOIN tag_lines tl ON tl.group_id = g.id JOIN group_tags gt ON gt.tag_line_id = tl.id"
            f" WHERE g.entry_id IN ({q})", chunk):
            for doc in by_group.get(gid, ()):
                doc.tags.append(tid)
    return docs


def _allocate(store: Store, docs: list[_Doc]) -> None:
    """Give each doc a free row id in its entry's second (spilling over when one is full)."""
    wanted = [(d.stamp << SEQ_BITS) | (d.clip_id & SEQ_MASK) for d in docs]
    taken: set[int] = set()
    for chunk in _chunks(wanted):
        taken.update(r[0] for r in store.conn.execute(
            f"SELECT docid FROM search_docs WHERE docid IN ({_marks(len(chunk))})", chunk))
    for doc, want in zip(docs, wanted, strict=True):
        rowid, k = want, 0
        while rowid in taken or (k and store.conn.execute(
                "SELECT 1 FROM search_docs WHERE docid = ?", (rowid,)).fetchone()):
            k += 1
            rowid = ((doc.stamp + k // (SEQ_MASK + 1)) << SEQ_BITS) | ((doc.clip_id + k)
                                                                       & SEQ_MASK)
        taken.add(rowid)
        doc.docid = rowid


def _insert(store: Store, docs: list[_Doc]) -> None:
    _allocate(store, docs)
    conn = store.conn
    bodies = [d.bodies() for d in docs]
    conn.executemany("INSERT INTO search_docs(docid, clip_id, entry_id, source_id, public, crc)"
                     " VALUES (?,?,?,?,?,?)",
                     [(d.docid, d.clip_id, d.entry_id, d.source_id, d.public,
                       zlib.crc32(d.form.encode())) for d in docs])
    conn.executemany("INSERT INTO search_doc_tags(docid, tag_id) VALUES (?,?)",
                     [(d.docid, t) for d in docs for t in d.tags])
    conn.executemany("INSERT INTO search_bi(rowid, body) VALUES (?,?)",
                     [(d.docid, b[0]) for d, b in zip(docs, bodies, strict=True)])
    conn.executemany("INSERT INTO search_uni(rowid, body) VALUES (?,?)",
                     [(d.docid, b[1]) for d, b in zip(docs, bodies, strict=True)])
    _bump(store, len(docs), sum(len(d.form) for d in docs))
    conn.execute("INSERT OR IGNORE INTO search_meta(key, value) VALUES ('format', ?)", (FORMAT,))


@hooks.on_entries_written
def index_entries(store: Store, entry_ids: list[int]) -> None:
    """Add the clips of `entry_ids` to the index (the caller's transaction)."""
    if entry_ids and stale_reason(store) is None:
        _insert(store, _load_docs(store, entry_ids))


@hooks.on_entries_removing
def unindex_entries(store: Store, entry_ids: list[int]) -> None:
    """Remove the clips of `entry_ids` from the index, before their rows go."""
    if not entry_ids or stale_reason(store) is not None:
        return
    conn = store.conn
    docs: list[_Doc] = []
    for chunk in _chunks(entry_ids):
        for docid, cid, text, eid, sid, public, crc in conn.execute(
            "SELECT d.docid, c.id, c.text, d.entry_id, d.source_id, d.public, d.crc FROM groups g"
            " JOIN clips c ON c.group_id = g.id JOIN search_docs d ON d.clip_id = c.id"
            f" WHERE g.entry_id IN ({_marks(len(chunk))})", chunk):
            form = index_form(fold(text))
            if zlib.crc32(form.encode()) != crc:
                _mark_stale(store, f"clip {cid} changed outside the index, or Unicode data"
                            f" changed (now {unicodedata.unidata_version})")
                return
            docs.append(_Doc(cid, eid, sid, 0, form, bool(public), docid=docid))
    if not docs:
        return
    by_id = {d.docid: d for d in docs}
    for chunk in _chunks(list(by_id)):
        for docid, tid in conn.execute(
                f"SELECT docid, tag_id FROM search_doc_tags WHERE docid IN ({_marks(len(chunk))})"
                " ORDER BY docid, tag_id", chunk):
            by_id[docid].tags.append(tid)
    bodies = [d.bodies() for d in docs]
    conn.executemany("INSERT INTO search_bi(search_bi, rowid, body) VALUES ('delete', ?, ?)",
                     [(d.docid, b[0]) for d, b in zip(docs, bodies, strict=True)])
    conn.executemany("INSERT INTO search_uni(search_uni, rowid, body) VALUES ('delete', ?, ?)",
                     [(d.docid, b[1]) for d, b in zip(docs, bodies, strict=True)])
    conn.executemany("DELETE FROM search_doc_tags WHERE docid = ?", [(d,) for d in by_id])
    conn.executemany("DELETE FROM search_docs WHERE docid = ?", [(d,) for d in by_id])
    _bump(store, -len(docs), -sum(len(d.form) for d in docs))


def rebuild(store: Store, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the whole index from the clips (one transaction); returns the clips indexed."""
    conn = store.conn
    with store.transaction():
        for table in ("search_bi", "search_uni"):
            conn.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")
        conn.execute("DELETE FROM search_doc_tags")
        conn.execute("DELETE FROM search_docs")
        conn.execute("DELETE FROM search_meta")
        conn.executemany("INSERT INTO search_meta(key, value) VALUES (?, ?)",
                         [("docs", "0"), ("chars", "0"), ("format", FORMAT),
                          ("unicode", unicodedata.unidata_version)])
        ids = [int(r[0]) for r in conn.execute("SELECT id FROM entries ORDER BY id")]
        done = 0
        for chunk in _chunks(ids):
            _insert(store, _load_docs(store, chunk))
            done += len(chunk)
            if progress is not None:
                progress(done, len(ids))
        for table in ("search_bi", "search_uni"):
            conn.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
        row = conn.execute("SELECT value FROM search_meta WHERE key = 'docs'").fetchone()
    return int(row[0])
