"""URL normalisation: one article is one article, whatever the link that led to it."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

from tld import get_fld

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


# Prefixes that name the same site's desktop, mobile and AMP pages.
_SAME_SITE_PREFIXES = ("www.", "m.", "amp.")


def registrable_domain(host: str) -> str | None:
    """The domain a registrant controls (`www3.nhk.or.jp` -> `nhk.or.jp`), from the Public
    Suffix List bundled with `tld` (private suffixes such as `github.io` included, so two
    users' sites stay apart); None for an IP address or a name with no public suffix."""
    return get_fld(host, fix_protocol=True, fail_silently=True, search_private=True)


def same_site(url: str, other: str) -> bool:
    """True when two URLs are on the same site: the same registrable domain, or, for hosts
    that have none (IP addresses, `localhost`, `.example`), the same host (up to a leading
    `www.`, `m.` or `amp.`) and port. Scheme and path do not matter."""
    a, b = urlsplit(url), urlsplit(other)
    try:
        host_a, host_b = (a.hostname or "").rstrip("."), (b.hostname or "").rstrip(".")
        port_a = a.port or _DEFAULT_PORTS.get(a.scheme.lower())
        port_b = b.port or _DEFAULT_PORTS.get(b.scheme.lower())
    except ValueError:
        return False
    if not host_a or not host_b:
        return False
    host_a, host_b = _ascii(host_a), _ascii(host_b)
    reg_a, reg_b = registrable_domain(host_a), registrable_domain(host_b)
    if reg_a is not None and reg_b is not None:
        return reg_a == reg_b
    if reg_a is not None or reg_b is not None:
        return False
    return (_bare(host_a), port_a) == (_bare(host_b), port_b)


def _ascii(host: str) -> str:
    """The host in its ASCII (punycode) form, so `日本.jp` and `xn--wgv71a.jp` compare equal."""
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return host


def _bare(host: str) -> str:
    for prefix in _SAME_SITE_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            return host[len(prefix):]
    return host
