"""Changing entries: today's draft, adding groups, editing and deleting clips, publishing, tags.

Every function here is one transaction; derived indexes follow through the store's hooks.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from kirinuki.errors import ConflictError, InputError, NotFoundError
from kirinuki.journal.core import Journal
from kirinuki.journal.importing import check_entry_size, permalink_for
from kirinuki.journal.queries import get_entry
from kirinuki.journal.trash import trash_entry, trash_removed
from kirinuki.model import Clip, Entry, Footer, Group, HeaderLink, Status
from kirinuki.store.sqlite import entries as entry_rows
from kirinuki.store.sqlite import tags as tag_rows
from kirinuki.store.sqlite.db import stored_time
from kirinuki.text.cliptext import separate_footer
from kirinuki.text.dates import in_zone
from kirinuki.text.hashtags import is_valid_tag_name, strip_marker
from kirinuki.text.normalize import tag_key
from kirinuki.text.permalinks import check_permalink, permalink_of_path
from kirinuki.text.spaces import clip_text_problem


def _new_entry(journal: Journal) -> Entry:
    """An empty draft dated now, laid out like the journal's entries (header, blank, footer)."""
    s = journal.settings
    header = [HeaderLink(url) for url in s.header_links]
    if header:
        header[-1].blank_after = 1
    return Entry(
        key=f"draft:{uuid.uuid4()}",
        published=journal.now().replace(microsecond=0),
        status=Status.DRAFT,
        header=header,
        footer=Footer(s.footer) if s.footer else None,
    )


def todays_draft(journal: Journal) -> Entry:
    """Today's draft entry (planned for today in the journal's time zone), created if missing."""
    today = journal.now().date()
    with journal.store.transaction():
        for eid, published in entry_rows.dated_drafts(journal.store):
            if in_zone(stored_time(published), journal.tz).date() == today:
                return get_entry(journal, int(eid))
        entry = _new_entry(journal)
        entry.id = entry_rows.insert_entry(journal.store, entry, journal.now())
    return get_entry(journal, entry.id)


def _ensure_separated(entry: Entry) -> None:
    """Keep the entry's style: when clips are followed by blank lines, so is a new group."""
    if entry.groups and entry.groups[-1].tag_lines:
        last = entry.groups[-1].tag_lines[-1]
        if last.blank_after == 0 and entry.footer is not None:
            last.blank_after = 1


def add_group(journal: Journal, entry_ref: str | None, group: Group) -> Entry:
    """Append `group` to the entry `entry_ref` (None or "today": today's draft).

    Raises NotFoundError for an unknown entry, InputError for an empty group, a clip without
    visible text or with a line break, or a bad tag. The group takes the entry's line ends and
    blank-line style; tag lines keep how they were written.
    """
    if not group.clips:
        raise InputError("a group needs at least one clip")
    for clip in group.clips:
        problem = clip_text_problem(clip.text)
        if problem is not None:
            raise InputError(problem)
    for line in group.tag_lines:
        for t in line.tags:
            if not is_valid_tag_name(t.name):
                raise InputError(f"not a valid tag: #{t.name}")
    with journal.store.transaction():
        if entry_ref in (None, "", "today"):
            entry = todays_draft(journal)
        else:
            entry = get_entry(journal, entry_ref)
        spaced = any(c.blank_after for c in entry.clips)
        for item in group.items:
            item.blank_after = 1 if spaced else 0
            item.after = ""
        for line in group.tag_lines:
            line.after = ""
        if group.tag_lines:
            group.tag_lines[-1].blank_after = 1 if entry.footer is not None else 0
        _ensure_separated(entry)
        entry.groups.append(group)
        separate_footer(entry)
        check_entry_size(entry)
        entry_rows.replace_entry(journal.store, entry, journal.now())
    return get_entry(journal, entry.id or 0)


def replace_entry(journal: Journal, entry: Entry) -> Entry:
    """Store `entry` (which carries its id) in place of the stored one. Raises NotFoundError."""
    if entry.id is None or not entry_rows.entry_exists(journal.store, entry.id):
        raise NotFoundError(f"no entry {entry.id}")
    with journal.store.transaction():
        entry_rows.replace_entry(journal.store, entry, journal.now())
    return get_entry(journal, entry.id)


def delete_entry(journal: Journal, ref: str) -> None:
    """Move the entry `ref` and everything in it to the trash. Raises NotFoundError."""
    trash_entry(journal, ref)


def _entry_of_clip(journal: Journal, clip_id: int) -> Entry:
    eid = entry_rows.entry_of_clip(journal.store, clip_id)
    if eid is None:
        raise NotFoundError(f"no clip {clip_id}")
    return get_entry(journal, eid)


def delete_clip(journal: Journal, clip_id: int) -> Entry:
    """Move one clip to the trash; a group left with no clips and no tags disappears. Raises
    NotFoundError."""
    with journal.store.transaction():
        entry = _entry_of_clip(journal, clip_id)
        before = get_entry(journal, entry.id or 0)
        for g in entry.groups:
            g.items = [it for it in g.items if not (isinstance(it, Clip) and it.id == clip_id)]
        entry.groups = [g for g in entry.groups if g.items or g.tag_lines]
        trash_removed(journal, before, entry)
        entry_rows.replace_entry(journal.store, entry, journal.now())
    return get_entry(journal, entry.id or 0)


