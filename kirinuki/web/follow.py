"""Keeping the live site's context up to date commit by commit, without rebuilding it.

`build_context` reads every published entry and first brings the version analysis up to date,
which the first reader after every write waited for. `Follower` compares the entries' change
stamps, reads only the
entries that moved, and assembles the context from the entries it already holds; the version
analysis runs apart (`LiveSite`), and its links are picked up when they are committed.
"""

from __future__ import annotations

import sys
import threading
import time
from bisect import insort
from collections.abc import Callable
from datetime import datetime

from kirinuki.journal import Journal
from kirinuki.journal.analysis import catch_up_analysis
from kirinuki.journal.published import PublishedEntry, tag_aliases
from kirinuki.journal.published_delta import (
    changed_stamps,
    entries_moved,
    published_entries_of,
    published_stamps,
    stored_version_notes,
    tags_mark,
    versions_mark,
)
from kirinuki.journal.suggestions import (
    suggestions_changed_since,
    suggestions_mark,
)
from kirinuki.model import Settings
from kirinuki.publish import urls
from kirinuki.publish.context import SiteContext, TagInfo

LOCK_POLL = 0.2  # seconds between tries for the analysis lock another process holds


def assemble(settings: Settings, entries: list[PublishedEntry], aliases: dict[str, str],
             per_page: int) -> SiteContext:
    """The site context of `entries` (oldest first), as `build_context` makes it from them.

    Raises ConflictError when two tags would share one address.
    """
    pos: dict[int, int] = {}
    by_permalink: dict[str, int] = {}
    displays: dict[str, str] = {}
    days: dict[tuple[int, int, int], list[int]] = {}
    for i, e in enumerate(entries):
        pos[e.id] = i
        by_permalink[e.permalink.rstrip("/")] = e.id
        for key, display in e.tags:
            displays.setdefault(key, display)
        d = e.published
        days.setdefault((d.year, d.month, d.day), []).append(i)
    segments = urls.tag_segments(displays)
    tags = {k: TagInfo(k, displays[k], segments[k]) for k in sorted(displays)}
    for i, e in enumerate(entries):
        for key, _ in e.tags:
            tags[key].members.append(i)
    return SiteContext(settings, entries, pos, by_permalink, tags, days, aliases, per_page)


class Follower:
    """What the journal looked like when the context was last brought up to date."""

    def __init__(self, journal: Journal) -> None:
        self.stamps = published_stamps(journal)
        self.notes = stored_version_notes(journal)
        self.versions = versions_mark(journal)
        self.tags = tags_mark(journal)
        self.suggested = suggestions_mark(journal)

    def update(self, journal: Journal, ctx: SiteContext) -> tuple[SiteContext, int] | None:
        """The context with the journal's changes since the last call applied (`ctx` itself
        when nothing the site shows changed) and how many published entries were written
        since (their clips may need the version analysis); None when only a full build will
        do (tags renamed or merged, an entry without permalink)."""
        tags = tags_mark(journal)
        if tags[:len(self.tags)] != self.tags:  # new tags come last (by id); others changed
            return None
        stamps = changed_stamps(journal, self.stamps)
        gone = self.stamps.keys() - stamps.keys()
        versions = versions_mark(journal)
        notes = self.notes
        if versions != self.versions:
            notes = stored_version_notes(journal)
        written, moved = entries_moved(self.stamps, stamps, self.notes, notes)
        suggested = suggestions_mark(journal)
        if suggested != self.suggested:  # found by the analysis after the entries were read
            moved |= {i for i in suggestions_changed_since(journal, self.suggested[1])
                      if i in stamps}
        self.suggested = suggested
        if not moved and not gone:
            self.stamps, self.notes, self.versions, self.tags = stamps, notes, versions, tags
            return ctx, 0
        fresh = published_entries_of(journal, moved, notes)
        if fresh is None:
            return None
        out = None if gone else _patched(ctx, list(fresh.values()))
        if out is None:
            kept = [e for e in ctx.entries if e.id not in gone and e.id not in fresh]
            entries = sorted([*kept, *fresh.values()], key=_order)
            out = assemble(ctx.settings, entries, tag_aliases(journal), ctx.per_page)
        self.stamps, self.notes, self.versions, self.tags = stamps, notes, versions, tags
        return out, len(written)


