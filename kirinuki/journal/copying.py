"""`kirinuki journal copy`: one journal copied into a new one, between backends.

The copy is the JSON Lines export of the source fed to the import of the destination, record by
record (nothing is held whole in memory), in one transaction: the destination's export then
equals the source's. The accounts come along (names, roles, password hashes); what else an
export leaves out stays behind: sessions and API tokens (create them again on the copy), and
the trash.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kirinuki.errors import InputError
from kirinuki.journal.accounts import copy_accounts
from kirinuki.journal.core import Journal, init_journal, open_journal
from kirinuki.journal.exporting import jsonl_records
from kirinuki.journal.importing import Batch, ImportSummary, Progress, import_records
from kirinuki.store.sqlite import articles as article_rows
from kirinuki.store.sqlite.stats import journal_stats


def shown_journal(path: str) -> str:
    """A journal path or URL as a message shows it (without a password)."""
    return re.sub(r"//([^:/@]*):[^@/]*@", r"//\1@", path)


def copy_journal(src: str, dst: str, progress: Progress | None = None) -> ImportSummary:
    """Copy the journal at `src` into a new journal at `dst` (a file or a PostgreSQL URL).

    Raises InputError when both name the same journal, JournalError when `src` is no journal
    or `dst` already holds one; nothing is left at `dst` half written (one transaction)."""
    if src == dst:
        raise InputError("the source and the destination are the same journal")
    with open_journal(src) as source:
        total = journal_stats(source.store).entries + article_rows.article_count(source.store) + 1
        with init_journal(dst) as target:
            return _copy(source, target, total, progress)


def _copy(source: Journal, target: Journal, total: int,
          progress: Progress | None) -> ImportSummary:
    summary = ImportSummary()
    store = target.store

    def records() -> Iterator[tuple[str, int, dict[str, Any]]]:
        for n, rec in enumerate(jsonl_records(source), 1):
            yield f"record {n}", n, rec

    store.set_bulk(True)
    try:
        with store.transaction():
            batch = Batch(target, summary)
            import_records(target, records(), total, batch, progress)
            batch.flush()
            copy_accounts(source, target)
    finally:
        store.set_bulk(False)
    return summary
