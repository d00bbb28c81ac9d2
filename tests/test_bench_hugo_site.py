"""The publish benchmark's Hugo site (bench/hugo_site.py): the parity theme's entries carry what
kirinuki's pages show, and Hugo builds the same kinds of pages from them."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
TEXT = ("https://a.example\n\n最初の切り抜きです。\n\n二つ目の切り抜きです。\n\n#外交#経済\n\n"
        "三つ目は別のまとまりです。\n\n#経済#核#制裁\n\na.example\n")


def _load() -> ModuleType:
    """Import bench/hugo_site.py (bench is not a package)."""
    spec = importlib.util.spec_from_file_location("hugo_site", BENCH / "hugo_site.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_parity_entry_keeps_groups_and_heading(tmp_path: Path) -> None:
    hugo_site = _load()
    (tmp_path / "content/entry").mkdir(parents=True)
    hugo_site.write_hugo_entry(tmp_path, "2024-05-06_071500.txt", TEXT, "parity")
    meta = json.loads((tmp_path / "content/entry/2024-05-06_071500.md").read_text("utf-8"))
    assert meta["groups"] == [
        {"tags": ["外交", "経済"], "clips": ["最初の切り抜きです。", "二つ目の切り抜きです。"]},
        {"tags": ["経済", "核", "制裁"], "clips": ["三つ目は別のまとまりです。"]}]
    assert meta["title"] == "外交・経済・核ほか"  # kirinuki's heading of an untitled entry
    assert meta["url"] == "/entry/2024/05/06/071500/"
    assert (meta["days"], meta["months"], meta["years"]) == (["2024-05-06"], ["2024-05"], ["2024"])
    assert meta["hosts"] == ["https://a.example"] and meta["footer"] == "a.example"
    assert meta["date"] == "2024-05-06T07:15:00+09:00" and meta["clips"] == 3


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("hugo") is None, reason="hugo is not installed")
def test_parity_site_builds_kirinukis_page_kinds(tmp_path: Path) -> None:
    hugo_site = _load()
    corpus = tmp_path / "e3"
    corpus.mkdir()
    (corpus / "2024-05-06_071500.txt").write_text(TEXT, encoding="utf-8")
    (corpus / "2024-05-07_080000.txt").write_text(
        "https://a.example\n\n次の日の切り抜きです。\n\n#核\n", encoding="utf-8")
    site = hugo_site.hugo_site(tmp_path, corpus, "parity")
    subprocess.run(["hugo", "--quiet"], cwd=site, check=True, capture_output=True)
    public = site / "public"
    entry = public / "entry/2024/05/06/071500"
    assert (entry / "entry.txt").read_text("utf-8").strip() == TEXT.strip()
    page = (entry / "index.html").read_text("utf-8")
    assert 'property="og:title" content="外交・経済・核ほか"' in page
    assert "次の記事</span> 核" in page  # the newer entry, by its title
    # The tag page shows only the clips of the groups that carry the tag.
    tag = (public / "archive/category/核/index.html").read_text("utf-8")
    assert "三つ目は別のまとまりです。" in tag and "最初の切り抜きです。" not in tag
    for rel in ("archive/category/核/feed.xml", "archive/category/核/rss.xml", "feed.xml",
                "rss.xml", "archive/2024-05-06/index.html", "archive/2024-05/index.html",
                "archive/2024-05/search.json", "archive/2024/index.html", "archive/index.html",
                "archive/category/index.html", "nav/index.html", "search/index.html",
                "about/index.html", "404.html", "robots.txt", "static/style.css"):
        assert (public / rel).is_file(), rel
    assert not (public / "archive/2024-05-06/feed.xml").exists()  # feeds only for tags
