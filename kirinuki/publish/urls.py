"""The address scheme of the published journal, and where each address lives on disk.

`ROUTES` is the whole scheme in one table: each kind of page once, with its address pattern,
read both ways (`Route.url` builds an address, `parse` reads one back) and its media type. The
publisher's plan builds its addresses from it and the web app routes the published pages
through it: there is no second, hand-written inverse.

Every internal link is root-relative (`/entry/2022/01/08/120000/`), so one build serves under
every host of the journal. Addresses are percent-encoded UTF-8; files are stored under the
decoded names (what a web server maps the address to), so a tag page of `#反ロシア` reads
`/archive/category/反ロシア/` in the address bar and lives in `archive/category/反ロシア/`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote

from kirinuki.errors import ConflictError

# Characters that cannot stand in one path segment are replaced by their full-width forms,
# which NFKC folds back to the same tag key: no two tags can meet on one segment this way.
_SEGMENT_SWAP = str.maketrans({"/": "／", "\\": "＼"})
_MAX_SEGMENT_BYTES = 200
# Files that live beside the tag folders (`/archive/category/index.html` lists the tags);
# compared case-folded, as a copy of the site may land on a case-insensitive file system.
_TAKEN_NAMES = frozenset({"index.html"})


def _encode(path: str) -> str:
    return quote(path, safe="/-._~!$&'()*+,;=:@")


HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
JSON = "application/json"
_STATIC_MEDIA = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


def _number(width: int) -> Callable[[int], str]:
    return lambda n: f"{n:0{width}d}"


# The holes of a pattern: what each matches (decoded), reads as, and how it is written.
# Numbers are ASCII digits, bounded: `\d` took `page/١/` as page 1, and int() of 4,301+
# digits raises.
_HOLES: dict[str, tuple[str, Callable[[str], Any], Callable[[Any], str]]] = {
    "permalink": (r"/entry/.+", str, _encode),  # an entry's permalink, without the final slash
    "tag": (r"[^/]+", str, lambda seg: quote(seg, safe="")),  # a tag's segment (`tag_segment`)
    "k": (r"[0-9]{1,9}", int, str),  # a page number (page 1 holds the oldest entries)
    "y": (r"[0-9]{4}", int, _number(4)),
    "m": (r"[0-9]{2}", int, _number(2)),
    "d": (r"[0-9]{2}", int, _number(2)),
    "name": (r"[^/]+", str, str),  # a file of `static/`
}


class Route:
    """One kind of page at one address pattern (`/archive/{y}/{m}/`): `url` writes the address
    of given values, `match` reads them back from a decoded path."""

    __slots__ = ("_head", "_holes", "_regex", "holes", "kind", "media", "pattern")

    def __init__(self, kind: str, pattern: str, media: str = HTML) -> None:
        self.kind = kind
        self.pattern = pattern
        self.media = media
        pieces = re.split(r"\{(\w+)\}", pattern)  # literal, hole, literal, …, literal
        self.holes = tuple(pieces[1::2])
        self._head = pieces[0]
        self._holes = tuple((_HOLES[h][2], lit) for h, lit in zip(self.holes, pieces[2::2],
                                                                  strict=True))
        self._regex = re.compile("".join(
            f"({_HOLES[piece][0]})" if i % 2 else re.escape(piece)
            for i, piece in enumerate(pieces)))

    def url(self, *values: Any) -> str:
        """The (percent-encoded) address of the page with these hole values."""
        out = self._head
        for (write, tail), value in zip(self._holes, values, strict=True):
            out += write(value) + tail
        return out

    def match(self, path: str) -> tuple[Any, ...] | None:
        """The hole values of the decoded `path`, or None when it is not this route's."""
        m = self._regex.fullmatch(path)
        if m is None:
            return None
        return tuple(_HOLES[h][1](g) for h, g in zip(self.holes, m.groups(), strict=True))

    def media_of(self, values: tuple[Any, ...]) -> str:
        """The media type of the page (a static file's, by its name)."""
        if self.kind == "static":
            return _STATIC_MEDIA.get(values[0][values[0].rfind("."):], "application/octet-stream")
        return self.media

    def __repr__(self) -> str:
        return f"Route({self.kind!r}, {self.pattern!r})"


INDEX = Route("index", "/")
INDEX_PAGE = Route("index", "/page/{k}/")
ENTRY_TEXT = Route("text", "{permalink}/entry.txt", TEXT)
ENTRY = Route("entry", "{permalink}/")
TAGS = Route("tags", "/archive/category/")
TAG = Route("tag", "/archive/category/{tag}/")
TAG_PAGE = Route("tag", "/archive/category/{tag}/page/{k}/")
TAG_FEED = Route("feed", "/archive/category/{tag}/feed.xml", ATOM)
TAG_RSS = Route("rss", "/archive/category/{tag}/rss", RSS)
ARCHIVE = Route("archive", "/archive/")
YEAR = Route("year", "/archive/{y}/")
MONTH = Route("month", "/archive/{y}/{m}/")
DAY = Route("day", "/archive/{y}/{m}/{d}/")
FEED = Route("feed", "/feed.xml", ATOM)
RSS_FEED = Route("rss", "/rss", RSS)
UPDATES = Route("updates", "/updates.xml", ATOM)
NAV = Route("nav", "/nav/")
ABOUT = Route("about", "/about/")
SEARCH = Route("search", "/search/")
SEARCH_INDEX = Route("search_index", "/search/index.json", JSON)
SEARCH_CHUNK = Route("search_chunk", "/search/{y}-{m}.json", JSON)
SITEMAP_INDEX = Route("sitemap_index", "/sitemap.xml", XML)
SITEMAP_PAGES = Route("sitemap_pages", "/sitemaps/pages.xml", XML)
SITEMAP = Route("sitemap", "/sitemaps/{y}-{m}.xml", XML)
NOT_FOUND = Route("404", "/404.html")
ROBOTS = Route("robots", "/robots.txt", TEXT)
STATIC = Route("static", "/static/{name}")
# Every page the publisher writes is at one of these (a redirect page of a renamed tag or a
# moved entry stands at a `TAG` or `ENTRY` address). Tried in order: the first match wins.
ROUTES = (INDEX, INDEX_PAGE, ENTRY_TEXT, ENTRY, TAGS, TAG, TAG_PAGE, TAG_FEED, TAG_RSS, ARCHIVE,
          YEAR, MONTH, DAY, FEED, RSS_FEED, UPDATES, NAV, ABOUT, SEARCH, SEARCH_INDEX,
          SEARCH_CHUNK, SITEMAP_INDEX, SITEMAP_PAGES, SITEMAP, NOT_FOUND, ROBOTS, STATIC)


