"""Composing entries: a new draft, its title and date, publishing at a date, and rewriting an
entry from its clip text. Each function is one transaction.

An entry whose date changes gets the permalink of its new date when its address followed the
old one (`/entry/YYYY/MM/DD/HHMMSS`, or that with `-2`…); the old address of a published entry
is kept (`old_permalinks`) and answers as a redirect to the new one.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from kirinuki.errors import InputError, KirinukiError, StaleRevisionError
from kirinuki.journal.core import Journal
from kirinuki.journal.editing import _new_entry, set_status
from kirinuki.journal.importing import check_entry_size, permalink_for
from kirinuki.journal.queries import get_entry
from kirinuki.journal.trash import trash_entry, trash_removed
from kirinuki.model import Clip, Entry, Status
from kirinuki.store.sqlite import entries as entry_rows
from kirinuki.store.sqlite import trash as trash_rows
from kirinuki.text.cliptext import parse, render
from kirinuki.text.hashtags import MARKERS

WHEN_FORMAT = "YYYY-MM-DD HH:MM"
_WHEN = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def parse_when(text: str, journal: Journal) -> datetime:
    """The time `text` names in the journal's time zone: `YYYY-MM-DD HH:MM[:SS]` or
    `YYYY-MM-DD` (midnight); an ISO 8601 time with an offset is taken as it is.
    Raises InputError for anything else."""
    value = text.strip()
    m = _WHEN.fullmatch(value)
    try:
        if m is not None:
            y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
            return datetime(y, mo, d, h, mi, s, tzinfo=journal.tz)
        dt = datetime.fromisoformat(value)
        if dt.tzinfo is not None:
            return dt.astimezone(journal.tz).replace(microsecond=0)
    except ValueError:
        pass
    raise InputError(f"not a date: {text!r}; write \"{WHEN_FORMAT}\" (in the journal's time"
                     f" zone, {journal.settings.timezone})")


def new_entry(journal: Journal, *, title: str | None = None,
              at: datetime | None = None) -> Entry:
    """A new draft laid out like the journal's entries, dated `at` (default now)."""
    entry = _new_entry(journal)
    entry.title = title or None
    if at is not None:
        entry.published = at
    with journal.store.transaction():
        entry_rows.insert_entry(journal.store, entry, journal.now())
    return get_entry(journal, entry.id or 0)


def _follows_date(entry: Entry, journal: Journal) -> bool:
    if entry.permalink is None or entry.published is None:
        return False
    base = permalink_for(entry.published, journal)
    return entry.permalink == base or re.fullmatch(re.escape(base) + r"-\d+",
                                                   entry.permalink) is not None


def _free_permalink(journal: Journal, base: str, own_id: int | None) -> str:
    link, n = base, 1
    while entry_rows.permalink_taken(journal.store, link, own_id):
        n += 1
        link = f"{base}-{n}"
    return link


def _redate(journal: Journal, entry: Entry, at: datetime) -> None:
    """Date `entry` at `at`, moving its permalink with the date (see the module's note)."""
    follows = _follows_date(entry, journal)
    old = entry.permalink
    entry.published = at.replace(microsecond=0)
    if not follows or old is None:
        return
    link = _free_permalink(journal, permalink_for(entry.published, journal), entry.id)
    if link == old:
        return
    store = journal.store
    trash_rows.drop_old_permalink(store, link)  # back at an address it had before
    if entry.status is Status.PUBLISHED:
        # Kept by entry id: addresses older still lead straight to the newest one.
        trash_rows.keep_old_permalink(store, old, entry.id or 0, journal.now())
    entry.permalink = link


def set_entry(journal: Journal, ref: str, *, title: str | None = None,
              at: datetime | None = None) -> Entry:
    """Change an entry's title (`""` removes it) and date. Raises NotFoundError."""
    with journal.store.transaction():
        entry = get_entry(journal, ref)
        if title is not None:
            entry.title = title or None
        if at is not None:
            _redate(journal, entry, at)
        entry_rows.replace_entry(journal.store, entry, journal.now())
    return get_entry(journal, entry.id or 0)


def publish_entry(journal: Journal, ref: str, at: datetime | None = None) -> Entry:
    """Publish an entry (dated `at` when given). Raises NotFoundError."""
    with journal.store.transaction():
        if at is not None:
            set_entry(journal, ref, at=at)
        return set_status(journal, ref, Status.PUBLISHED)


def unpublish_entry(journal: Journal, ref: str) -> Entry:
    """Make an entry a draft again; it keeps its date and permalink. Raises NotFoundError."""
    return set_status(journal, ref, Status.DRAFT)


def moved_permalink(journal: Journal, old: str) -> str | None:
    """The permalink a published entry has now, when `old` was its address before."""
    eid = trash_rows.old_permalink_owner(journal.store, old)
    if eid is None:
        return None
    entry = entry_rows.get_entry(journal.store, eid)
    if entry is None or entry.status is not Status.PUBLISHED:
        return None
    return entry.permalink


