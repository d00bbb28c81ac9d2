"""The one site state: what the last publish into a folder `OUT` knows, in one SQLite file
beside it (`.OUT.state`), never inside the served folder (a web server would hand it to every
reader).

Its tables: `pages` (each file's input signature and content hash), `entries` (each built
entry's record), `meta` (the journal's mark, the global signature, the build's token) — read
and written by `manifest.py` — and `blobs`, named parts: the snapshot of the site context
(`snapshot.py`, `snap.*`) and the clips' sketches for the version check (`sketch.*`, see
`journal.sketch_cache`). One file, so one lock, one place to delete: without it the next
publish makes a full build.

A connection never crosses a fork (SQLite forbids it): readers open one per process.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS pages(path TEXT PRIMARY KEY, sig TEXT NOT NULL, sha TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS entries(id INTEGER PRIMARY KEY, fp TEXT NOT NULL,"
    " published TEXT NOT NULL, permalink TEXT NOT NULL, tags TEXT NOT NULL,"
    " related TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS blobs(name TEXT PRIMARY KEY, data BLOB NOT NULL)",
)
# Kept beside the folder by earlier versions: the manifest (the same tables, renamed into the
# state), and files whose contents now live in the state or nowhere (deleted).
OLD_MANIFEST = ".{}.publish.db"
OLD_FILES = tuple(f".{{}}.{name}{tmp}" for name in (
    "context", "snapshot", "snapshot.head", "sketches", "sketches.delta")
    for tmp in ("", ".tmp"))


def state_path(out: Path) -> Path:
    """Where the state of the site folder `out` lives (beside it, like its lock file)."""
    out = Path(os.path.abspath(out))
    return out.parent / f".{out.name}.state"


def migrate(out: Path) -> None:
    """Bring an earlier version's files beside `out` into the one state: its manifest becomes
    the state file (its other tables are built again by the next publish), the rest go."""
    old, new = out.parent / OLD_MANIFEST.format(out.name), state_path(out)
    if old.exists():
        if Path(f"{old}-journal").exists():
            roll_back(old)
        if new.exists():
            old.unlink()
        else:
            os.replace(old, new)
    for name in OLD_FILES:
        (out.parent / name.format(out.name)).unlink(missing_ok=True)


def roll_back(path: Path) -> None:
    """Let SQLite roll back what a killed writer left (a read-only connection cannot)."""
    if Path(f"{path}-journal").exists():
        conn = sqlite3.connect(path)
        with contextlib.suppress(sqlite3.DatabaseError):
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.close()


def open_ro(path: Path) -> sqlite3.Connection:
    """A read-only connection to the state file at `path`."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def open_rw(path: Path) -> sqlite3.Connection:
    """A connection that writes the state file at `path` (made with its tables if new)."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    # Atomic against a killed process (SQLite's rollback journal) without waiting for the
    # disk: the pages themselves are not flushed to it either, so a flushed state would not
    # survive a power cut any better than they do.
    conn.execute("PRAGMA synchronous = OFF")
    for statement in SCHEMA:
        conn.execute(statement)
    return conn


MAP_SIZE = 1 << 32  # how much of the state file a reader maps (SQLite maps what it reads)
_PIECE = 1 << 20  # bytes copied at a time by `Blobs.view`
# Private memory for `Blobs.view`, its pages made at once (Linux) rather than by a fault
# each as they are first written.
_FRESH = mmap.MAP_PRIVATE | getattr(mmap, "MAP_POPULATE", 0)


class Blobs:
    """The named blobs of one state file, read through one connection per process; written
    into `target` when given (the state a staged build makes, which then carries the rest)."""

    def __init__(self, path: Path, target: Path | None = None) -> None:
        self.path = path
        self.target = target or path
        self._conn: sqlite3.Connection | None = None
        self._pid = 0

    def _read(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():
            self._conn, self._pid = open_ro(self.path), os.getpid()
            # Pages read straight from the file's mapping, not copied into SQLite's cache.
            self._conn.execute(f"PRAGMA mmap_size = {MAP_SIZE}")
        return self._conn

    def get(self, name: str) -> bytes | None:
        """The blob `name`, or None when it (or the file) is missing or unreadable."""
        try:
            row = self._read().execute("SELECT data FROM blobs WHERE name = ?",
                                       (name,)).fetchone()
        except sqlite3.DatabaseError:
            self._conn = None
            return None
        return bytes(row[0]) if row else None

    def view(self, name: str) -> memoryview | None:
        """`get` for a big blob: its bytes copied once, piece by piece, into memory of their
        own (a plain read assembles the whole blob, then copies it again into the result;
        docs/publish.md), or None."""
        try:
            conn = self._read()
            row = conn.execute("SELECT rowid, length(data) FROM blobs WHERE name = ?",
                               (name,)).fetchone()
            if row is None:
                return None
            size = int(row[1])
            out = mmap.mmap(-1, max(size, 1), flags=_FRESH)
            with conn.blobopen("blobs", "data", row[0], readonly=True) as blob:
                for at in range(0, size, _PIECE):
                    out[at : at + _PIECE] = blob.read(_PIECE)
        except sqlite3.Error:
            self._conn = None
            return None
        return memoryview(out).toreadonly()[:size]

    def names(self, prefix: str) -> int:
        """How many blobs have a name starting with `prefix` (0 when unreadable)."""
        try:
            conn = open_ro(self.path)
            try:
                return int(conn.execute("SELECT count(*) FROM blobs WHERE name >= ? AND name < ?",
                                        (prefix, prefix + "\U0010ffff")).fetchone()[0])
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            return 0

    def put(self, items: Mapping[str, bytes | None],
            drop: str | tuple[str, ...] | None = None) -> bool:
        """Store `items` (None deletes) in one transaction, first deleting every blob whose
        name starts with `drop` (or one of them); False when the file cannot be written (a
        full disk: the state then lacks them, which costs a slower publish, never a wrong
        page)."""
        def work(conn: sqlite3.Connection) -> None:
            for prefix in (drop,) if isinstance(drop, str) else drop or ():
                conn.execute("DELETE FROM blobs WHERE name >= ? AND name < ?",
                             (prefix, prefix + "\U0010ffff"))
            conn.executemany("DELETE FROM blobs WHERE name = ?",
                             [(k,) for k, v in items.items() if v is None])
            conn.executemany("INSERT OR REPLACE INTO blobs(name, data) VALUES (?, ?)",
                             [(k, v) for k, v in items.items() if v is not None])

        return self._write(work)

    def put_pieces(self, name: str, pieces: Sequence[tuple[int, bytes | memoryview]],
                   drop: str | None = None) -> bool:
        """Store the blob `name` made of (offset, bytes) pieces, zeros between them, written
        straight into the file (no copy of the whole blob is assembled first), and delete the
        blob `drop`, in one transaction; False as for `put`."""
        size = max((at + memoryview(data).nbytes for at, data in pieces), default=0)

        def work(conn: sqlite3.Connection) -> None:
            if drop is not None:
                conn.execute("DELETE FROM blobs WHERE name = ?", (drop,))
            row = conn.execute("INSERT OR REPLACE INTO blobs(name, data) VALUES (?, zeroblob(?))"
                               " RETURNING rowid", (name, size)).fetchone()
            with conn.blobopen("blobs", "data", row[0]) as blob:
                for at, data in pieces:
                    blob.seek(at)
                    blob.write(data)

        return self._write(work)

    def _write(self, work: Callable[[sqlite3.Connection], None]) -> bool:
        """Run `work` in one write transaction on a connection of its own (this process's
        reading one released first); False when the file cannot be written."""
        self.release()
        try:
            conn = open_rw(self.target)
            try:
                conn.execute("BEGIN IMMEDIATE")
                work(conn)
                conn.execute("COMMIT")
            finally:
                conn.close()
        except sqlite3.Error:
            return False
        return True

    def release(self) -> None:
        """Close this process's connection; the next read opens a new one."""
        if self._conn is not None and self._pid == os.getpid():
            self._conn.close()
        self._conn = None
