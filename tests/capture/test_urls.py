"""URL normalisation: one article is one article."""

from __future__ import annotations

import pytest

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
