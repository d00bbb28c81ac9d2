"""Extracting an article from HTML: metadata from the page's own tags, the body by trafilatura.

Metadata (title, publisher, times, canonical URL) is read with a few XPath queries on the parsed
tree before trafilatura runs on the same tree, so the page is parsed once and trafilatura's
slower metadata and date heuristics are not needed. Times without a zone are taken to be in the
journal's zone (Asia/Tokyo by default), as Japanese pages mean.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import trafilatura
from lxml import etree
from trafilatura.settings import Extractor

from kirinuki.capture.urls import normalize_url, site_of
from kirinuki.config import DEFAULT_TIMEZONE
from kirinuki.errors import InputError

TOKYO = ZoneInfo(DEFAULT_TIMEZONE)
# Built once: trafilatura would otherwise build its options object on every call (~5% of its
# time on a news page). Comments and tables are not article paragraphs.
_OPTIONS = Extractor(output_format="python", comments=False, tables=False)


@dataclass
class Extracted:
    """What a page says about its article, and the article's paragraphs."""

    url: str
    site: str
    paragraphs: list[str]
    title: str | None = None
    publisher: str | None = None
    published: datetime | None = None
    modified: datetime | None = None

    @property
    def content_hash(self) -> str:
        """A hash of the article's text (title and paragraphs): equal text, equal hash."""
        return text_hash(self.title, self.paragraphs)


def text_hash(title: str | None, paragraphs: list[str]) -> str:
    """sha256 over the title and the paragraphs, one per line."""
    text = (title or "") + "\n\n" + "\n".join(paragraphs)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_PUBLISHED = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//meta[@name='pubdate' or @name='publishdate' or @name='date' or @name='dc.date']/@content",
)
_MODIFIED = (
    "//meta[@property='article:modified_time']/@content",
    "//meta[@property='og:updated_time']/@content",
    "//meta[@itemprop='dateModified']/@content",
    "//meta[@name='lastmod' or @name='last-modified']/@content",
)
_JA_DATE = re.compile(
    r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?"
    r"(?:\D{0,6}?(\d{1,2})\s*[時:]\s*(\d{1,2})\s*分?(?:\s*[:]?\s*(\d{1,2})\s*秒?)?)?"
)
# Lines that are page furniture when they stand alone: share buttons and their labels, which
# trafilatura keeps when a page has no <article> to go by (often glued: `シェアツイート`).
_FURNITURE = re.compile(
    r"(?:ツイート|シェア(?:する)?|いいね|LINEで送る|はてなブックマーク|ブックマーク|記事を印刷|印刷|"
    r"この記事をシェアする|Tweet|Share|PR|広告|関連記事|関連ニュース|続きを読む|[\s|/・])+")
# A line that is only a date or time (with an optional label): the article's dateline.
_DATELINE = re.compile(r"(?:公開|更新|配信|掲載)?[日時]?[:：]?\s*" + _JA_DATE.pattern
                       + r"\s*(?:公開|更新|配信)?")
_TITLE_SEPARATORS = re.compile(r"\s+[|｜\-–—:：]\s+|｜")
_SPACE = re.compile(r"[ \t\u00a0\u3000]+")


def parse_datetime(text: str | None, tz: tzinfo = TOKYO) -> datetime | None:
    """A time from ISO 8601 (`2022-01-08T05:12:00+09:00`, `…Z`) or Japanese
    (`2022年1月8日 5時12分`) text; no zone means `tz`. None when unreadable."""
    if not text:
        return None
    raw = text.strip()
    try:
        dt = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        m = _JA_DATE.search(raw)
        if m is None:
            return None
        y, mo, d, h, mi, sec = (int(g) if g else 0 for g in m.groups())
        try:
            dt = datetime(y, mo, d, h, mi, sec)
        except ValueError:
            return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=tz)


def _first(tree: Any, paths: tuple[str, ...]) -> str | None:
    for path in paths:
        for value in tree.xpath(path):
            if str(value).strip():
                return str(value).strip()
    return None


