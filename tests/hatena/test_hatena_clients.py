"""Real Hatena clients against kirinuki's AtomPub server on 127.0.0.1 (issue 8, step 5).

gimonfu (npm) has its server address fixed to https://blog.hatena.ne.jp/, so it goes through
`connect_proxy.py` (a loopback CONNECT proxy with a self-signed certificate for that name).
XML::Atom (Debian libxml-atom-perl) takes full URLs and signs with WSSE; so does Atompub::Client
(Debian libatompub-perl), which starts from the service document. All are installed by
`.ci/run`; the tests skip when a client is missing. An OAuth 1.0a client (oauthlib's signer,
httpx) talks to `kirinuki serve`. Slow: they start processes and a server.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from oauthlib.oauth1 import Client

from kirinuki.errors import NotFoundError
from kirinuki.journal import get_entry, import_paths, init_journal, list_entries, open_journal
from kirinuki.journal.hatena import export_mt
from kirinuki.journal.hatena_atompub import create_api_key
from kirinuki.model import Status
from kirinuki.web import atompub
from kirinuki.web.state import WebState

pytestmark = pytest.mark.slow
HERE = Path(__file__).resolve().parent
GIMONFU_DIR = Path(os.environ.get("KIRINUKI_GIMONFU_DIR", Path.home() / ".cache/kirinuki-ci"))
GIMONFU = GIMONFU_DIR / "node_modules" / ".bin" / "gimonfu"
USER, BLOG = "alice", "d1021.hatenadiary.jp"
ENTRIES = 320


def perl_has(module: str) -> bool:
    """Whether perl loads `module`. Asked by the skip marks (as strings) when a test is set up,
    not at every collection of the suite, which imports this module even where it is not run."""
    return subprocess.run(["perl", f"-M{module}", "-e", "1"], capture_output=True).returncode == 0


def _export(n: int) -> str:
    """An MT export of n entries, each one quoted clip with its source and a hashtag line."""
    parts = []
    for i in range(n):
        day, minute, sec = 1 + i // 100, i % 100 // 60, i % 100 % 60
        parts.append(
            f"AUTHOR: {USER}\nTITLE: 港湾ニュース {i}\n"
            f"BASENAME: 2023/05/{day:02d}/09{minute:02d}{sec:02d}\nSTATUS: Publish\n"
            f"DATE: 05/{day:02d}/2023 09:{minute:02d}:{sec:02d}\n-----\nBODY:\n"
            f"<blockquote><p>港湾局によりますと、{i}日目の入港待ちは{i % 30}隻でした。</p>"
            f'<cite><a href="https://news.example.jp/port/{i}">港湾 {i}</a></cite></blockquote>\n'
            f"<p>#物流</p>\n-----\n--------\n")
    return "".join(parts)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, str, str]]:
    """(port, journal path, API key) of a live AtomPub server over a journal of ENTRIES."""
    path = str(tmp_path / "served.db")
    j = init_journal(path, "港湾ウォッチ", [BLOG])
    (tmp_path / "blog.export.txt").write_text(_export(ENTRIES), encoding="utf-8")
    import_paths(j, [str(tmp_path / "blog.export.txt")])
    key = create_api_key(j)
    j.close()
    app = FastAPI()
    app.state.web = WebState(path)
    app.include_router(atompub.router)
    # The socket listens before the server thread runs, so clients can connect at once.
    sock = socket.create_server(("127.0.0.1", 0))
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield sock.getsockname()[1], path, key
    srv.should_exit = True
    thread.join(10)
    app.state.web.close()


def _front(path: Path) -> dict[str, str]:
    head = path.read_text(encoding="utf-8").split("---\n")[1]
    return {k.strip(): v.strip() for k, _, v in (ln.partition(":") for ln in head.splitlines())}


@pytest.mark.skipif(not GIMONFU.exists() or shutil.which("openssl") is None,
                    reason="gimonfu not installed (.ci/run installs it)")
def test_gimonfu_ping_pull_edit_push(server: tuple[int, str, str], tmp_path: Path) -> None:
    port, path, key = server
    cert, pkey = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(pkey), "-out", str(cert), "-subj", "/CN=blog.hatena.ne.jp",
                    "-addext", "subjectAltName=DNS:blog.hatena.ne.jp"],
                   check=True, capture_output=True)
    psock = socket.socket()
    psock.bind(("127.0.0.1", 0))
    pport = psock.getsockname()[1]
    psock.close()
    proxy = subprocess.Popen([sys.executable, str(HERE / "connect_proxy.py"), str(pport),
                              str(port), str(cert), str(pkey)], stdout=subprocess.PIPE, text=True)
    assert proxy.stdout is not None and proxy.stdout.readline().strip() == "ready"
    blog = tmp_path / "blog"
    blog.mkdir()
    (blog / ".gimonfu.json").write_text(
        f'{{"user_id":"{USER}","api_key":"{key}","blog_id":"{BLOG}"}}', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "https_proxy")}
    env |= {"HTTPS_PROXY": f"http://127.0.0.1:{pport}", "NODE_EXTRA_CA_CERTS": str(cert)}

    def gimonfu(*args: str) -> str:
        r = subprocess.run([str(GIMONFU), *args], cwd=blog, env=env, capture_output=True,
                           text=True, timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr
        return r.stdout
    try:
        assert "Success" in gimonfu("ping")
        gimonfu("pull")
        files = sorted((blog / "entry").rglob("*.md"))
        assert len(files) == ENTRIES  # several pages of 100
        target = blog / "entry" / "2023" / "05" / "02" / "090007.md"
        meta = _front(target)
        assert meta["title"] == "港湾ニュース 107" and meta["draft"] == "false"
        text = target.read_text(encoding="utf-8")
        target.write_text(text.replace("入港待ちは17隻", "入港待ちは0隻"), encoding="utf-8")
        new = blog / "entry" / "2024" / "02" / "01" / "new-clip.md"
        new.parent.mkdir(parents=True)
        new.write_text("---\ntitle: 新規の切り抜き\ndate: 2024-02-01T03:00:00.000Z\n"
                       "categories:\n  - 物流\ndraft: false\n---\n"
                       "> 新しい岸壁の運用が始まりました。\n>\n"
                       "> — [新岸壁](https://news.example.jp/port/new)\n", encoding="utf-8")
        draft = blog / "entry" / "drafts" / "plan.md"
        draft.parent.mkdir(parents=True)
        draft.write_text("---\ntitle: 下書き\ncategories: []\ndraft: true\n---\n"
                         "まだ公開しない段落です。\n", encoding="utf-8")
        gimonfu("push")
    finally:
        proxy.kill()
        proxy.wait()
    j = open_journal(path)
    try:
        changed = get_entry(j, int(meta["id"].strip('"')))
        assert changed.clips[0].text.endswith("入港待ちは0隻でした。")
        assert changed.clips[0].citation is not None
        made = get_entry(j, "/entry/2024/02/01/new-clip")
        assert made.title == "新規の切り抜き" and made.status is Status.PUBLISHED
        # Categories stay apart from the content (issue 23): no tag line is added for them.
        assert made.clips[0].citation is not None and made.categories == ["物流"]
        assert made.tags == []
        # The pulled entry's own tag line stays content, once; its export had no CATEGORY.
        assert [t.name for t in changed.tags] == ["物流"] and changed.categories == []
        mt = io.StringIO()
        export_mt(j, mt)
        chunk = next(c for c in mt.getvalue().split("--------\n") if "ニュース 107\n" in c)
        assert chunk.startswith(f"AUTHOR: {USER}\nTITLE: 港湾ニュース 107\n")
        assert "107日目の入港待ちは0隻" in chunk
        assert get_entry(j, "/entry/drafts/plan").status is Status.DRAFT
        assert len(list_entries(j, limit=1000)) == ENTRIES + 2
    finally:
        j.close()
    # The files were rewritten from the server's answers: the new one now has its id.
    assert _front(new).get("id")


PERL = r"""
use strict; use XML::Atom::Client; use XML::Atom::Entry;
my ($base, $key, $version) = @ARGV;
$XML::Atom::DefaultVersion = $version if $version ne "0.3";
my $c = XML::Atom::Client->new; $c->username('alice'); $c->password($key);
my $e = XML::Atom::Entry->new; $e->title("Perl $version");
$e->content("> 港の混雑は続いています。\n>\n> — <https://news.example.jp/port/perl>\n");
my $edit = $c->createEntry("$base/entry", $e) or die "create: " . $c->errstr;
my $feed = $c->getFeed("$base/entry") or die "feed: " . $c->errstr;
my $got = $c->getEntry($edit) or die "get: " . $c->errstr;
print "EDIT $edit\nFEED ", scalar($feed->entries), "\nTITLE ", $got->title, "\n";
"""


@pytest.mark.skipif("not perl_has('XML::Atom::Client')",
                    reason="libxml-atom-perl not installed (.ci/run installs it)")
@pytest.mark.parametrize("version", ["1.0", "0.3"])
def test_perl_xml_atom_wsse(server: tuple[int, str, str], version: str) -> None:
    port, path, key = server
    base = f"http://127.0.0.1:{port}/{USER}/{BLOG}/atom"
    r = subprocess.run(["perl", "-e", PERL, base, key, version], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"TITLE Perl {version}" in r.stdout and "FEED 100" in r.stdout
    eid = r.stdout.split("EDIT ", 1)[1].split()[0].rsplit("/", 1)[1]
    j = open_journal(path)
    try:
        e = get_entry(j, int(eid))
        assert e.title == f"Perl {version}" and e.clips[0].text == "港の混雑は続いています。"
        assert e.clips[0].citation is not None
    finally:
        j.close()


ATOMPUB_PERL = r"""
use strict; use utf8; use Atompub::Client; use XML::Atom::Entry;
$XML::Atom::ForceUnicode = 1;
binmode STDOUT, ':utf8';
my ($base, $key) = @ARGV;
my $c = Atompub::Client->new; $c->username('alice'); $c->password($key);
my $service = $c->getService($base) or die "service: " . $c->errstr;
my ($coll) = map { $_->collections } $service->workspaces;
my $href = $coll->href;
my $e = XML::Atom::Entry->new; $e->title("Atompub 投稿");
$e->content("— 港の混雑は続いています。\n\nhttps://news.example.jp/port/atompub を参照。");
my $edit = $c->createEntry($href, $e) or die "create: " . $c->errstr;
my $feed = $c->getFeed($href) or die "feed: " . $c->errstr;
my ($next) = grep { $_->rel eq 'next' } $feed->links;
my $got = $c->getEntry($edit) or die "get: " . $c->errstr;
$got->title("Atompub 更新");
$c->updateEntry($edit, $got) or die "update: " . $c->errstr;
my $again = $c->getEntry($edit) or die "get2: " . $c->errstr;
print "EDIT $edit\nFEED ", scalar($feed->entries), "\nNEXT ", $next->href, "\n";
print "TITLE ", $again->title, "\nCONTENT ", $again->content->body, "\n";
$c->deleteEntry($edit) or die "delete: " . $c->errstr;
print "DELETED\n";
"""


@pytest.mark.skipif("not perl_has('Atompub::Client')",
                    reason="libatompub-perl not installed (.ci/run installs it)")
def test_perl_atompub_client(server: tuple[int, str, str]) -> None:
    port, path, key = server
    base = f"http://127.0.0.1:{port}/{USER}/{BLOG}/atom"
    r = subprocess.run(["perl", "-e", ATOMPUB_PERL, base, key], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "FEED 100" in r.stdout and "TITLE Atompub 更新" in r.stdout
    # The next page is Hatena's time cursor: the epoch of the page's last entry.
    assert f"NEXT {base}/entry?page=" in r.stdout
    assert "CONTENT — 港の混雑は続いています。" in r.stdout  # no backslash before the dash
    assert "DELETED" in r.stdout
    eid = int(r.stdout.split("EDIT ", 1)[1].split()[0].rsplit("/", 1)[1])
    j = open_journal(path)
    try:
        assert len(list_entries(j, limit=1000)) == ENTRIES
        with pytest.raises(NotFoundError):
            get_entry(j, eid)
    finally:
        j.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_oauth_client_against_kirinuki_serve(tmp_path: Path) -> None:
    """oauthlib's client signs, httpx sends, `kirinuki serve` answers (two workers)."""
    path = str(tmp_path / "oauth.db")
    run = [sys.executable, "-m", "kirinuki", "--journal", path]
    subprocess.run([*run, "init", "--title", "港湾ウォッチ", "--host", BLOG], check=True,
                   capture_output=True)
    made = subprocess.run([*run, "hatena", "oauth", "add", "--name", "OAuth 専用クライアント"],
                          check=True, capture_output=True, text=True).stdout
    keys = dict(line.split("=", 1) for line in made.splitlines())
    signer = Client(keys["consumer_key"], client_secret=keys["consumer_secret"],
                    resource_owner_key=keys["access_token"],
                    resource_owner_secret=keys["access_token_secret"])
    port = _free_port()
    proc = subprocess.Popen([*run, "serve", "--port", str(port), "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}/{USER}/{BLOG}/atom"
    try:
        for _ in range(600):  # the port answers once uvicorn has started its workers
            try:
                httpx.get(f"http://127.0.0.1:{port}/robots.txt", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                time.sleep(0.1)

        def call(method: str, url: str, body: str | None = None) -> httpx.Response:
            headers = {"Content-Type": "application/atom+xml"} if body else {}
            url, headers, _ = signer.sign(url, method, body, headers)
            return httpx.request(method, url, headers=headers, content=body, timeout=30)

        entry = ('<?xml version="1.0" encoding="utf-8"?><entry xmlns="http://www.w3.org/2005/Atom">'
                 "<title>OAuth で投稿</title><content>署名だけで投稿しました。</content></entry>")
        r = call("POST", base + "/entry", entry)
        assert r.status_code == 201, r.text
        listed = call("GET", base + "/entry")
        assert listed.status_code == 200 and "OAuth で投稿" in listed.text
        assert call("DELETE", r.headers["location"]).status_code == 200
        unsigned = httpx.get(base + "/entry", timeout=30)
        assert unsigned.status_code == 401 and "OAuth" in unsigned.headers["www-authenticate"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
