"""Capturing and clipping through the journal: versions, canonical URLs, clips with selectors,
all-or-nothing writes."""

from __future__ import annotations

import pytest

from kirinuki.errors import BlockedAddressError, FetchError, InputError, NotFoundError
from kirinuki.journal import Journal, get_entry, stats
from kirinuki.journal.capture import article_history, capture, clip, parse_pick, selector_for
from kirinuki.model import Status
from kirinuki.text.cliptext import render
from tests.capture.conftest import MockWeb, data

URL = "https://news.minato-hodo.example/articles/2022/01/08/k100123.html"


def _counts(journal: Journal) -> tuple[int, int, int, int]:
    s = stats(journal)
    return s.entries, s.clips, s.articles, s.versions


def test_first_capture_stores_one_version(journal: Journal, web: MockWeb) -> None:
    web.page(URL, data("article_v1.html"))
    with web.fetcher() as f:
        res = capture(journal, URL, fetcher=f)
    assert res.new_version and res.number == 1 and res.changes == []
    assert res.article.url == URL and res.article.source is not None
    assert res.article.source.site == "news.minato-hodo.example"
    assert res.article.source.name == "みなと報道ニュース"
    assert len(res.version.paragraphs) == 6
    assert _counts(journal) == (0, 0, 1, 1)


def test_same_text_adds_no_version_and_changed_text_adds_one(journal: Journal,
                                                             web: MockWeb) -> None:
    web.page(URL, data("article_v1.html"))
    with web.fetcher() as f:
        capture(journal, URL, fetcher=f)
        again = capture(journal, URL + "?utm_source=rss#top", fetcher=f)
        assert not again.new_version and again.number == 1
        web.page(URL, data("article_v2.html"))
        v2 = capture(journal, URL, fetcher=f)
    assert v2.new_version and v2.number == 2
    assert v2.figures == [("3800人以上", "4400人以上")]
    assert [d.kind for d in v2.changes].count("added") == 1
    hist = article_history(journal, URL)
    assert len(hist.article.versions) == 2
    assert "3800人以上" in hist.article.versions[0].paragraphs[0]  # nothing overwritten
    assert "4400人以上" in hist.article.versions[1].paragraphs[0]
    assert hist.diffs[0][0].figures == [("3800人以上", "4400人以上")]


def test_links_with_tracking_or_other_paths_are_one_article(journal: Journal,
                                                            web: MockWeb) -> None:
    mobile = "https://m.news.minato-hodo.example/a/k100123?utm_campaign=x"
    web.page("https://m.news.minato-hodo.example/a/k100123", data("article_v1.html"))
    web.page(URL, data("article_v1.html"))
    with web.fetcher() as f:
        first = capture(journal, mobile, fetcher=f)
        second = capture(journal, URL, fetcher=f)
    assert first.article.url == second.article.url == URL  # rel=canonical followed
    assert first.article.id == second.article.id
    assert article_history(journal, mobile).article.id == first.article.id
    assert _counts(journal)[2:] == (1, 1)


def test_conditional_get_uses_stored_validators(journal: Journal, web: MockWeb) -> None:
    body = data("article_v1.html")

    def answer(request):  # type: ignore[no-untyped-def]
        import httpx

        if request.headers.get("if-none-match") == '"e1"':
            return httpx.Response(304, headers={"ETag": '"e1"'})
        return httpx.Response(200, headers={"Content-Type": "text/html", "ETag": '"e1"'},
                              content=body)

    web.handle(URL, answer)
    with web.fetcher() as f:
        capture(journal, URL, fetcher=f)
        res = capture(journal, URL, fetcher=f)
    assert res.not_modified and res.number == 1 and not res.new_version
    assert web.requests[1].headers["if-none-match"] == '"e1"'


def test_clip_with_pick_adds_a_group_with_selectors(journal: Journal, web: MockWeb) -> None:
    web.page(URL, data("article_v1.html"))
    with web.fetcher() as f:
        res = clip(journal, URL, pick="1,3-4", tags=["ルスタニア", "#抗議#治安"], fetcher=f)
    paragraphs = res.capture.version.paragraphs
    assert [c.text for c in res.clips] == [paragraphs[0], paragraphs[2], paragraphs[3]]
    assert all(c.article_version_id == res.capture.version.id for c in res.clips)
    first = res.clips[0].selector
    assert first is not None and first.exact == paragraphs[0] and first.prefix == ""
    assert first.suffix == ("\n" + paragraphs[1])[:32]
    third = res.clips[1].selector
    assert third is not None and third.prefix == ("\n".join(paragraphs[:2]) + "\n")[-32:]
    entry = get_entry(journal, res.entry.id or 0)
    assert entry.status is Status.DRAFT
    assert [t.name for t in entry.groups[-1].tags] == ["ルスタニア", "抗議", "治安"]
    assert entry.clips[0].citation is not None and entry.clips[0].citation.url == URL
    assert "#ルスタニア#抗議#治安" in render(entry)


