"""Incremental and safe writing: only changed files, nothing when nothing changed, atomic swaps,
refusals."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest

from kirinuki.errors import ConflictError, InputError
from kirinuki.journal import Journal
from kirinuki.journal.editing import edit_clip, set_status
from kirinuki.journal.queries import get_entry
from kirinuki.model import Status
from kirinuki.publish import publish, urls, writer
from tests.publish.conftest import broken_links, make_journal, records


def snapshot(site: Path) -> dict[str, tuple[int, int, bytes]]:
    """path -> (inode, mtime, bytes) of every file."""
    out = {}
    for p in site.rglob("*"):
        if p.is_file():
            st = p.stat()
            out[str(p.relative_to(site))] = (st.st_ino, st.st_mtime_ns, p.read_bytes())
    return out


def test_publishing_again_writes_nothing(small: Journal, tmp_path: Path) -> None:
    site = tmp_path / "site"
    first = publish(small, site, jobs=1)
    assert first.written == first.pages and first.staged
    before = snapshot(site)
    again = publish(small, site, jobs=1)
    assert again.written == 0 and again.removed == 0
    assert snapshot(site) == before


def test_a_change_rewrites_only_the_pages_that_changed(small: Journal, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    before = snapshot(site)
    clip = get_entry(small, "/entry/2024/01/06/230000").clips[0]
    edit_clip(small, clip.id or 0, "米国の国務長官は会見で核協議の再開を改めて呼びかけました。")
    report = publish(small, site, jobs=1)
    after = snapshot(site)
    assert not report.staged  # a small change is patched in place
    touched = {p for p in after if p not in before or after[p][:2] != before[p][:2]}
    differ = {p for p in after if p not in before or after[p][2] != before[p][2]}
    assert touched == differ  # nothing rewritten with the same bytes
    assert report.written == len(differ)
    entry = "entry/2024/01/06/230000/"
    for expected in (entry + "index.html", entry + "entry.txt", "index.html", "feed.xml",
                     "archive/category/米国/index.html", "archive/category/米国/feed.xml",
                     "archive/2024/01/06/index.html", "search/2024-01.json"):
        assert expected in differ, expected
    for untouched in ("entry/2024/01/05/090000/index.html", "archive/category/反ロシア/index.html",
                      "entry/20170101/1483228800/index.html", "archive/2024/index.html"):
        assert untouched not in touched, untouched


def test_a_patch_is_written_into_one_flat_folder(small: Journal, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The files of a patch wait in one folder (removing a tree of folders afterwards costs a
    synchronous write per folder on some file systems), and still land where they belong."""
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    seen: list[list[bool]] = []
    real = writer.Output._patch

    def spy(self: writer.Output, written: list[str], removed: list[str]) -> None:
        seen.append([p.is_file() for p in self.patch_dir.iterdir()])
        real(self, written, removed)

    monkeypatch.setattr(writer.Output, "_patch", spy)
    clip = get_entry(small, "/entry/2024/01/06/230000").clips[0]
    edit_clip(small, clip.id or 0, "米国の国務長官は会見で核協議の再開を改めて呼びかけました。")
    report = publish(small, site, jobs=1)
    assert not report.staged and len(seen) == 1
    assert len(seen[0]) == report.written and all(seen[0])
    assert "改めて呼びかけました" in (site / "entry/2024/01/06/230000/index.html").read_text()
    assert not (tmp_path / ".site.patch").exists()


def test_unpublished_entry_disappears_without_broken_links(small: Journal, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    set_status(small, "/entry/2024/01/05/090000", Status.DRAFT)
    report = publish(small, site, jobs=1)
    assert report.removed >= 2
    assert not (site / "entry/2024/01/05/090000/index.html").exists()
    assert not (site / "entry/2024/01/05/090000/entry.txt").exists()
    assert not (site / "archive/category/対中露戦").exists() or not any(
        (site / "archive/category/対中露戦").rglob("*.html"))
    assert broken_links(site) == []


def test_a_staged_build_swaps_the_whole_site_at_once(small: Journal, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    before = snapshot(site)
    seen: dict[str, object] = {}
    swap = writer.Output._swap

    def checked_swap(self: writer.Output, files: int) -> None:
        # Right before the swap the live site is untouched and the new one is complete.
        seen["live"] = snapshot(site) == before
        seen["staged"] = sorted(snapshot(self.stage_dir)) == sorted(before)
        swap(self, files)

    monkeypatch.setattr(writer.Output, "_swap", checked_swap)
    report = publish(small, site, jobs=1, full=True)
    assert report.staged and seen == {"live": True, "staged": True}
    assert not list(tmp_path.glob(".site.staging*")) and not list(tmp_path.glob(".site.old*"))
    assert not list(tmp_path.glob(".site.trash*"))  # a small old tree goes before publish returns
    assert {p: v[2] for p, v in snapshot(site).items()} == {
        p: v[2] for p, v in before.items()}
    assert not [p for p in site.rglob("*.tmp")]


def test_two_pages_for_one_path_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConflictError, match="two pages would be written to a/index.html"):
        writer.check_unique(["a/index.html", "b/index.html", "a/index.html"])
    recs = records()
    recs[2]["permalink"] = "/archive/2024"  # would overwrite the 2024 archive page
    j = make_journal(tmp_path, recs)  # the import renames it (permalinks start with /entry/)
    publish(j, tmp_path / "site", jobs=1)
    j.close()
    archive = (tmp_path / "site/archive/2024/index.html").read_text(encoding="utf-8")
    assert 'href="/archive/2024/01/"' in archive  # still the archive of 2024
    assert (tmp_path / "site/entry/archive/2024/index.html").is_file()


def test_two_tags_on_one_address_are_an_error() -> None:
    with pytest.raises(ConflictError, match="would share the address"):
        urls.tag_segments({"a/b": "a/b", "a／b-other": "a／b"})


def test_unsafe_permalinks_are_renamed_on_import(tmp_path: Path) -> None:
    recs = records()
    recs[2]["permalink"] = "/entry/../../etc"
    j = make_journal(tmp_path, recs)
    publish(j, tmp_path / "site", jobs=1)
    j.close()
    assert (tmp_path / "site/entry/etc/index.html").is_file()
    assert not (tmp_path / "etc").exists()


def test_foreign_folders_are_left_alone(small: Journal, tmp_path: Path) -> None:
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "todo.txt").write_text("大事なメモ", encoding="utf-8")
    with pytest.raises(InputError, match="not empty"):
        publish(small, mine, jobs=1)
    assert [p.name for p in mine.iterdir()] == ["todo.txt"]
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="not a folder"):
        publish(small, a_file, jobs=1)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert publish(small, empty, jobs=1).written > 0


