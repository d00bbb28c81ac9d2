"""The list of pages of the site, each with a signature of everything its content depends on.

A page whose signature matches the one recorded by the previous build is neither rendered nor
written: that is what makes publishing one new entry into a large journal fast. Signatures are
built from entry fingerprints (id, updated time, permalink), never from clip text, so planning
needs only the site context.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from kirinuki.publish import urls
from kirinuki.publish.site import FEED_SIZE, SiteContext

# Pages are written in stages so that, while a build is applied in place, no page links to
# a page that is not written yet: entries first, then the lists, then feeds and indexes.
LEAF, LIST, TOP = 0, 1, 2
STATIC_FILES = ("style.css", "search.js")


@dataclass(slots=True)
class Page:
    """One output file: where it goes, what renders it, and the signature of its inputs."""

    path: str
    kind: str
    sig: str
    stage: int
    args: tuple[Any, ...] = ()
    entries: tuple[int, ...] = ()
    digests: tuple[int, ...] = ()


def sig(*parts: object) -> str:
    """A short stable hash of `parts` (their str forms)."""
    text = "\x1f".join(p if isinstance(p, str) else str(p) for p in parts)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


@dataclass
class Paging:
    """Oldest-anchored pages of a list: page k holds members[(k-1)P : kP], so adding a new
    entry changes only the newest page and the front page, never the older ones."""

    members: list[int]
    per_page: int

    @property
    def count(self) -> int:
        """Number of numbered pages."""
        return max(1, -(-len(self.members) // self.per_page))

    def page(self, k: int) -> list[int]:
        """Members of page k, newest first."""
        return self.members[(k - 1) * self.per_page : k * self.per_page][::-1]

    def front(self) -> list[int]:
        """The newest members, newest first (the front page)."""
        return self.members[-self.per_page :][::-1]

    def front_older(self) -> int | None:
        """The numbered page holding the entry just before the front page's last, if any."""
        rest = len(self.members) - self.per_page
        return (rest - 1) // self.per_page + 1 if rest > 0 else None


