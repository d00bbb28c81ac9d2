"""The stored analysis of a journal, as row counts and digests: the check that a change to the
analysis's speed left its results alone.

A copy of the journal (a fresh import, say) is analysed as its first publish would
(`catch_up_analysis`, with `--jobs` forked workers), timed stage by stage, and each analysis
table is printed with its row count and the sha256 of its sorted rows. Run it once with the
code before the change (PYTHONPATH=<other checkout>) and once after, on the same journal: the
lines of the tables must be the same. Heavy at 10k entries (~45 s of CPU): under the bench lock.

    .venv/bin/python bench/analysis_tables.py /tmp/j10000.db --jobs 2
    PYTHONPATH=/tmp/before .venv/bin/python bench/analysis_tables.py /tmp/j10000.db --jobs 2
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

# What the first publish finds and keeps (the sketches are not compared: their bytes hold the
# version of the sketch format, and the links they give are what matters).
TABLES = ("clip_versions", "clip_statements", "entry_features", "entry_suggestions",
          "suggestion_state", "statements_todo", "analysis_hidden")


def digests(path: Path) -> list[tuple[str, int, str]]:
    """(table, rows, sha256 of its sorted rows) of each analysis table of the journal."""
    con = sqlite3.connect(path)
    try:
        out = []
        for table in TABLES:
            rows = sorted(map(repr, con.execute(f"SELECT * FROM {table}")))  # noqa: S608
            out.append((table, len(rows),
                        hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()[:16]))
        return out
    finally:
        con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("journal", type=Path, help="left as it is: a copy is analysed")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (as publish forks)")
    args = ap.parse_args()
    import kirinuki
    from kirinuki.journal import open_journal
    from kirinuki.journal.analysis import catch_up_analysis
    from kirinuki.journal.versions_bulk import bulk_analysis
    print(f"code of {Path(kirinuki.__file__).parent}, load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "journal.db"
        shutil.copy(args.journal, copy)
        start, cpu = time.perf_counter(), time.process_time()

        def progress(stage: str, _done: int, _total: int) -> None:
            if progress.last != stage:  # type: ignore[attr-defined]
                progress.last = stage  # type: ignore[attr-defined]
                print(f"  {time.perf_counter() - start:7.1f} s {stage}", flush=True)

        progress.last = ""  # type: ignore[attr-defined]
        journal = open_journal(str(copy))
        with bulk_analysis(args.jobs, progress):
            catch_up_analysis(journal)
        journal.store.close()
        own, workers = time.process_time() - cpu, os.times()
        print(f"analysis {time.perf_counter() - start:.1f} s, {own:.1f} s CPU here + "
              f"{workers.children_user + workers.children_system:.1f} s in workers, "
              f"load {os.getloadavg()[0]:.1f}")
        for table, n, digest in digests(copy):
            print(f"{table}: {n} rows {digest}")


if __name__ == "__main__":
    main()