def _n(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _clips(n: int) -> str:
    return _n(n, "clip")


@dataclass
class TextEdit:
    """An entry rewritten from clip text: the new entry, what changed, what is wrong."""

    entry: Entry
    problems: list[str] = field(default_factory=list)
    added: int = 0  # clips
    removed: int = 0
    tags_added: list[str] = field(default_factory=list)
    tags_removed: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """One line: groups, clips and tags, and what changed."""
        e = self.entry
        tags = list(dict.fromkeys(t.name for t in e.tags))
        parts = [f"{_n(len(e.groups), 'group')}, {_clips(len(e.clips))}, {_n(len(tags), 'tag')}"
                 + (f" ({' '.join('#' + t for t in tags)})" if tags else "")]
        change = []
        if self.added:
            change.append(f"{_clips(self.added)} added")
        if self.removed:
            change.append(f"{_clips(self.removed)} removed (to the trash)")
        change += [f"#{t} added" for t in self.tags_added]
        change += [f"#{t} removed" for t in self.tags_removed]
        parts.append("; ".join(change) if change else "no change to clips or tags")
        return ": ".join(parts)


def check_text(journal: Journal, ref: str, text: str) -> TextEdit:
    """The entry `ref` as `text` (its clip text, edited) would make it, keeping its id, date,
    status and permalink, and the ids and article links of clips whose text is unchanged;
    with the problems that keep it from being saved. Raises NotFoundError."""
    before = get_entry(journal, ref)
    entry = parse(text)
    entry.id, entry.key, entry.permalink = before.id, before.key, before.permalink
    entry.published, entry.status, entry.title = before.published, before.status, before.title
    # Apart from the content: Hatena categories and what the entry was imported with.
    entry.categories, entry.origin = before.categories, before.origin
    entry.revision = before.revision  # the text was read at this revision
    old: dict[str, list[Clip]] = {}
    for c in before.clips:
        old.setdefault(c.text, []).append(c)
    added = 0
    for c in entry.clips:
        match = old.get(c.text)
        if match:
            was = match.pop(0)
            c.id, c.article_version_id, c.selector = was.id, was.article_version_id, was.selector
            c.citation = was.citation
        else:
            added += 1
    edit = TextEdit(entry, added=added, removed=sum(len(v) for v in old.values()))
    before_tags = Counter(t.name for t in before.tags)
    after_tags = Counter(t.name for t in entry.tags)
    edit.tags_added = [t for t in after_tags if t not in before_tags]
    edit.tags_removed = [t for t in before_tags if t not in after_tags]
    if not entry.clips and not entry.related_links:
        edit.problems.append("no clips are left: to delete the entry, use `kirinuki entries"
                             f" delete {before.id}`")
    known = {c.text for c in before.clips}
    for n, line in enumerate(text.splitlines(), 1):
        if line[:1] in MARKERS and line not in known and any(c.text == line
                                                              for c in entry.clips):
            edit.problems.append(f"line {n} starts with {line[0]} but is not a tag line (tags"
                                 f" are written #name#name, no spaces): {line[:60]}")
    try:
        check_entry_size(entry)
        entry_rows.check_storable(entry)
    except KirinukiError as exc:
        edit.problems.append(str(exc))
    return edit


def apply_text(journal: Journal, ref: str, text: str, *,
               expected: int | None = None) -> TextEdit:
    """Rewrite the entry `ref` from `text` (see `check_text`) in one transaction; clips and
    groups that are gone move to the trash. `expected` is the entry's revision when its text
    was read: a change made meanwhile by another writer is not overwritten (its `updated`
    time would miss a write in the same second).

    Raises InputError listing the problems (nothing is written then), NotFoundError,
    StaleRevisionError (409) when the entry was written since revision `expected`.
    """
    with journal.store.transaction():
        before = get_entry(journal, ref)
        try:
            entry_rows.check_revision(before.id or 0, expected, before.revision)
        except StaleRevisionError as exc:
            raise StaleRevisionError(f"{exc}; nothing saved", exc.current) from None
        edit = check_text(journal, ref, text)
        if edit.problems:
            raise InputError("; ".join(edit.problems))
        trash_removed(journal, before, edit.entry)
        entry_rows.replace_entry(journal.store, edit.entry, journal.now())
    edit.entry = get_entry(journal, before.id or 0)
    return edit


def entry_clip_text(entry: Entry) -> str:
    """The clip text of `entry`, as `apply_text` reads it back."""
    return render(entry)


def bulk(journal: Journal, ids: list[int], action: str) -> int:
    """Publish, unpublish or delete (to the trash) entries `ids` in one transaction; returns
    how many were found. Raises InputError for another action."""
    steps = {"publish": lambda ref: publish_entry(journal, ref),
             "unpublish": lambda ref: unpublish_entry(journal, ref),
             "delete": lambda ref: trash_entry(journal, ref)}
    step = steps.get(action)
    if step is None:
        raise InputError(f"unknown action {action[:20]!r}")
    n = 0
    with journal.store.transaction():
        for eid in ids:
            if entry_rows.entry_exists(journal.store, eid):
                step(str(eid))
                n += 1
    return n
