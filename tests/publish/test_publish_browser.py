"""The static search page in a real browser (Debian's Chromium under Playwright): the page's
own script fetches the index over HTTP from a local static server and shows the hits.

Skipped when /usr/bin/chromium or playwright is missing; marked `browser` (run by CI).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from kirinuki.journal import Journal
from kirinuki.publish import publish

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def served(small: Journal, tmp_path: Path) -> Iterator[str]:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()


@pytest.fixture
def page(served: str) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page()
        dialogs: list[str] = []
        tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        tab.dialogs = dialogs
        yield tab
        browser.close()


def _search(page: Any, base: str, query: str) -> list[str]:
    page.goto(f"{base}/search/?q={quote(query)}")
    page.wait_for_function(
        "document.querySelector('#search-results .count') &&"
        " document.querySelector('#search-results .count').textContent.includes('件')")
    return [t.strip() for t in page.locator("#search-results .hit blockquote").all_inner_texts()]


def test_search_page_finds_short_words(page: Any, served: str) -> None:
    assert _search(page, served, "露") == ["日米の首脳は電話で会談し、露の動きについて意見を交わしました。"]
    assert page.locator("#q").input_value() == "露"
    hits = _search(page, served, "北方連合 OR 米国")
    assert len(hits) == 3
    assert hits[0].startswith("米国の国務長官")  # newest entry first
    count = page.locator("#search-results .count").inner_text()
    assert count.startswith("3件の切り抜き（3件の記事）")


def test_search_shows_clipped_markup_as_text(page: Any, served: str) -> None:
    hits = _search(page, served, "<script>")
    assert hits == ['危険な文字列<script>alert("x")</script> & "引用" を含む段落。']
    assert page.dialogs == []
    links = page.locator("#search-results .hit h2 a")
    assert links.first.get_attribute("href") == "/entry/2024/01/05/090000/"


def test_a_malformed_query_gets_a_message(page: Any, served: str) -> None:
    page.goto(f"{served}/search/?q={quote('露 OR')}")
    notice = page.locator("#search-results .notice")
    notice.wait_for()
    assert "検索語を読めません" in notice.inner_text()


def test_search_marks_the_words_found_as_the_served_search_does(page: Any, served: str) -> None:
    _search(page, served, "nato 注視")
    marks = page.locator("#search-results .hit blockquote mark").all_inner_texts()
    assert marks == ["ＮＡＴＯ", "注視"]  # folded: `nato` marks the full-width letters
    _search(page, served, "<script>")
    quote = page.locator("#search-results .hit blockquote p").first
    assert quote.locator("mark").all_inner_texts() == ["<script>"]
    assert quote.locator("script").count() == 0  # still text, never markup


def test_search_shows_tag_and_month_facets_that_narrow_it(page: Any, served: str) -> None:
    _search(page, served, "首相 OR 北方連合")
    page.locator("#search-results .facets").wait_for()
    facets = ["".join(f.split()) for f in page.locator("#search-results .facet").all_inner_texts()]
    assert facets[0].startswith("タグ:#反ロシア(2)")
    assert facets[1] == "月:2024年1月(2)2017年1月(1)"
    month = page.locator("#search-results .facet a", has_text="2024年1月").get_attribute("href")
    assert month == "?q=" + quote("首相 OR 北方連合 since:2024-01-01 until:2024-01-31", safe="")
    tag = page.locator("#search-results .facet a", has_text="#年頭演説").get_attribute("href")
    page.goto(f"{served}/search/{tag}")
    page.wait_for_function("document.querySelector('#search-results .count') &&"
                           " document.querySelector('#search-results .count').textContent"
                           ".includes('件')")
    assert page.locator("#search-results .count").inner_text().startswith("1件の切り抜き")
