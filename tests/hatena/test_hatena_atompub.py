"""The Hatena-compatible AtomPub API (issue 8, step 4), driven in-process."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from kirinuki.journal import get_entry, open_journal
from kirinuki.journal.hatena_atompub import create_api_key
from kirinuki.model import Status
from kirinuki.web.app import create_app
from tests.hatena.conftest import blog_copy

ATOM = "{http://www.w3.org/2005/Atom}"
APP = "{http://www.w3.org/2007/app}"
BASE = "/alice/clip.hatenablog.example/atom"


@pytest.fixture
def served(tmp_path: Path, export_path: Path) -> Iterator[tuple[TestClient, str, str]]:
    """(client, journal path, API key) over a journal holding the fixture export."""
    path = str(tmp_path / "atom.db")
    assert export_path.name == "blog.export.txt"
    with blog_copy(Path(path), export=True) as j:
        key = create_api_key(j)
    # The real app, so the router's place before the reading catch-all is tested too.
    with TestClient(create_app(path)) as client:
        yield client, path, key


def _basic(key: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"alice:{key}".encode()).decode()}


def _wsse(key: str) -> dict[str, str]:
    nonce = secrets.token_bytes(16)
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = base64.b64encode(hashlib.sha1(nonce + created.encode() + key.encode()).digest())
    return {"X-WSSE": f'UsernameToken Username="alice", PasswordDigest="{digest.decode()}", '
                      f'Nonce="{base64.b64encode(nonce).decode()}", Created="{created}"'}


def test_auth_is_required_and_both_schemes_work(served: tuple[TestClient, str, str]) -> None:
    client, _, key = served
    assert client.get(BASE).status_code == 401
    assert client.get(BASE, headers=_basic("wrong")).status_code == 401
    r = client.get(BASE, headers=_basic(key))
    assert r.status_code == 200 and "application/atomsvc+xml" in r.headers["content-type"]
    assert 'href="http://testserver/alice/clip.hatenablog.example/atom/entry"' in r.text
    headers = _wsse(key)
    assert client.get(BASE, headers=headers).status_code == 200
    assert client.get(BASE, headers=headers).status_code == 401  # a replayed nonce


def test_collection_is_shaped_like_hatenas(served: tuple[TestClient, str, str]) -> None:
    client, _, key = served
    r = client.get(BASE + "/entry", headers=_basic(key))
    assert r.status_code == 200
    # Literal prefixes as Hatena writes them: gimonfu reads them without namespaces.
    assert "<app:edited>" in r.text and "<app:draft>yes</app:draft>" in r.text
    assert "<title>港湾ストと物流の混乱</title>" in r.text
    feed = ElementTree.fromstring(r.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3 and feed.find(f"{ATOM}link[@rel='next']") is None
    first = entries[0]  # newest first: the draft of 2023-04-05
    assert first.findtext(f"{ATOM}title") == "下書き：為替の動き"
    alt = first.find(f"{ATOM}link[@rel='alternate']")
    assert alt is not None and alt.get("href") == (
        "https://clip.hatenablog.example/entry/2023/04/05/070000")
    entry_id = first.findtext(f"{ATOM}id", "").rsplit("-", 1)[1]
    assert entry_id.isdigit()
    content = first.find(f"{ATOM}content")
    assert content is not None and content.get("type") == "text/x-markdown"
    assert "> — [markets.example.org](https://markets.example.org/fx/0405)" in (content.text or "")
    # Its export had no CATEGORY line: the `#為替` tag line is content, not a category.
    assert [c.get("term") for c in first.findall(f"{ATOM}category")] == []
    assert "#為替" in (content.text or "")


def test_create_read_update_delete(served: tuple[TestClient, str, str]) -> None:
    client, path, key = served
    body = """<?xml version="1.0" encoding="utf-8"?>
<entry xmlns="http://www.w3.org/2005/Atom" xmlns:app="http://www.w3.org/2007/app"
       xmlns:opt="http://www.hatena.ne.jp/info/xmlns#hatenablog">
  <title>新規: 停戦協議</title>
  <content type="text/plain">&gt; 両国の代表団は5日、停戦に向けた協議を再開しました。