def test_clip_with_match_and_into_a_given_entry(journal: Journal, web: MockWeb) -> None:
    web.page(URL, data("article_v1.html"))
    with web.fetcher() as f:
        first = clip(journal, URL, pick="1", tags=["a"], fetcher=f)
        second = clip(journal, URL, match="ＢＥＲＧＥＲ国務長官".replace("ＢＥＲＧＥＲ", "ベルガー"),
                      tags=["b"], entry=str(first.entry.id), fetcher=f)
    assert second.entry.id == first.entry.id
    assert len(second.clips) == 1 and "ベルガー国務長官" in second.clips[0].text
    assert len(get_entry(journal, first.entry.id or 0).groups) == 2


def test_clip_asks_the_chooser(journal: Journal, web: MockWeb) -> None:
    web.page(URL, data("article_v1.html"))
    asked: list[tuple[int, str | None]] = []

    def chooser(paragraphs: list[str], title: str | None) -> list[int]:
        asked.append((len(paragraphs), title))
        return [5]

    with web.fetcher() as f:
        res = clip(journal, URL, chooser=chooser, tags=["x"], fetcher=f)
    assert asked == [(6, "ルスタニア 抗議活動で3800人以上拘束 政府「秩序回復へ」")]
    assert res.clips[0].text.endswith("と指摘しています。")


@pytest.mark.parametrize(("kw", "error"), [
    ({"pick": "7"}, InputError),
    ({"pick": "2-1"}, InputError),
    ({"match": "存在しない言葉"}, InputError),
    ({"tags": ["bad tag"]}, InputError),
    ({"entry": "999"}, NotFoundError),
    ({}, InputError),  # no --pick/--match and nobody to ask
])
def test_bad_clips_store_nothing(journal: Journal, web: MockWeb, kw: dict[str, object],
                                 error: type[Exception]) -> None:
    web.page(URL, data("article_v1.html"))
    with web.fetcher() as f, pytest.raises(error):
        clip(journal, URL, fetcher=f, **kw)  # type: ignore[arg-type]
    assert _counts(journal) == (0, 0, 0, 0)


@pytest.mark.parametrize(("url", "page", "error", "message"), [
    ("http://10.0.0.8/a", b"", BlockedAddressError, "private address"),
    (URL, data("no_article.html"), InputError, "no article text"),
    (URL, None, FetchError, "HTTP 404"),
    ("ftp://news.minato-hodo.example/a", b"", InputError, "http"),
])
def test_bad_pages_store_nothing(journal: Journal, web: MockWeb, url: str, page: bytes | None,
                                 error: type[Exception], message: str) -> None:
    if page is not None:
        web.page(url, page)
    with web.fetcher() as f, pytest.raises(error, match=message):
        clip(journal, url, pick="1", fetcher=f)
    assert _counts(journal) == (0, 0, 0, 0)


def test_pdf_is_refused(journal: Journal, web: MockWeb) -> None:
    web.page(URL, b"%PDF-1.7 ...", content_type="application/pdf")
    with web.fetcher() as f, pytest.raises(FetchError, match="application/pdf"):
        capture(journal, URL, fetcher=f)


def test_unknown_inbox_number(journal: Journal) -> None:
    with pytest.raises(NotFoundError, match="no inbox item 42"):
        capture(journal, "42")


def test_article_history_of_unknown_article(journal: Journal) -> None:
    with pytest.raises(NotFoundError):
        article_history(journal, URL)


def test_parse_pick() -> None:
    assert parse_pick("1,3-5, 2", 6) == [0, 2, 3, 4, 1]
    assert parse_pick("2,2", 3) == [1]
    for bad in ("0", "1-", "a", "4", ""):
        with pytest.raises(InputError):
            parse_pick(bad, 3)


def test_selector_for_last_paragraph() -> None:
    sel = selector_for(["一段落目", "二段落目"], 1)
    assert (sel.exact, sel.prefix, sel.suffix) == ("二段落目", "一段落目\n", "")


def test_private_addresses_allowed_by_setting_or_environment(
        journal: Journal, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from kirinuki.journal import update_settings
    from kirinuki.journal.capture import make_fetcher

    monkeypatch.delenv("KIRINUKI_ALLOW_PRIVATE", raising=False)
    monkeypatch.setenv("KIRINUKI_FETCH_MAX_BYTES", "12345")
    with make_fetcher(journal) as f:
        assert not f.allow_private and f.max_bytes == 12345
    monkeypatch.setenv("KIRINUKI_ALLOW_PRIVATE", "1")
    with make_fetcher(journal) as f:
        assert f.allow_private
    monkeypatch.delenv("KIRINUKI_ALLOW_PRIVATE")
    update_settings(journal, replace(journal.settings, fetch_allow_private=True))
    with make_fetcher(journal) as f:
        assert f.allow_private
