"""One bad row already stored (a permalink or a date that breaks the rules, written before them
or by hand) never takes `serve` down: issue 17, item 1. Before, every HTML page answered 400
(sign-in included) and a restarted server failed at start-up."""

from __future__ import annotations

import base64
import logging
import sqlite3
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kirinuki.journal import open_journal
from kirinuki.journal.hatena_atompub import create_api_key
from kirinuki.text.permalinks import permalink_problem
from kirinuki.web import create_app
from tests.web.conftest import PASSWORD, Owner, article_fetcher

PAGES = ["/", "/signin", "/archive/", "/archive/category/", "/feed.xml", "/about/",
         "/search/?q=%E5%A4%A7%E9%9B%AA"]


def spoil(path: str, **columns: str) -> tuple[int, str]:
    """Write `columns` into the newest published entry's row with raw SQL (no way in lets
    them through any more); its id and its permalink before."""
    conn = sqlite3.connect(path)
    with conn:
        eid, link = conn.execute("SELECT id, permalink FROM entries WHERE status = 'published'"
                                 " ORDER BY published DESC LIMIT 1").fetchone()
        for name, value in columns.items():
            conn.execute(f"UPDATE entries SET {name} = ? WHERE id = ?", (value, eid))
    conn.close()
    return int(eid), str(link)


@pytest.fixture
def started(web_journal: str) -> Iterator[TestClient]:
    with TestClient(create_app(web_journal, fetcher=article_fetcher),
                    base_url="http://127.0.0.1") as c:
        yield c


def _all_pages_answer(c: TestClient) -> None:
    for url in PAGES:
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code, r.text[:200])


@pytest.mark.parametrize("bad", ["a\\..\\..\\b", "/entry/" + "x" * 300, "/entry/../../etc"])
def test_serve_starts_and_places_a_bad_permalink_at_its_date(
        web_journal: str, bad: str, caplog: pytest.LogCaptureFixture) -> None:
    eid, link = spoil(web_journal, permalink=bad)
    assert permalink_problem(bad) is not None and permalink_problem(link) is None
    with caplog.at_level(logging.WARNING, "kirinuki.web"), \
            TestClient(create_app(web_journal), base_url="http://127.0.0.1") as c:
        _all_pages_answer(c)
        # The demo entries' permalinks are their dates: the entry is where it was.
        assert c.get(link + "/").status_code == 200
        assert c.get(link + "/entry.txt").status_code == 200
        # The owner can sign in and repair it.
        owner = Owner(c)
        assert owner.c.get(f"/edit/{eid}").status_code == 200
    warned = [r.getMessage() for r in caplog.records if r.name == "kirinuki.web"]
    assert len(warned) == 1 and warned[0].startswith(f"entry {eid}: its permalink")


def test_a_bad_row_written_while_serving_leaves_the_other_pages_up(
        web_journal: str, started: TestClient) -> None:
    _all_pages_answer(started)
    _eid, link = spoil(web_journal, permalink="a\\..\\..\\b")
    _all_pages_answer(started)
    assert started.get(link + "/").status_code == 200
    r = started.post("/signin", data={"password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303


@pytest.mark.parametrize("column", ["published", "updated"])
def test_an_entry_dated_at_the_end_of_time_is_left_out(web_journal: str, column: str) -> None:
    eid, link = spoil(web_journal, **{column: "9999-12-31T23:30:00+00:00"})
    with open_journal(web_journal) as j:
        key = create_api_key(j)
    with TestClient(create_app(web_journal), base_url="http://127.0.0.1") as c:
        _all_pages_answer(c)
        assert c.get(link + "/").status_code == 404
        # AtomPub shows it to clients in the journal's time zone: no overflow there either.
        auth = {"Authorization": "Basic " + base64.b64encode(f"alice:{key}".encode()).decode()}
        atom = c.get("/alice/kirinuki.test/atom/entry", headers=auth)
        assert atom.status_code == 200 and "9999-12-31T23:30:00+00:00" in atom.text
        owner = Owner(c)
        for url in ("/manage", f"/edit/{eid}", "/compose", "/search/?q=*"):
            assert owner.c.get(url).status_code == 200, url
