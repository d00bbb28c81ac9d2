"""Opening a journal: connection settings, migrations, transactions.

`Store` is a thin holder of the connection; the per-entity modules (`entries`, `tags`,
`articles`, `settings`) hold the SQL and take the store as their first argument.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

from kirinuki.errors import JournalBusyError, JournalError, SchemaTooNewError
from kirinuki.model import Entry
from kirinuki.store.sqlite.migrations import MIGRATIONS, SCHEMA_VERSION

APP_ID = 0x6B6E6B69  # "knki": marks a SQLite file as a kirinuki journal


def placeholders(n: int) -> str:
    """`?,?,…`: `n` SQL parameter placeholders, for an `IN (…)` of that many values."""
    return ",".join("?" * n)


def iso(dt: datetime | None) -> str | None:
    """A stored timestamp: ISO 8601 with its offset (or NULL)."""
    return dt.isoformat() if dt is not None else None


def stored_time(text: object) -> datetime:
    """The datetime of a stored timestamp. Raises JournalError when the stored text is not
    one (a damaged file: bytes changed inside a page SQLite still reads)."""
    try:
        if isinstance(text, str):
            return datetime.fromisoformat(text)
    except ValueError as exc:
        raise _damaged("date", text) from exc
    raise _damaged("date", text)


def _damaged(what: str, text: object) -> JournalError:
    return JournalError(f"the journal holds a damaged {what} ({str(text)[:40]!r}); run "
                        "`kirinuki check`")


def from_iso(text: str | None) -> datetime | None:
    """The datetime of a stored timestamp (or None); see `stored_time`."""
    return stored_time(text) if text else None


def stored_json(text: object) -> Any:
    """The value of a stored JSON text. Raises JournalError when it is damaged."""
    try:
        if isinstance(text, str | bytes):
            return json.loads(text)
    except ValueError as exc:
        raise _damaged("value", text) from exc
    raise _damaged("value", text)


MMAP_SIZE = 2147418112  # SQLite's largest


class Store:
    """An open journal database. Use `transaction()` around every write.

    Both backends implement this interface: the PostgreSQL one (`store/postgres/db.py`) is a
    subclass whose connection translates the entity modules' SQL."""

    dialect = "sqlite"  # or "postgresql": what a SQLite-only check asks

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        self._depth = 0
        # Tag key -> id, filled lazily; a write that adds tags keeps it in step.
        self.tag_ids: dict[str, int] = {}
        # True during a bulk import: hooks for derived data that may lag (clip sketches)
        # defer their work to the next query; the search index never lags.
        self.bulk = False
        # What a bulk import (one transaction, the only writer) learnt of the search index and
        # need not read again: that it is in step, and its last clip (date key, entry id, row
        # id) when the import appended after every clip (`search._insert`). Reads skipped so:
        # on PostgreSQL each would first wait for the rows sent before it.
        self.index_fresh = False
        self.index_tail: tuple[int, int, int] | None = None
        # The entries being written, by id, while the written hooks run: a hook may read them
        # here instead of reading back what was just inserted (see hooks.entries_written).
        self.written: dict[int, Entry] = {}
        self.mapped = True  # reads go through the memory map (`map_memory`)
        # The account writing through this handle (a web request's user, the CLI's --as):
        # recorded as the author of every entry written (None: each entry keeps its own).
        self.author: str | None = None

    @contextmanager
    def waiting(self, seconds: float) -> Iterator[None]:
        """Wait up to `seconds` (instead of 5) for another process's write to finish."""
        conn = self.conn
        before = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
        conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA busy_timeout = {before}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE); nested calls join the outer one.

        Raises whatever the body raises, after rolling back everything it wrote.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self._depth = 0
            self.conn.execute("ROLLBACK")
            self.tag_ids.clear()
            self.index_fresh, self.index_tail = False, None
            raise
        self._depth = 0
        self.conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads that all see one committed state of the journal: the several queries of one
        answer (an entry's groups, then their clips and tags) must not mix the states before
        and after another process's commit. Inside a transaction: that transaction's view.
        Nothing may be written inside."""
        if self._depth or self.conn.in_transaction:
            yield
            return
        self._begin_snapshot()
        try:
            yield
        finally:
            self._end_snapshot()

    def reads(self, statements: Sequence[tuple[str, Sequence[object]]]) -> list[list[Any]]:
        """The rows of each of these reads (SQL and parameters, no MATCH), all seeing one
        committed state of the journal as inside `snapshot`: one after another here, in one
        round trip to the server on PostgreSQL."""
        with self.snapshot():
            return [self.conn.execute(sql, args).fetchall() for sql, args in statements]

    def _begin_snapshot(self) -> None:
        # Deferred: under WAL the first read fixes what every later read of it sees.
        self.conn.execute("BEGIN DEFERRED")

    def _end_snapshot(self) -> None:
        self.conn.execute("COMMIT")  # (a write slipped in is kept, never dropped)

    def set_bulk(self, on: bool) -> None:
        """Enter or leave a bulk import (see `bulk`). Bulk writes gain nothing from the
        memory map, which would only count every page they touch in the process's memory
        (293 MB instead of 139 MB at the end of a 100k-entry import)."""
        self.bulk = on
        self.index_fresh, self.index_tail = False, None
        self.map_memory(not on)

    def set_idle(self, work: Callable[[], bool] | None) -> None:
        """Work to do instead of waiting for a bulk import's writes sent (PostgreSQL,
        `PgStore.set_idle`): SQLite writes each one as it is made, there is no such wait."""

    def map_memory(self, on: bool) -> None:
        """Read through the memory map (fast random reads: search) or not (reads of the whole
        journal, where every mapped page would count as the process's memory)."""
        self.conn.execute(f"PRAGMA mmap_size = {MMAP_SIZE if on else 0}")
        self.mapped = on

    def data_version(self) -> int:
        """A number that changes when another connection commits a write to the journal."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def recent_start(self) -> int | None:
        """The first row id of the search index's own index of the newest clips (None: it
        has none; PostgreSQL only, docs/search.md "PostgreSQL")."""
        return None

    def kept_rowids(self, table: str, expr: str) -> Any:
        """Every row id of `table` matching the FTS5 expression `expr` as the journal keeps
        them for every process (PostgreSQL only: None here, FTS5 reads them quickly)."""
        return None

    def release_free_pages(self) -> None:
        """Shrink the file by its free pages (a no-op for journals created before this
        was possible: SQLite can only set it up on a new file). Call outside a transaction."""
        # The pragma frees one page per step, and `execute` steps a row-less statement only
        # once (1 page of 1,252 freed); `executescript` steps it to its end.
        # executescript would first commit a transaction in progress: not inside one.
        if not self.conn.in_transaction:
            # Another process writing: the pages go back at a later write. What was
            # committed stays committed; this must not turn it into an error.
            with suppress(sqlite3.OperationalError):
                self.conn.executescript("PRAGMA incremental_vacuum")

    @contextmanager
    def exclusive(self, name: str) -> Iterator[bool]:
        """Hold the journal's lock `name` for the block (one background job of a kind per
        journal, across processes): yields False, holding nothing, when another holder has it.
        A SQLite journal uses a lock file beside it (`<journal>-<name>.lock`)."""
        if self.path == ":memory:" or self.path.startswith("file:"):
            yield True
            return
        fd = os.open(f"{self.path}-{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)  # closing releases the lock

    def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        self.conn.close()


def _connect(path: str) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA foreign_keys = ON")
        # A larger page cache keeps index pages of a big import in memory instead of
        # spilling and rewriting them (a constant 32 MB, whatever the input size).
        conn.execute("PRAGMA cache_size = -32768")
        # Reads through a memory map skip a copy and a system call per page (SQLite caps it
        # at 2 GB).
        conn.execute(f"PRAGMA mmap_size = {MMAP_SIZE}")
        if conn.execute("PRAGMA page_count").fetchone()[0] == 0:
            # Only a new file can take these. UTF-16 stores Japanese in 2 bytes a character
            # instead of 3 and 8 KB pages waste less at their ends (docs/search.md).
            conn.execute("PRAGMA page_size = 8192")
            conn.execute("PRAGMA encoding = 'UTF-16le'")
            # Pages freed by big writes (index merges during an import or a reindex) can be
            # handed back to the file system afterwards (`release_free_pages`): a reindex
            # otherwise leaves the file larger than its content.
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
        if path != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
            # WAL with synchronous=NORMAL keeps every committed transaction across a process
            # crash (only an OS crash may lose the last ones), at a fraction of FULL's cost.
            conn.execute("PRAGMA synchronous = NORMAL")
        return conn
    except sqlite3.DatabaseError as exc:
        raise _open_error(exc, path) from exc


def database_error(exc: sqlite3.DatabaseError, path: str) -> JournalError:
    """What an SQLite error means for the user of the journal at `path`, as one line."""
    text = str(exc)
    low = text.lower()
    if "locked" in low or "busy" in low:
        return JournalBusyError(f"{path}: the journal is busy: another kirinuki process is writing"
                            " to it; try again when it has finished")
    if "disk is full" in low:
        return JournalError(f"{path}: the disk is full ({text}); nothing was written")
    if "readonly" in low or "read-only" in low:
        return JournalError(f"{path}: the journal cannot be written ({text})")
    if isinstance(exc, sqlite3.IntegrityError):
        return JournalError(f"{path}: the journal refused a write ({text}); nothing was written")
    if "i/o error" in low:
        return JournalError(f"{path}: the journal file cannot be read ({text}): it may be "
                            "truncated or damaged; run `kirinuki check`")
    return JournalError(f"{path}: the journal file is damaged ({text}); run `kirinuki check`"
                        " and restore a backup if it finds problems")


def _open_error(exc: sqlite3.DatabaseError, path: str) -> JournalError:
    # "file is not a database": some other file; anything else: a journal that is damaged,
    # truncated (SQLite reads past the end: "disk I/O error") or busy.
    if "not a database" in str(exc):
        return JournalError(f"{path}: not a kirinuki journal ({exc})")
    return database_error(exc, path)


def _check_identity(conn: sqlite3.Connection, path: str) -> int:
    """The journal's schema version; raises JournalError for a foreign database."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise _open_error(exc, path) from exc
    if tables and app_id != APP_ID:
        raise JournalError(f"{path}: not a kirinuki journal (a different SQLite database)")
    if version > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"{path}: written by a newer kirinuki (schema {version}; this version knows up to "
            f"{SCHEMA_VERSION}); upgrade kirinuki to open it"
        )
    return int(version)


