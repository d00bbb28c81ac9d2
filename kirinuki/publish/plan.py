"""The list of pages of the site, each with a signature of everything its content depends on.

A page whose signature matches the one recorded by the previous build is neither rendered nor
written: that is what makes publishing one new entry into a large journal fast. Signatures are
built from each entry's fingerprint and links key (`keys.py`), never from clip text, so planning
needs only the site context.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kirinuki.publish import urls
from kirinuki.publish.context import FEED_SIZE, SiteContext, TagInfo
from kirinuki.publish.keys import LinksKeys, fingerprints
from kirinuki.publish.quick import global_sig, sig
from kirinuki.publish.searchindex import CHUNK_HEAD
from kirinuki.publish.views import entry_title
from kirinuki.text.normalize import tag_key
from kirinuki.text.permalinks import is_permalink

if TYPE_CHECKING:
    from kirinuki.publish.scope import Scope

# Pages are written in stages so that, while a build is applied in place, no page links to
# a page that is not written yet: entries first, then the lists, then feeds and indexes.
LEAF, LIST, TOP = 0, 1, 2
STATIC_FILES = ("style.css", "search.js")
NAV_RECENT = 10  # entries in the sidebar (`/nav/`)
NAV_TAGS = 30  # most used tags in the sidebar


@dataclass(slots=True)
class Page:
    """One output file: where it goes, what renders it, and the signature of its inputs."""

    path: str
    kind: str
    sig: str
    stage: int
    args: tuple[Any, ...] = ()
    entries: tuple[int, ...] = ()
    summaries: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryParts:
    """What a tag's story key was made of: its first `count` members (the last at position
    `last`), their fingerprints joined, and their version notes (as text)."""

    count: int
    last: int
    fps: str
    notes: tuple[str, ...]


@dataclass
class Paging:
    """Oldest-anchored pages of a list: page k holds members[(k-1)P : kP], so adding a new
    entry changes only the newest page and the front page, never the older ones."""

    members: Sequence[int]
    per_page: int

    @property
    def count(self) -> int:
        """Number of numbered pages."""
        return max(1, -(-len(self.members) // self.per_page))

    def page(self, k: int) -> list[int]:
        """Members of page k, newest first."""
        return list(self.members[(k - 1) * self.per_page : k * self.per_page][::-1])

    def front(self) -> list[int]:
        """The newest members, newest first (the front page)."""
        return list(self.members[-self.per_page :][::-1])

    def front_older(self) -> int | None:
        """The numbered page holding the entry just before the front page's last, if any."""
        rest = len(self.members) - self.per_page
        return (rest - 1) // self.per_page + 1 if rest > 0 else None


