"""Fixtures for capture tests: fixture pages, a local HTTP server on 127.0.0.1, mock transports.

No test here reaches beyond 127.0.0.1: pages are served by `LocalServer` or answered by
`httpx.MockTransport`; host names other than localhost are resolved by an injected resolver.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpcore
import httpx
import pytest

from kirinuki.capture.fetch import Fetcher

DATA = Path(__file__).resolve().parent / "data"
HTML = "text/html; charset=utf-8"


def data(name: str) -> bytes:
    """The bytes of a fixture file under tests/capture/data."""
    return (DATA / name).read_bytes()


def public_resolver(host: str) -> list[str]:
    """Pretend every name resolves to a public address (no DNS lookups in tests)."""
    return ["133.1.1.1"]


@dataclass
class Route:
    """What the test server answers for one path."""

    body: bytes = b""
    status: int = 200
    content_type: str | None = HTML
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None


@dataclass
class Seen:
    """A request the test server received."""

    path: str
    headers: dict[str, str]


class LocalServer:
    """A threaded HTTP server on 127.0.0.1 answering from a route table."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                server.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path, Route(b"not found", 404, "text/plain"))
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                if route.content_type:
                    self.send_header("Content-Type", route.content_type)
                if route.etag:
                    self.send_header("ETag", route.etag)
                for k, v in route.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        # A short poll interval makes shutdown() return quickly at the end of each test.
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,),
                                       daemon=True)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        """The URL of `path` on this server."""
        return f"http://{host}:{self.port}{path}"

    def add(self, path: str, body: bytes, **kw: object) -> str:
        """Serve `body` at `path`; returns its URL."""
        self.routes[path] = Route(body, **kw)  # type: ignore[arg-type]
        return self.url(path)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A running local HTTP server, shut down after the test."""
    srv = LocalServer()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()


@pytest.fixture
def allow_private(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let fetches reach 127.0.0.1 (the test server)."""
    monkeypatch.setenv("KIRINUKI_ALLOW_PRIVATE", "1")


@pytest.fixture
def deny_private(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make sure the environment does not allow private addresses."""
    monkeypatch.delenv("KIRINUKI_ALLOW_PRIVATE", raising=False)


Handler = Callable[[httpx.Request], httpx.Response]


class MockWeb:
    """A URL -> response table behind `httpx.MockTransport`, recording requests."""

    def __init__(self) -> None:
        self.pages: dict[str, Handler] = {}
        self.requests: list[httpx.Request] = []

    def page(self, url: str, body: bytes, *, status: int = 200,
             content_type: str | None = HTML, headers: dict[str, str] | None = None) -> None:
        """Answer `url` with `body`."""
        hdrs = dict(headers or {})
        if content_type:
            hdrs["Content-Type"] = content_type
        self.pages[url] = lambda req: httpx.Response(status, headers=hdrs, content=body)

    def handle(self, url: str, handler: Handler) -> None:
        """Answer `url` with `handler(request)`."""
        self.pages[url] = handler

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        handler = self.pages.get(str(request.url))
        if handler is None:
            return httpx.Response(404, text="not found")
        return handler(request)

    def fetcher(self, **kw: object) -> Fetcher:
        """A fetcher answering from this table, with public name resolution."""
        kw.setdefault("resolver", public_resolver)
        return Fetcher(transport=httpx.MockTransport(self), **kw)  # type: ignore[arg-type]


@pytest.fixture
def web() -> MockWeb:
    """An empty mock web."""
    return MockWeb()


class _PeerStream(httpcore.NetworkStream):
    """A local socket that says it reached `peer` (the address the test pretends)."""

    def __init__(self, inner: httpcore.NetworkStream, peer: str) -> None:
        self.inner, self.peer = inner, peer

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, timeout)

    def close(self) -> None:
        self.inner.close()

    def get_extra_info(self, info: str) -> Any:
        if info == "server_addr":
            return (self.peer, 80)
        return self.inner.get_extra_info(info)


class TestNetwork(httpcore.NetworkBackend):
    """Sockets for the tests: records every address connected to; `public` addresses are
    routed to the local server; names the OS resolves locally (localhost) connect for real,
    anything else is unreachable. Nothing leaves 127.0.0.1."""

    __test__ = False

    def __init__(self, public: Iterable[str] = (), peer: str | None = None) -> None:
        self.inner = httpcore.SyncBackend()
        self.public = set(public)
        self.peer = peer
        self.hosts: list[str] = []

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options: Any = None
                    ) -> httpcore.NetworkStream:
        self.hosts.append(host)
        if host in self.public:
            stream = self.inner.connect_tcp("127.0.0.1", port, timeout)
            return _PeerStream(stream, self.peer or host)
        if host in ("localhost", "127.0.0.1"):
            return self.inner.connect_tcp(host, port, timeout)
        raise httpcore.ConnectError(f"{host} is unreachable from the tests")
