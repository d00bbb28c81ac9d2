"""The network under the fetcher: connections pinned to checked addresses, and one deadline.

The SSRF guard resolves a host and checks its addresses; if the connection then resolved the
name again, a DNS server answering differently the second time (rebinding) would send the
request to a private address. So each fetch records the addresses it checked (`Pass.pins`)
and the connection goes to one of those, never to a fresh lookup; TLS still verifies the
certificate for the name and sends it as SNI, and the Host header still carries the name.

Per-read timeouts do not stop a server that sends one byte a second, so every connect, read,
write and TLS handshake is also limited by the time left before the fetch's deadline.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from ssl import SSLContext
from typing import Any

import httpcore
import httpx

from kirinuki.errors import BlockedAddressError


@dataclass
class Pass:
    """What one fetch may do: until when (`time.monotonic()`), and for each checked host the
    addresses it may connect to (None: connect by name, the guard is off)."""

    deadline: float
    pins: dict[str, list[str]] | None = field(default_factory=dict)

    def left(self) -> float:
        """Seconds before the deadline (0 or less once it has passed)."""
        return self.deadline - time.monotonic()


# Per thread (feeds poll fetches in worker threads with one shared fetcher).
_CURRENT: ContextVar[Pass | None] = ContextVar("kirinuki_fetch_pass", default=None)


@contextmanager
def fetch_pass(p: Pass) -> Iterator[Pass]:
    """Make `p` the rules for connections made in this thread until the block ends."""
    token = _CURRENT.set(p)
    try:
        yield p
    finally:
        _CURRENT.reset(token)


def _clamp(timeout: float | None, exc: type[Exception]) -> float | None:
    """`timeout` shortened to the time left; raises `exc` when the deadline has passed."""
    p = _CURRENT.get()
    if p is None:
        return timeout
    left = p.left()
    if left <= 0:
        raise exc("the fetch's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(
            ssl_context, server_hostname, _clamp(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's network, connecting only to the addresses the current fetch checked."""

    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        p = _CURRENT.get()
        addresses = [host] if p is None or p.pins is None else p.pins.get(host)
        if not addresses:
            # Not checked by this fetch's guard: refuse rather than let the OS resolve it.
            raise BlockedAddressError(f"{host}: not checked by the address guard; refused")
        error: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    address, port, _clamp(timeout, httpcore.ConnectTimeout), local_address,
                    socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return _DeadlineStream(stream)
        assert error is not None
        raise error

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None
                            ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not used for fetching")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@cache
def _tls() -> SSLContext:
    """The one client TLS context of the process, shared by every fetcher: making one loads
    the whole CA bundle (tens of milliseconds), and it is never changed once made."""
    return httpx.create_ssl_context(trust_env=False)


def guarded_transport(backend: httpcore.NetworkBackend | None = None) -> httpx.HTTPTransport:
    """An httpx transport whose connections go through GuardedBackend(`backend`)."""
    transport = httpx.HTTPTransport(verify=_tls(), trust_env=False)
    # httpx has no public way to choose the network backend; its pool is rebuilt with one.
    # tests/capture/test_fetch.py fails at once if this attribute ever changes.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=_tls(), max_connections=100, max_keepalive_connections=20,
        keepalive_expiry=5.0, network_backend=GuardedBackend(backend))
    return transport
