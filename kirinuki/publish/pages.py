"""Phase 2: rendering one planned page to bytes (HTML pages here; feeds and search elsewhere).

The templates live in `templates/` and load through the one environment of
`publish/templating.py`, shared with the web app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from kirinuki.journal.published import ListingSummary
from kirinuki.journal.story import TagStory
from kirinuki.model import Entry
from kirinuki.publish import feeds, searchindex, urls
from kirinuki.publish.context import SiteContext
from kirinuki.publish.plan import NAV_RECENT, NAV_TAGS, STATIC_FILES, Page, Paging
from kirinuki.publish.quick import PACKAGE, asset_version
from kirinuki.publish.templating import View, environment, macro_of
from kirinuki.publish.views import Views, date_label, entry_title
from kirinuki.text.cliptext import render as render_clip_text

SUMMARY_CACHE = 20_000  # rendered entry summaries kept per renderer (about 1 KB each)
NAV = (
    ("アーカイブ", urls.ARCHIVE_URL),
    ("タグ", urls.TAGS_URL),
    ("検索", urls.SEARCH_URL),
    ("このブログについて", urls.ABOUT_URL),
    ("フィード", urls.FEED_URL),
)


def static_bytes(name: str) -> bytes:
    """The content of a file of `static/`."""
    return (PACKAGE / "static" / name).read_bytes()


class Renderer:
    """Renders the pages of one site context."""

    def __init__(self, ctx: SiteContext, version: str, env: Environment | None = None) -> None:
        self.ctx = ctx
        self.env = env or environment()
        self.views = Views(ctx)
        self.site = View({
            "title": ctx.settings.title,
            "hosts": ctx.settings.hosts,
            "feed_url": urls.FEED_URL,
            "static_url": urls.STATIC_URL,
            "asset_version": version,
            "nav": [View(label=label, url=url) for label, url in NAV],
        })
        macros = self.env.get_template("_macros.html").module
        # The header and footer of every page, rendered once (a fifth of a small page's time).
        self.site["header"] = macros.site_header(self.site)  # type: ignore[attr-defined]
        self.site["footer"] = macros.site_footer(self.site)  # type: ignore[attr-defined]
        self.summary_macro = macro_of(macros, "summary")
        self.tag_macro = macro_of(macros, "tag_summary")
        self._summaries: dict[int, Markup] = {}
        self._all: list[int] = []
        self._days_of: dict[tuple[int, int], list[tuple[int, list[int]]]] | None = None
        self._nav: View | None = None
        # The sidebar: on the static site a frame of `/nav/` (one file that a new entry
        # rewrites), in the web app the same boxes in the page (`inline_nav`).
        self.inline_nav = False
        self.feeds = feeds.Feeds(ctx, self.env, self.views)
        self.kinds: dict[str, Callable[[Page, dict[int, Entry], dict[int, ListingSummary]], Any]] = {
            "entry": self.entry, "text": self.text, "index": self.listing, "tag": self.listing,
            "day": self.day, "month": self.month, "year": self.year, "archive": self.archive,
            "tags": self.tags, "about": self.about, "search": self.search, "404": self.not_found,
            "feed": self.feeds.feed, "sitemap": self.feeds.sitemap,
            "sitemap_pages": self.feeds.sitemap_pages, "sitemap_index": self.feeds.sitemap_index,
            "robots": self.feeds.robots, "search_chunk": self.search_chunk,
            "rss": self.feeds.rss, "updates": self.feeds.updates, "nav": self.nav,
            "search_index": self.search_index, "static": self.static, "moved": self.moved,
        }

    def preload(self) -> None:
        """Compile every template now (before forking workers, which then share them)."""
        for name in self.env.list_templates():
            self.env.get_template(name)

    def render(self, page: Page, entries: dict[int, Entry],
               summaries: dict[int, ListingSummary],
               stories: dict[str, TagStory] | None = None) -> bytes:
        """The bytes of `page`; `entries` and `summaries` hold what the page asked for,
        `stories` the story of a tag's front page (tag key -> story)."""
        if page.kind == "tag":
            out: Any = self.listing(page, entries, summaries, stories)
        else:
            out = self.kinds[page.kind](page, entries, summaries)
        return out if isinstance(out, bytes) else out.encode("utf-8")

    def html(self, template: str, url: str, title: str | None, **data: Any) -> str:
        """A page of the site, with its canonical link on the first host."""
        host = self.ctx.canonical
        page = View({
            "title": title,
            "canonical": urls.absolute(host, url) if host else None,
            "feeds": [View(f) for f in data.pop("feeds", [])],
            "noindex": data.pop("noindex", False),
            "aside": (self.nav_view() if self.inline_nav else urls.NAV_URL)
            if data.pop("aside", True) else None,
        })
        return self.env.get_template(template).render(site=self.site, page=page, **data)

    def nav_view(self) -> View:
        """The sidebar's content: recent entries, every month and the most used tags, with
        counts (made once per renderer: a renderer serves one state of the journal)."""
        if self._nav is None:
            ctx = self.ctx
            n = len(ctx.entries)
            recent = []
            for pos in range(n - 1, max(-1, n - 1 - NAV_RECENT), -1):
                link, meta = self.views.link(pos), ctx.entries[pos]
                recent.append(View(url=link["url"], title=link["title"],
                                   iso=link["iso"],
                                   day=f"{meta.published.month}/{meta.published.day}"))
            counts: dict[tuple[int, int], int] = {}
            for (y, m, _d), members in ctx.days.items():
                counts[(y, m)] = counts.get((y, m), 0) + len(members)
            months = [View(url=urls.archive_url(y, m), label=f"{y}年{m}月", count=c)
                      for (y, m), c in sorted(counts.items(), reverse=True)]
            ranked = sorted(ctx.tags.values(), key=lambda t: (-len(t.members), t.key))
            tags = [View(url=t.url, label=t.display, count=len(t.members))
                    for t in ranked[:NAV_TAGS]]
            self._nav = View(recent=recent, months=months, tags=tags, tags_url=urls.TAGS_URL)
        return self._nav

    def nav(self, *_: Any) -> str:
        """`/nav/`: the sidebar as a page of its own, shown in a frame by every page."""
        return self.env.get_template("nav.html").render(site=self.site, nav=self.nav_view())

    def moved(self, page: Page, *_: Any) -> str:
        """A page at an old address leading to the new one (meta refresh, canonical link
        and a visible link: a static server cannot answer 301)."""
        _url, target, label = page.args
        host = self.ctx.canonical
        return self.env.get_template("moved.html").render(
            site=self.site, target=target, label=label,
            canonical=urls.absolute(host, target) if host else target)

    def entry(self, page: Page, entries: dict[int, Entry], _: Any) -> str:
        pos = page.args[0]
        view = self.views.entry(pos, entries[pos])
        return self.html("entry.html", view["url"], view["title"], entry=view)

    def text(self, page: Page, entries: dict[int, Entry], _: Any) -> str:
        return render_clip_text(entries[page.args[0]])

    def listing(self, page: Page, entries: dict[int, Entry],
                summaries: dict[int, ListingSummary],
                stories: dict[str, TagStory] | None = None) -> str:
        key, k = page.args
        if page.kind == "tag":
            tag = self.ctx.tags[key]
            members, heading = tag.members, f"#{tag.display}"
            url_of: Callable[[int | None], str] = lambda n: urls.tag_url(tag.segment, n)  # noqa: E731
            feed = urls.tag_feed_url(tag.segment)
            feeds_ = [{"title": f"#{tag.display} - {self.ctx.settings.title}", "url": feed},
                      {"title": f"#{tag.display} - {self.ctx.settings.title} (RSS)",
                       "url": urls.tag_rss_url(tag.segment), "type": "application/rss+xml"}]
        else:
            members, heading = self._positions(), "最新の記事"
            url_of, feed, feeds_ = urls.index_url, None, []
        paging = Paging(members, self.ctx.per_page)
        if k is None:
            shown, older, newer = paging.front(), paging.front_older(), None
        else:
            shown, older = paging.page(k), (k - 1 if k > 1 else None)
            newer = url_of(k + 1) if k < paging.count else url_of(None)
            heading += f"（{k}ページ目）"
        nav = {"older": url_of(older) if older else None, "newer": newer}
        title = None if page.kind == "index" and k is None else heading
        story = None
        if page.kind == "tag":
            rows = [self.tag_macro(self.views.tag_summary(i, entries[i], key))
                    for i in shown]
            if k is None:  # the story is told on the tag's front page
                story = self.views.story((stories or {}).get(key))
        else:
            rows = [self.summary(i, summaries) for i in shown]
        return self.html("list.html", url_of(k), title, heading=heading, feed_url=feed,
                         summaries=rows, nav=View(nav), feeds=feeds_, story=story)

    def _positions(self) -> list[int]:
        """Every entry position, oldest first: the index's members (made once, not per
        index page)."""
        if len(self._all) != len(self.ctx.entries):
            self._all = list(range(len(self.ctx.entries)))
        return self._all

    def summary(self, pos: int, summaries: dict[int, ListingSummary]) -> Markup:
        """The HTML of an entry in a list, rendered once and reused by every list showing it
        (an entry appears in about six lists: the index, its tags, its day)."""
        html = self._summaries.get(pos)
        if html is None:
            if len(self._summaries) > SUMMARY_CACHE:
                self._summaries.clear()
            html = self._summaries[pos] = self.summary_macro(
                self.views.summary(pos, summaries.get(pos)))
        return html

    def _months(self) -> dict[tuple[int, int], list[tuple[int, list[int]]]]:
        """Each month's days with their entry positions, newest month and day first (made
        once: sorting every day of the journal for each month page cost a few percent of a
        full build)."""
        if self._days_of is None:
            self._days_of = {}
            for (y, m, d), members in sorted(self.ctx.days.items(), reverse=True):
                self._days_of.setdefault((y, m), []).append((d, members))
        return self._days_of

    def days_of(self, y: int, m: int) -> list[tuple[int, list[int]]]:
        """The days of month `m` of year `y` that have entries, newest first."""
        return self._months().get((y, m), [])

    def day(self, page: Page, _: Any, summaries: dict[int, ListingSummary]) -> str:
        y, m, d = page.args[0]
        members = self.ctx.days[(y, m, d)][::-1]
        heading = f"{y}年{m}月{d}日の記事"
        nav = {"older": urls.archive_url(y, m), "newer": None}
        return self.html("list.html", urls.archive_url(y, m, d), heading, heading=heading,
                         feed_url=None, nav=View(nav),
                         summaries=[self.summary(i, summaries) for i in members])

    def month(self, page: Page, _: Any, summaries: dict[int, ListingSummary]) -> str:
        y, m = page.args[0]
        sections: list[View] = []
        for dd, members in self.days_of(y, m):
            links = []
            for i in members[::-1]:
                # The note is the excerpt's first 60 characters, which are the first clip's
                # (an excerpt is cut at 120): no whole summary view per entry (that made the
                # month pages a large part of the list pages' time).
                link, summary = self.views.link(i), summaries.get(i)
                links.append(View(url=link["url"], label=link["title"], count=None,
                                  note=summary.first_clip[:60] if summary else ""))
            sections.append(View(label=f"{m}月{dd}日", url=urls.archive_url(y, m, dd),
                                 count=len(members), links=links))
        heading = f"{y}年{m}月の記事"
        nav = {"older": urls.archive_url(y), "newer": None}
        return self.html("archive.html", urls.archive_url(y, m), heading, heading=heading,
                         sections=sections, nav=View(nav))

    def year(self, page: Page, *_: Any) -> str:
        y = page.args[0]
        months: dict[int, list[View]] = {}
        for yy, mm in self._months():
            if yy == y:
                months[mm] = [View(url=urls.archive_url(y, mm, dd), label=f"{mm}月{dd}日",
                                   count=len(members), note=None)
                              for dd, members in self.days_of(y, mm)]
        sections = [View(label=f"{y}年{m}月", url=urls.archive_url(y, m),
                         count=sum(link["count"] for link in links), links=links)
                    for m, links in months.items()]
        heading = f"{y}年の記事"
        return self.html("archive.html", urls.archive_url(y), heading, heading=heading,
                         sections=sections, nav=View(older=urls.ARCHIVE_URL, newer=None))

    def archive(self, *_: Any) -> str:
        years: dict[int, list[View]] = {}
        counts: dict[tuple[int, int], int] = {}
        for (y, m, _d), members in self.ctx.days.items():
            counts[(y, m)] = counts.get((y, m), 0) + len(members)
        for (y, m), n in sorted(counts.items(), reverse=True):
            years.setdefault(y, []).append(
                View(url=urls.archive_url(y, m), label=f"{m}月", count=n, note=None))
        sections = [View(label=f"{y}年", url=urls.archive_url(y),
                         count=sum(link["count"] for link in links), links=links)
                    for y, links in years.items()]
        return self.html("archive.html", urls.ARCHIVE_URL, "アーカイブ", heading="アーカイブ",
                         sections=sections, nav=View(older=None, newer=None))

    def tags(self, *_: Any) -> str:
        ranked = sorted(self.ctx.tags.values(), key=lambda t: (-len(t.members), t.key))
        links = [View(url=t.url, label=f"#{t.display}", count=len(t.members), note=None)
                 for t in ranked]
        sections = [View(label=f"{len(links)}個のタグ", url=None, count=None,
                         links=links)] if links else []
        return self.html("archive.html", urls.TAGS_URL, "タグ", heading="タグ",
                         sections=sections, nav=View(older=None, newer=None))

    def about(self, *_: Any) -> str:
        entries = self.ctx.entries
        first = date_label(entries[0].published) if entries else None
        last = date_label(entries[-1].published) if entries else None
        return self.html("about.html", urls.ABOUT_URL, "このブログについて", count=len(entries),
                         tags=len(self.ctx.tags), first=first, last=last)

    def search(self, *_: Any) -> str:
        return self.html("search.html", urls.SEARCH_URL, "検索", search_url=urls.SEARCH_URL,
                         index_url="/search/index.json", tags_url=urls.TAGS_URL,
                         archive_url=urls.ARCHIVE_URL, noindex=True, aside=False)

    def not_found(self, *_: Any) -> str:
        return self.html("404.html", "/404.html", "ページが見つかりません",
                         archive_url=urls.ARCHIVE_URL, search_url=urls.SEARCH_URL, noindex=True)

    def search_chunk(self, page: Page, entries: dict[int, Entry], _: Any) -> bytes:
        if len(page.args) > 1:  # the older entries' chunk, as the last build wrote it
            return searchindex.chunk_before(self.ctx, page.entries, entries, page.args[1])
        return searchindex.chunk(self.ctx, page.entries, entries)

    def search_index(self, page: Page, *_: Any) -> bytes:
        return searchindex.manifest(page.args[0], self.ctx.aliases)

    def static(self, page: Page, *_: Any) -> bytes:
        return static_bytes(page.args[0])


__all__ = ["STATIC_FILES", "Renderer", "asset_version", "entry_title", "environment"]
