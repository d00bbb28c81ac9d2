"""The demo site's page kinds in Chromium (Debian's, under Playwright) at four widths: nothing
overflows the viewport sideways, no hashtag or date breaks across lines, axe-core finds no
serious or critical violation, and the keyboard reaches the content first.

Skipped when /usr/bin/chromium or playwright is missing; the axe test also when axe-core is
not installed (`.ci/run` installs it with npm into `$KIRINUKI_AXE_DIR`, by default
`~/.cache/kirinuki-ci`). `KIRINUKI_SCREENSHOTS=DIR` keeps the screenshots;
`KIRINUKI_DOC_SHOTS=docs` writes the README's images of the published site there.
"""

from __future__ import annotations

import functools
import json
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from kirinuki.journal import import_paths, init_journal
from kirinuki.publish import publish
from tests.conftest import ROOT

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WIDTHS = (320, 390, 768, 1280)
AXE = Path(os.environ.get("KIRINUKI_AXE_DIR", Path.home() / ".cache" / "kirinuki-ci")) \
    / "node_modules" / "axe-core" / "axe.min.js"
TAG = "ウクライナ侵攻"
STORY = "ルスタニア洪水"  # a demo tag whose story has figures that changed (charts) and speakers
STORY_ENTRY = "/entry/2024/09/18/093000/"  # one of its entries, with a version note
# One address per page kind of the demo site (the entry, day and month are found at run time).
KINDS = ("front", "entry", "tag", "story", "tags", "archive", "year", "month", "day", "about",
         "search", "404", "nav")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    demo = ROOT / "demo" / "entries"
    if not demo.is_dir():
        pytest.skip("demo/entries is not present")
    folder = tmp_path_factory.mktemp("demo-reading")
    j = init_journal(str(folder / "demo.db"), "切り抜き帳（デモ）",
                     ["demo.kirinuki.example", "kirinuki.example.org"])
    import_paths(j, [str(demo)])
    site = folder / "site"
    publish(j, site, jobs=1)
    j.close()
    entry = sorted(p.parent for p in (site / "entry").rglob("index.html"))[-1]
    day = entry.relative_to(site / "entry").parts[:3]
    tags = sorted((site / "archive" / "category").iterdir(),
                  key=lambda p: -len(list(p.rglob("index.html"))))
    tag = TAG if (site / "archive/category" / TAG).is_dir() else tags[0].name
    addresses = {
        "front": "/", "entry": "/" + str(entry.relative_to(site)) + "/",
        "tag": f"/archive/category/{quote(tag)}/", "tags": "/archive/category/",
        "story": f"/archive/category/{quote(STORY)}/",
        "archive": "/archive/", "year": f"/archive/{day[0]}/",
        "month": f"/archive/{day[0]}/{day[1]}/", "day": f"/archive/{'/'.join(day)}/",
        "about": "/about/", "search": f"/search/?q={quote('制裁')}", "404": "/404.html",
        "nav": "/nav/",
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", addresses
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


# Elements whose right edge passes the viewport, and hashtags/dates laid out on two lines.
LAYOUT = """() => {
  const w = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > w + 0.5 || r.left < -0.5) && !el.closest('.skip'))
      wide.push(el.tagName.toLowerCase() + '.' + el.className + ' ' + Math.round(r.right));
  }
  const broken = [];
  for (const el of document.querySelectorAll('a.tag, time')) {
    const lines = new Set([...el.getClientRects()].map(r => Math.round(r.top)));
    if (lines.size > 1) broken.push(el.textContent);
  }
  return {scroll: document.documentElement.scrollWidth, width: w, wide, broken};
}"""


def _open(browser: Any, url: str, width: int) -> Any:
    tab = browser.new_page(viewport={"width": width, "height": 900})
    tab.goto(url)
    if "/search/" in url:
        tab.wait_for_function("document.querySelector('#search-results .count') !== null")
    return tab


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_overflows_and_no_hashtag_or_date_breaks(
        browser: Any, demo_site: tuple[str, dict[str, str]], width: int) -> None:
    base, addresses = demo_site
    keep = os.environ.get("KIRINUKI_SCREENSHOTS")
    for kind in KINDS:
        tab = _open(browser, base + addresses[kind], width)
        found = tab.evaluate(LAYOUT)
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(Path(keep) / f"{kind}-{width}.png"), full_page=True)
        tab.close()
        assert found["scroll"] <= found["width"], (kind, width, found["wide"][:5])
        assert found["wide"] == [], (kind, width)
        assert found["broken"] == [], (kind, width)


