"""Capture from the browser and the phone: what a bookmarklet or the share sheet sent (a page
URL and the passage the owner selected), read into the picker with those paragraphs ticked.

Reading stores nothing (a GET shows the picker); `clip_shared` stores the version and the
clips when the owner confirms, provided the article's text is still the one shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kirinuki.capture.fetch import Fetcher
from kirinuki.capture.urls import normalize_url
from kirinuki.errors import InputError
from kirinuki.journal.capture import ClipResult, Peek, clip, peek
from kirinuki.journal.core import Journal
from kirinuki.text.textquote import Quote, fragment_quotes, locate

# A share sheet puts the URL in `text` as often as in `url` (with the title before it).
_URL = re.compile(r"https?://[^\s<>\"'「」『』（）]+", re.IGNORECASE)
MAX_QUOTE = 20_000  # characters of a selection read (a whole page selected by mistake)
# Quotation marks a share sheet puts around a selection (Chrome on Android: “…”); 「」 are
# the article's own and stay.
_WRAPPERS = "\"“”"


@dataclass
class Shared:
    """A shared page read for the picker: the article and the paragraphs the quote covers."""

    article: Peek
    ticked: list[int]  # 0-based
    quote: str


def shared_target(url: str, text: str) -> tuple[str, str]:
    """(article URL as shared, quoted passage) from a share's `url` and `text` fields.

    Raises InputError when neither holds an http(s) URL.
    """
    quote = text
    target = url.strip()
    if not target:
        m = _URL.search(text)
        if m is None:
            raise InputError("no article URL was shared (share the page, not only its text)")
        target = m.group(0)
        quote = text[:m.start()] + text[m.end():]
    if not _URL.fullmatch(target):
        raise InputError(f"not an http(s) URL: {target[:80]!r}")
    return target, quote.strip().strip(_WRAPPERS).strip()[:MAX_QUOTE]


def read_shared(journal: Journal, url: str, text: str = "", prefix: str = "", suffix: str = "",
                *, fetcher: Fetcher | None = None) -> Shared:
    """Fetch the shared article (nothing stored) and tick the paragraphs the quote covers.

    Raises InputError, BlockedAddressError, FetchError.
    """
    shared, quote = shared_target(url, text)
    # A link to a highlight (`#:~:text=…`, what Chrome shares with a selection) says where
    # the passage is; the selection's text says it too, and either is enough.
    quotes = [Quote(quote, prefix, suffix)] if quote else []
    quotes += fragment_quotes(shared)
    article = peek(journal, normalize_url(shared), fetcher=fetcher)
    if not article.paragraphs:
        raise InputError(f"{shared}: no article text")
    ticked = sorted({i for q in quotes
                     for i in locate(article.paragraphs, q.exact, q.prefix, q.suffix, q.end)})
    return Shared(article, ticked, quote or " … ".join(q.exact for q in quotes))


def clip_shared(journal: Journal, url: str, content_hash: str, picks: list[int],
                tags: list[str], entry: str | None = None, *,
                fetcher: Fetcher | None = None) -> ClipResult:
    """Store the article and clip paragraphs `picks` (0-based) as one group closed by `tags`.

    Raises ConflictError when the article's text changed since it was shown, InputError,
    NotFoundError, BlockedAddressError, FetchError; nothing is stored then.
    """
    if not picks:
        raise InputError("no paragraph chosen; nothing clipped")
    if min(picks) < 0:
        raise InputError("paragraph numbers start at 1")
    spec = ",".join(str(p + 1) for p in sorted(set(picks)))
    return clip(journal, url, pick=spec, tags=tags, entry=entry, fetcher=fetcher,
                expect_hash=content_hash)
