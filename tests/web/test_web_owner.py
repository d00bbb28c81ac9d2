"""The owner's day in the web app (issue 19): a new entry, the one-form edit page, preview and
confirmed publishing, paste preview, trash with undo, /manage filters and bulk actions, tag
suggestions, the edit link on public pages, sign out; and bad input on each route."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kirinuki.journal import open_journal
from kirinuki.journal.checking import suggest_for_clips
from kirinuki.journal.queries import get_entry
from kirinuki.journal.trash import trash_list
from kirinuki.model import Status
from kirinuki.web.messages import JA
from tests.web.conftest import Owner

PASTE = "羽田空港では最大瞬間風速二十九メートルを観測しました。\n#強風#羽田空港\n"
# Words of the old English pages that must not come back on an owner page.
ENGLISH = re.compile(r"\b(wrong password|no clips found|versions \(|tags / speakers|wording:|"
                     r"clip \d+ → \d+|entry \d+)\b", re.IGNORECASE)


def _new(owner: Owner, title: str = "", when: str = "") -> int:
    r = owner.post("/entries/new", {"title": title, "when": when}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return int(r.headers["location"].split("#")[0].rsplit("/", 1)[1])


def _paste(owner: Owner, text: str = PASTE, entry: str = "today") -> int:
    r = owner.post("/compose/paste", {"text": text, "entry": entry}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return int(r.headers["location"].split("#")[0].rsplit("/", 1)[1])


def _form(html: str) -> dict[str, object]:
    """The edit form's fields as a browser would send them (items in page order)."""
    form = html[html.index('id="entry-form"'):html.index("</form>", html.index('id="entry-form"'))]
    fields: dict[str, object] = {
        "revision": re.search(r'name="revision" value="([^"]*)"', form).group(1),  # type: ignore[union-attr]
        "title": re.search(r'name="title" value="([^"]*)"', form).group(1),  # type: ignore[union-attr]
        "when": re.search(r'name="when" value="([^"]*)"', form).group(1),  # type: ignore[union-attr]
        "item": re.findall(r'name="item" value="([^"]+)"', form),
    }
    for name, text in re.findall(r'<textarea name="(text:\d+)"[^>]*>([^<]*)</textarea>', form):
        fields[name] = text
    for name, value in re.findall(r'name="(tags:\d+)" value="([^"]*)"', form):
        fields[name] = value
    return fields


