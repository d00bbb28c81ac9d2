"""The reading side of an entry page and its surroundings: heading, card metadata, share links,
the sidebar page, RSS 2.0, and the same from `kirinuki serve`."""

from __future__ import annotations

from pathlib import Path

import feedparser
import lxml.html
from fastapi.testclient import TestClient

from kirinuki.journal import Journal, import_paths
from kirinuki.journal.settings import set_setting
from kirinuki.publish import publish
from kirinuki.web.app import create_app

ENTRY = "entry/2024/01/05/090000/index.html"


def _doc(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path).read_text(encoding="utf-8"))


def _meta(doc: lxml.html.HtmlElement) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in doc.iter("meta"):
        name = m.get("property") or m.get("name")
        if name:
            out.setdefault(name, []).append(m.get("content") or "")
    return out


def test_entry_heading_is_the_headline_and_the_date_shows_once(small_site: Path) -> None:
    doc = _doc(small_site, ENTRY)
    assert doc.findtext(".//h1") == "北方連合、国境の部隊を増強"  # the first clip's headline
    main = doc.find(".//main")
    assert main is not None
    assert main.text_content().count("2024年1月5日 09:00") == 1
    # An entry without a headline: its tags make the heading (in lists and links too).
    other = _doc(small_site, "entry/2024/01/06/213000/index.html")
    assert other.findtext(".//h1") == "反ロシア・NATO拡大"


def test_entry_card_metadata_and_share_links(small_site: Path) -> None:
    meta = _meta(_doc(small_site, ENTRY))
    url = "https://kirinuki.test/entry/2024/01/05/090000/"
    assert meta["og:url"] == [url]
    assert meta["og:type"] == ["article"]
    assert meta["og:title"] == ["北方連合、国境の部隊を増強"]
    assert meta["og:description"] == ["北方連合は4日、国境付近の部隊を3800人増やした。"]
    assert meta["article:published_time"] == ["2024-01-05T09:00:00+09:00"]
    assert meta["article:tag"] == ["反ロシア", "対中露戦", "NATO拡大", "日米/首脳"]
    assert meta["twitter:card"] == ["summary"]
    share = [(a.text, a.get("href")) for a in _doc(small_site, ENTRY).iterfind(
        ".//p[@class='share']/a")]
    assert [label for label, _ in share] == ["X", "はてなブックマーク", "LINE"]
    assert share[1][1] == "https://b.hatena.ne.jp/entry/s/kirinuki.test/entry/2024/01/05/090000/"
    assert "url=https%3A%2F%2Fkirinuki.test%2Fentry%2F2024%2F01%2F05%2F090000%2F" in share[2][1]
    assert not list(_doc(small_site, ENTRY).iter("script"))  # no script needed


def test_no_share_links_or_og_url_without_a_host(small: Journal, tmp_path: Path) -> None:
    set_setting(small, "hosts", [])
    publish(small, tmp_path / "site", jobs=1)
    doc = _doc(tmp_path / "site", ENTRY)
    assert "og:url" not in _meta(doc)
    assert doc.find(".//p[@class='share']") is None


def test_every_page_has_the_search_box_and_the_sidebar_frame(small_site: Path) -> None:
    site = small_site
    for path in (ENTRY, "index.html", "archive/category/反ロシア/index.html", "archive/index.html",
                 "about/index.html"):
        doc = _doc(site, path)
        form = doc.find(".//form[@role='search']")
        assert form is not None and form.get("action") == "/search/", path
        assert form.find(".//input[@name='q']") is not None
        assert [f.get("src") for f in doc.iter("iframe")] == ["/nav/"], path
    nav = _doc(site, "nav/index.html")
    assert nav.find(".//base").get("target") == "_top"  # links leave the frame
    boxes = [h.text for h in nav.iterfind(".//h2")]
    assert boxes == ["最近の記事", "月別アーカイブ", "タグ"]
    months = [li.text_content() for li in nav.find(".//section[2]/ul").iter("li")]
    archive = (site / "archive/index.html").read_text(encoding="utf-8")
    assert months[0] == "2024年1月 (3)"
    assert '<a href="/archive/2024/01/">1月</a> <span class="count">(3)</span>' in archive
    tags = [a.text_content() for a in nav.iterfind(".//a[@class='tag']")]
    assert tags[:2] == ["#NATO拡大(2)", "#反ロシア(2)"]  # most used first, then by name


