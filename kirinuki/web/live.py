"""The published site, live: the static publisher's context and renderer, kept fresh.

The publisher's phase 1 (`build_context`) is built once, then brought up to date after each
commit by any connection (noticed through `cache.ChangeMarks`) from the entries that
changed (`follow.Follower`); each request reads its address through the publisher's one
address scheme (`publish.urls.parse`), asks the publisher's plan for the page it has there
(`Planner.plan_at`) and renders it with the same templates, loading only the entries that page
shows.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from jinja2 import Environment

from kirinuki.journal import Journal
from kirinuki.journal.core import reload_settings
from kirinuki.journal.published import entry_batch, listing_summaries
from kirinuki.journal.story import tag_story
from kirinuki.publish import urls
from kirinuki.publish.context import SiteContext, build_context
from kirinuki.publish.keys import LazyFingerprints
from kirinuki.publish.pages import Renderer, asset_version
from kirinuki.publish.plan import Page, Planner, months_of
from kirinuki.publish.templating import environment
from kirinuki.text.normalize import tag_key
from kirinuki.web.cache import ChangeMarks
from kirinuki.web.follow import Analysis, Follower, catch_up_once

log = logging.getLogger("kirinuki.web")


@dataclass
class Found:
    """A page of the site: the publisher's page and its media type, or a redirect."""

    page: Page | None = None
    media: str = "text/html; charset=utf-8"
    redirect: str | None = None
    built: tuple[SiteContext, Renderer] | None = None


