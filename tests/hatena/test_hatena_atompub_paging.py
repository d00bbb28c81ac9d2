"""AtomPub paging by time (`?page=<epoch>`), safe XML parsing, 401s, titles and `—` lines
(issue 23 items 5 and 6), driven in-process."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from kirinuki.journal import get_entry, hatena_atompub, open_journal
from kirinuki.journal.hatena_atompub import create_api_key
from kirinuki.web.app import create_app
from tests.hatena.conftest import blog_copy

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "/alice/clip.hatenablog.example/atom"
START = datetime(2024, 3, 1, tzinfo=UTC)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient, str, dict[str, str]]]:
    """(client, journal path, auth headers) over an empty journal."""
    path = str(tmp_path / "atom.db")
    with blog_copy(Path(path)) as j:
        key = create_api_key(j)
    auth = {"Authorization": "Basic " + base64.b64encode(f"alice:{key}".encode()).decode()}
    with TestClient(create_app(path)) as client:
        yield client, path, auth


def _post(client: TestClient, auth: dict[str, str], title: str, when: datetime | None) -> str:
    updated = f"<updated>{when.isoformat()}</updated>" if when else ""
    body = (f'<entry xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>'
            f"<content>{title}の本文</content>{updated}</entry>")
    r = client.post(BASE + "/entry", content=body.encode(), headers=auth)
    assert r.status_code == 201, r.text
    return r.headers["location"].rsplit("/", 1)[1]


def _page(client: TestClient, auth: dict[str, str], url: str) -> tuple[list[str], str | None]:
    r = client.get(url, headers=auth)
    assert r.status_code == 200, r.text
    feed = ElementTree.fromstring(r.content)
    ids = [e.findtext(f"{ATOM}id", "").rsplit("-", 1)[1] for e in feed.findall(f"{ATOM}entry")]
    nxt = feed.find(f"{ATOM}link[@rel='next']")
    return ids, None if nxt is None else nxt.get("href", "").removeprefix("http://testserver")


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(hatena_atompub, "PAGE_SIZE", 4)
    return 4


def test_next_is_the_epoch_of_the_last_entry_and_pages_cover_everything_once(
        served: tuple[TestClient, str, dict[str, str]], small_pages: int) -> None:
    client, _, auth = served
    # 11 entries; entries 3, 4 and 5 share one second, so a page boundary falls inside it.
    times = [START - timedelta(minutes=i) for i in range(11)]
    times[4] = times[5] = times[3]
    made = [_post(client, auth, f"記事{i}", t) for i, t in enumerate(times)]
    made[3:6] = made[5:2:-1]  # within one second, the later id first (as `entries list`)
    ids, nxt = _page(client, auth, BASE + "/entry")
    # The page takes every entry of its last second, and `next` names that second.
    assert ids == made[:6]
    assert nxt == f"{BASE}/entry?page={int(times[3].timestamp())}"
    seen = list(ids)
    while nxt:
        ids, nxt = _page(client, auth, nxt)
        seen += ids
    assert seen == made


def test_a_post_during_a_pull_neither_duplicates_nor_skips(
        served: tuple[TestClient, str, dict[str, str]], small_pages: int) -> None:
    client, _, auth = served
    made = [_post(client, auth, f"記事{i}", START - timedelta(hours=i)) for i in range(10)]
    seen, nxt = _page(client, auth, BASE + "/entry")
    _post(client, auth, "途中の新記事", None)  # newest of all: an offset would shift the rest
    while nxt:
        ids, nxt = _page(client, auth, nxt)
        seen += ids
    assert seen == made


def test_a_client_deleting_what_it_lists_still_sees_everything(
        served: tuple[TestClient, str, dict[str, str]], small_pages: int) -> None:
    client, _, auth = served
    made = [_post(client, auth, f"記事{i}", START - timedelta(hours=i)) for i in range(10)]
    seen: list[str] = []
    url: str | None = BASE + "/entry"
    while url:
        ids, url = _page(client, auth, url)
        seen += ids
        for eid in ids:
            assert client.delete(f"{BASE}/entry/{eid}", headers=auth).status_code == 200
    assert seen == made
    assert _page(client, auth, BASE + "/entry") == ([], None)


def test_a_page_past_every_entry_is_empty_without_next(
        served: tuple[TestClient, str, dict[str, str]]) -> None:
    client, _, auth = served
    _post(client, auth, "記事", START)
    assert _page(client, auth, f"{BASE}/entry?page={int(START.timestamp())}") == ([], None)
    assert len(_page(client, auth, f"{BASE}/entry?page={int(START.timestamp()) + 1}")[0]) == 1


CDATA_POST = b"""<?xml version="1.0" encoding="utf-8"?>
<entry xmlns="http://www.w3.org/2005/Atom">
<title>HTML \xe3\x81\xae\xe6\x9b\xb8\xe3\x81\x8d\xe6\x96\xb9</title>
<content type="text/plain"><![CDATA[<!DOCTYPE html> \xe3\x81\xaf\xe6\x96\x87\xe6\x9b\xb8\xe3\x81\xae\xe5\x85\x88\xe9\xa0\xad\xe3\x81\xab\xe6\x9b\xb8\xe3\x81\x8d\xe3\x81\xbe\xe3\x81\x99\xe3\x80\x82<!ENTITY \xe3\x82\x82\xe6\x96\x87\xe5\xad\x97\xe3\x81\xa7\xe3\x81\x99\xe3\x80\x82]]></content>
</entry>"""


def test_doctype_inside_cdata_is_text(served: tuple[TestClient, str, dict[str, str]]) -> None:
    client, path, auth = served
    r = client.post(BASE + "/entry", content=CDATA_POST, headers=auth)
    assert r.status_code == 201, r.text
    j = open_journal(path)
    try:
        e = get_entry(j, int(r.headers["location"].rsplit("/", 1)[1]))
        # Accepted and read as Markdown: a line starting with `<!` is an HTML block there, so
        # the doctype is markup and the sentence around it the text.
        assert "は文書の先頭に書きます。" in e.clips[0].text
    finally:
        j.close()


@pytest.mark.parametrize("body", [
    b'<!DOCTYPE entry [<!ENTITY a "b">]><entry><title>&a;</title><content>x</content></entry>',
    b"<!DOCTYPE entry><entry><title>t</title><content>x</content></entry>",
    b'<!DOCTYPE entry SYSTEM "http://127.0.0.1:9/x.dtd"><entry><title>t</title>'
    b"<content>x</content></entry>",
    b'<!DOCTYPE entry [<!ENTITY x SYSTEM "file:///etc/passwd">]><entry><title>&x;</title>'
    b"<content>x</content></entry>",
    b"<entry><title>&undefined;</title><content>x</content></entry>",
    b'<!DOCTYPE e [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><entry><title>&c;</title>'
    b"<content>x</content></entry>",
])
def test_a_dtd_or_entity_is_refused(served: tuple[TestClient, str, dict[str, str]],
                                    body: bytes) -> None:
    client, _, auth = served
    r = client.post(BASE + "/entry", content=body, headers=auth)
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/plain")
    assert "/etc/passwd" not in r.text and "root:" not in r.text
    assert _page(client, auth, BASE + "/entry") == ([], None)


def test_401_is_plain_text_with_a_challenge(
        served: tuple[TestClient, str, dict[str, str]]) -> None:
    client, _, _ = served
    for method, url in [("GET", BASE), ("GET", BASE + "/entry"), ("POST", BASE + "/entry"),
                        ("DELETE", BASE + "/entry/1")]:
        r = client.request(method, url, headers={"Accept": "text/html"})
        assert r.status_code == 401
        assert r.headers["content-type"].startswith("text/plain")
        assert "<html" not in r.text.lower()
        challenges = r.headers["www-authenticate"]
        assert 'Basic realm="AtomPub"' in challenges and "WSSE" in challenges
        assert "OAuth" in challenges


def test_an_untitled_entry_is_served_with_its_date_and_stays_untitled(
        served: tuple[TestClient, str, dict[str, str]]) -> None:
    client, path, auth = served
    when = datetime(2024, 3, 1, 1, 30, tzinfo=UTC)  # 10:30 in the journal's Asia/Tokyo
    eid = _post(client, auth, "", when)
    r = client.get(f"{BASE}/entry/{eid}", headers=auth)
    got = ElementTree.fromstring(r.content)
    assert got.findtext(f"{ATOM}title") == "2024-03-01"
    # A client pushing back what it pulled keeps the entry untitled.
    body = r.text.replace("の本文", "の本文（追記）").encode()
    assert client.put(f"{BASE}/entry/{eid}", content=body, headers=auth).status_code == 200
    j = open_journal(path)
    try:
        e = get_entry(j, int(eid))
        assert e.title is None and "追記" in e.clips[0].text
    finally:
        j.close()


def test_a_line_starting_with_a_dash_is_served_as_written(
        served: tuple[TestClient, str, dict[str, str]]) -> None:
    client, path, auth = served
    body = ('<entry xmlns="http://www.w3.org/2005/Atom"><title>ダッシュ</title>'
            "<content>― 第二部 ―\n\n— 以上、現場から。\n\n-- 二つのハイフン</content></entry>")
    r = client.post(BASE + "/entry", content=body.encode(), headers=auth)
    content = ElementTree.fromstring(r.content).findtext(f"{ATOM}content") or ""
    assert "\n― 第二部 ―\n" in "\n" + content and "\n— 以上、現場から。\n" in content
    assert "\\—" not in content and "\\―" not in content
    assert "\\-- 二つのハイフン" in content  # ASCII: Markdown reads `\-` as `-`
    j = open_journal(path)
    try:
        texts = [c.text for c in get_entry(j, int(r.headers["location"].rsplit("/", 1)[1])).clips]
        assert texts == ["― 第二部 ―", "— 以上、現場から。", "-- 二つのハイフン"]
    finally:
        j.close()


def test_urls_in_clip_text_are_links_on_the_page_and_in_the_export(
        served: tuple[TestClient, str, dict[str, str]]) -> None:
    client, path, auth = served
    body = ('<entry xmlns="http://www.w3.org/2005/Atom"><title>リンク</title>'
            "<content>詳しくはhttps://example.jp/aを参照 (https://example.jp/b)。</content>"
            "<updated>2024-03-01T10:00:00+09:00</updated></entry>")
    r = client.post(BASE + "/entry", content=body.encode(), headers=auth)
    assert r.status_code == 201
    doc = ElementTree.fromstring(r.content)
    alt = doc.find(f"{ATOM}link[@rel='alternate']")
    assert alt is not None
    page = client.get(alt.get("href", "").split("example", 1)[1])
    assert page.status_code == 200, page.text
    assert ('詳しくは<a href="https://example.jp/a">https://example.jp/a</a>を参照 '
            '(<a href="https://example.jp/b">https://example.jp/b</a>)。') in page.text
    formatted = doc.findtext("{http://www.hatena.ne.jp/info/xmlns#}formatted-content") or ""
    assert '<a href="https://example.jp/b">https://example.jp/b</a>)。' in formatted
    content = doc.findtext(f"{ATOM}content") or ""
    assert "詳しくは<https://example.jp/a>を参照 (<https://example.jp/b>)。" in content
