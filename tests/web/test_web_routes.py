"""The web app routes the published pages through the publisher's one address scheme: it
serves every file a publish writes, at the same address."""

from __future__ import annotations

import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kirinuki.journal import open_journal
from kirinuki.journal.composing import set_entry
from kirinuki.journal.editing import merge_tags
from kirinuki.publish import publish
from tests.conftest import examples
from tests.publish.conftest import make_journal
from tests.publish.test_publish_property import Story, step

# The web app draws the sidebar inside HTML pages (no frame to fetch): they differ from the
# files; every other page is the same bytes.
SAME_BYTES = (".xml", ".json", ".txt", ".css", ".js", "/rss")
REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


def test_the_app_serves_every_published_file(client: TestClient, web_journal: str,
                                             tmp_path: Path) -> None:
    with open_journal(web_journal) as j:
        publish(j, tmp_path / "site", jobs=1)
    site = tmp_path / "site"
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert len(files) > 300
    same = 0
    for name in files:
        url = quote("/" + name.removesuffix("index.html"))
        r = client.get(url, follow_redirects=False)
        if url == "/search/":  # the app's own search answers there (`routes/search.py`)
            assert r.status_code == 200
            continue
        assert r.status_code == 200, (url, r.status_code)
        if url.endswith(SAME_BYTES):
            assert r.content == (site / name).read_bytes(), url
            same += 1
    assert same > 100


def test_a_folder_address_without_its_final_slash_moves_to_it(client: TestClient) -> None:
    for path in ("/about", "/archive", "/page/1", "/archive/category"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 301, path
        assert r.headers["location"] == path + "/"
    assert client.get("/nope", follow_redirects=False).status_code == 404
    assert client.get("/page/99999", follow_redirects=False).status_code == 404


def test_a_page_a_tag_does_not_have_is_not_found_and_an_old_spelling_moves(
        client: TestClient) -> None:
    """A tag's page past its last is 404 (not a redirect to itself); another spelling of the
    tag's name that folds to it moves to the tag's address, page included."""
    r = client.get("/archive/category/", follow_redirects=False)
    assert r.status_code == 200
    tag = next(t for t in client.app.state.web.site.ctx.tags.values()  # type: ignore[attr-defined]
               if t.segment.isascii() and t.segment.isalpha() and t.segment != t.segment.upper())
    assert client.get(tag.url + "page/999/", follow_redirects=False).status_code == 404
    r = client.get(tag.url.replace(tag.segment, tag.segment.upper()) + "page/1/",
                   follow_redirects=False)
    assert r.status_code == 301
    assert r.headers["location"] == tag.url + "page/1/"


def check_served(site: Path, journal_path: str) -> int:
    """Every file of `site` is served by the app over `journal_path`: redirect pages' addresses
    answer 301 to their targets, every other address 200. Returns the redirects seen."""
    from kirinuki.web import create_app

    moved = 0
    with TestClient(create_app(journal_path), base_url="http://127.0.0.1") as c:
        for page in sorted(p for p in site.rglob("*") if p.is_file()):
            name = page.relative_to(site).as_posix()
            url = quote("/" + name.removesuffix("index.html"))
            r = c.get(url, follow_redirects=False)
            target = REFRESH.search(page.read_text(encoding="utf-8", errors="replace"))
            if target is not None:  # a redirect page at an old address
                assert r.status_code == 301, url
                assert r.headers["location"] == target.group(1), url
                moved += 1
            else:
                assert r.status_code == 200, (url, r.status_code)
    return moved


def test_the_app_answers_every_published_address_after_moves(tmp_path: Path) -> None:
    """With a merged tag and an entry moved to another date, every file a publish writes is
    served, and each redirect page's address answers 301 to the page it leads to."""
    j = make_journal(tmp_path)
    try:
        merge_tags(j, ["米国"], "反ロシア")
        set_entry(j, "/entry/2024/01/05/090000",
                  at=datetime.fromisoformat("2024-01-04T08:00:00+09:00"))
        publish(j, tmp_path / "site", jobs=1)
    finally:
        j.close()
    assert check_served(tmp_path / "site", str(tmp_path / "site.db")) == 2


@settings(max_examples=examples(3), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(step, min_size=1, max_size=4))
def test_the_app_serves_what_random_small_journals_publish(changes: list[tuple[Any, ...]]
                                                           ) -> None:
    with tempfile.TemporaryDirectory(prefix="kirinuki-webroutes-") as tmp:
        folder = Path(tmp)
        j = make_journal(folder)
        try:
            story = Story(j, folder)
            for change in changes:
                story.apply(change)
            publish(j, folder / "site", jobs=1)
        finally:
            j.close()
        check_served(folder / "site", str(folder / "site.db"))
