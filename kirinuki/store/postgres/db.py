"""Opening a journal kept in PostgreSQL: pooled connections, migrations, the store.

`PgStore` is a `Store` whose connection (`connection.PgConnection`) speaks the sqlite3
interface the entity modules use. Raises JournalError (one line) for a server that cannot be
reached or a database that holds no journal, SchemaTooNewError for a newer one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import psycopg
from psycopg import ClientCursor
from psycopg.adapt import Loader
from psycopg_pool import ConnectionPool

from kirinuki.errors import JournalError, SchemaTooNewError
from kirinuki.store.postgres import kept, upkeep
from kirinuki.store.postgres.connection import BUSY_MS, PgConnection, lock_key, pg_error, shown
from kirinuki.store.postgres.migrations import BOOKKEEPING, MIGRATIONS
from kirinuki.store.sqlite.db import Store

APP = "kirinuki"
SCHEMA_VERSION = len(MIGRATIONS)

# Without the writers' advisory lock: a snapshot never waits for them. Read-only REPEATABLE
# READ sees one state for all its statements and cannot fail to serialize.
SNAPSHOT = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"

_pools: dict[str, ConnectionPool] = {}
_pools_lock = threading.Lock()


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
        self.conn._run(SNAPSHOT)

    def _end_snapshot(self) -> None:
        self.conn._run("COMMIT")  # not `execute`: nothing was written, nothing to count

    def reads(self, statements: Sequence[tuple[str, Sequence[object]]]) -> list[list[Any]]:
        """As `Store.reads`, in one round trip: one message holding the snapshot's BEGIN, the
        statements and its COMMIT (inside a transaction: the statements alone)."""
        own = not (self._depth or self.conn.in_transaction)
        return self.conn.reads(statements, SNAPSHOT if own else None)

    def map_memory(self, on: bool) -> None:
        """Nothing to do: PostgreSQL has its own buffers."""
        self.mapped = on

    def set_bulk(self, on: bool) -> None:
        """Enter or leave a bulk import: the search tables' GIN indexes of an empty journal are
        then built at its commit (`PgConnection._defer_index`)."""
        super().set_bulk(on)
        self.conn.bulk = on

    def set_idle(self, work: Callable[[], bool] | None) -> None:
        """Have a statement that must wait for a bulk import's writes sent call `work` until
        they are stored or it returns False (None: wait idle)."""
        self.conn.idle = work

    def data_version(self) -> int:
        """A number that changes when a transaction that wrote commits (any process)."""
        row = self.conn._run("SELECT n FROM kirinuki_changes").fetchone()
        return int(row[0]) if row else 0

    def recent_start(self) -> int | None:
        """The first row id of the recent indexes (`upkeep.keep_recent`; None: none yet)."""
        return upkeep.recent_start(self.conn)

    def kept_rowids(self, table: str, expr: str) -> Any:
        """Every row id of `table` matching `expr`, ascending (int64 NumPy array), from the
        words kept in the journal for every process (`kept.word_rowids`)."""
        return kept.word_rowids(self.conn, table, expr)

    def release_free_pages(self) -> None:
        """After a big write (an import, a reindex): statistics for the planner and the
        recent GIN indexes (`upkeep.release_free_pages`). Call outside a transaction."""
        upkeep.release_free_pages(self.conn)

    @contextmanager
    def exclusive(self, name: str) -> Iterator[bool]:
        """As `Store.exclusive`, by a session advisory lock of this journal and `name` (held
        by this store's connection: every process and machine sees it)."""
        key = lock_key(f"{self.path}#{name}")
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


def _give_back(url: str) -> Callable[[psycopg.Connection[Any]], None]:
    """How a connection of `url`'s pool goes back to it (closed if the pool was closed)."""

    def give_back(raw: psycopg.Connection[Any]) -> None:
        pool = _pools.get(url)
        if pool is not None:
            pool.putconn(raw)
        else:
            raw.close()

    return give_back


def close_pools(url: str | None = None) -> None:
    """Close the pool of `url` (every pool when None): its connections go (tests, and a
    process that forks workers, which must not share connections)."""
    with _pools_lock:
        for key in [url] if url is not None else list(_pools):
            pool = _pools.pop(key, None)
            if pool is not None:
                pool.close()



def _version(conn: PgConnection, url: str) -> int:
    """The journal's schema version (0: an empty database); JournalError for a foreign one."""
    tables = upkeep.tables(conn)
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
    conn = PgConnection(raw, url, _give_back(url))
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
