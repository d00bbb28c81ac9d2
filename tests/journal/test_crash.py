"""Crash safety: SIGKILL an import at several random moments; the journal stays whole and a
re-run ends with exactly the expected entries."""

from __future__ import annotations

import hashlib
import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kirinuki.journal.serial import entry_record
from kirinuki.model import Status
from kirinuki.text.cliptext import parse

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
KIRINUKI = str(Path(sys.executable).parent / "kirinuki")


def _write_jsonl(path: Path, n: int) -> None:
    import corpus  # the deterministic synthetic corpus of the benchmarks

    with path.open("w", encoding="utf-8") as fh:
        for e in corpus.generate_entries(n, seed=3):
            entry = parse(e.text)
            entry.key = "sha256:" + hashlib.sha256(e.text.encode()).hexdigest()
            entry.published = e.published
            entry.status = Status.PUBLISHED
            fh.write(json.dumps(entry_record(entry, {}), ensure_ascii=False) + "\n")


def _counts(db: Path) -> tuple[str, int, int]:
    conn = sqlite3.connect(db)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
        n, distinct = conn.execute("SELECT count(*), count(DISTINCT key) FROM entries").fetchone()
        orphans = conn.execute(
            "SELECT count(*) FROM clips WHERE group_id NOT IN (SELECT id FROM groups)"
        ).fetchone()[0]
        assert orphans == 0
        return ok, n, distinct
    finally:
        conn.close()


def _kill_during_import(db: Path, source: Path, wal_bytes: int) -> None:
    """Start an import and SIGKILL it once its write-ahead log has grown past `wal_bytes`."""
    proc = subprocess.Popen([KIRINUKI, "-j", str(db), "import", str(source)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wal = Path(str(db) + "-wal")
    # Waiting on an observable event (the log growing), polled; not a fixed timer.
    while proc.poll() is None:
        if wal.exists() and wal.stat().st_size >= wal_bytes:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    proc.wait()


@pytest.mark.slow
def test_sigkill_at_random_moments_never_corrupts_or_duplicates(tmp_path: Path) -> None:
    first, big = tmp_path / "first.jsonl", tmp_path / "big.jsonl"
    _write_jsonl(big, 12_000)
    with big.open(encoding="utf-8") as fh:  # the first 300 entries of the big file
        first.write_text("".join(next(fh) for _ in range(300)), encoding="utf-8")
    db = tmp_path / "j.db"
    subprocess.run([KIRINUKI, "-j", str(db), "init"], check=True, capture_output=True)
    subprocess.run([KIRINUKI, "-j", str(db), "import", str(first)], check=True,
                   capture_output=True)
    rng = random.Random(20261125)
    for _ in range(4):
        _kill_during_import(db, big, rng.randrange(200_000, 8_000_000))
        ok, n, distinct = _counts(db)
        assert ok == "ok"
        assert n == distinct == 300  # the killed import left nothing half-written
    r = subprocess.run([KIRINUKI, "-j", str(db), "import", str(big)], capture_output=True,
                       text=True, check=True)
    assert "entries 11700 added, 300 already present" in r.stdout
    ok, n, distinct = _counts(db)
    assert (ok, n, distinct) == ("ok", 12_000, 12_000)
