"""A journal kept by a team: entry revisions with ETag / If-Match (no lost update), accounts
with roles, the author of each write, sign-in by name, per-request journal connections."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from kirinuki.journal import open_journal
from kirinuki.journal.accounts import add_user, create_token, set_password
from kirinuki.journal.exporting import jsonl_records
from kirinuki.journal.hatena import export_mt
from kirinuki.journal.hatena_atompub import create_api_key
from kirinuki.journal.queries import get_entry
from kirinuki.web import create_app
from kirinuki.web.messages import JA
from tests.conftest import Cli
from tests.web.conftest import PASSWORD, Owner, article_fetcher, csrf_of

Api = Callable[..., httpx.Response]
OTHER = "another-long-password"


def _add(web_journal: str, name: str, role: str) -> str:
    """Add an account with a password and an API token; returns the token."""
    with open_journal(web_journal) as j:
        add_user(j, name, role)
        set_password(j, OTHER, name)
        return create_token(j, name, user=name).secret


def _as(client: TestClient, token: str) -> Api:
    def call(method: str, url: str, **kw: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}  # type: ignore[dict-item]
        return client.request(method, url, headers=headers, **kw)  # type: ignore[arg-type]
    return call


@pytest.fixture
def api(client: TestClient, api_token: str) -> Api:
    """The owner's API token, headers of a call merged in."""
    return _as(client, api_token)


def _clip_ids(api: Api, eid: int) -> list[int]:
    return [c["id"] for g in api("GET", f"/api/entries/{eid}").json()["groups"]
            for c in g["clips"]]


# ---- ETag and If-Match --------------------------------------------------------------------


def test_an_entry_answers_with_its_etag_and_each_write_raises_the_revision(api: Api) -> None:
    r = api("GET", "/api/entries/3")
    assert r.status_code == 200 and r.headers["etag"] == '"3.1"' and r.json()["revision"] == 1
    r = api("PATCH", "/api/entries/3", json={"title": "一"}, headers={"If-Match": '"3.1"'})
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"3.2"' and r.json()["title"] == "一"
    clip = _clip_ids(api, 3)[0]
    r = api("PUT", f"/api/clips/{clip}", json={"text": "書き換えた段落。"},
            headers={"If-Match": '"3.2"'})
    assert r.status_code == 200 and r.headers["etag"] == '"3.3"'


@pytest.mark.parametrize("call", [
    ("PATCH", "/api/entries/3", {"title": "遅れた変更"}),
    ("POST", "/api/entries/3/groups", {"clips": ["遅れた段落。"], "tags": ["遅延"]}),
    ("DELETE", "/api/entries/3", None),
    ("PUT", "/api/clips/{clip}", {"text": "遅れた段落。"}),
    ("DELETE", "/api/clips/{clip}", None),
])
def test_a_write_with_a_stale_etag_is_412_and_changes_nothing(
        api: Api, call: tuple[str, str, dict[str, object] | None]) -> None:
    method, url, body = call
    clip = _clip_ids(api, 3)[0]
    stale = api("GET", "/api/entries/3").headers["etag"]
    assert api("PATCH", "/api/entries/3", json={"title": "先の変更"}).status_code == 200
    before = api("GET", "/api/entries/3").json()
    r = api(method, url.format(clip=clip), json=body, headers={"If-Match": stale})
    assert r.status_code == 412, r.text
    assert r.json()["error"]["type"] == "PreconditionFailedError"
    assert api("GET", "/api/entries/3").json() == before
    # The same write with the current ETag goes through.
    current = api("GET", "/api/entries/3").headers["etag"]
    r = api(method, url.format(clip=clip), json=body, headers={"If-Match": current})
    assert r.status_code in (200, 201, 204), r.text


def test_if_match_of_another_entry_or_malformed_is_refused_and_star_is_any(api: Api) -> None:
    for tag in ('"4.1"', "3.1", 'W/"3.x"'):
        r = api("PATCH", "/api/entries/3", json={"title": "x"}, headers={"If-Match": tag})
        assert r.status_code == 412, tag
    r = api("PATCH", "/api/entries/3", json={"title": "x"}, headers={"If-Match": "*"})
    assert r.status_code == 200
    r = api("PATCH", "/api/entries/3", json={"title": "y"},
            headers={"If-Match": 'W/"3.1", "3.2"'})  # one of a list
    assert r.status_code == 200 and r.headers["etag"] == '"3.3"'
    r = api("PATCH", "/api/entries/999999", json={"title": "x"}, headers={"If-Match": '"9.1"'})
    assert r.status_code in (404, 412)


