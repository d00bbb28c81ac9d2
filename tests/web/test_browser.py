"""The web app in a real browser: Debian's Chromium driven by Playwright against a real
`kirinuki serve` (uvicorn) process, capturing from a news-like page served on 127.0.0.1.

One walk through the clipper's day: sign in, paste clip text carrying XSS payloads, capture a
page, tick paragraphs, take a suggested tag and type more, publish, find the clip by search,
read it on the entry page, the tag page and in the Atom feed. Every page visited is checked for
live markup and no JavaScript dialog may fire anywhere. The browser context bypasses the
Content-Security-Policy so that the escaping itself is what is tested (the CSP would otherwise
block an inline payload even if escaping failed). Screenshots of the main pages are written to
test-artifacts/screenshots/.

Skipped (with the reason) when /usr/bin/chromium or the playwright package is missing; never
downloads a browser.
"""

from __future__ import annotations

import html
import os
import re
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from kirinuki.journal import import_paths, init_journal
from kirinuki.journal.accounts import set_password
from tests.web.test_web_xss import _live_markup

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
DEMO = ROOT / "demo" / "entries"
PASSWORD = "browser-test-password"
ARTICLE_PATH = "/news/2025/04/12/kyofu.html"
STARTUP_SECONDS = 30.0
ATOM = "{http://www.w3.org/2005/Atom}"

# Clipped paragraphs: plain news text, and text that is markup if a page forgets to escape it.
PARAGRAPHS = [
    "気象庁によりますと、発達した低気圧の影響で十二日午後から関東地方の沿岸部で南寄りの風が"
    "強まり、羽田空港では最大瞬間風速二十九メートルを観測しました。",
    "この影響で、羽田空港を発着する便のうち九十六便が欠航し、およそ一万二千人に影響が出ました。",
    "駅の掲示板には「<script>alert(1)</script>」といういたずら書きが見つかり、"
    "鉄道会社の職員が消したということです。",
    "東京湾アクアラインは午後三時から上下線で通行止めとなり、周辺の一般道では夜まで渋滞が"
    "続きました。",
    '近くの店舗には "><img src=x onerror=alert(2)> と書かれた紙が貼られ、警察が調べています。',
    "気象庁は十三日朝にかけて強風や高波に警戒し、不要不急の外出を控えるよう呼びかけています。",
]
# Pasted clip text: a javascript: link as text and as markup, an attribute breakout, and tags
# whose names and summaries are markup. The ordinary tag `羽田空港` is here so that the composer
# suggests it later (the captured article mentions it).
PASTED = "\n".join([
    "連絡先として javascript:alert(3) と書かれた紙が見つかりました。",
    '<a href="javascript:alert(4)">詳しくはこちら</a> という書き込みもありました。',
    "'\"><svg onload=alert(5)> 全角の「引用符」も含む段落です。",
    "#羽田空港#<script>#危険(<img src=x onerror=alert(6)>)",
]) + "\n"
TYPED_TAGS = ["<img/src=x/onerror=alert`7`>", '"><b>強風']

LIVE_MARKUP_JS = """() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    if (["img", "svg", "iframe", "object", "embed", "b"].includes(tag)) found.push(tag);
    if (tag === "script" && !el.getAttribute("src")) found.push("inline script");
    for (const a of el.attributes) {
      if (a.name.startsWith("on")) found.push(tag + "[" + a.name + "]");
      if (["href", "src", "action", "formaction"].includes(a.name)
          && a.value.trim().toLowerCase().startsWith("javascript:")) found.push(tag + "[" + a.name + "]");
    }
  }
  return found;
}"""


