"""A small fixed journal for the publisher's tests, and helpers to read a published site.

Everything here is invented news-like text written for these tests. Dates (published and
updated) are fixed, so the published site is the same on every run (golden tests rely on it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from kirinuki.journal import Journal, import_paths, init_journal, open_journal
from tests.conftest import journal_copy

HOSTS = ["kirinuki.test", "www.kirinuki.test"]
SOURCE = {"site": "news.example.jp", "name": "架空ニュース"}
ARTICLE_URL = "https://news.example.jp/articles/2024/0105-a.html"


def _clip(text: str, blank: int = 1, article: bool = False) -> dict[str, Any]:
    clip: dict[str, Any] = {"text": text, "blank_after": blank}
    if article:
        clip["article"] = {"url": ARTICLE_URL, "version": "v1"}
    return {"clip": clip}


def _tags(*names: str, summary: str = "", blank: int = 1) -> dict[str, Any]:
    tags = [{"name": n, "summary": ""} for n in names]
    if summary:
        tags[-1]["summary"] = summary
    return {"tags": tags, "blank_after": blank}


def _entry(key: str, published: str, groups: list[dict[str, Any]], *, permalink: str | None,
           status: str = "published", title: str | None = None) -> dict[str, Any]:
    return {
        "type": "entry", "key": key, "permalink": permalink, "published": published,
        "updated": published, "status": status, "title": title,
        "layout": {"bom": False, "newline": "\n", "lead_blank": 0},
        "header": [{"url": "https://kirinuki.test", "blank_after": 0},
                   {"url": "http://www.kirinuki.test", "blank_after": 1}],
        "footer": {"text": "www.kirinuki.test", "blank_after": 0},
        "groups": groups,
    }


def records() -> list[dict[str, Any]]:
    """The JSON Lines records of the test journal: one article, four published entries and
    a draft."""
    article = {
        "type": "article", "url": ARTICLE_URL, "title": "北方連合、国境の部隊を増強", "source": SOURCE,
        "versions": [{"hash": "v1", "fetched_at": "2024-01-05T08:00:00+09:00",
                      "title": "北方連合、国境の部隊を増強", "published": "2024-01-05T07:30:00+09:00",
                      "modified": None, "paragraphs": ["北方連合は4日、国境付近の部隊を3800人増やした。"]}],
    }
    old = _entry("k-old", "2017-01-01T09:00:00+09:00", [
        {"items": [_clip("ミハイロフ首相は年頭の演説で「対話の扉は開いている」と述べました。")],
         "tag_lines": [_tags("年頭演説")]}], permalink="/entry/20170101/1483228800",
        title="古い日記")
    first = _entry("k-first", "2024-01-05T09:00:00+09:00", [
        {"items": [_clip("北方連合は4日、国境付近の部隊を3800人増やした。", article=True),
                   _clip("ＮＡＴＯの報道官は「注視している」と述べました。")],
         "tag_lines": [_tags("反ロシア", "対中露戦")]},
        {"items": [_clip('危険な文字列<script>alert("x")</script> & "引用" を含む段落。'),
                   _clip("日米の首脳は電話で会談し、露の動きについて意見を交わしました。")],
         "tag_lines": [_tags("NATO拡大", summary="(要約・「発言」)"), _tags("日米/首脳")]},
    ], permalink="/entry/2024/01/05/090000")
    second = _entry("k-second", "2024-01-06T21:30:00+09:00", [
        {"items": [_clip("北方連合は6日、拘束した人が4400人を超えたと発表しました。"),
                   {"related": {"url": "https://kirinuki.test/entry/2024/01/05/090000",
                                "quote": "(「3800人」)", "blank_after": 1}},
                   {"related": {"url": "http://d.hatena.ne.jp/kirinuki/20170101#1483228800",
                                "quote": "", "blank_after": 1}},
                   {"related": {"url": "http://d.hatena.ne.jp/kirinuki/20240105/1704412800",
                                "quote": "", "blank_after": 1}},
                   {"related": {"url": "https://elsewhere.example/entry/2024/01/05/090000",
                                "quote": "", "blank_after": 1}}],
         "tag_lines": [_tags("反ロシア"), _tags("ＮＡＴＯ拡大")]},
    ], permalink="/entry/2024/01/06/213000")
    third = _entry("k-third", "2024-01-06T23:00:00+09:00", [
        {"items": [_clip("米国の国務長官は記者会見で核をめぐる協議の再開を呼びかけました。")],
         "tag_lines": [_tags("米国")]},
    ], permalink="/entry/2024/01/06/230000")
    draft = _entry("k-draft", "2024-01-07T10:00:00+09:00", [
        {"items": [_clip("下書きの段落で、公開されてはならない文です。")],
         "tag_lines": [_tags("下書きタグ")]},
    ], permalink=None, status="draft")
    return [article, old, first, second, third, draft]


def _import(path: str, recs: list[dict[str, Any]]) -> Journal:
    journal = init_journal(path, "テスト帳", HOSTS)
    src = Path(path).with_name("journal.jsonl")
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs),
                   encoding="utf-8")
    import_paths(journal, [str(src)])
    return journal


def make_journal(folder: Path, recs: list[dict[str, Any]] | None = None) -> Journal:
    """A journal file `site.db` in `folder` holding `records()` (a copy of the one journal
    imported from them once) or `recs`."""
    path = str(folder / "site.db")
    if recs:
        return _import(path, recs)
    journal_copy("publish-small", lambda p: _import(p, records()).close(), path)
    return open_journal(path)


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Journal]:
    """The small fixed journal."""
    j = make_journal(tmp_path)
    yield j
    j.close()


@pytest.fixture(scope="session")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fixed journal published once per test process, for tests that only read the
    site (one that writes to it or to the journal publishes its own)."""
    folder = tmp_path_factory.mktemp("small-site")
    from kirinuki.publish import publish

    with make_journal(folder) as j:
        publish(j, folder / "site", jobs=1)
    return folder / "site"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append((tag, name, value))


def links_of(html: str) -> list[tuple[str, str, str]]:
    """(tag, attribute, value) of every href and src in `html`."""
    parser = _Links()
    parser.feed(html)
    return parser.links


def file_for(site: Path, url: str) -> Path | None:
    """The file a static server would answer a root-relative `url` with, or None."""
    path = unquote(urlsplit(url).path)
    target = site / path.lstrip("/")
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def broken_links(site: Path) -> list[str]:
    """Every internal link of every HTML page of `site` that leads to no file."""
    bad: list[str] = []
    for page in sorted(site.rglob("*.html")):
        for tag, attr, url in links_of(page.read_text(encoding="utf-8")):
            if url.startswith("/") and not url.startswith("//") and file_for(site, url) is None:
                bad.append(f"{page.relative_to(site)}: <{tag} {attr}={url}>")
    return bad
