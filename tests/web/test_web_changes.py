"""The owner's page of article changes, the 出典更新 labels on entries, and the private Atom feed."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

import httpx
import pytest
from fastapi.testclient import TestClient

from kirinuki.journal import open_journal
from kirinuki.journal.accounts import create_token
from kirinuki.journal.capture import clip
from kirinuki.journal.watch import run_watch
from tests.capture.conftest import MockWeb, data
from tests.web.conftest import Owner

URL = "https://news.minato-hodo.example/articles/2022/01/08/k100123.html"
GONE = URL.replace("k100123", "k100200")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def watched(web_journal: str) -> int:
    """A clip whose article then changed (3800人以上 → 4400人以上) and one whose article is gone;
    returns the entry holding them."""
    web = MockWeb()
    web.page(URL, data("article_v1.html"))
    web.page(GONE, data("article_v1.html").replace(b"k100123", b"k100200"))
    with open_journal(web_journal) as j, web.fetcher() as f:
        entry = clip(j, URL, match="拘束", tags=["ルスタニア"], entry="today", fetcher=f).entry
        clip(j, GONE, match="ミハイロフ首相", tags=["外交"], fetcher=f)
        web.page(URL, data("article_v2.html"))
        web.page(GONE, b"gone", status=410, content_type="text/plain")
        outcomes = sorted(r.outcome for r in run_watch(j, fetcher=f, everything=True).results)
        assert outcomes == ["changed", "gone"]
        assert entry.id is not None
        return entry.id


def test_the_changes_page_is_the_owners(client: TestClient, watched: int) -> None:
    r = client.get("/changes", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/signin")


def test_the_owner_sees_changed_passages_and_gone_articles(owner: Owner, watched: int) -> None:
    html = owner.c.get("/changes").text
    assert "出典の変更" in html
    assert "3800人以上が拘束" in html and "4400人以上が拘束" in html
    assert "拘束: 3800人以上 → 4400人以上" in html
    assert "見られなくなった記事" in html and GONE in html and "から削除" in html
    assert "に変更を確認" in html and not re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", html)
    assert f'href="/edit/{watched}"' in html
    manage = owner.c.get("/manage").text
    assert "出典更新" in manage
    assert "出典の変更を見る" in owner.c.get(f"/edit/{watched}").text
    later = owner.c.get("/changes", params={"since": "2099-01-01"}).text
    assert "書き換えられた段落はありません" in later
    bad = owner.c.get("/changes", params={"since": "きのう"})
    assert bad.status_code == 400 and "--since" not in bad.text


def test_an_entry_without_changes_is_not_marked(owner: Owner) -> None:
    assert "出典更新" not in owner.c.get("/manage").text
    assert "出典の変更を見る" not in owner.c.get("/edit/1").text


def _feed(client: TestClient, token: str) -> httpx.Response:
    return client.get("/changes.atom", params={"token": token})


def test_the_feed_needs_a_feed_token(client: TestClient, web_journal: str, watched: int) -> None:
    with open_journal(web_journal) as j:
        feed_token = create_token(j, "reader", "feed").secret
        api_token = create_token(j, "phone", "api").secret
    assert _feed(client, "").status_code == 401
    assert _feed(client, "knk_wrong").status_code == 401
    assert _feed(client, api_token).status_code == 401  # a writing token stays out of URLs
    r = _feed(client, feed_token)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(r.content)
    entries = root.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") or "" for e in entries]
    assert len(entries) == 2
    assert any(t.startswith("出典が更新されました") for t in titles)
    assert any(t.startswith("出典が削除されました") for t in titles)
    contents = "\n".join(e.findtext(f"{ATOM}content") or "" for e in entries)
    assert "数字の変化: 拘束: 3800人以上 → 4400人以上" in contents
    # A feed token opens nothing else.
    r = client.get("/api/entries", headers={"Authorization": f"Bearer {feed_token}"})
    assert r.status_code == 401
