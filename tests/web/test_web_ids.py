"""A deleted id answers 404, never another entry (issue 16 item 1): JSON API, AtomPub and
the editor's forms, also across a reopen of the journal."""

from __future__ import annotations

import base64
from collections.abc import Callable

import httpx
from fastapi.testclient import TestClient

from kirinuki.journal import open_journal
from kirinuki.journal.hatena_atompub import create_api_key
from kirinuki.web import create_app
from tests.web.conftest import Owner, article_fetcher

Api = Callable[..., httpx.Response]
BASE = "/alice/blog.example/atom"
POST = """<?xml version="1.0" encoding="utf-8"?>
<entry xmlns="http://www.w3.org/2005/Atom" xmlns:app="http://www.w3.org/2007/app">
  <title>{title}</title>
  <content type="text/plain">&gt; {title}の本文です。</content>
  <app:control><app:draft>yes</app:draft></app:control>
</entry>"""


def test_api_create_delete_create_gives_a_new_id(api: Api) -> None:
    def create(text: str) -> dict[str, object]:
        r = api("POST", "/api/entries/today/groups", json={"clips": [text], "tags": ["試験"]})
        assert r.status_code == 201
        return r.json()  # type: ignore[no-any-return]

    first = create("最初の下書きです。")
    old_id, old_clip = first["id"], first["groups"][-1]["clips"][0]["id"]  # type: ignore[index]
    assert api("DELETE", f"/api/entries/{old_id}").status_code == 204
    second = create("次の下書きです。")
    assert second["id"] != old_id
    assert second["groups"][-1]["clips"][0]["id"] != old_clip  # type: ignore[index]
    assert api("GET", f"/api/entries/{old_id}").status_code == 404
    assert api("PATCH", f"/api/entries/{old_id}", json={"status": "published"}).status_code == 404
    assert api("DELETE", f"/api/entries/{old_id}").status_code == 404
    assert api("PUT", f"/api/clips/{old_clip}", json={"text": "上書き"}).status_code == 404
    assert api("GET", f"/api/entries/{second['id']}").json()["groups"][-1]["clips"][0][
        "text"] == "次の下書きです。"


def _atompub(path: str) -> tuple[TestClient, dict[str, str]]:
    with open_journal(path) as j:
        key = create_api_key(j)
    auth = {"Authorization": "Basic " + base64.b64encode(f"alice:{key}".encode()).decode()}
    return TestClient(create_app(path)), auth


def _post(client: TestClient, auth: dict[str, str], title: str) -> str:
    r = client.post(BASE + "/entry", content=POST.format(title=title).encode(), headers=auth)
    assert r.status_code == 201, r.text
    return r.headers["location"].rsplit("/", 1)[1]


def test_atompub_old_edit_url_answers_404_also_after_a_reopen(web_journal: str) -> None:
    client, auth = _atompub(web_journal)
    with client:
        old = _post(client, auth, "消される記事")
        assert client.delete(f"{BASE}/entry/{old}", headers=auth).status_code == 200
        new = _post(client, auth, "新しい記事")
        assert new != old
        assert client.get(f"{BASE}/entry/{old}", headers=auth).status_code == 404
        put = POST.format(title="古いURLへの上書き").encode()
        assert client.put(f"{BASE}/entry/{old}", content=put, headers=auth).status_code == 404
        assert client.delete(f"{BASE}/entry/{old}", headers=auth).status_code == 404
        # The newest entry is deleted: the next one must still not take its id.
        assert client.delete(f"{BASE}/entry/{new}", headers=auth).status_code == 200
    client, auth = _atompub(web_journal)  # a restarted server on the same journal
    with client:
        after = _post(client, auth, "再起動後の記事")
        assert after not in (old, new) and int(after) > int(new)
        for gone in (old, new):
            assert client.get(f"{BASE}/entry/{gone}", headers=auth).status_code == 404
        assert "再起動後の記事" in client.get(f"{BASE}/entry/{after}", headers=auth).text


def test_a_stale_group_form_never_deletes_another_group(web_journal: str) -> None:
    with TestClient(create_app(web_journal, fetcher=article_fetcher),
                    base_url="http://127.0.0.1") as c:
        owner = Owner(c)
        for text in ("一つ目のグループ", "二つ目のグループ", "三つ目のグループ"):
            r = owner.post("/compose/paste", {"text": f"{text}の段落です。\n#編集", "entry": "today"},
                           follow_redirects=False)
            assert r.status_code == 303, r.text
        with open_journal(web_journal) as j:
            (eid,) = j.store.conn.execute("SELECT max(id) FROM entries").fetchone()
            groups = [r[0] for r in j.store.conn.execute(
                "SELECT id FROM groups WHERE entry_id = ? ORDER BY pos", (eid,))]
        assert len(groups) == 3
        assert owner.post(f"/groups/{groups[0]}/delete", follow_redirects=False).status_code == 303
        # A second tab still shows the old forms: its "delete the second group" button.
        r = owner.post(f"/groups/{groups[1]}/delete", follow_redirects=False)
        assert r.status_code == 404
        text = c.get(f"/edit/{eid}").text
        assert "二つ目のグループ" in text and "三つ目のグループ" in text