def test_axe_finds_no_serious_or_critical_violation(
        browser: Any, demo_site: tuple[str, dict[str, str]]) -> None:
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed ({AXE}; npm install axe-core)")
    base, addresses = demo_site
    script = AXE.read_text(encoding="utf-8")
    report: dict[str, list[str]] = {}
    for width in (390, 1280):
        for kind in KINDS:
            tab = _open(browser, base + addresses[kind], width)
            tab.add_script_tag(content=script)
            result = tab.evaluate(
                "async () => await axe.run(document, {resultTypes: ['violations']})")
            tab.close()
            report[f"{kind}@{width}"] = [f"{v['id']}:{v['impact']}:{len(v['nodes'])}"
                                         for v in result["violations"]]
    print(json.dumps(report, ensure_ascii=False, indent=1))
    bad = {page: [v for v in found if v.split(":")[1] in ("serious", "critical")]
           for page, found in report.items()}
    assert {page: v for page, v in bad.items() if v} == {}


def test_keyboard_reaches_the_content_first_and_every_link_shows_focus(
        browser: Any, demo_site: tuple[str, dict[str, str]]) -> None:
    base, addresses = demo_site
    tab = _open(browser, base + addresses["entry"], 390)
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.textContent") == "本文へ移動"
    assert tab.evaluate("getComputedStyle(document.activeElement).left") != "-999px"
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "main"
    tab.keyboard.press("Tab")  # the first link of the content
    focused = tab.evaluate("""() => { const el = document.activeElement;
        return {inMain: !!el.closest('main'),
                outline: getComputedStyle(el).outlineStyle}; }""")
    tab.close()
    assert focused["inMain"]
    assert focused["outline"] != "none"


def test_the_story_chart_is_drawn_and_described(
        browser: Any, demo_site: tuple[str, dict[str, str]]) -> None:
    """The tag story's charts are laid out inside the page at every width (each has a size,
    a line and its description), and the README's images are taken from the demo site."""
    base, addresses = demo_site
    for width in WIDTHS:
        tab = _open(browser, base + addresses["story"], width)
        charts = tab.evaluate("""() => [...document.querySelectorAll('.story-chart svg')].map(
            s => { const r = s.getBoundingClientRect();
                   return {w: r.width, h: r.height, right: r.right,
                           line: s.querySelector('polyline').getAttribute('points'),
                           desc: s.querySelector('desc').textContent}; })""")
        inner = tab.evaluate("document.documentElement.clientWidth")
        tab.close()
        assert len(charts) >= 2, width
        for c in charts:
            assert c["w"] > 100 and c["h"] > 30 and c["right"] <= inner + 0.5, (width, c)
            # One point per value, every value in the description.
            assert c["desc"].count("、") == len(c["line"].split()) - 1 >= 1, c
    where = os.environ.get("KIRINUKI_DOC_SHOTS")
    if where:
        out = Path(where)
        out.mkdir(parents=True, exist_ok=True)
        for name, url, width, full in (
                ("publish-entry.png", STORY_ENTRY, 1280, False),
                ("publish-entry-phone.png", STORY_ENTRY, 390, True),
                ("publish-tag.png", addresses["story"], 1280, False)):
            tab = browser.new_page(viewport={"width": width, "height": 1000})
            tab.goto(base + url)
            tab.screenshot(path=str(out / name), full_page=full)
            tab.close()
