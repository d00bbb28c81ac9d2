"""Opening a journal kept in PostgreSQL: pooled connections, migrations, transactions.

`PgStore` is a `Store` whose connection speaks the sqlite3 interface the entity modules use
(`execute`, `executemany`, `in_transaction`) and translates their SQL (`dialect`). A write
transaction takes a transaction-scoped advisory lock, so writers follow one another as they do
under SQLite's `BEGIN IMMEDIATE` (the id reservation of `ids.py` relies on it) and readers
never wait. Errors of the driver become `JournalError` with one line.
"""

from __future__ import annotations

import re
import threading
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import psycopg
from psycopg import ClientCursor
from psycopg.adapt import Loader
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool

from kirinuki.errors import JournalBusyError, JournalError, SchemaTooNewError
from kirinuki.store.postgres.dialect import SEARCH_TABLES, Statement, render, translate
from kirinuki.store.postgres.inserts import Copy, copy_shape, multi_row
from kirinuki.store.postgres.migrations import BOOKKEEPING, MIGRATIONS
from kirinuki.store.postgres.sender import Sender
from kirinuki.store.sqlite.db import Store

APP = "kirinuki"
SCHEMA_VERSION = len(MIGRATIONS)
BUSY_MS = 5000
ROWS_PER_STATEMENT = 1000  # rows of one multi-row INSERT
INDEX_BUILD_MEMORY = "256MB"  # maintenance_work_mem of a GIN index built after a bulk import
VACUUM_AFTER_ROWS = 20_000  # rows written before `release_free_pages` brings statistics up
# The recent GIN indexes (`PgStore.keep_recent`) cover at least the newest this many clips, and
# are made again once they cover more than twice as many.
RECENT_CLIPS = 50_000
WRITES_AHEAD = 32  # bulk writes (one `executemany` each) queued before the caller waits

_pools: dict[str, ConnectionPool] = {}
_pools_lock = threading.Lock()


def is_url(path: str) -> bool:
    """Whether `path` names a PostgreSQL journal (`postgresql://…` or `postgres://…`)."""
    return path.startswith(("postgresql://", "postgres://"))


def shown(url: str) -> str:
    """The URL without a password, for messages."""
    return re.sub(r"//([^:/@]*):[^@/]*@", r"//\1@", url)


def pg_error(exc: psycopg.Error, url: str) -> JournalError:
    """What a driver error means for the user of the journal at `url`, as one line."""
    where = shown(url)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, psycopg.errors.LockNotAvailable | psycopg.errors.QueryCanceled):
        return JournalBusyError(f"{where}: the journal is busy: another kirinuki process is writing"
                            " to it; try again when it has finished")
    if isinstance(exc, psycopg.IntegrityError):
        return JournalError(f"{where}: the journal refused a write ({text}); nothing was written")
    if isinstance(exc, psycopg.OperationalError):
        return JournalError(f"{where}: cannot use the PostgreSQL journal ({text})")
    return JournalError(f"{where}: the PostgreSQL journal failed ({text})")


def _lock_key(url: str) -> int:
    """The advisory lock of this journal's writers (one per database and schema)."""
    return zlib.crc32(url.encode()) - (1 << 31)


