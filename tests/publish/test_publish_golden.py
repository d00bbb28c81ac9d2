"""Golden files: selected pages of the small fixed journal, byte for byte.

A deliberate change to templates or views updates them with
`KIRINUKI_UPDATE_GOLDEN=1 .venv/bin/pytest tests/publish/test_publish_golden.py`; review the
diff like code. The asset version (a hash of templates and code) is masked.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

from kirinuki.journal import Journal
from kirinuki.publish import publish

GOLDEN = Path(__file__).resolve().parent / "golden"
PAGES = {
    "entry.html": "entry/2024/01/05/090000/index.html",
    "related.html": "entry/2024/01/06/213000/index.html",
    "tag.html": "archive/category/反ロシア/index.html",
    "index.html": "index.html",
    "feed.xml": "feed.xml",
    "tag-feed.xml": "archive/category/反ロシア/feed.xml",
    "search-chunk.json": "search/2024-01.json",
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_matches_its_golden_file(small_site: Path, name: str) -> None:
    text = (small_site / PAGES[name]).read_text(encoding="utf-8")
    text = re.sub(r"\?v=[0-9a-f]+", "?v=ASSET", text)
    golden = GOLDEN / name
    if os.environ.get("KIRINUKI_UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_pages_do_not_depend_on_what_the_web_app_compiled_first(
        small: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The web app's environment (other options: no kept trailing newline) compiling the
    published templates first, into the same per-user cache, changes no published byte."""
    from kirinuki.web.state import WebState

    cache = tmp_path / "tmp"
    cache.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(cache))
    web = WebState(str(tmp_path / "site.db"))
    for name in ("base.html", "entry.html", "list.html"):
        web.env.get_template(name)
    publish(small, tmp_path / "site", jobs=1)
    text = (tmp_path / "site" / PAGES["entry.html"]).read_text(encoding="utf-8")
    assert text.endswith("</html>\n")
    assert list(cache.rglob("*.cache"))  # the cache was used, so the case was exercised
