"""Finding the matches of a `Plan` (`search_plan.py`) in the search index: the exact count, the
newest matches (row id windows on PostgreSQL), every match newest first in chunks, and the
newest matches of a query whose one-character words are intersected apart.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from kirinuki.store.sqlite.db import Store, placeholders
from kirinuki.store.sqlite.search import META_KEYS
from kirinuki.store.sqlite.search import read_meta as index_meta
from kirinuki.store.sqlite.search_plan import MIN_ROWID, Plan
from kirinuki.store.sqlite.search_tokens import index_form, word_match


def match_where(plan: Plan, lo: int | None = None) -> tuple[str, list[object]]:
    t = plan.table
    return (f"{t} MATCH ? AND {t}.rowid BETWEEN ? AND ?",
            [plan.match, plan.lo if lo is None else max(lo, plan.lo), plan.hi])


def count(store: Store, plan: Plan, lo: int | None = None) -> int:
    """How many rows match (from row id `lo` on, when given)."""
    where, args = match_where(plan, lo)
    sql = f"SELECT count(*) FROM {plan.table} WHERE {where}"
    if lo is not None and store.dialect == "postgresql":
        sql += f" {WINDOW}"  # a range of the newest rows, as a window
    elif lo is not None:
        # A detail=none doclist counted over its newest rows is read from the end, without
        # the older rows.
        sql = f"SELECT count(*) FROM (SELECT {plan.table}.rowid FROM {plan.table} WHERE {where}" \
              " ORDER BY 1 DESC)"
    return int(store.conn.execute(sql, args).fetchone()[0])


def counts(store: Store, plans: list[Plan], lo: int) -> list[int]:
    """How many rows each plan matches from row id `lo` on (the document frequencies of a
    query's words): on PostgreSQL in one statement (a round trip per word otherwise), on
    SQLite one `count` each."""
    if store.dialect != "postgresql" or len(plans) < 2:
        return [count(store, plan, lo) for plan in plans]
    parts: list[str] = []
    args: list[object] = []
    for plan in plans:
        where, more = match_where(plan, lo)
        parts.append(f"(SELECT count(*) FROM {plan.table} WHERE {where})")
        args += more
    row = store.conn.execute(f"SELECT {', '.join(parts)} {WINDOW}", args).fetchone()
    return [int(value) for value in row]


def newest(store: Store, plan: Plan, limit: int, offset: int = 0, ends: Ends | None = None,
           ) -> list[int]:
    """Matching row ids, newest first (`ends`: see `newest_by_windows`)."""
    if store.dialect == "postgresql":
        return newest_by_windows(store, plan, plan.hi, offset + limit, ends=ends)[offset:]
    where, args = match_where(plan)
    return [int(r[0]) for r in store.conn.execute(
        f"SELECT rowid FROM {plan.table} WHERE {where} ORDER BY rowid DESC LIMIT ? OFFSET ?",
        [*args, limit, offset])]


# PostgreSQL: the predicate of `search_bi_recent`, the GIN index of the newest clips
# (`store/postgres/upkeep.keep_recent`): NULL when there is none.
RECENT_START = ("SELECT pg_get_expr(x.indpred, x.indrelid) FROM pg_index x"
                " JOIN pg_class i ON i.oid = x.indexrelid"
                " WHERE x.indrelid = 'search_bi'::regclass AND i.relname = 'search_bi_recent'")


def recent_start_of(predicate: object) -> int | None:
    """The first row id a recent index covers, from its predicate (`RECENT_START`)."""
    found = re.search(r"-?\d+", str(predicate)) if predicate is not None else None
    return int(found.group()) if found else None


# PostgreSQL: the first window of row ids searched for the newest n matches holds this many
# clips per match wanted (at least WINDOW_MIN); each next one is 4x wider.
WINDOW_PER_MATCH, WINDOW_MIN = 16, 2048
# Ends the statement of a window: PostgreSQL's dialect then says the match so that the planner
# intersects it with the window's range (`store/postgres/fts.match_condition`).
WINDOW = "/* row id window */"


@dataclass(frozen=True)
class Ends:
    """Where a PostgreSQL search's row id windows run (`read_meta`): the first and the last
    row id of the index (None: it is empty), the first row id of its recent indexes (None:
    none), and the row id of the `DF_SAMPLE`th newest clip (`newest_floor`; None: not read)."""

    first: int | None
    last: int | None
    recent: int | None
    floor: int | None = None
    # The matches of each plan `read_meta` was asked to count, from row id `counted_from` on
    # (None: not counted there; `counts` then does).
    counts: tuple[int, ...] | None = None
    counted_from: int | None = None


# What `read_meta` read of the index for several words' document frequencies, per store: the
# index's generation, `floor_at`, and the first, the last and the `floor_at`th newest row id.
# While the generation stays (every change of the index bumps it, in the transaction that
# changes it), they stay too: the statement then counts the words' matches from that floor
# instead of reading them again (the floor is an index scan of DF_SAMPLE entries).
_kept: weakref.WeakKeyDictionary[Store, tuple[str, int, int | None, int | None, int | None]] = \
    weakref.WeakKeyDictionary()
_GENERATION = "(SELECT max(value) AS value FROM search_meta WHERE key = 'generation') g"


def _int(value: object) -> int | None:
    return None if value is None else int(str(value))


def read_meta(store: Store, floor_at: int = 0, counted: Sequence[Plan] = (),
              ) -> tuple[dict[str, object], Ends | None]:
    """The index's bookkeeping (as `search.read_meta`) and, on PostgreSQL, its `Ends` (with
    the row id of the `floor_at`th newest clip when `floor_at` > 0), in one statement: each
    statement is a round trip to the server, and on a loaded machine a wait for its turn.
    `counted`: plans whose matches from that row id on are counted in the same statement
    when it is known from an earlier search of the unchanged index (`Ends.counts`); after a
    change, a second statement reads the ends again."""
    if store.dialect != "postgresql":
        return index_meta(store), None
    kept = _kept.get(store) if floor_at > 0 else None
    if kept is not None and kept[1] == floor_at and counted:
        # The floor is a constant of the statement: the planner takes the index of the
        # newest clips for the counts.
        start = kept[4] if kept[4] is not None else MIN_ROWID
        columns, args = [], []
        for plan in counted:
            where, more = match_where(plan, start)
            columns.append(f"(SELECT CASE WHEN g.value = ? THEN (SELECT count(*) FROM"
                           f" {plan.table} WHERE {where}) END FROM {_GENERATION})")
            args += [kept[0], *more]
        rows = store.conn.execute(
            f"SELECT m.key, m.value, ({RECENT_START}), e.* FROM (SELECT {', '.join(columns)}) e"
            f" LEFT JOIN search_meta m ON m.key IN ({placeholders(len(META_KEYS) + 1)})"
            f" {WINDOW}", [*args, *META_KEYS, "generation"]).fetchall()
        meta = {r[0]: r[1] for r in rows if r[0] is not None}
        if str(meta.pop("generation", "")) == kept[0]:
            return meta, Ends(kept[2], kept[3], recent_start_of(rows[0][2]), kept[4],
                              tuple(int(n) for n in rows[0][3:]), start)
        del _kept[store]  # the index changed: read its ends again
    floor = ("(SELECT docid FROM search_docs ORDER BY docid DESC LIMIT 1 OFFSET ?)"
             if floor_at > 0 else "NULL")
    rows = store.conn.execute(
        f"SELECT m.key, m.value, e.lo, e.hi, e.recent, e.floor FROM (SELECT min(docid) AS lo,"
        f" max(docid) AS hi, ({RECENT_START}) AS recent, {floor} AS floor FROM search_docs) e"
        f" LEFT JOIN search_meta m ON m.key IN ({placeholders(len(META_KEYS) + 1)})",
        [*([floor_at - 1] if floor_at > 0 else []), *META_KEYS, "generation"]).fetchall()
    first, last, at = _int(rows[0][2]), _int(rows[0][3]), _int(rows[0][5])
    meta = {r[0]: r[1] for r in rows if r[0] is not None}
    generation = str(meta.pop("generation", ""))
    if floor_at > 0 and generation and not store.conn.in_transaction:
        # Not inside a transaction: one that rolls back would leave a generation another
        # writer may count again for other rows.
        _kept[store] = (generation, floor_at, first, last, at)
    return meta, Ends(first, last, recent_start_of(rows[0][4]), at)


def read_ends(store: Store) -> Ends:
    """The `Ends` of the index, without the bookkeeping (PostgreSQL)."""
    row = store.conn.execute(f"SELECT min(docid), max(docid), ({RECENT_START}) FROM search_docs"
                             ).fetchone()
    return Ends(None if row[0] is None else int(row[0]), None if row[1] is None else int(row[1]),
                recent_start_of(row[2]))


def newest_by_windows(store: Store, plan: Plan, hi: int, want: int,
                      chars: tuple[str, ...] = (), forms: dict[int, str] | None = None,
                      ends: Ends | None = None) -> list[int]:
    """The newest `want` matches at or below `hi`, on PostgreSQL: GIN finds every candidate
    of a word however old, so its `ORDER BY ... LIMIT` read and checked all of them; a row id
    window (row ids follow the dates) lets the planner intersect the candidates with the
    window's primary key range first, and the window grows until `want` are found. With
    `chars` (folded), only clips holding each of them: substrings of the text form of
    `search_bi` (docs/search.md "PostgreSQL"), checked on the rows the plan finds. `forms`:
    filled with the text form of each row found (`search_bi`'s, also for a plan of
    `search_uni`). `ends`: as read with the index's bookkeeping (else read here)."""
    ends = read_ends(store) if ends is None else ends
    if ends.first is None or ends.last is None or want <= 0:
        return []
    first, hi = max(plan.lo, ends.first), min(hi, ends.last)
    t = plan.table
    held = "".join(" AND strpos(form, ?) > 0" for _ in chars)
    char_forms = [index_form(c) for c in chars]
    span = 2 * max(WINDOW_MIN, WINDOW_PER_MATCH * want)  # row ids are about 2 apart
    found: list[int] = []
    columns = "rowid, form" if forms is not None else "rowid"
    sql = (f"SELECT {columns} FROM {t} WHERE {t} MATCH ? AND {t}.rowid BETWEEN ? AND ?"
           f"{held} ORDER BY rowid DESC LIMIT ? {WINDOW}")
    if forms is not None and t != "search_bi":
        # The forms of a `search_uni` window (a one-character word) from `search_bi` in the
        # same statement: a second read by row id was a round trip and 400 parameters more.
        sql = (f"SELECT rowid, form FROM search_bi WHERE rowid = ANY(ARRAY(SELECT {t}.rowid"
               f" FROM {t} WHERE {t} MATCH ? AND {t}.rowid BETWEEN ? AND ?{held}"
               f" ORDER BY {t}.rowid DESC LIMIT ?)) ORDER BY rowid DESC {WINDOW}")
    recent = ends.recent
    held_match = f"({plan.match}) AND " + " AND ".join(f'"{c}"*' for c in char_forms)
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
            # Inside the recent indexes, GIN is also asked for the characters (as prefixes of
            # `search_bi`'s tokens: every character of a form starts one): the candidates are
            # then the clips holding all of them, not every clip of the plan's words, each a
            # heap page to visit. Across the whole index a prefix merges the postings of every
            # token it starts, many times the work (figures: docs/search.md "PostgreSQL").
            inside = recent is not None and low >= recent and t == "search_bi"
            match = held_match if chars and inside else plan.match
            for r in store.conn.execute(sql, (match, low, high, *char_forms,
                                               want - len(found))):
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


