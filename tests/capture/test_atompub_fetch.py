"""The AtomPub client (`hatena pull`/`push`) fetches through the guarded fetcher (issue 17)."""

from __future__ import annotations

import gzip

import pytest

from kirinuki.capture.atompub import AtomPubSession
from kirinuki.capture.fetch import Fetcher
from kirinuki.errors import BlockedAddressError, FetchError
from kirinuki.journal import Journal
from kirinuki.journal.hatena_client import Remote, pull
from tests.capture.conftest import LocalServer, TestNetwork

ATOM = "application/atom+xml"


def _page(next_href: str | None) -> bytes:
    link = f'<link rel="next" href="{next_href}"/>' if next_href else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"{link}<entry><id>tag:blog.example.jp,2023:entry-1</id><title>記事</title>"
        "<updated>2023-06-01T12:00:00+09:00</updated>"
        '<content type="text/x-markdown">港の混雑が続いています。</content>'
        '<link rel="alternate" href="https://blog.example.jp/entry/2023/06/01/120000"/>'
        "</entry></feed>").encode()


def _public(server: LocalServer) -> tuple[Fetcher, TestNetwork, str]:
    """A guarded fetcher for which blog.example.jp is a public address served locally."""
    net = TestNetwork(public={"133.1.1.1"})
    fetcher = Fetcher(resolver=lambda host: ["133.1.1.1"], network_backend=net)
    return fetcher, net, f"http://blog.example.jp:{server.port}"


def test_pull_refuses_a_next_link_to_a_private_address(server: LocalServer, journal: Journal,
                                                       deny_private: None) -> None:
    server.add("/alice/b/atom/entry", _page("http://169.254.169.254/latest/meta-data"),
               content_type=ATOM)
    fetcher, net, origin = _public(server)
    with fetcher, pytest.raises(BlockedAddressError, match="169.254.169.254"):
        pull(journal, Remote("alice", "b", "key", origin), fetcher)
    assert net.hosts == ["133.1.1.1"]  # the metadata address was never connected to
    assert journal.store.conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 1


def test_pull_refuses_a_compression_bomb(server: LocalServer, journal: Journal,
                                         deny_private: None) -> None:
    bomb = gzip.compress(gzip.compress(b" " * (64 << 20)))
    server.add("/alice/b/atom/entry", bomb, content_type=ATOM,
               headers={"Content-Encoding": "gzip, gzip"})
    net = TestNetwork(public={"133.1.1.1"})
    with Fetcher(resolver=lambda host: ["133.1.1.1"], network_backend=net,
                 max_bytes=1 << 20) as fetcher, \
            pytest.raises(FetchError, match="limit once decompressed"):
        pull(journal, Remote("alice", "b", "key", f"http://blog.example.jp:{server.port}"),
             fetcher)


def test_the_default_session_has_the_guard_on(server: LocalServer, deny_private: None) -> None:
    url = server.add("/alice/b/atom/entry", _page(None), content_type=ATOM)
    with AtomPubSession("alice", "key") as http, pytest.raises(BlockedAddressError):
        http.request("GET", url)
    assert server.seen == []


def test_the_journal_session_follows_the_journal_settings(server: LocalServer,
                                                          journal: Journal,
                                                          allow_private: None) -> None:
    """Without a client, pull uses the journal's fetcher (here private addresses allowed)."""
    server.add("/alice/b/atom/entry", _page(None), content_type=ATOM)
    s = pull(journal, Remote("alice", "b", "key", f"http://127.0.0.1:{server.port}"))
    assert (s.pages, s.added) == (1, 1)
    assert "X-WSSE".lower() in server.seen[0].headers


def test_an_error_answer_names_the_status_and_the_text(server: LocalServer,
                                                       deny_private: None) -> None:
    server.add("/alice/b/atom/entry", b"bad credentials", status=401,
               content_type="text/plain")
    fetcher, _, origin = _public(server)
    with AtomPubSession("alice", "key", fetcher) as http, \
            pytest.raises(FetchError, match="HTTP 401 bad credentials"):
        http.request("GET", f"{origin}/alice/b/atom/entry")


def test_a_redirect_is_not_followed_with_the_credentials(server: LocalServer,
                                                         deny_private: None) -> None:
    server.add("/alice/b/atom/entry", b"", status=302,
               headers={"Location": "http://elsewhere.example/collect"})
    fetcher, net, origin = _public(server)
    with AtomPubSession("alice", "key", fetcher) as http, \
            pytest.raises(FetchError, match="HTTP 302"):
        http.request("GET", f"{origin}/alice/b/atom/entry")
    assert net.hosts == ["133.1.1.1"]
