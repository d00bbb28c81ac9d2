"""Feed formats (RSS 2.0, RSS 1.0/RDF, Atom), broken feeds, OPML in and out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kirinuki.capture.feeds import (
    MAX_ITEMS,
    MAX_OPML_BYTES,
    MAX_SUMMARY,
    OpmlFeed,
    parse_feed,
    parse_opml,
    render_opml,
)
from kirinuki.errors import InputError
from tests.capture.conftest import data

JST = timezone(timedelta(hours=9))


def test_rss2() -> None:
    feed = parse_feed(data("feed_rss2.xml"), "https://news.minato-hodo.example/rss.xml")
    assert feed.format == "rss20" and feed.title == "みなと報道ニュース 国際"
    first = feed.items[0]
    # tracking parameters are dropped from item links
    assert first.url == "https://news.minato-hodo.example/articles/2022/01/08/k100123.html"
    assert first.published == datetime(2022, 1, 8, 5, 12, tzinfo=JST)
    assert len(feed.items) == 3


def test_rss1_rdf_with_dc_date_without_zone() -> None:
    feed = parse_feed(data("feed_rss1.rdf"), "https://www.kitahama-keizai.example/rss.rdf")
    assert feed.format == "rss10" and feed.title == "北浜経済新報 マーケット"
    assert [i.url for i in feed.items] == [
        "https://www.kitahama-keizai.example/markets/20220105/a0042.html",
        "https://www.kitahama-keizai.example/markets/20220104/a0031.html"]
    assert feed.items[1].published == datetime(2022, 1, 4, 15, 10, tzinfo=JST)


def test_atom() -> None:
    feed = parse_feed(data("feed_atom.xml"), "https://shiokaze.example/politics/atom.xml")
    assert feed.format == "atom10" and feed.site_url == "https://shiokaze.example/politics/"
    assert feed.items[1].url == "https://shiokaze.example/politics/2022/0106-kansen.html"
    assert feed.items[1].published == datetime(2022, 1, 6, 12, 15, tzinfo=UTC)


def test_shift_jis_feed() -> None:
    raw = data("feed_rss2.xml").decode().replace('encoding="UTF-8"', 'encoding="Shift_JIS"')
    feed = parse_feed(raw.encode("cp932"), "https://x.example/rss")
    assert feed.items[0].title == "ルスタニア 抗議活動で拘束者相次ぐ"


@pytest.mark.parametrize(("body", "reason"), [
    (data("article_v1.html"), "an HTML page"),
    (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</ti', "malformed"),
    (b"\x00\x01binary", "not a feed"),
    (b"", "not a feed"),
])
def test_broken_feeds(body: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        parse_feed(body, "https://x.example/rss")


def test_opml_round_trip() -> None:
    feeds = parse_opml(data("feeds.opml"))
    assert [f.title for f in feeds] == ["しおかぜ通信 政治", "みなと報道ニュース 国際",
                                        "北浜経済新報 マーケット"]
    again = parse_opml(render_opml(feeds, "購読 <一覧> & more"))
    assert again == feeds


def test_opml_escapes_attributes() -> None:
    doc = render_opml([OpmlFeed('https://x.example/rss?a=1&b="2"', 'A & "B" <C>')], "t")
    assert parse_opml(doc) == [OpmlFeed('https://x.example/rss?a=1&b="2"', 'A & "B" <C>')]


@pytest.mark.parametrize("body", [b"<rss/>", b"not xml at all", b'<!DOCTYPE opml [<!ENTITY a "b">]>'
                                  b"<opml><body/></opml>"])
def test_bad_opml(body: bytes) -> None:
    with pytest.raises(InputError):
        parse_opml(body)


def _rss(items: int, summary: str = "s") -> bytes:
    item = "<item><title>t{0}</title><link>https://a.example/{0}</link>" \
           "<description>{1}</description></item>"
    return ("<rss version='2.0'><channel><title>x</title>"
            + "".join(item.format(i, summary) for i in range(items))
            + "</channel></rss>").encode()


def test_a_feed_of_too_many_items_is_refused_before_parsing() -> None:
    """Issue 17: 175,000 tiny items in 10 MB took feedparser 27 s and 300 MB."""
    with pytest.raises(InputError, match="a feed of 20000 items; at most 2000"):
        parse_feed(_rss(20000), "https://a.example/feed")
    atom = ('<feed xmlns="http://www.w3.org/2005/Atom">'
            + '<atom:entry xmlns:atom="http://www.w3.org/2005/Atom"/>' * 2001 + "</feed>")
    with pytest.raises(InputError, match="2001 items"):
        parse_feed(atom.encode(), "https://a.example/atom")


def test_a_feed_at_the_item_limit_is_read() -> None:
    assert len(parse_feed(_rss(MAX_ITEMS), "https://a.example/feed").items) == MAX_ITEMS


def test_long_summaries_are_cut() -> None:
    feed = parse_feed(_rss(1, "長" * 50_000), "https://a.example/feed")
    summary = feed.items[0].summary or ""
    assert len(summary) == MAX_SUMMARY and summary.endswith("…")


def test_an_oversize_opml_file_is_refused() -> None:
    with pytest.raises(InputError, match="over the 10485760-byte limit for an OPML file"):
        parse_opml(b"<opml>" + b" " * MAX_OPML_BYTES + b"</opml>", "big.opml")
