"""`kirinuki journal copy`: one journal copied into a new one, between backends.

The copy is the JSON Lines export of the journal copied fed to the import of the new one,
record by record (nothing is held whole in memory), in one transaction: the new journal's
export then equals the original's. The accounts come along (names, roles, password hashes); what else an
export leaves out stays behind: sessions and API tokens (create them again on the copy), and
the trash. The analysis of the copy (versions, statements, related entries) is then brought up
to date, so the first `serve` or `publish` on it does not do all of it (`analyse_copy`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

from kirinuki.errors import InputError
from kirinuki.journal.accounts import copy_accounts
from kirinuki.journal.analysis import CaughtUp, catch_up_analysis
from kirinuki.journal.core import Journal, init_journal, open_journal
from kirinuki.journal.exporting import jsonl_records
from kirinuki.journal.importing import Batch, ImportSummary, Progress
from kirinuki.journal.importing_records import import_records
from kirinuki.journal.versions_bulk import Progress as AnalysisProgress
from kirinuki.journal.versions_bulk import bulk_analysis
from kirinuki.store.sqlite import articles as article_rows
from kirinuki.store.sqlite.stats import journal_stats


def shown_journal(path: str) -> str:
    """A journal path or URL as a message shows it (without a password)."""
    return re.sub(r"//([^:/@]*):[^@/]*@", r"//\1@", path)


def copy_journal(src: str, dst: str, progress: Progress | None = None, *,
                 analyse: bool = True, analysis_progress: AnalysisProgress | None = None,
                 jobs: int | None = None) -> ImportSummary:
    """Copy the journal at `src` into a new journal at `dst` (a file or a PostgreSQL URL), then
    (with `analyse`) bring the copy's analysis up to date (`analyse_copy`).

    Raises InputError when both name the same journal, JournalError when `src` is no journal
    or `dst` already holds one; nothing is left at `dst` half written (one transaction). An
    analysis cut short leaves a complete copy: what is missing is done by its next reader."""
    if src == dst:
        raise InputError("the source and the destination are the same journal")
    with open_journal(src) as from_journal:
        total = journal_stats(from_journal.store).entries + article_rows.article_count(from_journal.store) + 1
        with init_journal(dst) as to_journal:
            summary = _copy(from_journal, to_journal, total, progress)
            if analyse:
                analyse_copy(to_journal, analysis_progress, jobs)
            return summary


def analyse_copy(journal: Journal, progress: AnalysisProgress | None = None,
                 jobs: int | None = None) -> CaughtUp | None:
    """Bring every analysis result of a freshly copied journal up to date, in `jobs` forked
    workers where the backend allows (default: one per CPU), reporting its stages to
    `progress(stage, done, total)`. None when another process (a `serve` already started on
    the copy) holds the journal's analysis lock: that process does the work."""
    with journal.store.exclusive("analysis") as held:
        if not held:
            return None
        with bulk_analysis(jobs or os.cpu_count() or 1, progress):
            return catch_up_analysis(journal)


def _copy(from_journal: Journal, to_journal: Journal, total: int,
          progress: Progress | None) -> ImportSummary:
    summary = ImportSummary()
    store = to_journal.store

    def records() -> Iterator[tuple[str, int, dict[str, Any]]]:
        for n, rec in enumerate(jsonl_records(from_journal), 1):
            yield f"record {n}", n, rec

    store.set_bulk(True)
    try:
        with store.transaction():
            batch = Batch(to_journal, summary)
            import_records(to_journal, records(), total, batch, progress)
            batch.flush()
            copy_accounts(from_journal, to_journal)
        # PostgreSQL's planner knows nothing of the new rows until they are analysed: an entry
        # page read its clips by a scan of the whole table (figures: docs/web.md).
        store.release_free_pages()
    finally:
        store.set_bulk(False)
    return summary
