"""`kirinuki hatena pull/push` against kirinuki's own AtomPub server (issue 8, step 6)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kirinuki.errors import FetchError
from kirinuki.journal import Journal, get_entry, import_paths, init_journal, open_journal
from kirinuki.journal.hatena_atompub import PAGE_SIZE, create_api_key
from kirinuki.journal.hatena_client import Remote, pull, push
from kirinuki.model import Status
from kirinuki.web import atompub
from kirinuki.web.state import WebState

BLOG = "clip.hatenablog.example"


def _export(n: int) -> str:
    return "".join(
        f"TITLE: 記事 {i}\nBASENAME: 2023/06/{1 + i // 60:02d}/1200{i % 60:02d}\nSTATUS: Publish\n"
        f"DATE: 06/{1 + i // 60:02d}/2023 12:00:{i % 60:02d}\n-----\nBODY:\n"
        f'<blockquote><p>第{i}報：港の混雑が続いています。</p><cite><a href="https://news.example'
        f'.jp/p/{i}">続報 {i}</a></cite></blockquote>\n<p>#物流</p>\n-----\n--------\n'
        for i in range(n))


@pytest.fixture
def remote_blog(tmp_path: Path) -> Iterator[tuple[TestClient, Remote, str]]:
    """(HTTP client bound to the server, Remote, served journal path): a blog of 130 entries."""
    path = str(tmp_path / "remote.db")
    j = init_journal(path, "遠隔", [BLOG])
    (tmp_path / "r.export.txt").write_text(_export(PAGE_SIZE + 30), encoding="utf-8")
    import_paths(j, [str(tmp_path / "r.export.txt")])
    key = create_api_key(j)
    j.close()
    app = FastAPI()
    app.state.web = WebState(path)
    app.include_router(atompub.router)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client, Remote("alice", BLOG, key, "http://127.0.0.1"), path
    app.state.web.close()


@pytest.fixture
def local(tmp_path: Path) -> Iterator[Journal]:
    j = init_journal(str(tmp_path / "local.db"), "手元", [BLOG])
    yield j
    j.close()


def test_pull_brings_every_page_in_and_again_adds_nothing(
        remote_blog: tuple[TestClient, Remote, str], local: Journal) -> None:
    client, remote, _ = remote_blog
    s = pull(local, remote, client)
    assert (s.pages, s.added) == (2, PAGE_SIZE + 30)
    e = get_entry(local, "/entry/2023/06/01/120005")
    assert e.title == "記事 5" and e.status is Status.PUBLISHED
    assert e.clips[0].text == "第5報：港の混雑が続いています。"
    assert e.clips[0].citation is not None and e.clips[0].citation.title == "続報 5"
    assert [t.name for t in e.tags] == ["物流"]
    again = pull(local, remote, client, restart=True)
    assert (again.added, again.updated, again.unchanged) == (0, 0, PAGE_SIZE + 30)


def test_pull_resumes_from_the_page_it_stopped_at(
        remote_blog: tuple[TestClient, Remote, str], local: Journal) -> None:
    client, remote, _ = remote_blog
    calls: list[str] = []
    real = client.request

    def flaky(method: str, url: object, **kw: object):  # noqa: ANN202
        calls.append(str(url))
        if "page=" in str(url) and len(calls) == 2:
            raise FetchError("connection dropped")
        return real(method, url, **kw)  # type: ignore[arg-type]

    client.request = flaky  # type: ignore[method-assign]
    with pytest.raises(FetchError):
        pull(local, remote, client)
    assert len(local.store.conn.execute("SELECT id FROM entries").fetchall()) == PAGE_SIZE
    s = pull(local, remote, client)
    assert "page=" in calls[-1] and (s.pages, s.added) == (1, 30)


def test_push_creates_then_updates(remote_blog: tuple[TestClient, Remote, str],
                                   local: Journal, export_path: Path) -> None:
    client, remote, path = remote_blog
    import_paths(local, [str(export_path)])
    s = push(local, remote, None, client)
    assert (s.added, s.updated) == (3, 0)
    draft = get_entry(local, "/entry/2023/04/05/070000")
    for g in draft.groups:
        for c in g.clips:
            c.text = c.text.replace("134円台", "135円台")
    from kirinuki.journal.editing import replace_entry
    replace_entry(local, draft)
    s = push(local, remote, "/entry/2023/04/05/070000", client)
    assert (s.added, s.updated) == (0, 1)
    served = open_journal(path)
    try:
        got = get_entry(served, "/entry/2023/04/05/070000")
        assert got.status is Status.DRAFT and "135円台" in got.clips[0].text
        assert got.clips[0].citation is not None
        first = get_entry(served, "/entry/2023/04/02/081500")
        assert [h.url for h in first.header] == ["https://clip.hatenablog.example"]
        assert first.title == "港湾ストと物流の混乱"
    finally:
        served.close()
