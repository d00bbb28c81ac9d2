"""Following feeds: adding, listing, removing, polling, OPML in and out, and the inbox.

Polling fetches several feeds at once in worker threads (network and parsing), while the
calling thread writes each feed's result in its own transaction as it arrives, so one broken
feed (malformed XML, an HTML page, 404, 500, a timeout, an oversize body) is reported on its own
line and stops nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from kirinuki.capture.feeds import (
    MAX_OPML_BYTES,
    OpmlFeed,
    ParsedFeed,
    parse_feed,
    parse_opml,
    render_opml,
)
from kirinuki.capture.fetch import Fetcher, FetchResult
from kirinuki.capture.urls import normalize_url, site_of
from kirinuki.errors import ConflictError, FetchError, InputError, KirinukiError, NotFoundError
from kirinuki.journal.capture import make_fetcher
from kirinuki.journal.core import Journal
from kirinuki.model import Article, Source
from kirinuki.store.sqlite import articles as article_rows
from kirinuki.store.sqlite import feeds as feed_rows
from kirinuki.store.sqlite.feeds import Feed, InboxItem
from kirinuki.text.normalize import as_id

__all__ = ["Feed", "InboxItem", "PollResult", "add_feed", "export_opml", "import_opml", "inbox",
           "list_feeds", "poll_feeds", "remove_feed"]

MAX_WORKERS = 8


@dataclass
class PollResult:
    """One feed's poll: new inbox items, or not modified, or the error that stopped it."""

    feed: Feed
    new_items: int = 0
    items: int = 0
    not_modified: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the feed was read (or had not changed)."""
        return self.error is None


def _with_fetcher(journal: Journal, fetcher: Fetcher | None) -> tuple[Fetcher, bool]:
    return (fetcher, False) if fetcher is not None else (make_fetcher(journal), True)


def _store_items(journal: Journal, feed_id: int, parsed: ParsedFeed) -> int:
    """Create articles for items never seen and put them in the inbox; how many were new."""
    store = journal.store
    new = 0
    now = journal.now()
    for item in parsed.items:
        if article_rows.find_article_id(store, item.url) is not None:
            continue
        aid = article_rows.article_id(
            store, Article(item.url, Source(site=site_of(item.url)), item.title), now)
        new += feed_rows.add_inbox_item(store, aid, feed_id, item.title, item.published,
                                        item.summary, now)
    return new


def add_feed(journal: Journal, url: str, *, fetcher: Fetcher | None = None) -> PollResult:
    """Follow the feed at `url`: fetch it once (to check it is a feed and take its title) and
    put its items in the inbox. Raises ConflictError when followed already, InputError when
    it is not a feed, FetchError/BlockedAddressError when it cannot be fetched."""
    norm = normalize_url(url)
    if feed_rows.find_feed(journal.store, url=norm) is not None:
        raise ConflictError(f"already following {norm}")
    f, own = _with_fetcher(journal, fetcher)
    try:
        result = f.get(norm, kind="feed")
    finally:
        if own:
            f.close()
    parsed = parse_feed(result.content, result.url, journal.tz)
    with journal.store.transaction():
        fid = feed_rows.add_feed(journal.store, norm, parsed.title, parsed.site_url, journal.now())
        new = _store_items(journal, fid, parsed)
        feed_rows.record_poll(journal.store, fid, journal.now(), f"ok: {new} new",
                              etag=result.etag, last_modified=result.last_modified)
    feed = feed_rows.find_feed(journal.store, feed_id=fid)
    assert feed is not None
    return PollResult(feed, new, len(parsed.items))


def list_feeds(journal: Journal) -> list[Feed]:
    """Every followed feed, in the order added."""
    return feed_rows.list_feeds(journal.store)


def _find(journal: Journal, ref: str) -> Feed:
    ref = ref.strip()
    number = as_id(ref)
    feed = (feed_rows.find_feed(journal.store, feed_id=number) if number is not None
            else feed_rows.find_feed(journal.store, url=normalize_url(ref)))
    if feed is None:
        raise NotFoundError(f"no feed {ref!r} (see `kirinuki feeds list`)")
    return feed


def remove_feed(journal: Journal, ref: str) -> Feed:
    """Stop following a feed (by number or URL); its inbox items stay. Raises NotFoundError."""
    feed = _find(journal, ref)
    with journal.store.transaction():
        feed_rows.remove_feed(journal.store, feed.id)
    return feed


def _poll_one(fetcher: Fetcher, feed: Feed, journal: Journal
              ) -> tuple[FetchResult, ParsedFeed | None]:
    """Network and parsing for one feed (runs in a worker thread; touches no store)."""
    try:
        result = fetcher.get(feed.url, kind="feed", etag=feed.etag,
                             last_modified=feed.last_modified)
        if result.not_modified:
            return result, None
        return result, parse_feed(result.content, result.url, journal.tz)
    except KirinukiError:
        raise
    except Exception as exc:  # one feed's surprise must not stop the others
        raise FetchError(f"{feed.url}: {type(exc).__name__}: {exc}") from exc


def _record(journal: Journal, feed: Feed, outcome: tuple[FetchResult, ParsedFeed | None]
            ) -> PollResult:
    result, parsed = outcome
    store = journal.store
    with store.transaction():
        if parsed is None:
            feed_rows.record_poll(store, feed.id, journal.now(), "not modified",
                                  keep_validators=True)
            return PollResult(feed, not_modified=True)
        new = _store_items(journal, feed.id, parsed)
        feed_rows.record_poll(store, feed.id, journal.now(), f"ok: {new} new",
                              etag=result.etag, last_modified=result.last_modified,
                              title=parsed.title)
    return PollResult(feed_rows.find_feed(store, feed_id=feed.id) or feed, new, len(parsed.items))


def poll_feeds(journal: Journal, refs: list[str] | None = None, *,
               fetcher: Fetcher | None = None, jobs: int = 4,
               on_result: Callable[[PollResult], None] | None = None,
               on_start: Callable[[int], None] | None = None) -> list[PollResult]:
    """Poll the given feeds (default: all) with conditional requests, `jobs` at a time.

    `on_start(count)` is told how many feeds will be polled; each feed's outcome is passed to
    `on_result` as it completes, and all are returned. A feed's error is recorded in its
    result, not raised. Raises NotFoundError for an unknown feed reference.
    """
    feeds = [_find(journal, r) for r in refs] if refs else list_feeds(journal)
    if on_start is not None:
        on_start(len(feeds))
    results: list[PollResult] = []
    f, own = _with_fetcher(journal, fetcher)
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(jobs, MAX_WORKERS))) as pool:
            futures = {pool.submit(_poll_one, f, feed, journal): feed for feed in feeds}
            for future in as_completed(futures):
                feed = futures[future]
                try:
                    res = _record(journal, feed, future.result())
                except KirinukiError as exc:
                    # The feed is named on its line already: keep only the reason.
                    reason = str(exc).removeprefix(f"{feed.url}: ")
                    res = PollResult(feed, error=reason)
                    with journal.store.transaction():
                        feed_rows.record_poll(journal.store, feed.id, journal.now(),
                                              f"error: {reason}", keep_validators=True)
                results.append(res)
                if on_result is not None:
                    on_result(res)
    finally:
        if own:
            f.close()
    return results


def import_opml(journal: Journal, path: str) -> tuple[int, int]:
    """Follow the feeds of an OPML file (not fetched until polled): (added, already followed).

    Raises NotFoundError for a missing file, InputError for a file that is not OPML.
    """
    p = Path(path)
    if not p.is_file():
        raise NotFoundError(f"{path}: no such file")
    with p.open("rb") as fh:  # read one byte past the cap, not the whole of a huge file
        listed = parse_opml(fh.read(MAX_OPML_BYTES + 1), path)
    added = present = 0
    with journal.store.transaction():
        for item in listed:
            try:
                url = normalize_url(item.url)
            except InputError as exc:
                raise InputError(f"{path}: {exc}") from exc
            if feed_rows.find_feed(journal.store, url=url) is not None:
                present += 1
                continue
            feed_rows.add_feed(journal.store, url, item.title, None, journal.now())
            added += 1
    return added, present


def export_opml(journal: Journal) -> bytes:
    """The followed feeds as an OPML 2.0 document."""
    feeds = [OpmlFeed(f.url, f.title) for f in list_feeds(journal)]
    return render_opml(feeds, f"{journal.settings.title}: feeds")


def inbox(journal: Journal, *, limit: int = 50, offset: int = 0,
          unclipped: bool = False) -> list[InboxItem]:
    """Articles brought in by feeds, newest first; their numbers are what `clip` takes."""
    return feed_rows.list_inbox(journal.store, limit=limit, offset=offset, unclipped=unclipped)
