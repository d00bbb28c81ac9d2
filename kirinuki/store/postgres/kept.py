"""Each searched word's row ids kept in a PostgreSQL journal, for every process and restart.

The web app keeps a word's row ids in memory (`search_postings.Postings`), a copy per process
and change mark; on PostgreSQL reading them from the index visits a heap page of `search_bi`
per match (docs/web.md, session 21). `search_kept` holds them as one value per word (table,
FTS5 expression), valid for a generation of the index: the first process to read a word reads
it for the others, and for itself after the next change. Every write to `search_bi` logs the row
ids it changed in `search_changed` (`LOG`: tagged with a generation above the one its
transaction started from, which the writers' lock makes the commit order); a word kept for an
older generation is brought up to date in the statement that reads it, by checking those rows
alone. Rows written without a log (a bulk import into empty tables, a reindex's delete of all
rows) raise the floor (`UNLOGGED`): words kept before it are read from the index again. The row
ids given are always the index's, as one statement sees it. `search_uni` takes the same row ids
in the same transactions as `search_bi`, so its words use the same log.

Raises JournalError when the server fails the read; a failed keep is left out (a read-only
server, a lock held by another process: the next read reads the index again).
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

import numpy as np

from kirinuki.errors import JournalError
from kirinuki.store.postgres.fts import match_condition

if TYPE_CHECKING:
    from kirinuki.store.postgres.connection import PgConnection

KEEP_MIN = 32  # matches a word needs to be kept: a rarer one is a short read of the index
MAX_IDS = 8_000_000  # row ids kept in all (64 MB), the least recently kept words out first
# The log keeps the changes of this many generations and at most about this many rows: a word
# kept before them is read from the index again (checking more changed rows costs about that).
KEEP_GENERATIONS = 1024
MAX_CHANGED = 20_000

_GENERATION = ("(SELECT coalesce(max(CAST(value AS BIGINT)), 0) FROM search_meta"
               " WHERE key = 'generation')")

# After a write to `search_bi` (%s: the row ids it wrote or deleted), as one message.
LOG = (
    f"INSERT INTO search_changed(generation, rowid) SELECT {_GENERATION} + 1,"
    " unnest(CAST(%s AS BIGINT[]));"
    " UPDATE search_kept_floor SET floor = f.floor FROM (SELECT greatest("
    f"{_GENERATION} + 1 - {KEEP_GENERATIONS}, (SELECT generation FROM search_changed"
    f" ORDER BY generation DESC OFFSET {MAX_CHANGED} LIMIT 1)) AS floor) AS f"
    " WHERE search_kept_floor.floor < f.floor;"
    " DELETE FROM search_changed WHERE generation <= (SELECT floor FROM search_kept_floor)")
# Before rows go into `search_bi` unlogged, or after all of them went.
UNLOGGED = (
    f"UPDATE search_kept_floor SET floor = greatest(floor, {_GENERATION} + 1);"
    " DELETE FROM search_changed WHERE generation <= (SELECT floor FROM search_kept_floor)")

# A word kept (its generation at least the floor), bumped to the front, and the oldest ones
# out past MAX_IDS or below the floor. Waits for another process's lock 0.2 s at most, and
# not for the disk: a copy lost in a crash is read from the index again.
_KEEP = (
    "SET LOCAL lock_timeout = 200; SET LOCAL synchronous_commit = off;"
    " INSERT INTO search_kept(tbl, expr, generation, n, ids) VALUES (%s, %s, %s, %s, %s)"
    " ON CONFLICT (tbl, expr) DO UPDATE SET generation = EXCLUDED.generation,"
    " n = EXCLUDED.n, ids = EXCLUDED.ids, kept_at = nextval('search_kept_at')"
    " WHERE search_kept.generation < EXCLUDED.generation;"
    " DELETE FROM search_kept WHERE generation < (SELECT floor FROM search_kept_floor)"
    " OR kept_at <= (SELECT kept_at FROM (SELECT kept_at, sum(n) OVER (ORDER BY kept_at DESC)"
    " AS total FROM search_kept) AS t WHERE total > %s ORDER BY kept_at DESC LIMIT 1)")


def _read(table: str, expr: str) -> str:
    """One statement (parameters: table, expression) giving the index's generation, the kept
    row ids and their generation (NULL when not kept or kept before the floor), the row ids
    changed since, those of them that match now, and, only when none is kept, every match."""
    cond = match_condition(expr, table)
    t = table
    return (
        f"WITH g AS (SELECT {_GENERATION} AS gen),"
        " k AS (SELECT generation, ids FROM search_kept, g WHERE tbl = %s AND expr = %s"
        " AND generation >= (SELECT floor FROM search_kept_floor) AND generation <= g.gen),"
        " c AS (SELECT DISTINCT rowid FROM search_changed, k"
        " WHERE search_changed.generation > k.generation)"
        " SELECT g.gen, k.generation, k.ids,"
        " (SELECT string_agg(int8send(rowid), ''::bytea) FROM c),"
        # The changed rows by row id, then checked (OFFSET 0: not the word's GIN candidates).
        f" (SELECT string_agg(int8send({t}.rowid), ''::bytea) FROM (SELECT * FROM {t}"
        f" WHERE rowid = ANY(ARRAY(SELECT rowid FROM c)) OFFSET 0) AS {t} WHERE {cond}),"
        # A condition on no row of this table: the scan runs only when nothing is kept.
        f" (SELECT string_agg(int8send({t}.rowid), ''::bytea) FROM {t}"
        f" WHERE NOT EXISTS (SELECT 1 FROM k) AND {cond})"
        " FROM g LEFT JOIN k ON TRUE")


def _ids(value: object) -> np.ndarray:
    """Row ids sent as 8-byte big-endian integers (`int8send`), as int64."""
    return np.frombuffer(bytes(value or b""), dtype=">i8").astype(np.int64)  # type: ignore[call-overload]


def word_rowids(conn: PgConnection, table: str, expr: str) -> np.ndarray:
    """Every row id of `table` matching the FTS5 expression `expr`, ascending (int64): the
    kept ones, brought up to date, or the index's (then kept, outside a transaction)."""
    # Bitmaps, not range scans, as every search statement (`PgConnection.execute`).
    cur = conn._run(f"SET LOCAL enable_indexscan = off; {_read(table, expr)};"
                    " SET LOCAL enable_indexscan = on", (table, expr))
    cur.nextset()
    row = cur.fetchone()
    assert row is not None  # one row always (g)
    generation, kept_at, kept, changed, matched, every = row
    if kept_at is None:
        ids = _ids(every)
        ids.sort()  # the server's bitmap scan gives them in the order of its pages
    elif kept_at == generation:
        return _ids(kept)
    else:
        ids = np.union1d(np.setdiff1d(_ids(kept), _ids(changed), assume_unique=True),
                         _ids(matched))
    if len(ids) >= KEEP_MIN and not conn.in_transaction:
        # Only a copy: when it cannot be kept, the index still answers.
        with suppress(JournalError):
            conn._run(_KEEP, (table, expr, int(generation), len(ids),
                              ids.astype(">i8").tobytes(), MAX_IDS))
    return ids
