"""The live site's fast paths: pages rendered before routing, and the site context kept up to
date after writes without rebuilding it; every page must equal what a fresh app renders."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from kirinuki.journal import get_entry, open_journal
from kirinuki.journal.editing import edit_clip
from kirinuki.web import create_app
from kirinuki.web.state import WebState


def _web(client: TestClient) -> WebState:
    web: WebState = client.app.state.web  # type: ignore[attr-defined]
    return web


def _site_urls(web: WebState) -> list[str]:
    ctx = web.site.fresh()
    assert ctx is not None
    entries = ctx[0].entries
    tag = next(iter(ctx[0].tags.values()))
    d = entries[-1].published
    return ["/", "/page/2/", f"{entries[0].permalink}/", f"{entries[-1].permalink}/",
            f"{entries[1].permalink}/entry.txt", tag.url, "/archive/", f"/archive/{d.year}/",
            f"/archive/{d.year}/{d.month:02d}/", "/feed.xml", "/about/", "/robots.txt"]


@pytest.fixture
def routed_only(web_journal: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """An app whose reading pages all go through the reading route (no fast path)."""
    with monkeypatch.context() as m:
        m.setattr(WebState, "quick_page", lambda self, path: None)
        app = create_app(web_journal)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


def test_pages_rendered_before_routing_equal_the_route_s(client: TestClient,
                                                          routed_only: TestClient) -> None:
    web = _web(client)
    urls = _site_urls(web)
    for url in urls:
        assert web.quick_page(unquote(url)) is not None, url  # the request's decoded path
    fast = [client.get(url) for url in urls]
    slow = [routed_only.get(url) for url in urls]
    for url, a, b in zip(urls, fast, slow, strict=True):
        assert a.status_code == b.status_code == 200, url
        assert a.content == b.content, url
        assert a.headers["content-type"] == b.headers["content-type"], url
        assert a.headers["content-security-policy"] == b.headers["content-security-policy"]


def test_no_fast_path_for_redirects_unknown_pages_or_a_stale_context(
        client: TestClient, web_journal: str) -> None:
    web = _web(client)
    ctx = web.site.fresh()
    assert ctx is not None
    entry = ctx[0].entries[-1]
    assert web.quick_page(entry.permalink) is None  # no trailing slash: the route redirects
    assert web.quick_page("/no/such/page/") is None
    r = client.get(entry.permalink, follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == f"{entry.permalink}/"
    assert client.get("/no/such/page/").status_code == 404
    # A write by another connection: the context is stale until a request brings it up to date.
    with open_journal(web_journal) as j:
        clip = get_entry(j, str(entry.id)).clips[0]
        assert clip.id is not None
        edit_clip(j, clip.id, "別の接続で書き換えた速い道の切り抜き。")
    assert web.site.fresh() is None
    assert web.quick_page(f"{entry.permalink}/") is None
    assert "別の接続で書き換えた" in client.get(f"{entry.permalink}/").text
    assert web.site.fresh() is not None