def all_rowids(store: Store, table: str, expr: str) -> np.ndarray:
    """Every row id of `table` matching the FTS5 expression `expr`, ascending (int64)."""
    kept = store.kept_rowids(table, expr)
    if kept is not None:  # PostgreSQL: the journal's kept words (`store/postgres/kept.py`)
        return kept  # type: ignore[no-any-return]
    return np.fromiter((r[0] for r in store.conn.execute(
        f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid", (expr,))),
        dtype=np.int64)


def nth_newest(store: Store, plan: Plan, hi: int, n: int) -> int | None:
    """The row id of the n-th newest match at or below `hi` (the oldest one when there are
    fewer; None when there is none). SQLite only (PostgreSQL: `newest_by_windows`)."""
    t = plan.table
    row = store.conn.execute(
        f"SELECT min(rowid) FROM (SELECT rowid FROM {t} WHERE {t} MATCH ?"
        " AND rowid BETWEEN ? AND ? ORDER BY rowid DESC LIMIT ?)",
        (plan.match, plan.lo, hi, n)).fetchone()
    return None if row[0] is None else int(row[0])


def newest_holding(store: Store, plan: Plan, chars: tuple[str, ...], want: int,
                   ends: Ends | None = None) -> list[int]:
    """The newest `want` matches of `plan` (a query without its one-character words, which
    `search_bi` can only find as prefixes) whose clips hold every one of `chars` (folded).
    SQLite: the row id range that holds the newest candidates of the plan is intersected with
    the clips holding the characters (`search_uni` seeks to a range, where a prefix query
    reads whole doclists); the range grows fourfold each round until `want` are found.
    PostgreSQL: row id windows of the plan, the characters checked on its rows (`ends`: see
    `newest_by_windows`)."""
    if store.dialect == "postgresql":
        return newest_by_windows(store, plan, plan.hi, want, chars, ends=ends)
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



def corpus_stats(meta: dict[str, object]) -> tuple[int, int]:
    """(indexed clips, their folded characters) from the index's bookkeeping
    (`search.read_meta`, read once with the staleness check: on PostgreSQL each read is a
    round trip)."""
    return int(str(meta.get("docs", 0))), int(str(meta.get("chars", 0)))


def newest_floor(store: Store, n: int) -> int:
    """The row id of the n-th newest indexed clip (the lowest row id when there are fewer)."""
    row = store.conn.execute("SELECT docid FROM search_docs ORDER BY docid DESC LIMIT 1"
                             " OFFSET ?", (n - 1,)).fetchone()
    return int(row[0]) if row else MIN_ROWID

