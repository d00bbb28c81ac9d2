"""Writing the site: one file per page, only what changed, never half a site.

The output folder records what it holds in a manifest (`.kirinuki-publish.db`: each file's
path, the signature of its inputs and the hash of its bytes). A publish then either

* **stages** a new tree beside the output (unchanged files hard-linked from the old one, the rest
  written) and swaps it in with one atomic directory exchange: for a first build, large changes;
* **patches in place** when few pages changed: each file is replaced atomically (temporary file
  + rename), leaf pages before the lists that link to them, removals last.

Two pages for one path, and a second publish into a folder while one runs, are refused.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from kirinuki.errors import ConflictError, InputError
from kirinuki.publish.swap import BACKGROUND_MIN, discard, exchange, leftovers, trash_name

MANIFEST = ".kirinuki-publish.db"
# Creating files waits for the disk (0.5-1.3 ms a file on a loaded ext4, ~0.2 ms to render): a
# staged build hands files to a few threads per process in batches (fewer GIL hand-overs); 4
# units of entry pages at 100k: 5.1-5.5 s in line, 3.0-4.4 s so (tmpfs: ~5% slower).
WRITER_THREADS = 4
WRITE_BATCH = 16
STAGE_MIN = 500  # above this many changes (or a twentieth of the site) a build is staged


def content_hash(data: bytes) -> str:
    """The hash recorded for a file's bytes: 128 bits of SHA-256, which CPUs run in their own
    instructions (1.4 GB/s here, BLAKE2b 0.85 GB/s; a 100k build hashes 1.7 GB). A manifest of
    another hash only makes the next build rewrite the pages it renders anyway (same bytes)."""
    return hashlib.sha256(data).hexdigest()[:32]


def _write_file(target: str, data: bytes) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def check_unique(paths: Iterable[str]) -> None:
    """Raise ConflictError when two pages would be written to one path."""
    seen: set[str] = set()
    for path in paths:
        if path in seen:
            raise ConflictError(f"two pages would be written to {path}; nothing was written")
        seen.add(path)


EntryRow = tuple[int, str, str, str, str, str]
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS pages(path TEXT PRIMARY KEY, sig TEXT NOT NULL, sha TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS entries(id INTEGER PRIMARY KEY, fp TEXT NOT NULL,"
    " published TEXT NOT NULL, permalink TEXT NOT NULL, tags TEXT NOT NULL,"
    " related TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


class PageIndex(Mapping[str, tuple[str, str]]):
    """The files of the last build (path -> (signature, content hash)), read from the
    manifest on demand: a build that plans a few pages looks up a few rows instead of loading
    hundreds of thousands; iterating loads them all once."""

    def __init__(self, path: Path | None = None) -> None:
        self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True) if path else None
        self._all: dict[str, tuple[str, str]] | None = None if path else {}
        self._count: int | None = None

    def _load(self) -> dict[str, tuple[str, str]]:
        if self._all is None:
            assert self._conn is not None
            self._all = {r[0]: (r[1], r[2])
                         for r in self._conn.execute("SELECT path, sig, sha FROM pages")}
        return self._all

    def get(self, path: str, default: object = None) -> tuple[str, str] | None:  # type: ignore[override]
        """The record of `path`, or None."""
        if self._all is not None or self._conn is None:
            return self._load().get(path)
        row = self._conn.execute("SELECT sig, sha FROM pages WHERE path = ?", (path,)).fetchone()
        return (row[0], row[1]) if row else None

    def __getitem__(self, path: str) -> tuple[str, str]:
        rec = self.get(path)
        if rec is None:
            raise KeyError(path)
        return rec

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and self.get(path) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        if self._all is not None or self._conn is None:
            return len(self._load())
        if self._count is None:  # ~4 ms a count at 223k rows, and a publish asks often
            self._count = self._conn.execute("SELECT count(*) FROM pages").fetchone()[0]
        return self._count

    def under(self, prefix: str) -> list[str]:
        """The paths that start with `prefix`."""
        if self._all is not None or self._conn is None:
            return [p for p in self._load() if p.startswith(prefix)]
        return [r[0] for r in self._conn.execute(
            "SELECT path FROM pages WHERE path >= ? AND path < ?", (prefix, prefix + "\U0010ffff"))]

    def close(self) -> None:
        """Close the manifest (before it is rewritten)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
            if self._all is None:
                self._all = {}  # closed unread: nothing is looked up after this


