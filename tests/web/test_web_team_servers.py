"""Several writers at once through two real `kirinuki serve` processes and the CLI: every
edit is accounted for (no lost update), on SQLite and on PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kirinuki.journal import init_journal, open_journal
from kirinuki.journal.accounts import add_user, create_token, set_password
from kirinuki.journal.composing import publish_entry
from kirinuki.journal.editing import add_group
from kirinuki.journal.queries import get_entry
from kirinuki.model import Clip, Group, TagLine, TagRef
from tests.conftest import fresh_pg_journal
from tests.web.conftest import PASSWORD, csrf_of

WRITERS = 4  # HTTP writers, spread over the two servers
EDITS = 5  # read-modify-writes per HTTP writer
CLI_EDITS = 4  # groups appended by the CLI meanwhile

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _serve(journal: str, log: Path) -> Iterator[str]:
    """A `kirinuki serve` process; its stderr goes to `log` (a file: a pipe nobody reads
    would fill up and stall the server), shown when the test fails."""
    port = _free_port()
    with log.open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "kirinuki", "--journal", journal, "serve",
                                 "--port", str(port)], stdout=subprocess.DEVNULL, stderr=err)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                httpx.get(base + "/robots.txt", timeout=5)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(log.read_text(errors="replace")) from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextlib.contextmanager
def _showing(logs: list[Path]) -> Iterator[None]:
    """On a failure inside, the servers' stderr is printed (pytest shows it with the failure)."""
    try:
        yield
    except BaseException:
        for log in logs:
            print(f"--- stderr of serve ({log.name}) ---")
            print(log.read_text(errors="replace") if log.exists() else "(none)")
        raise


@pytest.fixture(params=["sqlite", pytest.param("postgresql",
                                               marks=pytest.mark.database)])
def team_journal(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A journal with one entry whose first clip the writers edit, and an editor's token."""
    if request.param == "sqlite":
        yield str(tmp_path / "team.db")
    else:
        with fresh_pg_journal() as url:
            yield url


def _writer(base: str, token: str, n: int, log: list[str], errors: list[str]) -> None:
    """EDITS read-modify-writes of clip 1's text, each retried on 412 or 503 until it lands;
    any other answer goes to `errors` (an edit that was refused otherwise is a lost edit)."""
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=60) as c:
            for k in range(EDITS):
                while True:
                    r = c.get("/api/entries/1")
                    assert r.status_code == 200, f"GET: {r.status_code} {r.text}"
                    clip = r.json()["groups"][0]["clips"][0]
                    text = f"{clip['text']} w{n}-{k}"
                    r = c.put(f"/api/clips/{clip['id']}", json={"text": text},
                              headers={"If-Match": r.headers["etag"]})
                    if r.status_code in (412, 503):  # stale ETag; journal busy: nothing written
                        log.append(str(r.status_code))
                        time.sleep(float(r.headers.get("retry-after", 0)))
                        continue
                    assert r.status_code == 200, f"PUT w{n}-{k}: {r.status_code} {r.text}"
                    break
    except Exception as exc:  # noqa: BLE001 - reported by the test's thread, not lost
        errors.append(f"writer {n}: {exc}")


def test_writers_on_two_servers_and_the_cli_lose_no_edit(team_journal: str,
                                                         tmp_path: Path) -> None:
    with init_journal(team_journal, "チーム帳", ["team.test"]) as j:
        add_user(j, "hanako", "editor")
        token = create_token(j, "bench", user="hanako").secret
        start = add_group(j, None, Group([Clip(text="編集される段落。")],
                                         [TagLine([TagRef("共同")])])).revision
    retries: list[str] = []
    errors: list[str] = []
    logs = [tmp_path / "serve-a.log", tmp_path / "serve-b.log"]
    with _showing(logs):
        with _serve(team_journal, logs[0]) as a, _serve(team_journal, logs[1]) as b:
            threads = [threading.Thread(target=_writer,
                                        args=((a, b)[n % 2], token, n, retries, errors))
                       for n in range(WRITERS)]
            for t in threads:
                t.start()
            env = {**os.environ, "KIRINUKI_JOURNAL": team_journal}
            try:
                for k in range(CLI_EDITS):
                    r = subprocess.run([sys.executable, "-m", "kirinuki", "add", "-", "--entry",
                                        "1"], input=f"CLIの段落{k}です。\n#CLI\n",
                                       capture_output=True, text=True, env=env, timeout=120)
                    assert r.returncode == 0, r.stderr
            finally:
                for t in threads:
                    t.join()
        assert errors == []  # every edit landed, or was refused (412, 503) and sent again
        with open_journal(team_journal) as j:
            entry = get_entry(j, 1)
        text = entry.groups[0].clips[0].text
        markers = [w for w in text.split() if w.startswith("w")]
        expected = [f"w{n}-{k}" for n in range(WRITERS) for k in range(EDITS)]
        assert sorted(markers) == sorted(expected)  # each edit once: none lost, none doubled
        cli_clips = [c.text for c in entry.clips if c.text.startswith("CLIの段落")]
        assert sorted(cli_clips) == [f"CLIの段落{k}です。" for k in range(CLI_EDITS)]
        # Every write raised the revision once.
        assert entry.revision == start + WRITERS * EDITS + CLI_EDITS
    print(f"{len(retries)} retries after 412/503 for {WRITERS * EDITS} edits")


def test_sessions_and_cached_pages_follow_the_journal_across_two_servers(
        team_journal: str, tmp_path: Path) -> None:
    """A session begun on one server is good on the other and ends on both; a page either
    server cached shows a write made through the other at the next read (issue 24)."""
    with init_journal(team_journal, "チーム帳", ["team.test"]) as j:
        set_password(j, PASSWORD)
        token = create_token(j, "tests").secret
        add_group(j, None, Group([Clip(text="初めの段落です。")], [TagLine([TagRef("共同")])]))
        publish_entry(j, "1")
    logs = [tmp_path / "serve-a.log", tmp_path / "serve-b.log"]
    with _showing(logs), _serve(team_journal, logs[0]) as a, _serve(team_journal, logs[1]) as b:
        with httpx.Client(base_url=a, timeout=60) as on_a:
            r = on_a.post("/signin", data={"password": PASSWORD}, follow_redirects=False)
            assert r.status_code == 303
            cookies = on_a.cookies
        with httpx.Client(base_url=b, timeout=60, cookies=cookies) as on_b:
            page = on_b.get("/compose")
            assert page.status_code == 200 and 'href="/manage"' in page.text
            for _ in range(2):  # the second answer comes from B's page cache
                assert "初めの段落です。" in on_b.get("/").text
            assert "初めの段落" in on_b.get("/search", params={"q": "初めの段落"}).text
            r = httpx.put(f"{a}/api/clips/1", json={"text": "書き換えた段落です。"},
                          headers={"Authorization": f"Bearer {token}"}, timeout=60)
            assert r.status_code == 200, r.text
            front = on_b.get("/").text
            assert "書き換えた段落です。" in front and "初めの段落です。" not in front
            found = on_b.get("/search", params={"q": "書き換えた"}).text
            assert "<mark>書き換えた</mark>段落" in found
            r = on_b.post("/signout", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
            assert r.status_code == 303
        with httpx.Client(base_url=a, timeout=60, cookies=cookies) as on_a:
            r = on_a.get("/compose", follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"].startswith("/signin")
