"""Hostile servers on 127.0.0.1 (issue 17): compression bombs, slow drips, DNS rebinding."""

from __future__ import annotations

import functools
import gzip
import socket
import socketserver
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

from kirinuki.capture.fetch import Fetcher
from kirinuki.errors import BlockedAddressError, FetchError
from kirinuki.journal import Journal
from kirinuki.journal.feeds import add_feed, poll_feeds
from kirinuki.store.sqlite import feeds as feed_rows
from tests.capture.conftest import LocalServer, TestNetwork, data
from tests.conftest import Cli

PAGE = "<html><body><p>東京都内の天気です。</p></body></html>".encode()


@functools.cache  # a 64 MB body compressed at level 9 takes a while: made once
def _bomb(size: int, layers: int) -> bytes:
    body = b"\0" * size
    for _ in range(layers):
        body = gzip.compress(body, 9)
    return body


def _peak_during(fn: Any) -> tuple[int, BaseException | None]:
    """The peak of Python's traced memory while `fn()` runs, and what it raised."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    error: BaseException | None = None
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001 - handed back to the test
        error = exc
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, error


@pytest.mark.parametrize(("layers", "encoding"), [(1, "gzip"), (2, "gzip, gzip"),
                                                  (2, "x-gzip,gzip")])
def test_compression_bomb_stops_at_the_cap(server: LocalServer, layers: int,
                                           encoding: str) -> None:
    """A 64 MB bomb (273 bytes as gzip of gzip) against a 1 MB cap: memory stays near the cap."""
    url = server.add("/bomb.html", _bomb(64 << 20, layers),
                     headers={"Content-Encoding": encoding})
    with Fetcher(allow_private=True, max_bytes=1 << 20) as f:
        peak, error = _peak_during(lambda: f.get(url))
    assert isinstance(error, FetchError) and "1048576-byte limit" in str(error)
    # The cap plus a few 64 KB decompression steps, not the 64 MB the body expands to.
    assert peak < 6 << 20, f"peak {peak} bytes"


def test_feeds_add_refuses_a_bomb_and_writes_nothing(server: LocalServer,
                                                     journal: Journal) -> None:
    url = server.add("/feed.xml", _bomb(64 << 20, 2), content_type="application/rss+xml",
                     headers={"Content-Encoding": "gzip, gzip"})
    with Fetcher(allow_private=True, max_bytes=1 << 20) as f, \
            pytest.raises(FetchError, match="limit once decompressed"):
        add_feed(journal, url, fetcher=f)
    assert feed_rows.list_feeds(journal.store) == []


def test_more_than_two_stacked_encodings_are_refused(server: LocalServer) -> None:
    url = server.add("/three.html", _bomb(1000, 3),
                     headers={"Content-Encoding": "gzip, gzip, gzip"})
    with Fetcher(allow_private=True) as f, \
            pytest.raises(FetchError, match="3 stacked content encodings.*at most 2"):
        f.get(url)


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress", "gzip, br"])
def test_unsupported_encodings_are_refused(server: LocalServer, encoding: str) -> None:
    url = server.add("/x.html", PAGE, headers={"Content-Encoding": encoding})
    with Fetcher(allow_private=True) as f, \
            pytest.raises(FetchError, match="unsupported content encoding"):
        f.get(url)


def _raw_deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return c.compress(data) + c.flush()


# mtime=0: the bodies are in the test ids, which must be the same in every xdist worker
@pytest.mark.parametrize(("encoding", "body"), [
    ("gzip", gzip.compress(PAGE, mtime=0)),
    ("gzip, gzip", gzip.compress(gzip.compress(PAGE, mtime=0), mtime=0)),
    ("deflate", zlib.compress(PAGE)),
    ("deflate", _raw_deflate(PAGE)),  # servers that forget the zlib wrapper
    ("deflate, gzip", gzip.compress(zlib.compress(PAGE), mtime=0)),
    ("identity", PAGE),
    ("gzip", gzip.compress(PAGE, mtime=0) + b"trailing junk"),
])
def test_honest_encodings_decode(server: LocalServer, encoding: str, body: bytes) -> None:
    url = server.add("/ok.html", body, headers={"Content-Encoding": encoding})
    with Fetcher(allow_private=True) as f:
        assert f.get(url).content == PAGE
    assert "gzip" in server.seen[0].headers["accept-encoding"]


def test_large_honest_gzip_page_decodes_whole(server: LocalServer) -> None:
    page = b"<p>" + "国".encode() * 400_000 + b"</p>"  # 1.2 MB, many decompression steps
    url = server.add("/big.html", gzip.compress(page), headers={"Content-Encoding": "gzip"})
    with Fetcher(allow_private=True) as f:
        assert f.get(url).content == page


def test_corrupt_gzip_is_a_clear_error(server: LocalServer) -> None:
    url = server.add("/bad.html", b"\x1f\x8b\x08\x00garbage" * 10,
                     headers={"Content-Encoding": "gzip"})
    with Fetcher(allow_private=True) as f, pytest.raises(FetchError, match="not valid gzip"):
        f.get(url)


class DripServer:
    """A server on 127.0.0.1 that answers every request by sending `payload` one byte at a
    time, `interval` seconds apart (a slow-loris server); `/hopN` redirects to `/hopN+1`
    after `redirect_pause` seconds, `/hop4` to `/page`."""

    def __init__(self, payload: bytes, interval: float, redirect_pause: float = 0.0) -> None:
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                sock: socket.socket = self.request
                request = b""
                while b"\r\n\r\n" not in request:
                    got = sock.recv(4096)
                    if not got:
                        return
                    request += got
                path = request.split(b" ", 2)[1]
                try:
                    if path.startswith(b"/hop"):
                        n = int(path[4:])
                        time.sleep(outer.redirect_pause)
                        target = b"/hop%d" % (n + 1) if n < 4 else b"/page"
                        sock.sendall(b"HTTP/1.1 302 Found\r\nContent-Length: 0\r\n"
                                     b"Location: " + target + b"\r\n\r\n")
                        return
                    for i in range(len(outer.payload)):
                        sock.sendall(outer.payload[i:i + 1])
                        time.sleep(outer.interval)
                except OSError:
                    return  # the client gave up: that is the point

        self.payload = payload
        self.interval = interval
        self.redirect_pause = redirect_pause
        self.tcp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.tcp.daemon_threads = True
        self.port = self.tcp.server_address[1]
        threading.Thread(target=self.tcp.serve_forever, args=(0.02,), daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.tcp.shutdown()
        self.tcp.server_close()


@pytest.fixture
def drip() -> Iterator[list[DripServer]]:
    servers: list[DripServer] = []
    yield servers
    for s in servers:
        s.close()


# At 20 ms a byte, these take 10 s or more to finish: long after a 0.3 s deadline.
SLOW_HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Pad: " + b"a" * 500 + b"\r\n\r\n"
SLOW_BODY = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 600\r\n\r\n"


@pytest.mark.timeout(60)
def test_headers_dripping_a_byte_at_a_time_hit_the_deadline(drip: list[DripServer]) -> None:
    srv = DripServer(SLOW_HEADERS, 0.02)
    drip.append(srv)
    with Fetcher(allow_private=True, deadline=0.3) as f, \
            pytest.raises(FetchError, match="took longer than the 0.3-second deadline"):
        f.get(srv.url("/slow.html"))


@pytest.mark.timeout(60)
def test_body_dripping_hits_the_deadline(drip: list[DripServer]) -> None:
    srv = DripServer(SLOW_BODY, 0.0)
    drip.append(srv)
    srv.payload = SLOW_BODY + b"x" * 600
    srv.interval = 0.02
    with Fetcher(allow_private=True, deadline=0.3) as f, \
            pytest.raises(FetchError, match="0.3-second deadline"):
        f.get(srv.url("/slow.html"))


@pytest.mark.timeout(60)
def test_the_deadline_covers_every_redirect(drip: list[DripServer]) -> None:
    """Each of four hops answers well within the read timeout; together they pass the
    deadline."""
    srv = DripServer(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 0.0, redirect_pause=0.15)
    drip.append(srv)
    with Fetcher(allow_private=True, deadline=0.5) as f, \
            pytest.raises(FetchError, match="0.5-second deadline"):
        f.get(srv.url("/hop1"))


@pytest.mark.timeout(60)
def test_feeds_poll_reports_a_dripping_feed_and_goes_on(drip: list[DripServer],
                                                       server: LocalServer,
                                                       journal: Journal) -> None:
    srv = DripServer(SLOW_HEADERS, 0.02)
    drip.append(srv)
    good = server.add("/rss.xml", data("feed_rss2.xml"), content_type="application/rss+xml")
    with Fetcher(allow_private=True, deadline=0.3) as f:
        add_feed(journal, good, fetcher=f)
        with journal.store.transaction():
            feed_rows.add_feed(journal.store, srv.url("/feed.xml"), None, None, journal.now())
        results = poll_feeds(journal, fetcher=f, jobs=2)
    errors = sorted((r.error or "") for r in results)
    assert errors[0] == "" and "0.3-second deadline" in errors[1]


class Rebinding:
    """A resolver answering a public address first, then 127.0.0.1 (DNS rebinding)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, host: str) -> list[str]:
        self.calls += 1
        return ["133.1.1.1"] if self.calls == 1 else ["127.0.0.1"]


