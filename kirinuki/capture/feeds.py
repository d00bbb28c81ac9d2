"""Reading feeds (RSS 2.0, RSS 1.0/RDF, Atom) with feedparser, and OPML subscription lists.

feedparser is given bytes already fetched by `fetch`, never a URL, so every request goes
through the SSRF guard. Item links are normalised like article URLs.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any
from xml.sax.saxutils import quoteattr

import feedparser

from kirinuki.capture.extract import TOKYO, parse_datetime
from kirinuki.capture.urls import normalize_url
from kirinuki.errors import InputError
from kirinuki.text.xmlchars import xml_text

# feedparser's time and memory grow with the items: a feed of tiny items within the size cap
# would take very long and much memory, and fill the inbox (docs/capture.md, Measurements).
MAX_ITEMS = 2000
# What the inbox keeps of an item's summary (feeds put whole articles there).
MAX_SUMMARY = 2000
# OPML is a local file; a subscription list is kilobytes.
MAX_OPML_BYTES = 10 * 1024 * 1024
_ITEM_TAG = re.compile(rb"<(?:[A-Za-z][\w.-]*:)?(?:item|entry)[\s>/]")


@dataclass
class FeedItem:
    """One item of a feed: the article it points to."""

    url: str
    title: str | None = None
    published: datetime | None = None
    summary: str | None = None


@dataclass
class ParsedFeed:
    """A feed's title, site and items, in the feed's order."""

    title: str | None
    site_url: str | None
    items: list[FeedItem] = field(default_factory=list)
    format: str = ""


@dataclass
class OpmlFeed:
    """One subscription of an OPML file."""

    url: str
    title: str | None = None


def _item_time(entry: Any, tz: tzinfo) -> datetime | None:
    """The item's time from its raw text, so a time without a zone means `tz` (not UTC)."""
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if not raw:
            continue
        try:
            dt = parsedate_to_datetime(raw)
            return dt if dt.tzinfo is not None else dt.replace(tzinfo=tz)
        except (TypeError, ValueError, IndexError):
            pass
        parsed = parse_datetime(raw, tz)
        if parsed is not None:
            return parsed
    return None


def parse_feed(data: bytes, url: str, tz: tzinfo = TOKYO) -> ParsedFeed:
    """The feed in `data` (fetched from `url`).

    Raises InputError when `data` is not a feed (an HTML page, malformed XML with no items)
    or has more than MAX_ITEMS items.
    """
    items = len(_ITEM_TAG.findall(data))
    if items > MAX_ITEMS:
        raise InputError(f"{url}: a feed of {items} items; at most {MAX_ITEMS} are read")
    # A file object, never the bytes themselves: feedparser opens bytes that name an existing
    # file, so a feed whose body is a path would read that local file.
    parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": url})
    version = parsed.get("version") or ""
    if not version:
        head = data[:512].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")):
            raise InputError(f"{url}: not a feed (an HTML page)")
        reason = parsed.get("bozo_exception")
        raise InputError(f"{url}: not a feed ({reason or 'no RSS or Atom found'})".replace("\n", " "))
    if parsed.get("bozo") and not parsed.entries:
        raise InputError(f"{url}: malformed feed ({parsed.get('bozo_exception')})")
    feed = parsed.feed
    out = ParsedFeed(title=feed.get("title"), site_url=feed.get("link"), format=version)
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        try:
            item_url = normalize_url(link)
        except InputError:
            continue
        out.items.append(FeedItem(url=item_url, title=entry.get("title"),
                                  published=_item_time(entry, tz),
                                  summary=_clip(entry.get("summary"))))
    return out


def _clip(summary: str | None) -> str | None:
    return summary[:MAX_SUMMARY - 1] + "…" if summary and len(summary) > MAX_SUMMARY else summary


def parse_opml(data: bytes, name: str = "OPML") -> list[OpmlFeed]:
    """The feeds listed in an OPML document (nested outlines included), in order.

    Raises InputError for a document that is not OPML or is over MAX_OPML_BYTES.
    """
    if len(data) > MAX_OPML_BYTES:
        raise InputError(f"{name}: {len(data)} bytes is over the {MAX_OPML_BYTES}-byte limit "
                         "for an OPML file")
    if b"<!DOCTYPE" in data[:2048] or b"<!ENTITY" in data:
        # Entities are the door to entity-expansion attacks; OPML never needs them.
        raise InputError(f"{name}: OPML with a DOCTYPE or entities is not accepted")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(f"{name}: not OPML (malformed XML: {exc})") from exc
    if root.tag.lower() != "opml":
        raise InputError(f"{name}: not OPML (root element <{root.tag}>)")
    feeds: list[OpmlFeed] = []
    for node in root.iter("outline"):
        url = node.get("xmlUrl") or node.get("xmlurl")
        if url:
            feeds.append(OpmlFeed(url=url.strip(), title=node.get("title") or node.get("text")))
    return feeds


def render_opml(feeds: list[OpmlFeed], title: str) -> bytes:
    """An OPML 2.0 document listing `feeds` (UTF-8)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{_text(title)}</title></head>",
        "  <body>",
    ]
    for f in feeds:
        label = quoteattr(f.title or f.url)
        lines.append(f'    <outline type="rss" text={label} title={label}'
                     f" xmlUrl={quoteattr(f.url)}/>")
    lines += ["  </body>", "</opml>", ""]
    return xml_text("\n".join(lines)).encode("utf-8")


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
