"""uvicorn glue for `kirinuki serve --workers N`."""

from __future__ import annotations

import asyncio
import socket

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Http
except ImportError:  # uvicorn without httptools uses h11
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Http  # type: ignore[assignment]


class NoDelayHttp(_Http):
    """uvicorn's HTTP protocol, with Nagle's algorithm off on every connection.

    With --workers, uvicorn binds the listening socket itself (protocol number 0), and asyncio
    then leaves TCP_NODELAY off on accepted connections: a response written as head then body
    waited for the client's delayed ACK. Measured on cached entry pages (100k entries, wrk,
    100 connections, 2 workers): every request ~44 ms (p50 43.8, p99 47.8 ms, 2,268 req/s).
    """

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
