"""URL normalisation: one article is one article, whatever the link that led to it."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

from kirinuki.errors import InputError

# Query parameters that only say how a reader arrived (campaigns, click ids, share buttons).
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "yclid", "msclkid", "twclid", "igshid",
    "mc_cid", "mc_eid", "_ga", "_gl", "ref_src", "ref_url", "cmpid", "ocid", "spm",
    "s_cid", "wt.mc_id", "share", "from_share",
})
TRACKING_PREFIXES = ("utm_", "hmsr", "hmpl", "hmcu", "hmkw", "hmci", "at_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking(name: str) -> bool:
    """True for a query parameter that does not change which page is meant."""
    key = name.lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def normalize_url(url: str) -> str:
    """The normal form of an http(s) URL: lower-case scheme and host, no default port, no
    user info, no fragment, no tracking parameters, `/` for an empty path.

    Raises InputError for anything that is not an absolute http(s) URL.
    """
    raw = url.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise InputError(f"not a valid URL: {raw!r} ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise InputError(f"not an http(s) URL: {raw!r}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InputError(f"URL has no host: {raw!r}")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    # Raw `name=value` pieces are kept as written: re-encoding could change what a server sees.
    query = "&".join(p for p in parts.query.split("&")
                     if p and not is_tracking(unquote(p.split("=", 1)[0])))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def site_of(url: str) -> str:
    """The site (host without a leading `www.`) of a URL: how a source is known."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    return host[4:] if host.startswith("www.") else host
