"""Atom feeds (RFC 4287), sitemaps and robots.txt.

Ids never depend on the build or the host a reader used: an entry is
`tag:<first host>,<year published>:<permalink>` and a feed is its address on the first host.
An entry's `updated` is the journal's record of its last change, so it moves only when the
entry does. Content is the entry body's HTML, escaped into `type="html"`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment
from markupsafe import escape

from kirinuki.journal.published import PublishedEntry
from kirinuki.model import Entry
from kirinuki.publish import urls
from kirinuki.publish.context import SiteContext
from kirinuki.publish.plan import Page
from kirinuki.publish.templating import View, macro_of
from kirinuki.publish.views import Views, entry_title
from kirinuki.text.xmlchars import xml_text

# Used in ids when the journal has no host yet (`.invalid` is reserved: it names no one).
NO_HOST = "kirinuki.invalid"
EPOCH = "1970-01-01T00:00:00Z"


def entry_id(host: str | None, meta: PublishedEntry) -> str:
    """The Atom id of an entry: a tag URI on the canonical host, stable across builds."""
    path = urls.entry_url(meta.permalink).rstrip("/")
    return f"tag:{host or NO_HOST},{meta.published.year:04d}:{path}"


def feed_id(host: str | None, feed_url: str) -> str:
    """The Atom id of a feed: its address on the canonical host."""
    return urls.absolute(host, feed_url) if host else f"tag:{NO_HOST},2000:{feed_url}"


def atom_updated(meta: PublishedEntry) -> datetime:
    """When the entry last changed (never before it was published)."""
    return max(meta.published, meta.updated)


def _iso(d: datetime) -> str:
    return d.isoformat(timespec="seconds")


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc822(d: datetime) -> str:
    """RSS's date of `d`, as `email.utils.format_datetime` writes it (`Mon, 02 Sep 2024
    07:45:00 +0900`; `-0000` without a zone); that module is not imported for it, as its
    imports (the mail parsers, sockets) would be most of what RSS dates cost a publish."""
    zone = d.strftime("%z") if d.tzinfo is not None else "-0000"
    return (f"{_DAYS[d.weekday()]}, {d.day:02d} {_MONTHS[d.month - 1]} {d.year:04d} "
            f"{d.hour:02d}:{d.minute:02d}:{d.second:02d} {zone}")


ITEM_CACHE = 2_000  # feed items kept (a few KB each)


class Feeds:
    """Renders the feeds and sitemaps of one site context."""

    def __init__(self, ctx: SiteContext, env: Environment, views: Views) -> None:
        self.ctx = ctx
        self.env = env
        self.views = views
        macros = env.get_template("_macros.html").module
        self.body = macro_of(macros, "entry_body")
        self.update_lines = macro_of(macros, "update_lines")
        # An entry's item is the same in the Atom and the RSS feed, and in the journal's feed
        # and each of its tags' feeds: made once (the entry HTML is most of a feed's cost).
        self._items: dict[tuple[int, int | None, object], View] = {}

    def feed(self, page: Page, entries: dict[int, Entry], _: Any) -> str:
        """The journal's Atom feed, or a tag's (`page.args[0]` is the tag key or None)."""
        return self._feed(page, entries, "feed.xml")

    def rss(self, page: Page, entries: dict[int, Entry], _: Any) -> str:
        """The same feed as RSS 2.0 (`/rss`, a tag's `…/rss`)."""
        return self._feed(page, entries, "rss.xml")

    def _feed(self, page: Page, entries: dict[int, Entry], template: str) -> str:
        key = page.args[0]
        host = self.ctx.canonical
        title = self.ctx.settings.title
        rss = template == "rss.xml"
        if key is None:
            url, alternate = (urls.RSS_URL if rss else urls.FEED_URL), urls.index_url()
        else:
            tag = self.ctx.tags[key]
            url = urls.tag_rss_url(tag.segment) if rss else urls.tag_feed_url(tag.segment)
            alternate = tag.url
            title = f"#{tag.display} - {title}"
        items = [self.item(i, entries[i]) for i in page.entries]
        metas = [self.ctx.entries[i] for i in page.entries]
        newest = max(atom_updated(m) for m in metas) if metas else None
        feed = View({
            "id": feed_id(host, url), "title": title,
            "updated": _iso(newest) if newest else EPOCH,
            "rfc822": rfc822(newest) if newest else None,
            "self": urls.absolute(host, url), "alternate": urls.absolute(host, alternate),
            "base": f"https://{host}/" if host else None, "author": self.ctx.settings.title,
            "entries": items,
        })
        return xml_text(self.env.get_template(template).render(feed=feed))

    def updates(self, page: Page, *_: Any) -> str:
        """更新された記事: the newest entries carrying version notes (a clip that updates an
        earlier version of the same passage), each with what changed; Atom."""
        host = self.ctx.canonical
        items = []
        for pos in page.args[0]:
            meta = self.ctx.entries[pos]
            notes = self.views.updates(meta).values()
            items.append(View({
                "id": entry_id(host, meta) + "#updates",
                "title": entry_title(meta),
                "link": urls.absolute(host, urls.entry_url(meta.permalink)),
                "published": _iso(meta.published), "updated": _iso(atom_updated(meta)),
                "tags": [], "content": str(self.update_lines(list(notes))),
            }))
        metas = [self.ctx.entries[i] for i in page.args[0]]
        feed = View({
            "id": feed_id(host, urls.UPDATES_URL),
            "title": f"更新された記事 - {self.ctx.settings.title}",
            "updated": _iso(max(atom_updated(m) for m in metas)) if metas else EPOCH,
            "self": urls.absolute(host, urls.UPDATES_URL),
            "alternate": urls.absolute(host, urls.index_url()),
            "base": f"https://{host}/" if host else None, "author": self.ctx.settings.title,
            "entries": items,
        })
        return xml_text(self.env.get_template("feed.xml").render(feed=feed))

    def item(self, pos: int, entry: Entry) -> View:
        """One feed entry (made once per state of the entry)."""
        key = (pos, entry.id, entry.updated)
        found = self._items.get(key)
        if found is None:
            if len(self._items) >= ITEM_CACHE:
                self._items.clear()
            found = self._items[key] = self._item(pos, entry)
        return found

    def _item(self, pos: int, entry: Entry) -> View:
        meta = self.ctx.entries[pos]
        host = self.ctx.canonical
        view = View(groups=[self.views.group(g) for g in entry.groups], html=self.views.html(entry))
        scheme = urls.absolute(host, urls.TAGS_URL)
        return View({
            "id": entry_id(host, meta),
            "title": entry_title(meta),
            "link": urls.absolute(host, urls.entry_url(meta.permalink)),
            "published": _iso(meta.published),
            "updated": _iso(atom_updated(meta)),
            "rfc822": rfc822(meta.published),
            "tags": [View(term=self.ctx.tags[k].display, label=self.ctx.tags[k].display,
                          scheme=scheme) for k in meta.tag_keys],
            # The HTML escaped into type="html" (the text the XML template would write for
            # the plain string), once for every feed the item is in.
            "content": escape(str(self.body(view))),
        })

    def _urlset(self, items: list[tuple[str, datetime | None]]) -> str:
        host = self.ctx.canonical
        rows = [View(loc=urls.absolute(host, u), lastmod=d.date().isoformat() if d else None)
                for u, d in items]
        return xml_text(self.env.get_template("sitemap.xml").render(urls=rows))

    def sitemap(self, page: Page, *_: Any) -> str:
        """The entries of one month."""
        metas = [self.ctx.entries[i] for i in page.args[1]]
        return self._urlset([(urls.entry_url(m.permalink), atom_updated(m)) for m in metas])

    def sitemap_pages(self, *_: Any) -> str:
        """The front page, archives, tag pages and the about page."""
        last = atom_updated(self.ctx.entries[-1]) if self.ctx.entries else None
        items: list[tuple[str, datetime | None]] = [
            (urls.index_url(), last), (urls.ARCHIVE_URL, last), (urls.TAGS_URL, last),
            (urls.ABOUT_URL, None)]
        years = sorted({y for y, _m, _d in self.ctx.days})  # not every entry: see snapshot
        items += [(urls.archive_url(y), None) for y in years]
        items += [(t.url, None) for t in self.ctx.tags.values()]
        return self._urlset(items)

    def sitemap_index(self, page: Page, *_: Any) -> str:
        """The sitemap index: one sitemap per month, and the other pages."""
        host = self.ctx.canonical
        names = [urls.SITEMAP.url(y, m) for y, m in page.args[0]] + [urls.SITEMAP_PAGES.url()]
        rows = [View(loc=urls.absolute(host, n), lastmod=None) for n in names]
        return xml_text(self.env.get_template("sitemap_index.xml").render(sitemaps=rows))

    def robots(self, *_: Any) -> str:
        """robots.txt: everything may be read; the sitemap is on the canonical host."""
        lines = ["User-agent: *", "Allow: /"]
        if self.ctx.canonical:
            lines.append(f"Sitemap: {urls.absolute(self.ctx.canonical, urls.SITEMAP_URL)}")
        return "\n".join(lines) + "\n"
