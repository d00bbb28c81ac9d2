"""The published pages: what an entry page shows, tag and archive pages, HTML5 validity."""

from __future__ import annotations

import re
from pathlib import Path

import html5lib
import pytest

from tests.publish.conftest import broken_links


@pytest.fixture
def site(small_site: Path) -> Path:
    """The small journal's site (every test here only reads it)."""
    return small_site


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_entry_page_mirrors_the_entry(site: Path) -> None:
    html = read(site, "entry/2024/01/05/090000/index.html")
    assert '<html lang="ja">' in html
    # Header host links, the footer host.
    assert '<a href="https://kirinuki.test">https://kirinuki.test</a>' in html
    assert '<a href="https://www.kirinuki.test/">www.kirinuki.test</a>' in html
    # Clips are block quotes; the captured one names its source.
    assert html.count("<blockquote") == 4
    assert f'cite="{"https://news.example.jp/articles/2024/0105-a.html"}"' in html
    assert '<span class="publisher">架空ニュース</span>' in html
    assert "「<a href=\"https://news.example.jp/articles/2024/0105-a.html\">北方連合、国境の部隊を増強</a>」" in html
    assert '<time datetime="2024-01-05T07:30:00+09:00">2024年1月5日</time>' in html
    # Hashtags link to their tag pages by percent-encoded UTF-8 addresses, summaries kept.
    assert 'href="/archive/category/%E5%8F%8D%E3%83%AD%E3%82%B7%E3%82%A2/">#反ロシア</a>' in html
    assert '<span class="summary">(要約・「発言」)</span>' in html
    # The canonical link is on the first host; the text twin is linked.
    assert ('<link rel="canonical" href="https://kirinuki.test/entry/2024/01/05/090000/">'
            in html)
    assert 'href="/entry/2024/01/05/090000/entry.txt"' in html


def test_clipped_markup_is_escaped(site: Path) -> None:
    html = read(site, "entry/2024/01/05/090000/index.html")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;引用&#34;" in html


def test_related_links_lead_to_local_entries(site: Path) -> None:
    html = read(site, "entry/2024/01/06/213000/index.html")
    # New-form permalink on one of our hosts, and the old diary form, both become local.
    # (The entry has no title: its link shows its tags.)
    assert ('関連: <a href="/entry/2024/01/05/090000/">反ロシア・対中露戦・NATO拡大ほか</a>'
            '<span class="quote">(「3800人」)</span>') in html
    assert '関連: <a href="/entry/20170101/1483228800/">古い日記</a>' in html
    # An old diary link whose entry came in under a dated permalink: found by its time.
    assert html.count('関連: <a href="/entry/2024/01/05/090000/">') == 2
    # The same path on a host that is not the journal's stays an outside link.
    assert ('関連: <a href="https://elsewhere.example/entry/2024/01/05/090000">'
            'https://elsewhere.example/entry/2024/01/05/090000</a>') in html
    # A tag written in full width links to the same tag as its ASCII spelling.
    assert 'href="/archive/category/NATO%E6%8B%A1%E5%A4%A7/">#ＮＡＴＯ拡大</a>' in html


def test_drafts_are_not_published(site: Path) -> None:
    everything = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    assert "下書き" not in everything
    assert not (site / "entry/2024/01/07").exists()


def test_tag_pages_have_readable_addresses(site: Path) -> None:
    assert (site / "archive/category/反ロシア/index.html").is_file()
    assert (site / "archive/category/反ロシア/feed.xml").is_file()
    # A slash in a tag cannot be a folder: it becomes the full-width slash, still readable.
    page = read(site, "archive/category/日米／首脳/index.html")
    assert "#日米/首脳" in page
    tags = read(site, "archive/category/index.html")
    assert tags.index("#反ロシア") < tags.index("#米国")  # most used first
    assert "(2)" in tags


def test_archives_by_year_month_day(site: Path) -> None:
    day = read(site, "archive/2024/01/06/index.html")
    assert day.index("2024年1月6日 23:00") < day.index("2024年1月6日 21:30")  # newest first
    month = read(site, "archive/2024/01/index.html")
    assert 'href="/archive/2024/01/05/"' in month and 'href="/archive/2024/01/06/"' in month
    year = read(site, "archive/2024/index.html")
    assert 'href="/archive/2024/01/"' in year
    root = read(site, "archive/index.html")
    assert 'href="/archive/2017/"' in root and 'href="/archive/2024/"' in root


def test_about_page_lists_the_hosts(site: Path) -> None:
    about = read(site, "about/index.html")
    assert 'href="https://kirinuki.test/"' in about and 'href="https://www.kirinuki.test/"' in about


def test_front_page_lists_newest_first(site: Path) -> None:
    front = read(site, "index.html")
    order = [front.index(t) for t in ("2024年1月6日 23:00", "2024年1月6日 21:30",
                                      "2024年1月5日 09:00", "古い日記")]
    assert order == sorted(order)


def test_no_external_resources_and_no_broken_links(site: Path) -> None:
    resources = 0
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # Stylesheets, scripts, images, frames: everything a browser would fetch by itself.
        for m in re.finditer(r'<(script|img|iframe|source|link rel="stylesheet")[^>]*?'
                             r'(?:src|href)="([^"]*)"', html):
            resources += 1
            assert m.group(2).startswith("/") and not m.group(2).startswith("//"), (page, m[0])
        assert "@import" not in html and "url(http" not in html
    assert resources > 20
    css = (site / "static/style.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert broken_links(site) == []


def test_every_page_is_valid_html5(site: Path) -> None:
    parser = html5lib.HTMLParser(strict=True)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        parser.parse(page.read_bytes())  # raises ParseError on the first error
