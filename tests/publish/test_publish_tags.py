"""Tag pages: renamed tags leave no page behind, and no tag name (`index.html`, `.`, `..`)
can put its pages on a file of the site or outside its folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from kirinuki.errors import ConflictError
from kirinuki.journal import Journal
from kirinuki.journal.editing import rename_tag
from kirinuki.publish import publish, urls, writer
from tests.publish.conftest import broken_links
from tests.publish.test_publish_writer import _tree


def _same_as_full(j: Journal, site: Path, tmp: Path, name: str) -> None:
    fresh = tmp / name
    publish(j, fresh, jobs=1, full=True)
    assert _tree(site) == _tree(fresh)
    assert broken_links(site) == []


def test_renaming_a_tag_and_back_removes_the_pages_in_between(small: Journal,
                                                              tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    rename_tag(small, "米国", "対米")
    publish(small, site, jobs=1)
    assert (site / "archive/category/対米/index.html").is_file()
    rename_tag(small, "対米", "米国")  # the tag keeps the key of 対米: only its address moves
    report = publish(small, site, jobs=1)
    assert report.removed == 3  # 対米's page 1, its Atom feed and its RSS
    # its front page is now a redirect page to 米国 (an old name of the tag)
    assert [p.name for p in (site / "archive/category/対米").iterdir()] == ["index.html"]
    assert "このページは移転しました" in (site / "archive/category/対米/index.html").read_text(
        encoding="utf-8")
    assert (site / "archive/category/米国/index.html").is_file()
    _same_as_full(small, site, tmp_path, "fresh")


# `.`-leading names are not tags under the tag-line grammar (text/hashtags.py), so never reach publish
@pytest.mark.parametrize("name", ["index.html", "INDEX.HTML", "feed.xml"])
def test_a_tag_named_like_a_file_gets_a_page_of_its_own(small: Journal, tmp_path: Path,
                                                        name: str) -> None:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    tags_page = (site / "archive/category/index.html").read_bytes()
    rename_tag(small, "米国", name)
    publish(small, site, jobs=1)  # incremental: the rename patches the site
    segment = urls.tag_segment(name, name)
    page = site / "archive/category" / segment / "index.html"
    assert page.is_file() and page.resolve().parent.parent == (site / "archive/category")
    assert segment not in (".", "..") and not segment.startswith(".")
    assert "index.html" not in {segment.casefold()}
    assert (site / "archive/category/index.html").is_file()
    assert (site / "archive/category/index.html").read_bytes() != tags_page  # lists the tag
    _same_as_full(small, site, tmp_path, "fresh")


def test_segments_that_name_a_file_fold_to_the_same_tag() -> None:
    assert urls.tag_segment("index.html", "index.html") == "index．html"
    assert urls.tag_segment("index.html", "INDEX.HTML") == "INDEX．HTML"
    assert urls.tag_segment("..", "..") == "．."
    assert urls.tag_segment("feed.xml", "feed.xml") == "feed.xml"  # no file of that name there


def test_a_page_where_another_needs_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConflictError, match="needs? .*as a folder"):
        writer.check_unique(["a/b/index.html", "a/index.html", "a/b/index.html/c/index.html"])
    writer.check_unique(["a/index.html", "a/b/index.html", "ab/index.html"])


def test_a_new_permalink_under_a_file_of_the_site_is_refused(small: Journal,
                                                             tmp_path: Path) -> None:
    import json

    from kirinuki.journal import import_paths
    from tests.publish.conftest import records
    from tests.publish.test_publish_writer import snapshot

    site = tmp_path / "site"
    publish(small, site, jobs=1)
    before = snapshot(site)
    rec = records()[4]
    rec.update(key="k-under", permalink="/sitemaps/2024-01.xml/x",
               published="2025-03-01T10:00:00+09:00")
    src = tmp_path / "under.jsonl"
    src.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(small, [str(src)]).changed  # renamed: /entry/sitemaps/2024-01.xml/x
    publish(small, site, jobs=1)
    assert snapshot(site)["sitemaps/2024-01.xml"] == before["sitemaps/2024-01.xml"]
