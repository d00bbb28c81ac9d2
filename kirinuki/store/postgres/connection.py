"""A journal's PostgreSQL connection with the part of sqlite3.Connection's interface the
entity modules use (`execute`, `executemany`, `in_transaction`), translating their SQL
(`dialect`). A write transaction takes a transaction-scoped advisory lock, so writers follow one
another as they do under SQLite's `BEGIN IMMEDIATE` (the id reservation of `ids.py` relies on
it) and readers never wait. A bulk import's rows go in by COPY, on a thread of their own
(`sender`); into empty tables, with their foreign keys checked at its commit (`_defer_keys`).
Errors of the driver become `JournalError` with one line.
"""

from __future__ import annotations

import hashlib
import re
import weakref
import zlib
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from psycopg import ClientCursor
from psycopg.pq import TransactionStatus

from kirinuki.errors import JournalBusyError, JournalError
from kirinuki.store.postgres import kept
from kirinuki.store.postgres.dialect import SEARCH_TABLES, Statement, render, translate
from kirinuki.store.postgres.inserts import Copy, copy_shape, multi_row
from kirinuki.store.postgres.sender import Sender
from kirinuki.store.postgres.tsvectors import copy_both, copy_data

BUSY_MS = 5000
ROWS_PER_STATEMENT = 1000  # rows of one multi-row INSERT
INDEX_BUILD_MEMORY = "256MB"  # maintenance_work_mem of a GIN index built after a bulk import
WRITES_AHEAD = 32  # bulk writes (one `executemany` each) queued before the caller waits
# The search tables whose GIN index a bulk import into empty tables drops and builds at its
# commit. `search_uni`'s stays and takes the rows as they come, while the client reads and
# splits the next entries, instead of keeping the client waiting at the commit (figures:
# docs/search.md "Imports, session 18").
BUILT_AT_COMMIT = ("search_bi",)
# The statements `PgConnection.reads` prepared on each pooled connection, by name.
_PREPARED: weakref.WeakKeyDictionary[psycopg.Connection[Any], set[str]] = (
    weakref.WeakKeyDictionary())


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


def lock_key(url: str) -> int:
    """The advisory lock of this journal's writers (one per database and schema)."""
    return zlib.crc32(url.encode()) - (1 << 31)


