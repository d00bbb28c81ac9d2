"""URL normalisation: one article is one article."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kirinuki.capture.urls import normalize_url, registrable_domain, same_site, site_of
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


@pytest.mark.parametrize(("a", "b"), [
    ("https://www3.nhk.or.jp/news/a.html", "https://www.nhk.or.jp/b"),
    ("https://news.minato.co.jp/a", "http://m.minato.co.jp/a"),  # scheme does not matter
    ("https://www.asahi.com/a", "https://digital.asahi.com:8443/a"),
    ("https://Example.JP./a", "https://example.jp/b"),
    ("http://127.0.0.1:8000/a", "http://127.0.0.1:8000/b"),
    ("http://localhost/a", "http://localhost:80/b"),
    ("https://www.minato.example/a", "https://minato.example/b"),
    ("https://m.news.minato.example/a", "https://amp.news.minato.example/b"),
    ("http://[::1]:8080/a", "http://[::1]:8080/b"),
    ("https://日本.jp/a", "https://www.xn--wgv71a.jp/b"),
])
def test_same_site(a: str, b: str) -> None:
    assert same_site(a, b) and same_site(b, a)


@pytest.mark.parametrize(("a", "b"), [
    ("http://127.0.0.1:41661/a", "https://www3.nhk.or.jp/news/a.html"),  # the attack
    ("https://evil.example.com/a", "https://www3.nhk.or.jp/a"),
    ("https://nhk.or.jp.evil.com/a", "https://www3.nhk.or.jp/a"),
    ("https://a.co.jp/x", "https://b.co.jp/x"),  # a public suffix is not a site
    ("https://alice.github.io/x", "https://bob.github.io/x"),  # nor a private one
    ("http://127.0.0.1:8000/a", "http://127.0.0.1:9000/a"),
    ("http://127.0.0.1/a", "http://127.0.0.2/a"),
    ("https://news.minato.example/a", "https://m.minato.example/a"),
    ("https://minato.example/a", "https://minato.co.jp/a"),
    ("http://localhost/a", "http://localhost.localdomain/a"),
    ("http://x:99999/a", "http://x/a"),
    ("not a url", "https://www3.nhk.or.jp/"),
])
def test_not_same_site(a: str, b: str) -> None:
    assert not same_site(a, b) and not same_site(b, a)


def test_registrable_domain_uses_the_bundled_suffix_list() -> None:
    assert registrable_domain("www3.nhk.or.jp") == "nhk.or.jp"
    assert registrable_domain("alice.github.io") == "alice.github.io"
    assert registrable_domain("127.0.0.1") is None
    assert registrable_domain("news.minato.example") is None
