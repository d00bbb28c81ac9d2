"""Fetching pages and feeds over HTTP, behind an SSRF guard, a size cap and a deadline.

Every hop (the first URL and each redirect) is checked before it is requested: the host must
not be, or resolve to, a loopback, private, link-local, multicast, reserved or unspecified
address unless private addresses are allowed, and the connection goes to an address that was
checked (`connect.py`), so a name that resolves differently the second time (DNS rebinding)
cannot reach a private address. The address actually reached is checked again when the
transport reports it. A fetch as a whole (connect, headers, body, redirects) must finish
before its deadline. Bodies are read raw and decompressed here in bounded steps
(`inflate.py`), cut off at a size cap on the decompressed bytes; only HTML and XML content
types are accepted.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from kirinuki import __version__ as _version
from kirinuki.capture.connect import Pass, fetch_pass, guarded_transport
from kirinuki.capture.inflate import ACCEPT_ENCODING, content_codings, decoded
from kirinuki.errors import BlockedAddressError, FetchError, HttpStatusError, InputError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Feeds get a lower cap: feedparser is slow per byte.
FEED_MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
USER_AGENT = f"kirinuki/{_version} (news-clipping journal; +https://github.com/kirinuki)"
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=20.0, write=10.0, pool=10.0)
# A whole fetch (connect, headers, body, redirects) may not take longer than this, however
# slowly a server drips its bytes.
DEADLINE_SECONDS = 30.0

Kind = Literal["html", "feed", "any"]
Resolver = Callable[[str], list[str]]

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
XML_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
    "text/xml", "application/x-rss+xml", "application/feed+xml",
})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass
class FetchResult:
    """A fetched response: the final URL after redirects, the body and its validators."""

    url: str
    status: int
    content: bytes
    content_type: str | None
    charset: str | None
    etag: str | None = None
    last_modified: str | None = None
    # What a raw copy keeps of the exchange: the answer's status line and headers as
    # received (names and values read as Latin-1), and the headers the request carried.
    reason: str = "OK"
    http_version: str = "HTTP/1.1"
    headers: list[tuple[str, str]] = field(default_factory=list)
    request_headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional request (no body)."""
        return self.status == 304


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """The wait a Retry-After header asks for, in seconds (delta-seconds or an HTTP date),
    or None when it is missing or unreadable; never negative."""
    if not value or not value.strip():
        return None
    raw = value.strip()
    if raw.isdigit():
        return float(int(raw))
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def system_resolver(host: str) -> list[str]:
    """The addresses `host` resolves to. Raises FetchError for an unknown host."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"{host}: unknown host ({exc})") from exc
    return [str(info[4][0]) for info in infos]


def is_blocked_address(address: str) -> bool:
    """True for an address a fetch may not reach unless private addresses are allowed."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast or ip.is_unspecified or ip.is_loopback


def _content_type(headers: httpx.Headers) -> tuple[str | None, str | None]:
    """(media type, charset) from a Content-Type header."""
    raw = headers.get("content-type")
    if not raw:
        return None, None
    msg = Message()
    msg["content-type"] = raw
    charset = msg.get_param("charset")
    return msg.get_content_type(), charset if isinstance(charset, str) else None