def test_dns_rebinding_never_reaches_the_private_server(server: LocalServer,
                                                        deny_private: None) -> None:
    """The guard's lookup says public; the connection goes to that checked address, not to
    a second lookup that would say 127.0.0.1: the local server never sees the request."""
    url = server.add("/admin", b"<p>secret</p>").replace("127.0.0.1", "localhost")
    net = TestNetwork()
    with Fetcher(resolver=Rebinding(), network_backend=net) as f, \
            pytest.raises(FetchError, match="cannot connect"):
        f.get(url)
    assert net.hosts == ["133.1.1.1"]
    assert server.seen == []


def test_connection_goes_to_the_checked_address_with_the_name_as_host(
        server: LocalServer, deny_private: None) -> None:
    url = server.add("/a.html", PAGE).replace("127.0.0.1", "news.example.jp")
    net = TestNetwork(public={"133.1.1.1"})
    with Fetcher(resolver=Rebinding(), network_backend=net) as f:
        assert f.get(url).content == PAGE
    assert net.hosts == ["133.1.1.1"]
    assert server.seen[0].headers["host"] == f"news.example.jp:{server.port}"


def test_every_checked_address_is_tried_in_turn(server: LocalServer, deny_private: None) -> None:
    url = server.add("/a.html", PAGE).replace("127.0.0.1", "news.example.jp")
    net = TestNetwork(public={"133.1.1.2"})
    resolver = {"news.example.jp": ["133.1.1.9", "133.1.1.2"]}.__getitem__
    with Fetcher(resolver=resolver, network_backend=net) as f:
        assert f.get(url).content == PAGE
    assert net.hosts == ["133.1.1.9", "133.1.1.2"]