def parse(path: str) -> tuple[Route, tuple[Any, ...]] | None:
    """The route and hole values of a decoded, root-relative path, or None."""
    for route in ROUTES:
        values = route.match(path)
        if values is not None:
            return route, values
    return None


def entry_url(permalink: str) -> str:
    """The address of an entry page: its permalink as a folder (`/entry/2022/01/08/120000/`)."""
    return ENTRY.url(permalink.rstrip("/"))


def entry_text_url(permalink: str) -> str:
    """The address of the entry's plain-text twin (`…/entry.txt`)."""
    return ENTRY_TEXT.url(permalink.rstrip("/"))


def entry_file(permalink: str) -> str:
    """The file of an entry page (what `file_of(entry_url(permalink))` gives, quicker)."""
    return permalink.strip("/") + "/index.html"


def tag_segment(key: str, display: str) -> str:
    """The path segment of a tag: its display name, readable, made safe for one segment."""
    seg = display.translate(_SEGMENT_SWAP)
    seg = "".join(ch for ch in seg if unicodedata.category(ch)[0] != "C")
    if seg.startswith(".") or seg.casefold() in _TAKEN_NAMES:
        # `.`, `..`, hidden names and the names of files beside the tag folders: the dot's
        # full-width form reads the same and folds to the same tag key.
        seg = seg.replace(".", "．", 1)
    if not seg:
        seg = "tag-" + hashlib.blake2b(key.encode(), digest_size=4).hexdigest()
    if len(seg.encode("utf-8")) > _MAX_SEGMENT_BYTES:
        # File names are limited to 255 bytes: keep a readable prefix and a short hash.
        suffix = "~" + hashlib.blake2b(key.encode(), digest_size=4).hexdigest()
        while len((seg + suffix).encode("utf-8")) > _MAX_SEGMENT_BYTES:
            seg = seg[:-1]
        seg += suffix
    return seg


def tag_segments(tags: dict[str, str]) -> dict[str, str]:
    """Tag key -> path segment for every tag; raises ConflictError when two share a segment."""
    seen: dict[str, str] = {}
    out: dict[str, str] = {}
    for key, display in tags.items():
        seg = tag_segment(key, display)
        if seg in seen and seen[seg] != key:
            raise ConflictError(
                f"tags #{tags[seen[seg]]} and #{display} would share the address "
                f"{tag_url(seg)}; rename one of them (`kirinuki tags rename`)"
            )
        seen[seg] = key
        out[key] = seg
    return out


def tag_url(segment: str, page: int | None = None) -> str:
    """The address of a tag page (`/archive/category/反ロシア/`), or of its page N."""
    return TAG.url(segment) if page is None else TAG_PAGE.url(segment, page)


def tag_feed_url(segment: str) -> str:
    """The address of a tag's Atom feed."""
    return TAG_FEED.url(segment)


def tag_rss_url(segment: str) -> str:
    """The address of a tag's RSS 2.0 feed."""
    return TAG_RSS.url(segment)


TAGS_URL = TAGS.url()
ARCHIVE_URL = ARCHIVE.url()
ABOUT_URL = ABOUT.url()
SEARCH_URL = SEARCH.url()
FEED_URL = FEED.url()
RSS_URL = RSS_FEED.url()
UPDATES_URL = UPDATES.url()
NAV_URL = NAV.url()
SITEMAP_URL = SITEMAP_INDEX.url()
STATIC_URL = "/static/"  # the folder of `STATIC` (the templates add the file names)


def index_url(page: int | None = None) -> str:
    """The front page, or page N of the whole journal (page 1 holds the oldest entries)."""
    return INDEX.url() if page is None else INDEX_PAGE.url(page)


def archive_url(year: int, month: int | None = None, day: int | None = None) -> str:
    """The archive of a year, a month or a day (`/archive/2022/01/08/`)."""
    if month is None:
        return YEAR.url(year)
    return MONTH.url(year, month) if day is None else DAY.url(year, month, day)


def file_of(url: str) -> str:
    """The file (relative to the output folder) that serves the root-relative `url`."""
    path = unquote(url).lstrip("/")
    if not path or path.endswith("/"):
        path += "index.html"
    return path


def absolute(host: str | None, url: str) -> str:
    """`url` on the canonical host (`https://host/…`), or `url` itself when there is none."""
    return f"https://{host}{url}" if host else url
