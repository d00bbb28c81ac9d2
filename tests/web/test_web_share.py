"""Capture from the browser and the phone: the bookmarklet page, the Web Share Target and its
manifest. A GET shows the picker with the shared passage ticked and stores nothing; the
owner's confirmation (POST with the CSRF token) stores the article and the clips."""

from __future__ import annotations

import json
import re
from urllib.parse import quote, unquote

from fastapi.testclient import TestClient

from kirinuki.journal import open_journal, stats
from kirinuki.web.security import CSP
from tests.web.conftest import ARTICLE_URL, Owner

# Two passages as a browser selection gives them: across paragraphs 2 and 3, with full-width
# digits, a line break and an ideographic space where the page has none.
SELECTION = ("新千歳空港を発着する便のうち百二十便以上が欠航し、\nおよそ八千人に影響が出ています。\n\n"
             "＜script＞alert(\"xss\")＜/script＞　と書かれた看板")


def _ticked(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'name="pick" value="(\d+)" checked', html)]


def _counts(path: str) -> tuple[int, int, int]:
    with open_journal(path) as j:
        s = stats(j)
        return s.entries, s.clips, s.versions


def test_shared_selection_opens_the_picker_ticked_and_stores_nothing(owner: Owner,
                                                                    web_journal: str) -> None:
    before = _counts(web_journal)
    r = owner.c.get("/share", params={"url": ARTICLE_URL, "text": SELECTION})
    assert r.status_code == 200, r.text
    assert _ticked(r.text) == [2, 3]
    assert 'action="/share/clip"' in r.text and f'value="{ARTICLE_URL}"' in r.text
    assert _counts(web_journal) == before  # a GET writes nothing
    assert "<script>alert" not in r.text  # the quoted paragraph stays text
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", r.text) == []  # no inline script
    assert r.headers["content-security-policy"] == CSP


def test_phone_share_with_url_inside_text_and_prefix_suffix(owner: Owner) -> None:
    # Android puts "title URL" in text; with no selection nothing is ticked.
    r = owner.c.get("/share", params={"text": f"北海道で大雪 交通に影響 {ARTICLE_URL}",
                                      "title": "北海道で大雪"})
    assert r.status_code == 200 and _ticked(r.text) == []
    assert 'name="pick" value="5"' in r.text
    r = owner.c.get("/share", params={"url": ARTICLE_URL, "text": "呼びかけています。",
                                      "prefix": "旭川を結ぶ特急を終日運休にすると発表し、利用者に最新の運行情報を確認するよう"})
    assert _ticked(r.text) == [4]
    r = owner.c.get("/share", params={"url": ARTICLE_URL, "text": "呼びかけています。",
                                      "suffix": ""})
    assert _ticked(r.text) == [4]  # the first occurrence when nothing says otherwise
    r = owner.c.get("/share", params={"url": ARTICLE_URL, "text": "記事にない文章を選んだ場合"})
    assert _ticked(r.text) == [] and 'id="pick-notice"' in r.text


