"""Which pages a change can have touched, found from the entries that changed.

The manifest keeps one record per published entry of the last build (fingerprint, date,
permalink, tags, where its related links led). Comparing them with the journal now gives the
entries that were added, changed or removed; from those follow the pages to plan again: the
entries and their neighbours, their months' search chunks, their days, months and years, the
numbered pages of the index and of their tags from their place on, the feeds, sitemaps and
indexes. Everything else is left as the last build wrote it, unread and unplanned: that is what
makes publishing one new entry into a large journal cheap.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kirinuki.journal.published import PublishedEntry
from kirinuki.publish import urls
from kirinuki.publish.context import SiteContext
from kirinuki.publish.keys import links_key
from kirinuki.publish.plan import months_of, sitemap_url

EntryRow = tuple[int, str, str, str, str, str]


@dataclass(frozen=True, slots=True)
class EntryRecord:
    """What the manifest remembers of a published entry."""

    id: int
    fp: str
    published: str
    permalink: str
    tags: str  # JSON [[key, segment], ...]
    links: str  # `keys.links_key`; the manifest column keeps its name, `related`

    def row(self) -> tuple[int, str, str, str, str, str]:
        """The manifest row."""
        return (self.id, self.fp, self.published, self.permalink, self.tags, self.links)


def entry_records(ctx: SiteContext, fps: Sequence[str], ids: Iterable[int] | None = None,
                  links: Callable[[int], str] | None = None) -> dict[int, EntryRecord]:
    """The records of the entries `ids` of the context (all of them by default); `links`:
    the links key of a position, when the caller has made them (`keys.LinksKeys`)."""
    todo = range(len(ctx.entries)) if ids is None else [ctx.pos[i] for i in ids if i in ctx.pos]
    key = links or (lambda i: links_key(ctx, ctx.entries[i]))
    pieces: dict[str, str] = {}  # each tag's part of `_tags_json`, made once
    out = {}
    for i in todo:
        e = ctx.entries[i]
        out[e.id] = EntryRecord(e.id, fps[i], e.published.isoformat(), e.permalink,
                                _tags_json(ctx, e, pieces), key(i))
    return out


@dataclass
class Scope:
    """The pages to plan again, and the files that may have to go."""

    entries: set[int] = field(default_factory=set)
    texts: set[int] = field(default_factory=set)
    days: set[tuple[int, int, int]] = field(default_factory=set)
    months: set[tuple[int, int]] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    tags: dict[str, int] = field(default_factory=dict)
    index_from: int = 1 << 30
    gone: set[str] = field(default_factory=set)
    vanished_tags: set[str] = field(default_factory=set)
    changed: set[int] = field(default_factory=set)

    def date(self, d: datetime) -> None:
        """Plan the archives and search chunk of this date again."""
        self.days.add((d.year, d.month, d.day))
        self.months.add((d.year, d.month))
        self.years.add(d.year)


class _Finder:
    def __init__(self, ctx: SiteContext) -> None:
        self.ctx = ctx
        self._keys: list[tuple[datetime, int]] | None = None

    @property
    def keys(self) -> list[tuple[datetime, int]]:
        """(date, id) of every entry, in order (built on first use)."""
        if self._keys is None:
            self._keys = [(e.published, e.id) for e in self.ctx.entries]
        return self._keys

    def place(self, published: datetime, eid: int) -> int:
        """Where an entry dated `published` stands (or stood) in the whole journal."""
        return bisect_left(self.keys, (published, eid))

    def tag_place(self, key: str, published: datetime, eid: int) -> int:
        """Where it stands (or stood) among the entries of a tag."""
        members = self.ctx.tags[key].members
        return bisect_left(members, (published, eid), key=lambda i: self.keys[i])


@dataclass(frozen=True, slots=True)
class Change:
    """An entry that changed since the last build: its position now, whether its own content
    changed (else only where its links lead), and the last build's record of it when its
    date, place, tags or permalink may have moved (None: new, or known to be where it was)."""

    pos: int
    text: bool
    old: EntryRow | None = None


def changes_since(ctx: SiteContext, fps: Sequence[str], old: dict[int, EntryRow],
                  whole: Callable[[list[int]], dict[int, EntryRow]] | None = None,
                  links: Callable[[int], str] | None = None,
                  ) -> tuple[list[Change], list[EntryRow]]:
    """The entries that changed since the build that left `old` (whose rows may hold only the
    id, fingerprint and links key when `whole` gives the whole records of some ids), and
    the records of those that are gone (`links`: as in `entry_records`)."""
    key = links or (lambda i: links_key(ctx, ctx.entries[i]))
    moved: list[int] = []
    for i, e in enumerate(ctx.entries):
        row = old.get(e.id)
        if row is not None and row[1] == fps[i] and row[5] == key(i):
            continue
        moved.append(i)
    gone_ids = [eid for eid in old if eid not in ctx.pos]
    if whole is not None and (moved or gone_ids):
        old = {**old, **whole([ctx.entries[i].id for i in moved] + gone_ids)}
    changes = []
    for i in moved:
        row = old.get(ctx.entries[i].id)
        changes.append(Change(i, row is None or row[1] != fps[i], row))
    return changes, [old[eid] for eid in gone_ids]


def appended(ctx: SiteContext, moved: Iterable[int], first_new: int) -> list[Change]:
    """The changes when no entry was removed or moved and none changed but those at positions
    `first_new` on (new, after every other) and the positions `moved` whose links key
    changed (their date, place, tags and permalink are as the last build recorded them: the
    short path checked their stamps)."""
    n = len(ctx.entries)
    return [Change(i, i >= first_new) for i in sorted({*moved, *range(first_new, n)})]


def compute_scope(ctx: SiteContext, fps: Sequence[str], old: dict[int, EntryRow],
                  whole: Callable[[list[int]], dict[int, EntryRow]] | None = None,
                  links: Callable[[int], str] | None = None) -> Scope | None:
    """The scope of the changes since the build that left `old` (see `changes_since`); None
    when nothing changed."""
    return scope_of(ctx, *changes_since(ctx, fps, old, whole, links))


def scope_of(ctx: SiteContext, changes: Iterable[Change], gone: Iterable[EntryRow] = (),
             ) -> Scope | None:
    """The pages the `changes` and the removal of the entries `gone` touch (the one place
    where a scope is made, for the ordinary path and the short path alike); None when there
    is no change."""
    scope = Scope()
    per = ctx.per_page
    n = len(ctx.entries)
    finder = _Finder(ctx)

    def around(p: int) -> None:
        scope.entries.update(j for j in (p - 1, p, p + 1) if 0 <= j < n)
        # From the page before: the last page's "newer" link changes when a page is added.
        scope.index_from = min(scope.index_from, max(1, p // per))

    def old_side(row: EntryRow) -> None:
        rec = EntryRecord(*row)
        when = datetime.fromisoformat(rec.published)
        scope.date(when)
        if n:
            around(min(finder.place(when, rec.id), n - 1))
        else:  # the last entry went: page 1 of the index stays, empty
            scope.index_from = 1
        for key, segment in json.loads(rec.tags):
            if key in ctx.tags:
                page = max(1, finder.tag_place(key, when, rec.id) // per)
                scope.tags[key] = min(scope.tags.get(key, page), page)
            if key not in ctx.tags or ctx.tags[key].segment != segment:
                # Gone, or at another address now (renamed, and back, keeps the key).
                scope.vanished_tags.add(segment)

    for c in changes:
        i = c.pos
        e = ctx.entries[i]
        scope.changed.add(e.id)
        around(i)
        if c.text:
            scope.texts.add(i)
        scope.date(e.published)
        for key, _ in e.tags:
            page = max(1, bisect_left(ctx.tags[key].members, i) // per)
            scope.tags[key] = min(scope.tags.get(key, page), page)
        row = c.old
        # Where it was adds nothing when it is where it was (same date, tags and address).
        if row is not None and (row[2], row[3], row[4]) != (
                e.published.isoformat(), e.permalink, _tags_json(ctx, e)):
            old_side(row)
            if row[3] != e.permalink:
                scope.gone.update(_files(row[3]))
    for row in gone:
        scope.changed.add(row[0])
        old_side(row)
        scope.gone.update(_files(row[3]))
    if not scope.changed:
        return None
    scope.gone -= {f for i in scope.entries for f in _files(ctx.entries[i].permalink)}
    return scope


def _tags_json(ctx: SiteContext, e: PublishedEntry, pieces: dict[str, str] | None = None) -> str:
    """An entry's tags as its manifest record holds them (`pieces`: each tag's part, kept
    by a caller that makes many: the same text as one `json.dumps` of the whole list)."""
    if pieces is None:
        return json.dumps([[k, ctx.tags[k].segment] for k, _ in e.tags], ensure_ascii=False)
    parts = []
    for k, _ in e.tags:
        part = pieces.get(k)
        if part is None:
            part = pieces[k] = json.dumps([k, ctx.tags[k].segment], ensure_ascii=False)
        parts.append(part)
    return "[" + ", ".join(parts) + "]"


def _files(permalink: str) -> tuple[str, str]:
    page = urls.entry_file(permalink)
    return page, page[: -len("index.html")] + "entry.txt"


def stale_files(ctx: SiteContext, scope: Scope, under: Callable[[str], list[str]]) -> set[str]:
    """Files of the last build, within the groups the scope touches, that no page of the
    site has any more: vanished tag pages, numbered pages past the end, empty archives."""
    valid: set[str] = set()
    prefixes: list[str] = ["page/", "search/", "sitemaps/"]
    valid.update(urls.file_of(urls.index_url(k)) for k in
                 range(1, max(1, -(-len(ctx.entries) // ctx.per_page)) + 1))
    months = months_of(ctx)
    valid.update(f"search/{y:04d}-{m:02d}.json" for y, m in months)
    valid.update(("search/index.json", urls.file_of(urls.SEARCH_URL)))
    years = {y for y, _ in months}
    valid.update(urls.file_of(sitemap_url(y, m)) for y, m in months)
    valid.add("sitemaps/pages.xml")
    for y in scope.years:
        prefixes.append(f"archive/{y:04d}/")
        if y in years:
            valid.add(urls.file_of(urls.archive_url(y)))
    for (y, m) in months:
        if y in scope.years:
            valid.add(urls.file_of(urls.archive_url(y, m)))
    for (y, m, d) in ctx.days:
        if y in scope.years:
            valid.add(urls.file_of(urls.archive_url(y, m, d)))
    for key in scope.tags:
        tag = ctx.tags[key]
        prefixes.append(urls.file_of(tag.url).removesuffix("index.html"))
        count = max(1, -(-len(tag.members) // ctx.per_page))
        valid.update(urls.file_of(urls.tag_url(tag.segment, k)) for k in [None, *range(1, count + 1)])
        valid.add(urls.file_of(urls.tag_feed_url(tag.segment)))
    for segment in scope.vanished_tags:
        prefixes.append(urls.file_of(urls.tag_url(segment)).removesuffix("index.html"))
    return {p for prefix in prefixes for p in under(prefix) if p not in valid}
