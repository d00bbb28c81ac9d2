"""Extracting an article from HTML: metadata from the page's own tags, the body from its
block structure.

Metadata (publisher, times, canonical URL) is read in one pass over the parsed tree; the
headline and the body come from `meta` and `blocks`, and `boilerplate` says which of the body's
blocks are furniture. trafilatura parses the page, and reads the body only of a page whose
layout shows no block of prose. Times without a zone are taken to be in the journal's zone
(Asia/Tokyo by default), as Japanese pages mean.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import trafilatura
from lxml import etree
from trafilatura.settings import Extractor

from kirinuki.capture import boilerplate
from kirinuki.capture.blocks import page_blocks
from kirinuki.capture.meta import dateline, headline
from kirinuki.capture.urls import normalize_url, same_site, site_of
from kirinuki.config import DEFAULT_TIMEZONE
from kirinuki.errors import InputError

TOKYO = ZoneInfo(DEFAULT_TIMEZONE)
# Built once: trafilatura would otherwise build its options object on every call (a share
# of its time on a news page: docs/capture.md). Comments and tables are not article paragraphs.
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
    # A canonical URL on another site that the page claimed and was not trusted with.
    canonical_claim: str | None = None
    # Who wrote it, as the page shows it in its own element (`編集部：名前`, `（〇〇支局 名前）`).
    byline: str | None = None

    @property
    def content_hash(self) -> str:
        """A hash of the article's text (title and paragraphs): equal text, equal hash."""
        return text_hash(self.title, self.paragraphs)


def text_hash(title: str | None, paragraphs: list[str]) -> str:
    """sha256 over the title and the paragraphs, one per line."""
    text = (title or "") + "\n\n" + "\n".join(paragraphs)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# <meta> keys (property, name or itemprop, lower-cased) in order of preference.
_PUBLISHED = ("article:published_time", "datepublished", "pubdate", "publishdate", "date",
              "dc.date", "dcterms.created")
_MODIFIED = ("article:modified_time", "og:updated_time", "datemodified", "lastmod",
             "last-modified", "dcterms.modified")
_PUBLISHER = ("og:site_name", "application-name")
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
_SPACE = re.compile(r"[ \t\u00a0\u3000]+")
_TITLE_SPACE = re.compile(r"[ \t\r\n\f\u00a0]+")


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


@dataclass
class _Scan:
    """What the page's own tags say, gathered in one pass over the tree."""

    metas: dict[str, str] = field(default_factory=dict)
    canonical: list[str] = field(default_factory=list)
    json_ld: list[str] = field(default_factory=list)
    time: str | None = None
    title: str | None = None

    def meta(self, keys: tuple[str, ...]) -> str | None:
        return next((self.metas[k] for k in keys if k in self.metas), None)


def _scan(tree: Any) -> _Scan:
    """One walk over the elements that carry metadata (cheaper than an XPath per field)."""
    scan = _Scan()
    article_time: str | None = None
    for el in tree.iter("meta", "link", "script", "time", "title"):
        tag = el.tag
        if tag == "meta":
            content = (el.get("content") or "").strip()
            if content:
                for attr in ("property", "name", "itemprop"):
                    key = el.get(attr)
                    if key:
                        scan.metas.setdefault(key.strip().lower(), content)
        elif tag == "link":
            if "canonical" in (el.get("rel") or "").lower().split() and el.get("href"):
                scan.canonical.append(el.get("href").strip())
        elif tag == "script":
            if (el.get("type") or "").strip().lower() == "application/ld+json" and el.text:
                scan.json_ld.append(el.text)
        elif tag == "time":
            value = (el.get("datetime") or el.text_content() or "").strip()
            if value and scan.time is None:
                scan.time = value
            if value and article_time is None and any(True for _ in el.iterancestors("article")):
                article_time = value
        elif tag == "title" and scan.title is None:
            scan.title = (el.text or "").strip() or None
    scan.time = article_time or scan.time
    return scan


