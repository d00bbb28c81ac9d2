"""The sketch file beside a published site serves the version check like a read of every
sketch: after new entries, edits (clip ids kept), a deleted entry whose clip ids come back,
sketches caught up without an entry write, and a damaged file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kirinuki.analysis.lsh import Sketches
from kirinuki.analysis.probe import SketchScan
from kirinuki.journal import Journal, analysis, import_paths, init_journal
from kirinuki.journal.editing import delete_entry, edit_clip
from kirinuki.journal.queries import get_entry
from kirinuki.journal.sketch_cache import SketchCache
from kirinuki.store.sqlite import analysis as rows
from tests.analysis.conftest import DEMO

OLD = ("ルスタニア政府によりますと、ヴェルナ州の洪水で少なくとも120人が死亡し、"
       "3400人が避難したということです。")


def _same_as_a_full_read(j: Journal, cache: SketchCache) -> None:
    """Every live clip gets the candidates of a `SketchScan` over every stored sketch."""
    analysis.catch_up(j)  # as `catch_up_versions` does first: imports leave sketching to it
    ids, blobs = rows.sketches(j.store, analysis.SKETCH_VERSION)
    whole = SketchScan(Sketches.from_bytes(blobs), ids)
    part = cache.scan(j, analysis.SKETCH_VERSION)
    found = 0
    for row, clip in enumerate(ids):
        want = [(ids[c.row], c.estimate) for c in whole.candidates(row, min_estimate=0.25)]
        assert [(c.row, c.estimate) for c in part.candidates(clip, min_estimate=0.25)] == want
        found += len(want)
    assert found > 0
    assert analysis._version_links(j, part, rows.unchecked(j.store, analysis.SKETCH_VERSION),
                                   analysis.DEFAULT_THRESHOLDS) == analysis._version_links(
        j, whole, rows.unchecked(j.store, analysis.SKETCH_VERSION), analysis.DEFAULT_THRESHOLDS)


def _add(j: Journal, folder: Path, name: str, text: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.txt").write_text(f"{text}\n\n#洪水\n", encoding="utf-8")
    import_paths(j, [str(folder / f"{name}.txt")])


class _Base:
    """Tells whether the sketch file's base was written since the last look: a rebuild reads
    every sketch and writes the base anew (with a fresh token); a followed scan leaves it."""

    def __init__(self, cache: SketchCache) -> None:
        self.store = cache.store
        self.seen = self._read()

    def _read(self) -> bytes | None:
        return self.store.get("sketch.base")

    def rebuilt(self) -> bool:
        now = self._read()
        out, self.seen = now != self.seen, now
        return out


@pytest.fixture
def early_demo(tmp_path: Path) -> Iterator[Journal]:
    """The demo's first two months (13 entries, the flood story the steps add to among them):
    the full read of every sketch after each step stays cheap."""
    if not DEMO.is_dir():
        pytest.skip("demo/entries is not present")
    j = init_journal(str(tmp_path / "early.db"), "demo", ["demo.kirinuki.example"])
    import_paths(j, [str(p) for p in sorted(DEMO.glob("2024-09-*.txt"))
                     + sorted(DEMO.glob("2024-10-*.txt"))])
    yield j
    j.close()


def test_sketch_file_follows_the_journal(early_demo: Journal, tmp_path: Path) -> None:
    j = early_demo
    analysis.catch_up_versions(j)
    from kirinuki.publish.state import Blobs

    cache = SketchCache(Blobs(tmp_path / ".site.state"))
    base = _Base(cache)
    _same_as_a_full_read(j, cache)
    assert base.rebuilt()  # no file yet: built from every sketch
    _same_as_a_full_read(j, cache)
    assert not base.rebuilt()
    new = tmp_path / "new"
    steps = [
        lambda: _add(j, new, "2030-01-01_090000", OLD),
        lambda: _add(j, new, "2030-01-02_090000", OLD.replace("120人", "185人")),
        lambda: edit_clip(j, get_entry(j, "/entry/2030/01/01/090000").clips[0].id or 0,
                          OLD.replace("3400人", "3900人")),
        lambda: delete_entry(j, "/entry/2030/01/02/090000"),  # its clip id comes back next
        lambda: _add(j, new, "2030-01-03_090000", OLD.replace("120人", "230人")),
        # An entry of the base itself changes: its rows die, the stamps are compared in full.
        lambda: edit_clip(j, get_entry(j, "1").clips[0].id or 0, OLD.replace("120人", "90人")),
        lambda: _add(j, new, "2030-01-04_090000", OLD.replace("120人", "260人")),
    ]
    for n, step in enumerate(steps):
        step()
        _same_as_a_full_read(j, cache)
        assert not base.rebuilt(), n
        assert (analysis.catch_up_versions(j, sketches=cache) > 0) == (n != 3), n
        assert not base.rebuilt(), n
    last = get_entry(j, "/entry/2030/01/03/090000")
    assert last.id in analysis.version_notes(j)  # the new clip is found as a version
    # Sketches that go or come without a write of their entry change the count.
    with j.store.transaction():
        j.store.conn.execute("DELETE FROM clip_sketches WHERE clip_id = (SELECT min(id) FROM clips)")
    assert 1 not in cache.scan(j, analysis.SKETCH_VERSION).row_of  # built without it
    assert base.rebuilt()
    _same_as_a_full_read(j, cache)  # caught up: sketched again, and the file built again
    assert base.rebuilt()
    cache.store.put({"sketch.base": (cache.store.get("sketch.base") or b"")[:100]})  # damaged
    base.rebuilt()
    _same_as_a_full_read(j, cache)
    assert base.rebuilt()


def test_moved_rows_finds_the_stamps_that_moved_in_place() -> None:
    """After an edit of an entry of the base, the few moved stamps are found by halves; a
    removed or inserted entry, or too many changes, mean the full comparison."""
    from kirinuki.journal.sketch_cache import _moved_rows

    was = [(i, f"s{i}", 1) for i in range(1, 1001)]
    now = [*was, (1001, "n", 1)]
    assert _moved_rows(now, was) == []
    now[7] = (8, "later", 1)
    now[900] = (901, "later", 0)
    assert sorted(_moved_rows(now, was) or []) == [7, 900]
    assert _moved_rows(now[:500], was) is None  # shorter: an entry gone
    assert _moved_rows([r for r in now if r[0] != 500] + [(2000, "x", 1)], was) is None
    assert _moved_rows([(i, "x", 1) for i in range(1, 1001)], was, limit=10) is None


@pytest.mark.sqlite_only  # SQLite's query plan
def test_the_sketches_of_a_few_entries_are_read_from_their_groups(early_demo: Journal) -> None:
    """The new entries' sketches are found from their groups and clips: through the index on
    (version, versions_checked) SQLite read every sketch of the version instead (~0.1 s of a
    one-new-entry publish at 10k entries)."""
    j = early_demo
    analysis.catch_up(j)
    said: list[str] = []
    j.store.conn.set_trace_callback(said.append)
    try:
        found = rows.sketches_with_entries(j.store, analysis.SKETCH_VERSION, [2])
    finally:
        j.store.conn.set_trace_callback(None)
    assert found and {r[1] for r in found} == {2}
    plan = [r[3] for r in j.store.conn.execute(f"EXPLAIN QUERY PLAN {said[-1]}")]
    assert plan[0].startswith("SEARCH g "), plan
    assert not any("clip_sketches_checked" in step for step in plan), plan


@pytest.mark.parametrize("miscount", [0, -3, 4])
def test_the_base_is_written_from_pieces(early_demo: Journal, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch, miscount: int) -> None:
    """The base is read and packed a few sketches at a time into columns made for the count
    of sketches, and holds every sketch whatever that count said (a store without snapshots
    may count before a write and read after it)."""
    from kirinuki.journal import sketch_cache
    from kirinuki.publish.state import Blobs

    j = early_demo
    analysis.catch_up_versions(j)
    cache = SketchCache(Blobs(tmp_path / ".site.state"))
    monkeypatch.setattr(sketch_cache, "_PIECE", 7)
    real = rows.sketch_count
    monkeypatch.setattr(rows, "sketch_count",
                        lambda store, version: (lambda c: (c[0], c[1] + miscount))(
                            real(store, version)))
    cache.scan(j, analysis.SKETCH_VERSION)
    monkeypatch.setattr(rows, "sketch_count", real)
    base = _Base(cache)
    assert base.seen is not None
    _same_as_a_full_read(j, cache)
    assert not base.rebuilt()  # the base holds every sketch: the count agrees


@pytest.mark.sqlite_only  # SQLite's memory map
def test_the_base_is_read_without_the_memory_map(early_demo: Journal, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading every sketch for the base goes around the journal's memory map (each page read
    through it would count as the process's memory: a full build writes the base), which is
    then as it was."""
    from kirinuki.publish.state import Blobs
    from kirinuki.store.sqlite.db import Store

    j = early_demo
    analysis.catch_up_versions(j)
    seen: list[tuple[bool, bool]] = []
    real = rows.sketches_with_entries_in_pieces

    def pieces(store: Store, version: int, size: int) -> object:
        seen.append((store.mapped, store.conn.execute("PRAGMA mmap_size").fetchone()[0] > 0))
        return real(store, version, size)

    monkeypatch.setattr(rows, "sketches_with_entries_in_pieces", pieces)
    assert j.store.mapped
    cache = SketchCache(Blobs(tmp_path / ".site.state"))
    cache.scan(j, analysis.SKETCH_VERSION)
    assert seen == [(False, False)]
    assert j.store.mapped and j.store.conn.execute("PRAGMA mmap_size").fetchone()[0] > 0
    _same_as_a_full_read(j, cache)