@dataclass
class Manifest:
    """What the last build recorded: its files, its entries, its global signature. The entry
    records are read on first use (a publish with nothing to do never reads them: 0.2 s of a
    0.21 s no-change publish at 100k entries)."""

    pages: PageIndex = field(default_factory=PageIndex)
    path: Path | None = None
    meta: dict[str, str] = field(default_factory=dict)
    _keys: dict[int, EntryRow] | None = None

    def entry_keys(self) -> dict[int, EntryRow]:
        """id -> (id, fingerprint, "", "", "", related) of every entry built: what tells
        whether an entry changed (0.09 s at 100k entries; whole records take 0.17 s)."""
        if self._keys is None:
            rows = self._read("SELECT id, fp, '', '', '', related FROM entries", ())
            self._keys = {r[0]: r for r in rows}
        return self._keys

    def entry_rows(self, ids: Iterable[int] | None = None) -> dict[int, EntryRow]:
        """id -> (id, fingerprint, published, permalink, tags, related) of the entries `ids`
        that were built (of all of them by default)."""
        if ids is None:
            rows = self._read("SELECT id, fp, published, permalink, tags, related FROM entries",
                              ())
        else:
            rows = self._read("SELECT id, fp, published, permalink, tags, related FROM entries"
                              " WHERE id IN (SELECT value FROM json_each(?))",
                              (json.dumps(sorted(ids)),))
        return {r[0]: r for r in rows}

    def _read(self, sql: str, args: tuple[object, ...]) -> list[EntryRow]:
        if self.path is None:
            return []
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'entries'").fetchone():
                return []
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()


def _load_manifest(path: Path) -> Manifest:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall()
                        if "meta" in tables else [])
        finally:
            conn.close()
        pages = PageIndex(path)
        len(pages)  # fails here, not later, when the file is no manifest
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path}: unreadable publish manifest ({exc}); remove the folder "
                         "or publish with --full") from exc
    return Manifest(pages, path, meta)