def _json_ld(scripts: list[str]) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object of the page, nested `@graph`s included."""
    for script in scripts:
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


def _from_json_ld(scripts: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for obj in _json_ld(scripts):
        for key in ("datePublished", "dateModified", "headline"):
            if isinstance(obj.get(key), str) and key not in found:
                found[key] = obj[key]
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            found.setdefault("publisher", publisher["name"])
    return found


def _title(scan: _Scan, ld: dict[str, str], h1s: list[str], names: list[str]) -> str | None:
    titles = [t for t in (scan.meta(("og:title",)), ld.get("headline"),
                          scan.meta(("twitter:title",)), scan.title) if t]
    title = headline(titles, h1s, names)
    # As written (U+3000 between a headline's two parts is kept), line breaks one space.
    return _TITLE_SPACE.sub(" ", title).strip() if title else None


def _canonical(scan: _Scan, url: str) -> tuple[str, str | None]:
    """(The article's URL, a canonical URL the page claims but is not trusted with).

    The page's `rel=canonical` (else `og:url`) is the article's URL when it is on the same
    site as the page's own URL; a page naming another site would have its text stored as
    that site's article, so then the page's own URL is kept and the claim handed back.
    """
    og = scan.meta(("og:url",))
    for href in [*scan.canonical, *([og] if og else [])]:
        try:
            claimed = normalize_url(urljoin(url, href))
        except InputError:
            continue
        if same_site(claimed, url):
            return claimed, None
        return normalize_url(url), claimed
    return normalize_url(url), None


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


def _flat(text: str) -> str:
    return "".join(text.split())


def _body(blocks: list[Any], title: str | None, tz: tzinfo
          ) -> tuple[list[str], str | None, list[tuple[datetime | None, datetime | None]]]:
    """(The article's paragraphs, a byline, the datelines) from the body's blocks."""
    paragraphs: list[str] = []
    byline = None
    dates = []
    flat_title = _flat(title) if title else None
    for block in blocks:
        what = boilerplate.kind(block.text, block.link_only)
        if what == boilerplate.BYLINE:
            byline = byline or block.text
        elif what == boilerplate.DATE:
            found = dateline(block.text, tz)
            if found:
                dates.append(found)
        elif what == boilerplate.ARTICLE and _flat(block.text) != flat_title:
            paragraphs.append(block.text)
    return paragraphs, byline, dates


def _names(scan: _Scan, ld: dict[str, str]) -> list[str]:
    """The names a page goes by, to strip from its title."""
    names = [scan.meta((k,)) for k in (*_PUBLISHER, "twitter:site", "author")]
    return [n for n in [*names, ld.get("publisher")] if n]


def _trafilatura_paragraphs(tree: Any, url: str, title: str | None) -> list[str]:
    """The body as trafilatura finds it, for pages whose layout shows no body of prose."""
    try:
        doc = trafilatura.bare_extraction(tree, options=_OPTIONS)
    except (ValueError, TypeError, etree.LxmlError) as exc:
        raise InputError(f"{url}: the page could not be read ({exc})") from exc
    text = getattr(doc, "text", None) or ""
    return [p for p in paragraphs_of(text, title) if boilerplate.kind(p) == boilerplate.ARTICLE]


def extract_article(html: str | bytes, url: str, tz: tzinfo = TOKYO) -> Extracted:
    """The article of the page at `url`: metadata and body paragraphs.

    Raises InputError when the page cannot be parsed or holds no article text.
    """
    tree = trafilatura.load_html(html)
    if tree is None:
        raise InputError(f"{url}: not an HTML page")
    scan = _scan(tree)
    canonical, claimed = _canonical(scan, url)
    ld = _from_json_ld(scan.json_ld) if scan.json_ld else {}
    publisher = scan.meta(_PUBLISHER) or ld.get("publisher")
    page = page_blocks(tree)
    title = _title(scan, ld, page.h1s, _names(scan, ld))
    paragraphs, byline, dates = _body(page.blocks, title, tz)
    if not any(map(_is_prose, paragraphs)):
        paragraphs = _trafilatura_paragraphs(tree, url, title)
    if not any(map(_is_prose, paragraphs)):
        raise InputError(f"{url}: no article text found on the page")
    shown = [d for d in (dateline(t, tz) for t in page.datelines) if d] + dates
    published = parse_datetime(scan.meta(_PUBLISHED) or ld.get("datePublished") or scan.time, tz)
    published = published or next((p for p, _ in shown if p), None)
    modified = parse_datetime(scan.meta(_MODIFIED) or ld.get("dateModified"), tz)
    modified = modified or next((u for _, u in shown if u), None)
    byline = byline or next(iter(page.bylines), None)
    return Extracted(url=canonical, site=site_of(canonical), paragraphs=paragraphs, title=title,
                     publisher=publisher, published=published, modified=modified,
                     canonical_claim=claimed, byline=byline)
