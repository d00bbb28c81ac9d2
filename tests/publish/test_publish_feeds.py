"""Atom feeds (RFC 4287), sitemaps and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser

from kirinuki.journal import Journal
from kirinuki.journal.editing import edit_clip
from kirinuki.journal.queries import get_entry
from kirinuki.publish import publish

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _feeds(site: Path) -> dict[str, feedparser.FeedParserDict]:
    return {str(p.relative_to(site)): feedparser.parse(p.read_bytes())
            for p in sorted(site.rglob("feed.xml"))}


def test_every_feed_parses_without_error(small_site: Path) -> None:
    feeds = _feeds(small_site)
    assert len(feeds) == 1 + 6  # the journal's and one per tag
    for name, feed in feeds.items():
        assert feed.bozo == 0, (name, feed.get("bozo_exception"))
        assert feed.entries, name
        for entry in feed.entries:
            assert entry.id.startswith("tag:kirinuki.test,")
            assert entry.link.startswith("https://kirinuki.test/entry/")


def test_journal_feed_content(small_site: Path) -> None:
    feed = feedparser.parse((small_site / "feed.xml").read_bytes())
    assert feed.feed.id == "https://kirinuki.test/feed.xml"
    assert [link.href for link in feed.feed.links if link.rel == "self"] == [
        "https://kirinuki.test/feed.xml"]
    assert [e.id for e in feed.entries] == [
        "tag:kirinuki.test,2024:/entry/2024/01/06/230000",
        "tag:kirinuki.test,2024:/entry/2024/01/06/213000",
        "tag:kirinuki.test,2024:/entry/2024/01/05/090000",
        "tag:kirinuki.test,2017:/entry/20170101/1483228800",
    ]
    first = feed.entries[2]
    assert first.published == "2024-01-05T09:00:00+09:00"
    assert {t.term for t in first.tags} == {"反ロシア", "対中露戦", "NATO拡大", "日米/首脳"}
    html = first.content[0].value
    assert "<blockquote>" in html or "<blockquote " in html
    # The clipped markup arrives as text, escaped, never as a script.
    assert "&lt;script&gt;" in html and "<script" not in html
    raw = (small_site / "feed.xml").read_text(encoding="utf-8")
    assert "&amp;lt;script&amp;gt;" in raw


def test_ids_and_dates_are_stable(small: Journal, tmp_path: Path) -> None:
    publish(small, tmp_path / "a", jobs=1)
    publish(small, tmp_path / "b", jobs=1, full=True)
    assert (tmp_path / "a/feed.xml").read_bytes() == (tmp_path / "b/feed.xml").read_bytes()
    before = {e.id: e.updated for e in feedparser.parse((tmp_path / "a/feed.xml").read_bytes()).entries}
    clip = get_entry(small, "/entry/2024/01/06/230000").clips[0]
    edit_clip(small, clip.id or 0, "米国の国務長官は会見で核協議の再開を改めて呼びかけました。")
    publish(small, tmp_path / "a", jobs=1)
    after = {e.id: e.updated for e in feedparser.parse((tmp_path / "a/feed.xml").read_bytes()).entries}
    assert after.keys() == before.keys()
    changed = [k for k in after if after[k] != before[k]]
    assert changed == ["tag:kirinuki.test,2024:/entry/2024/01/06/230000"]


def test_sitemaps_and_robots(small_site: Path) -> None:
    site = small_site
    index = ET.parse(site / "sitemap.xml").getroot()
    locs = [e.text for e in index.iter(f"{SM}loc")]
    assert locs == ["https://kirinuki.test/sitemaps/2017-01.xml",
                    "https://kirinuki.test/sitemaps/2024-01.xml",
                    "https://kirinuki.test/sitemaps/pages.xml"]
    month = ET.parse(site / "sitemaps/2024-01.xml").getroot()
    assert [e.text for e in month.iter(f"{SM}loc")] == [
        "https://kirinuki.test/entry/2024/01/05/090000/",
        "https://kirinuki.test/entry/2024/01/06/213000/",
        "https://kirinuki.test/entry/2024/01/06/230000/"]
    pages = ET.parse(site / "sitemaps/pages.xml").getroot()
    assert ("https://kirinuki.test/archive/category/%E5%8F%8D%E3%83%AD%E3%82%B7%E3%82%A2/"
            in [e.text for e in pages.iter(f"{SM}loc")])
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://kirinuki.test/sitemap.xml" in robots


def test_a_journal_without_hosts_still_publishes_clean_feeds(tmp_path: Path) -> None:
    from kirinuki.journal import import_paths, init_journal

    src = tmp_path / "2024-03-01_090000.txt"
    src.write_text("米国の報道官は会見で「注視する」と述べました。\n\n#米国\n", encoding="utf-8")
    with init_journal(str(tmp_path / "j.db"), "ホストなし") as j:
        import_paths(j, [str(src)])
        publish(j, tmp_path / "site", jobs=1)
    site = tmp_path / "site"
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert feed.bozo == 0
    assert feed.entries[0].id == "tag:kirinuki.invalid,2024:/entry/2024/03/01/090000"
    assert not (site / "sitemap.xml").exists()
    assert "Sitemap" not in (site / "robots.txt").read_text(encoding="utf-8")
    page = (site / "entry/2024/03/01/090000/index.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in page


def test_rss_dates_are_written_as_the_mail_module_writes_them() -> None:
    """`feeds.rfc822` gives `email.utils.format_datetime`'s text for any weekday, month and
    zone (none, UTC, east and west, a zone with minutes)."""
    from datetime import UTC, datetime, timedelta, timezone
    from email.utils import format_datetime

    from kirinuki.publish.feeds import rfc822

    zones = [None, UTC, timezone(timedelta(hours=9)), timezone(timedelta(hours=-3, minutes=-30)),
             timezone(timedelta(hours=5, minutes=45))]
    start = datetime(1999, 12, 31, 23, 59, 58)
    for k in range(0, 400 * 24, 7):
        d = start + timedelta(hours=k, seconds=k % 61)
        for z in zones:
            when = d.replace(tzinfo=z)
            assert rfc822(when) == format_datetime(when)
    assert rfc822(datetime(24, 2, 3, 4, 5, 6)) == format_datetime(datetime(24, 2, 3, 4, 5, 6))