class Planner:
    """Builds the page list of a site context."""

    def __init__(self, ctx: SiteContext, asset_version: str) -> None:
        self.ctx = ctx
        s = ctx.settings
        self.g = sig(asset_version, s.title, s.hosts, s.timezone, ctx.per_page, FEED_SIZE)
        self.fps = [f"{e.id}:{e.updated.isoformat()}:{e.permalink}" for e in ctx.entries]
        self.pages: list[Page] = []

    def add(self, url: str, kind: str, stage: int, sig_parts: tuple[object, ...],
            args: tuple[Any, ...] = (), entries: tuple[int, ...] = (),
            digests: tuple[int, ...] = ()) -> None:
        """Add the page served at `url`."""
        self.pages.append(Page(urls.file_of(url), kind, sig(self.g, kind, *sig_parts), stage,
                               args, entries, digests))

    def plan(self) -> list[Page]:
        """Every page of the site."""
        self.entry_pages()
        self.index_pages()
        self.tag_pages()
        self.archive_pages()
        self.top_pages()
        return self.pages

    def member_fps(self, members: list[int]) -> str:
        """The fingerprints of a list of entries, as one string."""
        return ",".join(self.fps[i] for i in members)

    def entry_pages(self) -> None:
        """An HTML page and a plain-text twin per entry; a search chunk per month."""
        entries = self.ctx.entries
        fps = self.fps
        last = len(entries) - 1
        months: dict[tuple[int, int], list[int]] = {}
        g = self.g
        for i, e in enumerate(entries):
            prev = fps[i - 1] if i else ""
            after = fps[i + 1] if i < last else ""
            related = ([self.ctx.related_url(u, t) for u, t in e.related] if e.related else "")
            base = urls.entry_file(e.permalink)
            self.pages.append(Page(base, "entry", sig(g, "entry", fps[i], prev, after, related),
                                   LEAF, (i,), entries=(i,)))
            self.pages.append(Page(base[: -len("index.html")] + "entry.txt", "text",
                                   sig("text", fps[i]), LEAF, (i,), entries=(i,)))
            months.setdefault((e.published.year, e.published.month), []).append(i)
        for (y, m), members in months.items():
            self.add(f"/search/{y:04d}-{m:02d}.json", "search_chunk", LEAF,
                     (self.member_fps(members),), ((y, m),), entries=tuple(members))

    def listing(self, base: Paging, url_of: Any, kind: str, key: object) -> None:
        """The front page and numbered pages of one list of entries."""
        count = base.count
        front = base.front()
        self.add(url_of(None), kind, LIST, (key, self.member_fps(front), base.front_older()),
                 (key, None), digests=tuple(front))
        for k in range(1, count + 1):
            members = base.page(k)
            self.add(url_of(k), kind, LIST, (key, k, count, self.member_fps(members)),
                     (key, k), digests=tuple(members))

    def index_pages(self) -> None:
        """The front page and the numbered pages of the whole journal."""
        paging = Paging(list(range(len(self.ctx.entries))), self.ctx.per_page)
        self.listing(paging, urls.index_url, "index", None)

    def tag_pages(self) -> None:
        """Per tag: its pages and its feed; then the list of all tags."""
        for tag in self.ctx.tags.values():
            paging = Paging(tag.members, self.ctx.per_page)
            self.listing(paging, lambda k, t=tag: urls.tag_url(t.segment, k), "tag", tag.key)
            newest = tag.members[-FEED_SIZE:][::-1]
            self.add(urls.tag_feed_url(tag.segment), "feed", TOP,
                     (tag.key, tag.display, self.member_fps(newest)), (tag.key,),
                     entries=tuple(newest))
        counts = [(t.key, t.display, len(t.members)) for t in self.ctx.tags.values()]
        self.add(urls.TAGS_URL, "tags", LIST, (counts,))

    def archive_pages(self) -> None:
        """Day, month and year archives, and the archive root."""
        months: dict[tuple[int, int], list[int]] = {}
        for (y, m, d), members in self.ctx.days.items():
            self.add(urls.archive_url(y, m, d), "day", LIST, (self.member_fps(members),),
                     ((y, m, d),), digests=tuple(members))
            months.setdefault((y, m), []).extend(members)
        years: dict[int, list[tuple[int, int]]] = {}
        for (y, m), members in months.items():
            self.add(urls.archive_url(y, m), "month", LIST, (self.member_fps(members),),
                     ((y, m),), digests=tuple(members))
            years.setdefault(y, []).append((m, len(members)))
        day_counts = {k: len(v) for k, v in self.ctx.days.items()}
        for y in years:
            shape = sorted((k, n) for k, n in day_counts.items() if k[0] == y)
            self.add(urls.archive_url(y), "year", LIST, (shape,), (y,))
        self.add(urls.ARCHIVE_URL, "archive", LIST, (sorted(months_count(months).items()),))

    def top_pages(self) -> None:
        """Feed, sitemaps, robots, search, about, 404 and the static files."""
        n = len(self.ctx.entries)
        newest = list(range(max(0, n - FEED_SIZE), n))[::-1]
        self.add(urls.FEED_URL, "feed", TOP, (None, self.member_fps(newest)), (None,),
                 entries=tuple(newest))
        first = self.fps[0] if n else ""
        last = self.fps[-1] if n else ""
        self.add(urls.ABOUT_URL, "about", LIST, (n, len(self.ctx.tags), first, last))
        self.add(urls.SEARCH_URL, "search", LIST, ())
        self.add("/404.html", "404", LIST, ())
        chunks = tuple((p.args[0], p.sig, len(p.entries)) for p in self.pages
                       if p.kind == "search_chunk")
        self.add("/search/index.json", "search_index", TOP, (chunks, sorted(self.ctx.aliases.items())),
                 (chunks,))
        self.add("/robots.txt", "robots", TOP, ())
        for name in STATIC_FILES:
            self.add(urls.STATIC_URL + name, "static", LEAF, (), (name,))
        if self.ctx.canonical:
            self.sitemaps()

    def sitemaps(self) -> None:
        """One sitemap per year of entries plus one of the other pages, and their index."""
        years: dict[int, list[int]] = {}
        for i, e in enumerate(self.ctx.entries):
            years.setdefault(e.published.year, []).append(i)
        for y, members in years.items():
            self.add(f"/sitemaps/{y:04d}.xml", "sitemap", TOP, (self.member_fps(members),),
                     (y, tuple(members)))
        self.add("/sitemaps/pages.xml", "sitemap_pages", TOP,
                 ([t.segment for t in self.ctx.tags.values()], sorted(years),
                  self.fps[-1] if self.fps else ""))
        parts = [p.sig for p in self.pages if p.kind in ("sitemap", "sitemap_pages")]
        self.add(urls.SITEMAP_URL, "sitemap_index", TOP, (parts,), (sorted(years),))


def months_count(months: dict[tuple[int, int], list[int]]) -> dict[tuple[int, int], int]:
    """Entries per (year, month)."""
    return {k: len(v) for k, v in months.items()}
