"""Search pages: highlighted snippets, facets, drafts hidden from readers, JSON API."""

from __future__ import annotations

from collections.abc import Callable

import httpx
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
