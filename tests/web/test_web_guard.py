"""Hostile requests (issue 17): bodies capped before they are read and callers checked before
bodies are read, sign-in throttled per client with a one-time code for the owner."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kirinuki.journal import open_journal
from kirinuki.journal.accounts import (
    FAILS_PER_CLIENT,
    _utc,
    client_key,
    create_token,
    sign_in,
)
from kirinuki.journal.hatena_atompub import create_api_key
from kirinuki.store.sqlite import accounts as rows
from kirinuki.web import create_app
from kirinuki.web.limits import API_BODY, OTHER_BODY, SIGN_IN_BODY, body_cap
from tests.conftest import Cli
from tests.web.conftest import PASSWORD, Owner

CHUNK = 64 * 1024
HUGE = 300 * 1024 * 1024


def _chunks(total: int) -> Iterator[bytes]:
    """`total` bytes of a JSON-ish body, 64 KB at a time, never all in memory."""
    block = b"x" * CHUNK
    sent = 0
    while sent < total:
        yield block[: min(CHUNK, total - sent)]
        sent += CHUNK


def _call(app: Any, method: str, path: str, body: Iterator[bytes],
          headers: dict[str, str]) -> tuple[int, int, bytes]:
    """Drive the ASGI app directly: (status, body bytes the app pulled, response body)."""
    pulled = 0
    status = 0
    out = b""

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        chunk = next(body, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, out
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            out += message.get("body", b"")

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 5000),
             "server": ("127.0.0.1", 8000),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    asyncio.run(app(scope, receive, send))
    return status, pulled, out


@pytest.fixture
def app(web_journal: str) -> Any:
    return create_app(web_journal)


def test_the_caps_per_address() -> None:
    assert body_cap("/signin") == SIGN_IN_BODY == 16 * 1024
    assert body_cap("/api/entries/today/groups") == body_cap("/compose/paste") == API_BODY
    assert body_cap("/alice/blog.example/atom/entry") == 10 * 1024 * 1024
    assert body_cap("/entries/1/delete") == body_cap("/atom") == OTHER_BODY == 256 * 1024


@pytest.fixture
def callers(web_journal: str) -> dict[str, dict[str, str]]:
    """Headers of a rightful caller for each kind of address (so the body is read)."""
    with open_journal(web_journal) as j:
        token = create_token(j, "cap").secret
        key = create_api_key(j)
        session = sign_in(j, PASSWORD, "127.0.0.1")
    basic = base64.b64encode(f"alice:{key}".encode()).decode()
    return {"api": {"authorization": f"Bearer {token}"},
            "atom": {"authorization": f"Basic {basic}"},
            "form": {"cookie": f"kirinuki_session={session.token}"}, "none": {}}


@pytest.mark.parametrize(("path", "caller"), [
    ("/api/entries/today/groups", "api"), ("/signin", "none"), ("/compose/paste", "form"),
    ("/alice/blog.example/atom/entry", "atom"), ("/entries/1/status", "form")])
def test_a_huge_streamed_body_is_refused_at_its_cap(
        app: Any, callers: dict[str, dict[str, str]], path: str, caller: str) -> None:
    # No Content-Length (chunked): counted as it arrives, refused once over the cap.
    kind = "application/json" if caller in ("api", "atom") else \
        "application/x-www-form-urlencoded"
    status, pulled, body = _call(app, "POST", path, _chunks(HUGE),
                                 {"content-type": kind, **callers[caller]})
    assert status == 413
    assert pulled <= body_cap(path) + CHUNK
    assert "大きすぎ" in body.decode() or "limit" in body.decode() or "over" in body.decode()


@pytest.mark.parametrize("path", ["/api/entries/today/groups", "/signin", "/compose/paste",
                                  "/alice/blog.example/atom/entry", "/nowhere"])
def test_a_declared_huge_body_is_refused_unread(app: Any, path: str) -> None:
    status, pulled, _ = _call(app, "POST", path, _chunks(HUGE),
                              {"content-length": str(HUGE), "content-type": "text/plain"})
    assert (status, pulled) == (413, 0)


def test_the_refusal_speaks_the_addresss_language(client: TestClient) -> None:
    big = b"x" * (API_BODY + 1)
    r = client.post("/api/entries/today/groups", content=big,
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["type"] == "PayloadTooLarge"
    assert r.headers["connection"] == "close"
    r = client.post("/signin", data={"password": "x" * (SIGN_IN_BODY + 1)})
    assert r.status_code == 413 and "送信された内容が大きすぎます" in r.text
    assert "16 KB" in r.text and "script-src 'self'" in r.headers["content-security-policy"]


def test_bodies_within_the_caps_still_work(client: TestClient, api_token: str) -> None:
    text = "長い切り抜きの段落です。" * 5000  # ~180 KB of UTF-8 in one JSON clip
    r = client.post("/api/entries/today/groups", headers={"Authorization": f"Bearer {api_token}"},
                    json={"clips": [text[:20000]], "tags": ["上限"]})
    assert r.status_code == 201


def test_a_paste_over_a_megabyte_is_taken(owner: Owner) -> None:
    # Starlette stops a form field at 1 MB; the paste route takes up to its cap.
    text = ("長い貼り付けの段落です。" * 1000 + "\n") * 11 + "#貼り付け\n"  # ~1.2 MB encoded
    r = owner.post("/compose/paste", {"text": text}, follow_redirects=False)
    assert r.status_code == 303


@pytest.mark.parametrize(("path", "headers", "status"), [
    ("/api/entries/today/groups", {}, 401),
    ("/api/entries/today/groups", {"authorization": "Bearer knk_forged"}, 401),
    ("/api/entries/1", {"authorization": "Basic YTpi"}, 401),
    ("/alice/blog.example/atom/entry", {}, 401),
    ("/alice/blog.example/atom/entry", {"authorization": "Basic YWxpY2U6bm9wZQ=="}, 401),
    ("/compose/paste", {}, 303),  # the owner's forms: to the sign-in page
    ("/entries/1/related", {}, 303),
])
def test_unauthenticated_writes_are_refused_before_the_body_is_read(
        app: Any, path: str, headers: dict[str, str], status: int) -> None:
    size = 200 * 1024  # within the caps: only the missing credentials refuse it
    method = "PATCH" if path == "/api/entries/1" else "POST"
    kind = "application/x-www-form-urlencoded" if status == 303 else "application/json"
    got, pulled, _ = _call(app, method, path, _chunks(size),
                           {"content-length": str(size), "content-type": kind, **headers})
    assert (got, pulled) == (status, 0)


# --- sign-in throttle -----------------------------------------------------------------------


def _client(journal: str, host: str) -> TestClient:
    return TestClient(create_app(journal), base_url="http://127.0.0.1", client=(host, 40000))


def _fail(journal: str, client: str, times: int) -> None:
    with open_journal(journal) as j, j.store.transaction():
        for _ in range(times):
            rows.add_failure(j.store, client_key(client), _utc())


def test_a_throttled_client_does_not_lock_out_other_clients(web_journal: str) -> None:
    with _client(web_journal, "198.51.100.7") as guesser:
        for _ in range(FAILS_PER_CLIENT):
            r = guesser.post("/signin", data={"password": "guess"})
            assert r.status_code == 401 and "パスワードが違います" in r.text
        r = guesser.post("/signin", data={"password": PASSWORD}, follow_redirects=False)
        assert r.status_code == 429  # even the right password: the guesser learns nothing
        assert 840 <= int(r.headers["retry-after"]) <= 900
        assert "あと15分ほど" in r.text and "kirinuki user sign-in-code" in r.text
        assert "kirinuki_session" not in r.headers.get("set-cookie", "")
    with _client(web_journal, "192.0.2.10") as owner:
        r = owner.post("/signin", data={"password": PASSWORD}, follow_redirects=False)
        assert r.status_code == 303


def test_many_failures_from_many_clients_leave_the_owner_a_way_in(web_journal: str) -> None:
    # The attack that once locked the owner out: 50 failures within 15 minutes.
    for n in range(10):
        _fail(web_journal, f"198.51.100.{n}", FAILS_PER_CLIENT)
    with _client(web_journal, "192.0.2.10") as owner:
        r = owner.post("/signin", data={"password": PASSWORD}, follow_redirects=False)
        assert r.status_code == 303


def test_ipv6_clients_are_counted_by_their_64(web_journal: str) -> None:
    assert client_key("2001:db8:0:7::1") == client_key("2001:db8:0:7:ffff::2") \
        == "2001:db8:0:7::/64"
    assert client_key("::ffff:192.0.2.1") == "192.0.2.1"
    _fail(web_journal, "2001:db8:0:7::1", FAILS_PER_CLIENT)
    with _client(web_journal, "2001:db8:0:7:abcd::99") as neighbour:
        assert neighbour.post("/signin", data={"password": PASSWORD}).status_code == 429
    with _client(web_journal, "2001:db8:0:8::1") as other:
        r = other.post("/signin", data={"password": PASSWORD}, follow_redirects=False)
        assert r.status_code == 303


def test_the_throttle_is_shared_by_every_worker(web_journal: str) -> None:
    with _client(web_journal, "198.51.100.9") as first, \
            _client(web_journal, "198.51.100.9") as second:
        _fail(web_journal, "198.51.100.9", FAILS_PER_CLIENT - 2)
        assert first.post("/signin", data={"password": "guess"}).status_code == 401
        assert second.post("/signin", data={"password": "guess"}).status_code == 401
        assert first.post("/signin", data={"password": PASSWORD}).status_code == 429
        assert second.post("/signin", data={"password": PASSWORD}).status_code == 429


def _code(journal: str) -> str:
    r = Cli(journal)("user", "sign-in-code")
    assert r.exit_code == 0 and "10 minutes" in r.stderr
    return r.stdout.strip()


def test_a_code_from_the_cli_lets_the_owner_in_while_throttled(web_journal: str) -> None:
    _fail(web_journal, "192.0.2.10", FAILS_PER_CLIENT)
    code = _code(web_journal)
    assert len(code.replace("-", "")) == 12
    with _client(web_journal, "192.0.2.10") as owner:
        assert owner.post("/signin", data={"password": PASSWORD}).status_code == 429
        r = owner.post("/signin", data={"password": PASSWORD, "code": code.lower()},
                       follow_redirects=False)
        assert r.status_code == 303 and "kirinuki_session" in r.headers["set-cookie"]
        r = owner.post("/signin", data={"password": PASSWORD, "code": code})
        assert r.status_code == 401 and "使用済み" in r.text  # once only
    with open_journal(web_journal) as j:  # stored as a digest, never the code itself
        stored = j.store.conn.execute("SELECT code_hash FROM sign_in_codes").fetchall()
        assert all(code.replace("-", "") not in h for (h,) in stored)


def test_a_code_needs_the_password_and_is_spent_by_a_wrong_one(web_journal: str) -> None:
    _fail(web_journal, "192.0.2.10", FAILS_PER_CLIENT)
    code = _code(web_journal)
    with _client(web_journal, "192.0.2.10") as owner:
        r = owner.post("/signin", data={"password": "guess", "code": code})
        assert r.status_code == 401
        r = owner.post("/signin", data={"password": PASSWORD, "code": code})
        assert r.status_code == 401


def test_an_expired_code_is_refused(web_journal: str) -> None:
    code = _code(web_journal)
    with open_journal(web_journal) as j, j.store.transaction():
        past = (_utc() - timedelta(seconds=1)).isoformat()
        j.store.conn.execute("UPDATE sign_in_codes SET expires = ?", (past,))
    with _client(web_journal, "192.0.2.10") as owner:
        r = owner.post("/signin", data={"password": PASSWORD, "code": code})
        assert r.status_code == 401 and "期限切れ" in r.text


# --- numbers from addresses and forms -------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/page/" + "9" * 5000 + "/",  # int() refuses 4,301+ digits: once a 500
    "/tags/x/page/" + "9" * 5000 + "/",
    "/page/١/",  # another script's digit: once page 1 at a second address
    "/archive/２０２４/",
    "/search?q=a&p=" + "9" * 5000,  # the reader's cached search: once a 500
    "/search?q=a&p=²",
])
def test_numbers_in_addresses_never_fail_the_server(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code in (400, 404) and "<html" in r.text


@pytest.mark.parametrize("version", ["9" * 30, "9" * 5000])
def test_a_version_beyond_the_journals_numbers_is_a_400(owner: Owner, version: str) -> None:
    r = owner.post("/compose/clip", {"version": version, "pick": "1"}, follow_redirects=False)
    assert r.status_code == 400  # 9 × 30 was an OverflowError from SQLite: a 500
