"""The address scheme of the published journal, and where each address lives on disk.

Every internal link is root-relative (`/entry/2022/01/08/120000/`), so one build serves under
every host of the journal. Addresses are percent-encoded UTF-8; files are stored under the
decoded names (what a web server maps the address to), so a tag page of `#反ロシア` reads
`/archive/category/反ロシア/` in the address bar and lives in `archive/category/反ロシア/`.
"""

from __future__ import annotations

import hashlib
import unicodedata
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


def entry_url(permalink: str) -> str:
    """The address of an entry page: its permalink as a folder (`/entry/2022/01/08/120000/`)."""
    return _encode(permalink.rstrip("/") + "/")


def entry_text_url(permalink: str) -> str:
    """The address of the entry's plain-text twin (`…/entry.txt`)."""
    return entry_url(permalink) + "entry.txt"


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
    base = "/archive/category/" + quote(segment, safe="") + "/"
    return base if page is None else f"{base}page/{page}/"


def tag_feed_url(segment: str) -> str:
    """The address of a tag's Atom feed."""
    return tag_url(segment) + "feed.xml"


def tag_rss_url(segment: str) -> str:
    """The address of a tag's RSS 2.0 feed."""
    return tag_url(segment) + "rss"


TAGS_URL = "/archive/category/"
ARCHIVE_URL = "/archive/"
ABOUT_URL = "/about/"
SEARCH_URL = "/search/"
FEED_URL = "/feed.xml"
RSS_URL = "/rss"
UPDATES_URL = "/updates.xml"
NAV_URL = "/nav/"
SITEMAP_URL = "/sitemap.xml"
STATIC_URL = "/static/"


def index_url(page: int | None = None) -> str:
    """The front page, or page N of the whole journal (page 1 holds the oldest entries)."""
    return "/" if page is None else f"/page/{page}/"


def archive_url(year: int, month: int | None = None, day: int | None = None) -> str:
    """The archive of a year, a month or a day (`/archive/2022/01/08/`)."""
    url = f"/archive/{year:04d}/"
    if month is not None:
        url += f"{month:02d}/"
        if day is not None:
            url += f"{day:02d}/"
    return url


def file_of(url: str) -> str:
    """The file (relative to the output folder) that serves the root-relative `url`."""
    path = unquote(url).lstrip("/")
    if not path or path.endswith("/"):
        path += "index.html"
    return path


def absolute(host: str | None, url: str) -> str:
    """`url` on the canonical host (`https://host/…`), or `url` itself when there is none."""
    return f"https://{host}{url}" if host else url