def test_the_reached_address_is_checked_again(server: LocalServer, deny_private: None) -> None:
    """Second line of defence: a connection that says it reached a private address (a NAT,
    a proxy in the way) is refused even though the address it was sent to was public."""
    url = server.add("/a.html", PAGE).replace("127.0.0.1", "news.example.jp")
    net = TestNetwork(public={"133.1.1.1"}, peer="10.9.8.7")
    with Fetcher(resolver=lambda host: ["133.1.1.1"], network_backend=net) as f, \
            pytest.raises(BlockedAddressError, match="connected to private address 10.9.8.7"):
        f.get(url)


def test_redirect_to_a_private_address_is_not_connected(server: LocalServer,
                                                        deny_private: None) -> None:
    server.add("/go", b"", status=302, headers={"Location": "http://10.0.0.8/admin"})
    url = server.url("/go").replace("127.0.0.1", "news.example.jp")
    net = TestNetwork(public={"133.1.1.1"})
    with Fetcher(resolver=lambda host: ["133.1.1.1"], network_backend=net) as f, \
            pytest.raises(BlockedAddressError, match="10.0.0.8"):
        f.get(url)
    assert net.hosts == ["133.1.1.1"]


@pytest.fixture
def ready(cli: Cli) -> Cli:
    r = cli("init", "--title", "テスト帳", "--host", "kirinuki.test")
    assert r.exit_code == 0, r.output
    return cli


