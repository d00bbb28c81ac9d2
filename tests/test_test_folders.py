"""Where the tests' own folders go: /dev/shm when it runs programs and has room, else the
default (tests/conftest.py, `memory_folder`); new journals copied from a template."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests import conftest

GIB = 1 << 30


def _meminfo(tmp_path: Path, available: int) -> Path:
    path = tmp_path / "meminfo"
    path.write_text(f"MemTotal: {64 * GIB >> 10} kB\nMemAvailable: {available >> 10} kB\n",
                    encoding="ascii")
    return path


@pytest.mark.parametrize(("free", "available", "noexec", "chosen"), [
    (24 * GIB, 20 * GIB, False, True),
    (24 * GIB, 20 * GIB, True, False),   # mounted noexec: the README test's shim would not run
    (64 << 20, 20 * GIB, False, False),  # a container's 64 MB /dev/shm
    (24 * GIB, 2 * GIB, False, False),   # room in the folder, not in memory
], ids=["room", "noexec", "small", "low-memory"])
def test_memory_folder_only_where_programs_run_and_there_is_room(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, free: int, available: int,
        noexec: bool, chosen: bool) -> None:
    flag = getattr(os, "ST_NOEXEC", 8) if noexec else 0
    monkeypatch.setattr(os, "ST_NOEXEC", getattr(os, "ST_NOEXEC", 8), raising=False)
    monkeypatch.setattr(os, "statvfs", lambda _p: SimpleNamespace(
        f_bavail=free // 4096, f_frsize=4096, f_flag=flag))
    got = conftest.memory_folder(tmp_path, _meminfo(tmp_path, available))
    assert got == (tmp_path if chosen else None)


def test_no_memory_folder_without_the_folder_or_meminfo(tmp_path: Path) -> None:
    assert conftest.memory_folder(tmp_path / "absent", _meminfo(tmp_path, 20 * GIB)) is None
    assert conftest.memory_folder(tmp_path, tmp_path / "no-meminfo") is None


def _facts(conn: sqlite3.Connection) -> list[object]:
    pragmas = [conn.execute(f"PRAGMA {p}").fetchone()[0] for p in (
        "encoding", "page_size", "auto_vacuum", "journal_mode", "user_version",
        "application_id", "page_count", "freelist_count")]
    schema = sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    content = {name: sorted(conn.execute(f'SELECT * FROM "{name}"'), key=repr)
               for _t, name, _n, _s in schema if _t == "table" and "search_" not in name}
    return [pragmas, schema, content]


@pytest.mark.parametrize("where", ["file", "memory"])
def test_a_journal_from_the_template_is_the_one_the_migrations_make(tmp_path: Path,
                                                                      where: str) -> None:
    from kirinuki.store.sqlite import db

    made_path, copy_path = (str(tmp_path / "made.db"), str(tmp_path / "copy.db")) \
        if where == "file" else (":memory:", ":memory:")
    made = db._connect(made_path)
    db.migrate.__wrapped__(made, 0)  # type: ignore[attr-defined]
    copy = db.open_store(copy_path, create=True)
    assert db.migrate is not db.migrate.__wrapped__  # type: ignore[attr-defined]
    assert _facts(copy.conn) == _facts(made)
    copy.close()
    made.close()
