"""Big builds: forked workers and worker replacement give the same site as
one process (the small journal, with the thresholds lowered so every part runs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kirinuki.journal import Journal
from kirinuki.publish import build, publish, units


def files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*")
            if p.is_file()}


def test_workers_write_the_site_one_process_writes(small: Journal, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    one = publish(small, tmp_path / "one", jobs=1)
    monkeypatch.setattr(build, "PARALLEL_MIN", 1)
    monkeypatch.setattr(units, "UNIT_PAGES", 1)  # many units: workers are replaced
    counts: list[int] = []
    real = units.units_of
    monkeypatch.setattr(build, "units_of", lambda *a: counts.append(len(real(*a))) or real(*a))
    two = publish(small, tmp_path / "two", jobs=2)
    assert counts and counts[0] > 2 * 8  # more units than two workers take before replacement
    assert two.written == one.written == one.pages
    assert files(tmp_path / "two") == files(tmp_path / "one")
    # The manifest the workers' records made is complete: nothing to do the next time.
    again = publish(small, tmp_path / "two", jobs=2)
    assert again.written == 0 and again.removed == 0


@pytest.mark.parametrize("workers", [False, True])
def test_a_full_build_keeps_the_sketches_beside(small: Journal, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 workers: bool) -> None:
    """With more than one process, a full build keeps every clip's sketch in the state from
    a process beside it (none scanned here), whole: the next scan needs no rebuild; it is
    waited for before workers are forked. When that process fails, this one keeps them."""
    from kirinuki.journal import analysis
    from kirinuki.journal.sketch_cache import SketchCache
    from kirinuki.publish.snapshot import state_blobs

    here: list[int] = []
    scan = SketchCache.scan

    def counted(self: SketchCache, *args: object, **kw: object) -> object:
        here.append(1)  # in a forked process, appended to that process's list
        return scan(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(SketchCache, "scan", counted)
    events: list[str] = []
    if workers:
        monkeypatch.setattr(build, "PARALLEL_MIN", 1)
        kept, pool = build.sketches_kept, build.run_units
        monkeypatch.setattr(build, "sketches_kept",  # waiting for the process beside
                            lambda j, sk, b: (b and events.append("kept")) or kept(j, sk, b))
        monkeypatch.setattr(build, "run_units", lambda *a: events.append("pool") or pool(*a))
    publish(small, tmp_path / "site", jobs=2)
    assert here == []
    assert events == (["kept", "pool"] if workers else [])
    rebuilt: list[int] = []
    rebuild = SketchCache._rebuild
    monkeypatch.setattr(SketchCache, "_rebuild",
                        lambda self, *a: rebuilt.append(1) or rebuild(self, *a))
    SketchCache(state_blobs(tmp_path / "site")).scan(small, analysis.SKETCH_VERSION)
    assert here == [1] and rebuilt == []
    # Made again over an unusable one: the new state keeps the new sketches, not the old.
    state_blobs(tmp_path / "site").put({"sketch.base": b"unusable"})
    publish(small, tmp_path / "site", full=True, jobs=2)
    SketchCache(state_blobs(tmp_path / "site")).scan(small, analysis.SKETCH_VERSION)
    assert here == [1, 1] and rebuilt == []

    def fails(*_args: object) -> None:
        raise OSError("the process beside failed")

    here.clear()
    monkeypatch.setattr(analysis, "_keep_sketches_in", fails)
    publish(small, tmp_path / "again", jobs=2)
    assert here == [1] and rebuilt == [1]  # kept here, from every sketch
    assert state_blobs(tmp_path / "again").get("sketch.base") is not None
