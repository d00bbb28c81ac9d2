"""Derived data kept in step with entry writes, in the same transaction.

Every write path of `entries` calls these; derived indexes (search) register here so that no
write can forget them. Hooks take a list of entry ids because imports write entries in batches
of hundreds: a hook can then do its work in a few statements instead of one per entry.
"""

from __future__ import annotations

from collections.abc import Callable

from kirinuki.model import Entry
from kirinuki.store.sqlite.db import Store

Hook = Callable[[Store, list[int]], None]

_written: list[Hook] = []
_removing: list[Hook] = []


def on_entries_written(hook: Hook) -> Hook:
    """Register `hook(store, entry_ids)`, run after entries' rows are inserted (or re-inserted)."""
    _written.append(hook)
    return hook


def on_entries_removing(hook: Hook) -> Hook:
    """Register `hook(store, entry_ids)`, run before entries' rows are deleted (or replaced)."""
    _removing.append(hook)
    return hook


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
