"""What the web app holds between requests: journal connections, the live site, the page
cache, templates.

A journal connection is never used by two requests at once: a route's journal is leased to
its request (`lease`), and the reads made outside routes use the calling thread's own journal
(readers run in parallel under WAL). One more connection only watches
for changes (see `LiveSite`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from kirinuki.journal import Journal, open_journal
from kirinuki.journal.core import reload_settings
from kirinuki.journal.search import Postings
from kirinuki.publish.templating import environment
from kirinuki.publish.views import date_label, day_label
from kirinuki.web.cache import ChangeMarks, PageCache, page_key
from kirinuki.web.live import LiveSite, decode_path
from kirinuki.web.messages import t

STATIC_DIR = Path(__file__).resolve().parent / "static"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
Fetcher = Any  # the capture layer's fetcher; the web app only passes it through
MEMO_SIZE = 256  # results kept by `WebState.memo` (analysis views cost up to seconds each)
MEMO_SIZES = {"search": 4096}  # kinds of small results kept in greater number


def when_label(d: datetime | None) -> str:
    """A date as the owner's pages write it (`2025年7月1日 08:00`), "" for none."""
    return date_label(d) if isinstance(d, datetime) else ""


def day_text(d: datetime | str | None) -> str:
    """A day as the web pages write it (`2025年7月1日`), from a date or its ISO text; "" for
    none."""
    if isinstance(d, str):
        d = datetime.fromisoformat(d)
    return day_label(d) if isinstance(d, datetime) else ""


class WebState:
    """Per-app state: the journal path, per-thread journals, the live site, templates."""

    def __init__(self, journal_path: str, fetcher: Callable[[], Fetcher] | None = None) -> None:
        self.journal_path = journal_path
        self.fetcher = fetcher
        self._local = threading.local()
        self._opened: list[Journal] = []
        # Leased to one request at a time (`lease`), with the change mark of their settings.
        self._idle: list[tuple[Journal, int | None]] = []
        self._lock = threading.Lock()
        # One environment for the published pages and the app's own (which extend them).
        self.env = environment(TEMPLATES_DIR)
        self.env.globals["t"] = t  # the owner pages' words (web/messages.py)
        self.env.filters["when_label"] = when_label
        self.env.filters["day_label"] = day_text
        marks = ChangeMarks(open_journal(journal_path))
        self.site = LiveSite(marks, lambda: open_journal(journal_path), self.env)
        self.pages = PageCache(marks)
        self._memo: dict[Hashable, OrderedDict[Hashable, tuple[int | None, Any]]] = {}
        self.postings = Postings()  # search: row ids per word, until the next commit

    def memo(self, key: Hashable, compute: Callable[[], Any], kind: str = "views",
             mark: int | None = None) -> Any:
        """`compute()`, kept until the journal changes (any commit) or MEMO_SIZE newer keys
        of the same `kind` (MEMO_SIZES for some); `mark`: one read since the request arrived.

        For expensive read-only views: a reader asking again costs nothing until a write.
        """
        self.site.current(self.journal(), mark)  # brings the change mark up to date
        mark = self.site.mark
        with self._lock:
            memo = self._memo.setdefault(kind, OrderedDict())
            hit = memo.get(key)
            if hit is not None and hit[0] == mark:
                memo.move_to_end(key)
                return hit[1]
        value = compute()
        with self._lock:
            memo[key] = (mark, value)
            while len(memo) > MEMO_SIZES.get(kind, MEMO_SIZE):
                memo.popitem(last=False)
        return value

    def page_mark(self, mark: int | None = None) -> int:
        """The change mark to cache a page under, read before the page is rendered (and
        before the site context is brought up to date: a commit landing in between then
        only makes this page uncacheable, never a stale page cached as fresh); `mark`: one
        read since the request arrived, if there is one."""
        mark = self.pages.peek() if mark is None else mark
        self.site.current(self.journal(), mark)
        return mark

    def quick_page(self, path: str, mark: int | None = None) -> tuple[bytes, str] | None:
        """The reading page at `path` (the request's decoded path) rendered on the calling
        thread and cached, when the site context is up to date; None when it is not a page,
        is a redirect, or the context is stale or being rebuilt (the reading route answers).

        Called by `CachedPages` on the event loop itself: a cold entry page renders in less
        time than handing it to the thread pool and through FastAPI's routing would take.
        """
        # Read before the freshness check (`mark`: since the request arrived): the page is at
        # least this fresh.
        mark = self.pages.peek() if mark is None else mark
        built = self.site.fresh(mark)
        if built is None:
            return None
        found = self.site.find(self.journal(), decode_path(path), built)
        if found is None or found.page is None:
            return None
        try:
            body = self.site.render(self.journal(), found.page, built)
        except (KeyError, IndexError):  # an entry removed since `mark`: the route rebuilds
            return None
        self.pages.put(page_key(path), mark, body, found.media)
        return body, found.media

    @contextmanager
    def lease(self) -> Iterator[Journal]:
        """A journal connection for one request alone, returned to the idle ones after it:
        a connection shared by two requests at once mixed their transactions (a dependency
        and its route may run on different threads)."""
        with self._lock:
            j, mark = self._idle.pop() if self._idle else (None, None)
        if j is None:
            j = open_journal(self.journal_path)
            with self._lock:
                self._opened.append(j)
        elif mark != self.site.mark:
            reload_settings(j)  # as `journal` does: only after a commit
        mark = self.site.mark
        try:
            yield j
        finally:
            j.store.author = None  # the next request names its own user
            with self._lock:
                self._idle.append((j, mark))

    def journal(self) -> Journal:
        """This thread's open journal, its settings read again after a commit changed them."""
        j: Journal | None = getattr(self._local, "journal", None)
        if j is None:
            j = open_journal(self.journal_path)
            self._local.journal = j
            with self._lock:
                self._opened.append(j)
        elif self._local.mark != self.site.mark:
            reload_settings(j)  # one small read, only after a commit
        self._local.mark = self.site.mark
        return j

    def close(self) -> None:
        """Close every connection the app opened."""
        with self._lock:
            for j in self._opened:
                j.close()
            self._opened.clear()
            self._idle.clear()
        if self.site.analysis is not None:
            self.site.analysis.close()
        self.site.marks.close()