def test_confirming_stores_the_article_and_clips(owner: Owner, web_journal: str) -> None:
    before = _counts(web_journal)
    html = owner.c.get("/share", params={"url": ARTICLE_URL, "text": SELECTION}).text
    digest = re.search(r'name="hash" value="([^"]+)"', html)
    assert digest
    r = owner.post("/share/clip", {"url": ARTICLE_URL, "hash": digest.group(1),
                                   "pick": _ticked(html), "tags": "北海道 大雪"},
                   follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/edit/")
    entries, clips, versions = _counts(web_journal)
    assert clips == before[1] + 2 and versions == before[2] + 1
    edit = owner.c.get(r.headers["location"].split("#")[0]).text
    assert "百二十便以上が欠航し" in edit and "駅前に掲げられていた" in edit, edit[-3000:]
    assert "気象台によりますと" not in edit


def test_confirming_a_changed_article_is_a_conflict(owner: Owner, web_journal: str) -> None:
    before = _counts(web_journal)
    r = owner.post("/share/clip", {"url": ARTICLE_URL, "hash": "sha256:old", "pick": [1]},
                   follow_redirects=False)
    assert r.status_code == 409 and "競合" in r.text
    assert _counts(web_journal) == before


def test_share_needs_sign_in_and_the_csrf_token(client: TestClient, owner: Owner,
                                                web_journal: str) -> None:
    anonymous = TestClient(client.app, base_url="http://127.0.0.1")
    r = anonymous.get("/share", params={"url": ARTICLE_URL, "text": "欠航"},
                      follow_redirects=False)
    assert r.status_code == 303
    # After signing in the owner comes back to the same share, query and all.
    target = unquote(r.headers["location"].split("next=", 1)[1])
    assert target == f"/share?url={quote(ARTICLE_URL, safe='')}&text={quote('欠航')}"
    before = _counts(web_journal)
    r = owner.c.post("/share/clip", data={"url": ARTICLE_URL, "hash": "x", "pick": [1]},
                     follow_redirects=False)
    assert r.status_code == 403
    r = anonymous.post("/share/clip", data={"url": ARTICLE_URL, "hash": "x", "pick": [1]},
                       follow_redirects=False)
    assert r.status_code in (303, 401)
    assert _counts(web_journal) == before


def test_bad_shares_are_clear_errors(owner: Owner) -> None:
    assert owner.c.get("/share", params={"text": "URL のない文章"}).status_code == 400
    assert owner.c.get("/share", params={"url": "javascript:alert(1)"}).status_code == 400
    assert owner.c.get("/share", params={"url": "https://news.example.jp/none"}).status_code == 502


def test_manifest_has_the_share_target(client: TestClient) -> None:
    r = client.get("/manifest.webmanifest")
    assert r.status_code == 200 and r.headers["content-type"] == "application/manifest+json"
    target = json.loads(r.text)["share_target"]
    assert target == {"action": "/share", "method": "GET",
                      "params": {"title": "title", "text": "text", "url": "url"}}
    for icon in json.loads(r.text)["icons"]:
        got = client.get(icon["src"])
        assert got.status_code == 200 and got.headers["content-type"] == icon["type"]


def test_bookmarklet_page_is_japanese_and_inline_script_free(owner: Owner,
                                                             client: TestClient) -> None:
    r = owner.c.get("/bookmarklet")
    assert r.status_code == 200 and "ブックマークバーへドラッグ" in r.text
    assert r.headers["content-security-policy"] == CSP and "'unsafe-inline'" not in CSP
    code = re.search(r'id="bookmarklet" href="([^"]+)"', r.text)
    assert code and code.group(1).startswith("javascript:(function(){")
    assert "http://127.0.0.1/share?url=" in code.group(1)
    # The page's own scripts are files; the bookmarklet is only a link's address.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", r.text) == []
    assert '<link rel="manifest" href="/manifest.webmanifest">' in r.text


def test_chrome_on_android_shares_quoted_text_and_a_link_to_the_highlight(owner: Owner) -> None:
    # The selection between “ ” and, on the next line, the page's link to the highlight.
    link = f"{ARTICLE_URL}#:~:text={quote('新千歳空港を発着する便')}"
    r = owner.c.get("/share", params={"text": f"“新千歳空港を発着する便のうち百二十便以上が欠航し”\n{link}"})
    assert r.status_code == 200 and _ticked(r.text) == [2]
    r = owner.c.get("/share", params={"url": ARTICLE_URL, "text": "“八千人に影響が出ています。”"})
    assert _ticked(r.text) == [2]  # the quotation marks are the share sheet's, not the text's
    # The link alone (a range: from one paragraph to the next) is enough.
    link = f"{ARTICLE_URL}#:~:text={quote('駅前に掲げられて')},{quote('運休にすると')}"
    r = owner.c.get("/share", params={"url": link})
    assert _ticked(r.text) == [3, 4]
    assert f'name="url" value="{ARTICLE_URL}"' in r.text  # stored without the fragment
