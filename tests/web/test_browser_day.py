"""The clipper's day in a real browser (issue 19), at 1280 px and at 390 px (a phone): sign in,
make a new entry, paste clip text and check its preview, save it into the entry, edit a clip,
reorder by keyboard and by dragging, preview and publish at a past date, follow the edit link
of the public page, delete and undo, look at /manage, sign out.

Same setup as test_browser.py (Debian's Chromium under Playwright, a real `kirinuki serve`);
the Content-Security-Policy is left on here, so the page's own script (edit.js) must work
under it. Screenshots go to $KIRINUKI_SHOTS, else a temporary directory (printed). With
KIRINUKI_DOC_SHOTS=docs the few the README's browser tour shows are also written there, as
the screen shows them (`docs/day-1280-*.png`, `docs/day-390-*.png`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.test_browser import PASSWORD, app_server, chromium  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

# The screenshots of the README's browser tour: (width, step).
DOC_SHOTS = {(1280, "paste-preview"), (1280, "edit-moved"), (1280, "preview"),
             (1280, "manage-undo"), (390, "edit-moved"), (390, "public")}
PASTE = ("札幌で大雪、交通に乱れ。二十四時間の降雪は四十五センチに達しました。\n"
         "新千歳空港を発着する便のうち百二十便以上が欠航しました。\n"
         "#大雪#交通\n"
         "気象台は四日にかけて大雪に警戒するよう呼びかけています。\n"
         "#notatag は本文になる行\n"
         "#気象台\n")


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where screenshots go (kept after the run when $KIRINUKI_SHOTS names a directory)."""
    where = os.environ.get("KIRINUKI_SHOTS")
    path = Path(where) if where else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    yield path
    print(f"screenshots: {path}")


