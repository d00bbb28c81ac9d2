"""Raw copies of captured pages: kept with each version, capped, exported as WARC 1.1 and read
back with warcio; journals from before raw copies migrate with every version intact."""

from __future__ import annotations

import gzip
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from kirinuki.errors import InputError, NotFoundError
from kirinuki.journal import Journal, init_journal, open_journal
from kirinuki.journal.capture import capture, clip
from kirinuki.journal.exporting import export_jsonl
from kirinuki.journal.rawcopies import export_warc, raw_copy, raw_notes
from kirinuki.journal.settings import set_setting
from kirinuki.store.sqlite import migrations
from tests.capture.conftest import LocalServer, MockWeb, data
from tests.conftest import Cli, undo_later_migrations

URL = "https://news.minato-hodo.example/articles/2022/01/08/k100123.html"
ARTICLE = "/articles/2022/01/08/k100123.html"


def _records(path: Path) -> list[tuple[str, dict[str, str], dict[str, str] | None, bytes]]:
    """(type, WARC headers, HTTP headers, content) of every record, read by warcio, whose
    digests must check."""
    out = []
    with path.open("rb") as f:
        for rec in ArchiveIterator(f, check_digests=True):
            http = dict(rec.http_headers.headers) if rec.http_headers else None
            out.append((rec.rec_type, dict(rec.rec_headers.headers), http,
                        rec.content_stream().read()))
            # Block and payload digests as `warcio check` verifies them.
            assert rec.digest_checker.passed is True, (rec.rec_type, rec.digest_checker.problems)
    return out


def _fields(content: bytes) -> list[tuple[str, str]]:
    pairs = []
    for line in content.decode("utf-8").split("\r\n"):
        if line:
            k, _, v = line.partition(": ")
            pairs.append((k, v))
    return pairs


def _versions(journal: Journal, web: MockWeb, *pages: str) -> None:
    with web.fetcher() as f:
        for name in pages:
            web.page(URL, data(name), headers={"ETag": f'"{name}"'})
            capture(journal, URL, fetcher=f)


def test_each_version_keeps_its_response(journal: Journal, web: MockWeb) -> None:
    _versions(journal, web, "article_v1.html", "article_v2.html")
    versions = capture(journal, URL, fetcher=web.fetcher()).article  # unchanged: no new copy
    hist = [v for v in journal.store.conn.execute("SELECT id FROM article_versions ORDER BY id")]
    assert len(hist) == 2 and versions.url == URL
    first = raw_copy(journal, hist[0][0])
    assert first is not None and first.body == data("article_v1.html")
    assert first.status == 200 and ("ETag", '"article_v1.html"') in first.headers
    assert any(k.lower() == "user-agent" for k, _ in first.request_headers)
    second = raw_copy(journal, hist[1][0])
    assert second is not None and second.body == data("article_v2.html")
    stored = journal.store.conn.execute("SELECT sum(length(body)) FROM raw_copies").fetchone()[0]
    assert 0 < stored < len(data("article_v1.html")) + len(data("article_v2.html"))


def test_warc_round_trip_with_warcio(tmp_path: Path, ready: Cli, server: LocalServer,
                                     allow_private: None) -> None:
    page = data("article_v1.html")
    url = server.add(ARTICLE, gzip.compress(page), etag='"v1"',
                     headers={"Content-Encoding": "gzip"})
    assert ready("clip", url, "--pick", "1").exit_code == 0
    out = tmp_path / "a.warc.gz"
    r = ready("article", "export", url, "--warc", str(out))
    assert r.exit_code == 0, r.output
    assert "wrote 4 WARC record(s) for 1 version(s) of 1 article(s)" in r.output
    recs = _records(out)
    assert [t for t, *_ in recs] == ["warcinfo", "request", "response", "metadata"]
    assert all(h["WARC-Record-ID"] for _, h, _, _ in recs)
    assert out.read_bytes()[:2] == b"\x1f\x8b"  # gzip per record
    _, wh, http, body = recs[2]
    assert wh["WARC-Target-URI"] == url and wh["WARC-Date"].endswith("Z")
    assert body == page  # the body the text was read from, byte for byte
    assert http is not None and http["ETag"] == '"v1"' and http["Content-Length"] == str(len(page))
    assert http["X-Archive-Orig-Content-Encoding"] == "gzip" and "Content-Encoding" not in http
    assert recs[1][2] is not None and recs[1][2]["User-Agent"].startswith("kirinuki/")
    _, mh, _, meta = recs[3]
    assert mh["WARC-Refers-To"] == wh["WARC-Record-ID"]
    fields = _fields(meta)
    assert ("raw-copy", "kept") in fields and ("kirinuki-version", "1") in fields
    show = json.loads(ready("article", "show", url, "--json").output)
    assert [p for k, p in fields if k == "paragraph"] == show["versions"][0]["paragraphs"]
    assert show["versions"][0]["raw_copy"]["state"] == "kept"
    assert show["versions"][0]["raw_copy"]["body_bytes"] == len(page)