def test_a_new_entry_rewrites_the_sidebar_not_every_page(small: Journal, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    before = (site / "nav/index.html").read_text(encoding="utf-8")
    src = tmp_path / "in" / "2024-02-01_100000.txt"
    src.parent.mkdir()
    src.write_text("新しい切り抜き。\n\n#反ロシア\n", encoding="utf-8")
    import_paths(small, [str(src)])
    report = publish(small, site, jobs=1)
    after = (site / "nav/index.html").read_text(encoding="utf-8")
    assert after != before and "2024年2月" in after
    assert report.written < 40  # the new entry's neighbours, lists, feeds: not all pages


def test_rss_feeds_parse_beside_atom(small_site: Path) -> None:
    site = small_site
    for path in ("rss", "archive/category/反ロシア/rss"):
        feed = feedparser.parse((site / path).read_bytes())
        assert feed.bozo == 0, (path, feed.get("bozo_exception"))
        assert feed.version == "rss20"
        atom = feedparser.parse((site / path.replace("rss", "feed.xml")).read_bytes())
        assert [e.link for e in feed.entries] == [e.link for e in atom.entries]
        assert [e.title for e in feed.entries] == [e.title for e in atom.entries]
    assert '<link rel="alternate" type="application/rss+xml"' in \
        (site / "index.html").read_text(encoding="utf-8")


def test_served_pages_carry_the_sidebar_inline_and_answer_rss(small: Journal,
                                                             tmp_path: Path) -> None:
    path = small.store.path
    small.close()
    with TestClient(create_app(path)) as client:
        page = client.get("/entry/2024/01/05/090000/")
        assert page.status_code == 200
        doc = lxml.html.fromstring(page.text)
        assert not list(doc.iter("iframe"))  # no frame to fetch: the boxes are in the page
        assert [h.text for h in doc.iterfind(".//aside//h2")] == ["最近の記事", "月別アーカイブ",
                                                                  "タグ"]
        rss = client.get("/rss")
        assert rss.headers["content-type"].startswith("application/rss+xml")
        assert feedparser.parse(rss.content).version == "rss20"
        assert client.get("/archive/category/反ロシア/rss").status_code == 200
        assert client.get("/updates.xml").status_code == 200
        assert client.get("/nav/").status_code == 200


def test_tag_pages_show_the_groups_carrying_the_tag(small_site: Path) -> None:
    site = small_site
    doc = _doc(site, "archive/category/日米／首脳/index.html")
    entry = doc.find(".//article[@class='summary tag-summary']")
    assert entry is not None
    quotes = [b.text_content() for b in entry.iterfind(".//blockquote")]
    # Not the entry's first clip (its #反ロシア group): the clips of the group with the tag.
    assert quotes == ['危険な文字列<script>alert("x")</script> & "引用" を含む段落。',
                      "日米の首脳は電話で会談し、露の動きについて意見を交わしました。"]
    others = [a.text for a in entry.iterfind(".//p[@class='tags']/a")]
    assert others == ["#NATO拡大"]  # the group's other tags only


def test_served_old_tag_addresses_move_permanently(small: Journal) -> None:
    from kirinuki.journal.editing import rename_tag
    path = small.store.path
    with TestClient(create_app(path)) as client:
        assert client.get("/archive/category/米国/").status_code == 200
        rename_tag(small, "米国", "対米")
        small.close()
        moved = client.get("/archive/category/米国/", follow_redirects=False)
        assert moved.status_code == 301
        assert moved.headers["location"] == "/archive/category/%E5%AF%BE%E7%B1%B3/"
        feed = client.get("/archive/category/米国/feed.xml", follow_redirects=False)
        assert feed.headers["location"].endswith("/feed.xml")
        assert client.get("/archive/category/米国/").status_code == 200  # followed
        assert client.get("/archive/category/存在しない/").status_code == 404
