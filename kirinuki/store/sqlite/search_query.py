"""Reading the search index: a parsed query becomes a `Plan` (one FTS5 MATCH string and a row id
range), which counts, lists newest first, yields facets and fetches the clips behind row ids.

See `search.py` for the index layout and why every plan over ordinary text is exact.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from kirinuki.store.sqlite.db import Store, placeholders
from kirinuki.store.sqlite.entries import ids_json
from kirinuki.store.sqlite.search import bracket, date_key, parse_tags
from kirinuki.store.sqlite.search_tokens import (
    ALL,
    ENTRY,
    LOSSY,
    NOTHING,
    PUBLIC,
    SOURCE,
    TAG,
    folded_of,
    index_form,
    word_match,
)
from kirinuki.text.fastfold import fast_search_fold
from kirinuki.text.normalize import fold, kana_variants
from kirinuki.text.query import Atom, EntryRef, Query, Source, Tag, Word


@dataclass(frozen=True)
class Plan:
    """How to answer one query: table, MATCH string, row id range and resolved filters.

    `exact` is False only when a word holds a plane 15-16 character (the index folds those
    together): the caller must then verify candidates against the text. `relaxed`, when set,
    is the same query without its one-character words (`dropped`), which `search_bi` can only
    answer with prefix queries that read whole doclists: intersecting its candidates, newest
    first, with `search_uni` over the same row id range finds the first hits much sooner.
    """

    table: str
    match: str
    lo: int
    hi: int
    exact: bool
    public_only: bool = False
    tags: dict[str, int] = field(default_factory=dict)
    sources: dict[str, frozenset[int]] = field(default_factory=dict)
    entries: dict[str, int] = field(default_factory=dict)
    relaxed: Plan | None = None
    dropped: tuple[str, ...] = ()
    drafts: tuple[int, ...] | None = None  # public_only: the draft entries to leave out


@dataclass
class DocRow:
    """A clip behind an index row, with what search shows and verifies."""

    docid: int
    clip_id: int
    entry_id: int
    date_key: int
    source_id: int | None
    public: bool
    text: str
    published: str | None
    permalink: str | None
    site: str | None
    tag_ids: set[int] = field(default_factory=set)
    tags: list[str] = field(default_factory=list)


def _tag_id(store: Store, key: str) -> int:
    row = store.conn.execute("SELECT id FROM tags WHERE key = ?", (key,)).fetchone()
    if row is None:
        row = store.conn.execute("SELECT tag_id FROM tag_aliases WHERE key = ?",
                                 (key,)).fetchone()
    return int(row[0]) if row else 0


def _source_ids(store: Store, site: str) -> frozenset[int]:
    """Sources whose site is `site` or a subdomain of it (the sources table is small)."""
    return frozenset(
        int(sid) for sid, s in store.conn.execute("SELECT id, site FROM sources")
        if fold(s) == site or fold(s).endswith("." + site))


def _entry_id(store: Store, ref: str) -> int:
    ref = ref.strip()
    if ref.isdigit():
        row = store.conn.execute("SELECT id FROM entries WHERE id = ?", (int(ref),)).fetchone()
    else:
        link = "/" + ref.strip("/")
        row = store.conn.execute("SELECT id FROM entries WHERE permalink = ?",
                                 (link,)).fetchone()
    return int(row[0]) if row else 0


# A kana-insensitive word is the OR of its spellings up to this many (6 kana); a longer one
# asks for one of the spellings of each of its bigrams, a superset verified against the text.
MAX_KANA_VARIANTS = 64


def word_exact(word: Word) -> bool:
    """Whether the index answers `word` exactly (else its matches are a superset)."""
    if LOSSY in index_form(word.text):
        return False
    return not word.kana or len(kana_variants(word.text)) <= MAX_KANA_VARIANTS


def word_expr(word: Word, bi: bool) -> str:
    """The FTS5 expression of a word (see `word_match`; `bi`: in `search_bi`)."""
    if not word.kana:
        return word_match(index_form(word.text), bi)
    spellings = kana_variants(word.text)
    if len(spellings) <= MAX_KANA_VARIANTS:
        return "(" + " OR ".join(word_match(index_form(v), bi) for v in spellings) + ")"
    form = word.text
    return "(" + " AND ".join(
        "(" + " OR ".join(word_match(index_form(v), bi) for v in kana_variants(form[i:i + 2]))
        + ")" for i in range(len(form) - 1)) + ")"


def _expr(atom: Atom, bi: bool, plan: Plan) -> str:
    if isinstance(atom, Word):
        return word_expr(atom, bi)
    if isinstance(atom, Tag):
        tid = plan.tags[atom.key]
        return f'"{TAG}{tid}"' if tid else NOTHING
    if isinstance(atom, Source):
        ids = sorted(plan.sources[atom.site])
        return "(" + " OR ".join(f'"{SOURCE}{i}"' for i in ids) + ")" if ids else NOTHING
    eid = plan.entries[atom.ref]
    return f'"{ENTRY}{eid}"' if eid else NOTHING


MIN_ROWID, MAX_ROWID = -(1 << 63), (1 << 63) - 1
# Up to this many drafts, readers' queries leave them out by their entry tokens; beyond, they
# intersect with the token every published clip carries.
MAX_DRAFTS = 64


Bracket = Callable[[Store, tuple[int, int]], tuple[int | None, int | None]]


def _range(store: Store, query: Query, find: Bracket) -> tuple[int, int]:
    """The row id range of the query's dates (row ids follow the clips' date order)."""
    lo, hi = MIN_ROWID, MAX_ROWID
    if query.since is not None or query.until is not None:
        # Undated clips come first in that order and belong to no date range.
        since = date_key(query.since.isoformat() + "T00:00:00") if query.since else 1
        first = find(store, (since, MIN_ROWID))[1]
        lo = MAX_ROWID if first is None else first
    if query.until is not None:
        last = find(store, (date_key(query.until.isoformat() + "T23:59:59"), MAX_ROWID))[0]
        hi = MIN_ROWID if last is None else last
    return lo, hi


def make_plan(store: Store, query: Query, public_only: bool = False,
              find: Bracket = bracket) -> Plan:
    """Resolve the query's filters and build its MATCH string (`public_only`: leave out clips
    of entries that are not published; `find`: `bracket`, or one that remembers answers)."""
    atoms = query.atoms()
    words = [index_form(a.text) for a in atoms if isinstance(a, Word)]
    bi = any(len(w) > 1 for w in words)
    lo, hi = _range(store, query, find)
    drafts = None
    if public_only:
        ids = [int(r[0]) for r in store.conn.execute(
            "SELECT id FROM entries WHERE status <> 'published' LIMIT ?", (MAX_DRAFTS + 1,))]
        drafts = tuple(ids) if len(ids) <= MAX_DRAFTS else None
    plan = Plan(
        table="search_bi" if bi else "search_uni", match="", lo=lo, hi=hi,
        exact=all(word_exact(a) for a in atoms if isinstance(a, Word)), public_only=public_only,
        tags={a.key: _tag_id(store, a.key) for a in atoms if isinstance(a, Tag)},
        sources={a.site: _source_ids(store, a.site) for a in atoms if isinstance(a, Source)},
        entries={a.ref: _entry_id(store, a.ref) for a in atoms if isinstance(a, EntryRef)},
        drafts=drafts,
    )
    match = _match(query.clauses, query.excluded, bi, plan)
    relaxed = None
    single = [c for c in query.clauses if len(c) == 1 and isinstance(c[0], Word)
              and len(index_form(c[0].text)) == 1 and not c[0].kana]
    if bi and single and len(single) < len(query.clauses):
        rest = tuple(c for c in query.clauses if c not in single)
        relaxed = Plan(plan.table, _match(rest, query.excluded, bi, plan), lo, hi, False,
                       public_only)
    return Plan(plan.table, match, lo, hi, plan.exact, public_only, plan.tags, plan.sources,
                plan.entries, relaxed, tuple(w.text for c in single if isinstance(w := c[0], Word)),
                drafts)


def _match(clauses: tuple[tuple[Atom, ...], ...], excluded: tuple[Atom, ...], bi: bool,
           plan: Plan) -> str:
    parts = ["(" + " OR ".join(_expr(a, bi, plan) for a in c) + ")" for c in clauses]
    many_drafts = plan.public_only and plan.drafts is None
    match = " AND ".join(parts + ([f'"{PUBLIC}"'] if many_drafts else [])) or f'"{ALL}"'
    # An inexact word stands for a superset of its matches: excluding that would drop clips
    # that do not contain the word, so such words are left to the caller's verification.
    kept = [a for a in excluded if not (isinstance(a, Word) and not word_exact(a))]
    out = [_expr(a, bi, plan) for a in kept]
    if plan.public_only and plan.drafts:
        out += [f'"{ENTRY}{eid}"' for eid in plan.drafts]
    if out:
        match = f"({match}) NOT (" + " OR ".join(out) + ")"
    return match


def _where(plan: Plan, lo: int | None = None) -> tuple[str, list[object]]:
    t = plan.table
    return (f"{t} MATCH ? AND {t}.rowid BETWEEN ? AND ?",
            [plan.match, plan.lo if lo is None else max(lo, plan.lo), plan.hi])


def count(store: Store, plan: Plan, lo: int | None = None) -> int:
    """How many rows match (from row id `lo` on, when given)."""
    where, args = _where(plan, lo)
    sql = f"SELECT count(*) FROM {plan.table} WHERE {where}"
    if lo is not None and store.dialect == "postgresql":
        sql += f" {WINDOW}"  # a range of the newest rows, as a window
    elif lo is not None:
        # A detail=none doclist counted over its newest rows is read from the end, without
        # the older rows.
        sql = f"SELECT count(*) FROM (SELECT {plan.table}.rowid FROM {plan.table} WHERE {where}" \
              " ORDER BY 1 DESC)"
    return int(store.conn.execute(sql, args).fetchone()[0])


def newest(store: Store, plan: Plan, limit: int, offset: int = 0) -> list[int]:
    """Matching row ids, newest first."""
    if store.dialect == "postgresql":
        return _newest_by_windows(store, plan, plan.hi, offset + limit)[offset:]
    where, args = _where(plan)
    return [int(r[0]) for r in store.conn.execute(
        f"SELECT rowid FROM {plan.table} WHERE {where} ORDER BY rowid DESC LIMIT ? OFFSET ?",
        [*args, limit, offset])]


# PostgreSQL: the first window of row ids searched for the newest n matches holds this many
# clips per match wanted (at least WINDOW_MIN); each next one is 4x wider.
WINDOW_PER_MATCH, WINDOW_MIN = 16, 2048
# Ends the statement of a window: PostgreSQL's dialect then says the match so that the planner
# intersects it with the window's range (`store/postgres/fts.match_condition`).
WINDOW = "/* row id window */"


def _newest_by_windows(store: Store, plan: Plan, hi: int, want: int,
                       chars: tuple[str, ...] = (), forms: dict[int, str] | None = None,
                       ) -> list[int]:
    """The newest `want` matches at or below `hi`, on PostgreSQL: GIN finds every candidate
    of a word however old, so its `ORDER BY ... LIMIT` read and checked all of them; a row id
    window (row ids follow the dates) lets the planner intersect the candidates with the
    window's primary key range first, and the window grows until `want` are found. With
    `chars` (folded), only clips holding each of them: substrings of the text form of
    `search_bi` (docs/search.md "PostgreSQL"), checked on the rows the plan finds. `forms`
    (a plan of `search_bi`): filled with the text form of each row found."""
    row = store.conn.execute("SELECT min(docid), max(docid) FROM search_docs").fetchone()
    if row[0] is None or want <= 0:
        return []
    first, hi = max(plan.lo, int(row[0])), min(hi, int(row[1]))
    t = plan.table
    held = "".join(" AND strpos(form, ?) > 0" for _ in chars)
    char_forms = [index_form(c) for c in chars]
    span = 2 * max(WINDOW_MIN, WINDOW_PER_MATCH * want)  # row ids are about 2 apart
    found: list[int] = []
    columns = "rowid, form" if forms is not None else "rowid"
    recent = store.recent_start()
    top = hi
    while len(found) < want and hi >= first:
        lo = max(first, hi - span)
        # A window across the start of the index of the newest clips is searched in two
        # parts: the newer one there (fewer postings to decode), the older one in the whole.
        parts = [(recent, hi), (lo, recent - 1)] if recent is not None and lo < recent <= hi \
            else [(lo, hi)]
        for low, high in parts:
            if len(found) >= want:
                break
            for r in store.conn.execute(
                    f"SELECT {columns} FROM {t} WHERE {t} MATCH ? AND {t}.rowid BETWEEN ? AND ?"
                    f"{held} ORDER BY rowid DESC LIMIT ? {WINDOW}",
                    (plan.match, low, high, *char_forms, want - len(found))):
                found.append(int(r[0]))
                if forms is not None:
                    forms[found[-1]] = str(r[1])
        # The next window holds as many clips as the matches still wanted need at the
        # density seen so far (and a quarter more), or 4x more without a match yet: a
        # rare word then takes one more window instead of two or three.
        hi = lo - 1
        span = (max(2 * WINDOW_MIN, (want - len(found)) * (top - hi) * 5 // (4 * len(found)))
                if found else span * 4)
    return found


def iter_newest(store: Store, plan: Plan, chunk: int = 2000) -> Iterator[list[int]]:
    """Every matching row id, newest first, in chunks."""
    hi = plan.hi
    while True:
        t = plan.table
        rows = [int(r[0]) for r in store.conn.execute(
            f"SELECT rowid FROM {t} WHERE {t} MATCH ? AND rowid BETWEEN ? AND ?"
            " ORDER BY rowid DESC LIMIT ?", (plan.match, plan.lo, hi, chunk))]
        if not rows:
            return
        yield rows
        hi = rows[-1] - 1


def all_rowids(store: Store, table: str, expr: str) -> Iterator[int]:
    """Every row id of `table` matching the FTS5 expression `expr`, ascending."""
    for (rowid,) in store.conn.execute(
            f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid", (expr,)):
        yield rowid


def nth_newest(store: Store, plan: Plan, hi: int, n: int) -> int | None:
    """The row id of the n-th newest match at or below `hi` (the oldest one when there are
    fewer; None when there is none). SQLite only (PostgreSQL: `_newest_by_windows`)."""
    t = plan.table
    row = store.conn.execute(
        f"SELECT min(rowid) FROM (SELECT rowid FROM {t} WHERE {t} MATCH ?"
        " AND rowid BETWEEN ? AND ? ORDER BY rowid DESC LIMIT ?)",
        (plan.match, plan.lo, hi, n)).fetchone()
    return None if row[0] is None else int(row[0])


def newest_holding(store: Store, plan: Plan, chars: tuple[str, ...], want: int) -> list[int]:
    """The newest `want` matches of `plan` (a query without its one-character words, which
    `search_bi` can only find as prefixes) whose clips hold every one of `chars` (folded).
    SQLite: the row id range that holds the newest candidates of the plan is intersected with
    the clips holding the characters (`search_uni` seeks to a range, where a prefix query
    reads whole doclists); the range grows fourfold each round until `want` are found.
    PostgreSQL: row id windows of the plan, the characters checked on its rows."""
    if store.dialect == "postgresql":
        return _newest_by_windows(store, plan, plan.hi, want, chars)
    found: list[int] = []
    hi, span = plan.hi, 2 * want
    while len(found) < want and hi >= plan.lo:
        lo = nth_newest(store, plan, hi, span)
        if lo is None:
            break
        found.extend(newest_with_chars(store, plan, chars, lo, hi))
        hi, span = lo - 1, span * 4
    return found[:want]


def newest_with_chars(store: Store, plan: Plan, chars: tuple[str, ...], lo: int, hi: int,
                      ) -> list[int]:
    """Row ids in [lo, hi], newest first, matching `plan` and holding every one of these
    (folded) characters: SQLite intersects both tables' doclists over the range (an INTERSECT
    in C, far faster than building Python sets)."""
    chars_match = " AND ".join(word_match(index_form(c), False) for c in chars)
    t = plan.table
    return [int(r[0]) for r in store.conn.execute(
        f"SELECT rowid FROM {t} WHERE {t} MATCH ? AND rowid BETWEEN ? AND ?"
        " INTERSECT SELECT rowid FROM search_uni WHERE search_uni MATCH ?"
        " AND rowid BETWEEN ? AND ? ORDER BY 1 DESC",
        (plan.match, lo, hi, chars_match, lo, hi))]


def facet_counts(store: Store, plan: Plan) -> tuple[Counter[int], Counter[int]]:
    """(matches per YYYYMM (0: undated), matches per tag id) over every match.

    SQLite groups by (month, tag list) so Python only splits the few distinct tag lists
    (counting row by row in Python took twice as long)."""
    where, args = _where(plan)
    return _facets(store.conn.execute(
        f"SELECT d.stamp / 100000000, d.tags, count(*) FROM {plan.table}"
        f" JOIN search_docs d ON d.docid = {plan.table}.rowid WHERE {where}"
        " GROUP BY 1, 2", args))


def facet_counts_of(store: Store, docids: list[int]) -> tuple[Counter[int], Counter[int]]:
    """`facet_counts` over these row ids."""
    return _facets(store.conn.execute(
        "SELECT stamp / 100000000, tags, count(*) FROM search_docs"
        " WHERE docid IN (SELECT value FROM json_each(?)) GROUP BY 1, 2", (ids_json(docids),)))


def all_docids(store: Store) -> Iterator[int]:
    """Every indexed clip's row id, ascending."""
    for (docid,) in store.conn.execute("SELECT docid FROM search_docs ORDER BY docid"):
        yield docid