def test_atompub_answers_etags_and_refuses_a_stale_put(web_journal: str, client: TestClient,
                                                      ) -> None:
    with open_journal(web_journal) as j:
        key = create_api_key(j)
    auth = {"Authorization": "Basic " + base64.b64encode(f"alice:{key}".encode()).decode()}
    url = "/alice/blog/atom/entry/3"
    r = client.get(url, headers=auth)
    assert r.status_code == 200 and r.headers["etag"] == '"3.1"'
    body = ('<entry xmlns="http://www.w3.org/2005/Atom"><title>新しい題</title>'
            '<content type="text/plain">&gt; 差し替えた段落です。</content></entry>').encode()
    r = client.put(url, content=body, headers={**auth, "If-Match": '"3.1"'})
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"3.2"'
    r = client.put(url, content=body, headers={**auth, "If-Match": '"3.1"'})
    assert r.status_code == 412 and "revision" in r.text
    r = client.delete(url, headers={**auth, "If-Match": '"3.1"'})
    assert r.status_code == 412
    assert client.delete(url, headers={**auth, "If-Match": '"3.2"'}).status_code == 200


def test_atompub_writes_as_the_key_s_user_and_refuses_a_reader(web_journal: str,
                                                               client: TestClient) -> None:
    with open_journal(web_journal) as j:
        add_user(j, "hanako", "editor")
        add_user(j, "taro", "reader")
        keys = {u: create_token(j, u, "atompub", user=u).secret for u in ("hanako", "taro")}

    def auth(user: str) -> dict[str, str]:
        raw = f"{user}:{keys[user]}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode()}

    url = "/alice/blog/atom/entry/3"
    body = ('<entry xmlns="http://www.w3.org/2005/Atom"><title>題</title>'
            '<content type="text/plain">&gt; 段落です。</content></entry>').encode()
    assert client.get(url, headers=auth("taro")).status_code == 200  # a reader reads
    r = client.put(url, content=body, headers=auth("taro"))
    assert r.status_code == 403
    assert client.delete(url, headers=auth("taro")).status_code == 403
    assert client.put(url, content=body, headers=auth("hanako")).status_code == 200
    with open_journal(web_journal) as j:
        entry = get_entry(j, 3)
    assert entry.author == "hanako" and entry.title == "題" and entry.revision == 2


def test_a_wsse_key_of_an_editor_writes_as_that_editor(cli: Cli, tmp_path: Path) -> None:
    import hashlib
    import secrets
    from datetime import UTC, datetime

    assert cli("init", "--title", "t").exit_code == 0
    assert cli("user", "add", "hanako").exit_code == 0
    r = cli("hatena", "key", "--user", "hanako")
    assert r.exit_code == 0
    key = r.stdout.strip().splitlines()[-1]
    assert cli("hatena", "key", "--user", "nobody").exit_code != 0
    nonce = secrets.token_bytes(16)
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = base64.b64encode(hashlib.sha1(nonce + created.encode() + key.encode()).digest())
    wsse = (f'UsernameToken Username="hanako", PasswordDigest="{digest.decode()}", '
            f'Nonce="{base64.b64encode(nonce).decode()}", Created="{created}"')
    body = ('<entry xmlns="http://www.w3.org/2005/Atom"><title>題</title>'
            '<content type="text/plain">&gt; 段落です。</content></entry>').encode()
    with TestClient(create_app(cli.journal)) as c:
        r = c.post("/hanako/blog/atom/entry", content=body, headers={"X-WSSE": wsse})
    assert r.status_code == 201, r.text
    with open_journal(cli.journal) as j:
        assert get_entry(j, 1).author == "hanako"


def test_the_edit_form_carries_the_revision(owner: Owner, web_journal: str) -> None:
    page = owner.c.get("/edit/3").text
    assert 'name="revision" value="1"' in page
    with open_journal(web_journal) as j:
        assert get_entry(j, 3).revision == 1


# ---- accounts, roles and authors ----------------------------------------------------------


