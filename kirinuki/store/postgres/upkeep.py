"""A PostgreSQL journal's upkeep after a big write (an import, a copy, a reindex): statistics
for the planner, and the GIN indexes of the newest clips (docs/search.md "PostgreSQL"). Call
outside a transaction; raises JournalError when the server fails.
"""

from __future__ import annotations

from kirinuki.errors import JournalBusyError
from kirinuki.store.postgres.connection import INDEX_BUILD_MEMORY, PgConnection
from kirinuki.store.postgres.dialect import SEARCH_TABLES
from kirinuki.store.sqlite.search_query import RECENT_START, recent_start_of

VACUUM_AFTER_ROWS = 20_000  # rows written before `release_free_pages` brings statistics up
# The recent GIN indexes (`keep_recent`) cover at least the newest this many clips, and are
# made again once they cover more than twice as many.
RECENT_CLIPS = 50_000
# ... and are made only in a journal of more clips than this: in a smaller one the whole index
# is at most 4x theirs, and building them cost a third of a 10k-entry import's server time.
RECENT_AFTER = 200_000


def release_free_pages(conn: PgConnection) -> None:
    """VACUUM ANALYZE the journal's tables once `VACUUM_AFTER_ROWS` rows were written, so the
    planner knows the new rows (a newest-first search otherwise took a plan 10x slower) and
    the GIN indexes' pending entries are merged; then `keep_recent`."""
    if conn.rows_written < VACUUM_AFTER_ROWS or conn.in_transaction:
        return
    conn.rows_written = 0
    for table in sorted(tables(conn) - {"kirinuki_schema", "kirinuki_changes"}):
        conn._run(f'VACUUM (ANALYZE) "{table}"')
    keep_recent(conn)


def keep_recent(conn: PgConnection) -> None:
    """Give each search table a GIN index of its newest clips only (`<table>_recent`, a
    partial index from a row id on): a search of a row id window among them (the newest
    matches, the document frequencies of a two-word query) then decodes the postings of those
    clips instead of the whole journal's. Made when the journal holds more than `RECENT_AFTER`
    clips (and `RECENT_CLIPS`), from the `RECENT_CLIPS`th newest, and again, from a later row
    id, once the clips written since make it cover more than twice as many. Any row id gives
    the same answers: the planner uses the index only for ranges inside it."""
    big = conn._run("SELECT 1 FROM search_docs ORDER BY docid DESC LIMIT 1 OFFSET %s",
                    (RECENT_AFTER,)).fetchone()
    row = conn._run("SELECT docid FROM search_docs ORDER BY docid DESC LIMIT 1 OFFSET %s",
                    (RECENT_CLIPS - 1,)).fetchone()
    if big is None or row is None:
        return  # a small journal: the whole index is small too
    start = recent_start(conn)
    if start is not None:
        covered = conn._run("SELECT count(*) FROM search_docs WHERE docid >= %s",
                            (start,)).fetchone()
        if covered is not None and int(covered[0]) <= 2 * RECENT_CLIPS:
            return
    try:
        conn.execute("BEGIN IMMEDIATE")  # the writers' lock: one process makes them
    except JournalBusyError:
        return  # another process is writing: a later upkeep makes them
    try:
        # Built under a new name, then swapped in: searches go on meanwhile (the build only
        # holds off writes), and wait only for the swap.
        for table in SEARCH_TABLES:
            conn._run(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
            conn._run(f"DROP INDEX IF EXISTS {table}_recent_new")
            conn._run(f"CREATE INDEX {table}_recent_new ON {table} USING gin(body)"
                      f" WHERE rowid >= {int(row[0])}")
            conn._run(f"DROP INDEX IF EXISTS {table}_recent")
            conn._run(f"ALTER INDEX {table}_recent_new RENAME TO {table}_recent")
    except BaseException:
        conn._run("ROLLBACK")
        raise
    conn._run("COMMIT")


def recent_start(conn: PgConnection) -> int | None:
    """The first row id `search_bi_recent` covers (None: there is no such index)."""
    row = conn._run(RECENT_START).fetchone()
    return recent_start_of(row[0] if row is not None else None)


def tables(conn: PgConnection) -> set[str]:
    """The names of the tables in the journal's schema."""
    return {str(r[0]) for r in conn._run(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}
