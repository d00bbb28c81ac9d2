"""Analysis views: an entry's versions with their figure changes, quotes by speaker, related
earlier entries that the owner pins or rejects; as pages and through the API."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from kirinuki.journal import import_paths, open_journal
from kirinuki.journal.queries import resolve_entry_id
from kirinuki.web import create_app
from tests.web.conftest import Owner, article_fetcher

FIRST = """https://kirinuki.test

ルスタニア政府は三日、首都での抗議デモに参加した3800人以上を拘束したと発表しました。デモは週末にかけて全国の十二の都市に広がりました。

ミハイロフ首相は記者会見で「秩序を乱す行為は断じて許さない」と述べ、取り締まりを続ける考えを示しました。

#ルスタニア情勢
"""
SECOND = """https://kirinuki.test

ルスタニア政府は三日、首都での抗議デモに参加した4400人以上を拘束したと発表しました。デモは週末にかけて全国の十二の都市に広がりました。

ミハイロフ首相は議会で「対話の扉は閉ざしていない」とも述べ、野党との協議に応じる姿勢を見せました。

#ルスタニア情勢
"""


def _related(html: str) -> str:
    """The related-entries section of an analysis page."""
    return html[html.index('id="related"'):]


@pytest.fixture
def story(web_journal: str, tmp_path: Path) -> tuple[int, int]:
    """Two published entries on one story: the second reports a changed figure."""
    folder = tmp_path / "story"
    folder.mkdir()
    (folder / "2025-07-03_090000.txt").write_text(FIRST, encoding="utf-8")
    (folder / "2025-07-04_090000.txt").write_text(SECOND, encoding="utf-8")
    with open_journal(web_journal) as j:
        import_paths(j, [str(folder)])
        return (resolve_entry_id(j, "/entry/2025/07/03/090000"),
                resolve_entry_id(j, "/entry/2025/07/04/090000"))


@pytest.fixture
def reader(web_journal: str, story: tuple[int, int]) -> Iterator[TestClient]:
    with TestClient(create_app(web_journal, fetcher=article_fetcher),
                    base_url="http://127.0.0.1") as c:
        yield c


def test_entry_analysis_page_shows_versions_quotes_and_related(
        reader: TestClient, story: tuple[int, int]) -> None:
    first, second = story
    r = reader.get(f"/analysis/{second}")
    assert r.status_code == 200
    assert "版の更新" in r.text
    assert re.search(r"3800人以上 → 4400人以上", r.text)
    assert "ミハイロフ首相" in r.text and "「対話の扉は閉ざしていない」" in r.text
    assert '<a href="/entry/2025/07/03/090000/">' in _related(r.text)  # the earlier entry
    assert 'action="/entries/' not in r.text  # readers get no pin/reject forms
    speaker = reader.get("/quotes", params={"speaker": "ミハイロフ首相"}).text
    assert "秩序を乱す行為は断じて許さない" in speaker and "対話の扉" in speaker


def test_drafts_are_not_analysed_for_readers(reader: TestClient, web_journal: str) -> None:
    with open_journal(web_journal) as j:
        draft = j.store.conn.execute("SELECT max(id) FROM entries").fetchone()[0]
        j.store.conn.execute("UPDATE entries SET status = 'draft' WHERE id = ?", (draft,))
    assert reader.get(f"/analysis/{draft}").status_code == 404


def test_owner_pins_and_rejects_suggestions(reader: TestClient, story: tuple[int, int]) -> None:
    first, second = story
    owner = Owner(reader)
    page = reader.get(f"/analysis/{second}").text
    assert f'name="other" value="{first}"' in page
    r = owner.post(f"/entries/{second}/related", {"other": first, "decision": "rejected"},
                   follow_redirects=False)
    assert r.status_code == 303
    assert "/entry/2025/07/03/090000/" not in _related(reader.get(f"/analysis/{second}").text)
    owner.post(f"/entries/{second}/related", {"other": first, "decision": "pinned"})
    pinned = _related(reader.get(f"/analysis/{second}").text)
    assert "/entry/2025/07/03/090000/" in pinned and '<span class="tag">固定</span>' in pinned
    bad = owner.post(f"/entries/{second}/related", {"other": second, "decision": "pinned"})
    assert bad.status_code == 400


def test_owner_hides_a_version_note_and_statements_from_the_site(
        reader: TestClient, story: tuple[int, int]) -> None:
    first, second = story
    public = reader.get(f"/analysis/{second}").text
    assert 'id="public"' not in public and "/hide" not in public  # readers: no switches
    owner = Owner(reader)
    page = reader.get(f"/analysis/{second}").text
    panel = page[page.index('id="public"'):]
    forms = re.findall(r'name="clip" value="(\d+)"><input type="hidden" name="kind" '
                       r'value="(\w+)"><input type="hidden" name="hide" value="1">', panel)
    kinds = {k for _, k in forms}
    assert kinds == {"version", "statements"}
    clip = next(int(c) for c, k in forms if k == "version")
    assert "版の更新" in reader.get("/entry/2025/07/04/090000/").text
    r = owner.post(f"/entries/{second}/hide", {"clip": clip, "kind": "version", "hide": "1"},
                   follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/analysis/{second}#public"
    assert 'class="update"' not in reader.get("/entry/2025/07/04/090000/").text
    panel = reader.get(f"/analysis/{second}").text.split('id="public"')[1]
    assert "非表示" in panel and 'name="hide" value="0"' in panel
    hidden_box = reader.get("/archive/category/ルスタニア情勢/").text.split('class="story"')[1]
    assert "4400人以上" not in hidden_box.split("</section>")[0]  # the speakers stay
    owner.post(f"/entries/{second}/hide", {"clip": clip, "kind": "version", "hide": "0"})
    assert 'class="update"' in reader.get("/entry/2025/07/04/090000/").text
    story_box = reader.get("/archive/category/ルスタニア情勢/").text.split('class="story"')[1]
    assert "4400人以上" in story_box.split("</section>")[0]
    # A clip of another entry, a bad kind, no CSRF: refused.
    other = owner.post(f"/entries/{first}/hide", {"clip": clip, "kind": "version", "hide": "1"})
    assert other.status_code == 404
    assert owner.post(f"/entries/{second}/hide",
                      {"clip": clip, "kind": "figures", "hide": "1"}).status_code == 400
    assert reader.post(f"/entries/{second}/hide", data={"clip": clip, "kind": "version",
                                                        "hide": "1"}).status_code == 403


@pytest.fixture
def api_call(reader: TestClient, web_journal: str) -> Callable[..., httpx.Response]:
    from kirinuki.journal.accounts import create_token

    with open_journal(web_journal) as j:
        token = create_token(j, "tests").secret

    def call(method: str, url: str, **kw: object) -> httpx.Response:
        return reader.request(method, url, headers={"Authorization": f"Bearer {token}"},
                              **kw)  # type: ignore[arg-type]

    return call


def test_analysis_api(api_call: Callable[..., httpx.Response], story: tuple[int, int]) -> None:
    first, second = story
    body = api_call("GET", f"/api/entries/{second}/analysis").json()
    versions = [g for g in body["groups"] if g["kind"] == "version"]
    assert versions and any("4400人以上" in c for c in versions[0]["changes"])
    assert body["quotes"][0]["speaker"].startswith("ミハイロフ")
    assert first in [r["entry"] for r in body["related"]]
    r = api_call("PUT", f"/api/entries/{second}/related/{first}", json={"decision": "rejected"})
    assert r.status_code == 200 and first not in [x["entry"] for x in r.json()]
    quotes = api_call("GET", "/api/quotes", params={"speaker": "ミハイロフ"}).json()
    said = [q["text"] for q in quotes[0]["quotes"]]
    assert "対話の扉は閉ざしていない" in said and "秩序を乱す行為は断じて許さない" in said
    assert api_call("GET", "/api/entries/999999/analysis").status_code == 404
    assert api_call("PUT", f"/api/entries/{second}/related/{first}",
                    json={"decision": "maybe"}).status_code == 422


def test_analysis_is_computed_once_until_the_journal_changes(
        reader: TestClient, story: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    from kirinuki.web.routes import analysis as route

    calls: list[str] = []
    real = route.entry_analysis

    def counted(j, ref):  # type: ignore[no-untyped-def]
        calls.append(ref)
        return real(j, ref)

    first, second = story
    # The first page after an import writes the deferred clip sketches and version links (a
    # change); whether that happens before or after the memo is keyed, at most one recompute.
    assert reader.get(f"/analysis/{second}").status_code == 200
    monkeypatch.setattr(route, "entry_analysis", counted)
    for _ in range(3):
        assert reader.get(f"/analysis/{second}").status_code == 200
    before = len(calls)
    assert before <= 1
    owner = Owner(reader)  # signing in writes a session: a change, and another viewer
    owner.post(f"/entries/{second}/related", {"other": first, "decision": "pinned"})
    # The rewritten entry's clips are analysed apart from requests, and that commits too.
    analysis = reader.app.state.web.site.analysis  # type: ignore[attr-defined]
    assert analysis.settle(60)
    before = len(calls)
    assert "固定" in _related(reader.get(f"/analysis/{second}").text)
    assert "固定" in _related(reader.get(f"/analysis/{second}").text)
    assert len(calls) == before + 1
