"""Error pages of the web app: Japanese, a way back, nothing internal (no English message, no
traceback, no exception text); the API keeps its JSON errors."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from kirinuki.errors import JournalBusyError, JournalError
from kirinuki.web import create_app, errors
from tests.web.conftest import Owner, article_fetcher

SECRET = "secret-internal-detail /home/owner/kirinuki.db"


def _main_text(page: str) -> str:
    doc = lxml_html.fromstring(page)
    main = doc.find(".//main")
    return " ".join((main if main is not None else doc).text_content().split())


def _assert_japanese_page(page: str, status_words: str) -> None:
    text = _main_text(page)
    assert status_words in text
    assert re.findall(r"[A-Za-z]{3,}", text) == [], text  # no English, no class names
    assert SECRET not in page and "Traceback" not in page
    doc = lxml_html.fromstring(page)
    assert "/" in [a.get("href") for a in doc.iter("a")]  # a way back to the top page


@pytest.fixture
def boom_client(web_journal: str) -> Iterator[TestClient]:
    """A client whose app has one page that fails with a bug and one with a journal error."""
    app = create_app(web_journal, fetcher=article_fetcher)

    def boom() -> None:
        raise RuntimeError(SECRET)

    def damaged() -> None:
        raise JournalError(SECRET)

    app.router.routes.insert(0, APIRoute("/boom", boom))
    app.router.routes.insert(0, APIRoute("/api/boom", boom))
    app.router.routes.insert(0, APIRoute("/damaged", damaged))

    def busy() -> None:
        raise JournalBusyError(SECRET)

    app.router.routes.insert(0, APIRoute("/api/busy", busy, methods=["PUT"]))
    app.router.routes.insert(0, APIRoute("/busy", busy, methods=["POST"]))
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        yield c


def test_wrong_method_is_a_japanese_405_page(client: TestClient) -> None:
    r = client.post("/", data={"x": "1"})
    assert r.status_code == 405
    assert r.headers["content-type"].startswith("text/html")
    assert "Method Not Allowed" not in r.text
    _assert_japanese_page(r.text, "この操作はできません")
    assert "GET" in r.headers.get("allow", "")
    r = client.delete("/compose")
    assert r.status_code == 405
    _assert_japanese_page(r.text, "その方法では使えません")


def test_a_bug_is_a_japanese_500_page_revealing_nothing(boom_client: TestClient) -> None:
    r = boom_client.get("/boom")
    assert r.status_code == 500
    assert r.headers["content-type"].startswith("text/html")
    _assert_japanese_page(r.text, "サーバーで問題が起きた")
    r = boom_client.get("/damaged")
    assert r.status_code == 500
    _assert_japanese_page(r.text, "記録帳を読み書きできませんでした")
    r = boom_client.get("/api/boom")
    assert r.status_code == 500 and r.json()["error"]["type"] == "InternalError"
    assert SECRET not in r.text


def test_a_busy_journal_is_a_503_to_retry_never_a_500(boom_client: TestClient) -> None:
    """Another process held the write lock too long (issue 24: writers on two servers): the
    client is told to send the same write again, not that the server broke."""
    r = boom_client.put("/api/busy", json={})
    assert r.status_code == 503 and r.headers["retry-after"] == "1"
    assert r.json()["error"]["type"] == "JournalBusyError"
    r = boom_client.post("/busy")
    assert r.status_code == 503 and r.headers["retry-after"] == "1"
    _assert_japanese_page(r.text, "もう一度お試しください")


def test_when_the_error_page_itself_fails_the_answer_is_still_japanese(
        boom_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_a: object, **_k: object) -> None:
        raise JournalError("the journal is damaged")

    monkeypatch.setattr(errors, "page", broken)
    r = boom_client.get("/boom")
    assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")
    _assert_japanese_page(r.text, "サーバーで問題が起きた")


def test_input_errors_on_pages_are_japanese_not_the_cli_message(owner: Owner) -> None:
    r = owner.post("/compose/capture", {"url": "not a url"})
    assert r.status_code == 400
    assert "not a URL" not in r.text
    _assert_japanese_page(r.text, "入力が正しくありません")
    r = owner.post("/compose/capture", {"url": "http://127.0.0.1:9/private"})
    assert r.status_code == 400
    _assert_japanese_page(r.text, "内部のネットワーク")
    r = owner.post("/clips/999999/edit", {"text": "x"})
    assert r.status_code == 404 and "999999" not in _main_text(r.text)
    r = owner.c.get("/manage?p=zero")
    assert r.status_code == 400
    _assert_japanese_page(r.text, "入力が正しくありません")


def test_a_stale_form_is_a_japanese_403(owner: Owner) -> None:
    r = owner.c.post("/compose/paste", data={"csrf": "forged", "text": "段落。\n"})
    assert r.status_code == 403
    assert "CSRF" not in r.text
    _assert_japanese_page(r.text, "読み込み直して")


def test_every_status_the_app_maps_has_japanese_words() -> None:
    for status in (400, 401, 403, 404, 405, 409, 413, 414, 415, 422, 429, 500, 502, 503, 418,
                   599):
        for words in (errors.page_title(status), errors.page_message(status)):
            assert re.findall(r"[A-Za-z]{3,}", words) == [], (status, words)
            assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", words), (status, words)
