"""The results page's hand-written HTML escapes exactly as the templates' autoescape does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from kirinuki.web.search_html import _snippet_html

_TEXT = st.text(alphabet=st.sampled_from("<>&\"'a首 \u3000\n\x00")) | st.text()


@given(st.lists(st.tuples(_TEXT, st.booleans()), max_size=12))
def test_a_snippet_is_each_segment_escaped_in_order(segments: list[tuple[str, bool]]) -> None:
    expected = "".join(f"<mark>{escape(t)}</mark>" if m else str(escape(t)) for t, m in segments)
    assert _snippet_html(segments) == expected


def test_a_snippet_breaking_out_of_its_markup_is_escaped() -> None:
    shown = _snippet_html([('"><img src=x onerror=alert(1)>', True), ("\x00<b>", False)])
    assert shown == "<mark>&#34;&gt;&lt;img src=x onerror=alert(1)&gt;</mark>\x00&lt;b&gt;"


def test_a_hit_links_only_a_path_of_the_site() -> None:
    from kirinuki.journal.search import SearchHit
    from kirinuki.web.search_html import hit_html

    hit = SearchHit(1, 2, None, None, "段落", [], None, [("段落", False)], [])
    assert 'href="/entry/2024/01/05/090000/"' in hit_html(hit, "/entry/2024/01/05/090000/", False)
    for url in ("javascript:alert(1)", "//evil.example/"):
        shown = hit_html(hit, url, False)
        assert "href" not in shown and "日付なし" in shown