def _json_ld(tree: Any) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object of the page, nested `@graph`s included."""
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                stack.extend(v for k, v in item.items() if k == "@graph")


def _from_json_ld(tree: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for obj in _json_ld(tree):
        for key in ("datePublished", "dateModified", "headline"):
            if isinstance(obj.get(key), str) and key not in found:
                found[key] = obj[key]
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            found.setdefault("publisher", publisher["name"])
    return found


def _title(tree: Any, ld: dict[str, str], publisher: str | None) -> str | None:
    title = _first(tree, ("//meta[@property='og:title']/@content",)) or ld.get("headline")
    if not title:
        h1 = tree.xpath("//h1")
        title = h1[0].text_content().strip() if h1 else None
    if not title:
        title = _first(tree, ("//title/text()",))
        if title and publisher:
            parts = [p for p in _TITLE_SEPARATORS.split(title) if p and p.strip() != publisher]
            title = max(parts, key=len) if parts else title
    return _SPACE.sub(" ", title).strip() if title else None


def _canonical(tree: Any, url: str) -> str:
    """The canonical URL the page names (normalised), else the page's own URL."""
    for href in tree.xpath("//link[@href][contains(concat(' ', normalize-space("
                           "translate(@rel, 'CANONICAL', 'canonical')), ' '), ' canonical ')]"
                           "/@href"):
        try:
            return normalize_url(urljoin(url, str(href).strip()))
        except InputError:
            continue
    return normalize_url(url)


def _time_element(tree: Any) -> str | None:
    for node in tree.xpath("//article//time | //time"):
        value = node.get("datetime") or node.text_content()
        if value and value.strip():
            return str(value)
    return None


def paragraphs_of(text: str, title: str | None) -> list[str]:
    """The paragraphs of trafilatura's text: one per line, spaces tidied, furniture dropped."""
    out: list[str] = []
    for line in text.split("\n"):
        para = _SPACE.sub(" ", line).strip()
        if (not para or _FURNITURE.fullmatch(para) or _DATELINE.fullmatch(para)
                or (not out and title and para.replace(" ", "") == title.replace(" ", ""))):
            continue
        out.append(para)
    return out


def _is_prose(paragraph: str) -> bool:
    """True for a sentence or more of text, unlike a link list's headlines or a menu."""
    return len(paragraph) >= 40 or (len(paragraph) >= 15 and paragraph.endswith(_ENDS))


_ENDS = ("。", "」", "．", ".", "!", "?", "！", "？", "）", ")")


def extract_article(html: str | bytes, url: str, tz: tzinfo = TOKYO) -> Extracted:
    """The article of the page at `url`: metadata and body paragraphs.

    Raises InputError when the page cannot be parsed or holds no article text.
    """
    tree = trafilatura.load_html(html)
    if tree is None:
        raise InputError(f"{url}: not an HTML page")
    canonical = _canonical(tree, url)
    ld = _from_json_ld(tree)
    publisher = _first(tree, ("//meta[@property='og:site_name']/@content",
                              "//meta[@name='application-name']/@content")) or ld.get("publisher")
    title = _title(tree, ld, publisher)
    published = parse_datetime(_first(tree, _PUBLISHED) or ld.get("datePublished")
                               or _time_element(tree), tz)
    modified = parse_datetime(_first(tree, _MODIFIED) or ld.get("dateModified"), tz)
    try:
        doc = trafilatura.bare_extraction(tree, options=_OPTIONS)
    except (ValueError, TypeError, etree.LxmlError) as exc:
        raise InputError(f"{url}: the page could not be read ({exc})") from exc
    text = getattr(doc, "text", None) or ""
    paragraphs = paragraphs_of(text, title)
    if not any(map(_is_prose, paragraphs)):
        raise InputError(f"{url}: no article text found on the page")
    return Extracted(url=canonical, site=site_of(canonical), paragraphs=paragraphs, title=title,
                     publisher=publisher, published=published, modified=modified)
