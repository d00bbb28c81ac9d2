"""Looking after the journal file: `kirinuki check`."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from kirinuki.errors import JournalError
from kirinuki.store import open_store
from kirinuki.store.sqlite.check import check_store, quick_check
from kirinuki.store.sqlite.stats import journal_stats


@dataclass
class CheckReport:
    """What `check_path` found: problems (one line each) and what it looked at."""

    problems: list[str] = field(default_factory=list)
    entries: int = 0
    clips: int = 0


def check_path(path: str) -> CheckReport:
    """Run SQLite's integrity and foreign key checks and kirinuki's own checks (stored values,
    search index, id marks) on the journal at `path`. Reads the whole file; writes nothing
    (a journal of an older schema is migrated first, as by any command).

    Raises JournalError when `path` is no journal at all (missing, another kind of file, a
    newer schema); a journal too damaged to open is reported as a problem."""
    try:
        store = open_store(path)
    except JournalError as exc:
        cause = exc.__cause__
        if isinstance(cause, sqlite3.DatabaseError) and "not a database" not in str(cause):
            return CheckReport(problems=[f"the file cannot be opened: {cause}"])
        raise
    except sqlite3.DatabaseError as exc:  # met while migrating
        return CheckReport(problems=[f"the file cannot be opened: {exc}"])
    try:
        store.map_memory(False)  # every page is read once: mapped, all would count as ours
        report = CheckReport(problems=check_store(store))
        if not report.problems:
            stats = journal_stats(store)
            report.entries, report.clips = stats.entries, stats.clips
        return report
    finally:
        store.close()


def damage_found(path: str) -> str | None:
    """A line naming damage in the journal at `path` that SQLite's quick check or the stored
    values check sees, or None. Used after an unexpected error, to tell a damaged journal
    (reported as such) from a fault in kirinuki (left to show its traceback)."""
    try:
        store = open_store(path)
    except (JournalError, sqlite3.DatabaseError) as exc:
        return str(exc.__cause__ or exc)
    try:
        store.map_memory(False)
        problems = quick_check(store)
        return problems[0] if problems else None
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        store.close()