class PgConnection:
    """A psycopg connection with the part of sqlite3.Connection's interface the store uses."""

    def __init__(self, raw: psycopg.Connection[Any], url: str,
                 give_back: Callable[[psycopg.Connection[Any]], None]) -> None:
        self.raw = raw
        self.url = url
        self._give_back = give_back  # to the pool, or closed when the pool is gone
        self.lock_key = lock_key(url)
        self.wrote = False
        self.rows_written = 0  # by executemany, since the last `PgStore.release_free_pages`
        self.bulk = False  # `PgStore.set_bulk`
        # GIN indexes dropped by this transaction, made again before it commits (`_defer_index`).
        self.deferred: dict[str, str] = {}
        self.checked: set[str] = set()  # tables `_defer_index` looked at in this transaction
        self.emptied: set[str] = set()  # tables `_defer_index` truncated in this transaction
        # Foreign keys dropped by this transaction, added again before it commits (`_defer_keys`):
        # (table, constraint, definition), and the tables looked at.
        self.deferred_keys: list[tuple[str, str, str]] = []
        self.keys_checked: set[str] = set()
        self.sender = Sender(WRITES_AHEAD)  # a bulk import's writes (`executemany`)
        # Work of the caller's to do while a statement waits for the writes sent
        # (`PgStore.set_idle`), instead of waiting idle.
        self.idle: Callable[[], bool] | None = None
        # `search_uni`'s COPY data made with `search_bi`'s from the same rows (that rows object,
        # the data, its row count), for the next `executemany` if it writes those rows there.
        self._uni_made: tuple[object, bytes, int] | None = None

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def _run(self, sql: str, args: Sequence[object] | None = None) -> psycopg.Cursor[Any]:
        if self.sender.busy:  # the writes sent before this statement come first
            self.sender.wait(self.idle)
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
            self.deferred_keys, self.keys_checked = [], set()
            try:
                self._run("SELECT pg_advisory_xact_lock(%s)", (self.lock_key,))
            except JournalError:  # busy: leave no transaction open behind the error
                self._run("ROLLBACK")
                raise
            return self._run("SELECT 0")
        if head.startswith("COMMIT"):
            try:
                self.sender.wait()
                # The rows that went in unchecked are checked here, all at once: a row
                # without its parent fails the import as the check of each row would have.
                for table, name, definition in self.deferred_keys:
                    self._run(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                self.deferred_keys = []
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
            self.deferred_keys = []  # and so is each DROP CONSTRAINT
            return self._run("ROLLBACK")
        st = translate(sql)
        if not st.noop and not head.startswith("SELECT"):
            self._wrote()
        if st.sql == "DELETE FROM search_bi":  # a reindex: no row of it logged
            self._changed(None)
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

    def reads(self, statements: Sequence[tuple[str, Sequence[object]]],
              begin: str | None) -> list[list[Any]]:
        """The rows of each read statement (written for SQLite, no MATCH), sent with their
        values in one message (the simple query protocol runs several statements of one
        message in order). With `begin`, inside a transaction it opens and this commits, each
        statement prepared on the connection when first met and executed with its generic
        plan: planning them was most of the server's time for an entry page."""
        cur = self.raw.cursor()
        assert isinstance(cur, ClientCursor)
        parts = [begin, "SET LOCAL plan_cache_mode = force_generic_plan"] if begin else []
        values: list[object] = []
        for sql, params in statements:
            st = translate(sql)
            if st.matches or st.noop:
                raise ValueError(f"not a plain read: {sql[:60]!r}")
            args = _args(st, params)
            values += args
            if not begin:
                parts.append(st.sql)
                continue
            name = self._prepared(st.sql)
            parts.append(f"EXECUTE {name}({','.join(['%s'] * len(args))})" if args
                         else f"EXECUTE {name}")
        if begin:
            parts.append("COMMIT")
        try:
            # The values put in the message's text (`%` of the statements doubled as `%%`).
            cur = self._run(cur.mogrify(";\n".join(parts), values))
            if begin:
                cur.nextset()  # past the BEGIN
                cur.nextset()  # and the SET
            out = []
            for _ in statements:
                out.append(cur.fetchall())
                cur.nextset()
        except BaseException:
            if begin and self.in_transaction:  # a statement failed: end what BEGIN opened
                self._now("ROLLBACK")
            raise
        return out

    def _prepared(self, sql: str) -> str:
        """The name of `sql` (translated, `%s` placeholders) prepared on this connection
        (a pooled connection keeps what earlier users prepared on it)."""
        name = "kirinuki_" + hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()
        done = _PREPARED.setdefault(self.raw, set())
        if name not in done:
            numbered = iter(range(1, sql.count("%s") + 1))
            text = re.sub(r"%%|%s", lambda m: "%" if m[0] == "%%" else f"${next(numbered)}",
                          sql)
            self._run(f"PREPARE {name} AS {text}")
            done.add(name)
        return name

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
        copy = copy_shape(st.sql)
        made, self._uni_made = self._uni_made, None
        if copy is not None and copy.table in SEARCH_TABLES:
            # Search rows as the server stores them (`tsvectors`), made from the rows as given.
            rows_of: list[int] | None = None  # the row ids of `search_bi`'s, for the log
            if copy.table == "search_uni" and made is not None and made[0] is rows:
                data, count = made[1], made[2]
            else:
                given = list(rows)
                count = len(given)
                if copy.table == "search_bi":
                    rows_of = [r[0] for r in given]
                if copy.table == "search_bi" and all(r[1].__class__ is tuple for r in given):
                    # `search._write` sends the same (form, filters) rows to `search_uni`
                    # next: both tables' data from one sort of their keys (`copy_both`).
                    data, uni = copy_both(given)
                    self._uni_made = (rows, uni, count)
                else:
                    data = copy_data(given, copy.table == "search_bi")
            if count:
                self._send(lambda: self._copy_binary(copy, data, rows_of), count)
            return
        args = [_args(st, r) for r in rows]
        if args:
            self._send(lambda: self._write(st, args), len(args))

    def _send(self, write: Callable[[], None], rows: int) -> None:
        """Run a write of `rows` rows now, or in a bulk import on the writes' thread."""
        self.rows_written += rows
        if self.bulk and self.in_transaction:
            self.sender.send(write)
        else:
            write()

    def _copy_binary(self, shape: Copy, data: bytes, rows_of: list[int] | None) -> None:
        """A search table's rows as binary COPY data (`tsvectors.copy_data`); into a table
        emptied by this transaction, frozen (`_defer_index`). `rows_of`: their row ids, to
        log (`_changed`)."""
        self._defer_index(shape.table)
        frozen = ", FREEZE" if shape.table in self.emptied else ""
        try:
            with self.raw.cursor().copy(f"COPY {shape.table} ({shape.columns}) FROM STDIN"
                                        f" (FORMAT BINARY{frozen})") as out:
                out.write(data)
        except psycopg.Error as exc:
            raise pg_error(exc, self.url) from exc
        if rows_of is not None and shape.table not in self.emptied:
            self._changed(rows_of)

    def _changed(self, rowids: list[int] | None) -> None:
        """Log the row ids a write to `search_bi` changed, for the words kept in the journal
        (`kept.LOG`); None: its rows go in unlogged (`kept.UNLOGGED`)."""
        try:
            self.raw.cursor().execute(kept.LOG if rowids is not None else kept.UNLOGGED,
                                      [rowids] if rowids is not None else None)
        except psycopg.Error as exc:
            raise pg_error(exc, self.url) from exc

    def _write(self, st: Statement, rows: list[list[object]]) -> None:
        if self.bulk and (into := _INSERT_INTO.match(st.sql)) is not None:
            self._defer_keys(into.group(1))
        if st.sql.startswith("DELETE FROM search_bi "):  # by row id: logged (`_changed`)
            self._changed([int(r[0]) for r in rows])  # type: ignore[call-overload]
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
        """Rows of a plain INSERT by COPY (no SQL text to build and parse per row)."""
        with cur.copy(f"COPY {shape.table} ({shape.columns}) FROM STDIN") as out:
            for row in rows:
                out.write_row(row)

    def _defer_index(self, table: str) -> None:
        """In a bulk import into an empty search table, drop its GIN index until the commit
        (`BUILT_AT_COMMIT`): built once from all rows, it costs a fraction of the inserts into
        it row by row (docs/search.md "PostgreSQL"). The table is truncated too, so its rows
        go in frozen and visible to all (COPY FREEZE): no VACUUM has to visit them after. Both
        are part of the transaction (rolled back with it); until the commit, other
        connections' searches wait for the table."""
        if not self.bulk or not self.in_transaction or table in self.checked:
            return
        self.checked.add(table)
        row = self._now(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()
        if row is None or row[0]:
            return
        self._now(f"TRUNCATE {table}")
        self.emptied.add(table)
        self._changed(None)  # its rows go in unlogged
        if table not in BUILT_AT_COMMIT:
            return
        # Not from `pg_indexes`: filtering its text, the server may make the definition of
        # another schema's index while that one is dropped, and fail.
        for name, definition in self._now(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
                " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am a ON a.oid = i.relam"
                " WHERE x.indrelid = %s::regclass AND a.amname = 'gin'", (table,)).fetchall():
            self._now(f'DROP INDEX "{name}"')
            self.deferred[name] = definition

    def _defer_keys(self, table: str) -> None:
        """In a bulk import into an empty table, drop its foreign keys until the commit, which
        adds them again: checked there by one join over the table, instead of a lookup of
        the parent row (and a lock on it) for each row sent (docs/search.md "Imports, session
        22"). Only for an empty table, so the check at the commit reads just the rows of this
        import. Part of the transaction (rolled back with it); until the commit, other
        connections' reads of the table and of its parents wait."""
        if not self.in_transaction or table in self.keys_checked:
            return
        self.keys_checked.add(table)
        row = self._now(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()
        if row is None or row[0]:
            return
        for name, definition in self._now(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                (table,)).fetchall():
            self._now(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            self.deferred_keys.append((table, name, definition))

    def executescript(self, script: str) -> None:
        """Run several statements (migrations) at once."""
        self._run(script)

    def close(self) -> None:
        """Give the connection back to its pool (rolled back if a transaction is open)."""
        self.sender.close()
        self._give_back(self.raw)


_INSERT_INTO = re.compile(r"\s*INSERT INTO (\w+)", re.IGNORECASE)


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
