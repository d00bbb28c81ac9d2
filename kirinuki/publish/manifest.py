"""The manifest part of the site state (`state.py`): what the last build wrote (each file's
path, the signature of its inputs and the hash of its bytes; each entry's record; a few
settings).

It names the tree it describes (device and inode of the folder), so a staged build, whose new
tree is swapped in before its state file is renamed into place, is known whichever of the two
steps a killed publish reached. Manifests kept inside the folder by earlier versions are moved
out (`adopt_legacy`).

A connection to it never crosses a fork: each process opens its own (a forked worker that
used its parent's connection failed with `sqlite3.ProgrammingError`, and SQLite forbids it).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kirinuki.errors import InputError, OutputError
from kirinuki.publish.state import open_ro as _open_ro
from kirinuki.publish.state import open_rw as _open_rw
from kirinuki.publish.state import roll_back as _roll_back
from kirinuki.publish.state import state_path

LEGACY = ".kirinuki-publish.db"  # inside the served folder, before
# The meta key of the count of `pages` rows and the newest row's id, recorded with them (a
# manifest written since by an earlier version has another newest row: its rows are counted).
FILES = "files"
EntryRow = tuple[int, str, str, str, str, str]


def tree_id(folder: Path) -> str:
    """What tells the tree at `folder` from another (one swapped in, or made anew)."""
    st = os.stat(folder)
    return f"{st.st_dev}:{st.st_ino}"


def describes(path: Path, out: Path, sha_of: Callable[[bytes], str]) -> bool:
    """Whether the manifest at `path` is the one of the folder `out` as it is: the same tree
    (device and inode) holding the front page it recorded (an inode number comes back when a
    folder is removed and another made)."""
    try:
        conn = _open_ro(path)
        try:
            tree = conn.execute("SELECT value FROM meta WHERE key = 'tree'").fetchone()
            front = conn.execute("SELECT sha FROM pages WHERE path = 'index.html'").fetchone()
        finally:
            conn.close()
        if tree is None or tree[0] != tree_id(out):
            return False
        if front is not None and front[0] == "":  # pending: an interrupted patch
            return True
        return front is not None and sha_of((out / "index.html").read_bytes()) == front[0]
    except (sqlite3.DatabaseError, OSError):
        return False


def read_meta(path: Path) -> dict[str, str]:
    """The settings row of the manifest at `path` (empty when it cannot be read)."""
    try:
        conn = _open_ro(path)
        try:
            return dict(conn.execute("SELECT key, value FROM meta").fetchall())
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return {}


def adopt_legacy(out: Path) -> None:
    """Move a manifest kept inside `out` by an earlier version beside it (read, recorded as
    describing this tree, then deleted from the served folder)."""
    legacy, target = out / LEGACY, state_path(out)
    if not legacy.exists():
        return
    if not target.exists():
        tmp = target.with_name(target.name + ".tmp")
        _roll_back(legacy)
        shutil.copyfile(legacy, tmp)
        write_manifest(tmp, {}, (), [], (), {"tree": tree_id(out)}, full=False)
        os.replace(tmp, target)
    for name in (LEGACY, LEGACY + "-journal"):
        (out / name).unlink(missing_ok=True)


class PageIndex(Mapping[str, tuple[str, str]]):
    """The files of the last build (path -> (signature, content hash)), read from the
    manifest on demand: a build that plans a few pages looks up a few rows instead of loading
    hundreds of thousands; iterating loads them all once."""

    def __init__(self, path: Path | None = None, count: int | None = None) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._all: dict[str, tuple[str, str]] | None = None if path else {}
        # Recorded with the rows (`FILES`): counting them reads every row, twice in each
        # publish (docs/publish.md).
        self._count = count

    def _db(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():
            assert self._path is not None
            self._conn, self._pid = _open_ro(self._path), os.getpid()
        return self._conn

    def _load(self) -> dict[str, tuple[str, str]]:
        if self._all is None:
            self._all = {r[0]: (r[1], r[2])
                         for r in self._db().execute("SELECT path, sig, sha FROM pages")}
        return self._all

    def get(self, path: str, default: object = None) -> tuple[str, str] | None:  # type: ignore[override]
        """The record of `path`, or None."""
        if self._all is not None:
            return self._all.get(path)
        row = self._db().execute("SELECT sig, sha FROM pages WHERE path = ?", (path,)).fetchone()
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
        if self._all is not None:
            return len(self._all)
        if self._count is None:  # a count reads every row, and a publish asks often
            self._count = self._db().execute("SELECT count(*) FROM pages").fetchone()[0]
        return self._count

    def under(self, prefix: str) -> list[str]:
        """The paths that start with `prefix`."""
        if self._all is not None:
            return [p for p in self._all if p.startswith(prefix)]
        return [r[0] for r in self._db().execute(
            "SELECT path FROM pages WHERE path >= ? AND path < ?", (prefix, prefix + "\U0010ffff"))]

    def release(self) -> None:
        """Close this process's connection (before a fork); the next lookup opens a new one."""
        if self._conn is not None and self._pid == os.getpid():
            self._conn.close()
        self._conn = None

    def close(self) -> None:
        """Close the manifest (before it is rewritten): nothing is looked up after this."""
        self.release()
        if self._all is None:
            self._all = {}


