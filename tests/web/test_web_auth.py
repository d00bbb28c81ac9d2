"""Accounts and safety: sign-in, sessions, CSRF, throttling, API tokens."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kirinuki.journal import open_journal
from kirinuki.journal.accounts import FAILS_PER_CLIENT, create_token, revoke_token
from tests.web.conftest import PASSWORD, Owner


def test_pages_are_public_but_the_composer_needs_sign_in(client: TestClient) -> None:
    assert client.get("/").status_code == 200
    r = client.get("/compose", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/signin?next=/compose"


def test_wrong_password_is_refused_with_401(client: TestClient) -> None:
    r = client.post("/signin", data={"password": "not-the-password"})
    assert r.status_code == 401
    assert "パスワードが違います" in r.text
    assert "kirinuki_session" not in r.headers.get("set-cookie", "")


def test_session_cookie_is_httponly_and_samesite_lax(client: TestClient) -> None:
    r = client.post("/signin", data={"password": PASSWORD, "next": "/manage"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/manage"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http on loopback
    assert client.get("/manage").status_code == 200


def test_cookie_is_secure_over_https(web_journal: str) -> None:
    from kirinuki.web import create_app

    with TestClient(create_app(web_journal), base_url="https://127.0.0.1") as c:
        r = c.post("/signin", data={"password": PASSWORD}, follow_redirects=False)
        assert "Secure" in r.headers["set-cookie"]


def test_sign_in_never_redirects_to_another_site(client: TestClient) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        r = client.post("/signin", data={"password": PASSWORD, "next": target},
                        follow_redirects=False)
        assert r.headers["location"] == "/compose"


def test_forms_without_the_csrf_token_are_refused(owner: Owner) -> None:
    r = owner.c.post("/entries/1/status", data={"status": "draft"})
    assert r.status_code == 403
    r = owner.c.post("/entries/1/status", data={"status": "draft", "csrf": "forged"})
    assert r.status_code == 403
    r = owner.post("/entries/1/status", {"status": "draft"}, follow_redirects=False)
    assert r.status_code == 303


def test_writes_without_a_session_are_refused(client: TestClient) -> None:
    r = client.post("/entries/1/delete", data={"csrf": "x"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/signin"
    assert client.get("/entry/2025/06/27/120000/").status_code == 200


def test_sign_out_ends_the_session(owner: Owner) -> None:
    r = owner.post("/signout", follow_redirects=False)
    assert r.status_code == 303
    assert owner.c.get("/manage", follow_redirects=False).status_code == 303


def test_failed_sign_ins_are_throttled(client: TestClient) -> None:
    for _ in range(FAILS_PER_CLIENT):
        assert client.post("/signin", data={"password": "guess"}).status_code == 401
    # Even the right password is refused now: the guesser learns nothing.
    r = client.post("/signin", data={"password": PASSWORD})
    assert r.status_code == 429
    assert "サインインの失敗が続いた" in r.text


def test_api_needs_a_token(client: TestClient, api_token: str, web_journal: str) -> None:
    r = client.get("/api/entries")
    assert r.status_code == 401 and r.json()["error"]["type"] == "AuthError"
    bad = client.get("/api/entries", headers={"Authorization": "Bearer knk_nope"})
    assert bad.status_code == 401
    ok = client.get("/api/entries", headers={"Authorization": f"Bearer {api_token}"})
    assert ok.status_code == 200
    with open_journal(web_journal) as j:
        token = create_token(j, "short-lived")
        revoke_token(j, token.id)
    r = client.get("/api/entries", headers={"Authorization": f"Bearer {token.secret}"})
    assert r.status_code == 401


def test_atompub_token_cannot_use_the_api(client: TestClient, web_journal: str) -> None:
    with open_journal(web_journal) as j:
        token = create_token(j, "feed-reader", "atompub")
    r = client.get("/api/entries", headers={"Authorization": f"Bearer {token.secret}"})
    assert r.status_code == 401


def test_session_api_writes_need_the_csrf_header(owner: Owner) -> None:
    assert owner.c.get("/api/entries").status_code == 200
    r = owner.c.patch("/api/entries/1", json={"status": "draft"})
    assert r.status_code == 403
    r = owner.c.patch("/api/entries/1", json={"status": "draft"},
                      headers={"X-CSRF-Token": owner.csrf})
    assert r.status_code == 200 and r.json()["status"] == "draft"


def test_security_headers_on_every_response(client: TestClient) -> None:
    for url in ("/", "/signin", "/api/entries", "/nowhere"):
        h = client.get(url).headers
        assert "script-src 'self'" in h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"