def _article_page() -> bytes:
    paras = "\n".join(f"<p>{html.escape(p)}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>関東で強風 羽田で欠航相次ぐ</title>
<meta property="og:site_name" content="例示ニュース"></head>
<body><header><nav>トップ 社会 気象 経済</nav></header>
<article><h1>関東で強風 羽田で欠航相次ぐ</h1>
<p class="date">2025年4月12日 18時30分</p>
{paras}
</article><footer>例示ニュース放送局</footer></body></html>""".encode()


class _News(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the http.server hook's name)
        if self.path != ARTICLE_PATH:
            self.send_error(404)
            return
        body = _article_page()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright; skips when either is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (pip install -e '.[test]')")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def news_site() -> Iterator[str]:
    """A news-like site on 127.0.0.1 serving one article; its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _News)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _wait_until_serving(proc: subprocess.Popen[bytes], base: str) -> None:
    """Poll the port until the app answers, the process dies, or the deadline passes."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        try:  # waits on the process: returns at once if it died
            proc.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue
        raise AssertionError(f"kirinuki serve exited with {proc.returncode}")
    raise AssertionError(f"kirinuki serve did not answer within {STARTUP_SECONDS} s")


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`kirinuki serve` (uvicorn) on a free loopback port over a fresh journal."""
    path = tmp_path_factory.mktemp("browser") / "journal.db"
    j = init_journal(str(path), "ブラウザテスト帳", ["browser.kirinuki.test"])
    if DEMO.exists():
        import_paths(j, [str(DEMO)])
    set_password(j, PASSWORD)
    j.close()
    port = _free_port()
    env = {**os.environ, "KIRINUKI_ALLOW_PRIVATE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kirinuki", "--journal", str(path), "serve", "--port", str(port)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(proc, base)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Visitor:
    """One browser tab that records dialogs and checks every page it visits for live markup."""

    def __init__(self, browser: Any, base: str) -> None:
        self.context = browser.new_context(base_url=base, locale="ja-JP", bypass_csp=True,
                                           viewport={"width": 1100, "height": 900})
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.visited: list[str] = []
        self.context.on("page", self._watch)
        self._watch(self.page)

    def _watch(self, page: Any) -> None:
        def record(dialog: Any) -> None:
            self.dialogs.append(f"{page.url}: {dialog.type} {dialog.message}")
            dialog.dismiss()
        page.on("dialog", record)

    def check(self) -> None:
        """The current page has no markup that the site never writes."""
        self.visited.append(self.page.url)
        assert self.page.evaluate(LIVE_MARKUP_JS) == [], self.page.url

    def go(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, url
        self.check()

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_clip_publish_search_and_payloads_stay_inert(chromium: Any, app_server: str,
                                                     news_site: str) -> None:
    v = Visitor(chromium, app_server)
    page = v.page
    try:
        _sign_in(v)
        _paste_payloads(v)
        entry_id = _capture_and_clip(v, news_site + ARTICLE_PATH)
        permalink = _publish(v, entry_id)
        _search(v, permalink)
        _read(v, permalink)
        _feed(v, permalink)
        v.go(f"/analysis/{entry_id}")  # versions, quotes, related: clipped text again
        assert page.locator("section#groups, section#quotes, section#related").count() == 3
        v.shot("analysis")
        v.go("/")
        v.shot("front")
        assert page.locator(f"main a[href='{permalink}']").count() >= 1  # newest on top
        assert "javascript:alert(3)" in page.inner_text("main")  # its first clip, as text
    finally:
        v.context.close()
    assert len(v.visited) >= 10
    assert v.dialogs == []


def _sign_in(v: Visitor) -> None:
    page = v.page
    v.go("/compose")  # not signed in: sent to the sign-in form
    assert "/signin" in page.url
    v.shot("signin")
    page.fill("#password", "wrong password!!")
    page.click("form.web-form button[type=submit]")
    page.wait_for_selector("p.notice.error")
    v.check()
    page.fill("#password", PASSWORD)
    page.click("form.web-form button[type=submit]")
    page.wait_for_url("**/compose")
    v.check()
    v.shot("compose")


def _paste_payloads(v: Visitor) -> None:
    page = v.page
    page.fill("#text", PASTED)
    page.click("form[action='/compose/preview'] button[type=submit]")
    page.wait_for_selector("#parsed")  # the paste preview: parsed, nothing stored yet
    v.check()
    assert '<a href="javascript:alert(4)">詳しくはこちら</a>' in page.inner_text("#parsed")
    page.click("#paste-save button[type=submit]")
    page.wait_for_url("**/edit/*")
    v.check()
    texts = page.locator("textarea[name^='text:']").evaluate_all("els => els.map(e => e.value)")
    assert '<a href="javascript:alert(4)">詳しくはこちら</a> という書き込みもありました。' in texts
    tags = page.locator("input.tag-field").first.input_value()
    assert "#<script>" in tags and "<img src=x onerror=alert(6)>" in tags


def _capture_and_clip(v: Visitor, url: str) -> int:
    page = v.page
    v.go("/compose")
    page.fill("#url", url)
    page.click("form[action='/compose/capture'] button[type=submit]")
    page.wait_for_selector("ol.paragraphs")
    v.check()
    shown = page.locator("ol.paragraphs span.para").all_inner_texts()
    assert shown == PARAGRAPHS  # numbered, in order, markup shown as text
    assert page.locator("ol.paragraphs span.n").all_inner_texts() == \
        [str(i) for i in range(1, len(PARAGRAPHS) + 1)]
    suggestion = page.locator("button.suggestion[data-tag='羽田空港']")
    assert suggestion.count() == 1  # a tag of this journal that the text mentions
    assert page.locator("button.suggestion[data-tag='関東']").count() == 0  # never invented
    v.shot("pick")
    for n in (2, 3, 4, 5):
        page.check(f"input[name=pick][value='{n}']")
    suggestion.click()  # composer.js adds it to the tag field
    assert page.input_value("#tags").split() == ["羽田空港"]
    page.fill("#tags", " ".join([page.input_value("#tags"), *TYPED_TAGS]))
    page.click("#pick-form button[type=submit]")
    page.wait_for_url("**/edit/*")
    v.check()
    v.shot("edit")
    texts = page.locator("textarea[name^='text:']").evaluate_all("els => els.map(e => e.value)")
    assert [t for t in texts if t in PARAGRAPHS] == PARAGRAPHS[1:5]
    last_tags = page.locator("input.tag-field").last.input_value()
    assert all("#" + t in last_tags for t in ["羽田空港", *TYPED_TAGS])
    return int(page.url.split("#")[0].rstrip("/").rsplit("/", 1)[1])


def _publish(v: Visitor, entry_id: int) -> str:
    page = v.page
    v.go(f"/preview/{entry_id}")
    if page.locator("#confirm").count():
        page.check("#confirm")
    page.click("#publish")
    page.wait_for_selector(f"form[action='/entries/{entry_id}/unpublish']")
    v.check()
    link = page.get_attribute("a:has-text('公開ページ')", "href")
    assert link and link.startswith("/entry/")
    return link


def _search(v: Visitor, permalink: str) -> None:
    page = v.page
    v.go("/search?q=" + "アクアライン")
    page.wait_for_selector("li.search-hit")
    assert page.inner_text("li.search-hit mark") == "アクアライン"
    v.shot("search")
    page.click(f"li.search-hit a[href='{permalink}']")
    page.wait_for_url("**" + permalink)
    v.check()
    v.go("/search?q=" + "%23%3Cscript%3E")  # the tag search: #<script>
    page.wait_for_selector("li.search-hit")
    assert "javascript:alert(3)" in page.inner_text("ol.search-results")


def _read(v: Visitor, permalink: str) -> None:
    page = v.page
    v.go(permalink)
    v.shot("entry")
    body = page.inner_text("article.entry")
    for text in [*PARAGRAPHS[1:5], "javascript:alert(3)", '<a href="javascript:alert(4)">']:
        assert text in body
    assert "#<script>" in body or "<script>" in body
    tag_links = page.locator("article.entry a[href*='/archive/category/']")
    hrefs = sorted(set(tag_links.evaluate_all("els => els.map(e => e.getAttribute('href'))")))
    assert len(hrefs) >= len(TYPED_TAGS) + 2
    for href in hrefs:  # every tag page lists the new entry
        v.go(href)
        links = page.locator("main a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert any(permalink in (link or "") for link in links), href
    v.shot("tag")
    for url in ("/archive/", "/archive/category/", "/manage"):
        v.go(url)
    v.shot("manage")


def _feed(v: Visitor, permalink: str) -> None:
    response = v.context.request.get("/feed.xml")
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.body())
    entries = feed.findall(f"{ATOM}entry")
    links = [e.find(f"{ATOM}link").get("href", "") for e in entries]  # type: ignore[union-attr]
    assert any(link.endswith(permalink + "/") or link.endswith(permalink) for link in links)
    mine = entries[next(i for i, link in enumerate(links) if permalink in link)]
    content = mine.findtext(f"{ATOM}content") or ""  # HTML, as text of the XML element
    assert "&lt;script&gt;" in content and _live_markup(content) == []
    text = html.unescape(re.sub(r"<[^>]+>", "", content))  # what a feed reader shows
    for para in PARAGRAPHS[1:5]:
        assert para in text

