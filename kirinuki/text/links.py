"""The one rule for a stored URL that becomes a link: absolute http(s) with a host, or nothing.

URLs come in from imports (a Movable Type `<blockquote cite=…>`, a JSON Lines record, an
AtomPub entry) as any text at all. Everything that writes a link (`href`, `cite`, `src`) from a
stored value asks `http_url` first and writes the value as plain escaped text when it answers
None, so `javascript:`, `data:`, `vbscript:` and the like never become clickable. The stored
text itself is kept as it was. Pure; never raises.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

# Browsers drop tabs and line ends anywhere in a URL and spaces or controls around it
# (`java\tscript:`, ` javascript:`), and read `\` as `/`: a URL holding any of them is refused
# rather than second-guessed.
_ASCII_BAD = re.compile(r"[\x00-\x20\x7f\\]")
_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"})
_HTTP = re.compile(r"https?://", re.IGNORECASE)
# A plain host name, then printable ASCII but `\`: urlsplit finds that host and no port in
# such a URL, so it passes the whole rule. Most links a build writes (its own addresses, share
# links) look like this; the parse is kept for the others.
_PLAIN_HTTP = re.compile(r"https?://[A-Za-z0-9.-]+(?:[/?#][!-\[\]-~]*)?", re.IGNORECASE)


def _clean(value: str) -> bool:
    if _ASCII_BAD.search(value):
        return False
    return value.isascii() or not any(unicodedata.category(ch) in _BAD_CATEGORIES
                                      for ch in value)


def _absolute_http(value: str) -> bool:
    return _PLAIN_HTTP.fullmatch(value) is not None or _parsed_http(value)


def _parsed_http(value: str) -> bool:
    if not _HTTP.match(value) or not _clean(value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that is no number
    except ValueError:
        return False
    return bool(parts.hostname)


@lru_cache(maxsize=8192)  # a journal cites the same pages over and over
def _http_url(value: str) -> str | None:
    if not _absolute_http(value):
        return None
    # A page written without escaping would turn `&#x6A;avascript:` into `javascript:`: the
    # value must pass as its unescaped reading too.
    # (Checked again only when unescaping changes it: share links hold `&` and are long.)
    if "&" in value and (plain := html.unescape(value)) != value \
            and not _absolute_http(plain):
        return None
    return value


def http_url(value: object) -> str | None:
    """`value` unchanged when it is an absolute http or https URL with a host, else None.

    Refused: any other scheme, a scheme-relative `//host`, `\\host`, a value with spaces,
    tabs, line ends or other control characters anywhere, a value whose HTML-unescaped reading
    is refused, and anything that is not a string.
    """
    if not isinstance(value, str) or not value:
        return None
    return _http_url(value)


def site_url(value: object) -> str | None:
    """`value` unchanged when it is a path on this site (`/entry/…`, one leading slash) or an
    absolute http(s) URL (`http_url`), else None: the rule for links the site builds itself
    from stored values (permalinks, tag names)."""
    if not isinstance(value, str) or not value:
        return None
    if value.startswith("/"):
        return value if value.isascii() and "&" not in value and value[1:2] != "/" \
            and not _ASCII_BAD.search(value) else _site_path(value)
    return _http_url(value)


@lru_cache(maxsize=8192)  # the tag pages' addresses, written on most pages
def _site_path(value: str) -> str | None:
    if value[1:2] in ("/", "\\") or not _clean(value):
        return None
    if "&" in value and html.unescape(value)[1:2] in ("/", "\\"):
        return None
    return value