class Fetcher:
    """An HTTP client for pages and feeds. Use as a context manager or `close()` it.

    `transport` replaces the network (tests pass `httpx.MockTransport`); `network_backend`
    replaces only the sockets under the guarded transport; `resolver` replaces DNS for the
    SSRF guard. With `allow_private` the guard is off. `deadline` is in seconds.
    """

    def __init__(self, *, allow_private: bool = False,
                 transport: httpx.BaseTransport | None = None,
                 resolver: Resolver | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                 timeout: httpx.Timeout = DEFAULT_TIMEOUT, user_agent: str = USER_AGENT,
                 deadline: float = DEADLINE_SECONDS,
                 network_backend: httpcore.NetworkBackend | None = None) -> None:
        self.allow_private = allow_private
        self.resolver = resolver or system_resolver
        self.max_bytes = max_bytes
        self.deadline = deadline
        # trust_env=False: a proxy from the environment would hide where requests really go.
        self.client = httpx.Client(transport=transport or guarded_transport(network_backend),
                                   timeout=timeout, trust_env=False, follow_redirects=False,
                                   headers={"User-Agent": user_agent,
                                            "Accept-Encoding": ACCEPT_ENCODING})

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying connections."""
        self.client.close()

    def check_url(self, url: str) -> list[str] | None:
        """The addresses `url`'s host may be reached at (None when the guard is off).

        Raises InputError for a non-http(s) URL, BlockedAddressError for a forbidden host,
        FetchError for an unknown one.
        """
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a bad port
            host = httpx.URL(url).raw_host.decode("ascii")
        except (ValueError, httpx.InvalidURL, UnicodeError) as exc:
            raise InputError(f"not a valid URL: {url!r}") from exc
        if parts.scheme not in ("http", "https") or not parts.hostname or not host:
            raise InputError(f"not an http(s) URL: {url!r}")
        if self.allow_private:
            return None
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            addresses = self.resolver(host)
        if not addresses:
            raise FetchError(f"{host}: unknown host (no address)")
        for address in addresses:
            if is_blocked_address(address):
                raise BlockedAddressError(
                    f"{host}: refusing to fetch from private address {address} "
                    "(set fetch.allow_private or KIRINUKI_ALLOW_PRIVATE=1 to allow)"
                )
        return addresses

    def _check_peer(self, response: httpx.Response, url: str) -> None:
        """Check the address actually connected to, when the transport tells it."""
        if self.allow_private:
            return
        stream = response.extensions.get("network_stream")
        if stream is None:
            return
        peer = stream.get_extra_info("server_addr")
        if peer and is_blocked_address(str(peer[0])):
            raise BlockedAddressError(
                f"{urlsplit(url).hostname}: connected to private address {peer[0]}; refused"
            )

    def get(self, url: str, *, kind: Kind = "html", etag: str | None = None,
            last_modified: str | None = None) -> FetchResult:
        """Fetch `url`, following at most 5 redirects, each checked by the guard.

        Sends If-None-Match / If-Modified-Since when validators are given (a 304 gives a
        result with `not_modified`). Raises InputError for a bad URL, BlockedAddressError,
        and FetchError for network errors, HTTP errors, wrong content types, oversize bodies
        and a fetch that passes its deadline.
        """
        headers = {"Accept": _ACCEPT[kind]}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self.request("GET", url, headers=headers, kind=kind)

    def request(self, method: str, url: str, *, content: bytes | None = None,
                headers: dict[str, str] | None = None, kind: Kind = "any") -> FetchResult:
        """`method url` under the same guard, size cap and deadline as `get`.

        Only a page or feed GET follows redirects. Raises what `get` raises; for an "any"
        request any status of 300 and above is a FetchError ending with the start of the
        answer's text.
        """
        p = Pass(time.monotonic() + self.deadline, None if self.allow_private else {})
        current = url
        with fetch_pass(p):
            for _ in range(MAX_REDIRECTS + 1):
                addresses = self.check_url(current)
                if p.pins is not None and addresses is not None:
                    p.pins[httpx.URL(current).raw_host.decode("ascii")] = addresses
                result = self._once(method, current, content, headers or {}, kind, p)
                if isinstance(result, FetchResult):
                    return result
                current = result
        raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")

    def _once(self, method: str, url: str, content: bytes | None, headers: dict[str, str],
              kind: Kind, p: Pass) -> FetchResult | str:
        """One request: a result, or the URL a redirect points to."""
        try:
            with self.client.stream(method, url, content=content, headers=headers) as resp:
                self._check_peer(resp, url)
                # Only page and feed GETs follow redirects: an "any" request's headers (say,
                # credentials) are not for whatever origin a Location names.
                if (method == "GET" and kind != "any" and resp.status_code in _REDIRECTS
                        and "location" in resp.headers):
                    return urljoin(url, resp.headers["location"])
                return self._result(resp, url, kind, p)
        except httpx.TimeoutException as exc:
            if p.left() <= 0:
                raise FetchError(f"{url}: timed out (took longer than the "
                                 f"{self.deadline:g}-second deadline)") from exc
            raise FetchError(f"{url}: timed out ({type(exc).__name__})") from exc
        except httpx.ConnectError as exc:
            raise FetchError(f"{url}: cannot connect ({exc or type(exc).__name__})") from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise InputError(f"not a valid http(s) URL: {url!r} ({exc})") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: {type(exc).__name__} ({exc})") from exc

    def _result(self, resp: httpx.Response, url: str, kind: Kind, p: Pass) -> FetchResult:
        media, charset = _content_type(resp.headers)
        etag = resp.headers.get("etag")
        modified = resp.headers.get("last-modified")
        if resp.status_code == 304:
            return FetchResult(url, 304, b"", media, charset, etag, modified)
        failed = resp.status_code >= 400 or resp.status_code < 200
        if kind == "any" and resp.status_code >= 300:
            raise FetchError(f"{url}: HTTP {resp.status_code} {self._snippet(resp, url, p)}"
                             .rstrip())
        if failed:
            raise HttpStatusError(f"{url}: HTTP {resp.status_code} {resp.reason_phrase}".rstrip(),
                                  resp.status_code, resp.headers.get("retry-after"))
        if kind != "any" and media is not None and media not in _ALLOWED[kind]:
            what = "a feed" if kind == "feed" else "an HTML page"
            raise FetchError(f"{url}: not {what} (content type {media})")
        limit = min(self.max_bytes, FEED_MAX_BYTES) if kind == "feed" else self.max_bytes
        body = self._body(resp, url, p, limit)
        return FetchResult(url, resp.status_code, body, media, charset, etag, modified,
                           reason=resp.reason_phrase, http_version=resp.http_version,
                           headers=_pairs(resp.headers), request_headers=_pairs(resp.request.headers))

    def _snippet(self, resp: httpx.Response, url: str, p: Pass) -> str:
        """The start of an error answer's text ("" when it cannot be read)."""
        try:
            return self._body(resp, url, p, 64 * 1024)[:200].decode("utf-8", "replace").strip()
        except FetchError:
            return ""

    def _body(self, resp: httpx.Response, url: str, p: Pass, limit: int) -> bytes:
        """The decoded body, read while it stays within `limit` bytes and the deadline."""
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(f"{url}: {int(declared)} bytes is over the "
                             f"{limit}-byte limit")
        try:
            codings = content_codings(resp.headers.get("content-encoding"))
        except FetchError as exc:
            raise FetchError(f"{url}: {exc}") from exc
        raw = 0
        if resp.is_stream_consumed:
            # Built in memory (a mock transport's answer): httpx has read and decoded it.
            raw_chunks: Iterator[bytes] = iter([resp.content])
            codings = []
        else:
            raw_chunks = resp.iter_raw()

        def counted() -> Iterator[bytes]:
            nonlocal raw
            for chunk in raw_chunks:
                raw += len(chunk)
                if raw > limit:
                    raise FetchError(f"{url}: response is over the {limit}-byte limit")
                yield chunk

        body = bytearray()
        try:
            for piece in decoded(counted(), codings):
                body += piece
                if len(body) > limit:
                    raise FetchError(f"{url}: response is over the {limit}-byte limit"
                                     + (" once decompressed" if codings else ""))
                if p.left() <= 0:
                    raise httpx.ReadTimeout("the fetch's deadline has passed")
        except FetchError as exc:
            if str(exc).startswith(url):
                raise
            raise FetchError(f"{url}: {exc}") from exc
        return bytes(body)


def _pairs(headers: httpx.Headers) -> list[tuple[str, str]]:
    """Headers as (name, value) pairs in the order received, read as Latin-1 as HTTP allows."""
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers.raw]


_ACCEPT: dict[Kind, str] = {
    "html": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    "feed": "application/rss+xml,application/atom+xml,application/rdf+xml,"
            "application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1",
    "any": "*/*",
}
# Feeds are sometimes served as HTML by mistake: the feed parser has the last word on those.
_ALLOWED: dict[Kind, frozenset[str]] = {
    "html": HTML_TYPES | {"application/xml", "text/xml"},
    "feed": XML_TYPES | HTML_TYPES,
    "any": frozenset(),  # not checked
}