class LiveSite:
    """The site context and renderer of one journal, kept up to date as the journal changes
    (`marks`: the page cache's, so their marks compare); `opener` opens the connection new
    clips are analysed through (apart from requests)."""

    def __init__(self, marks: ChangeMarks, opener: Callable[[], Journal] | None = None,
                 env: Environment | None = None) -> None:
        self.marks = marks
        self.env = env or environment()  # the templates, compiled once for every context
        self.follower: Follower | None = None
        self.analysis = Analysis(opener) if opener is not None else None
        self.version = asset_version()
        self.lock = threading.Lock()
        self.mark: int | None = None
        self.ctx: SiteContext | None = None
        self.renderer: Renderer | None = None
        self.routing: Routing | None = None
        self.warned: set[str] = set()

    def current(self, journal: Journal, mark: int | None = None,
                ) -> tuple[SiteContext, Renderer]:
        """The up-to-date context and renderer: built from `journal` the first time, then
        brought up to date with what changed since (`Follower`). `mark`: one read since the
        request arrived; a context at least that new is then used without another read (on
        PostgreSQL a read is a round trip)."""
        with self.lock:
            if (mark is not None and self.ctx is not None and self.renderer is not None
                    and self.mark is not None and self.mark >= mark):
                return self.ctx, self.renderer
            mark = self.marks.read()
            if self.ctx is None or self.renderer is None or self.follower is None:
                mark = self._build(journal)
            elif mark != self.mark and (reload_settings(journal)
                                        or journal.settings != self.ctx.settings):
                mark = self._build(journal)  # a setting (title, version notes…) changed
            elif mark != self.mark:
                updated = self.follower.update(journal, self.ctx)
                if updated is None:
                    mark = self._build(journal)
                else:
                    ctx, written = updated
                    if ctx is not self.ctx:
                        self._use(ctx)
                    if written and self.analysis is not None:
                        self.analysis.kick()
            self.mark = mark
            assert self.ctx is not None and self.renderer is not None
            return self.ctx, self.renderer

    def _build(self, journal: Journal) -> int:
        # The version and suggestion catch-ups commit: run them before taking the mark and
        # the follower's snapshot, so that the context built after them is not stale at once.
        catch_up_once(journal)
        mark = self.marks.read()
        gc.unfreeze()  # the context being replaced may be collected again
        self.follower = Follower(journal)
        problems: list[str] = []
        ctx = build_context(journal, problems=problems)
        for line in problems:  # each once per process, not at every rebuild
            if line not in self.warned:
                self.warned.add(line)
                log.warning("%s", line)
        # A full collection walks every tracked object while every request waits (it set the
        # p99 of cold pages). The context is read-only, long-lived and free of reference
        # cycles: leave it out of collections (contexts brought up to date after writes share
        # its entries). The renderer, whose caches grow and which holds cycles, is made
        # after: it stays collectable (docs/web.md, Measurements).
        gc.collect()
        gc.freeze()
        self._use(ctx)
        return mark

    def _use(self, ctx: SiteContext) -> None:
        self.ctx = ctx
        self.renderer = Renderer(ctx, self.version, self.env)
        self.renderer.inline_nav = True  # the sidebar in the page: no frame to fetch
        self.routing = Routing(ctx)

    def fresh(self, mark: int | None = None) -> tuple[SiteContext, Renderer] | None:
        """The context and renderer when they are known to be as new as `mark` (read now when
        None), without waiting: None while another thread rebuilds them or when the journal
        changed since."""
        if not self.lock.acquire(blocking=False):
            return None
        try:
            if mark is None:
                mark = self.marks.read()
            if self.ctx is None or self.renderer is None or self.mark is None or self.mark < mark:
                return None
            return self.ctx, self.renderer
        finally:
            self.lock.release()

    def render(self, journal: Journal, page: Page,
               built: tuple[SiteContext, Renderer] | None = None) -> bytes:
        """The bytes of `page`, loading the entries and summaries it needs; `built` is the
        context the page was found in (positions are only valid within it)."""
        ctx, renderer = built or self.current(journal)
        ids = {ctx.entries[p].id: p for p in page.entries}
        loaded = entry_batch(journal, list(ids)) if ids else {}
        entries = {ids[i]: e for i, e in loaded.items()}
        sids = {ctx.entries[p].id: p for p in page.summaries}
        summaries = {sids[i]: d for i, d in listing_summaries(journal, list(sids)).items()} \
            if sids else {}
        stories = {page.args[0]: tag_story(journal, page.args[0], ctx.pos)} \
            if page.kind == "tag" and page.args[1] is None else None
        return renderer.render(page, entries, summaries, stories)

    def find(self, journal: Journal, path: str,
             built: tuple[SiteContext, Renderer] | None = None) -> Found | None:
        """The page served at `path` (decoded, root-relative), or None; looked up in `built`
        (from `fresh`) when given, else in the up-to-date context."""
        built = built or self.current(journal)
        found = self._find(built[0], path)
        if found is not None:
            found.built = built
        return found

    def _find(self, ctx: SiteContext, path: str) -> Found | None:
        parsed = urls.parse(path)
        if parsed is not None:
            return self._at(ctx, *parsed)
        if path.endswith("/"):
            return None
        # A folder's address without its final slash (`/entry/2022/01/08/120000`): moved
        # permanently to the address with it, as a static server answers.
        parsed = urls.parse(path + "/")
        found = None if parsed is None else self._at(ctx, *parsed)
        if found is None:
            return None
        assert parsed is not None
        return Found(redirect=found.redirect or parsed[0].url(*parsed[1]))

    def _at(self, ctx: SiteContext, route: urls.Route, values: tuple[Any, ...]) -> Found | None:
        """The page the publisher plans at this route, or the redirect of a tag's old name."""
        routing = self.routing
        if routing is None or routing.ctx is not ctx:  # a context replaced meanwhile
            routing = Routing(ctx)
        planner = Planner(ctx, self.version, fps=routing.fps, months=routing.months)
        page = planner.plan_at(route, values, routing.segments)
        if page is not None:
            return Found(page, route.media_of(values))
        if route in _TAG_ROUTES and values[0] not in routing.segments:
            # An old name of a renamed or merged tag (an alias), or another spelling that
            # folds to a tag: moved permanently to the tag's address.
            folded = tag_key(values[0])
            tag = ctx.tags.get(ctx.aliases.get(folded, folded))
            if tag is not None and folded:
                return Found(redirect=route.url(tag.segment, *values[1:]))
        return None

    def not_found(self, journal: Journal) -> bytes:
        """The site's 404 page."""
        return self.render(journal, Page("", "404", "", 0))


_TAG_ROUTES = (urls.TAG, urls.TAG_PAGE, urls.TAG_FEED, urls.TAG_RSS)


class Routing:
    """What planning one page at a time reads again and again, kept for one context: tag
    segments, entry fingerprints (each made when first read), entries per month (made once:
    a pass over every day)."""

    def __init__(self, ctx: SiteContext) -> None:
        self.ctx = ctx
        self.segments = {t.segment: t.key for t in ctx.tags.values()}
        self.fps = LazyFingerprints(ctx)
        self._months: dict[tuple[int, int], list[int]] | None = None

    def months(self) -> dict[tuple[int, int], list[int]]:
        """`months_of` the context."""
        if self._months is None:
            self._months = months_of(self.ctx)
        return self._months


def decode_path(raw: str) -> str:
    """The decoded form of a request path, as the publisher's addresses decode."""
    return unquote(raw)
