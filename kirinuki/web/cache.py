"""Rendered public pages kept in memory until the journal changes.

Reading pages (every address of the published site) are the same for every reader, and search
result pages are the same for every reader who is not signed in: both are kept, keyed by
address, together with the journal's change mark they were rendered under. Any commit to the
journal (the app's own requests, the CLI, another worker process) changes the mark, and the
next lookup drops everything: a page is never served from a state older than the last commit
that finished before the request arrived. Each request is checked against a mark read after it
arrived (`ChangeMarks`); on PostgreSQL, where that read is a round trip to the server, the
requests waiting on the event loop share one read.

`CachedPages` answers hits before FastAPI routes the request (no routing, dependencies or
rendering for a hit), renders a missing reading page itself when it can
(`WebState.quick_page`) and answers a reader's search (`routes.search.reader_search`), both on
the event loop; the reading and search routes fill the cache otherwise.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

from kirinuki.journal import Journal
from kirinuki.journal.workbench import change_mark
from kirinuki.web.messages import t

CACHE_BYTES = 128 * 1024 * 1024  # per process; ~16k entry pages of the synthetic journal
SEARCH_PATHS = ("/search", "/search/")
SESSION_COOKIE = b"kirinuki_session="
Key = tuple[str, bytes]


def page_key(path: str, query: bytes = b"") -> Key:
    """The cache key of a request: reading pages ignore the query string, search keeps it."""
    return (path, query if path in SEARCH_PATHS else b"")


class ChangeMarks:
    """The journal's change mark, read through a connection of its own (`watcher`) that no one
    writes through, numbered in the order read: marks from the page cache and the live site
    compare, and a larger one is newer.

    `fresh` is for requests on the event loop: each gets a mark read after it arrived (so a
    commit that finished before the request is seen), but requests arriving while a read is
    on its way share the next one. On PostgreSQL a read is a round trip to the server, made on
    a thread of its own so the loop answers other requests meanwhile; SQLite's is a memory read.
    """

    def __init__(self, watcher: Journal) -> None:
        self.watcher = watcher
        self.lock = threading.Lock()
        self.reads = 0
        self._raw: int | None = None
        self._mark = 0
        self._remote = watcher.store.dialect == "postgresql"
        self._thread: ThreadPoolExecutor | None = None
        self._running: asyncio.Future[int] | None = None  # a read started before now
        self._next: asyncio.Future[int] | None = None  # the read to start after it

    def read(self) -> int:
        """The mark now (one read)."""
        with self.lock:
            self.reads += 1
            raw = change_mark(self.watcher)
            if raw != self._raw:
                self._raw = raw
                self._mark += 1
            return self._mark

    async def fresh(self) -> int:
        """A mark read after this call began, shared with the calls waiting at the same time."""
        if not self._remote:
            return self.read()
        if self._running is None:
            return await self._start(asyncio.get_running_loop(), None)
        if self._next is None:  # the read on its way began too early for this request
            self._next = asyncio.get_running_loop().create_future()
        return await asyncio.shield(self._next)

    def _start(self, loop: asyncio.AbstractEventLoop,
               waiting: asyncio.Future[int] | None) -> asyncio.Future[int]:
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="kirinuki-marks")
        running = asyncio.wrap_future(self._thread.submit(self.read), loop=loop)
        self._running = running

        def done(f: asyncio.Future[int]) -> None:
            self._running = None
            if waiting is not None:
                if f.cancelled():
                    waiting.cancel()
                elif f.exception() is not None:
                    waiting.set_exception(f.exception())  # type: ignore[arg-type]
                else:
                    waiting.set_result(f.result())
            if self._next is not None:
                nxt, self._next = self._next, None
                self._start(loop, nxt)

        running.add_done_callback(done)
        return running

    def close(self) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=False)
        self.watcher.close()


class PageCache:
    """Page bodies by key, valid for one change mark of the journal, least recently used out.

    The marks come from `ChangeMarks` (not behind the site's lock, so a lookup never waits
    for a context rebuild).
    """

    def __init__(self, marks: ChangeMarks, max_bytes: int = CACHE_BYTES) -> None:
        self.marks = marks
        self.max_bytes = max_bytes
        self.lock = threading.Lock()
        self.mark: int | None = None
        self.pages: OrderedDict[Key, tuple[bytes, str]] = OrderedDict()
        self.size = 0
        self.hits = self.misses = 0
        self._filling: dict[Key, tuple[threading.Lock, list[int]]] = {}

    def peek(self) -> int:
        """The journal's change mark now; read it before rendering a page to `put`."""
        mark = self.marks.read()
        with self.lock:
            self._advance(mark)
        return mark

    def _advance(self, mark: int) -> None:
        # A mark older than the cache's (read by a request that arrived earlier) keeps it:
        # its pages are newer than that request needs.
        if self.mark is None or mark > self.mark:
            self.pages.clear()
            self.size = 0
            self.mark = mark

    def get(self, key: Key, mark: int | None = None) -> tuple[bytes, str] | None:
        """(body, media type) of a page rendered since the last commit, or None; `mark`: one
        read since the request arrived (`ChangeMarks.fresh`), else read now."""
        if mark is None:
            mark = self.marks.read()
        with self.lock:
            self._advance(mark)
            hit = self.pages.get(key)
            if hit is None:
                self.misses += 1
                return None
            self.pages.move_to_end(key)
            self.hits += 1
            return hit

    def put(self, key: Key, mark: int, body: bytes, media: str) -> None:
        """Keep a page rendered from the journal as of `mark` (read before rendering); dropped
        when a newer mark has been seen since (the next lookup's read finds later commits)."""
        if len(body) > self.max_bytes // 16:
            return
        with self.lock:
            self._advance(mark)
            if mark != self.mark:
                return
            old = self.pages.pop(key, None)
            if old is not None:
                self.size -= len(old[0])
            self.pages[key] = (body, media)
            self.size += len(body)
            while self.size > self.max_bytes:
                _, (dropped, _) = self.pages.popitem(last=False)
                self.size -= len(dropped)

    @contextmanager
    def filling(self, key: Key, mark: int | None = None,
                ) -> Iterator[Callable[[], tuple[bytes, str] | None]]:
        """Held while one request renders `key`: others asking for the same page wait for it
        and then find it cached (100 readers arriving at once for a search nobody cached
        would otherwise run it 100 times side by side)."""
        with self.lock:
            lock, users = self._filling.setdefault(key, (threading.Lock(), [0]))
            users[0] += 1
        try:
            with lock:
                yield lambda: self.get(key, mark)
        finally:
            with self.lock:
                users[0] -= 1
                if not users[0]:
                    del self._filling[key]

