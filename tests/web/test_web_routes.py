"""The web app routes the published pages through the publisher's one address scheme: it
serves every file a publish writes, at the same address."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi.testclient import TestClient

from kirinuki.journal import open_journal
from kirinuki.publish import publish

# The web app draws the sidebar inside HTML pages (no frame to fetch): they differ from the
# files; every other page is the same bytes.
SAME_BYTES = (".xml", ".json", ".txt", ".css", ".js", "/rss")


def test_the_app_serves_every_published_file(client: TestClient, web_journal: str,
                                             tmp_path: Path) -> None:
    with open_journal(web_journal) as j:
        publish(j, tmp_path / "site", jobs=1)
    site = tmp_path / "site"
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert len(files) > 300
    same = 0
    for name in files:
        url = quote("/" + name.removesuffix("index.html"))
        r = client.get(url, follow_redirects=False)
        if url == "/search/":  # the app's own search answers there (`routes/search.py`)
            assert r.status_code == 200
            continue
        assert r.status_code == 200, (url, r.status_code)
        if url.endswith(SAME_BYTES):
            assert r.content == (site / name).read_bytes(), url
            same += 1
    assert same > 100


def test_a_folder_address_without_its_final_slash_moves_to_it(client: TestClient) -> None:
    for path in ("/about", "/archive", "/page/1", "/archive/category"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 301, path
        assert r.headers["location"] == path + "/"
    assert client.get("/nope", follow_redirects=False).status_code == 404
    assert client.get("/page/99999", follow_redirects=False).status_code == 404
