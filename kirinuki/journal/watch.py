"""Watching clipped articles: re-fetch each on a schedule, keep a version when its text changed.

Every article with clips is watched (and any added with `watch add`). A watch is due 1 h, 6 h,
1 d, 3 d and 7 d after the article's publication (else its first fetch), then every 30 days.
A run fetches the due articles with conditional requests through the one `Fetcher` (SSRF
guard and limits included), one request at a time per host and `jobs` hosts at once; a host
answering 429 or 503 is left alone for its Retry-After. Worker threads fetch and extract
(`watch_fetch`); the calling thread alone writes, a changed page in its own transaction with
its event, the other outcomes in batches. Only one watcher runs per journal (a lock file beside it).
"""

from __future__ import annotations

import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from kirinuki.capture.fetch import Fetcher
from kirinuki.capture.urls import normalize_url
from kirinuki.errors import ConflictError, HttpStatusError, KirinukiError, NotFoundError
from kirinuki.journal.capture import capture, make_fetcher, store_page
from kirinuki.journal.core import Journal
from kirinuki.journal.watch_fetch import Found, Sleep, fetch_worker, host_of
from kirinuki.store.sqlite import articles as article_rows
from kirinuki.store.sqlite import watch as rows
from kirinuki.store.sqlite.watch import Event, WatchRow

__all__ = ["CheckResult", "RunSummary", "WatchRow", "add_watch", "list_watches", "next_check",
           "remove_watch", "run_watch", "watch_lock", "watch_forever"]

SCHEDULE = (timedelta(hours=1), timedelta(hours=6), timedelta(days=1), timedelta(days=3),
            timedelta(days=7))
MONTH = timedelta(days=30)
GONE = frozenset({404, 410})
ERROR_BACKOFF = timedelta(hours=1)  # doubled after each failure in a row, at most 7 days
BATCH = 500  # events written per transaction
MAX_JOBS = 16


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def next_check(anchor: datetime, after: datetime) -> datetime:
    """The first scheduled check strictly after `after` for an article published (or first
    fetched) at `anchor`: anchor + 1 h, 6 h, 1 d, 3 d, 7 d, then every 30 days."""
    anchor, after = _utc(min(_utc(anchor), _utc(after))), _utc(after)
    for step in SCHEDULE:
        if anchor + step > after:
            return anchor + step
    last = anchor + SCHEDULE[-1]
    months = (after - last) // MONTH + 1
    return last + months * MONTH


@dataclass
class CheckResult:
    """One watched article's re-fetch: its outcome and what it found."""

    watch: WatchRow
    outcome: str  # unchanged, changed, gone, moved, error
    status: int | None = None
    url: str | None = None  # where it moved to
    detail: str | None = None
    version_id: int | None = None
    figures: list[tuple[str, str]] = field(default_factory=list)
    next_check: datetime | None = None


@dataclass
class RunSummary:
    """What a run did: results by outcome, articles postponed for a busy host, and time."""

    results: list[CheckResult] = field(default_factory=list)
    postponed: int = 0
    seconds: float = 0.0

    @property
    def counts(self) -> Counter[str]:
        """How many results of each outcome."""
        return Counter(r.outcome for r in self.results)


@contextmanager
def watch_lock(journal: Journal) -> Iterator[None]:
    """Hold the journal's watcher lock (`<journal>-watch.lock`) for the block.

    Raises ConflictError when another watcher (a `watch run`, a `serve --watch`) holds it.
    """
    with journal.store.exclusive("watch") as held:
        if not held:
            raise ConflictError("another watcher is running on this journal "
                                "(`kirinuki watch run` or `serve --watch`)")
        yield


def _sync(journal: Journal, now: datetime) -> None:
    """Watch every article with clips that has no watch row yet."""
    store = journal.store
    new = rows.clipped_unwatched(store)
    if new:
        with store.transaction():
            rows.add_watches(store, [(a, "clip", now, next_check(anchor, now))
                                     for a, anchor in new])


def list_watches(journal: Journal) -> list[WatchRow]:
    """Watched articles (every article with clips, and those added), soonest due first."""
    _sync(journal, journal.now())
    return rows.list_watches(journal.store)


def _article(journal: Journal, url: str) -> int:
    aid = article_rows.find_article_id(journal.store, normalize_url(url))
    if aid is None:
        raise NotFoundError(f"no captured article {url} (see `kirinuki watch list`)")
    return aid


def add_watch(journal: Journal, url: str, *, fetcher: Fetcher | None = None) -> WatchRow:
    """Watch the article at `url`, capturing it now (a version is stored if its text is new).

    Raises InputError, FetchError, BlockedAddressError (as `capture`).
    """
    res = capture(journal, url, fetcher=fetcher)
    aid = res.article.id
    assert aid is not None
    now = journal.now()
    store = journal.store
    with store.transaction():
        start = rows.anchor(store, aid) or now
        rows.add_watches(store, [(aid, "manual", now, next_check(start, now))])
    row = rows.get_watch(store, aid)
    assert row is not None
    return row


