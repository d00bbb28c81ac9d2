"""A real `kirinuki serve` under 300 MB posts (issue 17): refused, and its memory stays flat.

Once, one such unauthenticated POST grew the server by 857 MB and four reached 2.2 GB.
"""

from __future__ import annotations

import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kirinuki.journal import open_journal
from kirinuki.journal.accounts import create_token
from tests.web.test_web_workers import _free_port

HUGE = 300 * 1024 * 1024
BLOCK = b"x" * (64 * 1024)
GROWTH = 50 * 1024 * 1024  # generous: the bodies themselves are 6 × 300 MB


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@pytest.fixture
def server(web_journal: str) -> Iterator[tuple[int, int]]:
    """(port, pid) of `kirinuki serve` with one process."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kirinuki", "--journal", web_journal, "serve", "--port",
         str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/robots.txt", timeout=5)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(proc.stderr.read().decode() if proc.stderr else "") \
                        from None
                time.sleep(0.1)
        yield port, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _post(port: int, path: str, *, declared: bool, headers: str = "") -> tuple[int, int]:
    """POST a 300 MB body of a generator's blocks (Content-Length, or chunked) until the
    server answers; (status, bytes sent)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        length = f"Content-Length: {HUGE}" if declared else "Transfer-Encoding: chunked"
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}"
                  f"Content-Type: application/x-www-form-urlencoded\r\n{length}\r\n\r\n".encode())
        frame = BLOCK if declared else f"{len(BLOCK):x}\r\n".encode() + BLOCK + b"\r\n"
        sent = 0
        while sent < HUGE and not select.select([s], [], [], 0)[0]:
            try:
                s.sendall(frame)
            except OSError:  # closed by the server: its answer is waiting
                break
            sent += len(BLOCK)
        reply = b""
        while b"\r\n" not in reply:
            chunk = s.recv(4096)
            if not chunk:
                break
            reply += chunk
    return int(reply.split(b" ", 2)[1]), sent


@pytest.mark.slow
def test_huge_posts_are_refused_and_memory_stays_flat(server: tuple[int, int],
                                                      web_journal: str) -> None:
    port, pid = server
    with open_journal(web_journal) as j:
        token = create_token(j, "limits").secret
    bearer = f"Authorization: Bearer {token}\r\n"
    cases = [  # (path, declared length, headers, expected status)
        ("/api/entries/today/groups", False, "", 401),  # no caller: refused before the body
        ("/api/entries/today/groups", False, bearer, 413),  # a caller: read up to 4 MB
        ("/api/entries/today/groups", True, bearer, 413),  # declared: refused unread
        ("/signin", False, "", 413),
        ("/alice/blog.example/atom/entry", False, "", 401),
        ("/compose/paste", True, "", 413),
    ]
    for path, _, headers, _ in cases[:2]:  # warm up: code paths, thread pool
        _post(port, path, declared=True, headers=headers)
    before = _rss(pid)
    for path, declared, headers, status in cases:
        got, sent = _post(port, path, declared=declared, headers=headers)
        assert got == status, (path, declared)
        assert sent < HUGE
    growth = _rss(pid) - before
    assert growth < GROWTH, f"server grew by {growth / 2**20:.0f} MB"
    assert httpx.get(f"http://127.0.0.1:{port}/", timeout=30).status_code == 200
