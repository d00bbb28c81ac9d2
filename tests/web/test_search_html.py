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
