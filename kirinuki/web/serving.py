"""uvicorn glue for `kirinuki serve --workers N`."""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
import signal
import socket
import threading
from typing import Any

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Http
except ImportError:  # uvicorn without httptools uses h11
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Http  # type: ignore[assignment]


class NoDelayHttp(_Http):
    """uvicorn's HTTP protocol, with Nagle's algorithm off on every connection.

    With --workers, uvicorn binds the listening socket itself (protocol number 0), and asyncio
    then leaves TCP_NODELAY off on accepted connections: a response written as head then body
    waited for the client's delayed ACK (docs/web.md, Measurements).
    """

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket listening on (host, port) with SO_REUSEPORT: several processes each bind
    their own, and the kernel spreads new connections across them. Raises OSError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _worker(sock: socket.socket, kwargs: dict[str, Any]) -> None:  # pragma: no cover
    import uvicorn  # in the worker process

    server = uvicorn.Server(uvicorn.Config(**kwargs))
    server.run(sockets=[sock])


def serve_workers(workers: int, host: str, port: int, **kwargs: Any) -> int:
    """Run `workers` uvicorn processes of the app factory `kirinuki.web.app:app_from_environment`,
    each on a listening socket of its own (`listening_socket`), until SIGINT/SIGTERM or one
    of them ends; returns the exit status. Raises OSError when the address cannot be bound.

    uvicorn's own `--workers` shares one socket, and asyncio accepts every waiting connection
    at once: 100 clients connecting together went nearly all to one process (CPU 93% and 1%).
    """
    sockets = [listening_socket(host, port) for _ in range(workers)]
    config = dict(app="kirinuki.web.app:app_from_environment", factory=True, host=host,
                  port=port, log_level="warning", proxy_headers=True, http=NoDelayHttp, **kwargs)
    spawn = multiprocessing.get_context("spawn")
    procs = [spawn.Process(target=_worker, args=(sock, config)) for sock in sockets]
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for proc in procs:
            proc.start()
        for sock in sockets:
            sock.close()  # the workers hold them now
        while not stop.is_set():
            ended = multiprocessing.connection.wait([p.sentinel for p in procs], timeout=0.5)
            if ended:
                break
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
        for proc in procs:
            proc.join(timeout=30)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    codes = [p.exitcode or 0 for p in procs]
    return 0 if stop.is_set() else max(codes, default=0) or 1