def test_writes_record_their_author_in_the_entry_json_lines_and_mt(
        client: TestClient, web_journal: str, api: Api) -> None:
    hanako = _as(client, _add(web_journal, "hanako", "editor"))
    r = hanako("POST", "/api/entries/3/groups", json={"clips": ["花子の段落。"], "tags": ["花"]})
    assert r.status_code == 201 and r.json()["author"] == "hanako"
    r = api("PATCH", "/api/entries/4", json={"title": "所有者の変更"})
    assert r.json()["author"] == "owner"
    with open_journal(web_journal) as j:
        records = {r.get("key"): r for r in jsonl_records(j) if r.get("type") == "entry"}
        assert get_entry(j, 3).author == "hanako"
        assert records[get_entry(j, 3).key]["author"] == "hanako"
        assert records[get_entry(j, 3).key]["revision"] == 2
        import io
        out = io.StringIO()
        export_mt(j, out)
    assert "AUTHOR: hanako\n" in out.getvalue() and "AUTHOR: owner\n" in out.getvalue()


def test_a_reader_reads_but_every_write_is_403_in_japanese(client: TestClient,
                                                          web_journal: str) -> None:
    taro = _as(client, _add(web_journal, "taro", "reader"))
    assert taro("GET", "/api/entries/3").status_code == 200
    r = taro("PATCH", "/api/entries/3", json={"title": "読者の変更"})
    assert r.status_code == 403 and r.json()["error"]["type"] == "ForbiddenError"
    r = client.post("/signin", data={"name": "taro", "password": OTHER},
                    follow_redirects=False)
    assert r.status_code == 303
    manage = client.get("/manage").text
    csrf = csrf_of(manage)
    # No write buttons for a reader: entries open as previews, no bulk actions, no renames.
    assert 'name="ids"' not in manage and 'action="/tags/rename"' not in manage
    assert 'href="/preview/' in manage and 'href="/edit/' not in manage
    assert 'href="/compose"' not in manage
    r = client.get("/edit/3", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/preview/3"
    preview = client.get("/preview/3").text
    assert 'id="publish-form"' not in preview and 'href="/edit/3"' not in preview
    assert client.get("/compose").status_code == 403
    found = client.get("/search?q=%E3%81%AE").text  # signed in: the owner's search page
    assert 'href="/manage"' in found and 'href="/compose"' not in found
    r = client.post("/entries/new", data={"csrf": csrf, "title": "x", "when": ""})
    assert r.status_code == 403 and "閲覧者" in r.text
    r = client.post("/signout", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303  # a reader can sign out
    with open_journal(web_journal) as j:
        assert get_entry(j, 3).title is None


def test_sign_in_needs_the_name_once_there_are_several_accounts(client: TestClient,
                                                                web_journal: str) -> None:
    assert "（省略できます）" in client.get("/signin").text
    _add(web_journal, "hanako", "editor")
    page = client.get("/signin").text
    assert 'name="name"' in page and "（省略できます）" not in page
    r = client.post("/signin", data={"password": PASSWORD})
    assert r.status_code == 401 and JA.get("x", "ユーザー名も入力") in r.text
    r = client.post("/signin", data={"name": "nobody", "password": PASSWORD})
    assert r.status_code == 401 and "ユーザー名かパスワードが違います" in r.text
    r = client.post("/signin", data={"name": "hanako", "password": PASSWORD})
    assert r.status_code == 401  # another account's password
    r = client.post("/signin", data={"name": "owner", "password": PASSWORD},
                    follow_redirects=False)
    assert r.status_code == 303


def test_concurrent_requests_each_get_their_own_connection(web_journal: str,
                                                           api_token: str) -> None:
    """Writes from many threads at once: each lands once, none answers 500 (a journal
    connection shared by two requests mixed their transactions)."""
    with TestClient(create_app(web_journal, fetcher=article_fetcher),
                    base_url="http://127.0.0.1") as c:
        api = _as(c, api_token)
        statuses: list[int] = []

        def write(n: int) -> None:
            for k in range(5):
                r = api("POST", "/api/entries/5/groups",
                        json={"clips": [f"並行{n}-{k}の段落。"], "tags": ["並行"]})
                statuses.append(r.status_code)

        threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert statuses == [201] * 30
        texts = [c["text"] for g in api("GET", "/api/entries/5").json()["groups"]
                 for c in g["clips"]]
    assert all(f"並行{n}-{k}の段落。" in texts for n in range(6) for k in range(5))


# ---- the CLI ------------------------------------------------------------------------------


def test_user_commands_roles_tokens_and_the_author_of_cli_writes(cli: Cli, tmp_path: Path,
                                                                 ) -> None:
    assert cli("init", "--title", "t").exit_code == 0
    assert cli("user", "add", "hanako", "--role", "editor").exit_code == 0
    assert cli("user", "add", "taro", "--role", "reader").exit_code == 0
    r = cli("user", "add", "hanako")
    assert r.exit_code != 0 and "already" in r.output
    r = cli("user", "add", "花子")
    assert r.exit_code != 0 and "user name" in r.output
    assert cli("user", "add", "x", "--role", "admin").exit_code != 0
    r = cli("user", "set-password", "hanako", "--password-stdin", input=OTHER + "\n")
    assert r.exit_code == 0
    listed = [line.split() for line in cli("user", "list").stdout.splitlines()]
    assert listed == [["owner", "owner", "no", "password"],
                      ["hanako", "editor", "password", "set"],
                      ["taro", "reader", "no", "password"]]
    r = cli("token", "create", "--name", "t", "--user", "taro")
    assert r.exit_code == 0
    assert cli("token", "create", "--user", "nobody").exit_code != 0
    src = tmp_path / "in"
    src.mkdir()
    (src / "2024-09-03_081500.txt").write_text("段落です。\n#甲\n", encoding="utf-8")
    assert cli("--as", "hanako", "import", str(src)).exit_code == 0
    r = cli("--as", "taro", "entries", "list")
    assert r.exit_code != 0 and "reader" in r.output
    assert cli("--as", "nobody", "entries", "list").exit_code != 0
    r = cli("user", "remove", "owner")
    assert r.exit_code != 0 and "last owner" in r.output
    assert cli("user", "role", "owner", "reader").exit_code != 0
    assert cli("user", "role", "hanako", "owner").exit_code == 0
    assert cli("user", "remove", "taro").exit_code == 0
    assert "taro" not in cli("user", "list").stdout
    with open_journal(cli.journal) as j:
        entry = get_entry(j, 1)
        assert entry.author == "hanako" and entry.revision == 1
    r = cli("entries", "set", "1", "--title", "題")
    assert r.exit_code == 0, r.output
    with open_journal(cli.journal) as j:
        entry = get_entry(j, 1)
        assert entry.author == "owner" and entry.revision == 2


def test_journal_copy_takes_the_accounts_along(cli: Cli, tmp_path: Path) -> None:
    assert cli("init", "--title", "t").exit_code == 0
    assert cli("user", "add", "hanako").exit_code == 0
    assert cli("user", "set-password", "hanako", "--password-stdin",
               input=OTHER + "\n").exit_code == 0
    dst = str(tmp_path / "copy.db")
    assert cli("journal", "copy", cli.journal, dst).exit_code == 0
    from kirinuki.journal.accounts import list_users, sign_in
    with open_journal(dst) as j:
        assert [(u.name, u.role, u.has_password) for u in list_users(j)] == [
            ("owner", "owner", False), ("hanako", "editor", True)]
        assert sign_in(j, OTHER, "127.0.0.1", name="hanako").token


def test_an_old_journal_keeps_its_owner_password_and_tokens(tmp_path: Path) -> None:
    import sqlite3

    from kirinuki.journal import init_journal
    from kirinuki.journal.accounts import check_token, list_users, sign_in
    from tests.conftest import undo_later_migrations

    path = str(tmp_path / "old.db")
    with init_journal(path) as j:
        set_password(j, PASSWORD)
        token = create_token(j, "phone")
    conn = sqlite3.connect(path, isolation_level=None)
    undo_later_migrations(conn, "V21_TEAM")
    assert conn.execute("SELECT name FROM web_owner").fetchone() == ("owner",)
    conn.close()
    with open_journal(path) as j:
        assert [(u.id, u.name, u.role) for u in list_users(j)] == [(1, "owner", "owner")]
        assert sign_in(j, PASSWORD, "127.0.0.1").token
        assert check_token(j, token.secret).name == "owner"


def test_entries_json_shows_revision_and_author(cli: Cli, tmp_path: Path) -> None:
    assert cli("init", "--title", "t").exit_code == 0
    src = tmp_path / "a.txt"
    src.write_text("段落です。\n#甲\n", encoding="utf-8")
    assert cli("import", str(src)).exit_code == 0
    shown = json.loads(cli("entries", "show", "1", "--json").stdout)
    assert shown["revision"] == 1 and shown["author"] == "owner"
