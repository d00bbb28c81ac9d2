"""The site state lives in one file beside the published folder, never in it (a web server
serving the folder would hand it to anyone); a manifest kept inside by an earlier version is
moved out, the files kept beside by earlier versions are brought into the state or removed,
and a site kirinuki made whose state is gone is only built again."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from kirinuki.errors import InputError
from kirinuki.journal import Journal
from kirinuki.publish import manifest, publish, writer
from tests.publish.test_publish_writer import _tree, snapshot


def test_nothing_private_in_the_served_folder(small: Journal, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    publish(small, site, jobs=1, full=True)
    hidden = [str(p.relative_to(site)) for p in site.rglob(".*")]
    assert hidden == []
    assert writer.state_path(site) == tmp_path / ".site.state"
    assert writer.state_path(site).is_file()
    # One file beside the site besides its lock: the state.
    assert sorted(p.name for p in tmp_path.glob(".site.*")) == [".site.lock", ".site.state"]


def test_a_manifest_inside_the_folder_is_moved_out(small: Journal, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    before = snapshot(site)
    # The layout of earlier versions: the manifest inside, naming no tree.
    legacy = site / manifest.LEGACY
    shutil.move(writer.state_path(site), legacy)
    conn = sqlite3.connect(legacy)
    with conn:
        conn.execute("DELETE FROM meta WHERE key = 'tree'")
    conn.close()
    report = publish(small, site, jobs=1)
    assert report.written == 0 and report.removed == 0  # read, not rebuilt
    assert not legacy.exists() and writer.state_path(site).is_file()
    assert snapshot(site) == {k: v for k, v in before.items()}
    assert publish(small, site, jobs=1).written == 0


def test_a_folder_replaced_since_the_last_publish_is_left_alone(small: Journal,
                                                                tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    shutil.rmtree(site)
    site.mkdir()
    (site / "memo.txt").write_text("大事なメモ", encoding="utf-8")
    with pytest.raises(InputError, match="was not written by `kirinuki publish`"):
        publish(small, site, jobs=1, full=True)
    assert os.listdir(site) == ["memo.txt"]
    (site / "memo.txt").unlink()
    assert publish(small, site, jobs=1).written > 0  # an empty folder: built anew
    fresh = tmp_path / "fresh"
    publish(small, fresh, jobs=1)
    assert _tree(site) == _tree(fresh)


def test_the_files_of_an_earlier_version_become_the_one_state(small: Journal,
                                                              tmp_path: Path) -> None:
    """The layout before the one state: the manifest `.site.publish.db`, the snapshot and its
    head, the sketch file and its delta beside the site. The next publish keeps the manifest
    as the state (nothing rebuilt) and removes the rest."""
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    before = snapshot(site)
    state = writer.state_path(site)
    conn = sqlite3.connect(state)
    with conn:
        conn.execute("DROP TABLE blobs")  # the old manifest had none
    conn.close()
    os.replace(state, tmp_path / ".site.publish.db")
    old = [tmp_path / f".site.{n}" for n in ("snapshot", "snapshot.head", "sketches",
                                             "sketches.delta", "context")]
    for p in old:
        p.write_bytes(b"\x00old")
    report = publish(small, site, jobs=1)
    assert report.written == 0 and report.removed == 0  # the manifest was kept
    assert sorted(p.name for p in tmp_path.glob(".site.*")) == [".site.lock", ".site.state"]
    assert snapshot(site) == before
    from kirinuki.journal.editing import edit_clip
    from kirinuki.journal.queries import get_entry

    edit_clip(small, get_entry(small, "/entry/2024/01/06/230000").clips[0].id or 0,
              "書き換えた段落です。")
    assert publish(small, site, jobs=1).written > 0
    fresh = tmp_path / "fresh"
    publish(small, fresh, jobs=1, full=True)
    assert _tree(site) == _tree(fresh)


@pytest.mark.parametrize("how", ["deleted", "garbage"])
def test_a_site_without_its_state_is_built_again(small: Journal, tmp_path: Path,
                                                 how: str) -> None:
    """Deleting (or damaging) the state only costs a full build: the folder is recognised as
    the publisher's own and rebuilt, to the same files; a user's file in it does not survive
    (the site is replaced whole), which is why other folders are refused."""
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    before = _tree(site)
    state = writer.state_path(site)
    if how == "deleted":
        state.unlink()
    else:
        state.write_bytes(b"not a database" * 100)
    report = publish(small, site, jobs=1)
    assert report.written == report.pages and report.staged
    assert _tree(site) == before
    assert publish(small, site, jobs=1).written == 0  # the state is back
    # Without the publisher's stylesheet the folder is not recognised: refused, left alone.
    state.unlink()
    (site / "static/style.css").unlink()
    with pytest.raises(InputError, match="was not written by `kirinuki publish`"):
        publish(small, site, jobs=1)


def test_an_entrys_tags_are_recorded_as_one_json_text(tmp_path: Path) -> None:
    """The manifest's record of an entry's tags is made from each tag's part, kept across
    entries: the same text as the JSON of the whole list (quotes, backslashes, full-width and
    accented names; one tag, several, none)."""
    from kirinuki.journal.published import published_entries
    from kirinuki.publish.context import build_context
    from kirinuki.publish.keys import fingerprints
    from kirinuki.publish.scope import entry_records
    from tests.publish.conftest import _clip, _entry, _tags, make_journal

    names = ['引用"符', "back\\slash", "Été", "ＡＢＣ"]
    recs = [_entry(f"k{i}", f"2024-01-0{i + 1}T09:00:00+09:00",
                   [{"items": [_clip(f"本文{i}")], "tag_lines": [_tags(*names[i:i + 2])]}]
                   if i < 4 else [{"items": [_clip("タグなし")], "tag_lines": []}],
                   permalink=f"/entry/2024/01/0{i + 1}/090000")
            for i in range(5)]
    journal = make_journal(tmp_path, recs)
    ctx = build_context(journal, entries=published_entries(journal))
    records = entry_records(ctx, fingerprints(ctx))
    assert len(records) == 5
    for e in ctx.entries:
        whole = json.dumps([[k, ctx.tags[k].segment] for k, _ in e.tags], ensure_ascii=False)
        assert records[e.id].tags == whole
    assert sorted(len(json.loads(r.tags)) for r in records.values()) == [0, 1, 2, 2, 2]


def test_the_count_of_files_is_recorded_not_counted(small: Journal, tmp_path: Path) -> None:
    site = tmp_path / "site"
    report = publish(small, site, jobs=1)
    state = writer.state_path(site)
    files = sum(1 for p in site.rglob("*") if p.is_file())
    assert report.pages == files
    recorded = manifest.read_meta(state)[manifest.FILES]
    assert recorded.split()[0] == str(files)
    # Read from the record: a wrong record is what the manifest then says (no row counted).
    conn = sqlite3.connect(state)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = ?",
                     ("7 " + recorded.split()[1], manifest.FILES))
    conn.close()
    assert len(manifest.load_manifest(state).pages) == 7
    # A row written since the record (by an earlier version, which does not record it): the
    # rows are counted.
    conn = sqlite3.connect(state)
    with conn:
        conn.execute("UPDATE pages SET rowid = (SELECT max(rowid) + 1 FROM pages)"
                     " WHERE path = 'index.html'")
    conn.close()
    assert len(manifest.load_manifest(state).pages) == files
    # A patch being put in place forgets the record: the rows are counted again.
    manifest.mark_pending(state, ["a/new/page.html"])
    assert manifest.FILES not in manifest.read_meta(state)
    assert len(manifest.load_manifest(state).pages) == files + 1
    # The next publish repairs, and records the count again.
    again = publish(small, site, jobs=1)
    assert manifest.read_meta(state)[manifest.FILES].split()[0] == str(again.pages) == str(files)