def _signed_in(scope: dict[str, Any]) -> bool:
    return any(name == b"cookie" and SESSION_COOKIE in value for name, value in scope["headers"])


_MAIN = b'<main id="main"'
OWNER_CSS = "/_web/owner-edit.css"  # its own file: a reader's page keeps the site's style only


def owner_links(path: str, body: bytes, media: str) -> bytes:
    """`body` with the owner's links at the top of the page (an edit link on an entry page),
    for a request carrying a session cookie. Added to the shared cached page at answer time,
    never kept: a reader's page stays the published one. A stale cookie shows the links too;
    following them leads to sign-in."""
    if not media.startswith("text/html") or _MAIN not in body:
        return body
    if path.startswith("/entry/"):
        first = (f'<a href="/edit?link={quote(path.removesuffix("/"), safe="/")}" '
                 f'id="owner-edit">{t("public.edit")}</a>')
    else:
        first = f'<a href="/compose">{t("nav.compose")}</a>'
    bar = (f'<link rel="stylesheet" href="{OWNER_CSS}">'
           f'<p class="owner-edit">{first}<a href="/manage">{t("nav.manage")}</a></p>')
    end = body.index(b">", body.index(_MAIN)) + 1  # after the tag, whatever its attributes
    return body[:end] + b"\n" + bar.encode() + body[end:]


class CachedPages:
    """ASGI middleware answering GET requests for cached pages without routing them.

    Search pages are looked up only for requests without a session cookie (the owner's page
    shows drafts and the owner's links).
    """

    def __init__(self, app: Any, cache: PageCache,
                 render: Callable[[str, int], tuple[bytes, str] | None] | None = None,
                 search: Callable[[str, bytes, int], tuple[bytes, str] | None] | None = None
                 ) -> None:
        self.app = app
        self.cache = cache
        self.render = render
        self.search = search

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path = scope["path"]
            if path not in SEARCH_PATHS or not _signed_in(scope):
                mark = await self.cache.marks.fresh()
                hit = self.cache.get(page_key(path, scope["query_string"]), mark)
                if hit is None and self.render is not None and path not in SEARCH_PATHS:
                    hit = self.render(path, mark)
                elif hit is None and self.search is not None and path in SEARCH_PATHS:
                    hit = self.search(path, scope["query_string"], mark)
                if hit is not None:
                    body, media = hit
                    if path not in SEARCH_PATHS and _signed_in(scope):
                        body = owner_links(path, body, media)
                    await send({"type": "http.response.start", "status": 200, "headers": [
                        (b"content-type", media.encode()),
                        (b"content-length", str(len(body)).encode()),
                        (b"cache-control", b"no-cache"),
                    ]})
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.app(scope, receive, send)