class Planner:
    """Builds the page list of a site context: every page, or (given a scope) only the pages
    a change can have touched."""

    def __init__(self, ctx: SiteContext, asset_version: str, scope: Scope | None = None,
                 old_sig: Callable[[str], str | None] | None = None,
                 fps: Sequence[str] | None = None,
                 months: Callable[[], dict[tuple[int, int], list[int]]] | None = None) -> None:
        self.ctx = ctx
        self.version = asset_version
        self.g = global_sig(ctx.settings, asset_version, ctx.per_page)
        self.fps: Sequence[str] = fingerprints(ctx) if fps is None else fps
        self.links = LinksKeys(ctx)  # each entry's links key, by position
        self.scope = scope
        self.old_sig = old_sig or (lambda _path: None)
        self.pages: list[Page] = []
        self.sigs: dict[str, str] = {}
        self.moved: list[str] = []  # the files of the redirect pages planned
        self._months: dict[tuple[int, int], list[int]] | None = None
        self._months_of = months or (lambda: months_of(ctx))  # a caller may keep them
        # Per tag, what its story key is made of (`StoryParts`): given for tags whose older
        # members are as they were (the short path), filled in for every tag keyed.
        self.stories: dict[str, StoryParts] = {}
        # The short path: the position of the first new entry (those before it are as the
        # last build recorded them) and the bytes of a file the last build wrote, when they
        # are what it recorded (`Output.previous`). A month's search chunk is then the new
        # entries' rows put before the older ones of the file.
        self.appended_from: int | None = None
        self.previous: Callable[[str], bytes | None] = lambda _path: None

    def add(self, url: str, kind: str, stage: int, sig_parts: tuple[object, ...],
            args: tuple[Any, ...] = (), entries: tuple[int, ...] = (),
            summaries: tuple[int, ...] = ()) -> None:
        """Add the page served at `url`."""
        page = Page(urls.file_of(url), kind, sig(self.g, kind, *sig_parts), stage, args,
                    entries, summaries)
        self.pages.append(page)
        self.sigs[page.path] = page.sig

    def months(self) -> dict[tuple[int, int], list[int]]:
        """`months_of` the context, made once (a pass over every entry)."""
        if self._months is None:
            self._months = self._months_of()
        return self._months

    def sig_of(self, url: str) -> str:
        """The signature of a page: planned now, else recorded by the last build."""
        path = urls.file_of(url)
        return self.sigs.get(path) or self.old_sig(path) or ""

    def plan(self) -> list[Page]:
        """The pages of the site (all of them, or those of the scope)."""
        self.entry_pages()
        self.index_pages()
        self.tag_pages()
        self.archive_pages()
        self.top_pages()
        self.moved_pages()
        return self.pages

    def plan_at(self, route: urls.Route, values: tuple[Any, ...],
                segments: Mapping[str, str] | None = None) -> Page | None:
        """The page this plan has at `route.url(*values)`, planned alone (what the web app
        serves there), or None; `segments` maps tag segments to keys (made when not given).
        The redirect pages of old addresses are not found here."""
        ctx = self.ctx
        kind = route.kind
        if kind in ("entry", "text"):
            eid = ctx.by_permalink.get(values[0])
            if eid is None:
                return None
            pos = ctx.pos[eid]
            if kind == "entry":
                self.entry_page(pos)
            else:
                self.text_page(pos, urls.entry_file(ctx.entries[pos].permalink))
        elif kind == "index":
            self._list_at(Paging(range(len(ctx.entries)), ctx.per_page), urls.index_url,
                          "index", None, values)
        elif kind in ("tag", "feed", "rss") and values:
            if segments is None:
                segments = {t.segment: t.key for t in ctx.tags.values()}
            key = segments.get(values[0])
            if key is None:
                return None
            tag = ctx.tags[key]
            if kind == "tag":
                self._list_at(Paging(tag.members, ctx.per_page),
                              lambda k: urls.tag_url(tag.segment, k), "tag", key, values[1:])
            else:
                self.tag_feeds(tag)
        elif kind in ("day", "month", "search_chunk", "sitemap"):
            members = ctx.days.get(values) if kind == "day" else self.months().get(values)
            if not members or (kind == "sitemap" and not ctx.canonical):
                return None
            one: dict[str, Callable[..., None]] = {
                "day": self.day_page, "month": self.month_page,
                "search_chunk": self.search_chunk, "sitemap": self.sitemap}
            one[kind](*values, members)
        elif kind == "year":
            if any(y == values[0] for y, _m in self.months()):
                self.year_page(values[0])
        elif kind == "sitemap_pages" and ctx.canonical:
            self.sitemap_pages()
        elif kind == "sitemap_index" and ctx.canonical:
            self.sitemaps()  # the index names each sitemap's signature
        elif kind == "search_index":
            for (y, m), members in self.months().items():
                self.search_chunk(y, m, members)  # the index names each chunk's signature
            self.search_index()
        elif kind in ("sitemap_pages", "sitemap_index"):
            return None
        else:
            {"tags": self.tags_page, "archive": self.archive_page, "feed": self.feeds,
             "rss": self.feeds, "updates": self.updates_page, "nav": self.nav_page,
             "about": self.about_page,
             "search": self.fixed_pages, "404": self.fixed_pages, "robots": self.fixed_pages,
             "static": self.fixed_pages}[kind]()
        path = urls.file_of(route.url(*values))
        return next((p for p in self.pages if p.path == path), None)

    def _list_at(self, base: Paging, url_of: Any, kind: str, key: object,
                 page: tuple[int, ...]) -> None:
        """The front page (`page` empty) or numbered page `page[0]` of a list, if it has it."""
        if not page:
            self.list_front(base, url_of, kind, key)
        elif 1 <= page[0] <= base.count:
            self.list_page(base, url_of, kind, key, page[0])

    def moved_pages(self) -> None:
        """A redirect page at each old address that no page has now: an old name of a
        renamed or merged tag (its folded form), the old permalink of an entry whose date
        changed. Few and cheap: planned by every plan, whatever the scope."""
        ctx = self.ctx
        taken = {t.segment for t in ctx.tags.values()}
        # A tag renamed back to an old name keeps its key (the newer name) under the old
        # display: that key is an old name too.
        old_names = [*ctx.aliases.items(),
                     *((t.key, t.key) for t in ctx.tags.values() if tag_key(t.display) != t.key)]
        for alias, key in sorted(old_names):
            tag = ctx.tags.get(key)
            segment = urls.tag_segment(alias, alias)
            if tag is None or (alias in ctx.tags and alias != key) or segment in taken:
                continue
            self._moved(urls.tag_url(segment), tag.url, "#" + tag.display)
        for old, eid in sorted(ctx.moved.items()):
            pos = ctx.pos.get(eid)
            if pos is None or not is_permalink(old) or old.rstrip("/") in ctx.by_permalink:
                continue
            e = ctx.entries[pos]
            self._moved(urls.entry_url(old), urls.entry_url(e.permalink), entry_title(e))

    def _moved(self, url: str, target: str, label: str) -> None:
        self.add(url, "moved", LIST, (target, label), (url, target, label))
        self.moved.append(urls.file_of(url))

    def member_fps(self, members: Sequence[int]) -> str:
        """The fingerprints of a list of entries, as one string."""
        return ",".join(self.fps[i] for i in members)

    def body_fps(self, members: list[int]) -> str:
        """Fingerprints of entries shown whole (feeds): their related links count too."""
        return ",".join(self.fps[i] + self.links(i) for i in members)

    def story_key(self, key: str, members: Sequence[int]) -> str:
        """What a tag's story depends on: every member entry (a hide moves its stamp) and
        the version notes of each. Made from the parts known for the tag's first members,
        when given, and the members after them (the rest were not read)."""
        known = self.stories.get(key)
        if known is None or known.count > len(members) or not known.count \
                or members[known.count - 1] != known.last:
            known = StoryParts(0, -1, "", ())
        entries, fps = self.ctx.entries, self.fps
        new = members[known.count :]
        more = ",".join(fps[i] for i in new)
        joined = f"{known.fps},{more}" if known.fps and more else known.fps or more
        notes = known.notes + tuple(str(entries[i].versions) for i in new
                                    if entries[i].versions)
        parts = self.stories[key] = StoryParts(len(members), members[-1] if members else -1,
                                               joined, notes)
        return sig(parts.fps, *parts.notes)

    def entry_pages(self) -> None:
        """An HTML page and a plain-text twin per entry; a search chunk per month."""
        todo = range(len(self.ctx.entries)) if self.scope is None else sorted(self.scope.entries)
        texts = None if self.scope is None else self.scope.texts
        for i in todo:
            base = self.entry_page(i)
            if texts is None or i in texts:
                self.text_page(i, base)
        for (y, m), members in self.months().items():
            if self.scope is None or (y, m) in self.scope.months:
                self.search_chunk(y, m, members)

    def entry_page(self, i: int) -> str:
        """The page of the entry at position `i` (its neighbours' links and its related links
        show on it); returns its file."""
        e = self.ctx.entries[i]
        fps = self.fps
        prev = fps[i - 1] if i else ""
        after = fps[i + 1] if i < len(fps) - 1 else ""
        base = urls.entry_file(e.permalink)
        self.pages.append(Page(base, "entry", sig(self.g, "entry", fps[i], prev, after,
                                                  self.links(i)),
                               LEAF, (i,), entries=(i,)))
        return base

    def text_page(self, i: int, base: str) -> None:
        """The plain-text twin of the entry at position `i` (whose page is the file `base`)."""
        self.pages.append(Page(base[: -len("index.html")] + "entry.txt", "text",
                               sig("text", self.fps[i]), LEAF, (i,), entries=(i,)))

    def search_chunk(self, y: int, m: int, members: list[int]) -> None:
        """The search chunk of a month; on the short path, with the older entries' rows taken
        from the file the last build wrote for them (its signature says so)."""
        url = urls.SEARCH_CHUNK.url(y, m)
        first = self.appended_from
        older = 0 if first is None else bisect_left(members, first)
        if 0 < older < len(members):
            path = urls.file_of(url)
            kept = sig(self.g, "search_chunk", self.member_fps(members[:older]))
            data = self.previous(path) if self.old_sig(path) == kept else None
            if data is not None and data.startswith(CHUNK_HEAD):
                self.add(url, "search_chunk", LEAF, (self.member_fps(members),),
                         ((y, m), data), entries=tuple(members[older:]))
                return
        self.add(url, "search_chunk", LEAF, (self.member_fps(members),),
                 ((y, m),), entries=tuple(members))

    def listing(self, base: Paging, url_of: Any, kind: str, key: object, start: int = 1) -> None:
        """The front page and numbered pages (from `start` on) of one list of entries."""
        self.list_front(base, url_of, kind, key)
        for k in range(max(1, start), base.count + 1):
            self.list_page(base, url_of, kind, key, k)

    def list_front(self, base: Paging, url_of: Any, kind: str, key: object) -> None:
        """The front page of one list of entries."""
        front = base.front()
        # A tag's pages show the groups carrying the tag: whole entries, not summaries.
        whole = kind == "tag"
        # A tag's front page tells its story, made of every member and its version notes.
        story = self.story_key(str(key), base.members) if whole else ""
        self.add(url_of(None), kind, LIST,
                 (key, self.member_fps(front), base.front_older(), story),
                 (key, None), **{"entries" if whole else "summaries": tuple(front)})

    def list_page(self, base: Paging, url_of: Any, kind: str, key: object, k: int) -> None:
        """Numbered page `k` of one list of entries."""
        members = base.page(k)
        # Only whether page k is the last one shows on it (its "newer" link), not the count,
        # so adding an entry leaves the older pages as they are.
        self.add(url_of(k), kind, LIST, (key, k, k == base.count, self.member_fps(members)),
                 (key, k), **{"entries" if kind == "tag" else "summaries": tuple(members)})

    def index_pages(self) -> None:
        """The front page and the numbered pages of the whole journal."""
        start = 1 if self.scope is None else self.scope.index_from
        paging = Paging(list(range(len(self.ctx.entries))), self.ctx.per_page)
        self.listing(paging, urls.index_url, "index", None, start)

    def tag_pages(self) -> None:
        """Per tag: its pages and its feed; then the list of all tags."""
        for tag in self.ctx.tags.values():
            start = 1
            if self.scope is not None:
                if tag.key not in self.scope.tags:
                    continue
                start = self.scope.tags[tag.key]
            paging = Paging(tag.members, self.ctx.per_page)
            self.listing(paging, lambda k, t=tag: urls.tag_url(t.segment, k), "tag", tag.key,
                         start)
            self.tag_feeds(tag)
        self.tags_page()

    def tag_feeds(self, tag: TagInfo) -> None:
        """A tag's Atom and RSS feeds."""
        newest = tag.members[-FEED_SIZE:][::-1]
        body = self.body_fps(newest)
        self.add(urls.tag_feed_url(tag.segment), "feed", TOP,
                 (tag.key, tag.display, body), (tag.key,), entries=tuple(newest))
        self.add(urls.tag_rss_url(tag.segment), "rss", TOP,
                 (tag.key, tag.display, body), (tag.key,), entries=tuple(newest))

    def tags_page(self) -> None:
        """The list of all tags."""
        counts = [(t.key, t.display, len(t.members)) for t in self.ctx.tags.values()]
        self.add(urls.TAGS_URL, "tags", LIST, (counts,))

    def archive_pages(self) -> None:
        """Day, month and year archives, and the archive root."""
        scope = self.scope
        for (y, m, d), members in self.ctx.days.items():
            if scope is None or (y, m, d) in scope.days:
                self.day_page(y, m, d, members)
        months = self.months()
        for (y, m), members in months.items():
            if scope is None or (y, m) in scope.months:
                self.month_page(y, m, members)
        for y in sorted({y for y, _ in months}):
            if scope is None or y in scope.years:
                self.year_page(y)
        self.archive_page()

    def day_page(self, y: int, m: int, d: int, members: list[int]) -> None:
        """The archive of a day."""
        self.add(urls.archive_url(y, m, d), "day", LIST, (self.member_fps(members),),
                 ((y, m, d),), summaries=tuple(members))

    def month_page(self, y: int, m: int, members: list[int]) -> None:
        """The archive of a month."""
        self.add(urls.archive_url(y, m), "month", LIST, (self.member_fps(members),),
                 ((y, m),), summaries=tuple(members))

    def year_page(self, y: int) -> None:
        """The archive of a year."""
        shape = sorted((k, len(v)) for k, v in self.ctx.days.items() if k[0] == y)
        self.add(urls.archive_url(y), "year", LIST, (shape,), (y,))

    def archive_page(self) -> None:
        """The archive root: every month with its count."""
        counts = sorted((k, len(v)) for k, v in self.months().items())
        self.add(urls.ARCHIVE_URL, "archive", LIST, (counts,))

    def top_pages(self) -> None:
        """Feed, about, search index and sitemaps; in a full plan also the pages that depend
        on nothing but the settings (search page, 404, robots, static files)."""
        self.feeds()
        self.updates_page()
        self.nav_page()
        self.about_page()
        self.search_index()
        if self.scope is None:
            self.fixed_pages()
        if self.ctx.canonical:
            self.sitemaps()

    def feeds(self) -> None:
        """The Atom and RSS feeds of the whole journal."""
        n = len(self.ctx.entries)
        newest = list(range(max(0, n - FEED_SIZE), n))[::-1]
        body = self.body_fps(newest)
        self.add(urls.FEED_URL, "feed", TOP, (None, body), (None,), entries=tuple(newest))
        self.add(urls.RSS_URL, "rss", TOP, (None, body), (None,), entries=tuple(newest))

    def updates_page(self) -> None:
        """The feed of entries with version notes."""
        updated = updated_positions(self.ctx)
        self.add(urls.UPDATES_URL, "updates", TOP,
                 (",".join(self.fps[i] + self.links(i) for i in updated),), (updated,))

    def nav_page(self) -> None:
        """The sidebar (`/nav/`)."""
        n = len(self.ctx.entries)
        recent = range(max(0, n - NAV_RECENT), n)
        self.add(urls.NAV_URL, "nav", TOP,
                 (",".join(self.fps[i] for i in recent),
                  sorted((k, len(v)) for k, v in self.months().items()),
                  sorted((-len(t.members), t.key, t.display) for t in self.ctx.tags.values())
                  [:NAV_TAGS]))

    def about_page(self) -> None:
        """The about page."""
        n = len(self.ctx.entries)
        first = self.fps[0] if n else ""
        last = self.fps[-1] if n else ""
        self.add(urls.ABOUT_URL, "about", LIST, (n, len(self.ctx.tags), first, last))

    def search_index(self) -> None:
        """The static search's index of chunks (their signatures are their versions)."""
        chunks = tuple(((y, m), self.sig_of(urls.SEARCH_CHUNK.url(y, m)), len(members))
                       for (y, m), members in self.months().items())
        self.add(urls.SEARCH_INDEX.url(), "search_index", TOP,
                 (chunks, sorted(self.ctx.aliases.items())), (chunks,))

    def fixed_pages(self) -> None:
        """The pages that depend on nothing but the settings: search, 404, robots, static."""
        self.add(urls.SEARCH_URL, "search", LIST, ())
        self.add(urls.NOT_FOUND.url(), "404", LIST, ())
        self.add(urls.ROBOTS.url(), "robots", TOP, ())
        for name in STATIC_FILES:
            self.add(urls.STATIC.url(name), "static", LEAF, (), (name,))

    def sitemaps(self) -> None:
        """One sitemap per month of entries plus one of the other pages, and their index.
        (Per month: a sitemap may list at most 50,000 addresses, and a new entry rewrites
        its month's, not a year's worth of addresses.)"""
        for (y, m), members in self.months().items():
            if self.scope is None or (y, m) in self.scope.months:
                self.sitemap(y, m, members)
        self.sitemap_pages()
        self.sitemap_index()

    def sitemap(self, y: int, m: int, members: list[int]) -> None:
        """The sitemap of the entries of one month."""
        self.add(urls.SITEMAP.url(y, m), "sitemap", TOP, (self.member_fps(members),),
                 ((y, m), tuple(members)))

    def sitemap_pages(self) -> None:
        """The sitemap of the pages other than entries."""
        years = sorted({y for y, _ in self.months()})
        self.add(urls.SITEMAP_PAGES.url(), "sitemap_pages", TOP,
                 ([t.segment for t in self.ctx.tags.values()], years,
                  self.fps[-1] if self.fps else ""))

    def sitemap_index(self) -> None:
        """The index of the sitemaps (their signatures mark their changes)."""
        months = self.months()
        parts = [self.sig_of(urls.SITEMAP.url(y, m)) for y, m in months]
        parts.append(self.sig_of(urls.SITEMAP_PAGES.url()))
        self.add(urls.SITEMAP_URL, "sitemap_index", TOP, (parts,), (list(months),))


def updated_positions(ctx: SiteContext) -> list[int]:
    """The newest entries carrying version notes, newest first (the updates feed)."""
    out: list[int] = []
    for pos in range(len(ctx.entries) - 1, -1, -1):
        if ctx.entries[pos].versions:
            out.append(pos)
            if len(out) == FEED_SIZE:
                break
    return out


def sitemap_url(year: int, month: int) -> str:
    """The sitemap of the entries of one month (`urls.SITEMAP`)."""
    return urls.SITEMAP.url(year, month)


def months_of(ctx: SiteContext) -> dict[tuple[int, int], list[int]]:
    """Entry positions per (year, month), oldest first."""
    months: dict[tuple[int, int], list[int]] = {}
    for (y, m, _d), members in sorted(ctx.days.items()):
        months.setdefault((y, m), []).extend(members)
    return months
