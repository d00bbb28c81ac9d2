"""The composer: capture a page, pick paragraphs, tag, publish; edit, move and delete."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from kirinuki.journal import open_journal
from kirinuki.journal.queries import get_entry
from tests.web.conftest import ARTICLE_URL, Owner


def _capture(owner: Owner) -> tuple[str, str]:
    r = owner.post("/compose/capture", {"url": ARTICLE_URL})
    assert r.status_code == 200, r.text
    version = re.search(r'name="version" value="(\d+)"', r.text)
    assert version
    return r.text, version.group(1)


def _add(owner: Owner, version: str, picks: list[int], tags: str) -> str:
    r = owner.post("/compose/clip", {"version": version, "pick": picks, "tags": tags},
                   follow_redirects=False)
    assert r.status_code == 303, r.text
    return r.headers["location"].split("#")[0]


def test_capture_shows_numbered_paragraphs_with_checkboxes(owner: Owner) -> None:
    html, _ = _capture(owner)
    assert 'name="pick" value="1"' in html and 'name="pick" value="5"' in html
    assert "新千歳空港を発着する便" in html
    # The paragraph quoting a script tag is shown as text.
    assert "&lt;script&gt;alert(" in html and '<script>alert("xss")' not in html


def test_suggestions_come_from_the_journal_history(owner: Owner, web_journal: str) -> None:
    from kirinuki.journal.workbench import suggest_tags

    html, version = _capture(owner)
    edit = _add(owner, version, [1], "北海道 大雪")
    assert edit.startswith("/edit/")
    html, _ = _capture(owner)
    shown = re.findall(r'data-tag="([^"]+)"', html)
    assert "北海道" in shown and "大雪" in shown
    with open_journal(web_journal) as j:
        names = {s.name for s in suggest_tags(j, ["全く関係のない文"], None)}
    assert "北海道" not in names  # nothing invented, nothing unrelated


def test_pick_tag_publish_and_read(owner: Owner, client: TestClient, web_journal: str) -> None:
    _, version = _capture(owner)
    edit = _add(owner, version, [2, 4], "#新千歳空港 交通")
    entry_id = edit.rsplit("/", 1)[1]
    page = owner.c.get(edit).text
    assert "百二十便以上が欠航" in page and "特急を終日運休" in page
    assert "気象台によりますと" not in page  # paragraph 1 was not picked
    r = owner.post(f"/entries/{entry_id}/status", {"status": "published"},
                   follow_redirects=False)
    assert r.status_code == 303
    with open_journal(web_journal) as j:
        entry = get_entry(j, int(entry_id))
    assert entry.permalink and entry.clips[0].selector is not None
    assert entry.clips[0].article_version_id is not None
    public = client.get(entry.permalink + "/")
    assert public.status_code == 200 and "百二十便以上が欠航" in public.text
    assert "#新千歳空港" in client.get("/archive/category/").text
    assert "百二十便以上が欠航" in client.get("/feed.xml").text


def test_paste_then_edit_move_and_delete(owner: Owner, web_journal: str) -> None:
    text = "一つ目の段落です。\n#甲\n\n二つ目の段落です。\n#乙\n"
    r = owner.post("/compose/paste", {"text": text}, follow_redirects=False)
    assert r.status_code == 303
    entry_id = int(r.headers["location"].split("#")[0].rsplit("/", 1)[1])
    with open_journal(web_journal) as j:
        entry = get_entry(j, entry_id)
    first, second = entry.groups[-2], entry.groups[-1]
    owner.post(f"/groups/{second.id}/move", {"step": -1})
    owner.post(f"/clips/{first.clips[0].id}/edit", {"text": "書き直した段落です。"})
    with open_journal(web_journal) as j:
        entry = get_entry(j, entry_id)
    assert [c.text for c in entry.clips][-2:] == ["二つ目の段落です。", "書き直した段落です。"]
    assert owner.post(f"/groups/{entry.groups[-1].id}/delete").status_code == 200
    with open_journal(web_journal) as j:
        assert "書き直した段落です。" not in [c.text for c in get_entry(j, entry_id).clips]


def test_move_group_to_another_entry(owner: Owner, web_journal: str) -> None:
    r = owner.post("/compose/paste", {"text": "移す段落です。\n#移動\n"},
                   follow_redirects=False)
    entry_id = int(r.headers["location"].split("#")[0].rsplit("/", 1)[1])
    with open_journal(web_journal) as j:
        group = get_entry(j, entry_id).groups[-1]
    r = owner.post(f"/groups/{group.id}/moveto", {"target": "1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/edit/1")
    with open_journal(web_journal) as j:
        assert get_entry(j, 1).clips[-1].text == "移す段落です。"
        assert "移す段落です。" not in [c.text for c in get_entry(j, entry_id).clips]


def test_rename_tag_keeps_history(owner: Owner, web_journal: str) -> None:
    owner.post("/compose/paste", {"text": "名前を変えるタグの段落。\n#旧い名前\n"})
    r = owner.post("/tags/rename", {"old": "旧い名前", "new": "新しい名前"},
                   follow_redirects=False)
    assert r.status_code == 303
    html = owner.c.get("/manage").text
    assert "#新しい名前" in html and "#旧い名前" not in html


def test_bad_input_is_a_400_page_not_a_crash(owner: Owner) -> None:
    r = owner.post("/compose/capture", {"url": "not a url"})
    assert r.status_code == 400 and "notice error" in r.text
    r = owner.post("/compose/capture", {"url": "http://127.0.0.1:9/private"})
    assert r.status_code == 400  # the SSRF guard of capture
    r = owner.post("/clips/999999/edit", {"text": "x"})
    assert r.status_code == 404
    r = owner.post("/compose/clip", {"version": "1", "tags": ""})
    assert r.status_code in (400, 404)


def test_out_of_range_ids_are_400_not_500(owner: Owner) -> None:
    assert owner.c.get("/edit/99999999999999999999").status_code == 400
    assert owner.c.get("/manage?p=0").status_code == 400
    assert owner.post("/clips/99999999999999999999/delete").status_code == 400
