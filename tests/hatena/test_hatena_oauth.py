"""OAuth 1.0a on the AtomPub API (issue 23): clients made by `kirinuki hatena oauth add` sign
with oauthlib's own client; revocation, replays, stale timestamps and wrong secrets refused."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256, Client

from kirinuki.web.app import create_app

BASE = "http://testserver/alice/clip.hatenablog.example/atom"


def _keys(output: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in output.splitlines() if "=" in line)


@pytest.fixture
def served(cli, journal_path: str) -> Iterator[tuple[TestClient, dict[str, str]]]:  # noqa: ANN001
    """(client, the four OAuth values) over a fresh journal."""
    assert cli("init", "--title", "切り抜き帳", "--host", "clip.hatenablog.example").exit_code == 0
    r = cli("hatena", "oauth", "add", "--name", "エディタ")
    assert r.exit_code == 0
    keys = _keys(r.stdout)
    assert set(keys) == {"consumer_key", "consumer_secret", "access_token",
                         "access_token_secret"}
    with TestClient(create_app(journal_path)) as client:
        yield client, keys


def _signer(keys: dict[str, str], **kw: object) -> Client:
    return Client(keys["consumer_key"], client_secret=keys["consumer_secret"],
                  resource_owner_key=keys["access_token"],
                  resource_owner_secret=keys["access_token_secret"], **kw)


def _signed(keys: dict[str, str], method: str, url: str, body: str | None = None,
            **kw: object) -> dict[str, str]:
    headers = {"Content-Type": "application/atom+xml"} if body else {}
    _, signed, _ = _signer(keys, **kw).sign(url, method, body, headers)
    return dict(signed)


ENTRY = ('<entry xmlns="http://www.w3.org/2005/Atom"><title>OAuth の記事</title>'
         "<content>署名付きで投稿しました。</content></entry>")


def test_an_oauth_client_posts_lists_and_reads(served: tuple[TestClient, dict[str, str]]
                                               ) -> None:
    client, keys = served
    url = BASE + "/entry"
    r = client.post(url, content=ENTRY.encode(), headers=_signed(keys, "POST", url, ENTRY))
    assert r.status_code == 201, r.text
    r = client.get(url, headers=_signed(keys, "GET", url))
    assert r.status_code == 200 and "OAuth の記事" in r.text
    paged = url + "?page=9999999999"  # the query is part of what is signed
    assert client.get(paged, headers=_signed(keys, "GET", paged)).status_code == 200
    sha256 = _signed(keys, "GET", url, signature_method=SIGNATURE_HMAC_SHA256)
    assert client.get(url, headers=sha256).status_code == 200


def test_replays_stale_times_and_wrong_secrets_are_refused(
        served: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = served
    url = BASE + "/entry"
    headers = _signed(keys, "GET", url)
    assert client.get(url, headers=headers).status_code == 200
    replay = client.get(url, headers=headers)
    assert replay.status_code == 401 and "replayed" in replay.text
    assert "OAuth" in replay.headers["www-authenticate"]
    stale = _signed(keys, "GET", url, timestamp=str(int(time.time()) - 3600))
    assert client.get(url, headers=stale).status_code == 401
    wrong = dict(keys, access_token_secret="x" + keys["access_token_secret"])
    assert client.get(url, headers=_signed(wrong, "GET", url)).status_code == 401
    other_token = dict(keys, access_token="0" * 32)
    assert client.get(url, headers=_signed(other_token, "GET", url)).status_code == 401
    unknown = dict(keys, consumer_key="0" * 32)
    assert client.get(url, headers=_signed(unknown, "GET", url)).status_code == 401
    # Signed for another address: refused.
    assert client.get(url, headers=_signed(keys, "GET", BASE + "/category")).status_code == 401
    garbled = client.get(url, headers={"Authorization": 'OAuth oauth_nonce="'})
    assert garbled.status_code == 401 and garbled.headers["content-type"].startswith("text/plain")


def test_list_and_revoke(cli, served: tuple[TestClient, dict[str, str]]) -> None:  # noqa: ANN001
    client, keys = served
    listed = cli("hatena", "oauth", "list").stdout
    assert "エディタ" in listed and keys["consumer_key"] in listed and "live" in listed
    assert keys["consumer_secret"] not in listed and keys["access_token_secret"] not in listed
    assert cli("hatena", "oauth", "revoke", "1").exit_code == 0
    url = BASE + "/entry"
    assert client.get(url, headers=_signed(keys, "GET", url)).status_code == 401
    assert "revoked" in cli("hatena", "oauth", "list").stdout
    again = cli("hatena", "oauth", "revoke", "1")
    assert again.exit_code != 0 and "no live OAuth client 1" in again.output


def test_secrets_are_not_in_the_cli_list_output_nor_reused(cli, journal_path: str,  # noqa: ANN001
                                                          tmp_path: Path) -> None:
    assert cli("init", "--title", "t", "--host", "h.example").exit_code == 0
    a = _keys(cli("hatena", "oauth", "add").stdout)
    b = _keys(cli("hatena", "oauth", "add").stdout)
    assert all(a[k] != b[k] for k in a)


def test_a_client_acts_as_the_account_that_authorised_it(cli, journal_path: str  # noqa: ANN001
                                                         ) -> None:
    """Issue 24: not as the owner. An editor's client writes as the editor (recorded as the
    entry's author); a reader's client may read but not write; a removed account's client
    is refused."""
    from kirinuki.journal import get_entry, open_journal

    assert cli("init", "--title", "切り抜き帳", "--host", "clip.hatenablog.example").exit_code == 0
    assert cli("user", "add", "hanako", "--role", "editor").exit_code == 0
    assert cli("user", "add", "taro", "--role", "reader").exit_code == 0
    editor = _keys(cli("hatena", "oauth", "add", "--user", "hanako").stdout)
    reader = _keys(cli("hatena", "oauth", "add", "--user", "taro").stdout)
    r = cli("hatena", "oauth", "add", "--user", "nobody")
    assert r.exit_code == 1 and "no user 'nobody'" in r.output
    url = BASE + "/entry"
    with TestClient(create_app(journal_path)) as client:
        r = client.post(url, content=ENTRY.encode(), headers=_signed(editor, "POST", url, ENTRY))
        assert r.status_code == 201, r.text
        with open_journal(journal_path) as j:
            assert get_entry(j, 1).author == "hanako"
        assert client.get(url, headers=_signed(reader, "GET", url)).status_code == 200
        r = client.post(url, content=ENTRY.encode(), headers=_signed(reader, "POST", url, ENTRY))
        assert r.status_code == 403
        assert cli("user", "remove", "hanako").exit_code == 0
        r = client.get(url, headers=_signed(editor, "GET", url))
        assert r.status_code == 401
