"""The capture commands end to end against a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tests.capture.conftest import DATA, LocalServer, data
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


def _local_feed(server: LocalServer) -> str:
    """The RSS fixture with its item links pointing at the local server."""
    body = data("feed_rss2.xml").replace(b"https://news.minato-hodo.example",
                                         server.url("").encode())
    return server.add("/rss.xml", body, content_type="application/rss+xml")


def test_clip_refuses_private_addresses_without_permission(ready: Cli, server: LocalServer,
                                                           deny_private: None) -> None:
    url = server.add(ARTICLE, data("article_v1.html"))
    r = ready("clip", url, "--pick", "1")
    assert r.exit_code == 1
    _one_line_error(r.output, "refusing to fetch from private address 127.0.0.1")
    assert server.seen == []
    assert json.loads(ready("stats", "--json").output)["articles"] == 0


def test_clip_versions_and_show(ready: Cli, server: LocalServer, allow_private: None) -> None:
    url = server.add(ARTICLE, data("article_v1.html"))
    r = ready("clip", url, "--pick", "1,3", "--tag", "ルスタニア", "--tag", "#抗議#治安")
    assert r.exit_code == 0, r.output
    assert "version 1 (first version)" in r.output
    # A page on 127.0.0.1 naming news.minato-hodo.example as its canonical URL is not
    # stored as that site's article (issue 17): kept under its own URL, the claim noted.
    claim = "https://news.minato-hodo.example" + ARTICLE
    assert f"note: the page names {claim} as its canonical URL, on another site" in r.output
    assert "clipped 2 paragraph(s) into entry 1" in r.output
    shown = ready("entries", "show", "1").output
    assert "3800人以上が拘束された" in shown and "#ルスタニア#抗議#治安" in shown

    server.add(ARTICLE, data("article_v2.html"))
    r = ready("article", "fetch", url)
    assert r.exit_code == 0, r.output
    assert "version 2 (new version)" in r.output and "3800人以上 → 4400人以上" in r.output
    r = ready("article", "fetch", url)
    assert "version 2 (unchanged)" in r.output

    r = ready("article", "show", url, "--versions")
    assert r.exit_code == 0, r.output
    assert "2 version(s)" in r.output and "figures: 3800人以上 → 4400人以上" in r.output
    assert "[-3800人以上-]{+4400人以上+}" in r.output
    assert "+ また、ルスタニアの一部メディア" in r.output
    assert f"claims to be {claim} (another site: not trusted)" in r.output
    assert ready("article", "show", claim).exit_code == 1
    r = ready("article", "show", url, "--json")
    doc = json.loads(r.output)
    assert [len(v["paragraphs"]) for v in doc["versions"]] == [6, 7]
    assert [v["canonical_claim"] for v in doc["versions"]] == [claim, claim]
    assert doc["url"] == url
    assert doc["source"] == {"site": "127.0.0.1", "name": "みなと報道ニュース"}
    # the clipped entry still quotes version 1
    assert "3800人以上が拘束された" in ready("entries", "show", "1").output


def test_clip_match_into_a_shift_jis_page_with_a_wrong_header(ready: Cli, server: LocalServer,
                                                              allow_private: None) -> None:
    url = server.add("/m.html", data("market_sjis.html"), content_type="text/html; charset=UTF-8")
    r = ready("clip", url, "--match", "アナリスト", "--tag", "円安")
    assert r.exit_code == 0, r.output
    assert "「当面は日米の金融政策の違い" in ready("entries", "show", "1").output


@pytest.mark.parametrize(("path", "body", "ctype", "message"), [
    ("/doc.pdf", b"%PDF-1.7", "application/pdf", "not an HTML page (content type application/pdf)"),
    ("/list.html", data("no_article.html"), "text/html", "no article text"),
    ("/missing.html", None, None, "HTTP 404"),
])
def test_bad_pages(ready: Cli, server: LocalServer, allow_private: None, path: str,
                   body: bytes | None, ctype: str | None, message: str) -> None:
    if body is not None:
        server.add(path, body, content_type=ctype)
    r = ready("clip", server.url(path), "--pick", "1")
    assert r.exit_code == 1
    _one_line_error(r.output, message)
    assert json.loads(ready("stats", "--json").output)["articles"] == 0


def test_unreachable_host_and_unknown_inbox_number(ready: Cli, allow_private: None) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = ready("clip", f"http://127.0.0.1:{port}/a", "--pick", "1")
    assert r.exit_code == 1
    _one_line_error(r.output, "cannot connect")
    r = ready("clip", "12", "--pick", "1")
    assert r.exit_code == 1
    _one_line_error(r.output, "no inbox item 12")
    r = ready("clip", "not a url", "--pick", "1")
    assert r.exit_code == 1


def test_feeds_inbox_and_clip_by_number(ready: Cli, server: LocalServer, allow_private: None,
                                        tmp_path: Path) -> None:
    feed = _local_feed(server)
    server.add(ARTICLE, data("article_v1.html"))
    r = ready("feeds", "add", feed)
    assert r.exit_code == 0, r.output
    assert "みなと報道ニュース 国際" in r.output and "3 new of 3" in r.output
    r = ready("feeds", "poll")
    assert r.exit_code == 0 and "0 new of 3" in r.output and "polled 1 feed(s)" in r.output
    r = ready("inbox")
    lines = r.output.strip().splitlines()
    assert "拘束者相次ぐ" in lines[0] and "懸念表明" in lines[-1]  # newest first
    number = lines[0].split()[0]
    r = ready("clip", number, "--pick", "2", "--tag", "ルスタニア")
    assert r.exit_code == 0, r.output
    assert json.loads(ready("inbox", "--json").output)[0]["clipped"] is True
    # an EUC-JP page whose charset only its <meta> names, clipped by its inbox number
    server.add("/articles/2022/01/05/k100115.html", data("verdenia_eucjp.html"),
               content_type="text/html")
    last = lines[-1].split()[0]
    r = ready("clip", last, "--match", "懸念", "--tag", "ヴェルデニア")
    assert r.exit_code == 0, r.output
    assert "ヴェルデニア首相 ルスタニア情勢に懸念表明" in r.output
    assert "「国境の向こうで起きていることに強い懸念" in ready("entries", "show", "1").output

    r = ready("feeds", "import-opml", str(DATA / "feeds.opml"))
    assert "imported 3 feed(s); 0 already followed" in r.output
    listed = json.loads(ready("feeds", "list", "--json").output)
    assert [f["number"] for f in listed] == [1, 2, 3, 4]
    out = tmp_path / "out.opml"
    assert ready("feeds", "export-opml", "-o", str(out)).exit_code == 0
    assert out.read_bytes().count(b"xmlUrl=") == 4
    assert ready("feeds", "export-opml").output.startswith('<?xml version="1.0"')
    r = ready("feeds", "remove", "1")
    assert r.exit_code == 0 and "removed feed 1" in r.output
    assert len(json.loads(ready("feeds", "list", "--json").output)) == 3
    r = ready("feeds", "remove", "1")
    assert r.exit_code == 1


def test_poll_reports_broken_feeds_per_line(ready: Cli, server: LocalServer,
                                            allow_private: None, tmp_path: Path) -> None:
    good = _local_feed(server)
    html = server.add("/page.xml", data("article_v1.html"), content_type="text/html")
    gone = server.url("/gone.xml")
    opml = tmp_path / "f.opml"
    opml.write_text("<opml version='2.0'><body>" + "".join(
        f"<outline xmlUrl='{u}'/>" for u in (good, html, gone)) + "</body></opml>")
    assert ready("feeds", "import-opml", str(opml)).exit_code == 0
    r = ready("feeds", "poll", "--jobs", "2")
    assert r.exit_code == 1
    assert "✓ みなと報道ニュース 国際  3 new of 3" in r.output
    assert "not a feed (an HTML page)" in r.output and "HTTP 404" in r.output
    assert "polled 3 feed(s): 3 new item(s), 2 failed" in r.output


def test_add_pasted_text(ready: Cli, server: LocalServer, allow_private: None,
                         tmp_path: Path) -> None:
    url = server.add(ARTICLE, data("article_v1.html"))
    assert ready("article", "fetch", url).exit_code == 0
    para = ready("article", "show", url).output.splitlines()[4].split(" ", 3)[-1]
    pasted = para.replace("「", "")
    r = ready("add", "-", input=f"{pasted}\n#ルスタニア\n".encode())
    assert r.exit_code == 0, r.output
    assert "added 1 clip(s) to entry 1; 1 linked to captured articles" in r.output
    doc = json.loads(ready("entries", "show", "1", "--json").output)
    assert json.dumps(doc, ensure_ascii=False).count(url) >= 1
    f = tmp_path / "paste.txt"
    f.write_text("取り込んでいない記事の段落で、どの版とも一致しない文章です。\n#その他\n", encoding="utf-8")
    r = ready("add", str(f), "--entry", "1")
    assert r.exit_code == 0 and "0 linked" in r.output
    r = ready("add", str(tmp_path / "missing.txt"))
    assert r.exit_code == 1
    _one_line_error(r.output, "no such file")


def test_clip_asks_at_a_terminal(ready: Cli, server: LocalServer, allow_private: None,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from kirinuki.cli import capture as cli_capture

    url = server.add(ARTICLE, data("article_v1.html"))
    r = ready("clip", url, "--tag", "x")
    assert r.exit_code == 1 and "--pick or --match" in r.output  # no terminal: no question
    monkeypatch.setattr(cli_capture, "_interactive", lambda: True)
    r = ready("clip", url, "--tag", "x", input="2,4\n")
    assert r.exit_code == 0, r.output
    assert "  1 東欧のルスタニアで" in r.output and "  6 ルスタニアでは" in r.output
    assert "clipped 2 paragraph(s)" in r.output
    r = ready("clip", url, "--tag", "x", input="\n")
    assert r.exit_code == 1 and "nothing clipped" in r.output
    r = ready("clip", url, "--tag", "x", input="9\n")
    assert r.exit_code == 1 and "paragraphs 1-6" in r.output
