"""`kirinuki serve --workers 2`: sessions and fresh pages whichever process answers."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

from kirinuki.journal import open_journal
from kirinuki.journal.accounts import create_token
from kirinuki.web.app import JOURNAL_ENV
from tests.conftest import Cli
from tests.web.conftest import PASSWORD, csrf_of

READS = 24  # requests on new connections: the kernel gives each worker some of them
T = TypeVar("T")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served_journal(tmp_path_factory: pytest.TempPathFactory, _template_journal: Path) -> str:
    """The journal of the one server this module starts (its tests share it)."""
    path = tmp_path_factory.mktemp("workers") / "web.db"
    shutil.copyfile(_template_journal, path)
    return str(path)


@pytest.fixture(scope="module")
def served_token(served_journal: str) -> str:
    with open_journal(served_journal) as j:
        return create_token(j, "tests").secret


@pytest.fixture(scope="module")
def served_proc(served_journal: str) -> Iterator[tuple[str, int]]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kirinuki", "--journal", served_journal, "serve", "--port",
         str(port), "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:  # the port answers once uvicorn has started its workers
            try:
                httpx.get(base + "/robots.txt", timeout=5)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(proc.stderr.read().decode() if proc.stderr else "") from None
                time.sleep(0.1)
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture
def served(served_proc: tuple[str, int]) -> str:
    return served_proc[0]


@pytest.fixture
def served_pid(served_proc: tuple[str, int]) -> int:
    return served_proc[1]


def _workers(pid: int) -> list[int]:
    """The worker processes of the server `pid` (not its resource tracker)."""
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]


def _socket_ids(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(FileNotFoundError):  # closed meanwhile
            link = os.readlink(fd)
            if link.startswith("socket:"):
                found.add(link)
    return found


class Spread:
    """Sends requests each on a new connection and notes which worker process accepted it
    (and so answered it): the one holding a new socket while the connection is still open."""

    def __init__(self, base: str, pid: int, cookies: httpx.Cookies | None = None) -> None:
        self.base, self.cookies = base, cookies
        self.workers = _workers(pid)
        assert len(self.workers) == 2
        self.answered = [0] * len(self.workers)

    def __call__(self, send: Callable[[httpx.Client], T]) -> T:
        before = [_socket_ids(pid) for pid in self.workers]
        with httpx.Client(base_url=self.base, cookies=self.cookies, timeout=30) as client:
            out = send(client)
            for k, pid in enumerate(self.workers):
                self.answered[k] += bool(_socket_ids(pid) - before[k])
        return out


@pytest.mark.slow  # starts a server of three processes, each importing the app (CI runs it)
def test_sessions_and_writes_hold_across_worker_processes(served_proc: tuple[str, int],
                                                          served_token: str) -> None:
    served, pid = served_proc
    with httpx.Client(base_url=served, timeout=30) as owner:
        r = owner.post("/signin", data={"password": PASSWORD}, follow_redirects=False)
        assert r.status_code == 303
        signed_in = Spread(served, pid, owner.cookies)
    pages = [signed_in(lambda c: c.get("/compose")) for _ in range(READS)]
    assert all(p.status_code == 200 and 'href="/manage"' in p.text for p in pages)
    assert len({csrf_of(p.text) for p in pages}) == 1
    assert min(signed_in.answered) > 0, signed_in.answered  # the session held in both
    token = {"Authorization": f"Bearer {served_token}"}
    reader = Spread(served, pid)
    for _ in range(READS // 3):  # both processes cache these pages
        assert reader(lambda c: (c.get("/").status_code,
                                 c.get("/search", params={"q": "並行試験"}).status_code)) == (200, 200)
    after = Spread(served, pid)
    with httpx.Client(base_url=served, timeout=30) as writer:
        for n in range(3):
            text = f"並行試験{n}番の切り抜き。"
            r = writer.post("/api/entries/today/groups", headers=token,
                            json={"clips": [text], "tags": ["並行"]})
            assert r.status_code == 201
            r = writer.patch(f"/api/entries/{r.json()['id']}", headers=token,
                             json={"status": "published"})
            assert r.status_code == 200
            for _ in range(READS // 3):
                found, front = after(lambda c: (c.get("/search", params={"q": "並行試験"}).text,
                                                 c.get("/").text))
                assert f"<mark>並行試験</mark>{n}番" in found and text in front
    assert min(reader.answered) > 0, reader.answered
    assert min(after.answered) > 0, after.answered  # the writes shown by both processes


def test_a_taken_port_is_a_clear_error(web_journal: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # In this process: the sockets are bound before any worker starts, so nothing is spawned;
    # an error other than the mapped one propagates (catch_exceptions=False) and fails here.
    monkeypatch.delenv(JOURNAL_ENV, raising=False)  # `serve` sets it for its workers
    with socket.socket() as taken:  # bound without SO_REUSEPORT: no worker may share it
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = Cli(web_journal)("serve", "--port", str(port), "--workers", "2")
    assert r.exit_code not in (0, None)
    assert f"cannot listen on 127.0.0.1:{port}" in r.stderr and "Traceback" not in r.output


def _sockets_of(pid: int) -> int:
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(FileNotFoundError):  # closed meanwhile
            count += os.readlink(fd).startswith("socket:")
    return count


@pytest.mark.slow  # starts a server of three processes, each importing the app (CI runs it)
def test_workers_share_new_connections(served: str, served_pid: int) -> None:
    # Each worker listens on a socket of its own (SO_REUSEPORT), so the kernel spreads new
    # connections: with uvicorn's shared socket, 100 clients connecting at once went nearly
    # all to one process.
    children = _workers(served_pid)
    assert len(children) == 2
    before = [_sockets_of(pid) for pid in children]
    port = int(served.rsplit(":", 1)[1])
    held = []
    try:
        for _ in range(40):  # each answered once, then kept open: accepted by some worker
            sock = socket.create_connection(("127.0.0.1", port))
            held.append(sock)
            sock.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(64).startswith(b"HTTP/1.1 200")
        gained = [_sockets_of(pid) - n for pid, n in zip(children, before, strict=True)]
    finally:
        for sock in held:
            sock.close()
    assert min(gained) >= 5, gained  # (give or take the readiness probe's closed socket)
