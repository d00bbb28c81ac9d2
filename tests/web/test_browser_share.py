"""The bookmarklet in a real browser: Debian's Chromium (Playwright) selects two passages on a
news page served on 127.0.0.1, runs the bookmarklet the owner's `/bookmarklet` page hands out,
and the picker of a real `kirinuki serve` opens in a new tab with those paragraphs ticked;
confirming adds them to today's draft. Skipped like tests/web/test_browser.py when Chromium or
Playwright is missing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web import test_browser as walk
from tests.web.test_browser import ARTICLE_PATH, PARAGRAPHS, PASSWORD

# The browser walk's module fixtures (Chromium, the news site, `kirinuki serve`), here too.
chromium, news_site, app_server = walk.chromium, walk.news_site, walk.app_server

pytestmark = pytest.mark.browser

WIDTH_JS = "() => document.documentElement.scrollWidth"
SELECT_JS = """() => {
  // From the middle of paragraph 2 to the middle of paragraph 3, as a mouse drag would.
  const ps = document.querySelectorAll("article p:not(.date)");
  const range = document.createRange();
  range.setStart(ps[1].firstChild, 6);
  range.setEnd(ps[2].firstChild, 20);
  const sel = getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
  return String(sel);
}"""


def test_bookmarklet_opens_the_picker_with_the_selection_ticked(chromium: Any, app_server: str,
                                                                news_site: str) -> None:
    context = chromium.new_context(locale="ja-JP", viewport={"width": 320, "height": 640})
    dialogs: list[str] = []
    context.on("page", lambda p: p.on("dialog", lambda d: (dialogs.append(d.message),
                                                             d.dismiss())))
    try:
        page = context.new_page()
        page.goto(app_server + "/signin?next=/bookmarklet")
        page.fill("#password", PASSWORD)
        page.click("form.web-form button[type=submit]")
        page.wait_for_url("**/bookmarklet")
        assert page.evaluate(WIDTH_JS) <= 320  # a 320 px phone: nothing wider than the screen
        code = page.get_attribute("#bookmarklet", "href")
        assert code and code.startswith("javascript:")
        # Clicking it on kirinuki's own page runs nothing (CSP without inline scripts).
        page.click("#bookmarklet")
        assert len(context.pages) == 1

        page.goto(news_site + ARTICLE_PATH)
        selected = page.evaluate(SELECT_JS)
        assert PARAGRAPHS[1][6:] in selected
        with context.expect_page() as opened:
            page.evaluate(code.removeprefix("javascript:"))  # what the bookmark bar runs
        picker = opened.value
        picker.wait_for_selector("ol.paragraphs")
        assert picker.url.startswith(app_server + "/share?")
        ticked = picker.locator("input[name=pick]:checked").evaluate_all(
            "els => els.map(e => Number(e.value))")
        assert ticked == [2, 3]
        assert picker.evaluate(WIDTH_JS) <= 320
        assert picker.locator("ol.paragraphs span.para").all_inner_texts() == PARAGRAPHS
        picker.fill("#tags", "強風")
        picker.click("#pick-form button[type=submit]")
        picker.wait_for_url("**/edit/*")
        texts = picker.locator("textarea[name^='text:']").evaluate_all(
            "els => els.map(e => e.value)")
        assert [t for t in texts if t in PARAGRAPHS] == PARAGRAPHS[1:3]
        assert "強風" in picker.locator(".edit-group input.tag-field").last.input_value()
    finally:
        context.close()
    assert dialogs == []  # the quoted <script> paragraph stayed text
