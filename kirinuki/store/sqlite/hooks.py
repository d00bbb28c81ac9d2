"""Derived data kept in step with entry writes, in the same transaction.

Every write path of `entries` calls these, so that no write can forget them. The store's own
derived data (the search index, the statements to read) is listed here; the journal adds its
hooks (the duplicate index) when it opens a journal (`journal.core.add_journal_hooks`): nothing
registers itself by being imported. Hooks take a list of entry ids because imports write
entries in batches of hundreds: a hook can then do its work in a few statements instead of one
per entry.
"""

from __future__ import annotations

from collections.abc import Callable

from kirinuki.model import Entry
from kirinuki.store.sqlite import search, story
from kirinuki.store.sqlite.db import Store

Hook = Callable[[Store, list[int]], None]

# Run in this order; `add_hooks` appends.
_written: list[Hook] = [search.index_entries, story.add_todo]
_removing: list[Hook] = [search.unindex_entries]


def add_hooks(written: Hook, removing: Hook) -> None:
    """Run `written(store, entry_ids)` after entries' rows are inserted (or re-inserted) and
    `removing(store, entry_ids)` before they are deleted (or replaced), after the hooks there
    are; adding the same hooks again changes nothing."""
    if written not in _written:
        _written.append(written)
    if removing not in _removing:
        _removing.append(removing)


def entries_written(store: Store, entry_ids: list[int], entries: list[Entry] | None = None,
                    ) -> None:
    """Run the written hooks for `entry_ids` (inside the writer's transaction); `entries`,
    when given, are those entries as just stored (ids set), offered in `store.written`."""
    store.written = {e.id: e for e in entries if e.id is not None} if entries else {}
    try:
        for hook in _written:
            hook(store, entry_ids)
    finally:
        store.written = {}


def entries_removing(store: Store, entry_ids: list[int]) -> None:
    """Run the removing hooks for `entry_ids` (inside the writer's transaction)."""
    for hook in _removing:
        hook(store, entry_ids)
