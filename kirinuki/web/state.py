"""What the web app holds between requests: journal connections, the live site, the page
cache, templates.

SQLite connections are not shared between threads: each worker thread of the server opens its
own journal on first use (readers run in parallel under WAL). One more connection only watches
for changes (see `LiveSite`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined

from kirinuki.journal import Journal, open_journal
from kirinuki.web.cache import PageCache
from kirinuki.web.site import LiveSite

STATIC_DIR = Path(__file__).resolve().parent / "static"
Fetcher = Any  # the capture layer's fetcher; the web app only passes it through
MEMO_SIZE = 256  # results kept by `WebState.memo` (analysis views cost up to seconds each)


def safe_url(url: object) -> str:
    """`url` when it is an http(s) address, else "#": no `javascript:` link from stored data."""
    text = str(url or "").strip()
    return text if text.lower().startswith(("http://", "https://", "/")) \
        and not text.startswith("//") else "#"


class WebState:
    """Per-app state: the journal path, per-thread journals, the live site, templates."""

    def __init__(self, journal_path: str, fetcher: Callable[[], Fetcher] | None = None) -> None:
        self.journal_path = journal_path
        self.fetcher = fetcher
        self._local = threading.local()
        self._opened: list[Journal] = []
        self._lock = threading.Lock()
        self.site = LiveSite(open_journal(journal_path))
        self.pages = PageCache(open_journal(journal_path))
        self.env = Environment(
            loader=ChoiceLoader([
                FileSystemLoader(str(Path(__file__).resolve().parent / "templates")),
                PackageLoader("kirinuki.publish", "templates"),
            ]),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=StrictUndefined,
        )
        self.env.filters["safe_url"] = safe_url
        self._memo: OrderedDict[Hashable, tuple[int | None, Any]] = OrderedDict()

    def memo(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """`compute()`, kept until the journal changes (any commit) or MEMO_SIZE newer keys.

        For expensive read-only views: a reader asking again costs nothing until a write.
        """
        self.site.current(self.journal())  # brings the change mark up to date
        mark = self.site.mark
        with self._lock:
            hit = self._memo.get(key)
            if hit is not None and hit[0] == mark:
                self._memo.move_to_end(key)
                return hit[1]
        value = compute()
        with self._lock:
            self._memo[key] = (mark, value)
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return value

    def page_mark(self) -> int:
        """The change mark to cache a page under, read before the page is rendered.

        The site context is brought up to date first: its rebuild may commit (version marks
        catch up), which would otherwise make the first page rendered after a write uncacheable.
        """
        self.site.current(self.journal())
        return self.pages.peek()

    def journal(self) -> Journal:
        """This thread's open journal."""
        j: Journal | None = getattr(self._local, "journal", None)
        if j is None:
            j = open_journal(self.journal_path)
            self._local.journal = j
            with self._lock:
                self._opened.append(j)
        return j

    def close(self) -> None:
        """Close every connection the app opened."""
        with self._lock:
            for j in self._opened:
                j.close()
            self._opened.clear()
        self.site.watcher.close()
        self.pages.close()