def test_export_errors_write_nothing(tmp_path: Path, journal: Journal, web: MockWeb) -> None:
    _versions(journal, web, "article_v1.html")
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "x.warc.gz"
    with pytest.raises(NotFoundError):
        export_warc(journal, str(out), [URL, "https://elsewhere.example/never"])
    assert list(folder.iterdir()) == []
    with pytest.raises(InputError, match="folder"):
        export_warc(journal, str(folder), [URL])
    rep = export_warc(journal, str(folder / "all.warc"))  # plain WARC, every article
    assert rep.articles == 1 and rep.versions == 1 and rep.without_raw == 0
    assert rep.records == 4
    assert (folder / "all.warc").read_bytes().startswith(b"WARC/1.1\r\n")
    assert list(folder.iterdir()) == [folder / "all.warc"]


def test_cap_first_last_and_none(journal: Journal, web: MockWeb) -> None:
    with pytest.raises(InputError, match="first-last"):
        set_setting(journal, "capture.raw_copies", ["some"])
    set_setting(journal, "capture.raw_copies", ["first-last"])
    page3 = data("article_v2.html").replace("4400人以上".encode(), "5000人以上".encode())
    _versions(journal, web, "article_v1.html", "article_v2.html")
    web.page(URL, page3)
    with web.fetcher() as f:
        capture(journal, URL, fetcher=f)
    vs = capture(journal, URL, fetcher=web.fetcher()).article
    art = [v for v in journal.store.conn.execute("SELECT id FROM article_versions ORDER BY id")]
    notes = raw_notes(journal, [_v(journal, i) for (i,) in art])
    assert [n.kept for n in notes] == [True, False, True], vs
    assert notes[1].dropped and "dropped" in notes[1].describe()
    middle = raw_copy(journal, art[1][0])
    assert middle is not None and middle.body is None and middle.headers  # headers stay
    set_setting(journal, "capture.raw_copies", ["none"])
    web.page(URL, page3.replace("5000人以上".encode(), "6000人以上".encode()))
    with web.fetcher() as f:
        capture(journal, URL, fetcher=f)
    ids = [i for (i,) in journal.store.conn.execute("SELECT id FROM article_versions ORDER BY id")]
    assert [n.kept for n in raw_notes(journal, [_v(journal, i) for i in ids])] == [False] * 4
    assert raw_copy(journal, ids[-1]) is None  # never kept under "none"


def _jsonl(journal: Journal) -> bytes:
    out = io.BytesIO()
    export_jsonl(journal, out)
    return out.getvalue()


def _v(journal: Journal, vid: int):  # noqa: ANN202 - a model row
    from kirinuki.journal.workbench import get_version

    return get_version(journal, vid)


