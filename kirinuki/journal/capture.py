"""Capturing articles and clipping from them: fetch, decode, extract, keep versions, clip.

Network work happens outside any transaction; what a capture stores (article, aliases, the new
version, the clips) is written in one transaction, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from kirinuki.capture.decode import decode_html
from kirinuki.capture.diff import ParagraphDiff, Span, changed_figures, diff_versions
from kirinuki.capture.extract import Extracted, extract_article
from kirinuki.capture.fetch import DEADLINE_SECONDS, DEFAULT_MAX_BYTES, Fetcher, FetchResult
from kirinuki.capture.urls import normalize_url
from kirinuki.config import allow_private_from_env
from kirinuki.errors import ConflictError, InputError, NotFoundError
from kirinuki.journal.core import Journal
from kirinuki.journal.editing import add_group
from kirinuki.journal.queries import resolve_entry_id
from kirinuki.journal.rawcopies import keep_raw
from kirinuki.model import (
    Article,
    ArticleVersion,
    Clip,
    Entry,
    Group,
    Selector,
    Source,
    TagLine,
    TagRef,
)
from kirinuki.store.sqlite import articles as article_rows
from kirinuki.store.sqlite import feeds as feed_rows
from kirinuki.text.hashtags import tags_from_input
from kirinuki.text.normalize import as_id, fold

__all__ = ["ArticleHistory", "CaptureResult", "ClipResult", "Fetched", "ParagraphDiff", "Span",
           "capture", "capture_page", "article_history", "clip", "make_fetcher", "parse_pick",
           "parse_tags", "peek", "read_page", "store_page"]

MAX_BYTES_ENV = "KIRINUKI_FETCH_MAX_BYTES"
DEADLINE_ENV = "KIRINUKI_FETCH_DEADLINE"
SELECTOR_CONTEXT = 32
Chooser = Callable[[list[str], str | None], list[int]]


@dataclass
class CaptureResult:
    """An article after a fetch: its newest version and how it differs from the one before."""

    article: Article
    version: ArticleVersion
    number: int
    new_version: bool
    not_modified: bool = False
    previous: list[str] | None = None  # the paragraphs of the version before a new one
    # A canonical URL on another site the page claimed this time (not trusted).
    canonical_claim: str | None = None

    @cached_property
    def changes(self) -> list[ParagraphDiff]:
        """The diff from the previous version (empty unless this version is new)."""
        # Computed on demand, after the transaction: the diff needs no lock on the journal.
        if self.previous is None or not self.new_version:
            return []
        return diff_versions(self.previous, self.version.paragraphs)

    @property
    def figures(self) -> list[tuple[str, str]]:
        """Figures that changed since the previous version (`3800人以上` → `4400人以上`)."""
        return changed_figures(self.changes)


@dataclass
class ClipResult:
    """What `clip` added: the entry, the new clips, and the capture they came from."""

    entry: Entry
    clips: list[Clip]
    capture: CaptureResult


def make_fetcher(journal: Journal) -> Fetcher:
    """A fetcher configured from the journal (`fetch.allow_private`) and the environment
    (`KIRINUKI_ALLOW_PRIVATE=1`, `KIRINUKI_FETCH_MAX_BYTES`, `KIRINUKI_FETCH_DEADLINE`).

    Raises InputError for a deadline that is not a positive number of seconds.
    """
    allow = journal.settings.fetch_allow_private or allow_private_from_env()
    raw = os.environ.get(MAX_BYTES_ENV, "")
    limit = as_id(raw)
    max_bytes = limit if limit else DEFAULT_MAX_BYTES
    return Fetcher(allow_private=allow, max_bytes=max_bytes, deadline=_deadline_from_env())


def _deadline_from_env() -> float:
    raw = os.environ.get(DEADLINE_ENV, "").strip()
    if not raw:
        return DEADLINE_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < 86400:
        raise InputError(f"{DEADLINE_ENV}={raw!r}: give the seconds a fetch may take, e.g. 30")
    return seconds


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def target_url(journal: Journal, target: str) -> str:
    """The URL meant by `target`: an inbox number or a URL. Raises NotFoundError/InputError."""
    t = target.strip().lstrip("#＃")
    # An IME often types full-width digits: "１２" is inbox item 12.
    number = as_id(t.translate(_FULL_WIDTH_DIGITS))
    if number is not None:
        item = feed_rows.get_inbox_item(journal.store, number)
        if item is None:
            raise NotFoundError(f"no inbox item {t} (see `kirinuki inbox`)")
        return item.url
    return normalize_url(target)


@dataclass
class Fetched:
    """A fetched page read into an article (`extracted` is None for a 304)."""

    requested: str
    result: FetchResult
    extracted: Extracted | None


def read_page(journal: Journal, requested: str, result: FetchResult) -> Fetched:
    """Decode and extract a fetched page (nothing to extract for a 304); touches no store,
    so it may run in a worker thread. Raises InputError (no article text)."""
    if result.not_modified:
        return Fetched(requested, result, None)
    html = decode_html(result.content, result.charset)
    return Fetched(requested, result, extract_article(html, result.url, journal.tz))


def _fetch(journal: Journal, url: str, fetcher: Fetcher) -> Fetched:
    """Fetch and extract `url`, conditionally when a version of it is stored."""
    store = journal.store
    etag = modified = None
    known = article_rows.find_article_id(store, url)
    if known is not None and article_rows.latest_version(store, known) is not None:
        etag, modified = article_rows.validators(store, known)
    return read_page(journal, url, fetcher.get(url, etag=etag, last_modified=modified))


def _article_for(journal: Journal, fetched: Fetched, ex: Extracted) -> int:
    """The id of the article `ex` is a version of, creating or re-keying it; records aliases."""
    store = journal.store
    links = [u for u in dict.fromkeys([fetched.requested, normalize_url(fetched.result.url)])
             if u != ex.url]
    canon = article_rows.find_article_id(store, ex.url)
    linked = next((a for a in map(lambda u: article_rows.find_article_id(store, u), links)
                   if a is not None), None)
    source = Source(site=ex.site, name=ex.publisher)
    if canon is None and linked is not None:
        article_rows.move_article(store, linked, ex.url)
        canon = linked
    elif canon is not None and linked is not None and linked != canon:
        article_rows.merge_article(store, linked, canon)
    if canon is None:
        canon = article_rows.new_article(store, Article(ex.url, source, ex.title), journal.now())
    else:
        article_rows.update_article(store, canon, ex.title, source)
    for u in links:
        article_rows.add_alias(store, u, canon)
    return canon


def store_page(journal: Journal, fetched: Fetched) -> CaptureResult:
    """Write what a fetch found (in the caller's transaction): the article, its aliases and
    validators, a new version when the text changed; and describe it. Raises InputError."""
    store = journal.store
    ex = fetched.extracted
    if ex is None:
        aid = article_rows.find_article_id(store, fetched.requested)
        latest = article_rows.latest_version(store, aid) if aid is not None else None
        if aid is None or latest is None:
            raise InputError(f"{fetched.requested}: server said not modified, nothing stored")
        return _result(journal, aid, latest, new=False, not_modified=True)
    aid = _article_for(journal, fetched, ex)
    previous = article_rows.latest_version(store, aid)
    version = ArticleVersion(content_hash=ex.content_hash, fetched_at=journal.now(),
                             paragraphs=ex.paragraphs, title=ex.title, published=ex.published,
                             modified=ex.modified, canonical_claim=ex.canonical_claim)
    vid, new = article_rows.add_version(store, aid, version)
    if previous is not None or fetched.result.etag or fetched.result.last_modified:
        article_rows.set_validators(store, aid, fetched.result.etag, fetched.result.last_modified)
    if new:
        version.id, version.article_id = vid, aid
        keep_raw(journal, aid, vid, fetched.result)
    stored = version if new else article_rows.get_version(store, vid)
    assert stored is not None
    res = _result(journal, aid, stored, new=new, first=previous is None)
    res.previous = previous.paragraphs if previous is not None else None
    res.canonical_claim = ex.canonical_claim
    return res


def _result(journal: Journal, aid: int, version: ArticleVersion, *, new: bool,
            not_modified: bool = False, first: bool = False) -> CaptureResult:
    article = article_rows.article_by_id(journal.store, aid)
    assert article is not None and version.id is not None
    number = 1 if first else article_rows.version_number(journal.store, aid, version.id)
    return CaptureResult(article, version, number, new, not_modified)


def capture_page(journal: Journal, url: str, content: bytes, *, charset: str | None = None,
                 etag: str | None = None, last_modified: str | None = None) -> CaptureResult:
    """Store a page already fetched from `url` (what `capture` does after fetching): decode,
    extract, find the article by its canonical URL, store a version if the text changed.

    Raises InputError (bad URL, no article text).
    """
    url = normalize_url(url)
    result = FetchResult(url, 200, content, "text/html", charset, etag, last_modified)
    fetched = read_page(journal, url, result)
    with journal.store.transaction():
        return store_page(journal, fetched)


def _fetch_target(journal: Journal, target: str, fetcher: Fetcher | None) -> Fetched:
    """Fetch the page meant by `target` with `fetcher`, or with a fetcher made (and closed)
    here from the journal's settings."""
    url = target_url(journal, target)
    f = fetcher or make_fetcher(journal)
    try:
        return _fetch(journal, url, f)
    finally:
        if fetcher is None:
            f.close()


def capture(journal: Journal, target: str, *, fetcher: Fetcher | None = None) -> CaptureResult:
    """Fetch an article (URL or inbox number) and store a new version if its text changed.

    Raises InputError (bad URL, no article text), NotFoundError (inbox number),
    BlockedAddressError and FetchError.
    """
    fetched = _fetch_target(journal, target, fetcher)
    with journal.store.transaction():
        return store_page(journal, fetched)


_RANGE = re.compile(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?")


def parse_pick(spec: str, count: int) -> list[int]:
    """Paragraph numbers from `1,3-5` (1-based) as 0-based indexes. Raises InputError."""
    out: list[int] = []
    for part in spec.split(","):
        m = _RANGE.fullmatch(part)
        if m is None:
            raise InputError(f"--pick {spec!r}: use numbers and ranges like 1,3-5")
        lo = int(m.group(1))
        hi = int(m.group(2) or lo)
        if lo < 1 or hi < lo or hi > count:
            raise InputError(f"--pick {part.strip()}: the article has paragraphs 1-{count}")
        out.extend(i - 1 for i in range(lo, hi + 1) if i - 1 not in out)
    return out


def parse_tags(values: list[str]) -> list[TagRef]:
    """Tags from `--tag` values or the composer's field (`NATO`, `#反ロシア#対中露戦`,
    `＃NATO　＃ロシア`), read by the hashtag grammar. Raises InputError."""
    return [t for value in values for t in tags_from_input(value)]


def _choose(paragraphs: list[str], pick: str | None, match: str | None,
            chooser: Chooser | None, title: str | None) -> list[int]:
    if pick:
        return parse_pick(pick, len(paragraphs))
    if match:
        key = fold(match)
        found = [i for i, p in enumerate(paragraphs) if key in fold(p)]
        if not found:
            raise InputError(f"no paragraph contains {match!r}")
        return found
    if chooser is None:
        raise InputError("choose paragraphs with --pick or --match")
    return chooser(paragraphs, title)


def selector_for(paragraphs: list[str], index: int) -> Selector:
    """A text-quote selector for paragraph `index` of a version (paragraphs joined by \\n)."""
    before = "\n".join(paragraphs[:index])
    after = "\n".join(paragraphs[index + 1 :])
    prefix = (before + "\n")[-SELECTOR_CONTEXT:] if index else ""
    suffix = ("\n" + after)[:SELECTOR_CONTEXT] if index + 1 < len(paragraphs) else ""
    return Selector(exact=paragraphs[index], prefix=prefix, suffix=suffix)


@dataclass
class Peek:
    """An article as a fetch finds it now, nothing stored: what the share picker shows."""

    url: str
    title: str | None
    publisher: str | None
    paragraphs: list[str]
    content_hash: str
    site: str | None = None


def _text_of(journal: Journal, fetched: Fetched) -> Peek:
    ex = fetched.extracted
    if ex is not None:
        return Peek(ex.url, ex.title, ex.publisher, ex.paragraphs, ex.content_hash, ex.site)
    aid = article_rows.find_article_id(journal.store, fetched.requested)
    latest = article_rows.latest_version(journal.store, aid) if aid else None
    if latest is None:
        return Peek(fetched.requested, None, None, [], "")
    return Peek(fetched.requested, latest.title, None, latest.paragraphs, latest.content_hash)


def peek(journal: Journal, target: str, *, fetcher: Fetcher | None = None) -> Peek:
    """Fetch and read an article without storing anything (a page a GET may show).

    Raises InputError (bad URL, no article text), BlockedAddressError, FetchError.
    """
    return _text_of(journal, _fetch_target(journal, target, fetcher))


def clip(journal: Journal, target: str, *, pick: str | None = None, match: str | None = None,
         chooser: Chooser | None = None, tags: list[str] | None = None,
         entry: str | None = None, fetcher: Fetcher | None = None,
         expect_hash: str | None = None) -> ClipResult:
    """Capture `target` (URL or inbox number) and add the chosen paragraphs, with their source
    and selectors, as one group closed by `tags`, to `entry` (default: today's draft).

    `chooser(paragraphs, title)` is asked for 0-based indexes when neither `pick` nor `match`
    is given. With `expect_hash`, the article's text must still be the one the paragraphs were
    picked from (ConflictError otherwise). Raises InputError, NotFoundError, ConflictError,
    BlockedAddressError, FetchError; on any error nothing is stored.
    """
    tag_refs = parse_tags(tags or [])
    if entry not in (None, "", "today"):
        resolve_entry_id(journal, entry or "")
    fetched = _fetch_target(journal, target, fetcher)
    now = _text_of(journal, fetched)
    if expect_hash is not None and now.content_hash != expect_hash:
        raise ConflictError(f"{now.url}: the article changed since its paragraphs were shown; "
                            "pick them again")
    paragraphs, title = now.paragraphs, now.title
    chosen = _choose(paragraphs, pick, match, chooser, title)
    if not chosen:
        raise InputError("no paragraph chosen; nothing clipped")
    with journal.store.transaction():
        res = store_page(journal, fetched)
        clips = [Clip(text=res.version.paragraphs[i], article_version_id=res.version.id,
                      selector=selector_for(res.version.paragraphs, i)) for i in chosen]
        group = Group(items=list(clips), tag_lines=[TagLine(tag_refs)] if tag_refs else [])
        updated = add_group(journal, entry, group)
        feed_rows.mark_clipped(journal.store, res.article.id or 0)
    added = updated.groups[-1].clips
    return ClipResult(updated, added, res)


@dataclass
class ArticleHistory:
    """An article with its versions, and the diff leading to each version after the first."""

    article: Article
    diffs: list[list[ParagraphDiff]]


def article_history(journal: Journal, target: str) -> ArticleHistory:
    """A stored article (by URL, a link that led to it, or inbox number) with its versions.

    Raises NotFoundError when the article was never captured.
    """
    url = target_url(journal, target)
    aid = article_rows.find_article_id(journal.store, url)
    article = article_rows.get_article_by_id(journal.store, aid) if aid is not None else None
    if article is None or not article.versions:
        raise NotFoundError(f"no captured article {url} (capture it with `kirinuki clip`)")
    vs = article.versions
    diffs = [diff_versions(a.paragraphs, b.paragraphs) for a, b in zip(vs, vs[1:], strict=False)]
    return ArticleHistory(article, diffs)
