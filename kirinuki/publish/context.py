"""Phase 1 of publishing: the site context, built from the journal without any clip text.

The context knows every published entry (date, permalink, tags, related links), every tag with
its address, the archive calendar and the pagination. Whole entries are loaded later, in
batches, only for the pages that must be rendered (phase 2, `build.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from kirinuki.journal import Journal
from kirinuki.journal.published import (
    PublishedEntry,
    moved_permalinks,
    published_entries,
    tag_aliases,
)
from kirinuki.model import Settings
from kirinuki.publish import urls
from kirinuki.text.lazyre import lazy_re

PER_PAGE = 20
FEED_SIZE = 20
_OLD_DIARY = lazy_re(r"http://d\.hatena\.ne\.jp/[A-Za-z0-9_-]+/(\d{8})(?:#|/)(\d+)")


@dataclass
class TagInfo:
    """A tag on the published site: its address and its entries (positions, oldest first)."""

    key: str
    display: str
    segment: str
    members: list[int] = field(default_factory=list)
    url: str = ""

    def __post_init__(self) -> None:
        self.url = urls.tag_url(self.segment)


@dataclass
class SiteContext:
    """Everything about the site that is known before any page is rendered."""

    settings: Settings
    entries: list[PublishedEntry]
    pos: dict[int, int]
    by_permalink: dict[str, int]
    tags: dict[str, TagInfo]
    days: dict[tuple[int, int, int], list[int]]
    aliases: dict[str, str] = field(default_factory=dict)
    per_page: int = PER_PAGE
    moved: dict[str, int] = field(default_factory=dict)  # old permalink -> entry id

    @property
    def tz(self) -> ZoneInfo:
        """The journal's time zone."""
        return ZoneInfo(self.settings.timezone)

    @property
    def canonical(self) -> str | None:
        """The first host: canonical links and feed ids use it."""
        return self.settings.canonical_host

    def related_pos(self, url: str, target: int | None) -> int | None:
        """The position of a related link's entry when it is published here, else None."""
        if target is not None and target in self.pos:
            return self.pos[target]
        m = _OLD_DIARY.match(url)
        if m is not None:
            link = f"/entry/{m.group(1)}/{m.group(2)}"
            if link not in self.by_permalink:
                # An old diary entry imported as a blog entry: its permalink is its date.
                try:
                    when = datetime.fromtimestamp(int(m.group(2)), self.tz)
                except (OverflowError, ValueError, OSError):  # no date: no entry of it here
                    return None
                link = when.strftime("/entry/%Y/%m/%d/%H%M%S")
        else:
            parts = urlsplit(url)
            if self.settings.hosts and parts.hostname not in self.settings.hosts:
                return None
            link = parts.path.rstrip("/")
        eid = self.by_permalink.get(link)
        return self.pos[eid] if eid is not None else None

    def related_url(self, url: str, target: int | None) -> str | None:
        """The local address of a related link's entry when it is published here, else None."""
        p = self.related_pos(url, target)
        return urls.entry_url(self.entries[p].permalink) if p is not None else None

    def entry_url_of(self, entry_id: int) -> str | None:
        """The address of an entry when it is published here, else None."""
        p = self.pos.get(entry_id)
        return urls.entry_url(self.entries[p].permalink) if p is not None else None

    def pages(self, count: int) -> int:
        """How many pages a list of `count` entries takes."""
        return max(1, -(-count // self.per_page))


def build_context(journal: Journal, per_page: int | None = None,
                  entries: list[PublishedEntry] | None = None,
                  problems: list[str] | None = None) -> SiteContext:
    """Phase 1: the site context of `journal` (of `entries`, its published entries, when the
    caller has them already: `journal.published.published_entries` placed every entry whose
    permalink breaks the rule at its date's address, and `problems` collects its report).

    Raises ConflictError when two tags would share one address.
    """
    if entries is None:
        entries = published_entries(journal, problems)
    pos: dict[int, int] = {}
    by_permalink: dict[str, int] = {}
    displays: dict[str, str] = {}
    members: dict[str, list[int]] = {}
    days: dict[tuple[int, int, int], list[int]] = {}
    for i, e in enumerate(entries):
        pos[e.id] = i
        by_permalink[e.permalink.rstrip("/")] = e.id
        for key, display in e.tags:  # an entry's tag keys are distinct
            m = members.get(key)
            if m is None:
                members[key] = [i]
                displays[key] = display
            else:
                m.append(i)
        d = e.published
        days.setdefault((d.year, d.month, d.day), []).append(i)
    segments = urls.tag_segments(displays)
    tags = {k: TagInfo(k, displays[k], segments[k], members[k]) for k in sorted(displays)}
    return SiteContext(journal.settings, entries, pos, by_permalink, tags, days,
                       tag_aliases(journal), per_page or PER_PAGE, moved_permalinks(journal))
