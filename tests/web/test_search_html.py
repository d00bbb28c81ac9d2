"""The results page's hand-written HTML escapes exactly as the templates' autoescape does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from kirinuki.web.search_html import _esc


@given(st.text(alphabet=st.sampled_from("<>&\"'a首 \u3000\n")) | st.text())
def test_escape_matches_markupsafe(text: str) -> None:
    assert _esc(text) == str(escape(text))


def test_escape_of_an_attribute_breakout() -> None:
    assert _esc('"><img src=x onerror=alert(1)>') == \
        "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"


def test_a_hit_links_only_a_path_of_the_site() -> None:
    from kirinuki.journal.search import SearchHit
    from kirinuki.web.search_html import hit_html

    hit = SearchHit(1, 2, None, None, "段落", [], None, [("段落", False)], [])
    assert 'href="/entry/2024/01/05/090000/"' in hit_html(hit, "/entry/2024/01/05/090000/", False)
    for url in ("javascript:alert(1)", "//evil.example/"):
        shown = hit_html(hit, url, False)
        assert "href" not in shown and "日付なし" in shown
