"""Reading the journal: entries, tags, statistics."""

from __future__ import annotations

from kirinuki.errors import NotFoundError
from kirinuki.journal.core import Journal
from kirinuki.model import Entry, EntrySummary, Stats, Status, TagCount
from kirinuki.store.sqlite import entries as entry_rows
from kirinuki.store.sqlite import entry_loading
from kirinuki.store.sqlite import tags as tag_rows
from kirinuki.store.sqlite.stats import journal_stats
from kirinuki.text.normalize import as_id, tag_key


def resolve_entry_id(journal: Journal, ref: str) -> int:
    """The id of the entry named by `ref`: an id, or a permalink. Raises NotFoundError."""
    ref = ref.strip()
    eid = as_id(ref)
    if eid is not None:
        if not entry_rows.entry_exists(journal.store, eid):
            eid = None
    else:
        link = ref if ref.startswith("/") else "/" + ref
        eid = entry_rows.find_entry_id(journal.store, permalink=link.rstrip("/"))
    if eid is None:
        raise NotFoundError(f"no entry {ref!r} (see `kirinuki entries list`)")
    return eid


def get_entry(journal: Journal, ref: str | int) -> Entry:
    """The whole entry named by `ref` (id or permalink). Raises NotFoundError."""
    eid = ref if isinstance(ref, int) else resolve_entry_id(journal, ref)
    entry = entry_rows.get_entry(journal.store, eid)
    if entry is None:
        raise NotFoundError(f"no entry {ref!r} (see `kirinuki entries list`)")
    return entry


def list_entries(journal: Journal, *, limit: int = 50, offset: int = 0,
                 status: Status | None = None, tag: str | None = None,
                 month: str | None = None, text: str | None = None) -> list[EntrySummary]:
    """Entries newest first; filtered by status, tag name, month (`YYYY-MM`) and text."""
    return entry_loading.list_entries(journal.store, limit=limit, offset=offset, status=status,
                                   tag=tag_key(tag) if tag else None, month=month,
                                   text=text or None)


def draft_count(journal: Journal) -> int:
    """How many entries are drafts (left out of the published site)."""
    return entry_rows.count_drafts(journal.store)


def tag_counts(journal: Journal) -> list[TagCount]:
    """Every used tag with its counts, most used first."""
    return tag_rows.tag_counts(journal.store)


def stats(journal: Journal) -> Stats:
    """Counts over the whole journal."""
    return journal_stats(journal.store)
