"""`kirinuki publish` killed (SIGKILL) at many moments: the live site never holds a partial
or foreign file, a staged build is all or nothing, and the next publish, without --full,
leaves the site equal to a fresh full build."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kirinuki.journal import Journal, import_paths
from kirinuki.journal.editing import delete_entry, edit_clip
from kirinuki.journal.queries import get_entry
from kirinuki.publish import publish
from tests.publish.conftest import _clip, _entry, _tags, make_journal
from tests.publish.test_publish_faults import _agrees
from tests.publish.test_publish_writer import _tree

# Run in a child process: publish, and SIGKILL the publish (the parent process; its forked
# workers die with it) at the moment named by argv: after N files written, after N files put
# in place by a patch, before the manifest is recorded, or before the snapshot is saved.
CHILD = textwrap.dedent("""
    import os, signal, sys
    from kirinuki.journal import open_journal
    from kirinuki.publish import build, units, writer
    journal, site, point, n, jobs, full = sys.argv[1:7]
    n, jobs, main = int(n), int(jobs), os.getpid()
    count = [0]

    def tick():
        count[0] += 1
        if count[0] >= n:
            os.kill(main, signal.SIGKILL)

    if point == "write":
        real = writer._write_file
        def write(target, data):
            real(target, data)
            tick()
        writer._write_file = write
    elif point == "replace":
        real_replace = os.replace
        def replace(a, b):
            real_replace(a, b)
            if str(a).startswith(str(writer.Path(site).resolve().parent)) and ".patch" in str(a):
                tick()
        os.replace = replace
    elif point == "manifest":
        real_manifest = writer.write_manifest
        def manifest(*args, **kw):
            tick()
            return real_manifest(*args, **kw)
        writer.write_manifest = manifest
    elif point == "swapped":  # the new tree in place, its manifest not yet
        real_exchange = writer.exchange
        def exchange(a, b):
            done = real_exchange(a, b)
            tick()
            return done
        writer.exchange = exchange
    elif point == "snapshot":
        for name in ("save_context", "save_followed"):
            setattr(build, name, lambda *a, **k: tick())
    build.PARALLEL_MIN = 1 if jobs > 1 else build.PARALLEL_MIN
    units.UNIT_PAGES = 4
    j = open_journal(journal)
    print(build.publish(j, site, jobs=jobs, full=full == "full"))
""")


def _kill_run(j: Journal, site: Path, point: str, n: int, jobs: int, full: bool) -> int:
    done = subprocess.run([sys.executable, "-c", CHILD, str(j.store.path), str(site), point,
                           str(n), str(jobs), "full" if full else "-"],
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode


def _change(j: Journal, folder: Path, k: int) -> None:
    """A new entry, an edit and a deletion: entry pages, lists, tags and feeds to redo."""
    when = f"2024-02-{k + 1:02d}T08:00:00+09:00"
    rec = _entry(f"k-kill{k}", when, [{"items": [_clip(f"停止試験{k}の段落です。")],
                                       "tag_lines": [_tags("停止試験", "米国")]}],
                 permalink=f"/entry/2024/02/{k + 1:02d}/080000")
    src = folder / f"kill{k}.jsonl"
    src.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    import_paths(j, [str(src)])
    if k == 0:
        clip = get_entry(j, "/entry/2024/01/06/230000").clips[0]
        edit_clip(j, clip.id or 0, "米国の国務長官は協議の再開を改めて呼びかけました。")
        delete_entry(j, "/entry/20170101/1483228800")


POINTS = [("write", 1, 1, False), ("write", 6, 1, False), ("replace", 1, 1, False),
          ("replace", 8, 1, False), ("manifest", 1, 1, False), ("snapshot", 1, 1, False),
          ("write", 3, 1, True), ("write", 30, 1, True), ("manifest", 1, 1, True), ("swapped", 1, 1, True),
          ("write", 5, 2, True), ("write", 12, 2, False), ("snapshot", 1, 2, True)]


@pytest.mark.slow
@pytest.mark.parametrize(("point", "n", "jobs", "full"), POINTS)
def test_a_killed_publish_is_repaired_by_the_next(tmp_path: Path, point: str, n: int,
                                                  jobs: int, full: bool) -> None:
    j = make_journal(tmp_path)
    site = tmp_path / "site"
    publish(j, site, jobs=1)
    before = _tree(site)
    for k in range(2):  # a first change published, then a second one killed midway
        _change(j, tmp_path, k)
        if k == 0:
            publish(j, site, jobs=1)
            before = _tree(site)
    expected_dir = tmp_path / "expected"
    publish(j, expected_dir, jobs=1, full=True)
    expected = _tree(expected_dir)
    code = _kill_run(j, site, point, n, jobs, full)
    assert code == -signal.SIGKILL
    after = _tree(site)
    # Every file is the old build's or the new one's, whole; a staged build, or a kill before
    # a patch is put in place, leaves the old site as it was.
    for path, data in after.items():
        assert data in (before.get(path), expected.get(path)), path
    if point in ("snapshot", "swapped"):  # killed after the site was in place
        assert after == expected
    elif full or point == "write":
        assert after == before
    assert not [p for p in site.rglob("*") if p.name.endswith(".tmp")]
    publish(j, site, jobs=jobs)  # no --full
    assert _tree(site) == expected
    _agrees(site)
    assert publish(j, site, jobs=jobs).written == 0
    leftovers = [p.name for p in tmp_path.iterdir()
                 if p.name.startswith(".site.") and p.name.rsplit(".", 1)[-1] in
                 ("staging", "patch")]
    assert leftovers == []
    j.close()
