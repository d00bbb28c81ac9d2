"""Derived data kept in step with entry writes, in the same transaction.

Every write path of `entries` calls these; derived indexes (search) register here so that no
write can forget them. Each hook runs inside the writer's transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from kirinuki.store.sqlite.db import Store

Hook = Callable[[Store, int], None]

_written: list[Hook] = []
_removing: list[Hook] = []


def on_entry_written(hook: Hook) -> Hook:
    """Register `hook(store, entry_id)` to run after an entry's rows are inserted."""
    _written.append(hook)
    return hook


def on_entry_removing(hook: Hook) -> Hook:
    """Register `hook(store, entry_id)` to run before an entry's rows are deleted."""
    _removing.append(hook)
    return hook


def entry_written(store: Store, entry_id: int) -> None:
    """Run the written hooks for `entry_id`."""
    for hook in _written:
        hook(store, entry_id)


def entry_removing(store: Store, entry_id: int) -> None:
    """Run the removing hooks for `entry_id`."""
    for hook in _removing:
        hook(store, entry_id)