def facts_between(store: Store, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """(row id, YYYYMM (0: undated), tag ids separated by spaces) of every indexed clip with
    lo <= row id <= hi, ascending."""
    return store.conn.execute(
        "SELECT docid, stamp / 100000000, tags FROM search_docs WHERE docid BETWEEN ? AND ?"
        " ORDER BY docid", (lo, hi)).fetchall()


def _facets(rows: Iterable[tuple[int, str, int]]) -> tuple[Counter[int], Counter[int]]:
    """Months and tag ids counted from (YYYYMM, tag list, count) groups."""
    months: Counter[int] = Counter()
    tags: Counter[int] = Counter()
    for ym, tag_text, n in rows:
        months[ym] += n
        for t in tag_text.split():
            tags[int(t)] += n
    return months, tags


def tag_names(store: Store, ids: list[int]) -> dict[int, tuple[str, str]]:
    """Tag id -> (key, display)."""
    return {int(r[0]): (str(r[1]), str(r[2])) for r in store.conn.execute(
        f"SELECT id, key, display FROM tags WHERE id IN ({placeholders(len(ids))})", ids)}


def fetch(store: Store, docids: list[int]) -> list[DocRow]:
    """The clips behind `docids`, in the same order (rows no longer present are left out)."""
    conn = store.conn
    found: dict[int, DocRow] = {}
    for i in range(0, len(docids), 500):
        chunk = docids[i:i + 500]
        q = placeholders(len(chunk))
        for r in conn.execute(
            "SELECT d.docid, d.clip_id, d.entry_id, d.stamp, d.source_id, d.public, d.tags,"
            " c.text, e.published,"
            " e.permalink, s.site FROM search_docs d JOIN clips c ON c.id = d.clip_id"
            " JOIN entries e ON e.id = d.entry_id LEFT JOIN sources s ON s.id = d.source_id"
            f" WHERE d.docid IN ({q})", chunk):
            found[r[0]] = DocRow(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[7], r[8], r[9],
                                 r[10], set(parse_tags(r[6])))
    return [found[d] for d in docids if d in found]


def texts(store: Store, docids: list[int]) -> dict[int, str]:
    """The clip text behind each of `docids` that is still present."""
    out: dict[int, str] = {}
    for i in range(0, len(docids), 500):
        chunk = docids[i:i + 500]
        out.update(store.conn.execute(
            "SELECT d.docid, c.text FROM search_docs d JOIN clips c ON c.id = d.clip_id"
            f" WHERE d.docid IN ({placeholders(len(chunk))})", chunk))
    return out


def folded_texts(store: Store, docids: list[int]) -> dict[int, str]:
    """The folded text (`fast_search_fold`) of each of `docids` still indexed. PostgreSQL reads
    them from `search_bi`'s text forms: one table, where SQLite's clip texts are a join."""
    if store.dialect != "postgresql":
        return {d: fast_search_fold(t) for d, t in texts(store, docids).items()}
    forms: dict[int, str] = {}
    for i in range(0, len(docids), 500):
        chunk = docids[i:i + 500]
        forms.update(store.conn.execute(
            f"SELECT rowid, form FROM search_bi WHERE rowid IN ({placeholders(len(chunk))})",
            chunk))
    return _unmapped(store, forms)


def _unmapped(store: Store, forms: dict[int, str]) -> dict[int, str]:
    """Folded texts from text forms; those a form cannot give (`LOSSY`) from the clip text."""
    out: dict[int, str] = {}
    lossy: list[int] = []
    for d, text in zip(forms, folded_of(list(forms.values())), strict=True):
        if text is None:
            lossy.append(d)
        else:
            out[d] = text
    if lossy:
        out.update((d, fast_search_fold(t)) for d, t in texts(store, lossy).items())
    return out


def newest_folded(store: Store, plan: Plan, n: int) -> tuple[list[int], dict[int, str]]:
    """The newest `n` matches of `plan` (without `relaxed`) and their folded texts, for ranking:
    on PostgreSQL, the texts come with the rows of the row id windows (no second read)."""
    if store.dialect == "postgresql" and plan.table == "search_bi":
        forms: dict[int, str] = {}
        ids = _newest_by_windows(store, plan, plan.hi, n, forms=forms)
        return ids, _unmapped(store, forms)
    ids = newest(store, plan, n)
    return ids, folded_texts(store, ids)


def add_display_tags(store: Store, rows: list[DocRow]) -> None:
    """Fill `tags` of each row with its group's tags as written, in order."""
    by_clip = {r.clip_id: r for r in rows}
    if not by_clip:
        return
    for cid, display in store.conn.execute(
        "SELECT c.id, gt.display FROM clips c JOIN tag_lines tl ON tl.group_id = c.group_id"
        " JOIN group_tags gt ON gt.tag_line_id = tl.id"
        f" WHERE c.id IN ({placeholders(len(by_clip))}) ORDER BY tl.pos, gt.pos", list(by_clip)):
        tags = by_clip[cid].tags
        if display not in tags:
            tags.append(display)


def corpus_stats(store: Store) -> tuple[int, int]:
    """(indexed clips, their folded characters)."""
    vals = dict(store.conn.execute(
        "SELECT key, CAST(value AS INTEGER) FROM search_meta WHERE key IN ('docs', 'chars')"))
    return int(vals.get("docs", 0)), int(vals.get("chars", 0))


def newest_floor(store: Store, n: int) -> int:
    """The row id of the n-th newest indexed clip (the lowest row id when there are fewer)."""
    row = store.conn.execute("SELECT docid FROM search_docs ORDER BY docid DESC LIMIT 1"
                             " OFFSET ?", (n - 1,)).fetchone()
    return int(row[0]) if row else MIN_ROWID


def word_plan(plan: Plan, word: Word) -> Plan:
    """A plan for `word` alone within `plan`'s range (for document frequencies)."""
    table = "search_bi" if len(index_form(word.text)) > 1 else "search_uni"
    return Plan(table, word_expr(word, False), plan.lo, plan.hi, plan.exact)


def generation(store: Store) -> tuple[int, int, int, int]:
    """(change count, clips, characters, last row id) of the index: equal means unchanged."""
    meta = dict(store.conn.execute(
        "SELECT key, value FROM search_meta WHERE key IN ('generation', 'docs', 'chars')"))
    last = store.conn.execute("SELECT max(docid) FROM search_docs").fetchone()[0]
    return (int(meta.get("generation", 0)), int(meta.get("docs", 0)), int(meta.get("chars", 0)),
            int(last or 0))


def all_facts(store: Store, base: int) -> tuple[str, str, str]:
    """Of every clip in row id order: row ids minus `base` and YYYYMM (0: undated), each
    comma-separated, and tag id lists (ids separated by spaces) separated by `|`."""
    row = store.conn.execute(
        "SELECT group_concat(d), group_concat(m), group_concat(t, '|') FROM (SELECT docid - ?"
        " AS d, stamp / 100000000 AS m, tags AS t FROM search_docs ORDER BY docid)",
        (base,)).fetchone()
    return str(row[0] or ""), str(row[1] or ""), str(row[2] or "")


def listed(store: Store, plan: Plan, base: int) -> str:
    """Every matching row id minus `base`, ascending, comma-separated: one value handed over
    from C (406,778 row ids: ~70 ms, where fetching them as rows took ~260 ms)."""
    where, args = _where(plan)
    t = plan.table
    row = store.conn.execute(
        f"SELECT group_concat(r) FROM (SELECT {t}.rowid - ? AS r FROM {t} WHERE {where}"
        f" ORDER BY {t}.rowid)", [base, *args]).fetchone()
    return str(row[0] or "")


def first_docid(store: Store) -> int:
    """The lowest row id in the index (0 when it is empty)."""
    return int(store.conn.execute("SELECT min(docid) FROM search_docs").fetchone()[0] or 0)