class Tab:
    """One browser context of a given width; every dialog is a failure."""

    def __init__(self, browser: Any, base: str, width: int, shots: Path) -> None:
        self.context = browser.new_context(base_url=base, locale="ja-JP",
                                           viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.width = width
        self.shots = shots
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        # A 400 answer to a wrong date is expected; any other console error is not.
        self.page.on("console", lambda m: self.errors.append(m.text)
                     if m.type == "error" and not m.text.startswith("Failed to load resource")
                     else None)

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"day-{self.width}-{name}.png"),
                             full_page=True)
        docs = os.environ.get("KIRINUKI_DOC_SHOTS")
        if docs and (self.width, name) in DOC_SHOTS:
            self.page.screenshot(path=str(Path(docs) / f"day-{self.width}-{name}.png"))

    def texts(self) -> list[str]:
        return self.page.locator("textarea[name^='text:']").evaluate_all(
            "els => els.map(e => e.value)")

    def no_horizontal_scroll(self) -> None:
        """The page itself is not wider than the screen (the manage table scrolls inside)."""
        wide = self.page.evaluate("document.documentElement.scrollWidth")
        assert wide <= self.width + 1, (self.page.url, wide)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_day_in_the_browser(chromium: Any, app_server: str, shots: Path,  # noqa: F811
                                width: int) -> None:
    t = Tab(chromium, app_server, width, shots)
    page = t.page
    day = "03" if width == 1280 else "04"
    try:
        # Sign in.
        page.goto("/signin?next=/compose")
        page.fill("#password", PASSWORD)
        page.click("form.web-form button[type=submit]")
        page.wait_for_url("**/compose")
        t.no_horizontal_scroll()

        # A new entry with a title and a past date; a wrong date first keeps the form.
        title = f"大雪の日 {width}"
        page.fill("#new-title", title)
        page.fill("#new-when", "2024-02-31 07:00")
        page.click("#new button[type=submit]")
        page.wait_for_selector("#new-problem")
        assert page.input_value("#new-title") == title
        page.fill("#new-when", f"2024-02-{day} 07:00")
        page.click("#new button[type=submit]")
        page.wait_for_url("**/edit/*")
        entry_id = int(page.url.split("#")[0].rstrip("/").rsplit("/", 1)[1])
        assert "新しい下書きを作りました" in page.inner_text("#done")

        # Paste with a preview, into that entry.
        page.goto("/compose")
        assert title in page.inner_text("#drafts")
        page.fill("#text", PASTE)
        page.select_option("#paste select[name=entry]", str(entry_id))
        page.click("#paste button[type=submit]")
        page.wait_for_selector("#parsed")
        assert page.locator("#parsed .part.clip").count() == 4
        assert page.locator("#parsed .part.tagline").count() == 2
        assert "#notatag" in page.inner_text("#warnings")
        t.shot("paste-preview")
        page.click("#paste-save button[type=submit]")
        page.wait_for_url(f"**/edit/{entry_id}**")
        assert "4 件を追加しました" in page.inner_text("#done")
        first, second, third, fourth = t.texts()
        assert first.startswith("札幌で大雪") and fourth.startswith("#notatag")

        # Edit a clip; move the first clip down by keyboard (Alt+↓) and the second group up
        # by dragging its handle onto the first; save: a message, same scroll place.
        box = page.locator("textarea[name^='text:']").first
        box.fill("札幌で大雪。二十四時間の降雪は四十五センチに達しました。")
        box.press("Alt+ArrowDown")
        assert t.texts()[:2] == [second, "札幌で大雪。二十四時間の降雪は四十五センチに達しました。"]
        groups = page.locator("section.edit-group")
        # Both handles on the screen, the first below the sticky message.
        groups.nth(0).evaluate(
            "e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 120)")
        groups.nth(1).locator(".group-head .handle").drag_to(groups.nth(0).locator(".group-head"))
        assert t.texts()[0] == third  # the second group is first now
        page.locator("section.edit-group").nth(1).locator("button.suggestion").count()
        t.shot("edit-moved")
        page.evaluate("window.scrollTo(0, 200)")
        page.click("#save")
        page.wait_for_selector("#done")
        assert "保存しました" in page.inner_text("#done")
        assert t.texts() == [third, fourth, second,
                             "札幌で大雪。二十四時間の降雪は四十五センチに達しました。"]
        assert page.evaluate("window.scrollY") >= 150  # kept across the save
        t.no_horizontal_scroll()
        t.shot("edit-saved")

        # A failed save keeps what was typed.
        page.fill("#when", "あした")
        page.locator("textarea[name^='text:']").first.fill("書きかけの文")
        page.click("#save")
        page.wait_for_selector("#problem")
        assert page.input_value("#when") == "あした" and t.texts()[0] == "書きかけの文"
        page.goto(f"/edit/{entry_id}")
        assert t.texts()[0] == third

        # Preview, then publish at the past date (the entry has a warning: confirm it).
        page.goto(f"/preview/{entry_id}")
        assert page.locator("article.entry blockquote").count() == 4
        assert "#notatag" in page.inner_text("#warnings")
        t.shot("preview")
        page.fill("#when", f"2024-02-{day} 07:00")
        page.click("#publish")  # the confirmation box is required: nothing is sent
        assert "/preview/" in page.url
        page.check("#confirm")
        page.click("#publish")
        page.wait_for_url(f"**/edit/{entry_id}")
        assert "公開しました" in page.inner_text("#done")
        permalink = f"/entry/2024/02/{day}/070000/"
        page.goto(permalink)
        assert page.locator("article.entry h1").inner_text() == title
        # The owner's bar on the public page is styled apart from the reader's page.
        assert page.locator("p.owner-edit").evaluate(
            "e => getComputedStyle(e).borderTopStyle") == "dashed"
        t.shot("public")
        page.click("#owner-edit")
        page.wait_for_url(f"**/edit/{entry_id}")

        # Delete, then undo from the message.
        page.click("#delete-entry")
        page.wait_for_url("**/manage")
        assert "ごみ箱へ移しました" in page.inner_text("#done")
        t.shot("manage-undo")
        page.click("#undo")
        page.wait_for_url(f"**/edit/{entry_id}")
        assert "元に戻しました" in page.inner_text("#done")
        assert page.request.get(permalink).status == 200  # same address again

        # /manage: columns stay readable (no one-character-per-line titles).
        page.goto("/manage")
        t.no_horizontal_scroll()
        cell = page.locator("table.entries td.title").first.bounding_box()
        assert cell is not None and cell["width"] >= 150, cell
        lines = page.evaluate("""() => [...document.querySelectorAll('table.entries td.date')]
            .slice(0, 20).map(td => { const r = document.createRange(); r.selectNodeContents(td);
              return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; })""")
        assert lines and max(lines) == 1, lines  # each date on one line
        t.shot("manage")

        # Sign out.
        page.click("#signout")
        page.wait_for_url("**/")
        page.goto("/compose")
        assert "/signin" in page.url
        page.goto(permalink)
        assert page.locator("#owner-edit").count() == 0
    finally:
        t.context.close()
    assert t.dialogs == []
    assert t.errors == []