@dataclass
class Manifest:
    """What the last build recorded: its files, its entries, its global signature. The entry
    records are read on first use (a publish with nothing to do never reads them: they were
    nearly all of its time)."""

    pages: PageIndex = field(default_factory=PageIndex)
    path: Path | None = None
    meta: dict[str, str] = field(default_factory=dict)
    _keys: dict[int, EntryRow] | None = None

    def entry_keys(self) -> dict[int, EntryRow]:
        """id -> (id, fingerprint, "", "", "", related) of every entry built: what tells
        whether an entry changed (about half the cost of whole records)."""
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

    def pending(self) -> list[str]:
        """The files an interrupted patch was putting in place (see `mark_pending`)."""
        return [str(name) for name in json.loads(self.meta.get("pending", "[]"))]

    def _read(self, sql: str, args: tuple[object, ...]) -> list[EntryRow]:
        if self.path is None:
            return []
        conn = _open_ro(self.path)
        try:
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'entries'").fetchone():
                return []
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()


def load_manifest(path: Path) -> Manifest:
    """The manifest at `path`. Raises InputError when it is not one."""
    _roll_back(path)
    try:
        conn = _open_ro(path)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall()
                        if "meta" in tables else [])
            # Fails here when it is no manifest; the newest row tells whether the recorded
            # count is still that of the rows (each write of a row gives it a new one).
            newest = conn.execute("SELECT max(rowid) FROM pages").fetchone()[0]
        finally:
            conn.close()
        count, _, last = meta.get(FILES, "").partition(" ")
        pages = PageIndex(path, int(count) if count.isdigit() and last == str(newest)
                          and "pending" not in meta else None)
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path}: unreadable publish manifest ({exc}); remove the folder "
                         "or publish with --full") from exc
    return Manifest(pages, path, meta)


def write_manifest(target: Path, records: Mapping[str, tuple[str, str]],
                   removed: Iterable[str], entries: list[EntryRow],
                   gone_entries: Iterable[int], meta: Mapping[str, str], *, full: bool,
                   drop_meta: Iterable[str] = (), carry: Path | None = None) -> int:
    """Record a build in the manifest at `target` in one transaction (all of it when `full`,
    else as changes), with the blobs of the state file `carry` (the one the build replaces)
    that `target` does not hold yet;
    the number of files it then lists. Raises OutputError when it cannot be written (a full
    disk)."""
    try:
        conn = _open_rw(target)
        try:
            carried = False
            if carry is not None and carry.exists():
                try:  # the state replaced may be damaged: its blobs are then left behind
                    conn.execute("ATTACH DATABASE ? AS old", (str(carry),))
                    carried = conn.execute("SELECT 1 FROM old.sqlite_master WHERE name ="
                                           " 'blobs'").fetchone() is not None
                except sqlite3.DatabaseError:
                    carried = False
            conn.execute("BEGIN")
            if carried:
                # Those it holds are not read at all (the sketch base is its biggest blob).
                conn.execute("INSERT INTO blobs SELECT name, data FROM old.blobs"
                             " WHERE name NOT IN (SELECT name FROM main.blobs)")
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
            conn.executemany("DELETE FROM meta WHERE key = ?", [(k,) for k in drop_meta])
            count = int(conn.execute("SELECT count(*) FROM pages").fetchone()[0])
            newest = conn.execute("SELECT max(rowid) FROM pages").fetchone()[0]
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                         (FILES, f"{count} {newest}"))
            conn.execute("COMMIT")
            return count
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise OutputError(f"{target}: cannot record the publish manifest ({exc})") from exc


def mark_pending(target: Path, paths: list[str]) -> None:
    """Before files are put in place one by one: note them in the manifest and forget their
    recorded signatures and hashes, so that a publish killed meanwhile is followed by one that
    renders them again and removes those no page has any more."""
    try:
        conn = _open_rw(target)
        try:
            conn.execute("BEGIN")
            conn.executemany("INSERT OR REPLACE INTO pages(path, sig, sha) VALUES (?, '', '')",
                             [(p,) for p in paths])
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('pending', ?)",
                         (json.dumps(paths, ensure_ascii=False),))
            conn.execute("DELETE FROM meta WHERE key = ?", (FILES,))
            conn.execute("COMMIT")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise OutputError(f"{target}: cannot record the publish manifest ({exc})") from exc
