"""The live site's fast paths: pages rendered before routing, and the site context kept up to
date after writes without rebuilding it; every page must equal what a fresh app renders."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from kirinuki.journal import Journal, get_entry, open_journal
from kirinuki.journal.editing import (
    add_group,
    delete_entry,
    edit_clip,
    rename_tag,
    replace_entry,
    set_status,
)
from kirinuki.model import Clip, Group, Status, TagLine, TagRef
from kirinuki.publish import urls
from kirinuki.web import create_app, follow
from kirinuki.web.live import LiveSite
from kirinuki.web.state import WebState


def _web(client: TestClient) -> WebState:
    web: WebState = client.app.state.web  # type: ignore[attr-defined]
    return web


def _site_urls(web: WebState) -> list[str]:
    ctx = web.site.fresh()
    assert ctx is not None
    entries = ctx[0].entries
    tag = next(iter(ctx[0].tags.values()))
    d = entries[-1].published
    return ["/", "/page/2/", f"{entries[0].permalink}/", f"{entries[-1].permalink}/",
            f"{entries[1].permalink}/entry.txt", tag.url, "/archive/", f"/archive/{d.year}/",
            f"/archive/{d.year}/{d.month:02d}/", "/feed.xml", "/about/", "/robots.txt"]


@pytest.fixture
def routed_only(web_journal: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """An app whose reading pages all go through the reading route (no fast path)."""
    with monkeypatch.context() as m:
        m.setattr(WebState, "quick_page", lambda self, path, mark=None: None)
        app = create_app(web_journal)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


def test_pages_rendered_before_routing_equal_the_route_s(client: TestClient,
                                                          routed_only: TestClient) -> None:
    web = _web(client)
    urls = _site_urls(web)
    for url in urls:
        assert web.quick_page(unquote(url)) is not None, url  # the request's decoded path
    fast = [client.get(url) for url in urls]
    slow = [routed_only.get(url) for url in urls]
    for url, a, b in zip(urls, fast, slow, strict=True):
        assert a.status_code == b.status_code == 200, url
        assert a.content == b.content, url
        assert a.headers["content-type"] == b.headers["content-type"], url
        assert a.headers["content-security-policy"] == b.headers["content-security-policy"]


def test_the_site_context_is_left_out_of_garbage_collections(client: TestClient) -> None:
    built = _web(client).site.fresh()
    assert built is not None
    assert gc.get_freeze_count() >= len(built[0].entries)  # each entry is a tracked object


def test_a_replaced_renderer_is_collected(client: TestClient,
                                         web_journal: str) -> None:
    web = _web(client)
    built = web.site.fresh()
    assert built is not None
    old = weakref.ref(built[1])
    client.get(f"{built[0].entries[-1].permalink}/")  # fills the renderer's caches
    del built
    with open_journal(web_journal) as w:
        entry = add_group(w, "today", _group("描画器を入れ替える書き込み。", "追従試験"))
        set_status(w, str(entry.id), Status.PUBLISHED)
    client.get("/")
    assert web.site.analysis is not None and web.site.analysis.settle(60)
    client.get("/")
    gc.collect()
    assert old() is None  # not left in the frozen generation with its caches


def test_no_fast_path_for_redirects_unknown_pages_or_a_stale_context(
        client: TestClient, web_journal: str) -> None:
    web = _web(client)
    ctx = web.site.fresh()
    assert ctx is not None
    entry = ctx[0].entries[-1]
    assert web.quick_page(entry.permalink) is None  # no trailing slash: the route redirects
    assert web.quick_page("/no/such/page/") is None
    r = client.get(entry.permalink, follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == f"{entry.permalink}/"
    assert client.get("/no/such/page/").status_code == 404
    # A write by another connection: the context is stale until a request brings it up to date.
    with open_journal(web_journal) as j:
        clip = get_entry(j, str(entry.id)).clips[0]
        assert clip.id is not None
        edit_clip(j, clip.id, "別の接続で書き換えた速い道の切り抜き。")
    assert web.site.fresh() is None
    assert web.quick_page(f"{entry.permalink}/") is None
    assert "別の接続で書き換えた" in client.get(f"{entry.permalink}/").text
    assert web.site.analysis is not None and web.site.analysis.settle(60)
    assert client.get("/").status_code == 200  # after the analysis's own commit
    assert web.site.fresh() is not None


FIRST = ("ルスタニア政府は三日、首都での抗議デモに参加した3800人以上を拘束したと発表しました。"
         "デモは週末にかけて全国の十二の都市に広がりました。")
SECOND = FIRST.replace("3800人以上", "4400人以上")


def _fresh(web_journal: str, urls: list[str]) -> list[bytes]:
    """The pages as a new app (new site context, built from every entry) renders them."""
    with TestClient(create_app(web_journal), base_url="http://127.0.0.1") as fresh:
        return [fresh.get(url).content for url in urls]


def _same_as_fresh(client: TestClient, web_journal: str, urls: list[str]) -> None:
    analysis = _web(client).site.analysis
    assert analysis is not None
    # A read takes in the writes and only then starts the analysis of their clips (versions,
    # suggestions, statements): settle after it, twice, so that the pages compared hold what
    # that run committed.
    for _ in range(2):
        client.get("/")
        assert analysis.settle(60)
    client.get("/")  # takes in what the analysis committed
    mine = [client.get(url).content for url in urls]
    for url, a, b in zip(urls, mine, _fresh(web_journal, urls), strict=True):
        assert a == b, url


def _group(text: str, *tags: str) -> Group:
    return Group(items=[Clip(text=text)], tag_lines=[TagLine([TagRef(t) for t in tags])])


def test_the_context_follows_every_kind_of_write_without_a_full_build(
        client: TestClient, web_journal: str, monkeypatch: pytest.MonkeyPatch) -> None:
    builds: list[int] = []
    real = LiveSite._build
    web = _web(client)

    def counted(self: LiveSite, journal: Journal) -> int:
        if self is web.site:  # not the fresh apps' own
            builds.append(1)
        return real(self, journal)

    monkeypatch.setattr(LiveSite, "_build", counted)
    ctx = web.site.fresh()
    assert ctx is not None
    oldest, tag = ctx[0].entries[0], next(iter(ctx[0].tags.values()))
    base = ["/", "/page/2/", f"{oldest.permalink}/", tag.url, "/archive/", "/feed.xml",
            "/about/", urls.TAGS_URL]
    with open_journal(web_journal) as w:
        # Today's entry, published: it comes after every other (the copy-on-write path).
        first = add_group(w, "today", _group(FIRST, tag.display))
        first = set_status(w, str(first.id), Status.PUBLISHED)
        pages = [*base, f"{first.permalink}/"]
        _same_as_fresh(client, web_journal, pages)
        # A later version of that clip in another entry, under a new tag: the version note
        # shows once the analysis (apart from requests) has committed its link.
        second = add_group(w, None, _group(SECOND, "追従試験"))
        second = set_status(w, str(second.id), Status.PUBLISHED)
        pages += [f"{second.permalink}/", urls.tag_url("追従試験")]
        client.get("/")  # the first read after the write starts the analysis
        analysis = web.site.analysis
        assert analysis is not None and analysis.settle(60)
        # Its own commit (the version link) is taken in without a further run; an idle run
        # changes nothing a page shows, so the runs are seen where they start.
        runs: list[int] = []
        real_catch_up = follow.catch_up_analysis
        monkeypatch.setattr(follow, "catch_up_analysis",
                            lambda journal: (runs.append(1), real_catch_up(journal))[1])
        client.get("/")
        assert analysis.settle(60) and runs == []
        _same_as_fresh(client, web_journal, pages)
        assert "4400人以上" in client.get(f"{second.permalink}/").text
        assert "3800人以上 → 4400人以上" in client.get(f"{second.permalink}/").text
        # The oldest entry gains a tag (in place), then is unpublished and published again
        # (removed, then put back between others), then an entry is deleted.
        old = get_entry(w, str(oldest.id))
        old.groups.append(_group("古い記事に足した切り抜き。", "追従試験"))
        replace_entry(w, old)
        _same_as_fresh(client, web_journal, pages)
        set_status(w, str(oldest.id), Status.DRAFT)
        assert client.get(f"{oldest.permalink}/").status_code == 404
        _same_as_fresh(client, web_journal, pages)
        set_status(w, str(oldest.id), Status.PUBLISHED)
        _same_as_fresh(client, web_journal, pages)
        delete_entry(w, str(first.id))
        assert client.get(f"{first.permalink}/").status_code == 404
        _same_as_fresh(client, web_journal, pages)
        assert builds == []
        # A tag renamed: every page showing it changes; the one case that builds it all.
        rename_tag(w, "追従試験", "追従の試験")
        pages.append(urls.tag_url("追従の試験"))
        _same_as_fresh(client, web_journal, pages)
        assert builds == [1]