def remove_watch(journal: Journal, url: str) -> WatchRow:
    """Stop watching the article at `url` (its clips do not bring it back; `watch add` does).

    Raises NotFoundError when it is not watched.
    """
    _sync(journal, journal.now())
    aid = _article(journal, url)
    with journal.store.transaction():
        stopped = rows.stop_watch(journal.store, aid)
    row = rows.get_watch(journal.store, aid)
    if not stopped or row is None:
        raise NotFoundError(f"{url} is not watched (see `kirinuki watch list`)")
    return row


# --- a run -----------------------------------------------------------------------------------


class _Writer:
    """The calling thread's side of a run: turns what workers found into stored outcomes."""

    def __init__(self, journal: Journal, on_result: Callable[[CheckResult], None] | None
                 ) -> None:
        self.journal = journal
        self.on_result = on_result
        self.summary = RunSummary()
        self.pending: list[CheckResult] = []

    def take(self, found: Found) -> None:
        now = self.journal.now()
        w = found.watch
        if found.error is None and found.fetched is None:  # postponed: the host is busy
            self._postpone(w, now, found.pause or 0.0)
            return
        if found.error is not None:
            self._failed(found, now)
            return
        assert found.fetched is not None and found.result is not None
        moved = normalize_url(found.result.url)
        moved_to = moved if moved != w.url else None
        if found.fetched.extracted is None:  # 304
            self._add(CheckResult(w, "moved" if moved_to else "unchanged", 304, moved_to), now)
            return
        self._store(found, now, moved_to)

    def _store(self, found: Found, now: datetime, moved_to: str | None) -> None:
        store = self.journal.store
        w, fetched = found.watch, found.fetched
        assert fetched is not None and found.result is not None
        try:
            with store.transaction():
                res = store_page(self.journal, fetched)
                outcome = "moved" if moved_to else ("changed" if res.new_version else "unchanged")
                r = CheckResult(w, outcome, found.result.status, moved_to,
                                version_id=res.version.id if res.new_version else None)
                if res.new_version:
                    r.figures = res.figures
                self._finish(r, now, 0)
                rows.record_events(store, [self._event(r, now)])
        except KirinukiError as exc:
            self._failed(Found(w, error=exc), now)
            return
        self._done(r)

    def _failed(self, found: Found, now: datetime) -> None:
        w, exc = found.watch, found.error
        assert exc is not None
        status = exc.status if isinstance(exc, HttpStatusError) else None
        reason = str(exc).removeprefix(f"{w.url}: ")
        if status in GONE:
            self._add(CheckResult(w, "gone", status, detail=reason), now)
            return
        fails = w.failures + 1
        r = CheckResult(w, "error", status, detail=reason)
        if found.pause is not None:
            until = _utc(now) + timedelta(seconds=found.pause)
            r.detail = f"{reason}; the host asked to wait until {until:%Y-%m-%d %H:%M} UTC"
            with self.journal.store.transaction():
                rows.pause_host(self.journal.store, host_of(w.url), until, reason)
            r.next_check = until
        self._add(r, now, fails)

    def _postpone(self, w: WatchRow, now: datetime, pause: float) -> None:
        until = _utc(now) + timedelta(seconds=pause)
        with self.journal.store.transaction():
            rows.postpone(self.journal.store, [w.article_id], until)
        self.summary.postponed += 1

    def _finish(self, r: CheckResult, now: datetime, fails: int) -> None:
        """Decide the next check: the schedule, a month after gone, backoff after errors."""
        if r.next_check is not None:
            return
        if r.outcome == "gone":
            r.next_check = _utc(now) + MONTH
        elif r.outcome == "error":
            r.next_check = _utc(now) + min(ERROR_BACKOFF * 2 ** (fails - 1), SCHEDULE[-1])
        else:
            r.next_check = next_check(r.watch.anchor or now, now)

    def _event(self, r: CheckResult, now: datetime) -> tuple[Event, datetime | None, int]:
        fails = r.watch.failures + 1 if r.outcome == "error" else 0
        return (Event(r.watch.article_id, now, r.outcome, r.status, r.url, r.detail,
                      r.version_id), r.next_check, fails)

    def _add(self, r: CheckResult, now: datetime, fails: int = 0) -> None:
        self._finish(r, now, fails)
        self.pending.append(r)
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the outcomes waiting for a batch."""
        if not self.pending:
            return
        now = self.journal.now()
        with self.journal.store.transaction():
            rows.record_events(self.journal.store, [self._event(r, now) for r in self.pending])
        for r in self.pending:
            self._done(r)
        self.pending = []

    def _done(self, r: CheckResult) -> None:
        self.summary.results.append(r)
        if self.on_result is not None:
            self.on_result(r)


def _plan(journal: Journal, now: datetime, everything: bool
          ) -> tuple[list[list[WatchRow]], int]:
    """The due watches grouped by host, and how many were postponed (their host asked for a
    pause)."""
    store = journal.store
    due = (rows.list_watches(store) if everything else rows.due_watches(store, now))
    pauses = rows.host_pauses(store, now)
    by_host: dict[str, list[WatchRow]] = {}
    waiting: dict[datetime, list[int]] = {}
    for w in due:
        host = host_of(w.url)
        if host in pauses:
            waiting.setdefault(pauses[host], []).append(w.article_id)
        else:
            by_host.setdefault(host, []).append(w)
    if waiting:
        with store.transaction():
            for until, ids in waiting.items():
                rows.postpone(store, ids, until)
    # Busiest hosts first: they take longest, one request at a time.
    return sorted(by_host.values(), key=len, reverse=True), sum(map(len, waiting.values()))


def run_watch(journal: Journal, *, jobs: int = 4, fetcher: Fetcher | None = None,
              everything: bool = False, sleep: Sleep = time.sleep,
              on_start: Callable[[int], None] | None = None,
              on_result: Callable[[CheckResult], None] | None = None,
              stop: threading.Event | None = None) -> RunSummary:
    """Re-fetch the watched articles that are due (`everything`: all of them), `jobs` hosts
    at once, and record each outcome; a new version is stored only when the text changed.

    Holds the watcher lock for the run. An article's failure is its outcome, not raised.
    Raises ConflictError when another watcher is running.
    """
    started = time.monotonic()
    with watch_lock(journal):
        now = journal.now()
        _sync(journal, now)
        plan, postponed = _plan(journal, now, everything)
        if on_start is not None:
            on_start(sum(map(len, plan)))
        writer = _Writer(journal, on_result)
        writer.summary.postponed = postponed
        hosts: queue.Queue[list[WatchRow]] = queue.Queue()
        for group in plan:
            hosts.put(group)
        out: queue.Queue[Found | None] = queue.Queue()
        halt = threading.Event()
        f = fetcher or make_fetcher(journal)
        workers = [threading.Thread(target=fetch_worker,
                                    args=(journal, f, hosts, out, sleep, halt,
                                          stop or threading.Event()),
                                    name=f"watch-{n}", daemon=True)
                   for n in range(max(1, min(jobs, MAX_JOBS, len(plan) or 1)))]
        try:
            for t in workers:
                t.start()
            running = len(workers)
            while running:
                found = out.get()
                if found is None:
                    running -= 1
                    continue
                writer.take(found)
            writer.flush()
        finally:
            halt.set()
            for t in workers:
                t.join()
            writer.flush()
            if fetcher is None:
                f.close()
    writer.summary.seconds = time.monotonic() - started
    return writer.summary


def seconds_to_next(journal: Journal) -> float | None:
    """Seconds until the soonest watch is due (0 when one is due now), or None."""
    watches = rows.list_watches(journal.store)
    times = [w.next_check for w in watches if w.next_check is not None]
    if not times:
        return None
    return max(0.0, (min(map(_utc, times)) - datetime.now(UTC)).total_seconds())


def watch_forever(open_journal: Callable[[], Journal], stop: threading.Event, *,
                  jobs: int = 4, log: Callable[[str], None] = lambda _: None,
                  fetcher: Callable[[], Fetcher] | None = None,
                  idle: float = 600.0) -> None:
    """Run the watcher on its schedule until `stop` is set (`serve --watch`): a run whenever
    a watch is due, waiting at most `idle` seconds between looks. Never raises: a failed run
    is logged and retried at the next look; while another watcher holds the lock, waits."""
    while not stop.is_set():
        wait = idle
        try:
            with open_journal() as j:
                f = fetcher() if fetcher else None
                try:
                    summary = run_watch(j, jobs=jobs, fetcher=f, stop=stop)
                finally:
                    if f is not None:
                        f.close()
                if summary.results:
                    counts = ", ".join(f"{n} {o}" for o, n in sorted(summary.counts.items()))
                    log(f"watch: checked {len(summary.results)} article(s): {counts}")
                nxt = seconds_to_next(j)
                if nxt is not None:
                    wait = min(idle, max(1.0, nxt))
        except ConflictError as exc:
            log(f"watch: {exc}; trying again later")
        except Exception as exc:  # the web app must keep serving whatever a run meets
            log(f"watch: run failed: {type(exc).__name__}: {exc}")
        stop.wait(wait)
