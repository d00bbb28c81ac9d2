"""Fixtures for the web app: a journal with entries and an owner, clients signed in or not,
and a capture fetcher answering from an in-memory page (no network)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from kirinuki.capture.fetch import Fetcher
from kirinuki.journal import import_paths, init_journal
from kirinuki.journal.accounts import create_token, set_password
from kirinuki.journal.analysis import catch_up_analysis
from kirinuki.web import create_app

PASSWORD = "kirinuki-test-password"
ARTICLE_URL = "https://news.example.jp/articles/2025/0301.html"
DEMO = Path(__file__).resolve().parents[2] / "demo" / "entries"

ARTICLE = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>北海道で大雪 交通に影響</title>
<link rel="canonical" href="https://news.example.jp/articles/2025/0301.html"></head>
<body><header><nav>トップ 社会 経済</nav></header>
<article><h1>北海道で大雪 交通に影響</h1>
<p>気象台によりますと、北海道の日本海側では三日未明から雪が強まり、札幌市では二十四時間で四十五センチの降雪を観測しました。</p>
<p>この雪の影響で、新千歳空港を発着する便のうち百二十便以上が欠航し、およそ八千人に影響が出ています。</p>
<p>&lt;script&gt;alert("xss")&lt;/script&gt; と書かれた看板が駅前に掲げられていたということです。</p>
<p>JR北海道は札幌と旭川を結ぶ特急を終日運休にすると発表し、利用者に最新の運行情報を確認するよう呼びかけています。</p>
<p>気象台は四日にかけて大雪や吹雪による交通障害に警戒するよう呼びかけています。</p>
</article><footer>ニュース例示局</footer></body></html>
"""


def article_fetcher() -> Fetcher:
    """A fetcher whose network is one article page (and 404 elsewhere)."""

    def handle(request: httpx.Request) -> httpx.Response:
        if str(request.url) == ARTICLE_URL:
            return httpx.Response(200, content=ARTICLE.encode("utf-8"),
                                  headers={"Content-Type": "text/html; charset=utf-8"})
        return httpx.Response(404, content=b"not found")

    return Fetcher(transport=httpx.MockTransport(handle), resolver=lambda _h: ["133.1.1.1"])


@pytest.fixture(scope="session")
def _template_journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: the demo entries, their clips' sketches, version links, related-entry
    suggestions and statements (which every app would otherwise compute at start), and an
    owner password."""
    path = tmp_path_factory.mktemp("web") / "template.db"
    j = init_journal(str(path), "テスト帳", ["kirinuki.test", "www.kirinuki.test"])
    if DEMO.exists():
        import_paths(j, [str(DEMO)])
        catch_up_analysis(j)
    set_password(j, PASSWORD)
    j.close()  # checkpoints the WAL: the one file holds everything
    return path


@pytest.fixture
def web_journal(tmp_path: Path, _template_journal: Path) -> str:
    """A fresh copy of the template journal for one test."""
    path = tmp_path / "web.db"
    shutil.copyfile(_template_journal, path)
    return str(path)


@pytest.fixture
def client(web_journal: str) -> Iterator[TestClient]:
    """A client that is not signed in."""
    with TestClient(create_app(web_journal, fetcher=article_fetcher),
                    base_url="http://127.0.0.1") as c:
        yield c


def csrf_of(html: str) -> str:
    """The CSRF token in a page's forms."""
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field on the page"
    return m.group(1)


class Owner:
    """A signed-in client with its CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.c = client
        r = client.post("/signin", data={"password": PASSWORD}, follow_redirects=False)
        assert r.status_code == 303
        self.csrf = csrf_of(client.get("/compose").text)

    def post(self, url: str, data: dict[str, object] | None = None,
             **kw: object) -> httpx.Response:
        """Post a form with the CSRF token."""
        return self.c.post(url, data={"csrf": self.csrf, **(data or {})}, **kw)  # type: ignore[arg-type]


@pytest.fixture
def owner(client: TestClient) -> Owner:
    """The signed-in owner."""
    return Owner(client)


@pytest.fixture
def api_token(web_journal: str) -> str:
    """A fresh API token."""
    from kirinuki.journal import open_journal

    with open_journal(web_journal) as j:
        return create_token(j, "tests").secret


@pytest.fixture
def api(client: TestClient, api_token: str) -> Callable[..., httpx.Response]:
    """Call the API with the bearer token: api("GET", "/api/entries", json=...)."""

    def call(method: str, url: str, **kw: object) -> httpx.Response:
        return client.request(method, url, headers={"Authorization": f"Bearer {api_token}"},
                              **kw)  # type: ignore[arg-type]

    return call
