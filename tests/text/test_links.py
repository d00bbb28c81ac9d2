"""The one link rule (`text/links.py`): only absolute http(s) URLs with a host become links."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kirinuki.text import links
from kirinuki.text.links import http_url, site_url

# Each of these, written into an href, would run script, open another scheme or leave the
# site in a way a reader cannot see.
REFUSED = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\x00script:alert(1)",
    "&#x6A;avascript:alert(1)",
    "&#106;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/",
    "\\\\evil.example\\",
    "/\\evil.example",
    "http:evil.example",
    "http:/evil.example",
    "https:\\\\evil.example",
    "http://",
    "https:///path",
    "http://@/",
    "http://[::1",
    "http://example.com:port/",
    " http://example.com/",
    "http://example.com/ ",
    "http://exa mple.com/",
    "http://example.com/\u3000x",
    "http://example.com/\u202ex",
    "http&#58;//example.com/",
    "h&#116;tp://example.com/&#0;",
    "",
    "/entry/1",  # a site path is no outside link
]
ACCEPTED = [
    "http://example.com",
    "https://example.com/",
    "HTTPS://Example.COM/a?b=1&c=2#frag",
    "https://news.example.jp/articles/2025/0301.html",
    "https://ja.wikipedia.org/wiki/日本",
    "http://d.hatena.ne.jp/kirinuki/20080101/1199113200",
    "https://user:pw@example.com:8443/x",
    "http://[2001:db8::1]/",
    "https://example.com/?q=a&amp;b",
]


@pytest.mark.parametrize("value", REFUSED)
def test_refused(value: str) -> None:
    assert http_url(value) is None


@pytest.mark.parametrize("value", ACCEPTED)
def test_accepted_unchanged(value: str) -> None:
    assert http_url(value) == value


def test_not_a_string() -> None:
    assert http_url(None) is None and http_url(42) is None and site_url(None) is None


@pytest.mark.parametrize("value", ["/entry/2024/01/05/090000/", "/archive/category/%E5%8F%8D/",
                                   "/", "/feed.xml", "https://example.com/"])
def test_site_url_accepts_paths_and_http(value: str) -> None:
    assert site_url(value) == value


@pytest.mark.parametrize("value", ["//evil.example/", "/\\evil.example", "/&#47;evil.example",
                                   "javascript:alert(1)", "entry/1", "/a b", "/a\tb", ""])
def test_site_url_refuses(value: str) -> None:
    assert site_url(value) is None


# What a browser does with an href (WHATWG URL): trim C0 controls and spaces, drop tabs and
# line ends, then read the scheme. Written apart from the module, so the two check each other.
def _browser_scheme(value: str) -> str | None:
    v = re.sub(r"[\t\n\r]", "", value.strip("".join(map(chr, range(0x21)))))
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", v)
    return m.group(1).lower() if m else None


@given(st.text(alphabet=st.sampled_from(list("javscriptJAVSCRIPT:htps/\\ \t\n\x00&#;x6A.e")),
               max_size=24) | st.text(max_size=24))
def test_whatever_is_accepted_is_http_to_a_browser(value: str) -> None:
    got = http_url(value)
    if got is not None:
        assert got == value
        assert _browser_scheme(value) in ("http", "https")
        assert _browser_scheme(html.unescape(value)) in ("http", "https")


def test_linkified_text_follows_the_rule() -> None:
    from kirinuki.model import Clip, Entry, Group
    from kirinuki.text.hatena_html import entry_html

    entry = Entry(groups=[Group([Clip("見る https://ok.example/a と http://bad.example:port/ と "
                                      "https://[::1 です")], [])])
    body = entry_html(entry)
    assert body.count("<a ") == 1 and 'href="https://ok.example/a"' in body
    assert "http://bad.example:port/" in body and "https://[::1" in body


# The shortcuts for common links must answer as the whole rule does (the parse, `_clean`).
_PLAIN = st.from_regex(links._PLAIN_HTTP, fullmatch=True)
# ... and with one character the shortcut must not let through put anywhere in it
_NEAR_PLAIN = st.tuples(_PLAIN, st.sampled_from(list("\\ \t\x7f\u3000é@:[]&")),
                        st.integers(0, 40)).map(lambda t: t[0][:t[2]] + t[1] + t[0][t[2]:])


@given(_PLAIN | _NEAR_PLAIN)
def test_plain_http_shortcut_agrees_with_the_parse(value: str) -> None:
    assert links._absolute_http(value) == links._parsed_http(value)


@given(st.text(alphabet=st.sampled_from(list("/\\&#;47x2Fa. \t\u3000日é%")), max_size=16)
       .map(lambda s: "/" + s))
def test_site_path_shortcut_agrees_with_the_rule(value: str) -> None:
    links._site_path.cache_clear()
    assert site_url(value) == links._site_path(value)
