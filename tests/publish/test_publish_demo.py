"""The demo journal published whole: no broken link, valid HTML5 everywhere, clean feeds, and a
static search that finds what `kirinuki search` finds."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import feedparser
import html5lib
import pytest

from kirinuki.journal import Journal, import_paths, init_journal
from kirinuki.journal.published import entry_batch, published_entries
from kirinuki.publish import publish
from tests.conftest import ROOT, Cli
from tests.publish.conftest import broken_links
from tests.publish.test_publish_search import NODE, run_node

DEMO = ROOT / "demo" / "entries"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Journal, Path]]:
    if not DEMO.is_dir():
        pytest.skip("demo/entries is not present")
    folder = tmp_path_factory.mktemp("demo")
    j = init_journal(str(folder / "demo.db"), "切り抜き帳（デモ）",
                     ["demo.kirinuki.example", "kirinuki.example.org"])
    import_paths(j, [str(DEMO)])
    publish(j, folder / "site", jobs=1)
    yield j, folder / "site"
    j.close()


def test_link_checker_finds_no_broken_internal_link(demo: tuple[Journal, Path]) -> None:
    _, site = demo
    pages = list(site.rglob("*.html"))
    assert len(pages) > 100
    assert broken_links(site) == []


def test_every_demo_page_is_valid_html5(demo: tuple[Journal, Path]) -> None:
    parser = html5lib.HTMLParser(strict=True)
    for page in sorted(demo[1].rglob("*.html")):
        parser.parse(page.read_bytes())


def test_every_demo_feed_parses_cleanly(demo: tuple[Journal, Path]) -> None:
    feeds = list(demo[1].rglob("feed.xml"))
    assert len(feeds) > 10
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert parsed.entries


@pytest.mark.skipif(not Path(NODE).exists(), reason="node is not installed")
def test_static_search_equals_cli_search_on_the_demo(demo: tuple[Journal, Path],
                                                      tmp_path: Path) -> None:
    journal, site = demo
    metas = published_entries(journal)
    texts = [c.text for e in entry_batch(journal, [m.id for m in metas]).values()
             for c in e.clips]
    rnd = random.Random(4)
    queries = ["露", "米国", "円", "首相", "#半導体", "#AI規制 法案", "since:2025-01 until:2025-02",
               "-の", "ロシア OR 中国"]
    for _ in range(40):
        t = rnd.choice(texts)
        n = rnd.randint(1, 3)
        i = rnd.randrange(0, max(1, len(t) - n))
        w = t[i : i + n].replace('"', "").strip() or "露"
        queries.append(f'"{w}"' if rnd.random() < 0.7 else f'"{w}" -"{rnd.choice(texts)[:2]}"')
    out = run_node(site, queries, [], tmp_path)
    cli = Cli(journal.store.path)
    total = 0
    for text, result in zip(queries, out["results"], strict=True):
        done = cli("search", "--json", "--limit", "100000", "--", text)
        assert done.exit_code == 0, (text, done.output)
        expected = {(h["entry_id"], h["clip_id"]) for h in json.loads(done.stdout)["hits"]}
        assert {tuple(h) for h in result["hits"]} == expected, text
        total += len(expected)
    assert total > 500


def test_updated_pairs_are_marked_with_their_changes(demo: tuple[Journal, Path]) -> None:
    site = demo[1]
    marks = {
        "2024/09/11/074500": ("避難: 3400人 → 5200人 (+1800)", "/entry/2024/09/10/213000/"),
        "2024/09/18/093000": ("行方不明: + 90人", "/entry/2024/09/11/074500/"),
        "2024/11/20/090000": ("下落: およそ35% → およそ44% (+9ポイント)",
                              "/entry/2024/11/12/200000/"),
    }
    for stamp, (change, earlier) in marks.items():
        page = (site / "entry" / stamp / "index.html").read_text(encoding="utf-8")
        assert change in page and f'rel="predecessor-version" href="{earlier}"' in page, stamp
    first = (site / "entry/2024/09/10/213000/index.html").read_text(encoding="utf-8")
    assert 'class="update"' not in first  # the first version updates nothing


def test_updates_feed_lists_the_entries_with_noticed_changes(demo: tuple[Journal, Path]) -> None:
    j, site = demo
    feed = feedparser.parse((site / "updates.xml").read_bytes())
    assert feed.bozo == 0
    assert feed.feed.title.startswith("更新された記事")
    marked = [e for e in published_entries(j) if e.versions][::-1]
    assert len(feed.entries) == min(20, len(marked)) > 0
    first = feed.entries[0]
    assert first.link.endswith(marked[0].permalink + "/")
    assert "更新: " in first.content[0].value and "→" in first.content[0].value
