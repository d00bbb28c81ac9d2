"""Redirect pages at old addresses: a renamed or merged tag's old name, an entry's permalink
before its date changed (meta refresh + canonical link + a visible link), kept and removed
incrementally exactly as a full build would."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import html5lib

from kirinuki.journal import Journal
from kirinuki.journal.composing import set_entry
from kirinuki.journal.editing import merge_tags, rename_tag, set_status
from kirinuki.model import Status
from kirinuki.publish import publish
from tests.publish.test_publish_increment import _tree


def _same_as_full(j: Journal, live: Path, tmp_path: Path, name: str) -> None:
    fresh = tmp_path / name
    publish(j, fresh, full=True, jobs=1)
    assert _tree(live) == _tree(fresh)


def _redirect(page: Path, target: str, label: str) -> None:
    html = page.read_text(encoding="utf-8")
    html5lib.HTMLParser(strict=True).parse(html)
    assert f'<meta http-equiv="refresh" content="0; url={target}">' in html
    assert '<link rel="canonical" href="' in html
    assert f'<a href="{target}">{label}</a> に移りました' in html
    assert '<meta name="robots" content="noindex">' in html


def test_a_renamed_tag_leaves_a_redirect_page_at_its_old_address(small: Journal,
                                                                 tmp_path: Path) -> None:
    live = tmp_path / "live"
    publish(small, live, jobs=1)
    old = live / "archive" / "category" / "反ロシア"
    assert (old / "feed.xml").exists()
    rename_tag(small, "反ロシア", "対露")
    publish(small, live, jobs=1)
    _redirect(old / "index.html", "/archive/category/" + quote("対露") + "/", "#対露")
    assert sorted(p.name for p in old.iterdir()) == ["index.html"]  # feeds and pages went
    assert (live / "archive" / "category" / "対露" / "index.html").exists()
    _same_as_full(small, live, tmp_path, "full1")
    # renamed back: the old address is a tag page again, the other name leads to it
    rename_tag(small, "対露", "反ロシア")
    publish(small, live, jobs=1)
    assert "移転しました" not in (old / "index.html").read_text(encoding="utf-8")
    assert (old / "feed.xml").exists()
    _redirect(live / "archive" / "category" / "対露" / "index.html",
              "/archive/category/" + quote("反ロシア") + "/", "#反ロシア")
    _same_as_full(small, live, tmp_path, "full2")


def test_a_merged_tag_leads_to_the_tag_it_joined(small: Journal, tmp_path: Path) -> None:
    live = tmp_path / "live"
    publish(small, live, jobs=1)
    merge_tags(small, ["米国"], "反ロシア")
    publish(small, live, jobs=1)
    _redirect(live / "archive" / "category" / "米国" / "index.html",
              "/archive/category/" + quote("反ロシア") + "/", "#反ロシア")
    _same_as_full(small, live, tmp_path, "full")


def test_an_entry_moved_to_another_date_leaves_a_redirect_page(small: Journal,
                                                               tmp_path: Path) -> None:
    live = tmp_path / "live"
    publish(small, live, jobs=1)
    old = live / "entry" / "2024" / "01" / "05" / "090000"
    assert (old / "entry.txt").exists()
    set_entry(small, "/entry/2024/01/05/090000", at=datetime.fromisoformat(
        "2024-01-04T08:00:00+09:00"))
    publish(small, live, jobs=1)
    page = live / "entry" / "2024" / "01" / "04" / "080000" / "index.html"
    assert page.exists()
    html = (old / "index.html").read_text(encoding="utf-8")
    assert "このページは移転しました" in html
    assert '<a href="/entry/2024/01/04/080000/">' in html
    assert not (old / "entry.txt").exists()
    _same_as_full(small, live, tmp_path, "full1")
    # unpublished: nothing to lead to, the redirect page goes too
    set_status(small, "/entry/2024/01/04/080000", Status.DRAFT)
    publish(small, live, jobs=1)
    assert not (old / "index.html").exists()
    _same_as_full(small, live, tmp_path, "full2")