class Output:
    """The output folder of one publish run. Use as a context manager (it holds a lock)."""

    def __init__(self, out_dir: Path, *, full: bool = False) -> None:
        # A symlinked folder is written where it points: the swap keeps the link (it swapped it).
        self.out = Path(os.path.realpath(out_dir))
        if self.out.exists() and not self.out.is_dir():
            raise InputError(f"{out_dir}: exists and is not a folder")
        manifest = self.out / MANIFEST
        if self.out.exists() and not manifest.exists() and any(self.out.iterdir()):
            raise InputError(f"{out_dir}: folder is not empty and was not written by "
                             "`kirinuki publish`; choose a new or empty folder")
        self.manifest = Manifest() if full or not manifest.exists() else _load_manifest(manifest)
        self.old = self.manifest.pages
        self.stage_dir = self.out.parent / f".{self.out.name}.staging"
        self.staged = True
        self.root = self.stage_dir
        self._lock: IO[bytes] | None = None
        self._dirs: set[str] = set()
        self._writer: tuple[int, ThreadPoolExecutor] | None = None
        self._pending: list[Future[None]] = []
        self._batch: list[tuple[str, bytes]] = []
        self.discarding: list[subprocess.Popen[bytes]] = []  # removing old trees

    def __enter__(self) -> Output:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self._lock = (self.out.parent / f".{self.out.name}.lock").open("wb")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            self._lock.close()
            raise ConflictError(f"{self.out}: another publish is writing this folder") from exc
        for tree in leftovers(self.out):  # set aside by a publish whose removal was cut short
            self.discarding += filter(None, [discard(tree, background=True)])
        return self

    def __exit__(self, *exc: object) -> None:
        if self._writer is not None and self._writer[0] == os.getpid():
            self._writer[1].shutdown()
        self.old.close()
        if self.staged and self.stage_dir.exists():
            shutil.rmtree(self.stage_dir, ignore_errors=True)
        if self._lock is not None:
            self._lock.close()

    def old_sig(self, path: str) -> str | None:
        """The signature recorded for `path` by the previous build, if any."""
        return rec[0] if (rec := self.old.get(path)) else None

    def old_sha(self, path: str) -> str | None:
        """The content hash recorded for `path` by the previous build, if any."""
        return rec[1] if (rec := self.old.get(path)) else None

    def begin(self, changes: int, total: int) -> None:
        """Choose staging or patching in place for this many changed files out of `total`."""
        self.staged = not self.old or changes > max(STAGE_MIN, total // 20)
        self.root = self.stage_dir if self.staged else self.out
        if self.staged:
            if self.stage_dir.is_symlink() or self.stage_dir.is_file():  # left by a crash
                self.stage_dir.unlink()
            shutil.rmtree(self.stage_dir, ignore_errors=True)
            self.stage_dir.mkdir()

    def _parent(self, target: str) -> None:
        parent = target.rpartition("/")[0]
        if parent not in self._dirs:
            # One mkdir for the usual case (the parent's parent exists already): makedirs
            # first checks every level (a stat and a mkdir per entry page's folder).
            try:
                os.mkdir(parent)
            except FileExistsError:
                pass
            except FileNotFoundError:
                os.makedirs(parent, exist_ok=True)
            self._dirs.add(parent)

    def put(self, path: str, data: bytes) -> tuple[str, bool]:
        """Write the page `path` unless its bytes are what the old build holds.

        Returns (content hash, whether bytes were written).
        """
        sha = content_hash(data)
        if sha == self.old_sha(path) and self.keep(path):
            return sha, False
        # Plain strings and file descriptors: 222k files at 100k entries, where pathlib and
        # buffered files cost ~30 µs a file (profiled).
        target = f"{self.root}/{path}"
        if self.staged:
            self._batch.append((target, data))
            if len(self._batch) >= WRITE_BATCH:
                self._submit()
        else:
            self._parent(target)
            head, _, name = target.rpartition("/")
            tmp = f"{head}/.{name}.{os.getpid()}.tmp"
            _write_file(tmp, data)
            os.replace(tmp, target)
        return sha, True

    def _create(self, batch: list[tuple[str, bytes]]) -> None:
        for target, data in batch:
            self._parent(target)
            _write_file(target, data)

    def _submit(self) -> None:
        batch, self._batch = self._batch, []
        if batch:
            self._pending.append(self._thread().submit(self._create, batch))

    def _thread(self) -> ThreadPoolExecutor:
        """This process's writer threads (see WRITER_THREADS): they write while the process
        renders the next pages (the GIL is released in the system calls)."""
        pid = os.getpid()
        if self._writer is None or self._writer[0] != pid:  # a forked worker starts its own
            self._writer = (pid, ThreadPoolExecutor(WRITER_THREADS, "publish-writer"))
            self._pending = []
        return self._writer[1]

    def flush(self) -> None:
        """Wait until every file `put` so far is written; raise the first error."""
        self._submit()
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()

    def stop_writer(self) -> None:
        """Write what is pending and end the writer threads (before a fork: no inherited locks)."""
        self.flush()
        if self._writer is not None and self._writer[0] == os.getpid():
            self._writer[1].shutdown()
        self._writer = None

    def keep(self, path: str) -> bool:
        """Carry the old build's file over unchanged; False when it is missing."""
        if not self.staged:
            return (self.out / path).exists()
        target = self.stage_dir / path
        self._parent(str(target))
        try:
            os.link(self.out / path, target)
        except FileNotFoundError:
            return False
        except OSError:
            shutil.copy2(self.out / path, target)
        return True

    def finish(self, records: dict[str, tuple[str, str]], removed: Iterable[str],
               entries: list[EntryRow], gone_entries: Iterable[int], meta: dict[str, str]
               ) -> None:
        """Record the manifest and put the new site in place (atomically when staged);
        `entries`: the entry records to store (all when staged, else those that changed),
        `gone_entries`: the ids to forget."""
        self.old.close()
        if self.staged:
            self._write_manifest(self.stage_dir / MANIFEST, records, (), entries, (), meta,
                                 full=True)
            self._swap(len(records))
            return
        removed = list(removed)
        for path in removed:
            (self.out / path).unlink(missing_ok=True)
        self._write_manifest(self.out / MANIFEST, records, removed, entries, gone_entries,
                             meta, full=False)

    def _write_manifest(self, target: Path, records: dict[str, tuple[str, str]],
                        removed: Iterable[str], entries: list[EntryRow],
                        gone_entries: Iterable[int], meta: dict[str, str], *,
                        full: bool) -> None:
        conn = sqlite3.connect(target, isolation_level=None)
        try:
            for statement in _SCHEMA:
                conn.execute(statement)
            conn.execute("BEGIN")
            if full:
                conn.execute("DELETE FROM pages")
                conn.execute("DELETE FROM entries")
            conn.executemany("INSERT OR REPLACE INTO pages(path, sig, sha) VALUES (?,?,?)",
                             [(p, s, h) for p, (s, h) in records.items()])
            conn.executemany("DELETE FROM pages WHERE path = ?", [(p,) for p in removed])
            conn.executemany("INSERT OR REPLACE INTO entries VALUES (?,?,?,?,?,?)", entries)
            conn.executemany("DELETE FROM entries WHERE id = ?", [(i,) for i in gone_entries])
            conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?,?)",
                             list(meta.items()))
            conn.execute("COMMIT")
        finally:
            conn.close()

    def _swap(self, files: int) -> None:
        """Put the staged tree in place; the old one (about `files` files) is discarded."""
        if not self.out.exists():
            os.rename(self.stage_dir, self.out)
            return
        if not exchange(self.stage_dir, self.out):
            # No atomic exchange on this system: two renames leave a moment without a site.
            old = self.out.parent / f".{self.out.name}.old"
            shutil.rmtree(old, ignore_errors=True)
            os.rename(self.out, old)
            os.rename(self.stage_dir, self.out)
            self.stage_dir = old
        trash = trash_name(self.out)
        os.rename(self.stage_dir, trash)
        self.discarding += filter(None, [discard(trash, background=files >= BACKGROUND_MIN)])
