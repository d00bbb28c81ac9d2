"""Clipped text and tags carrying markup render inert on every page that shows them."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from kirinuki.journal import open_journal
from kirinuki.journal.queries import get_entry
from kirinuki.text.hashtags import is_valid_tag_name
from tests.web.conftest import Owner

PAYLOADS = [
    "<script>alert('clip')</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(2)>',
    "<a href=\"javascript:alert(3)\">リンク</a>",
    "javascript:alert(4)",
    "'><iframe src=javascript:alert(5)>",
]
TAG_CANDIDATES = ['"><b>x', "<script>", "<img/src=x/onerror=alert`1`>", "'onmouseover='alert`2`",
                  "<svg/onload=alert`3`>"]


class _Active(HTMLParser):
    """Collects elements and attributes a browser would act on that the site never writes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        # The tag story's chart is an <svg> with these attributes only (shapes and text).
        chart = tag == "svg" and set(values) == {"viewbox", "role", "aria-labelledby", "xmlns"}
        if tag in ("iframe", "svg", "img", "object", "embed", "b") and not chart:
            self.found.append(tag)
        if tag == "script" and not (values.get("src") or "").startswith("/"):
            self.found.append("inline script")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.found.append(f"{tag}[{name}={value}]")


def _live_markup(html: str) -> list[str]:
    parser = _Active()
    parser.feed(html)
    return parser.found


def test_payloads_render_inert_everywhere(owner: Owner, client: TestClient,
                                          web_journal: str) -> None:
    tags = [t for t in TAG_CANDIDATES if is_valid_tag_name(t)]
    assert len(tags) >= 2
    lines = [f"段落{i}：{p}" for i, p in enumerate(PAYLOADS)] + ["#" + "#".join(tags)]
    r = owner.post("/compose/paste", {"text": "\n".join(lines) + "\n"}, follow_redirects=False)
    assert r.status_code == 303
    entry_id = int(r.headers["location"].split("#")[0].rsplit("/", 1)[1])
    owner.post(f"/entries/{entry_id}/status", {"status": "published"})
    with open_journal(web_journal) as j:
        entry = get_entry(j, entry_id)
    assert entry.permalink
    pages = [entry.permalink + "/", "/", "/archive/category/", "/feed.xml",
             f"/edit/{entry_id}", "/manage", "/archive/"]
    tag_links = re.findall(r'href="(/archive/category/[^"]+/)"', owner.c.get(pages[0]).text)
    assert tag_links
    pages += tag_links
    for url in pages:
        r = owner.c.get(url)
        assert r.status_code == 200, url
        if url.endswith(".xml"):
            assert "<script>" not in r.text and "&lt;script&gt;" in r.text.replace("&amp;", "&")
            continue
        assert _live_markup(r.text) == [], url
    page = owner.c.get(pages[0]).text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "javascript:alert(4)" in page  # kept as text, not as a link


def test_api_returns_payloads_as_json_strings(api, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    r = api("POST", "/api/entries/today/groups",
            json={"clips": ["<script>alert(1)</script>"], "tags": ['"><b>x']})
    assert r.status_code == 201
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["groups"][-1]["clips"][0]["text"] == "<script>alert(1)</script>"


def test_the_checker_sees_live_markup() -> None:
    assert _live_markup("<p><img src=x onerror=alert(1)></p>") == ["img", "img[onerror]"]
    assert _live_markup('<a href=" JavaScript:alert(1)">x</a>') != []
    assert _live_markup("<p>&lt;img src=x onerror=alert(1)&gt;</p>") == []
