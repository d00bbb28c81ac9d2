"""Writes made only while an entry is still at the revision a client read.

Every stored write of an entry raises its revision by one (`store.sqlite.entries`), so a
client that read revision 4 and sends its change "if still 4" (HTTP If-Match) has it refused
when someone else wrote in between, instead of silently writing over their change. The check
and the write share one transaction: two writers cannot both pass the check.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from kirinuki.errors import NotFoundError, PreconditionFailedError
from kirinuki.journal.core import Journal
from kirinuki.store.sqlite import entries as entry_rows


@contextmanager
def at_revision(journal: Journal, entry_id: int, accepted: set[int] | None) -> Iterator[None]:
    """A write transaction that goes ahead only while entry `entry_id` is at one of the
    `accepted` revisions (None: any). Raises NotFoundError, PreconditionFailedError."""
    with journal.store.transaction():
        if accepted is not None:
            stored = entry_rows.entry_revision(journal.store, entry_id)
            if stored is None:
                raise NotFoundError(f"no entry {entry_id}")
            if stored not in accepted:
                raise PreconditionFailedError(
                    f"entry {entry_id} is at revision {stored}, not the one the request names "
                    "(If-Match): read it again and apply the change to it", stored)
        yield


def clip_entry_id(journal: Journal, clip_id: int) -> int:
    """The id of the entry holding clip `clip_id`. Raises NotFoundError."""
    eid = entry_rows.entry_of_clip(journal.store, clip_id)
    if eid is None:
        raise NotFoundError(f"no clip {clip_id}")
    return eid
