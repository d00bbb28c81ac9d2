"""The JSON API sets an entry's date and title (issue 19), and an entry moved to another date
answers at its old address with a redirect; deletes go to the trash."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from fastapi.testclient import TestClient

Api = Callable[..., httpx.Response]


def test_api_create_honours_published_and_status(api: Api) -> None:
    r = api("POST", "/api/entries", json={"title": "夕刊", "published": "2031-05-06T10:20:00+09:00"})
    assert r.status_code == 201, r.text
    e = r.json()
    assert (e["title"], e["status"], e["published"]) == ("夕刊", "draft", "2031-05-06T10:20:00+09:00")
    r = api("POST", "/api/entries", json={"published": "2031-05-05T23:00:00Z", "status": "published"})
    e = r.json()
    assert e["status"] == "published" and e["published"] == "2031-05-06T08:00:00+09:00"
    assert e["permalink"] == "/entry/2031/05/06/080000"
    r = api("POST", "/api/entries", json={"published": "2031-05-06T10:20:00"})
    assert r.status_code in (400, 422) and "Traceback" not in r.text  # no offset: refused


def test_api_update_honours_published_and_redirects_the_old_address(
        api: Api, client: TestClient) -> None:
    e = api("POST", "/api/entries", json={"published": "2031-05-06T10:20:00+09:00",
                                          "status": "published"}).json()
    api("POST", f"/api/entries/{e['id']}/groups", json={"clips": ["日付を移す段落。"], "tags": ["移動"]})
    assert client.get("/entry/2031/05/06/102000/").status_code == 200
    r = api("PATCH", f"/api/entries/{e['id']}", json={"published": "2031-05-07T07:00:00+09:00"})
    assert r.status_code == 200, r.text
    moved = r.json()
    assert moved["published"] == "2031-05-07T07:00:00+09:00" and moved["status"] == "published"
    assert moved["permalink"] == "/entry/2031/05/07/070000"
    r = client.get("/entry/2031/05/06/102000/", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == "/entry/2031/05/07/070000/"
    r = client.get("/entry/2031/05/06/102000/entry.txt", follow_redirects=False)
    assert r.status_code == 301, (r.text[:300], r.headers)
    assert r.headers["location"] == "/entry/2031/05/07/070000/entry.txt"
    assert "日付を移す段落" in client.get("/entry/2031/05/07/070000/").text
    # Unpublished, the old address no longer leads anywhere.
    api("PATCH", f"/api/entries/{e['id']}", json={"status": "draft"})
    assert client.get("/entry/2031/05/06/102000/", follow_redirects=False).status_code == 404
    assert api("PATCH", f"/api/entries/{e['id']}", json={}).status_code == 400
    assert api("PATCH", "/api/entries/999999", json={}).status_code == 404
    assert api("PATCH", f"/api/entries/{e['id']}", json={"published": "昨日"}).status_code == 422


def test_api_delete_goes_to_the_trash(api: Api, web_journal: str) -> None:
    from kirinuki.journal import open_journal
    from kirinuki.journal.trash import restore

    e = api("POST", "/api/entries/today/groups", json={"clips": ["消す段落。"]}).json()
    clip = e["groups"][-1]["clips"][0]["id"]
    assert api("DELETE", f"/api/clips/{clip}").status_code == 200
    assert api("DELETE", f"/api/entries/{e['id']}").status_code == 204
    with open_journal(web_journal) as j:
        back, _ = restore(j, e["id"])  # the entry, then its clip
        back, pieces = restore(j, e["id"])
    assert pieces == 1 and "消す段落。" in [c.text for c in back.clips]