@pytest.mark.sqlite_only  # writes the SQLite file directly
def test_old_journal_migrates_and_says_versions_have_no_raw_copy(
        tmp_path: Path, journal_path: str, web: MockWeb) -> None:
    with init_journal(journal_path) as j:
        _versions(j, web, "article_v1.html", "article_v2.html")
        clip(j, URL, pick="1,3", tags=["ルスタニア"], fetcher=web.fetcher())
        before = [tuple(r) for r in j.store.conn.execute(
            "SELECT id, content_hash, paragraphs, title FROM article_versions ORDER BY id")]
        backup = _jsonl(j)
    # As written by the code before V16: no raw_copies table, user_version below it.
    conn = sqlite3.connect(journal_path)
    conn.execute("DROP TABLE raw_copies")
    undo_later_migrations(conn, "V16_RAW_COPIES")
    conn.commit()
    conn.close()
    with open_journal(journal_path) as j:
        after = [tuple(r) for r in j.store.conn.execute(
            "SELECT id, content_hash, paragraphs, title FROM article_versions ORDER BY id")]
        assert after == before
        # entries, clips with their versions, articles: all kept (revisions came after V16)
        assert _jsonl(j) == re.sub(rb', "revision": \d+', b"", backup)
        assert j.store.conn.execute("PRAGMA user_version").fetchone()[0] == \
            migrations.SCHEMA_VERSION
        notes = raw_notes(j, [_v(j, i) for i, *_ in after])
        assert [n.describe() for n in notes] == [
            "no raw copy (stored before raw copies were kept, or imported from JSON Lines)"] * 2
        out = tmp_path / "old.warc.gz"
        rep = export_warc(j, str(out), [URL])
    assert rep.without_raw == 2
    recs = _records(out)
    assert [t for t, *_ in recs] == ["warcinfo", "metadata", "metadata"]
    fields = _fields(recs[1][3])
    assert dict(fields)["raw-copy"].startswith("no raw copy")
    assert [p for k, p in fields if k == "paragraph"] == json.loads(before[0][2])


def test_jsonl_round_trip_carries_versions_not_raw_copies(tmp_path: Path, cli: Cli,
                                                          journal_path: str,
                                                          web: MockWeb) -> None:
    with init_journal(journal_path) as j:
        _versions(j, web, "article_v1.html")
    dump = tmp_path / "dump.jsonl"
    assert cli("export", "--format", "jsonl", "-o", str(dump)).exit_code == 0
    text = dump.read_text(encoding="utf-8")
    assert "raw" not in json.loads([ln for ln in text.splitlines() if '"article"' in ln][0])
    other = Cli(str(tmp_path / "other.db"))
    assert other("init").exit_code == 0
    r = other("import", str(dump))
    assert r.exit_code == 0, r.output
    show = json.loads(other("article", "show", URL, "--json").output)
    assert show["versions"][0]["raw_copy"]["state"] == "none"
    assert show["versions"][0]["paragraphs"]


@pytest.fixture
def ready(cli: Cli) -> Cli:
    r = cli("init", "--title", "テスト帳", "--host", "kirinuki.test")
    assert r.exit_code == 0, r.output
    return cli


def test_raw_copies_stay_out_of_published_sites(tmp_path: Path, ready: Cli, server: LocalServer,
                                                allow_private: None) -> None:
    page = data("article_v1.html")
    url = server.add(ARTICLE, page)
    assert ready("clip", url, "--pick", "1").exit_code == 0
    entry = json.loads(ready("entries", "list", "--json").output)[0]["id"]
    assert ready("entries", "publish", str(entry)).exit_code == 0
    site = tmp_path / "site"
    r = ready("publish", str(site))
    assert r.exit_code == 0, r.output
    # Lines of the page that extraction leaves out (menus, footer) appear nowhere in the site.
    left_out = [t for t in re.findall(r"<li><a [^>]*>([^<]{10,})</a>", page.decode("utf-8"))]
    assert len(left_out) >= 3, left_out
    for f in site.rglob("*"):
        if f.is_file():
            text = f.read_bytes().decode("utf-8", "replace")
            assert not any(ln in text for ln in left_out), f
    r = ready("article", "export", url, "--warc", str(site / "raw" / "a.warc.gz"))
    assert r.exit_code == 1 and "inside the published site" in r.output
    assert not (site / "raw").exists()


def test_check_finds_a_damaged_raw_copy(journal: Journal, web: MockWeb) -> None:
    from kirinuki.store.sqlite.check import check_store

    _versions(journal, web, "article_v1.html", "article_v2.html")
    assert check_store(journal.store) == []
    with journal.store.transaction() as conn:
        conn.execute("UPDATE raw_copies SET body = substr(body, 1, 100) WHERE version_id ="
                     " (SELECT min(version_id) FROM raw_copies)")
        conn.execute("UPDATE raw_copies SET headers = '[[' WHERE version_id ="
                     " (SELECT max(version_id) FROM raw_copies)")
    problems = check_store(journal.store)
    assert any("1 raw copies are damaged" in p for p in problems), problems
    assert any("raw_copies rows hold a damaged JSON value in headers" in p for p in problems)
