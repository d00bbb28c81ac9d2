"""Control characters in a journal never make XML invalid (issue 16 item 6): the published
feeds and sitemaps, the web app's feeds, every AtomPub document, the entry sent to Hatena and
the OPML export all parse with a strict parser, while the stored text keeps the characters."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from kirinuki.capture.feeds import OpmlFeed, render_opml
from kirinuki.errors import InputError
from kirinuki.journal import Journal, get_entry, import_paths, init_journal, open_journal
from kirinuki.journal.hatena_atompub import create_api_key
from kirinuki.journal.hatena_client import _entry_xml
from kirinuki.publish.build import publish
from kirinuki.text.xmlchars import xml_text
from kirinuki.web import create_app

# Characters XML 1.0 refuses that the journal stores (U+FFFE/U+FFFF it refuses to store:
# SQLite would turn them into U+FFFD; see test_noncharacters_are_refused_not_changed).
BAD = "\x01\x08\x0b\x0c\x0e\x1b\x1f"
CLIP = f"制御文字{BAD}を含む段落です。"
ATOMPUB = "/alice/blog.example/atom"


def _record(key: str, day: int, clip: str, title: str | None, tag: str) -> str:
    return json.dumps({
        "type": "entry", "key": key, "permalink": f"/entry/2024/03/0{day}/080000",
        "published": f"2024-03-0{day}T08:00:00+09:00", "status": "published", "title": title,
        "layout": {"bom": False, "newline": "\n", "lead_blank": 0},
        "header": [], "footer": None,
        "groups": [{"items": [{"clip": {"text": clip, "blank_after": 0}}],
                    "tag_lines": [{"tags": [{"name": tag, "summary": f"要約\x02{BAD}"}],
                                   "blank_after": 0}]}],
    }, ensure_ascii=True)


@pytest.fixture
def dirty(tmp_path: Path) -> str:
    """A journal whose title, entry titles, clips, tags and summaries hold control characters
    (NUL too: only a JSON Lines record can carry it)."""
    path = str(tmp_path / "dirty.db")
    txt = tmp_path / "2024-03-01_080000.txt"
    txt.write_text(f"https://kirinuki.test\n\n{CLIP}\n#制御\n", encoding="utf-8")
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text(_record("k2", 2, f"NUL\x00{BAD}", f"題\x00{BAD}", f"タグ{BAD}") + "\n",
                     encoding="utf-8")
    with init_journal(path, f"帳{BAD}", ["kirinuki.test"]) as j:
        import_paths(j, [str(txt), str(jsonl)])
        create_api_key(j)
    return path


def _strict(data: bytes | str, what: str) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:  # pragma: no cover - the failure being tested
        raise AssertionError(f"{what}: not well-formed XML ({exc})") from exc


def test_the_stored_text_keeps_its_characters(dirty: str) -> None:
    with open_journal(dirty) as j:
        texts = {c.text for eid in (1, 2) for c in get_entry(j, eid).clips}
        assert CLIP in texts and f"NUL\x00{BAD}" in texts
        assert get_entry(j, 2).title == f"題\x00{BAD}"


def test_published_feeds_and_sitemaps_are_well_formed(dirty: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    with open_journal(dirty) as j:
        publish(j, site, jobs=1)
    files = sorted(site.rglob("*.xml"))
    assert len([f for f in files if f.name == "feed.xml"]) >= 3  # journal + two tags
    for f in files:
        _strict(f.read_bytes(), str(f.relative_to(site)))
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert "制御文字\ufffd" in feed and "\x01" not in feed


def _auth(j: Journal) -> dict[str, str]:
    key = create_api_key(j)
    return {"Authorization": "Basic " + base64.b64encode(f"alice:{key}".encode()).decode()}


def test_web_feeds_and_every_atompub_document_are_well_formed(dirty: str,
                                                              tmp_path: Path) -> None:
    with open_journal(dirty) as j:
        auth = _auth(j)
    site = tmp_path / "site"
    with open_journal(dirty) as j:
        publish(j, site, jobs=1)
    feeds = ["/" + str(f.relative_to(site)) for f in site.rglob("feed.xml")]
    assert len(feeds) >= 3
    with TestClient(create_app(dirty)) as c:
        for url in feeds:  # the web app serves the same feeds
            r = c.get(url)
            assert r.status_code == 200, url
            _strict(r.content, url)
        for url in ("", "/entry", "/entry/1", "/entry/2", "/category"):
            r = c.get(ATOMPUB + url, headers=auth)
            assert r.status_code == 200, (url, r.text)
            _strict(r.content, "AtomPub " + (url or "service"))
        body = ('<entry xmlns="http://www.w3.org/2005/Atom"><title>新規</title>'
                "<content>本文です。</content></entry>").encode()
        r = c.put(ATOMPUB + "/entry/2", content=body, headers=auth)
        assert r.status_code == 200
        _strict(r.content, "AtomPub PUT")
        made = c.post(ATOMPUB + "/entry", content=body, headers=auth)
        assert made.status_code == 201
        _strict(made.content, "AtomPub POST")


def test_entries_sent_to_hatena_and_the_opml_export_are_well_formed(dirty: str) -> None:
    with open_journal(dirty) as j:
        for eid in (1, 2):
            _strict(_entry_xml(get_entry(j, eid), j), f"entry {eid} for Hatena")
    opml = render_opml([OpmlFeed(url="https://a.example/feed", title=f"題{BAD}")], f"帳{BAD}")
    _strict(opml, "OPML")


def test_xml_text_replaces_exactly_what_xml_forbids() -> None:
    forbidden = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
    forbidden += ["\ud800", "\udfff", "\ufffe", "\uffff"]
    assert xml_text("".join(forbidden)) == "\ufffd" * len(forbidden)
    allowed = "\t\n\r x\u00a0\u0085\ud7ff\ue000\ufffd\U00010000\U0010ffff"
    assert xml_text(allowed) == allowed


@pytest.mark.parametrize("char", ["\ufffe", "\uffff"])
def test_noncharacters_are_refused_not_changed(journal: Journal, tmp_path: Path,
                                              char: str) -> None:
    """A UTF-16 journal cannot hold them (SQLite stores U+FFFD): refused, nothing written."""
    txt = tmp_path / "2024-03-01_080000.txt"
    txt.write_text(f"段落{char}です。\n#タグ\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"{txt}.*noncharacter"):
        import_paths(journal, [str(txt)])
    jsonl = tmp_path / "x.jsonl"
    jsonl.write_text(_record("k", 1, "段落", f"題{char}", "タグ") + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x.jsonl:1: .*noncharacter"):
        import_paths(journal, [str(jsonl)])
    assert journal.store.conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 0


def test_a_lone_surrogate_in_json_lines_is_a_clear_error(journal: Journal,
                                                          tmp_path: Path) -> None:
    jsonl = tmp_path / "x.jsonl"
    jsonl.write_text(_record("k", 1, "段落\ud800です", None, "タグ") + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x.jsonl:1: .*surrogate"):
        import_paths(journal, [str(jsonl)])
