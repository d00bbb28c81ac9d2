"""Two `kirinuki import` processes on one journal at once (issue 16, "Also check"): both
succeed, one after the other, or one stops with a clear message; no traceback, no damage."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kirinuki.errors import JournalBusyError
from kirinuki.journal import import_paths, init_journal, open_journal
from kirinuki.store.sqlite.db import database_error

ROOT = Path(__file__).resolve().parents[2]


def _folder(tmp_path: Path, name: str, day: int, n: int) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for i in range(n):
        (folder / f"2024-02-{day:02d}_{i // 60:02d}{i % 60:02d}00.txt").write_text(
            f"{name}の{i}番目の切り抜きです。\n#{name}\n", encoding="utf-8")
    return folder


def _kirinuki(journal: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("KIRINUKI_JOURNAL", None)
    return subprocess.Popen([sys.executable, "-m", "kirinuki", "-j", str(journal), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


@pytest.mark.slow
def test_two_imports_at_once_both_succeed(tmp_path: Path) -> None:
    journal = tmp_path / "j.db"
    init_journal(str(journal)).close()
    a, b = _folder(tmp_path, "甲", 1, 400), _folder(tmp_path, "乙", 2, 400)
    # Another writer holds the journal longer than SQLite's usual 5 s wait while both start.
    holder = sqlite3.connect(journal, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    start = time.monotonic()
    procs = [_kirinuki(journal, "import", str(a)), _kirinuki(journal, "import", str(b))]
    other = _kirinuki(journal, "reindex")  # an ordinary write waits 5 s, then gives up cleanly
    _, err = other.communicate(timeout=120)
    assert "Traceback" not in err and other.returncode == 1
    assert err.strip().splitlines()[-1] == (
        f"error: {journal}: the journal is busy: another kirinuki process is writing to it; "
        "try again when it has finished")
    time.sleep(max(0.0, 6.5 - (time.monotonic() - start)))  # the imports waited over 5 s
    holder.execute("ROLLBACK")
    holder.close()
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert "Traceback" not in err and p.returncode == 0, err
        assert "entries 400 added" in out
    check = _kirinuki(journal, "check")
    assert check.communicate(timeout=120)[0].startswith("ok:") and check.returncode == 0
    with open_journal(str(journal)) as j:
        assert j.store.conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 800


@pytest.mark.slow
def test_the_same_folder_imported_twice_at_once_adds_it_once(tmp_path: Path) -> None:
    journal = tmp_path / "j.db"
    init_journal(str(journal)).close()
    a = _folder(tmp_path, "丙", 3, 600)
    procs = [_kirinuki(journal, "import", str(a)) for _ in range(2)]
    outs = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    assert all(code == 0 and "Traceback" not in err for _, err, code in outs)
    assert sorted("entries 600 added" in out for out, _, _ in outs) == [False, True]
    with open_journal(str(journal)) as j:
        assert j.store.conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 600


def test_an_import_waits_for_a_writer_instead_of_failing(tmp_path: Path) -> None:
    """In-process: the import's wait is longer than the 5 s every other write gets."""
    journal = tmp_path / "j.db"
    with init_journal(str(journal)) as j:
        seen = []
        real = j.store.transaction

        def spy():  # type: ignore[no-untyped-def]
            seen.append(j.store.conn.execute("PRAGMA busy_timeout").fetchone()[0])
            return real()

        j.store.transaction = spy  # type: ignore[method-assign]
        import_paths(j, [str(_folder(tmp_path, "丁", 4, 1))])
        assert seen and seen[0] >= 600_000
        assert j.store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_busy_and_damaged_errors_read_as_one_line() -> None:
    busy = database_error(sqlite3.OperationalError("database is locked"), "j.db")
    assert isinstance(busy, JournalBusyError) and "the journal is busy" in str(busy)
    bad = database_error(sqlite3.DatabaseError("database disk image is malformed"), "j.db")
    assert "damaged" in str(bad) and "kirinuki check" in str(bad)
    io = database_error(sqlite3.OperationalError("disk I/O error"), "j.db")
    assert "truncated or damaged" in str(io)
