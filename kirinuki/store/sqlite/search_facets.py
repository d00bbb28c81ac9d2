"""Counting facets from the search index: months and tag ids over every match of a `Plan` or
over given row ids, tag names, and the facet columns' input (every clip's month and tags, every
match's row id as one string) for `journal/search_facts.py`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np

from kirinuki.store.sqlite.db import Store, placeholders
from kirinuki.store.sqlite.entry_loading import ids_json
from kirinuki.store.sqlite.search_plan import MAX_ROWID, MIN_ROWID, Plan
from kirinuki.store.sqlite.search_query import match_where


def facet_counts(store: Store, plan: Plan) -> tuple[Counter[int], Counter[int]]:
    """(matches per YYYYMM (0: undated), matches per tag id) over every match.

    SQLite groups by (month, tag list) so Python only splits the few distinct tag lists
    (counting row by row in Python took twice as long)."""
    where, args = match_where(plan)
    return _facets(store.conn.execute(
        f"SELECT d.stamp / 100000000, d.tags, count(*) FROM {plan.table}"
        f" JOIN search_docs d ON d.docid = {plan.table}.rowid WHERE {where}"
        " GROUP BY 1, 2", args))


def facet_counts_of(store: Store, docids: list[int]) -> tuple[Counter[int], Counter[int]]:
    """`facet_counts` over these row ids."""
    return _facets(store.conn.execute(
        "SELECT stamp / 100000000, tags, count(*) FROM search_docs"
        " WHERE docid IN (SELECT value FROM json_each(?)) GROUP BY 1, 2", (ids_json(docids),)))


def all_docids(store: Store) -> np.ndarray:
    """Every indexed clip's row id, ascending (int64)."""
    if store.dialect == "postgresql":
        # As one value of 8-byte integers, as `store/postgres/kept.py` reads a word's.
        row = store.conn.execute("SELECT string_agg(int8send(docid), ''::bytea ORDER BY docid)"
                                 " FROM search_docs").fetchone()
        return np.frombuffer(bytes(row[0] or b""), dtype=">i8").astype(np.int64)
    return np.fromiter((r[0] for r in store.conn.execute(
        "SELECT docid FROM search_docs ORDER BY docid")), dtype=np.int64)


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
    """Every matching row id minus `base`, comma-separated, in the order the index yields them
    (ascending on SQLite; callers sort them when not): one value handed over from C (406,778
    row ids: ~70 ms, where fetching them as rows took ~260 ms). No ORDER BY: FTS5 yields row
    ids ascending, and the subquery that asked for it cost ~15% of this statement."""
    where, args = match_where(plan)
    t = plan.table
    if (plan.lo, plan.hi) == (MIN_ROWID, MAX_ROWID) and store.dialect != "postgresql":
        # No dates: a range of every row id costs SQLite ~10% more than none.
        where, args = f"{t} MATCH ?", [plan.match]
    row = store.conn.execute(f"SELECT group_concat({t}.rowid - ?) FROM {t} WHERE {where}",
                             [base, *args]).fetchone()
    return str(row[0] or "")


def first_docid(store: Store) -> int:
    """The lowest row id in the index (0 when it is empty)."""
    return int(store.conn.execute("SELECT min(docid) FROM search_docs").fetchone()[0] or 0)