def _order(e: PublishedEntry) -> tuple[datetime, int]:
    return (e.published, e.id)


def _patched(ctx: SiteContext, fresh: list[PublishedEntry]) -> SiteContext | None:
    """`ctx` with `fresh` applied when no position moves: each entry either replaces itself
    (same date) or comes after every other, and every tag it uses already has entries and
    keeps some. The usual write (today's entry) costs a small part of an `assemble` this way.
    A copy: pages being rendered keep the context they found."""
    entries = list(ctx.entries)
    pos, by_permalink = dict(ctx.pos), dict(ctx.by_permalink)
    tags = dict(ctx.tags)
    days = dict(ctx.days)
    copied: set[object] = set()

    def members(key: str) -> list[int] | None:
        tag = tags.get(key)
        if tag is None:
            return None
        if key not in copied:
            copied.add(key)
            tag = tags[key] = TagInfo(tag.key, tag.display, tag.segment, list(tag.members))
        return tag.members

    for e in sorted(fresh, key=_order):
        p = pos.get(e.id)
        if p is None:
            if entries and _order(e) <= _order(entries[-1]):
                return None
            p = len(entries)
            entries.append(e)
            pos[e.id] = p
            d = e.published
            day = (d.year, d.month, d.day)
            days[day] = [*days.get(day, ()), p]
            old_keys: tuple[str, ...] = ()
        else:
            old = entries[p]
            if _order(old) != _order(e):
                return None
            entries[p] = e
            by_permalink.pop(old.permalink.rstrip("/"), None)
            old_keys = old.tag_keys
        by_permalink[e.permalink.rstrip("/")] = e.id
        for key in set(old_keys) - set(e.tag_keys):
            m = members(key)
            if m is None or len(m) <= 1:
                return None
            m.remove(p)
        for key in set(e.tag_keys) - set(old_keys):
            m = members(key)
            if m is None:
                return None
            insort(m, p)
    return SiteContext(ctx.settings, entries, pos, by_permalink, tags, days, ctx.aliases,
                       ctx.per_page)


def catch_up_once(journal: Journal) -> None:
    """`catch_up_analysis` under the journal's `analysis` lock: every `serve` process sees
    every write and catches up, but one at a time across processes and machines; the others
    wait their turn (not skip it: the run under way may have started before their write) and
    then find the work done."""
    while True:
        with journal.store.exclusive("analysis") as held:
            if held:
                catch_up_analysis(journal)
                return
        time.sleep(LOCK_POLL)


class Analysis:
    """The version analysis of new clips, run on a thread of its own, one run at a time.

    The first read after a write does not wait for it: an entry's version notes show once
    the links are committed (that commit brings the site context up to date like any other).
    """

    def __init__(self, opener: Callable[[], Journal]) -> None:
        self.opener = opener
        self.cond = threading.Condition()
        self.running = self.again = False
        self.journal: Journal | None = None

    def kick(self) -> None:
        """Run the analysis now, or once more after the run under way."""
        with self.cond:
            if self.running:
                self.again = True
                return
            self.running = True
        threading.Thread(target=self._run, name="kirinuki-analysis", daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                if self.journal is None:
                    self.journal = self.opener()
                catch_up_once(self.journal)
            except Exception as e:  # noqa: BLE001 - a failed run must not stop the next
                print(f"kirinuki: version analysis failed: {e!r}", file=sys.stderr)
            with self.cond:
                if not self.again:
                    self.running = False
                    self.cond.notify_all()
                    return
                self.again = False

    def settle(self, timeout: float | None = None) -> bool:
        """Wait until no run is under way (tests; shutting down); False on timeout."""
        with self.cond:
            return self.cond.wait_for(lambda: not self.running, timeout)

    def close(self) -> None:
        self.settle()
        if self.journal is not None:
            self.journal.close()
            self.journal = None
