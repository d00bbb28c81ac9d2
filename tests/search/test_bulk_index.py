"""A bulk import keeps what it learnt of the search index for its transaction: that the index is
in step (read once, not per batch) and where its last clip is while it appends (no binary
search per batch). Row ids stay in date order whatever order its batches come in; on
PostgreSQL, a batch's reads then wait for the writes sent before them once, not three times."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kirinuki.journal import Journal, importing, init_journal
from kirinuki.journal.importing import import_paths
from kirinuki.store.sqlite import entries as entry_rows
from kirinuki.store.sqlite import search as index
from tests.search.conftest import JST, entry
from tests.search.test_search_order import check_order

BASE = datetime(2023, 6, 1, 12, 0, tzinfo=JST)


def counted(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[int]:
    """Count the calls of `owner.name` (one item per call)."""
    calls: list[int] = []
    real: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return calls


@contextmanager
def bulk(j: Journal) -> Iterator[None]:
    j.store.set_bulk(True)
    try:
        with j.store.transaction():
            yield
    finally:
        j.store.set_bulk(False)


def batch(j: Journal, days: range, tag: str) -> None:
    entry_rows.insert_entries(j.store, [
        entry([([f"{tag}の{d}日目の記事です。", f"続報{d}。"], [tag])],
              BASE + timedelta(days=d), f"{tag}{d}") for d in days], datetime.now(JST))


def test_batches_in_any_date_order_keep_the_order_with_fewer_reads(
        any_journal_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with init_journal(any_journal_path, "一括") as j:
        meta = counted(monkeypatch, index, "read_meta")
        brackets = counted(monkeypatch, index, "bracket")
        with bulk(j):
            batch(j, range(5, 10), "先")  # into the empty index: one binary search
            batch(j, range(10, 13), "次")  # after the last clip: none
            batch(j, range(0, 4), "前")  # before it: one per entry (the tail is no use there)
            batch(j, range(13, 15), "後")  # after, but the last batch did not append: one
        assert len(meta) == 1  # the index's state: once per bulk transaction
        assert len(brackets) == 1 + 0 + 4 + 1
        check_order(j)
        assert not j.store.index_fresh and j.store.index_tail is None  # gone with the bulk
        batch_outside = counted(monkeypatch, index, "bracket")
        with j.store.transaction():
            batch(j, range(20, 21), "外")
        assert len(batch_outside) == 1  # outside a bulk import nothing is kept
        check_order(j)


@pytest.mark.database
def test_a_postgresql_bulk_import_waits_for_its_writes_once_a_batch(
        pg_journal_path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kirinuki.store.postgres.connection import PgConnection

    folder = tmp_path / "entries"
    folder.mkdir()
    for d in range(12):
        when = BASE + timedelta(days=d)
        (folder / f"{when:%Y-%m-%d_%H%M%S}.txt").write_text(
            f"{d}日目の記事です。\n\n#一括\n", encoding="utf-8")
    monkeypatch.setattr(importing.Batch, "SIZE", 4)
    waits: list[str] = []
    real_run = PgConnection._run

    def run(self: PgConnection, sql: str, args: Any = None) -> Any:  # noqa: ANN401
        if self.sender.busy:
            waits.append(sql)
        return real_run(self, sql, args)

    monkeypatch.setattr(PgConnection, "_run", run)
    with init_journal(pg_journal_path, "一括") as j:
        summary = import_paths(j, [str(folder)])
        assert summary.entries_added == 12
        # Three batches. Each but the first waits once for the last one's rows, when it asks
        # which of its keys are stored; the index's state is read once; ids are reserved
        # before a batch's rows are sent, so they never wait. (A new tag is read after them.)
        assert sum("FROM trash" in w for w in waits) == 2, waits
        assert sum("FROM search_meta" in w for w in waits) == 1, waits
        assert not any("id_marks" in w for w in waits), waits
        check_order(j)