def migrate(conn: sqlite3.Connection, version: int) -> None:
    """Apply the migrations after `version`, each in its own transaction."""
    for target in range(version, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while this one waited for the write lock.
            if conn.execute("PRAGMA user_version").fetchone()[0] > target:
                conn.execute("COMMIT")
                continue
            for statement in _statements(MIGRATIONS[target]):
                conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APP_ID}")
            conn.execute(f"PRAGMA user_version = {target + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would commit on its own)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


def open_store(path: str, *, create: bool = False) -> Store:
    """Open the journal at `path` (`:memory:` for a throwaway one).

    Raises NotFoundError-like JournalError when the file is missing and `create` is false,
    JournalError when it is not a journal, SchemaTooNewError when it is too new.
    """
    if path != ":memory:":
        p = Path(path)
        if not create and not p.exists():
            raise JournalError(
                f"{path}: no journal here (create one with `kirinuki init`, or pass --journal)"
            )
        if p.exists() and p.is_dir():
            raise JournalError(f"{path}: is a folder, not a journal file")
    conn = _connect(path)
    version = _check_identity(conn, path)
    if version < SCHEMA_VERSION:
        if version == 0 and not create:
            conn.close()
            raise JournalError(f"{path}: not a kirinuki journal (empty database)")
        migrate(conn, version)
    return Store(conn, path)