class PgConnection:
    """A psycopg connection with the part of sqlite3.Connection's interface the store uses."""

    def __init__(self, raw: psycopg.Connection[Any], url: str) -> None:
        self.raw = raw
        self.url = url
        self.lock_key = _lock_key(url)
        self.wrote = False
        self.rows_written = 0  # by executemany, since the last `PgStore.release_free_pages`
        self.bulk = False  # `PgStore.set_bulk`
        # GIN indexes dropped by this transaction, made again before it commits (`_defer_index`).
        self.deferred: dict[str, str] = {}
        self.checked: set[str] = set()  # tables `_defer_index` looked at in this transaction
        self.emptied: set[str] = set()  # tables `_defer_index` truncated in this transaction
        self.sender = Sender(WRITES_AHEAD)  # a bulk import's writes (`executemany`)

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def _run(self, sql: str, args: Sequence[object] | None = None) -> psycopg.Cursor[Any]:
        if self.sender.busy:  # the writes sent before this statement come first
            self.sender.wait()
        return self._now(sql, args)

    def _now(self, sql: str, args: Sequence[object] | None = None) -> psycopg.Cursor[Any]:
        cur = self.raw.cursor()
        try:
            cur.execute(sql, args)
        except psycopg.Error as exc:
            raise pg_error(exc, self.url) from exc
        return cur

    def execute(self, sql: str, params: Sequence[object] = ()) -> psycopg.Cursor[Any]:
        """Run one statement written for SQLite; returns the cursor (rows as tuples)."""
        head = sql.lstrip()[:16].upper()
        if head.startswith("BEGIN"):
            self._run("BEGIN")
            self.wrote = False
            self.deferred, self.checked, self.emptied = {}, set(), set()
            try:
                self._run("SELECT pg_advisory_xact_lock(%s)", (self.lock_key,))
            except JournalError:  # busy: leave no transaction open behind the error
                self._run("ROLLBACK")
                raise
            return self._run("SELECT 0")
        if head.startswith("COMMIT"):
            try:
                self.sender.wait()
            except BaseException:  # a write failed: the transaction is aborted, end it
                self.execute("ROLLBACK")
                raise
            if self.deferred:
                self._run(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
                for definition in self.deferred.values():
                    self._run(definition)
                self.deferred = {}
            if self.wrote:
                self._run("UPDATE kirinuki_changes SET n = n + 1")
            return self._run("COMMIT")
        if head.startswith("ROLLBACK"):
            self.sender.close()  # their errors no longer matter: all is rolled back
            self.deferred = {}  # the DROP INDEX is rolled back with the rest
            return self._run("ROLLBACK")
        st = translate(sql)
        if not st.noop and not head.startswith("SELECT"):
            self._wrote()
        if not st.matches:
            return self._run(st.sql, _args(st, params))
        # A search reads the GIN index's candidates as a bitmap, ANDed with the primary key's
        # row id range: with a plain index scan over the range instead (which the planner
        # prefers, not knowing that each row's check reads its `tsvector` from TOAST), a
        # window of the newest clips was many times slower (figures: docs/search.md).
        cur = self._run(f"SET LOCAL enable_indexscan = off; {render(st, params)};"
                        " SET LOCAL enable_indexscan = on", _args(st, params))
        cur.nextset()
        return cur

    def _wrote(self) -> None:
        if self.in_transaction:
            self.wrote = True
        else:  # a write on its own commits at once: count it as a change now
            self._run("UPDATE kirinuki_changes SET n = n + 1")

    def executemany(self, sql: str, rows: Any) -> None:
        """Run one statement written for SQLite for each row; plain INSERTs go in by COPY or
        as multi-row statements (one round trip per 1,000 rows instead of one per row). In a
        bulk import they are sent on the writes' thread (`sender`): an error of the server
        is then raised by the next statement, or at the latest by COMMIT."""
        st = translate(sql)
        if st.noop:
            return
        self._wrote()
        args = [_args(st, r) for r in rows]
        if not args:
            return
        self.rows_written += len(args)
        if self.bulk and self.in_transaction:
            self.sender.send(lambda: self._write(st, args))
        else:
            self._write(st, args)

    def _write(self, st: Statement, rows: list[list[object]]) -> None:
        shape = multi_row(st.sql)
        cur = self.raw.cursor()
        copy = copy_shape(st.sql)
        try:
            if copy is not None:
                self._copy(cur, copy, rows)
                return
            if shape is None:
                with self.raw.pipeline():
                    cur.executemany(st.sql, rows)
                return
            if shape.keys:  # the last row of each key replaces the earlier ones: only it goes in
                rows = list({tuple(r[i] for i in shape.keys): r for r in rows}.values())
            assert isinstance(cur, ClientCursor)
            for i in range(0, len(rows), ROWS_PER_STATEMENT):
                values = ",".join(cur.mogrify(shape.template, r)
                                  for r in rows[i:i + ROWS_PER_STATEMENT])
                cur.execute(f"{shape.head} {values} {shape.tail}")  # no parameters: `%` is plain
        except psycopg.Error as exc:
            raise pg_error(exc, self.url) from exc

    def _copy(self, cur: psycopg.Cursor[Any], shape: Copy, rows: list[list[object]]) -> None:
        """Rows of a plain INSERT by COPY (no SQL text to build and parse per row); into a
        search table emptied by this transaction, frozen (`_defer_index`)."""
        if shape.table in SEARCH_TABLES:
            self._defer_index(shape.table)
        frozen = " (FREEZE)" if shape.table in self.emptied else ""
        with cur.copy(f"COPY {shape.table} ({shape.columns}) FROM STDIN{frozen}") as out:
            for row in rows:
                out.write_row(row)

    def _defer_index(self, table: str) -> None:
        """In a bulk import into an empty search table, drop its GIN index until the commit:
        built once from all rows, it costs a fraction of the inserts into it row by row
        (docs/search.md "PostgreSQL"). The table is truncated too, so its rows go in frozen
        and visible to all (COPY FREEZE): no VACUUM has to visit them after. Both are part of
        the transaction (rolled back with it); until the commit, other connections' searches
        wait for the table."""
        if not self.bulk or not self.in_transaction or table in self.checked:
            return
        self.checked.add(table)
        row = self._now(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()
        if row is None or row[0]:
            return
        self._now(f"TRUNCATE {table}")
        self.emptied.add(table)
        # Not from `pg_indexes`: filtering its text, the server may make the definition of
        # another schema's index while that one is dropped, and fail.
        for name, definition in self._now(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
                " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am a ON a.oid = i.relam"
                " WHERE x.indrelid = %s::regclass AND a.amname = 'gin'", (table,)).fetchall():
            self._now(f'DROP INDEX "{name}"')
            self.deferred[name] = definition

    def executescript(self, script: str) -> None:
        """Run several statements (migrations) at once."""
        self._run(script)

    def close(self) -> None:
        """Give the connection back to its pool (rolled back if a transaction is open)."""
        self.sender.close()
        pool = _pools.get(self.url)
        if pool is not None:
            pool.putconn(self.raw)
        else:
            self.raw.close()


def _args(st: Statement, params: Sequence[object]) -> list[object]:
    if st.in_order and len(params) == len(st.converts):  # most rows of a bulk write
        return [int(v) if v.__class__ is bool else v for v in params]  # 0/1, as in SQLite
    out: list[object] = []
    for index, conv in st.converts:
        value = params[index]
        if conv is not None:
            value = conv(value)
        elif isinstance(value, bool):
            value = int(value)  # stored as 0/1, as in SQLite
        out.append(value)
    return out


class PgStore(Store):
    """A journal in PostgreSQL (see the module docstring)."""

    conn: PgConnection  # type: ignore[assignment]
    dialect = "postgresql"

    @contextmanager
    def waiting(self, seconds: float) -> Iterator[None]:
        """Wait up to `seconds` (instead of 5) for another process's write to finish."""
        self.conn.raw.execute(f"SET lock_timeout = {int(seconds * 1000)}")
        try:
            yield
        finally:
            self.conn.raw.execute(f"SET lock_timeout = {BUSY_MS}")

    def _begin_snapshot(self) -> None:
        # Without the writers' advisory lock: a snapshot never waits for them. Read-only
        # REPEATABLE READ sees one state for all its statements and cannot fail to serialize.
        self.conn._run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def _end_snapshot(self) -> None:
        self.conn._run("COMMIT")  # not `execute`: nothing was written, nothing to count

    def map_memory(self, on: bool) -> None:
        """Nothing to do: PostgreSQL has its own buffers."""
        self.mapped = on

    def set_bulk(self, on: bool) -> None:
        """Enter or leave a bulk import: the search tables' GIN indexes of an empty journal are
        then built at its commit (`PgConnection._defer_index`)."""
        super().set_bulk(on)
        self.conn.bulk = on

    def data_version(self) -> int:
        """A number that changes when a transaction that wrote commits (any process)."""
        row = self.conn._run("SELECT n FROM kirinuki_changes").fetchone()
        return int(row[0]) if row else 0

    def recent_start(self) -> int | None:
        """The first row id of the recent indexes (`keep_recent`; None: none yet)."""
        return recent_start(self.conn)

    def release_free_pages(self) -> None:
        """After a big write (an import, a reindex): VACUUM ANALYZE the journal's tables, so the
        planner knows the new rows (a newest-first search otherwise took a plan 10x slower)
        and the GIN indexes' pending entries are merged. Call outside a transaction."""
        conn = self.conn
        if conn.rows_written < VACUUM_AFTER_ROWS or conn.in_transaction:
            return
        conn.rows_written = 0
        for table in sorted(_tables(conn) - {"kirinuki_schema", "kirinuki_changes"}):
            conn._run(f'VACUUM (ANALYZE) "{table}"')
        self.keep_recent()

    def keep_recent(self) -> None:
        """Give each search table a GIN index of its newest clips only (`<table>_recent`, a
        partial index from a row id on): a search of a row id window among them (the newest
        matches, the document frequencies of a two-word query) then decodes the postings of
        those clips instead of the whole journal's (docs/search.md "PostgreSQL"). Made when
        the journal holds more than `RECENT_CLIPS` clips, and again, from a later row id, once
        the clips written since make it cover more than twice as many. Any row id gives the
        same answers: the planner uses the index only for ranges inside it."""
        conn = self.conn
        row = conn._run("SELECT docid FROM search_docs ORDER BY docid DESC LIMIT 1 OFFSET %s",
                        (RECENT_CLIPS - 1,)).fetchone()
        if row is None:
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
            # Built under a new name, then swapped in: searches go on meanwhile (the build
            # only holds off writes), and wait only for the swap.
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

    @contextmanager
    def exclusive(self, name: str) -> Iterator[bool]:
        """As `Store.exclusive`, by a session advisory lock of this journal and `name` (held
        by this store's connection: every process and machine sees it)."""
        key = _lock_key(f"{self.path}#{name}")
        row = self.conn._run("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()
        got = bool(row and row[0])
        try:
            yield got
        finally:
            if got:
                self.conn._run("SELECT pg_advisory_unlock(%s)", [key])

    def close(self) -> None:
        """Give the connection back to the pool."""
        self.conn.close()


def _pool(url: str) -> ConnectionPool:
    with _pools_lock:
        pool = _pools.get(url)
        if pool is None:
            # One direct attempt first: a server that cannot be reached is reported at once,
            # with the driver's reason, instead of after the pool's retries.
            psycopg.connect(url, connect_timeout=5).close()
            pool = ConnectionPool(
                url, min_size=1, max_size=16, open=False, name="kirinuki",
                kwargs={"autocommit": True, "cursor_factory": ClientCursor},
                configure=_configure, timeout=30)
            pool.open(wait=False)
            _pools[url] = pool
        return pool


class _NumberLoader(Loader):
    """`numeric` (what sum() of integers gives) as int, or float when it has a fraction:
    the Python types SQLite returns."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        return int(text) if text.lstrip("-").isdigit() else float(text)


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.adapters.register_loader("numeric", _NumberLoader)
    conn.execute(f"SET lock_timeout = {BUSY_MS}")
    conn.execute("SET client_encoding = 'UTF8'")
    # The search rows' `tsvector`s (2 KB a clip) go to TOAST compressed; lz4 writes them
    # faster than the default pglz at about the same size (docs/search.md). A server built
    # without lz4 keeps its default.
    with suppress(psycopg.Error):
        conn.execute("SET default_toast_compression = 'lz4'")


def close_pools(url: str | None = None) -> None:
    """Close the pool of `url` (every pool when None): its connections go (tests, and a
    process that forks workers, which must not share connections)."""
    with _pools_lock:
        for key in [url] if url is not None else list(_pools):
            pool = _pools.pop(key, None)
            if pool is not None:
                pool.close()


def recent_start(conn: PgConnection) -> int | None:
    """The first row id `search_bi_recent` covers (None: there is no such index)."""
    row = conn._run("SELECT pg_get_expr(x.indpred, x.indrelid) FROM pg_index x"
                    " JOIN pg_class i ON i.oid = x.indexrelid"
                    " WHERE x.indrelid = 'search_bi'::regclass AND i.relname = 'search_bi_recent'"
                    ).fetchone()
    found = re.search(r"-?\d+", str(row[0])) if row is not None else None
    return int(found.group()) if found else None


def _tables(conn: PgConnection) -> set[str]:
    return {str(r[0]) for r in conn._run(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}


def _version(conn: PgConnection, url: str) -> int:
    """The journal's schema version (0: an empty database); JournalError for a foreign one."""
    tables = _tables(conn)
    if "kirinuki_schema" not in tables:
        if tables - {"kirinuki_changes"}:
            raise JournalError(f"{shown(url)}: not a kirinuki journal (the database already "
                               "holds other tables)")
        return 0
    row = conn._run("SELECT app, version FROM kirinuki_schema").fetchone()
    if row is None or row[0] != APP:
        raise JournalError(f"{shown(url)}: not a kirinuki journal")
    version = int(row[1])
    if version > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"{shown(url)}: written by a newer kirinuki (schema {version}; this version knows "
            f"up to {SCHEMA_VERSION}); upgrade kirinuki to open it")
    return version


def migrate(conn: PgConnection, version: int) -> None:
    """Apply the migrations after `version`, each in its own transaction."""
    for target in range(version, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn._run("SELECT version FROM kirinuki_schema").fetchone()
            if row is not None and int(row[0]) > target:  # another process got here first
                conn._run("COMMIT")
                continue
            conn._run(MIGRATIONS[target])
            conn._run("INSERT INTO kirinuki_schema(id, app, version) VALUES (1, %s, %s)"
                      " ON CONFLICT(id) DO UPDATE SET version = EXCLUDED.version",
                      (APP, target + 1))
        except BaseException:
            conn._run("ROLLBACK")
            raise
        conn._run("COMMIT")


def open_pg_store(url: str, *, create: bool = False) -> PgStore:
    """Open the PostgreSQL journal at `url`; with `create`, make one in an empty database.

    Raises JournalError when the server cannot be reached, when the database holds no journal
    (and `create` is false) or another application's tables; SchemaTooNewError when newer.
    """
    try:
        raw = _pool(url).getconn()
    except psycopg.Error as exc:
        raise pg_error(exc, url) from exc
    except Exception as exc:  # the pool's timeout: no server answered
        raise JournalError(f"{shown(url)}: cannot reach the PostgreSQL server ({exc})") from exc
    conn = PgConnection(raw, url)
    try:
        version = _version(conn, url)
        if version == 0 and not create:
            raise JournalError(f"{shown(url)}: no journal here (create one with `kirinuki init`)")
        if version and create:
            raise JournalError(f"{shown(url)}: already exists (the database holds a journal;"
                               " choose another database or schema)")
        if version < SCHEMA_VERSION:
            conn._run(BOOKKEEPING)
            migrate(conn, version)
    except BaseException:
        conn.close()
        raise
    return PgStore(conn, url)  # type: ignore[arg-type]
