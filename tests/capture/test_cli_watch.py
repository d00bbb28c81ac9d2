"""`watch list|add|remove|run` and `changes` end to end against a local server on 127.0.0.1,
and their answers to bad input (one `error:` line, exit status 1 or Click's 2)."""

from __future__ import annotations

import json

import pytest

from tests.capture.conftest import LocalServer, data
from tests.conftest import Cli

ARTICLE = "/articles/2022/01/08/k100123.html"


@pytest.fixture
def ready(cli: Cli) -> Cli:
    r = cli("init", "--title", "テスト帳", "--host", "kirinuki.test")
    assert r.exit_code == 0, r.output
    return cli


def _one_line_error(output: str, text: str) -> None:
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and text in lines[0], output


def test_watch_run_and_changes(ready: Cli, server: LocalServer, allow_private: None) -> None:
    url = server.add(ARTICLE, data("article_v1.html"), etag='"1"')
    assert ready("clip", url, "--match", "拘束", "--tag", "ルスタニア").exit_code == 0
    r = ready("watch", "list", "--json")
    assert [(w["url"], w["how"], w["watching"]) for w in json.loads(r.output)] == [
        (url, "clip", True)]
    r = ready("watch", "run")
    assert r.exit_code == 0, r.output
    assert "checked 0 article(s)" in r.output  # not due yet
    r = ready("watch", "run", "--all")
    assert r.exit_code == 0 and "= unchanged" in r.output and "1 unchanged" in r.output
    assert server.seen[-1].headers["if-none-match"] == '"1"'

    server.add(ARTICLE, data("article_v2.html"), etag='"2"')
    r = ready("watch", "run", "--all", "--quiet")
    assert r.exit_code == 0, r.output
    assert "~ changed" in r.output and "3800人以上 → 4400人以上" in r.output
    assert "1 changed" in r.output

    r = ready("changes")
    assert r.exit_code == 0, r.output
    assert "entry 1, clip 1:" in r.output
    assert "拘束: 3800人以上 → 4400人以上" in r.output
    assert "1 changed passage(s), 0 article(s) gone" in r.output
    doc = json.loads(ready("changes", "--json").output)
    [p] = doc["changed"]
    assert (p["entry"], p["clip"], p["url"], p["removed"]) == (1, 1, url, False)
    assert "3800人以上" in p["old"] and "4400人以上" in p["new"]
    assert doc["gone"] == []
    assert json.loads(ready("changes", "--json", "--since", "2099-01-01").output)["changed"] == []
    assert len(json.loads(ready("changes", "--json", "--since", "1h").output)["changed"]) == 1

    server.add(ARTICLE, b"gone", status=410, content_type="text/plain")
    r = ready("watch", "run", "--all")
    assert r.exit_code == 0 and "✗ gone" in r.output and "(HTTP 410)" in r.output
    doc = json.loads(ready("changes", "--json").output)
    assert [(g["url"], g["status"]) for g in doc["gone"]] == [(url, 410)]
    assert "1 article(s) gone" in ready("changes").output

    server.add(ARTICLE, b"oops", status=500, content_type="text/plain")
    r = ready("watch", "run", "--all")
    assert r.exit_code == 1 and "! error" in r.output and "1 error" in r.output


def test_watch_add_list_remove(ready: Cli, server: LocalServer, allow_private: None) -> None:
    url = server.add("/x.html", data("article_v1.html"))
    r = ready("watch", "add", url)
    assert r.exit_code == 0 and f"watching {url}" in r.output, r.output
    assert url in ready("watch", "list").output
    r = ready("watch", "remove", url)
    assert r.exit_code == 0 and f"no longer watching {url}" in r.output
    assert "0 article(s) watched" in ready("watch", "list").output


def test_bad_input(ready: Cli, server: LocalServer, allow_private: None) -> None:
    _one_line_error(ready("watch", "remove", server.url("/none")).output, "no captured article")
    r = ready("watch", "add", "ftp://example.jp/a")
    assert r.exit_code == 1
    _one_line_error(r.output, "not an http(s) URL")
    r = ready("watch", "add", server.url("/missing"))
    assert r.exit_code == 1
    _one_line_error(r.output, "HTTP 404")
    r = ready("changes", "--since", "yesterday")
    assert r.exit_code == 1
    _one_line_error(r.output, "--since 'yesterday'")
    assert ready("watch", "run", "--jobs", "0").exit_code == 2
    assert ready("watch", "run", "--jobs", "x").exit_code == 2
    assert json.loads(ready("stats", "--json").output)["articles"] == 0


def test_watch_needs_a_journal(cli: Cli) -> None:
    r = cli("watch", "list")
    assert r.exit_code == 1 and r.output.startswith("error:")
