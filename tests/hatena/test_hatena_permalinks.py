"""Permalinks and dates from the Hatena ways in (issue 17, item 1): an AtomPub client is
refused (400) a custom URL or date that breaks the rules; an MT export and a pulled blog are
brought in with the permalink renamed, or the entry left out, and the import says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI, Response
from fastapi.testclient import TestClient

from kirinuki.journal import Journal, get_entry, import_paths, init_journal, open_journal
from kirinuki.journal.hatena_client import Remote, pull
from kirinuki.publish import publish
from kirinuki.text.permalinks import is_permalink
from tests.hatena.test_hatena_atompub import BASE, _basic, served  # noqa: F401 (fixture)

BLOG = "clip.hatenablog.example"


def _post(custom: str | None = None, updated: str = "2024-02-01T03:00:00Z") -> bytes:
    url = f"<opt:custom-url>{custom}</opt:custom-url>" if custom is not None else ""
    return (f"""<?xml version="1.0" encoding="utf-8"?>
<entry xmlns="http://www.w3.org/2005/Atom" xmlns:app="http://www.w3.org/2007/app"
       xmlns:opt="http://www.hatena.ne.jp/info/xmlns#hatenablog">
  <title>停戦協議</title>
  <content type="text/x-markdown">&gt; 停戦協議が再開された。</content>
  <updated>{updated}</updated>
  {url}
