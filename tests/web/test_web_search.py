"""Search pages: highlighted snippets, facets, drafts hidden from readers, JSON API."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient

from kirinuki.web import create_app
from tests.web.conftest import Owner


def _draft(owner: Owner, text: str) -> None:
    r = owner.post("/compose/paste", {"text": text}, follow_redirects=False)
    assert r.status_code == 303


def test_search_highlights_and_hides_drafts_from_readers(owner: Owner, web_journal: str) -> None:
    _draft(owner, "下書きだけにある珍しい語、雪見大福作戦。<b>太字</b>\n#秘密の下書き\n")
    with TestClient(create_app(web_journal), base_url="http://127.0.0.1") as reader:
        r = reader.get("/search", params={"q": "雪見大福作戦"})
        assert r.status_code == 200
        assert "雪見大福作戦" not in r.text.split('id="search-count"')[1]
        assert "#秘密の下書き" not in r.text
        # Totals count published clips only: the draft is not even counted.
        count = r.text.split('id="search-count"')[1].split("</")[0]
        assert "0" in count and "1" not in count
    r = owner.c.get("/search", params={"q": "雪見大福作戦"})
    assert "<mark>雪見大福作戦</mark>" in r.text and "（下書き）" in r.text
    assert "&lt;b&gt;太字&lt;/b&gt;" in r.text


def test_search_finds_published_clips_with_facets(client: TestClient) -> None:
    data = client.get("/api/openapi.json").json()
    assert "/api/search" in data["paths"]
    r = client.get("/search/", params={"q": "政府"})
    assert r.status_code == 200
    assert "<mark>" in r.text and 'class="search-hit"' in r.text
    assert "タグ: " in r.text or "月: " in r.text
    bad = client.get("/search", params={"q": '"'})
    assert bad.status_code in (200, 400)


def test_api_search(api: Callable[..., httpx.Response]) -> None:
    r = api("GET", "/api/search", params={"q": "政府", "limit": 3})
    assert r.status_code == 200
    body = r.json()
    assert len(body["hits"]) <= 3 and body["total"] >= len(body["hits"])
    assert any(seg["match"] for seg in body["hits"][0]["snippet"])


def test_facets_of_a_broad_query_count_the_newest_matches_and_say_so(
        client: TestClient, web_journal: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from kirinuki.journal import open_journal
    from kirinuki.journal.search import search
    from kirinuki.web.routes import search as route

    with open_journal(web_journal) as j:
        exact = search(j, "政府", published_only=True)
        window = search(j, "政府", published_only=True, facet_window=3)
    assert exact.total is not None and exact.total > 3 and exact.faceted is None
    assert window.total == exact.total and window.faceted == 3  # the total stays exact
    assert sum(f.count for f in window.months) == 3
    assert sum(f.count for f in exact.months) == exact.total

    monkeypatch.setattr(route, "FACET_WINDOW", 3)
    r = client.get("/search", params={"q": "政府"})
    assert "新しい 3 件の内訳" in r.text and f"全 {exact.total} 件で数える" in r.text
    r = client.get("/search", params={"q": "政府", "facets": "all"})
    assert 'id="facet-window"' not in r.text
    months = r.text.split("月: ")[1].split("</p>")[0]
    assert sum(int(n) for n in re.findall(r'class="count">\((\d+)\)', months)) == exact.total


def test_the_other_sort_and_pages_reuse_the_count_and_facets_until_a_write(
        client: TestClient, api: Callable[..., httpx.Response],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from kirinuki.web.routes import search as route

    summaries: list[str] = []
    real = route.search

    def counted(j, q, **kw):  # type: ignore[no-untyped-def]
        if kw.get("total", True):
            summaries.append(q)
        return real(j, q, **kw)

    monkeypatch.setattr(route, "search", counted)

    def count(html: str) -> str:
        return html.split('id="search-count"')[1].split("</")[0]

    first = client.get("/search", params={"q": "政府"}).text
    again = [client.get("/search", params=p).text for p in (
        {"q": "政府", "sort": "date"}, {"q": "政府", "p": "2"})]
    assert summaries == ["政府"]  # counted once for both sorts and every page
    assert all(count(a) == count(first) for a in again)
    total = int(re.findall(r"\d+", count(first))[0])
    r = api("POST", "/api/entries/today/groups", json={"clips": ["政府の新しい発表です。"]})
    r = api("PATCH", f"/api/entries/{r.json()['id']}", json={"status": "published"})
    assert r.status_code == 200
    after = client.get("/search", params={"q": "政府", "sort": "date"}).text
    assert summaries == ["政府", "政府"] and f"{total + 1}" in count(after)