def _one_error_line(output: str, text: str) -> None:
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and text in lines[0], output


def test_cli_clip_and_feeds_add_refuse_a_bomb(ready: Cli, server: LocalServer,
                                              allow_private: None,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIRINUKI_FETCH_MAX_BYTES", str(1 << 20))
    url = server.add("/bomb.html", _bomb(64 << 20, 2), headers={"Content-Encoding": "gzip, gzip"})
    r = ready("clip", url, "--pick", "1")
    assert r.exit_code == 1
    _one_error_line(r.output, "over the 1048576-byte limit once decompressed")
    r = ready("feeds", "add", url)
    assert r.exit_code == 1
    _one_error_line(r.output, "once decompressed")
    assert url not in ready("feeds", "list").output


@pytest.mark.timeout(60)
def test_cli_clip_stops_at_the_configured_deadline(ready: Cli, drip: list[DripServer],
                                                   allow_private: None,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    srv = DripServer(SLOW_HEADERS, 0.02)
    drip.append(srv)
    monkeypatch.setenv("KIRINUKI_FETCH_DEADLINE", "0.3")
    r = ready("clip", srv.url("/slow.html"), "--pick", "1")
    assert r.exit_code == 1
    _one_error_line(r.output, "took longer than the 0.3-second deadline")


@pytest.mark.parametrize("value", ["soon", "0", "-5", "nan", "inf"])
def test_a_bad_deadline_setting_is_one_clear_error(ready: Cli, value: str, allow_private: None,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIRINUKI_FETCH_DEADLINE", value)
    r = ready("clip", "http://127.0.0.1:9/a.html", "--pick", "1")
    assert r.exit_code == 1
    _one_error_line(r.output, "KIRINUKI_FETCH_DEADLINE")


def test_feeds_have_a_lower_size_cap_than_pages(server: LocalServer) -> None:
    body = b"<rss version='2.0'><channel>" + b" " * (6 << 20) + b"</channel></rss>"
    feed = server.add("/big.xml", body, content_type="application/rss+xml")
    page = server.add("/big.html", b"<p>" + b" " * (6 << 20) + b"</p>")
    with Fetcher(allow_private=True) as f:
        with pytest.raises(FetchError, match="5242880-byte limit"):
            f.get(feed, kind="feed")
        assert len(f.get(page).content) > 6 << 20


def test_import_opml_refuses_a_huge_file(journal: Journal, tmp_path: Any) -> None:
    from kirinuki.capture.feeds import MAX_OPML_BYTES
    from kirinuki.errors import InputError
    from kirinuki.journal.feeds import import_opml

    big = tmp_path / "big.opml"
    big.write_bytes(b"<opml><body>" + b" " * MAX_OPML_BYTES + b"</body></opml>")
    with pytest.raises(InputError, match="limit for an OPML file"):
        import_opml(journal, str(big))
    assert feed_rows.list_feeds(journal.store) == []


def test_a_feed_whose_body_is_a_local_path_does_not_read_that_file(
        server: LocalServer, journal: Journal, tmp_path: Any) -> None:
    """feedparser opens bytes naming an existing file: a hostile feed answering a path would
    bring that local file's items into the inbox."""
    secret = tmp_path / "secret.xml"
    secret.write_bytes(b"<rss version='2.0'><channel><title>LOCAL SECRET</title><item>"
                       b"<title>local</title><link>https://a.example/x</link></item>"
                       b"</channel></rss>")
    url = server.add("/feed.xml", str(secret).encode(), content_type="application/rss+xml")
    from kirinuki.errors import InputError

    with Fetcher(allow_private=True) as f, pytest.raises(InputError, match="not a feed"):
        add_feed(journal, url, fetcher=f)
    assert feed_rows.list_feeds(journal.store) == []
