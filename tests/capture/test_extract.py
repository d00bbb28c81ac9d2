"""Extraction: metadata, the body without furniture, canonical URLs, times in Asia/Tokyo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kirinuki.capture.decode import decode_html
from kirinuki.capture.extract import extract_article, parse_datetime
from kirinuki.errors import InputError
from tests.capture.conftest import data

JST = timezone(timedelta(hours=9))
FURNITURE = ["トップ", "スポーツ", "気象・災害", "内閣を総辞職", "116円台", "個人情報", "関連ニュース", "燃料値上げに抗議", "アクセスランキング",
             "ツイート", "シェア", "LINEで送る", "このサイトについて", "Copyright",
             "転載", "ホーム"]


def test_news_page_metadata_and_body() -> None:
    ex = extract_article(data("article_v1.html").decode(), "https://news.minato-hodo.example/"
                         "articles/2022/01/08/k100123.html?utm_source=twitter#comments")
    assert ex.url == "https://news.minato-hodo.example/articles/2022/01/08/k100123.html"
    assert ex.site == "news.minato-hodo.example"
    assert ex.title == "ルスタニア 抗議活動で3800人以上拘束 政府「秩序回復へ」"
    assert ex.publisher == "みなと報道ニュース"
    assert ex.published == datetime(2022, 1, 8, 5, 12, tzinfo=JST)
    assert ex.modified == datetime(2022, 1, 8, 9, 40, tzinfo=JST)
    assert len(ex.paragraphs) == 6
    assert ex.paragraphs[0].startswith("東欧のルスタニアで、燃料価格の引き上げ")
    assert "3800人以上が拘束された" in ex.paragraphs[0]
    assert ex.paragraphs[-1].endswith("と指摘しています。")
    body = "\n".join(ex.paragraphs)
    for word in FURNITURE:
        assert word not in body, word


@pytest.mark.parametrize("name", ["market_utf8.html", "market_sjis.html", "market_eucjp.html",
                                  "market_iso2022jp.html"])
def test_every_encoding_gives_the_same_article(name: str) -> None:
    ex = extract_article(decode_html(data(name)), "https://kitahama-keizai.example/x")
    assert ex.url == "https://www.kitahama-keizai.example/markets/20220105/a0042.html"
    assert ex.title == "円相場 一時1ドル=116円台に 約5年ぶりの円安水準"
    assert ex.publisher == "北浜経済新報"
    # `pubdate` has no zone: the page means Japan time.
    assert ex.published == datetime(2022, 1, 5, 9, 30, tzinfo=JST)
    assert [p[:8] for p in ex.paragraphs] == ["4日のニューヨー", "市場関係者により", "東京市場でも5日",
                                              "大手証券会社のア"]
    body = "\n".join(ex.paragraphs)
    for word in ("シェア", "ツイート", "よく読まれている", "会社案内", "2022年1月5日 9時30分",
                 "マーケット"):
        assert word not in body, word


def test_content_hash_follows_the_text() -> None:
    url = "https://news.minato-hodo.example/a"
    v1 = extract_article(data("article_v1.html").decode(), url)
    again = extract_article(data("article_v1.html").decode(), url)
    v2 = extract_article(data("article_v2.html").decode(), url)
    assert v1.content_hash == again.content_hash != v2.content_hash


def test_page_without_article_text() -> None:
    with pytest.raises(InputError, match="no article text"):
        extract_article(data("no_article.html").decode(), "https://news.minato-hodo.example/")


def test_json_ld_and_relative_canonical() -> None:
    html = """<html><head><link rel="Canonical" href="/p/9?utm_medium=x">
    <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
      {"@type":"NewsArticle","headline":"見出しです","datePublished":"2023-04-01T10:00:00",
       "dateModified":"2023-04-01T12:30:00Z","publisher":{"@type":"Organization","name":"架空通信"}}
    ]}</script></head><body><article><p>本文の一段落目です。十分な長さのある文章を書いておきます。</p>
    <p>本文の二段落目です。こちらも十分な長さのある文章を書いておきます。</p></article></body></html>"""
    ex = extract_article(html, "https://kaku.example/p/9?x=1")
    assert ex.url == "https://kaku.example/p/9"
    assert (ex.title, ex.publisher) == ("見出しです", "架空通信")
    assert ex.published == datetime(2023, 4, 1, 10, 0, tzinfo=JST)
    assert ex.modified == datetime(2023, 4, 1, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(("text", "expected"), [
    ("2022-01-08T05:12:00+09:00", datetime(2022, 1, 8, 5, 12, tzinfo=JST)),
    ("2022-01-07T20:12:00Z", datetime(2022, 1, 8, 5, 12, tzinfo=JST)),
    ("2022-01-08 05:12", datetime(2022, 1, 8, 5, 12, tzinfo=JST)),
    ("2022年1月8日 5時12分", datetime(2022, 1, 8, 5, 12, tzinfo=JST)),
    ("更新：2022/01/08 05:12", datetime(2022, 1, 8, 5, 12, tzinfo=JST)),
    ("2022年1月8日", datetime(2022, 1, 8, tzinfo=JST)),
    ("きのう", None), ("", None), ("2022年13月40日", None),
])
def test_parse_datetime(text: str, expected: datetime | None) -> None:
    assert parse_datetime(text) == expected


_BODY = ("<body><article><p>本文の一段落目です。十分な長さのある文章を書いておきます。</p>"
         "<p>本文の二段落目です。こちらも十分な長さのある文章を書いておきます。</p></article></body>")


@pytest.mark.parametrize("head", [
    '<link rel="canonical" href="https://www3.nhk.or.jp/news/html/20220108/k1.html">',
    '<meta property="og:url" content="https://www3.nhk.or.jp/news/html/20220108/k1.html">',
    # the first claim decides: a same-site og:url does not rescue a foreign rel=canonical
    '<link rel="canonical" href="https://www3.nhk.or.jp/news/html/20220108/k1.html">'
    '<meta property="og:url" content="http://127.0.0.1:41661/a.html">',
])
def test_a_canonical_url_on_another_site_is_not_trusted(head: str) -> None:
    """Issue 17: a local page named an NHK article as its canonical URL and was stored as it."""
    ex = extract_article(f"<html><head>{head}</head>{_BODY}</html>",
                         "http://127.0.0.1:41661/a.html?utm_source=x")
    assert ex.url == "http://127.0.0.1:41661/a.html" and ex.site == "127.0.0.1"
    assert ex.canonical_claim == "https://www3.nhk.or.jp/news/html/20220108/k1.html"


@pytest.mark.parametrize(("head", "url"), [
    ('<link rel="canonical" href="https://www.nhk.or.jp/news/k1.html">',
     "https://www.nhk.or.jp/news/k1.html"),
    ('<meta property="og:url" content="https://www.nhk.or.jp/news/k1.html">',
     "https://www.nhk.or.jp/news/k1.html"),
    ('<link rel="canonical" href="/news/k1.html">', "https://www3.nhk.or.jp/news/k1.html"),
    ("", "https://www3.nhk.or.jp/news/k1.html?id=3"),
])
def test_a_canonical_url_on_the_same_site_is_followed(head: str, url: str) -> None:
    ex = extract_article(f"<html><head>{head}</head>{_BODY}</html>",
                         "https://www3.nhk.or.jp/news/k1.html?id=3")
    assert ex.url == url and ex.canonical_claim is None
