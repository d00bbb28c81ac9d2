"""One rule for every way a clip is made in the web app: a clip has visible text (issue 16,
item 5), and tags typed or pasted are read by the one hashtag grammar (item 4)."""

from __future__ import annotations

import base64
from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient

from kirinuki.journal import get_entry, open_journal
from kirinuki.journal.hatena_atompub import create_api_key
from kirinuki.text.spaces import is_blank
from tests.web.conftest import Owner
from tests.web.test_web_composer import _add, _capture

# Text that shows nothing: each made a clip (an empty grey box) through some route.
INVISIBLE = ["\u3000", "\u00a0", " \t", "\u200b", "\ufeff", "\u3000\u200b\u00a0"]


def _blank_clips(path: str) -> list[str]:
    with open_journal(path) as j:
        texts = [str(r[0]) for r in j.store.conn.execute("SELECT text FROM clips")]
    return [t for t in texts if is_blank(t)]


def _entry_id(r: httpx.Response) -> int:
    return int(r.headers["location"].split("#")[0].rsplit("/", 1)[1])


def test_composer_paste_keeps_lines_of_space_out(owner: Owner, web_journal: str) -> None:
    # Browsers send a textarea with CRLF line ends.
    text = "\r\n".join(["一つ目の段落です。", *INVISIBLE, "二つ目の段落です。", "#甲 ",
                        "\u3000", "三つ目の段落です。", "＃乙\u3000＃丙", ""])
    r = owner.post("/compose/paste", {"text": text}, follow_redirects=False)
    assert r.status_code == 303, r.text
    with open_journal(web_journal) as j:
        entry = get_entry(j, _entry_id(r))
    assert [c.text for c in entry.clips][-3:] == ["一つ目の段落です。", "二つ目の段落です。",
                                                 "三つ目の段落です。"]
    assert [[t.name for t in g.tags] for g in entry.groups][-2:] == [["甲"], ["乙", "丙"]]
    assert _blank_clips(web_journal) == []
    r = owner.post("/compose/paste", {"text": "\r\n".join(INVISIBLE)})
    assert r.status_code == 400 and _blank_clips(web_journal) == []


@pytest.mark.parametrize("text", INVISIBLE)
def test_clip_editor_refuses_text_without_visible_characters(owner: Owner, web_journal: str,
                                                             text: str) -> None:
    r = owner.post("/compose/paste", {"text": "直す段落です。\n#甲\n"}, follow_redirects=False)
    with open_journal(web_journal) as j:
        clip_id = get_entry(j, _entry_id(r)).clips[-1].id
    r = owner.post(f"/clips/{clip_id}/edit", {"text": text})
    assert r.status_code == 400
    assert _blank_clips(web_journal) == []


def test_composer_tags_field_reads_the_hashtag_grammar(owner: Owner, web_journal: str) -> None:
    _, version = _capture(owner)
    edit = _add(owner, version, [1], "＃北海道\u3000＃大雪 #交通(空港「百二十便 欠航」)")
    with open_journal(web_journal) as j:
        group = get_entry(j, int(edit.rsplit("/", 1)[1])).groups[-1]
    assert [(t.name, t.summary) for t in group.tags] == [
        ("北海道", ""), ("大雪", ""), ("交通", "(空港「百二十便 欠航」)")]
    edit = _add(owner, version, [2], "北海道 大雪")
    with open_journal(web_journal) as j:
        group = get_entry(j, int(edit.rsplit("/", 1)[1])).groups[-1]
    assert [t.name for t in group.tags] == ["北海道", "大雪"]


@pytest.mark.parametrize("text", INVISIBLE)
def test_api_refuses_clips_without_visible_text(api: Callable[..., httpx.Response],
                                                web_journal: str, text: str) -> None:
    r = api("POST", "/api/entries/today/groups", json={"clips": ["本文。", text], "tags": []})
    assert r.status_code == 422, r.text
    r = api("POST", "/api/entries/today/groups", json={"clips": ["本文。"], "tags": ["＃甲 #乙"]})
    assert r.status_code == 201, r.text
    assert r.json()["groups"][-1]["tags"] == ["甲", "乙"]
    clip_id = r.json()["groups"][-1]["clips"][0]["id"]
    assert api("PUT", f"/api/clips/{clip_id}", json={"text": text}).status_code == 422
    assert _blank_clips(web_journal) == []


def test_atompub_content_with_lines_of_space(web_journal: str) -> None:
    from kirinuki.web.app import create_app

    with open_journal(web_journal) as j:
        key = create_api_key(j)
    auth = {"Authorization": "Basic " + base64.b64encode(f"alice:{key}".encode()).decode()}
    lines = ["一つ目の段落。", "\u3000", "\u00a0", "\u200b", "二つ目の段落。", "#NATO #ロシア\u3000"]
    body = ('<?xml version="1.0" encoding="utf-8"?>\n<entry xmlns="http://www.w3.org/2005/Atom">'
            "<title>空白の行</title><content type=\"text/x-markdown\">"
            + "\n\n".join(lines) + "</content></entry>")
    with TestClient(create_app(web_journal)) as client:
        r = client.post("/alice/blog.example/atom/entry", content=body.encode(), headers=auth)
        assert r.status_code == 201, r.text
        eid = int(r.headers["location"].rsplit("/", 1)[1])
        html = body.replace("text/x-markdown", "html").replace(
            "\n\n".join(lines), "&lt;p&gt;本文&lt;/p&gt;&lt;p&gt;&amp;nbsp;&lt;/p&gt;"
            "&lt;p&gt;\u3000&lt;/p&gt;&lt;p&gt;＃甲＃乙&lt;/p&gt;")
        r = client.post("/alice/blog.example/atom/entry", content=html.encode(), headers=auth)
        assert r.status_code == 201, r.text
        other = int(r.headers["location"].rsplit("/", 1)[1])
    with open_journal(web_journal) as j:
        entry = get_entry(j, eid)
        assert [c.text for c in entry.clips] == ["一つ目の段落。", "二つ目の段落。"]
        assert [t.name for t in entry.tags] == ["NATO", "ロシア"]
        entry = get_entry(j, other)
        assert [c.text for c in entry.clips] == ["本文"]
        assert [t.name for t in entry.tags] == ["甲", "乙"]
    assert _blank_clips(web_journal) == []


def test_clip_editor_keeps_what_was_typed(owner: Owner, web_journal: str) -> None:
    r = owner.post("/compose/paste", {"text": "直す段落です。\n#甲\n"}, follow_redirects=False)
    eid = _entry_id(r)
    with open_journal(web_journal) as j:
        clip_id = get_entry(j, eid).clips[-1].id
    # A textarea may add a line break at the end; the U+3000 indentation is the writer's.
    r = owner.post(f"/clips/{clip_id}/edit", {"text": "\u3000字下げの段落。\r\n"})
    assert r.status_code in (200, 303)
    with open_journal(web_journal) as j:
        assert get_entry(j, eid).clips[-1].text == "\u3000字下げの段落。"
