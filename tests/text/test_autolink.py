"""The URL finder (`text/autolink.py`) on link shapes of real exports, and a property test:
generated text with URLs renders to links whose href is the URL."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kirinuki.publish.templating import linked
from kirinuki.text.autolink import find_urls, linked_html

CASES = [line.split("\t") for line in
         (Path(__file__).parent / "data" / "links.tsv").read_text(encoding="utf-8").splitlines()
         if line and not line.startswith("#")]


@pytest.mark.parametrize(("part", "text", "urls"), CASES, ids=[c[0] for c in CASES])
def test_links_of_export_shapes(part: str, text: str, urls: str) -> None:
    assert [text[a:b] for a, b in find_urls(text)] == urls.split(" ")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _read(markup: str) -> tuple[list[str], str]:
    p = _Links()
    p.feed(markup)
    p.close()
    return p.hrefs, "".join(p.text)


_LABEL = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
_ASCII_SEG = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_.~%", min_size=1, max_size=8).filter(
    lambda s: s[-1].isalnum())
_JA_SEG = st.text("日本港湾物流東京大阪テストニュースあいう", min_size=1, max_size=6)
_PAREN = _ASCII_SEG.map(lambda s: f"_({s})")


@st.composite
def _url(draw: st.DrawFn) -> str:
    host = ".".join(draw(st.lists(_LABEL, min_size=1, max_size=3))) + ".example"
    url = draw(st.sampled_from(["http://", "https://", "HTTPS://"])) + host
    for seg in draw(st.lists(st.one_of(_ASCII_SEG, _JA_SEG), max_size=3)):
        url += "/" + seg
    if draw(st.booleans()):
        url += draw(_PAREN) if "/" in url[8:] else "/" + draw(_ASCII_SEG)
    if draw(st.booleans()):
        url += f"?{draw(_ASCII_SEG)}={draw(st.one_of(_ASCII_SEG, _JA_SEG))}"
    if draw(st.booleans()):
        url += "#" + draw(_ASCII_SEG)
    return url


_PROSE = st.text("港の混雑は続いています。、 abc記事を参照", max_size=10)
_BEFORE = st.sampled_from(["", " ", "は", "（", "「", "(", "【", "出典:"])
_AFTER = st.sampled_from(["", " ", ".", ",", "、", "。", ")", "）", "」", "を参照", "!"])


@given(st.lists(st.tuples(_PROSE, _BEFORE, _url(), _AFTER), min_size=1, max_size=4))
def test_generated_urls_render_to_links_with_the_url_as_href(
        parts: list[tuple[str, str, str, str]]) -> None:
    text, urls = "", []
    for prose, before, url, after in parts:
        if url[-1] not in "0123456789abcdefghijklmnopqrstuvwxyz)" and after == "を参照":
            after = "。"  # glued to a Japanese path, Japanese text reads as part of it
        if before == "(" and after != ")":
            after = ")"
        text += prose + (" " if prose[-1:].isascii() and prose[-1:].isalnum() else "") + before
        text += url + after + " "
        urls.append(url)
    for rendered in (linked_html(text), str(linked(text))):
        hrefs, shown = _read(rendered)
        assert hrefs == urls
        assert shown == text