def edit_clip(journal: Journal, clip_id: int, text: str) -> Entry:
    """Replace the text of one clip. Raises NotFoundError, InputError for a text with a line
    break or without visible text."""
    problem = clip_text_problem(text)
    if problem is not None:
        raise InputError(problem)
    with journal.store.transaction():
        entry = _entry_of_clip(journal, clip_id)
        for g in entry.groups:
            for it in g.items:
                if isinstance(it, Clip) and it.id == clip_id:
                    it.text = text
        entry_rows.replace_entry(journal.store, entry, journal.now())
    return get_entry(journal, entry.id or 0)


def set_status(journal: Journal, ref: str, status: Status) -> Entry:
    """Publish or unpublish an entry; publishing gives it a date and permalink if it has none."""
    with journal.store.transaction():
        entry = get_entry(journal, ref)
        entry.status = status
        if status is Status.PUBLISHED:
            if entry.published is None:
                entry.published = journal.now().replace(microsecond=0)
            if entry.permalink is None:
                base = permalink_for(entry.published, journal)
                link, n = base, 1
                while entry_rows.permalink_taken(journal.store, link, entry.id):
                    n += 1
                    link = f"{base}-{n}"
                entry.permalink = link
        entry_rows.replace_entry(journal.store, entry, journal.now())
    return get_entry(journal, entry.id or 0)


def set_permalink(journal: Journal, ref: str, permalink: str) -> Entry:
    """Give the entry `ref` the permalink `permalink` (`/entry/…`, or what follows `/entry/`).
    Raises NotFoundError, InputError for a permalink that breaks the rule of
    `text.permalinks`, ConflictError when another entry has it."""
    link = check_permalink(permalink_of_path(permalink))
    with journal.store.transaction():
        entry = get_entry(journal, ref)
        other = entry_rows.find_entry_id(journal.store, permalink=link)
        if other not in (None, entry.id):
            raise ConflictError(f"permalink {link} is already used by entry {other}")
        if entry.permalink != link:
            entry.permalink = link
            entry_rows.replace_entry(journal.store, entry, journal.now())
    return get_entry(journal, entry.id or 0)


def rename_tag(journal: Journal, old: str, new: str) -> int:
    """Rename tag `old` to `new` everywhere (merging when `new` exists); the old key stays an
    alias so later imports of `#old` land on `new`. Returns how many groups changed.

    Raises NotFoundError for an unknown tag, InputError for an invalid new name.
    """
    old_name, new_name = strip_marker(old), strip_marker(new)
    if not is_valid_tag_name(new_name):
        raise InputError(f"not a valid tag: #{new_name}")
    store = journal.store
    with store.transaction():
        found = tag_rows.find_tag(store, tag_key(old_name))
        if found is None:
            raise NotFoundError(f"no tag #{old_name}")
        old_id = found[0]
        # The cache of tag ids may name a tag deleted by an earlier rename (one with no groups
        # left to rewrite kept its key cached: the next write referenced the deleted row).
        journal.store.tag_ids.clear()
        new_key = tag_key(new_name)
        claimed: list[int] = []
        alias = tag_rows.alias_target(store, new_key)
        if alias is not None and alias != old_id:
            # The new name is an old name of another tag: the rename takes it back for a tag
            # of its own, with the groups that are still written with it.
            tag_rows.drop_alias(store, new_key)
            claimed = [eid for eid, display in tag_rows.entries_with_tag(store, alias)
                       if tag_key(display) == new_key]
        # Groups may name the tag by any of its keys: an earlier rename left its old key as
        # an alias (renaming #核 to #NATO, #nato back to #核, then #nato to #露 missed the
        # groups written #核 and failed on their reference to the deleted tag).
        old_keys = tag_rows.keys_of(store, old_id)
        entry_ids = tag_rows.entries_using_tag(store, old_id)
        changed = 0
        for eid in dict.fromkeys(entry_ids + claimed):
            entry = get_entry(journal, eid)
            for g in entry.groups:
                for line in g.tag_lines:
                    renamed = [replace(t, name=new_name) if tag_key(t.name) in old_keys
                               else t for t in line.tags]
                    changed += sum(a != b for a, b in zip(renamed, line.tags, strict=True))
                    line.tags = renamed
            if entry.categories is not None:  # a category names the tag as written
                entry.categories = [new_name if tag_key(strip_marker(c)) in old_keys else c
                                    for c in entry.categories]
            for key in old_keys - {new_key}:
                journal.store.tag_ids.pop(key, None)
            entry_rows.replace_entry(journal.store, entry, journal.now())
        new_id = tag_rows.tag_id(store, new_name)
        tag_rows.set_display(store, new_id, new_name)
        if new_id != old_id:
            tag_rows.fold_into(store, old_id, new_id, tag_key(old_name))
    return changed


def merge_tags(journal: Journal, names: list[str], into: str) -> int:
    """Merge the tags `names` into the existing tag `into`, in one transaction; each merged
    name stays an alias of it. Returns how many group tags changed.

    Raises NotFoundError for an unknown tag, InputError when one of `names` is `into` itself.
    """
    store = journal.store
    into_name = strip_marker(into)
    changed = 0
    with store.transaction():
        row = tag_rows.find_tag(store, tag_key(into_name))
        if row is None:
            raise NotFoundError(f"no tag #{into_name}")
        target_id, display = row
        for given in names:
            name = strip_marker(given)
            found = tag_rows.find_tag(store, tag_key(name))
            if found is None:
                raise NotFoundError(f"no tag #{name}")
            if found[0] == target_id:
                raise InputError(f"#{name} is #{display} already: nothing to merge")
            changed += rename_tag(journal, name, display)
    return changed
