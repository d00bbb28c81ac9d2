"""URL normalisation: one article is one article."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kirinuki.capture.urls import normalize_url, site_of
from kirinuki.errors import InputError


@pytest.mark.parametrize(("raw", "expected"), [
    ("HTTPS://News.Example.JP/a/b.html#section2", "https://news.example.jp/a/b.html"),
    ("https://news.example.jp/a?utm_source=tw&utm_medium=social&id=7",
     "https://news.example.jp/a?id=7"),
    ("https://news.example.jp/a?fbclid=XyZ&gclid=1", "https://news.example.jp/a"),
    ("http://news.example.jp:80/a", "http://news.example.jp/a"),
    ("https://news.example.jp:443", "https://news.example.jp/"),
    ("https://news.example.jp:8443/a", "https://news.example.jp:8443/a"),
    ("https://user:pw@news.example.jp/a", "https://news.example.jp/a"),
    ("  https://news.example.jp/a?q=%E5%86%86&UTM_campaign=x  ",
     "https://news.example.jp/a?q=%E5%86%86"),
    ("https://[2001:db8::1]:8080/x", "https://[2001:db8::1]:8080/x"),
])
def test_normalize_url(raw: str, expected: str) -> None:
    assert normalize_url(raw) == expected


def test_normalize_is_idempotent() -> None:
    once = normalize_url("https://WWW.Example.jp/p?a=1&utm_id=2&b=&c#x")
    assert normalize_url(once) == once == "https://www.example.jp/p?a=1&b=&c"


@pytest.mark.parametrize("bad", ["ftp://example.jp/x", "file:///etc/passwd", "example.jp/a",
                                 "javascript:alert(1)", "https://", "http://example.jp:99999/"])
def test_non_http_urls_are_refused(bad: str) -> None:
    with pytest.raises(InputError):
        normalize_url(bad)


def test_site_of_drops_www() -> None:
    assert site_of("https://www.kitahama-keizai.example/m/1") == "kitahama-keizai.example"
    assert site_of("https://news.minato-hodo.example/") == "news.minato-hodo.example"


_part = st.text(alphabet="abcxyz019-._~%=&", min_size=0, max_size=12)


@given(host=st.sampled_from(["News.Example.JP", "www.example.jp", "127.0.0.1", "[::1]"]),
       port=st.sampled_from(["", ":80", ":443", ":8080"]), path=_part, query=_part,
       tracking=st.lists(st.sampled_from(["utm_source=x", "fbclid=1", "UTM_medium=y"]),
                         max_size=3),
       fragment=_part)
def test_normalisation_is_idempotent_and_drops_tracking(host: str, port: str, path: str,
                                                        query: str, tracking: list[str],
                                                        fragment: str) -> None:
    raw = f"https://{host}{port}/{path}?{'&'.join([query, *tracking])}#{fragment}"
    once = normalize_url(raw)
    assert normalize_url(once) == once
    assert "#" not in once and "utm_" not in once.lower() and "fbclid" not in once
    assert once.startswith("https://" + host.lower())
