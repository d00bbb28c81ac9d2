"""The page cache: hits skip rendering, and no page is ever served stale after a write."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import httpx
from fastapi.testclient import TestClient

from kirinuki.journal import open_journal
from kirinuki.journal.editing import edit_clip
from kirinuki.web import create_app
from kirinuki.web.cache import ChangeMarks, PageCache
from tests.web.conftest import Owner

TAG_PAGE = "/archive/category/" + quote("キャッシュ試験") + "/"


def _cache(client: TestClient) -> PageCache:
    cache: PageCache = client.app.state.web.pages  # type: ignore[attr-defined]
    return cache


def _publish(api: Callable[..., httpx.Response], text: str, entry: object = "today",
             ) -> dict[str, object]:
    r = api("POST", f"/api/entries/{entry}/groups", json={"clips": [text], "tags": ["キャッシュ試験"]})
    assert r.status_code == 201, r.text
    r = api("PATCH", f"/api/entries/{r.json()['id']}", json={"status": "published"})
    assert r.status_code == 200, r.text
    entry: dict[str, object] = r.json()
    return entry


def test_repeated_reads_are_answered_from_the_cache(client: TestClient) -> None:
    cache = _cache(client)
    assert client.app.state.web.site.ctx is not None  # type: ignore[attr-defined]  # built at startup
    first = client.get("/")
    hits = cache.hits
    again = client.get("/")
    assert cache.hits == hits + 1
    assert again.content == first.content
    # A hit carries the same headers as a rendered page, security headers included.
    for name in ("content-type", "cache-control", "content-security-policy", "x-frame-options"):
        assert again.headers[name] == first.headers[name]
    client.get("/search", params={"q": "政府"})
    hits = cache.hits
    assert client.get("/search", params={"q": "政府"}).status_code == 200
    assert cache.hits == hits + 1


def _settled(client: TestClient) -> None:
    """After the version analysis that a write starts (apart from requests) has committed."""
    client.get("/")  # the first read after a write starts it
    assert client.app.state.web.site.analysis.settle(60)  # type: ignore[attr-defined]
    client.get("/")


def _fresh(web_journal: str, urls: list[str]) -> list[bytes]:
    """The pages as a new app (empty cache, new site context) renders them."""
    with TestClient(create_app(web_journal), base_url="http://127.0.0.1") as fresh:
        return [fresh.get(url).content for url in urls]


def test_a_write_through_the_api_shows_on_the_next_read_of_every_page(
        client: TestClient, api: Callable[..., httpx.Response], web_journal: str) -> None:
    first = _publish(api, "キャッシュ試験の最初の切り抜きです。")
    search = "/search?" + str(httpx.QueryParams({"q": "キャッシュ試験の二番目"}))
    urls = ["/", f"{first['permalink']}/", TAG_PAGE, search]
    _settled(client)
    for _ in range(2):  # the second round is answered from the cache
        for url in urls:
            assert client.get(url).status_code == 200
    assert "<mark>キャッシュ試験の二番目" not in client.get(search).text
    assert _cache(client).hits >= 4

    second = _publish(api, "キャッシュ試験の二番目の切り抜きです。", first["id"])
    assert "キャッシュ試験の二番目" in client.get(urls[1]).text
    assert "<mark>キャッシュ試験の二番目</mark>" in client.get(search).text
    assert [client.get(url).content for url in urls] == _fresh(web_journal, urls)

    clip = second["groups"][0]["clips"][0]["id"]  # type: ignore[index]
    r = api("PUT", f"/api/clips/{clip}", json={"text": "キャッシュ試験の書き直した切り抜き。"})
    assert r.status_code == 200
    for url in urls[:3]:  # the front and tag pages show an entry's first clip
        assert "書き直した" in client.get(url).text, url
    assert [client.get(url).content for url in urls] == _fresh(web_journal, urls)

    r = api("PATCH", f"/api/entries/{first['id']}", json={"status": "draft"})
    assert r.status_code == 200
    assert client.get(urls[1]).status_code == 404
    assert "書き直した" not in client.get("/").text
    assert "<mark>キャッシュ試験の二番目" not in client.get(search).text


def test_a_write_by_another_connection_is_seen(client: TestClient, web_journal: str,
                                               api: Callable[..., httpx.Response]) -> None:
    entry = _publish(api, "別の接続から書き換える切り抜き。")
    url = f"{entry['permalink']}/"
    assert "別の接続から" in client.get(url).text
    assert "別の接続から" in client.get(url).text  # cached now
    clip = entry["groups"][-1]["clips"][0]["id"]  # type: ignore[index]
    with open_journal(web_journal) as j:  # as the CLI would, from another process
        edit_clip(j, clip, "コマンドラインで書き換えた切り抜き。")
    text = client.get(url).text
    assert "コマンドラインで" in text and "別の接続から" not in text


def test_a_cold_page_reads_the_change_mark_once(client: TestClient) -> None:
    # On PostgreSQL each read of the mark is a round trip to the server: a never-seen search
    # and an entry page not yet cached use the one read since their request arrived.
    marks = _cache(client).marks
    entry = next(u for u in client.get("/").text.split('"') if u.startswith("/entry/"))
    client.get("/search", params={"q": "政府"})  # the search's first use of its indexes
    for path, params in (("/search", {"q": "首相 政府"}), ("/search", {"q": "首相 -政府"}),
                         (entry, {})):
        reads = marks.reads
        r = client.get(path, params=params)
        assert r.status_code == 200 and marks.reads == reads + 1, path


def test_a_reader_s_cached_search_is_not_served_to_the_owner(client: TestClient) -> None:
    query = {"q": "下書きキャッシュ語"}
    assert "（下書き）" not in client.get("/search", params=query).text
    assert "（下書き）" not in client.get("/search", params=query).text  # cached for readers
    owner = Owner(client)
    r = owner.post("/compose/paste", {"text": "下書きキャッシュ語の切り抜き。\n#下書き\n"},
                   follow_redirects=False)
    assert r.status_code == 303
    r = owner.c.get("/search", params=query)
    assert "<mark>下書きキャッシュ語</mark>" in r.text and "（下書き）" in r.text
    assert owner.csrf in r.text or 'href="/compose"' in r.text  # the owner's page, not a reader's


def test_cache_is_bounded() -> None:
    import sqlite3
    from types import SimpleNamespace

    from kirinuki.store.sqlite.db import Store

    conn = sqlite3.connect(":memory:", check_same_thread=False)
    marks = ChangeMarks(SimpleNamespace(store=Store(conn, ":memory:")))  # type: ignore[arg-type]
    cache = PageCache(marks, max_bytes=1600)
    mark = cache.peek()
    for i in range(10):
        cache.put((f"/p{i}", b""), mark, b"x" * 100, "text/plain")
    assert cache.size <= 1600 and cache.get(("/p9", b"")) is not None
    assert cache.get(("/p0", b"")) is None or cache.size == 1000
    cache.put(("/big", b""), mark, b"x" * 200, "text/plain")  # over 1/16 of the bound: not kept
    assert cache.get(("/big", b"")) is None


class _Counter:
    """A PostgreSQL-like store whose change counter a test moves; a read takes the value when
    it begins and returns it when `release` is set (a round trip on its way)."""

    dialect = "postgresql"

    def __init__(self) -> None:
        import threading

        self.n = 0
        self.reads = 0
        self.started = threading.Event()
        self.release = threading.Event()

    def data_version(self) -> int:
        seen = self.n
        self.reads += 1
        self.started.set()
        assert self.release.wait(10)
        return seen


def test_requests_share_a_change_mark_read_begun_after_they_arrived() -> None:
    import asyncio
    from types import SimpleNamespace

    store = _Counter()
    marks = ChangeMarks(SimpleNamespace(store=store))  # type: ignore[arg-type]

    async def scenario() -> None:
        first = asyncio.ensure_future(marks.fresh())
        await asyncio.to_thread(store.started.wait, 10)  # its read has begun, at n == 0
        store.n = 1  # a commit lands while that read is on its way
        later = [asyncio.ensure_future(marks.fresh()) for _ in range(20)]
        await asyncio.sleep(0)
        store.release.set()
        a = await first
        rest = await asyncio.gather(*later)
        # The later requests arrived after the commit: the read begun before it is not
        # theirs, the next one is, and they share it.
        assert len(set(rest)) == 1 and rest[0] > a
        assert store.reads == 2
        assert await marks.fresh() == rest[0] and store.reads == 3  # nothing changed since

    try:
        asyncio.run(scenario())
    finally:
        marks._thread.shutdown() if marks._thread else None
