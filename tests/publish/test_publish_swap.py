"""The previous site after a staged build: set aside at once, removed in the background when
large, and trees left by a removal that was cut short are removed by the next publish."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kirinuki.journal import Journal
from kirinuki.publish import publish, swap, writer


def _tree(root: Path, files: int) -> Path:
    for i in range(files):
        d = root / f"d{i % 7}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{i}.html").write_bytes(b"<p>x</p>")
    return root


def test_discard_in_the_background_removes_the_tree(tmp_path: Path) -> None:
    tree = _tree(tmp_path / ".site.trash.1.2", 40)
    proc = swap.discard(tree, background=True)
    assert proc is not None
    assert proc.wait() == 0
    assert not tree.exists()


def test_discard_here_removes_the_tree_before_returning(tmp_path: Path) -> None:
    tree = _tree(tmp_path / ".site.trash.1.3", 10)
    assert swap.discard(tree, background=False) is None
    assert not tree.exists()


def test_a_large_old_site_is_set_aside_then_removed(small: Journal, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*.html")}
    old_inode = (site / "index.html").stat().st_ino
    monkeypatch.setattr(writer, "BACKGROUND_MIN", 0)  # every old tree counts as large
    procs: list[subprocess.Popen[bytes]] = []
    finish = writer.Output.finish

    def keep_procs(self: writer.Output, *args: object, **kwargs: object) -> None:
        finish(self, *args, **kwargs)  # type: ignore[arg-type]
        procs.extend(self.discarding)

    monkeypatch.setattr(writer.Output, "finish", keep_procs)
    report = publish(small, site, jobs=1, full=True)
    assert report.staged and len(procs) == 1
    # The new site is in place whether or not the removal has finished.
    assert (site / "index.html").stat().st_ino != old_inode
    assert {p.relative_to(site): p.read_bytes() for p in site.rglob("*.html")} == before
    assert procs[0].wait() == 0
    assert not list(tmp_path.glob(".site.trash*")) and not list(tmp_path.glob(".site.staging*"))


def test_a_tree_left_by_a_cut_short_removal_is_removed_next_time(
        small: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    left = _tree(tmp_path / ".site.trash.999.1", 20)
    procs: list[subprocess.Popen[bytes]] = []
    enter = writer.Output.__enter__

    def keep_procs(self: writer.Output) -> writer.Output:
        out = enter(self)
        procs.extend(self.discarding)
        return out

    monkeypatch.setattr(writer.Output, "__enter__", keep_procs)
    publish(small, site, jobs=1)
    assert len(procs) == 1 and procs[0].wait() == 0
    assert not left.exists()
    assert (site / "index.html").exists()
