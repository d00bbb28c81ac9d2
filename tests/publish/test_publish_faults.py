"""Faults while writing: slow, lost and failing writes, a full disk, forked workers. Every file
counted as written is on disk before the site is put in place; a write that fails leaves the
live site as it was (nothing of the attempt inside it) with one clear error; the next publish
repairs without --full."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import pytest

from kirinuki.errors import OutputError
from kirinuki.journal import Journal
from kirinuki.journal.editing import edit_clip, rename_tag
from kirinuki.journal.queries import get_entry
from kirinuki.publish import build, publish, units, writer
from tests.conftest import Cli
from tests.publish.test_publish_writer import _tree, snapshot

EDITED = "米国の国務長官は会見で核協議の再開を改めて呼びかけました。"


def _parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Force the forked workers on the small journal."""
    monkeypatch.setattr(build, "PARALLEL_MIN", 1)


def _manifest_paths(site: Path) -> set[str]:
    import sqlite3

    conn = sqlite3.connect(writer.state_path(site))
    try:
        return {r[0] for r in conn.execute("SELECT path FROM pages")}
    finally:
        conn.close()


def _agrees(site: Path) -> None:
    """The manifest lists exactly the files of the site."""
    assert _manifest_paths(site) == set(_tree(site))


def _leftovers(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.iterdir() if ".staging" in p.name or ".patch" in p.name
                  or ".trash" in p.name) + sorted(str(p) for p in tmp.rglob("*.tmp"))


