"""The trash: deleting an entry, or removing groups and clips from one, keeps them here until
they are restored (same ids, same permalink) or purged. Each function is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kirinuki.errors import ConflictError, InputError, NotFoundError
from kirinuki.journal.core import Journal
from kirinuki.journal.queries import get_entry, resolve_entry_id
from kirinuki.journal.serial import entry_from_record, entry_record
from kirinuki.model import Clip, Entry, Group
from kirinuki.store.sqlite import articles as article_rows
from kirinuki.store.sqlite import entries as entry_rows
from kirinuki.store.sqlite import trash as trash_rows
from kirinuki.text.cliptext import separate_footer


@dataclass
class Trashed:
    """An entry in the trash, or an entry with groups or clips in the trash."""

    entry_id: int
    permalink: str | None
    title: str | None
    published: datetime | None
    deleted: datetime
    whole: bool  # the entry itself; else only `groups` groups and `clips` clips of it
    groups: int
    clips: int
    first_clip: str


def _versions(entry: Entry) -> dict[int, tuple[str, str]]:
    # The trash stays in this journal: a version is referred to by its id.
    return {c.article_version_id: ("", str(c.article_version_id))
            for c in entry.clips if c.article_version_id is not None}


def _resolver(journal: Journal) -> Any:
    def resolve(_url: str, version: str) -> int | None:
        found = article_rows.version_exists(journal.store, int(version))
        return int(version) if found else None
    return resolve


def _record(entry: Entry) -> dict[str, Any]:
    rec = entry_record(entry, _versions(entry))
    rec["clip_ids"] = [c.id for c in entry.clips]
    return rec


def _rebuild(journal: Journal, rec: dict[str, Any]) -> Entry:
    entry = entry_from_record(rec, _resolver(journal))
    ids = rec.get("clip_ids") or []
    if len(ids) == len(entry.clips):
        for clip, cid in zip(entry.clips, ids, strict=True):
            clip.id = cid
    return entry


def trash_entry(journal: Journal, ref: str) -> Entry:
    """Move the entry `ref` (id or permalink) to the trash; returns it. Raises NotFoundError."""
    with journal.store.transaction():
        entry = get_entry(journal, resolve_entry_id(journal, ref))
        assert entry.id is not None
        trash_rows.put(journal.store, "entry", entry.id, _record(entry), journal.now(),
                       key=entry.key, permalink=entry.permalink)
        entry_rows.delete_entry(journal.store, entry.id)
    return entry


def trash_removed(journal: Journal, before: Entry, after: Entry) -> tuple[int, int]:
    """Keep in the trash the groups and clips of `before` that `after` (the same entry,
    rewritten) no longer holds, matched by clip id. Returns (groups, clips) kept. Runs in
    the caller's transaction."""
    assert before.id is not None
    kept = {c.id for c in after.clips}
    now = journal.now()
    groups = clips = 0
    for gpos, group in enumerate(before.groups):
        gone = [(pos, it) for pos, it in enumerate(group.items)
                if isinstance(it, Clip) and it.id not in kept]
        if not gone:
            continue
        if len(gone) == len(group.clips):
            rec = _record(Entry(key="", groups=[group]))
            trash_rows.put(journal.store, "group", before.id, {"pos": gpos, **rec}, now)
            groups += 1
            continue
        for pos, clip in gone:
            piece = Group(items=[clip], tag_lines=group.tag_lines)
            rec = _record(Entry(key="", groups=[piece]))
            trash_rows.put(journal.store, "clip", before.id,
                           {"pos": gpos, "item": pos, **rec}, now)
            clips += 1
    return groups, clips


def restore(journal: Journal, entry_id: int) -> tuple[Entry, int]:
    """Bring back entry `entry_id` from the trash with its id, clip ids and permalink; for an
    entry that is not in the trash, bring back its groups and clips that are. Returns the
    entry and how many groups and clips came back (0 for a whole entry).

    Raises NotFoundError when nothing of the entry is in the trash, ConflictError when its
    permalink was given to another entry meanwhile.
    """
    store = journal.store
    with store.transaction():
        whole = trash_rows.rows(store, kind="entry", entry_id=entry_id)
        if whole:
            row = whole[0]
            entry = _rebuild(journal, row.record)
            entry.id = entry_id
            if entry.permalink is not None and entry_rows.find_entry_id(
                    store, permalink=entry.permalink) is not None:
                raise ConflictError(f"entry {entry_id}'s permalink {entry.permalink} is used by"
                                    " another entry now")
            trash_rows.remove(store, [row.id])  # first: its permalink is taken while there
            entry_rows.insert_entry(store, entry, journal.now())
            return get_entry(journal, entry_id), 0
        pieces = [r for r in trash_rows.rows(store, entry_id=entry_id) if r.kind != "entry"]
        if not pieces:
            raise NotFoundError(f"entry {entry_id} has nothing in the trash (see `kirinuki "
                                "entries list --status trash`)")
        entry = get_entry(journal, entry_id)
        for row in reversed(pieces):  # oldest first, each at its old place
            group = _rebuild(journal, row.record).groups[0]
            gpos = int(row.record.get("pos", len(entry.groups)))
            if row.kind == "clip" and gpos < len(entry.groups):
                items = entry.groups[gpos].items
                items.insert(min(int(row.record.get("item", len(items))), len(items)),
                             group.items[0])
            else:
                entry.groups.insert(min(gpos, len(entry.groups)), group)
        separate_footer(entry)
        entry_rows.replace_entry(store, entry, journal.now())
        trash_rows.remove(store, [r.id for r in pieces])
    return get_entry(journal, entry_id), len(pieces)


def trash_list(journal: Journal) -> list[Trashed]:
    """What the trash holds, most recently deleted first: whole entries, and entries with
    groups or clips in it."""
    found: dict[int, Trashed] = {}
    rows = trash_rows.rows(journal.store)
    for row in sorted(rows, key=lambda r: r.kind != "entry"):  # stable: newest first
        if row.kind == "entry":
            entry = _rebuild(journal, row.record)
            found[row.entry_id] = Trashed(row.entry_id, row.permalink, entry.title,
                                          entry.published, row.deleted, True,
                                          len(entry.groups), len(entry.clips),
                                          entry.clips[0].text if entry.clips else "")
            continue
        item = found.get(row.entry_id)
        if item is None:
            texts = row.record["groups"][0]["items"]
            first = next((i["clip"]["text"] for i in texts if "clip" in i), "")
            item = found[row.entry_id] = Trashed(row.entry_id, None, None, None, row.deleted,
                                                 False, 0, 0, first)
        if not item.whole:
            item.groups += row.kind == "group"
            item.clips += len(row.record["groups"][0]["items"])
    return list(found.values())


def purge(journal: Journal, older_than_days: int | None = None) -> int:
    """Delete for good what has been in the trash longer than `older_than_days` (everything
    when None). Returns how many entries, groups and clips went. Raises InputError for a
    negative number of days."""
    if older_than_days is not None and older_than_days < 0:
        raise InputError("--older-than must be 0 or more days")
    before = (journal.now() - timedelta(days=older_than_days)
              if older_than_days is not None else None)
    with journal.store.transaction():
        return trash_rows.purge(journal.store, before)