</entry>""").encode()


@pytest.mark.parametrize("custom", [
    "a\\..\\..\\b", "x" * 300, "../../etc", "a/./b", "2024//x", "a b", "a%2Fb", ".hidden",
    "x/index.html", "/".join(["y" * 200] * 6)])
def test_atompub_refuses_a_custom_url_that_breaks_the_rule(
        served: tuple[TestClient, str, str], custom: str) -> None:  # noqa: F811
    client, path, key = served
    r = client.post(BASE + "/entry", content=_post(custom), headers=_basic(key))
    assert r.status_code == 400, r.text
    assert "cannot be used" in r.text
    with open_journal(path) as j:
        rows = j.store.conn.execute("SELECT permalink FROM entries").fetchall()
    assert all(is_permalink(p) for (p,) in rows if p)  # nothing stored


@pytest.mark.parametrize("updated", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00",
                                     "9500-01-01T00:00:00Z"])
def test_atompub_refuses_a_date_out_of_range(
        served: tuple[TestClient, str, str], updated: str) -> None:  # noqa: F811
    client, _, key = served
    r = client.post(BASE + "/entry", content=_post(updated=updated), headers=_basic(key))
    assert r.status_code == 400, r.text
    assert "outside 1000-9000" in r.text


def test_atompub_takes_a_good_custom_url_and_keeps_it_on_put(
        served: tuple[TestClient, str, str]) -> None:  # noqa: F811
    client, _, key = served
    r = client.post(BASE + "/entry", content=_post("2024/停戦"), headers=_basic(key))
    assert r.status_code == 201, r.text
    assert "/entry/2024/停戦" in r.text
    again = client.post(BASE + "/entry", content=_post("2024/停戦"), headers=_basic(key))
    assert again.status_code == 201 and "/entry/2024/停戦_1" in again.text
    eid = r.headers["location"].rsplit("/", 1)[1]
    put = client.put(f"{BASE}/entry/{eid}", content=_post("2024/停戦"), headers=_basic(key))
    assert put.status_code == 200 and "/entry/2024/停戦<" not in put.text
    assert "/entry/2024/停戦\"" in put.text  # its own permalink, not a `_2` variant


def _mt(basename: str, date: str = "06/01/2023 12:00:00", title: str = "港の混雑") -> str:
    return (f"TITLE: {title}\nBASENAME: {basename}\nSTATUS: Publish\nDATE: {date}\n-----\n"
            "BODY:\n<p>港の混雑が続いています。</p>\n-----\n--------\n")


def test_an_mt_basename_that_breaks_the_rule_is_renamed_and_reported(
        blog: Journal, tmp_path: Path) -> None:
    src = tmp_path / "blog.export.txt"
    src.write_text(_mt("a\\..\\..\\b") + _mt("x" * 300, "06/02/2023 12:00:00", "長い")
                   + _mt("2023/06/03/ok", "06/03/2023 12:00:00", "普通")
                   + _mt("2023/06/04/late", "06/04/9999 23:59:59", "未来"), encoding="utf-8")
    s = import_paths(blog, [str(src)])
    assert s.entries_added == 3
    assert len(s.changed) == 2
    assert "line 1: entry '港の混雑': permalink '/entry/a\\..\\..\\b'" in s.changed[0]
    assert s.changed[0].endswith("renamed to /entry/a-..-..-b")
    assert "'長い'" in s.changed[1] and "longer than 240 bytes" in s.changed[1]
    assert any("'未来'" in p and "outside 1000-9000" in p for p in s.problems)
    assert get_entry(blog, "/entry/a-..-..-b").title == "港の混雑"
    assert get_entry(blog, "/entry/" + "x" * 240).title == "長い"
    again = import_paths(blog, [str(src)])  # renamed the same way: found present
    assert (again.entries_added, again.entries_present) == (0, 3)
    report = publish(blog, tmp_path / "site", jobs=1)
    assert not report.warnings and (tmp_path / "site/entry/a-..-..-b/index.html").is_file()


def _feed(entries: str) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"'
            ' xmlns:app="http://www.w3.org/2007/app">' + entries + "</feed>")


def _remote(rid: int, href: str, when: str = "2024-02-01T12:00:00+09:00") -> str:
    return (f"<entry><id>tag:blog.hatena.ne.jp,2013:blog-alice-{BLOG}-{rid}</id>"
            f'<link rel="alternate" type="text/html" href="{href}"/>'
            f"<title>記事{rid}</title><updated>{when}</updated>"
            f"<app:edited>{when}</app:edited>"
            '<content type="text/x-markdown">&gt; 港の混雑が続いています。</content>'
            "<app:control><app:draft>no</app:draft></app:control></entry>")


@pytest.fixture
def hostile() -> Iterator[TestClient]:
    """A blog on 127.0.0.1 whose entries carry crafted addresses and dates."""
    app = FastAPI()
    body = _feed(
        _remote(1, "https://evil.example/entry/a\\..\\..\\b")
        + _remote(2, "https://evil.example/entry/" + "x" * 300)
        + _remote(3, "https://evil.example/entry/%E5%81%9C%E6%88%A6?x=1#top")
        + _remote(4, "https://evil.example/entry/../../../etc/passwd")
        + _remote(5, "https://evil.example/entry/late", "9999-12-31T23:59:59-12:00"))

    @app.get("/alice/clip.hatenablog.example/atom/entry")
    def entries() -> Response:
        return Response(body, media_type="application/atom+xml")

    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


def test_pull_from_a_hostile_blog_renames_and_reports(hostile: TestClient,
                                                      tmp_path: Path) -> None:
    j = init_journal(str(tmp_path / "local.db"), "手元", [BLOG])
    s = pull(j, Remote("alice", BLOG, "key", "http://127.0.0.1"), hostile)
    assert (s.added, len(s.changed), len(s.problems)) == (4, 3, 1)
    assert "entry 5 '記事5'" in s.problems[0] and "outside 1000-9000" in s.problems[0]
    links = sorted(str(p) for (p,) in j.store.conn.execute("SELECT permalink FROM entries"))
    assert links == sorted(["/entry/a-..-..-b", "/entry/" + "x" * 240, "/entry/停戦",
                            "/entry/etc/passwd"])
    assert all("stored as /entry/" in c for c in s.changed)
    report = publish(j, tmp_path / "site", jobs=1)
    assert report.entries == 4 and not report.warnings
    assert not (tmp_path / "etc").exists()
    j.close()
