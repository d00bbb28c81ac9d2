"""The fetcher: SSRF guard, redirects, size cap, content types, conditional GET, errors."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from kirinuki.capture.fetch import USER_AGENT, Fetcher, is_blocked_address
from kirinuki.errors import BlockedAddressError, FetchError, InputError
from tests.capture.conftest import LocalServer, MockWeb, public_resolver

PAGE = "https://news.example.jp/a.html"


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
    "0.0.0.0", "224.0.0.1", "239.255.255.250", "100.64.0.1", "::1", "::", "fe80::1",
    "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "not-an-ip",
])
def test_blocked_addresses(address: str) -> None:
    assert is_blocked_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "133.1.1.1", "2400:4050::1"])
def test_public_addresses_pass(address: str) -> None:
    assert not is_blocked_address(address)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://[::1]:8000/", "http://10.0.0.5/feed", "http://169.254.169.254/",
    "http://0.0.0.0:9/", "http://[::ffff:192.168.0.1]/", "http://224.0.0.251/",
])
def test_guard_refuses_private_ip_literals(web: MockWeb, url: str) -> None:
    web.page(url, b"<p>x</p>")
    with web.fetcher() as f, pytest.raises(BlockedAddressError, match="private address"):
        f.get(url)
    assert web.requests == []


def test_guard_refuses_names_resolving_to_private_addresses(web: MockWeb) -> None:
    web.page("http://intranet.example/", b"<p>x</p>")
    resolver = {"intranet.example": ["133.1.1.1", "10.0.0.7"]}.__getitem__
    with web.fetcher(resolver=resolver) as f, pytest.raises(BlockedAddressError, match="10.0.0.7"):
        f.get("http://intranet.example/")
    assert web.requests == []


def test_guard_checks_every_redirect(web: MockWeb) -> None:
    web.page(PAGE, b"", status=302, headers={"Location": "http://127.0.0.1:8080/admin"})
    web.page("http://127.0.0.1:8080/admin", b"<p>secret</p>")
    with web.fetcher() as f, pytest.raises(BlockedAddressError):
        f.get(PAGE)
    assert [str(r.url) for r in web.requests] == [PAGE]


def test_allow_private_lets_fetches_through(web: MockWeb) -> None:
    web.page("http://127.0.0.1:8080/a", b"<p>ok</p>")
    with web.fetcher(allow_private=True) as f:
        assert f.get("http://127.0.0.1:8080/a").content == b"<p>ok</p>"


def test_real_server_with_private_allowed(server: LocalServer) -> None:
    url = server.add("/a.html", b"<p>hello</p>", etag='"v1"')
    with Fetcher(allow_private=True) as f:
        res = f.get(url)
        assert (res.status, res.content, res.etag, res.charset) == (200, b"<p>hello</p>",
                                                                    '"v1"', "utf-8")
        again = f.get(url, etag=res.etag)
    assert again.not_modified and again.content == b""
    assert server.seen[0].headers["user-agent"] == USER_AGENT
    assert server.seen[1].headers["if-none-match"] == '"v1"'


def test_redirects_are_followed_up_to_five(web: MockWeb) -> None:
    for i in range(5):
        web.page(f"https://news.example.jp/r{i}", b"", status=301,
                 headers={"Location": f"/r{i + 1}"})
    web.page("https://news.example.jp/r5", b"<p>end</p>")
    with web.fetcher() as f:
        res = f.get("https://news.example.jp/r0")
    assert res.url == "https://news.example.jp/r5" and res.content == b"<p>end</p>"


def test_six_redirects_are_too_many(web: MockWeb) -> None:
    for i in range(6):
        web.page(f"https://news.example.jp/r{i}", b"", status=302,
                 headers={"Location": f"/r{i + 1}"})
    web.page("https://news.example.jp/r6", b"<p>end</p>")
    with web.fetcher() as f, pytest.raises(FetchError, match="more than 5 redirects"):
        f.get("https://news.example.jp/r0")


def test_declared_length_over_the_cap_is_refused(web: MockWeb) -> None:
    web.page(PAGE, b"x" * 2000)
    with web.fetcher(max_bytes=1000) as f, pytest.raises(FetchError, match="1000-byte limit"):
        f.get(PAGE)


def test_streamed_body_over_the_cap_is_cut_off(web: MockWeb) -> None:
    sent: list[int] = []

    def chunks() -> Iterator[bytes]:
        for _ in range(1000):
            sent.append(1)
            yield b"y" * 1024

    web.handle(PAGE, lambda req: httpx.Response(200, headers={"Content-Type": "text/html"},
                                                content=chunks()))
    with web.fetcher(max_bytes=10 * 1024) as f, pytest.raises(FetchError, match="limit"):
        f.get(PAGE)
    assert len(sent) < 20  # reading stopped at the cap, not at the end


@pytest.mark.parametrize("ctype", ["application/pdf", "image/png", "application/json",
                                   "application/octet-stream"])
def test_non_html_content_types_are_refused(web: MockWeb, ctype: str) -> None:
    web.page(PAGE, b"%PDF-1.4", content_type=ctype)
    with web.fetcher() as f, pytest.raises(FetchError, match=f"not an HTML page.*{ctype}"):
        f.get(PAGE)


def test_feed_kind_accepts_xml_types(web: MockWeb) -> None:
    web.page(PAGE, b"<rss/>", content_type="application/rss+xml; charset=EUC-JP")
    with web.fetcher() as f:
        res = f.get(PAGE, kind="feed")
    assert (res.content_type, res.charset) == ("application/rss+xml", "EUC-JP")


@pytest.mark.parametrize(("status", "text"), [(404, "HTTP 404"), (500, "HTTP 500"),
                                              (403, "HTTP 403")])
def test_http_errors(web: MockWeb, status: int, text: str) -> None:
    web.page(PAGE, b"oops", status=status)
    with web.fetcher() as f, pytest.raises(FetchError, match=text):
        f.get(PAGE)


@pytest.mark.parametrize(("exc", "text"), [
    (httpx.ReadTimeout("slow"), "timed out"),
    (httpx.ConnectTimeout("slow"), "timed out"),
    (httpx.ConnectError("refused"), "cannot connect"),
    (httpx.RemoteProtocolError("bad"), "RemoteProtocolError"),
])
def test_transport_errors_become_fetch_errors(web: MockWeb, exc: Exception, text: str) -> None:
    def boom(request: httpx.Request) -> httpx.Response:
        raise exc

    web.handle(PAGE, boom)
    with web.fetcher() as f, pytest.raises(FetchError, match=text):
        f.get(PAGE)


def test_conditional_headers_are_sent(web: MockWeb) -> None:
    web.page(PAGE, b"", status=304, content_type=None)
    with web.fetcher() as f:
        res = f.get(PAGE, etag='W/"abc"', last_modified="Sat, 08 Jan 2022 09:00:00 GMT")
    assert res.not_modified
    req = web.requests[0]
    assert req.headers["if-none-match"] == 'W/"abc"'
    assert req.headers["if-modified-since"] == "Sat, 08 Jan 2022 09:00:00 GMT"
    assert req.headers["user-agent"].startswith("kirinuki/")


@pytest.mark.parametrize("url", ["ftp://news.example.jp/a", "news.example.jp/a", "http:///x"])
def test_bad_urls(url: str) -> None:
    with Fetcher(resolver=public_resolver) as f, pytest.raises(InputError):
        f.get(url)


def test_unknown_host_from_system_resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from kirinuki.capture import fetch

    def fail(*args: object, **kw: object) -> None:
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(fetch.socket, "getaddrinfo", fail)
    with pytest.raises(FetchError, match="unknown host"):
        fetch.system_resolver("no-such-host.example")


def test_fetchers_share_one_tls_context_that_checks_certificates() -> None:
    """Made once per process (making one loads the whole CA bundle), and it still verifies
    the server's certificate and name."""
    import ssl

    with Fetcher() as a, Fetcher() as b:
        contexts = [f.client._transport._pool._ssl_context  # type: ignore[attr-defined]
                    for f in (a, b)]
    assert contexts[0] is contexts[1]
    assert contexts[0].verify_mode == ssl.CERT_REQUIRED and contexts[0].check_hostname