def _main(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


def test_new_entry_with_title_and_a_past_date(owner: Owner, web_journal: str) -> None:
    eid = _new(owner, "大雪の記録", "2024-02-03 07:30")
    page = owner.c.get(f"/edit/{eid}").text
    assert JA["done.created"] in page  # said once, on the page after the form
    assert JA["done.created"] not in owner.c.get(f"/edit/{eid}").text
    assert 'value="2024-02-03 07:30"' in page and "大雪の記録" in page
    with open_journal(web_journal) as j:
        e = get_entry(j, eid)
    assert e.title == "大雪の記録" and e.status is Status.DRAFT
    assert e.published is not None and e.published.strftime("%Y-%m-%d %H:%M") == "2024-02-03 07:30"


def test_bad_date_keeps_the_form_with_a_message(owner: Owner, web_journal: str) -> None:
    with open_journal(web_journal) as j:
        before = len(j.store.conn.execute("SELECT id FROM entries").fetchall())
    r = owner.post("/entries/new", {"title": "題名は残る", "when": "2024-13-40"})
    assert r.status_code == 400
    assert 'value="題名は残る"' in r.text and 'value="2024-13-40"' in r.text
    assert "2025-07-01 08:00" in r.text and 'id="new-problem"' in r.text
    with open_journal(web_journal) as j:
        assert len(j.store.conn.execute("SELECT id FROM entries").fetchall()) == before


def test_missing_csrf_is_refused_with_403(owner: Owner) -> None:
    for url in ("/entries/new", "/compose/preview", "/manage/bulk", "/trash/purge",
                "/edit/1", "/entries/1/publish", "/trash/1/restore"):
        r = owner.c.post(url, data={"text": "x", "action": "delete", "ids": "1"})
        assert r.status_code == 403, url
        assert "フォーム" in r.text


def test_unknown_id_is_a_japanese_404(owner: Owner) -> None:
    for url in ("/edit/999999", "/preview/999999", "/edit?link=/entry/1999/01/01/000000"):
        r = owner.c.get(url)
        assert r.status_code == 404, url
        assert "見つかりません" in r.text or "ありません" in r.text
    r = owner.post("/entries/999999/publish", {"when": ""})
    assert r.status_code == 404


def test_owner_pages_need_sign_in(client: TestClient) -> None:
    for url in ("/compose", "/manage", "/trash", "/edit/1", "/preview/1"):
        r = client.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/signin"), url


def test_paste_preview_shows_the_parse_and_stores_nothing(owner: Owner, web_journal: str) -> None:
    text = ("https://kirinuki.test\n\n一段落目です。新しい情報が入りました。\n\n"
            "#notatag は本文になる行です\n#大雪#交通\n\nkirinuki.test\n")
    with open_journal(web_journal) as j:
        before = j.store.conn.execute("SELECT count(*) FROM clips").fetchone()[0]
    r = owner.post("/compose/preview", {"text": text})
    assert r.status_code == 200
    main = _main(r.text)
    assert main.count('class="part clip"') == 2 and main.count('class="part tagline"') == 1
    assert 'class="part header"' in main and 'class="part footer"' in main
    assert "「#notatag は本文になる行です」は # で始まっていますが" in main
    assert "空の行 3 行" in main
    with open_journal(web_journal) as j:
        assert j.store.conn.execute("SELECT count(*) FROM clips").fetchone()[0] == before
    # The preview's save button posts the same text.
    hidden = re.search(r'<input type="hidden" name="text" value="([^"]*)"', r.text)
    assert hidden is not None and "一段落目です。" in hidden.group(1)


def test_paste_preview_warns_of_a_clip_already_in_the_journal(owner: Owner,
                                                               web_journal: str) -> None:
    with open_journal(web_journal) as j:
        row = j.store.conn.execute(
            "SELECT text FROM clips WHERE length(text) > 40 ORDER BY id LIMIT 1").fetchone()
    if row is None:
        pytest.skip("the demo journal is not there")
    r = owner.post("/compose/preview", {"text": row[0] + "\n#重複\n"})
    assert r.status_code == 200
    assert "すでにある切り抜き" in _main(r.text)


def test_paste_without_clips_keeps_the_text(owner: Owner) -> None:
    r = owner.post("/compose/preview", {"text": "#タグだけ\n"})
    assert r.status_code == 400
    assert JA["paste.no_clips"] in r.text and "#タグだけ" in r.text
    assert "no clips found" not in r.text


def test_edit_form_saves_text_tags_order_and_deletes_at_once(owner: Owner,
                                                             web_journal: str) -> None:
    eid = _paste(owner, "一つ目の段落です。\n二つ目の段落です。\n#甲\n三つ目の段落です。\n#乙\n")
    html = owner.c.get(f"/edit/{eid}").text
    f = _form(html)
    items = f["item"]
    assert isinstance(items, list)
    g1, c1, c2, g2, c3 = items
    c1_id, c2_id, c3_id = (int(x.split(":")[1]) for x in (c1, c2, c3))
    f["item"] = [g2, c3, c2, g1, c1]  # groups swapped, the second clip moved into the other group
    f[f"text:{c1_id}"] = "一つ目の段落を直しました。"
    f[f"tags:{g1.split(':')[1]}"] = "#甲 #丙"
    f["delete"] = [c3]
    r = owner.post(f"/edit/{eid}", f, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = owner.c.get(r.headers["location"]).text
    assert JA["done.saved"] in page
    with open_journal(web_journal) as j:
        e = get_entry(j, eid)
        trashed = trash_list(j)
    assert [[c.id for c in g.clips] for g in e.groups] == [[c2_id], [c1_id]]
    assert e.clips[1].text == "一つ目の段落を直しました。"
    assert [t.name for t in e.groups[1].tags] == ["甲", "丙"]
    assert any(t.entry_id == eid and not t.whole and t.clips == 1 for t in trashed)


def test_failed_edit_keeps_what_was_typed(owner: Owner, web_journal: str) -> None:
    eid = _paste(owner, "残る段落です。\n消えない段落です。\n#甲\n")
    f = _form(owner.c.get(f"/edit/{eid}").text)
    items = f["item"]
    assert isinstance(items, list)
    first, second = (int(x.split(":")[1]) for x in items[1:])
    f[f"text:{first}"] = "途中まで直した文"
    f[f"text:{second}"] = "\u3000"
    f["title"] = "新しい題名"
    r = owner.post(f"/edit/{eid}", f)
    assert r.status_code == 400
    assert "途中まで直した文" in r.text and 'value="新しい題名"' in r.text
    assert JA["error.clip_blank"] in r.text and 'aria-invalid="true"' in r.text
    f["when"] = "きのう"
    f[f"text:{second}"] = "消えない段落です。"
    r = owner.post(f"/edit/{eid}", f)
    assert r.status_code == 400 and "途中まで直した文" in r.text and 'value="きのう"' in r.text
    with open_journal(web_journal) as j:
        e = get_entry(j, eid)
    assert [c.text for c in e.clips] == ["残る段落です。", "消えない段落です。"]
    assert e.title is None


def test_bad_tags_and_a_stale_form_are_refused(owner: Owner) -> None:
    eid = _paste(owner, "段落です。\n#甲\n")
    f = _form(owner.c.get(f"/edit/{eid}").text)
    items = f["item"]
    assert isinstance(items, list)
    f[f"tags:{items[0].split(':')[1]}"] = "#甲 #"
    r = owner.post(f"/edit/{eid}", f)
    assert r.status_code == 400 and "タグ「" in r.text
    f = _form(owner.c.get(f"/edit/{eid}").text)
    f["item"] = ["g:1", "c:999999"]
    r = owner.post(f"/edit/{eid}", f)
    assert r.status_code == 400 and JA["error.form"] in r.text


def test_edit_conflict_when_changed_meanwhile(owner: Owner) -> None:
    eid = _paste(owner, "段落です。\n#甲\n")
    f = _form(owner.c.get(f"/edit/{eid}").text)
    _paste(owner, "もう一つ足しました。\n#乙\n", entry=str(eid))
    r = owner.post(f"/edit/{eid}", f)
    assert r.status_code == 409 and JA["error.conflict"] in r.text


def test_move_buttons_work_without_javascript(owner: Owner, web_journal: str) -> None:
    eid = _paste(owner, "上の段落です。\n下の段落です。\n#甲\n")
    f = _form(owner.c.get(f"/edit/{eid}").text)
    items = f["item"]
    assert isinstance(items, list)
    f["move"] = items[2] + ":-1"
    r = owner.post(f"/edit/{eid}", f, follow_redirects=False)
    assert r.status_code == 303
    with open_journal(web_journal) as j:
        assert [c.text for c in get_entry(j, eid).clips] == ["下の段落です。", "上の段落です。"]


def test_a_group_moves_to_another_entry_after_the_form_is_saved(owner: Owner,
                                                                 web_journal: str) -> None:
    eid = _paste(owner, "残る段落です。\n#甲\n移す段落です。\n#乙\n")
    other = _new(owner, "移す先の下書き")
    html = owner.c.get(f"/edit/{eid}").text
    assert JA["edit.move_save"] in html and "移す先の下書き" in html
    f = _form(html)
    items = f["item"]
    assert isinstance(items, list)
    g1, _, g2, c2 = items
    gid = g2.split(":")[1]
    # The save gives every group a new id: the move must still find the group it was asked for.
    f[f"text:{c2.split(':')[1]}"] = "移す前に直した段落です。"
    f["moveto"], f[f"target:{gid}"] = gid, str(other)
    r = owner.post(f"/edit/{eid}", f, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert JA["done.moved"] in owner.c.get(r.headers["location"]).text
    with open_journal(web_journal) as j:
        assert [c.text for c in get_entry(j, eid).clips] == ["残る段落です。"]
        moved = get_entry(j, other)
    assert [c.text for c in moved.clips] == ["移す前に直した段落です。"]
    assert [t.name for t in moved.groups[0].tags] == ["乙"]
    f = _form(owner.c.get(f"/edit/{eid}").text)
    gid = str(f["item"][0]).split(":")[1]  # type: ignore[index]
    f["moveto"], f[f"target:{gid}"] = gid, str(eid)
    r = owner.post(f"/edit/{eid}", f)
    assert r.status_code == 400 and JA["error.move_same"] in r.text
    f["delete"] = [str(f["item"][1])]  # type: ignore[index]
    r = owner.post(f"/edit/{eid}", f)
    assert r.status_code == 400 and JA["error.move_empty"] in r.text
    assert g1 != g2


def test_preview_and_publishing_with_warnings_asks_to_confirm(owner: Owner,
                                                              web_journal: str) -> None:
    eid = _paste(owner, "タグのない段落です。\n")  # a group with no tags: a warning
    html = owner.c.get(f"/preview/{eid}").text
    assert JA["preview.banner"] in html and "タグのない段落です。" in html
    assert "タグのないグループが 1 つあります" in html and 'id="confirm"' in html
    r = owner.post(f"/entries/{eid}/publish", {"when": "2023-05-06 10:00"})
    assert r.status_code == 400 and 'value="2023-05-06 10:00"' in r.text
    with open_journal(web_journal) as j:
        assert get_entry(j, eid).status is Status.DRAFT
    r = owner.post(f"/entries/{eid}/publish", {"when": "2023-13-06"})
    assert r.status_code == 400 and "2025-07-01 08:00" in r.text
    r = owner.post(f"/entries/{eid}/publish", {"when": "2023-05-06 10:00", "confirm": "1"},
                   follow_redirects=False)
    assert r.status_code == 303
    with open_journal(web_journal) as j:
        e = get_entry(j, eid)
    assert e.status is Status.PUBLISHED and e.permalink == "/entry/2023/05/06/100000"
    assert owner.c.get("/entry/2023/05/06/100000/").status_code == 200
    r = owner.post(f"/entries/{eid}/unpublish", follow_redirects=False)
    assert r.status_code == 303
    assert owner.c.get("/entry/2023/05/06/100000/").status_code == 404


def test_publishing_without_warnings_needs_no_confirmation(owner: Owner,
                                                           web_journal: str) -> None:
    eid = _paste(owner, "どこにもない独自の段落です。ひとつだけ。\n#独自\n")
    html = owner.c.get(f"/preview/{eid}").text
    assert JA["warn.none"] in html and 'id="confirm"' not in html
    r = owner.post(f"/entries/{eid}/publish", {"when": ""}, follow_redirects=False)
    assert r.status_code == 303
    with open_journal(web_journal) as j:
        assert get_entry(j, eid).status is Status.PUBLISHED


def test_delete_goes_to_the_trash_with_undo(owner: Owner, web_journal: str) -> None:
    eid = _paste(owner, "消してから戻す段落です。\n#甲\n")
    r = owner.post(f"/entries/{eid}/delete", {"back": "/manage"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/manage"
    page = owner.c.get("/manage").text
    assert JA["done.trashed"] in page and f'action="/trash/{eid}/restore"' in page
    assert owner.c.get(f"/edit/{eid}").status_code == 404
    trash = owner.c.get("/trash").text
    assert "消してから戻す段落です。" in trash
    r = owner.post(f"/trash/{eid}/restore", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/edit/{eid}"
    assert JA["done.restored"] in owner.c.get(f"/edit/{eid}").text
    # Purging: gone for good, and the page says how many.
    owner.post(f"/entries/{eid}/delete")
    r = owner.post("/trash/purge", {"days": ""}, follow_redirects=False)
    assert "1 件" in owner.c.get(r.headers["location"]).text
    with open_journal(web_journal) as j:
        assert not trash_list(j)
    assert owner.post(f"/trash/{eid}/restore", follow_redirects=False).status_code == 303


def test_manage_filters_search_and_bulk(owner: Owner, web_journal: str) -> None:
    a = _paste(owner, "管理画面で探す段落です。\n#絞り込み\n")
    b = _new(owner, "別の下書き", "2021-03-04 05:06")
    page = owner.c.get("/manage?status=draft").text
    assert f'value="{a}"' in page and f'value="{b}"' in page
    page = owner.c.get("/manage?tag=絞り込み").text
    assert f'value="{a}"' in page and f'value="{b}"' not in page
    page = owner.c.get("/manage?month=2021-03").text
    assert f'value="{b}"' in page and f'value="{a}"' not in page
    page = owner.c.get("/manage?q=探す段落").text
    assert f'value="{a}"' in page and f'value="{b}"' not in page
    assert "該当する記事はありません" in owner.c.get("/manage?q=どこにもない語句xyz").text
    assert owner.c.get("/manage?month=2021-3x").status_code == 200  # ignored, marked
    r = owner.post("/manage/bulk", {"action": "publish", "ids": [str(a), str(b)]},
                   follow_redirects=False)
    assert r.status_code == 303
    assert "2 件の記事を変更しました" in owner.c.get(r.headers["location"]).text
    with open_journal(web_journal) as j:
        assert get_entry(j, a).status is Status.PUBLISHED
    owner.post("/manage/bulk", {"action": "delete", "ids": [str(a)]})
    assert f'value="{a}"' not in owner.c.get("/manage").text
    assert owner.post("/manage/bulk", {"action": "explode", "ids": [str(b)]}).status_code == 400


def test_manage_table_keeps_columns_readable() -> None:
    """The table scrolls sideways on narrow screens instead of breaking words a character
    per line: date and state never wrap, the title column has a floor."""
    from kirinuki.web.state import STATIC_DIR

    css = (STATIC_DIR / "web.css").read_text(encoding="utf-8")
    assert ".table-wrap { overflow-x: auto; }" in css
    assert re.search(r"td\.date, table\.entries td\.state[^{]*\{ white-space: nowrap", css)
    assert "td.title { min-width: 14rem" in css


def test_tag_suggestions_come_from_near_earlier_clips(owner: Owner, web_journal: str) -> None:
    earlier = _paste(owner, "札幌市では二十四時間で四十五センチの降雪を観測し、交通が乱れました。\n"
                            "#札幌大雪\n")
    owner.post(f"/entries/{earlier}/publish", {"when": "2020-01-01 09:00", "confirm": "1"})
    later = _paste(owner, "札幌市では二十四時間で五十センチの降雪を観測し、交通が乱れています。\n",
                   entry=str(_new(owner, "翌日", "2020-01-02 09:00")))
    html = owner.c.get(f"/edit/{later}").text
    assert 'data-tag="札幌大雪"' in html
    with open_journal(web_journal) as j:
        known = {str(r[0]) for r in j.store.conn.execute("SELECT display FROM tags")}
        got = suggest_for_clips(j, ["まったく関係のない短い文章です。"])
        near = suggest_for_clips(j, ["札幌市では二十四時間で五十センチの降雪を観測し、"
                                     "交通が乱れています。"], before=None)
    assert {s.name for s in got} <= known and {s.name for s in near} <= known
    assert near and near[0].name == "札幌大雪"


def test_edit_link_on_public_pages_only_when_signed_in(owner: Owner, client: TestClient,
                                                       web_journal: str) -> None:
    eid = _paste(owner, "公開ページの編集リンクの段落です。\n#リンク\n")
    owner.post(f"/entries/{eid}/publish", {"when": "2022-02-02 02:02"})
    url = "/entry/2022/02/02/020200/"
    page = owner.c.get(url).text
    assert 'id="owner-edit"' in page
    # The bar has its own small style sheet (a reader's page does not load the owner pages').
    css = re.search(r'<link rel="stylesheet" href="(/_web/[^"]+)"><p class="owner-edit">', page)
    assert css is not None and ".owner-edit {" in owner.c.get(css.group(1)).text
    link = re.search(r'href="(/edit\?link=[^"]+)"', page)
    assert link is not None
    r = owner.c.get(link.group(1), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/edit/{eid}"
    owner.c.cookies.clear()
    assert 'id="owner-edit"' not in owner.c.get(url).text


def test_sign_out_ends_the_session(owner: Owner) -> None:
    html = owner.c.get("/compose").text
    assert 'action="/signout"' in html and JA["nav.signout"] in html
    r = owner.post("/signout", follow_redirects=False)
    assert r.status_code == 303
    assert owner.c.get("/compose", follow_redirects=False).status_code == 303


# A date written the ISO way in a page's text (the date fields' examples aside).
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def test_owner_pages_are_japanese_without_ids(owner: Owner) -> None:
    from tests.web.conftest import ARTICLE_URL

    eid = _paste(owner, "日本語の画面の段落です。\n#日本語\n")
    urls = ("/compose", "/manage", "/manage?status=published", "/trash", f"/edit/{eid}",
            f"/preview/{eid}", "/signin", "/bookmarklet", "/analysis/3", "/analysis/20",
            "/quotes?speaker=ロッシ", "/changes", f"/share?url={ARTICLE_URL}", "/edit/999999")
    pages = {u: owner.c.get(u).text for u in urls}
    pages["paste"] = owner.post("/compose/preview", {"text": PASTE}).text
    pages["pick"] = owner.post("/compose/capture", {"url": ARTICLE_URL}).text
    owner.post(f"/entries/{eid}/delete", {"back": "/trash"})
    pages["trash"] = owner.c.get("/trash").text
    dated = 0
    for url, html in pages.items():
        main = re.sub(r"<[^>]+>", " ", _main(html))
        assert not ENGLISH.search(main), (url, ENGLISH.search(main))
        assert f"記事 {eid}" not in main and f"下書き {eid}" not in main, url
        shown = re.sub(r"例: [0-9: -]+", "", main)
        assert not ISO_DATE.search(shown), (url, ISO_DATE.search(shown))
        dated += bool(re.search(r"\d{4}年\d{1,2}月\d{1,2}日", shown))
    assert dated >= 6  # manage, edit, preview, analysis ×2, quotes, trash write dates


def test_every_catalog_key_is_used() -> None:
    """A key no page uses is dead wording (and a page using a missing key fails to render)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "kirinuki" / "web"
    sources = "".join(p.read_text(encoding="utf-8") for p in root.rglob("*")
                      if p.suffix in (".py", ".html") and p.name != "messages.py")
    unused = [k for k in JA if f'"{k}"' not in sources and f"'{k}'" not in sources
              and not k.startswith(("done.", "warn.", "error.", "analysis."))]  # keys made from a code
    assert not unused


# Web pages whose words all come from the catalogs.
CATALOGUED = ("_web", "analysis", "bookmarklet", "changes", "compose", "edit", "error", "manage",
              "paste", "pick", "preview", "quotes", "search_results", "signin", "trash")


def test_catalogued_templates_write_no_japanese_of_their_own() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "kirinuki" / "web" / "templates"
    japanese = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
    for name in CATALOGUED:
        text = (root / f"{name}.html").read_text(encoding="utf-8")
        assert not japanese.search(text), (name, japanese.search(text))


def test_version_notes_are_japanese_and_a_setting_hides_them(client: TestClient,
                                                              web_journal: str) -> None:
    from kirinuki.journal.settings import set_setting
    from kirinuki.publish.views import reader_change

    assert reader_change("死者: 3人 → 5人 (+2); wording: によりますと → ∅, ∅ → これまでに") == \
        "死者: 3人 → 5人 (+2)、言い回し: 「によりますと」を削除、「これまでに」を追加"
    with open_journal(web_journal) as j:
        rows = j.store.conn.execute("SELECT permalink FROM entries WHERE status = 'published'"
                                    " ORDER BY published").fetchall()
    pages = {r[0]: client.get(r[0] + "/").text for r in rows}
    noted = [link for link, html in pages.items() if 'class="update"' in html]
    if not noted:
        pytest.skip("the demo journal has no published version of an earlier clip")
    for link in noted:
        assert "wording:" not in pages[link] and "∅" not in pages[link]
    with open_journal(web_journal) as j:  # another process (the CLI) changes the setting
        set_setting(j, "site.version_notes", ["false"])
    # The running app reads settings again after the commit: no restart needed.
    assert 'class="update"' not in client.get(noted[0] + "/").text
    assert 'class="update"' not in client.get(noted[-1] + "/").text
    with open_journal(web_journal) as j:
        set_setting(j, "site.version_notes", ["true"])
    assert 'class="update"' in client.get(noted[0] + "/").text


def test_analysis_page_words_groups_without_ids(client: TestClient, web_journal: str) -> None:
    with open_journal(web_journal) as j:
        ids = [int(r[0]) for r in j.store.conn.execute(
            "SELECT id FROM entries WHERE status = 'published'")]
    worded = 0
    for eid in ids[:40]:
        html = client.get(f"/analysis/{eid}").text
        main = re.sub(r"<[^>]+>", " ", _main(html))
        assert not re.search(r"\b(versions|entries|figures changed|wording)\b", main), eid
        assert f"記事 {eid}" not in main and not re.search(r"\b\d{1,6} → \d{1,6}:", main)
        worded += "つの版" in main or "共通の背景" in main or "回切り抜き" in main
    if not worded:
        pytest.skip("no duplicate or version group among the demo entries")