&gt;
&gt; — [停戦協議](https://wire.example.com/ceasefire)</content>
  <updated>2024-02-01T03:00:00.000Z</updated>
  <category term="停戦" />,<category term="外交" />
  <app:control><app:draft>yes</app:draft></app:control>
  <opt:custom-url>2024/02/01/ceasefire</opt:custom-url>
</entry>"""
    r = client.post(BASE + "/entry", content=body.encode(), headers=_basic(key))
    assert r.status_code == 201, r.text
    loc = r.headers["location"]
    assert loc.startswith("http://testserver" + BASE + "/entry/")
    made = ElementTree.fromstring(r.content)
    assert made.findtext(f"{APP}control/{APP}draft") == "yes"
    assert made.findtext(f"{ATOM}updated") == "2024-02-01T12:00:00+09:00"
    alt = made.find(f"{ATOM}link[@rel='alternate']")
    assert alt is not None and alt.get("href", "").endswith("/entry/2024/02/01/ceasefire")
    eid = loc.rsplit("/", 1)[1]
    got = client.get(f"{BASE}/entry/{eid}", headers=_basic(key))
    assert got.status_code == 200 and "停戦協議" in got.text
    put = body.replace("yes</app:draft>", "no</app:draft>").replace("再開", "続行")
    r = client.put(f"{BASE}/entry/{eid}", content=put.encode(), headers=_basic(key))
    assert r.status_code == 200 and "<app:draft>no</app:draft>" in r.text
    j = open_journal(path)
    try:
        e = get_entry(j, int(eid))
        assert e.status is Status.PUBLISHED and e.title == "新規: 停戦協議"
        assert "続行" in e.clips[0].text and e.categories == ["停戦", "外交"]
        assert e.tags == []  # categories stay out of the content
        src = e.clips[0].citation
        assert src is not None and src.url == "https://wire.example.com/ceasefire"
    finally:
        j.close()
    assert client.delete(f"{BASE}/entry/{eid}", headers=_basic(key)).status_code == 200
    assert client.get(f"{BASE}/entry/{eid}", headers=_basic(key)).status_code == 404


@pytest.mark.parametrize("body", [
    b"<entry><title>x</title>",  # malformed
    b"<feed/>",  # not an entry
    b"<entry xmlns='http://www.w3.org/2005/Atom'><title>t</title></entry>",  # no content
    b"<entry><title>t</title><content>x</content><category term='a&b'/></entry>",
    b"<entry><title>t</title><content>x</content><updated>yesterday</updated></entry>",
    b"<!DOCTYPE x [<!ENTITY a 'b'>]><entry><title>&a;</title><content/></entry>",
])
def test_bad_requests_get_400(served: tuple[TestClient, str, str], body: bytes) -> None:
    client, _, key = served
    r = client.post(BASE + "/entry", content=body, headers=_basic(key))
    assert r.status_code == 400, r.text


def test_categories_and_paging(served: tuple[TestClient, str, str]) -> None:
    client, _, key = served
    r = client.get(BASE + "/category", headers=_basic(key))
    assert r.status_code == 200 and '<atom:category term="物流" />' in r.text
    assert client.get(BASE + "/entry?page=abc", headers=_basic(key)).status_code == 400
    assert client.get(BASE + "/entry/999999", headers=_basic(key)).status_code == 404


@pytest.mark.parametrize("page", ["99999999999999999999999", "9" * 5000, "-1", "1e3", "²", "١",
                                  "１", " 1", "0x10", str(2**62 + 1)])
def test_a_page_cursor_out_of_range_is_a_plain_400(served: tuple[TestClient, str, str],
                                                    page: str) -> None:
    client, _, key = served
    r = client.get(BASE + "/entry", params={"page": page}, headers=_basic(key))
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/plain")
    assert "page must be a number" in r.text
    assert client.get(BASE + "/entry", params={"page": str(2**62)},
                      headers=_basic(key)).status_code == 200  # past the end: no entries


def _respelled(nonce_b64: str) -> str:
    """Another base64 spelling of the same bytes: the unused low bits of the last character
    before the padding set differently."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    body = nonce_b64.rstrip("=")
    last = alphabet.index(body[-1])
    other = body[:-1] + alphabet[last ^ 0b1111] + nonce_b64[len(body):]
    assert other != nonce_b64 and base64.b64decode(other, validate=True) == \
        base64.b64decode(nonce_b64, validate=True)
    return other


def test_a_nonce_spelled_another_way_is_still_a_replay(served: tuple[TestClient, str, str],
                                                       ) -> None:
    client, _, key = served
    headers = _wsse(key)
    assert client.get(BASE, headers=headers).status_code == 200
    nonce = headers["X-WSSE"].split('Nonce="')[1].split('"')[0]
    again = {"X-WSSE": headers["X-WSSE"].replace(nonce, _respelled(nonce))}
    r = client.get(BASE, headers=again)
    assert r.status_code == 401 and "replayed" in r.text


_OTHER_WORKER = """
import json, sys
from fastapi.testclient import TestClient
from kirinuki.web.app import create_app
from tests.hatena.conftest import blog_copy
path, requests = sys.argv[1], json.loads(sys.argv[2])
with TestClient(create_app(path)) as client:
    for url, header, body in requests:
        r = client.request("POST" if body else "GET", url, headers={"X-WSSE": header},
                           content=body.encode() or None)
        print(r.status_code)
"""


def _in_another_process(path: str, requests: list[tuple[str, dict[str, str], str]]) -> list[int]:
    """The statuses another worker process of `serve` answers (its own memory, one journal),
    one per (url, headers, body) request in turn; a body makes it a POST."""
    plan = json.dumps([(url, headers["X-WSSE"], body) for url, headers, body in requests])
    done = subprocess.run([sys.executable, "-c", _OTHER_WORKER, path, plan],
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])})
    return [int(line) for line in done.stdout.split()[-len(requests):]]


def test_two_workers_on_one_journal_accept_a_nonce_once(served: tuple[TestClient, str, str],
                                                        ) -> None:
    client, path, key = served
    seen = _wsse(key)
    assert client.get(BASE, headers=seen).status_code == 200
    fresh = _wsse(key)  # a write the other way round: the entry is created once
    body = "<entry><title>一度だけ</title><content>本文です。</content></entry>"
    # one process start for both requests of the other worker (it is the test's main cost)
    assert _in_another_process(path, [(BASE, seen, ""), (BASE + "/entry", fresh, body)]) \
        == [401, 201]
    assert client.post(BASE + "/entry", content=body.encode(), headers=fresh).status_code == 401


def test_a_stale_or_future_created_time_is_refused(served: tuple[TestClient, str, str]) -> None:
    client, _, key = served
    for minutes in (-6, 6):
        nonce = secrets.token_bytes(16)
        created = (datetime.now(UTC) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
        digest = base64.b64encode(hashlib.sha1(nonce + created.encode() + key.encode()).digest())
        header = (f'UsernameToken Username="alice", PasswordDigest="{digest.decode()}", '
                  f'Nonce="{base64.b64encode(nonce).decode()}", Created="{created}"')
        r = client.get(BASE, headers={"X-WSSE": header})
        assert r.status_code == 401 and "stale" in r.text
