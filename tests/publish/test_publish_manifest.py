"""The manifest lives beside the published folder, never in it (a web server serving the
folder would hand it to anyone); one kept inside by an earlier version is moved out."""

from __future__ import annotations

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
    assert writer.manifest_path(site) == tmp_path / ".site.publish.db"
    assert writer.manifest_path(site).is_file()


def test_a_manifest_inside_the_folder_is_moved_out(small: Journal, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    before = snapshot(site)
    # The layout of earlier versions: the manifest inside, naming no tree.
    legacy = site / manifest.LEGACY
    shutil.move(writer.manifest_path(site), legacy)
    conn = sqlite3.connect(legacy)
    with conn:
        conn.execute("DELETE FROM meta WHERE key = 'tree'")
    conn.close()
    report = publish(small, site, jobs=1)
    assert report.written == 0 and report.removed == 0  # read, not rebuilt
    assert not legacy.exists() and writer.manifest_path(site).is_file()
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