def test_a_slow_first_write_batch_is_waited_for(small: Journal, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The first batch of files of each process was not waited for, and the pool's exit
    killed the workers still writing it: pages counted as written were missing."""
    _parallel(monkeypatch)
    real = writer._write_file
    slow: dict[int, bool] = {}

    def first_slow(target: str, data: bytes) -> None:
        if not slow.get(os.getpid()):
            slow[os.getpid()] = True
            time.sleep(0.3)  # the fault: a disk that takes its time (no limit is asserted)
        real(target, data)

    monkeypatch.setattr(writer, "_write_file", first_slow)
    site = tmp_path / "site"
    report = publish(small, site, jobs=2)
    on_disk = _tree(site)
    assert report.written == report.pages == len(on_disk)
    _agrees(site)
    one = tmp_path / "one"
    monkeypatch.setattr(writer, "_write_file", real)
    publish(small, one, jobs=1)
    assert on_disk == _tree(one)


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("staged", [True, False])
def test_a_failing_write_leaves_the_live_site_as_it_was(
        small: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int,
        staged: bool) -> None:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    before = snapshot(site)
    clip = get_entry(small, "/entry/2024/01/06/230000").clips[0]
    edit_clip(small, clip.id or 0, EDITED)
    _parallel(monkeypatch)
    real = writer._write_file

    page = "archive/category/米国/index.html"

    def failing(target: str, data: bytes) -> None:
        # A staged tree holds the page at its path, a patch under its flat name.
        if target.endswith((page, writer.patch_name(page))):
            real(target, data[:10])  # half written, then the disk fails
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(target, data)

    monkeypatch.setattr(writer, "_write_file", failing)
    with pytest.raises(OutputError, match="cannot write archive/category/米国/index.html: "
                                          "Input/output error"):
        publish(small, site, jobs=jobs, full=staged)
    assert snapshot(site) == before
    assert _leftovers(tmp_path) == []
    monkeypatch.setattr(writer, "_write_file", real)
    report = publish(small, site, jobs=jobs)  # no --full
    assert report.written > 0
    fresh = tmp_path / "fresh"
    publish(small, fresh, jobs=1, full=True)
    assert _tree(site) == _tree(fresh)
    _agrees(site)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_write_counted_but_not_on_disk_stops_the_publish(
        small: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """The check before the swap: a file the writer reported but never wrote (the lost-page
    fault) fails the publish instead of being listed in the manifest."""
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    before = snapshot(site)
    _parallel(monkeypatch)
    real = writer._write_file

    def losing(target: str, data: bytes) -> None:
        if not target.endswith("/feed.xml"):
            real(target, data)

    monkeypatch.setattr(writer, "_write_file", losing)
    with pytest.raises(OutputError, match="counted as written but is not on disk"):
        publish(small, site, jobs=jobs, full=True)
    assert snapshot(site) == before
    monkeypatch.setattr(writer, "_write_file", real)
    publish(small, site, jobs=jobs)
    _agrees(site)


def test_a_patch_that_does_not_land_is_repaired_by_the_next_publish(
        small: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check after patching in place: a file that is not where the patch put it fails the
    publish (exit 1); the manifest keeps it pending, and the next publish writes it."""
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    clip = get_entry(small, "/entry/2024/01/06/230000").clips[0]
    edit_clip(small, clip.id or 0, EDITED)
    real = writer.Output._patch

    def dropping(self: writer.Output, written: list[str], removed: list[str]) -> None:
        real(self, written, removed)
        (self.out / "index.html").unlink()  # say, the disk lost it

    monkeypatch.setattr(writer.Output, "_patch", dropping)
    with pytest.raises(OutputError, match="publish again to repair"):
        publish(small, site, jobs=1)
    monkeypatch.setattr(writer.Output, "_patch", real)
    assert publish(small, site, jobs=1).written > 0
    fresh = tmp_path / "fresh"
    publish(small, fresh, jobs=1, full=True)
    assert _tree(site) == _tree(fresh)
    _agrees(site)
    assert publish(small, site, jobs=1).written == 0


@pytest.mark.parametrize("full", [False, True])
def test_a_full_disk_is_one_clear_error_and_nothing_in_the_live_site(
        small: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, full: bool) -> None:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    before = snapshot(site)
    clip = get_entry(small, "/entry/2024/01/06/230000").clips[0]
    edit_clip(small, clip.id or 0, EDITED)

    def full_disk(target: str, data: bytes) -> None:
        with open(target, "wb"):  # created, then no space for its bytes
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def no_space(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writer, "_write_file", full_disk)
    # The state beside the site is written too (before the pages, and after).
    from kirinuki.publish import state

    monkeypatch.setattr(state.Blobs, "put", lambda *_a, **_k: False)
    args = ["publish", str(site), "--jobs", "1"] + (["--full"] if full else [])
    done = Cli(small.store.path)(*args)
    assert done.exit_code == 1
    assert "error: cannot write" in done.output and "No space left on device" in done.output
    assert "Traceback" not in done.output
    assert snapshot(site) == before
    assert _leftovers(tmp_path) == []


def test_no_connection_crosses_a_fork(small: Journal, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Renaming a popular tag rewrites many pages of a site already built: the workers
    looked up the old files through their parent's manifest connection (ProgrammingError
    from the workers replaced by the pool, which forks them from another thread)."""
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    rename_tag(small, "反ロシア", "対露")
    _parallel(monkeypatch)
    monkeypatch.setattr(units, "UNIT_PAGES", 1)  # many units: workers are replaced
    monkeypatch.setattr(writer, "STAGE_MIN", 1)  # staged, so the old files are looked up
    report = publish(small, site, jobs=2)
    assert report.staged and report.written > 0
    fresh = tmp_path / "fresh"
    publish(small, fresh, jobs=1, full=True)
    assert _tree(site) == _tree(fresh)
    _agrees(site)


def test_the_pool_is_joined_never_terminated(small: Journal, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Terminating the pool kills a worker wherever it is, mid-write included."""
    import multiprocessing.pool

    _parallel(monkeypatch)
    monkeypatch.setattr(units, "UNIT_PAGES", 1)  # many units: workers are replaced
    calls: list[str] = []
    real = multiprocessing.pool.Pool.terminate

    def terminate(self: multiprocessing.pool.Pool) -> None:
        calls.append("terminate")
        real(self)

    monkeypatch.setattr(multiprocessing.pool.Pool, "terminate", terminate)
    report = publish(small, tmp_path / "site", jobs=2)
    assert report.written == report.pages
    assert calls == []


def test_caches_beside_the_site_are_spared_by_a_full_disk(
        small: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The snapshot and sketches in the state cannot be written: the site is published all
    the same, and the next publish takes the ordinary path."""
    from kirinuki.publish import state

    site = tmp_path / "site"
    publish(small, site, jobs=1)

    def no_space(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    clip = get_entry(small, "/entry/2024/01/06/230000").clips[0]
    edit_clip(small, clip.id or 0, EDITED)
    monkeypatch.setattr(state.Blobs, "put", lambda *_a, **_k: False)
    assert publish(small, site, jobs=1).written > 0
    monkeypatch.undo()
    fresh = tmp_path / "fresh"
    publish(small, fresh, jobs=1, full=True)
    assert _tree(site) == _tree(fresh)
    assert publish(small, site, jobs=1).written == 0
