"""A watch run's fetching side: worker threads take one host's due watches at a time and
fetch them one after another (conditional requests, short busy answers waited out, a longer
one postpones the rest of the host); what they find goes back on a queue. No store touched:
the calling thread writes (`journal.watch`).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from kirinuki.capture.fetch import Fetcher, FetchResult, retry_after_seconds
from kirinuki.errors import HttpStatusError, KirinukiError
from kirinuki.journal.capture import Fetched, read_page
from kirinuki.journal.core import Journal
from kirinuki.store.sqlite.watch import WatchRow

BUSY = frozenset({429, 503})
# A host asking for a pause this short is waited for within the run (at most twice);
# a longer pause postpones its articles to a later run.
WAIT_IN_RUN = 30.0
RETRIES = 2
BUSY_DEFAULT = timedelta(minutes=10)  # 429/503 without a readable Retry-After
Sleep = Callable[[float], None]


@dataclass
class Found:
    """What a worker found for one watch (no store touched)."""

    watch: WatchRow
    fetched: Fetched | None = None
    result: FetchResult | None = None
    error: KirinukiError | None = None
    pause: float | None = None  # the host asked for this many seconds' rest


def host_of(url: str) -> str:
    """The host of a URL, lower case: what a run's per-host queues and pauses go by."""
    return (urlsplit(url).hostname or "").lower()


def _fetch_one(journal: Journal, fetcher: Fetcher, w: WatchRow, sleep: Sleep) -> Found:
    """Fetch (conditionally) and read one watched page, waiting out short busy answers."""
    for attempt in range(RETRIES + 1):
        try:
            result = fetcher.get(w.url, etag=w.etag, last_modified=w.last_modified)
            return Found(w, read_page(journal, w.url, result), result)
        except HttpStatusError as exc:
            if exc.status not in BUSY:
                return Found(w, error=exc)
            wait = retry_after_seconds(exc.retry_after, datetime.now(UTC))
            if wait is None:
                wait = BUSY_DEFAULT.total_seconds() if attempt == RETRIES else 2.0 ** attempt
            if wait > WAIT_IN_RUN or attempt == RETRIES:
                return Found(w, error=exc, pause=wait)
            sleep(wait)
        except KirinukiError as exc:
            return Found(w, error=exc)
        except Exception as exc:  # one page's surprise must not stop the others
            return Found(w, error=KirinukiError(f"{w.url}: {type(exc).__name__}: {exc}"))
    raise AssertionError("unreachable")


def fetch_worker(journal: Journal, fetcher: Fetcher, hosts: queue.Queue[list[WatchRow]],
            out: queue.Queue[Found | None], sleep: Sleep, halt: threading.Event,
            stop: threading.Event) -> None:
    """Take one host's watches at a time and fetch them one after another, until `halt`
    (the run ends) or `stop` (the caller's) is set."""
    try:
        while not (halt.is_set() or stop.is_set()):
            try:
                group = hosts.get_nowait()
            except queue.Empty:
                return
            for i, w in enumerate(group):
                if halt.is_set() or stop.is_set():
                    return
                found = _fetch_one(journal, fetcher, w, sleep)
                out.put(found)
                if found.pause is not None:
                    # The host is busy: the rest of its articles wait for a later run.
                    for rest in group[i + 1:]:
                        out.put(Found(rest, pause=found.pause))
                    break
    finally:
        out.put(None)
