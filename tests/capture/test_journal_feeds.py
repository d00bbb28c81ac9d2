"""Feeds through the journal: add, list, remove, poll (broken feeds included), OPML, inbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kirinuki.capture.feeds import OpmlFeed, render_opml
from kirinuki.errors import ConflictError, InputError, NotFoundError
from kirinuki.journal import Journal
from kirinuki.journal.capture import clip
from kirinuki.journal.feeds import (
    PollResult,
    add_feed,
    export_opml,
    import_opml,
    inbox,
    list_feeds,
    poll_feeds,
    remove_feed,
)
from tests.capture.conftest import DATA, MockWeb, data

RSS = "https://news.minato-hodo.example/rss/international.xml"
RDF = "https://www.kitahama-keizai.example/rss/markets.rdf"
ATOM = "https://shiokaze.example/politics/atom.xml"
XML = "application/rss+xml"


def _feeds(web: MockWeb) -> None:
    web.page(RSS, data("feed_rss2.xml"), content_type=XML)
    web.page(RDF, data("feed_rss1.rdf"), content_type="application/rdf+xml")
    web.page(ATOM, data("feed_atom.xml"), content_type="application/atom+xml")


def test_add_feed_fills_the_inbox_newest_first(journal: Journal, web: MockWeb) -> None:
    _feeds(web)
    with web.fetcher() as f:
        res = add_feed(journal, RSS, fetcher=f)
        add_feed(journal, ATOM, fetcher=f)
        add_feed(journal, RDF, fetcher=f)
    assert (res.new_items, res.items, res.feed.title) == (3, 3, "みなと報道ニュース 国際")
    items = inbox(journal)
    assert len(items) == 7
    times = [i.published for i in items]
    assert times == sorted(times, reverse=True)  # type: ignore[type-var]
    assert items[0].title == "ルスタニア 抗議活動で拘束者相次ぐ"
    assert items[0].feed_title == "みなと報道ニュース 国際" and items[0].versions == 0
    assert [f.items for f in list_feeds(journal)] == [3, 2, 2]


def test_adding_twice_and_adding_a_non_feed(journal: Journal, web: MockWeb) -> None:
    _feeds(web)
    page = "https://news.minato-hodo.example/a.html"
    web.page(page, data("article_v1.html"))
    with web.fetcher() as f:
        add_feed(journal, RSS, fetcher=f)
        with pytest.raises(ConflictError):
            add_feed(journal, RSS + "?utm_source=x", fetcher=f)
        with pytest.raises(InputError, match="HTML page"):
            add_feed(journal, page, fetcher=f)
    assert len(list_feeds(journal)) == 1


def test_poll_reports_each_broken_feed_and_goes_on(journal: Journal, web: MockWeb,
                                                   tmp_path: Path) -> None:
    _feeds(web)
    broken = {
        "https://bad.example/malformed.xml": b'<?xml version="1.0"?><rss version="2.0"><chan',
        "https://bad.example/html.xml": data("article_v1.html"),
    }
    for url, body in broken.items():
        web.page(url, body, content_type=XML)
    web.page("https://bad.example/404.xml", b"gone", status=404)
    web.page("https://bad.example/500.xml", b"boom", status=500)

    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("too slow", request=request)

    web.handle("https://bad.example/timeout.xml", timeout)

    def huge() -> Iterator[bytes]:
        for _ in range(20 * 1024):
            yield b"<!-- padding -->" * 64

    web.handle("https://bad.example/huge.xml",
               lambda req: httpx.Response(200, headers={"Content-Type": XML}, content=huge()))
    urls = [RSS, *broken, "https://bad.example/404.xml", "https://bad.example/500.xml",
            "https://bad.example/timeout.xml", "https://bad.example/huge.xml", ATOM]
    seen: list[PollResult] = []
    opml = tmp_path / "feeds.opml"
    opml.write_bytes(render_opml([OpmlFeed(u) for u in urls], "t"))
    assert import_opml(journal, str(opml)) == (len(urls), 0)
    with web.fetcher() as f:
        results = poll_feeds(journal, fetcher=f, jobs=3, on_result=seen.append)
    by_url = {r.feed.url: r for r in results}
    assert len(seen) == len(results) == len(urls)
    assert by_url[RSS].ok and by_url[RSS].new_items == 3
    assert by_url[ATOM].ok and by_url[ATOM].new_items == 2
    assert "malformed" in (by_url["https://bad.example/malformed.xml"].error or "")
    assert "HTML page" in (by_url["https://bad.example/html.xml"].error or "")
    assert "HTTP 404" in (by_url["https://bad.example/404.xml"].error or "")
    assert "HTTP 500" in (by_url["https://bad.example/500.xml"].error or "")
    assert "timed out" in (by_url["https://bad.example/timeout.xml"].error or "")
    assert "limit" in (by_url["https://bad.example/huge.xml"].error or "")
    statuses = {f.url: f.status for f in list_feeds(journal)}
    assert statuses[RSS] == "ok: 3 new"
    assert (statuses["https://bad.example/500.xml"] or "").startswith("error: ")
    assert len(inbox(journal)) == 5


def test_second_poll_is_conditional(journal: Journal, web: MockWeb) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.headers.get("if-modified-since") == "Sat, 08 Jan 2022 09:10:00 GMT":
            return httpx.Response(304)
        return httpx.Response(200, content=data("feed_rss2.xml"), headers={
            "Content-Type": XML, "Last-Modified": "Sat, 08 Jan 2022 09:10:00 GMT"})

    web.handle(RSS, answer)
    with web.fetcher() as f:
        add_feed(journal, RSS, fetcher=f)
        (res,) = poll_feeds(journal, fetcher=f)
        (again,) = poll_feeds(journal, ["1"], fetcher=f)
    assert res.not_modified and again.not_modified and res.new_items == 0
    assert len(inbox(journal)) == 3


def test_new_items_only_once(journal: Journal, web: MockWeb) -> None:
    _feeds(web)
    with web.fetcher() as f:
        add_feed(journal, RSS, fetcher=f)
        (res,) = poll_feeds(journal, fetcher=f)
    assert (res.new_items, res.items) == (0, 3)


def test_clip_by_inbox_number(journal: Journal, web: MockWeb) -> None:
    _feeds(web)
    web.page("https://news.minato-hodo.example/articles/2022/01/08/k100123.html",
             data("article_v1.html"))
    with web.fetcher() as f:
        add_feed(journal, RSS, fetcher=f)
        number = inbox(journal)[0].id
        res = clip(journal, str(number), pick="2", tags=["ルスタニア"], fetcher=f)
    assert res.capture.article.url.endswith("/k100123.html")
    item = inbox(journal)[0]
    assert item.id == number and item.clipped and item.versions == 1
    assert inbox(journal, unclipped=True)[0].id != number


def test_remove_feed_keeps_its_items(journal: Journal, web: MockWeb) -> None:
    _feeds(web)
    with web.fetcher() as f:
        add_feed(journal, RSS, fetcher=f)
    assert remove_feed(journal, RSS).title == "みなと報道ニュース 国際"
    assert list_feeds(journal) == [] and len(inbox(journal)) == 3
    with pytest.raises(NotFoundError):
        remove_feed(journal, "1")
    with pytest.raises(NotFoundError):
        poll_feeds(journal, ["9"])


def test_opml_import_and_export(journal: Journal, tmp_path: Path) -> None:
    added, present = import_opml(journal, str(DATA / "feeds.opml"))
    assert (added, present) == (3, 0)
    assert import_opml(journal, str(DATA / "feeds.opml")) == (0, 3)
    out = tmp_path / "out.opml"
    out.write_bytes(export_opml(journal))
    assert import_opml(journal, str(out)) == (0, 3)
    assert b"xmlUrl=\"https://shiokaze.example/politics/atom.xml\"" in out.read_bytes()
    bad = tmp_path / "bad.opml"
    bad.write_bytes(b"<html>not opml</html>")
    with pytest.raises(InputError):
        import_opml(journal, str(bad))
    with pytest.raises(NotFoundError):
        import_opml(journal, str(tmp_path / "missing.opml"))
    assert len(list_feeds(journal)) == 3