def test_one_publish_at_a_time(small: Journal, tmp_path: Path) -> None:
    with (tmp_path / ".site.lock").open("wb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(ConflictError, match="another publish"):
            publish(small, tmp_path / "site", jobs=1)


def _tree(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*")
            if p.is_file()}


def test_incremental_builds_equal_full_builds(small: Journal, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from kirinuki.journal import import_paths
    from kirinuki.journal.editing import delete_entry, rename_tag
    from kirinuki.publish import context as context_mod

    monkeypatch.setattr(context_mod, "PER_PAGE", 2)  # pagination with a handful of entries
    live = tmp_path / "live"
    publish(small, live, jobs=1)
    new = tmp_path / "2024-01-04_070000.txt"
    new.write_text("https://kirinuki.test\n\n露の外相は会見で新たな提案を示しました。\n\n"
                   "#新タグ#反ロシア\n\nhttps://kirinuki.test/entry/2024/01/05/090000\n",
                   encoding="utf-8")
    middle = tmp_path / "2024-01-05_120000.txt"
    middle.write_text("昼の会見で、米国の報道官は核協議について「前向きだ」と述べました。\n\n#米国\n",
                      encoding="utf-8")
    steps = [
        lambda: import_paths(small, [str(new)]),
        lambda: edit_clip(small, get_entry(small, "/entry/2024/01/06/230000").clips[0].id or 0,
                          "米国の国務長官は会見で核協議の再開を改めて呼びかけました。"),
        lambda: set_status(small, "/entry/20170101/1483228800", Status.DRAFT),
        lambda: rename_tag(small, "反ロシア", "対露"),
        lambda: set_status(small, "5", Status.PUBLISHED),
        lambda: set_status(small, "/entry/2024/01/04/070000", Status.DRAFT),
        lambda: import_paths(small, [str(middle)]),
        lambda: delete_entry(small, "/entry/2024/01/06/213000"),
    ]
    for n, step in enumerate(steps):
        step()
        report = publish(small, live, jobs=1)
        assert report.written > 0, n
        fresh = tmp_path / f"fresh{n}"
        publish(small, fresh, jobs=1)
        assert _tree(live) == _tree(fresh), n
        assert broken_links(live) == [], n
        assert publish(small, live, jobs=1).written == 0, n


def test_a_new_permalink_on_an_existing_page_is_refused(small: Journal, tmp_path: Path) -> None:
    import json

    from kirinuki.journal import import_paths

    site = tmp_path / "site"
    publish(small, site, jobs=1)
    before = snapshot(site)
    rec = records()[4]
    rec.update(key="k-clash", permalink="/archive/2017", published="2024-02-01T10:00:00+09:00")
    src = tmp_path / "clash.jsonl"
    src.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(small, [str(src)]).changed  # renamed: /entry/archive/2017
    publish(small, site, jobs=1)
    assert snapshot(site)["archive/2017/index.html"] == before["archive/2017/index.html"]
    assert (site / "entry/archive/2017/index.html").is_file()


def test_a_symlinked_site_folder_stays_a_link(small: Journal, tmp_path: Path) -> None:
    """/var/www/site -> releases/site: staged builds write where the link points, the link
    stays, and a staging path left as a link by a crash does not stop the next publish."""
    real = tmp_path / "releases" / "site"
    real.mkdir(parents=True)
    link = tmp_path / "site"
    link.symlink_to(real)
    publish(small, link, jobs=1)
    publish(small, link, jobs=1, full=True)  # staged again: swapped beside the real folder
    assert link.is_symlink() and (real / "index.html").is_file()
    assert not list((tmp_path / "releases").glob(".site.staging*"))
    (real.parent / ".site.staging").symlink_to(tmp_path)  # what an old crash could leave
    report = publish(small, link, jobs=1, full=True)
    assert report.staged and (link / "index.html").is_file() and tmp_path.is_dir()
