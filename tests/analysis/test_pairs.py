"""Bounded-memory candidate pairs and blocked verification give exactly the unbounded ones."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pytest
from analysis_data import load_jsonl

from kirinuki.analysis.groups import Item, verify
from kirinuki.analysis.lsh import EMPTY, DuplicateIndex, LshParams, Sketches
from kirinuki.analysis.pairs import as_pairs, estimates, sketch_pairs, verify_blocked
from kirinuki.errors import KirinukiError

SMALL = LshParams(bands=4, rows=2, seed=7)


def random_sketches(rng: np.random.Generator, n: int, params: LshParams) -> Sketches:
    """Sketches with many shared keys: few text keys, signatures from few values (big and
    small band groups), some empty signatures and texts shared by several rows."""
    keys = rng.integers(0, max(2, n // 3), size=(n, 2)).astype(np.int64) * 2 + 1
    keys[:, 1] += 1_000_000  # masked keys never equal to exact ones
    sigs = rng.integers(0, 3, size=(n, params.hashes)).astype(np.uint8)
    base = sigs[rng.integers(0, n, size=n)]
    near = rng.random(n) < 0.5
    mix = rng.random((n, params.hashes)) < 0.3
    sigs[near] = np.where(mix[near], sigs[near], base[near])
    sigs[rng.random(n) < 0.05] = EMPTY
    return Sketches(keys, sigs)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize(("budget", "part_keys", "at_once"),
                         [(1, 1, 1), (7, 5, 3), (200, 40, 50), (10**9, 10**9, 10**9)])
def test_same_pairs_as_the_index(seed: int, budget: int, part_keys: int, at_once: int) -> None:
    rng = np.random.default_rng(seed)
    sk = random_sketches(rng, int(rng.integers(20, 200)), SMALL)
    cap = int(rng.integers(2, 12))
    per_row = int(rng.integers(1, 6))
    min_estimate = float(rng.choice([0.0, 0.25, 0.5]))
    index = DuplicateIndex(SMALL, cap=cap)
    index.add_many(sk)
    want_pairs, want_est = index.candidate_pairs(min_estimate=min_estimate, per_row=per_row)
    codes, counts = sketch_pairs(sk, SMALL, cap, min_estimate, per_row, budget, part_keys,
                                 at_once)
    pairs, est = as_pairs(codes, counts, SMALL.hashes)
    assert len(want_pairs) > 0
    assert pairs.tolist() == want_pairs.tolist()  # same pairs in the same order
    assert est.tolist() == want_est.tolist()


def test_estimate_table_is_monotonic_and_ends_at_one() -> None:
    table = estimates(SMALL.hashes)
    assert table[0] == 0.0 and table[-1] == 1.0
    assert (np.diff(table) > 0).all()


def labelled_items(rng: np.random.Generator) -> list[Item]:
    """Clips of the labelled pairs (duplicates, versions, background, unrelated), with dates,
    articles and entries drawn at random."""
    texts = sorted({p[k] for p in load_jsonl("pairs.jsonl") for k in ("a", "b")})[:120]
    days = rng.integers(1, 28, size=len(texts))
    return [Item(i, text, datetime(2022, 1, int(days[i])), rng.choice(["x", "y", None]),
                 entry=int(rng.integers(1, 30)), pos=i) for i, text in enumerate(texts)]


@pytest.mark.parametrize("held", [1, 2, 3, 9, 40, 10_000])
def test_blocked_verify_gives_the_links_of_verify(held: int) -> None:
    rng = np.random.default_rng(held)
    items = labelled_items(rng)
    n = len(items)
    a, b = rng.integers(0, n, size=(2, 3000))
    a, b = np.minimum(a, b), np.maximum(a, b)
    codes = np.unique((a[a != b] << 32) | b[a != b])
    a, b = (codes >> 32).astype(np.uint32), (codes & 0xFFFFFFFF).astype(np.uint32)
    gone = {5, 17}  # clips deleted since they were sketched: their pairs are left out
    want = verify(items, [(i, j) for i, j in zip(a.tolist(), b.tolist(), strict=True)
                          if i not in gone and j not in gone])
    assert len({lk.match.kind for lk in want}) == 3  # duplicates, versions and background
    loads: list[int] = []

    def items_of(rows: Sequence[int]) -> dict[int, Item]:
        loads.append(len(rows))
        return {r: items[r] for r in rows if r not in gone}

    got = verify_blocked(a, b, items_of, held)
    assert sorted((lk.a, lk.b, lk.match) for lk, _, _ in got) == sorted(
        (lk.a, lk.b, lk.match) for lk in want)
    assert all((x.id, y.id) == (lk.a, lk.b) for lk, x, y in got)
    assert max(loads) <= max(1, held * 7 // 8)  # never more clips held than asked


@pytest.mark.parametrize("index_loaded", [False, True])
def test_bulk_catch_up_stores_the_links_of_the_probes(demo_journal, monkeypatch,
                                                      index_loaded: bool) -> None:
    """The one-off pass over every pair (blocks of 40 clips) stores what probing every clip
    through the index stores, with or without the index already loaded."""
    from kirinuki.journal import analysis, versions_bulk
    from kirinuki.store.sqlite import analysis as rows

    def redo(probe_max: int) -> list[tuple[int, int, int, str]]:
        with demo_journal.store.transaction():
            demo_journal.store.conn.execute("DELETE FROM clip_versions")
            demo_journal.store.conn.execute("UPDATE clip_sketches SET versions_checked = 0")
        analysis._cache.clear()
        if index_loaded:
            analysis._load_index(demo_journal)
        monkeypatch.setattr(analysis, "_SCAN_MAX", 0)
        monkeypatch.setattr(analysis, "_PROBE_MAX", probe_max)
        assert analysis.catch_up_versions(demo_journal) > 300
        return sorted(rows.version_rows(demo_journal.store))

    calls: list[int] = []

    def blocked(a: np.ndarray, *args: object, **kw: object) -> object:
        calls.append(len(a))
        return verify_blocked(a, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(versions_bulk, "verify_blocked", blocked)
    probed = redo(10**6)
    assert len(probed) >= 20 and not calls  # the demo's updated pairs, by probes
    monkeypatch.setattr(versions_bulk, "HELD", 40)
    assert redo(0) == probed
    assert len(calls) == 1 and calls[0] > 300  # by the pass over every pair


def test_bulk_catch_up_in_worker_processes_stores_the_same_links(demo_journal, monkeypatch,
                                                                 ) -> None:
    """The pass over every pair split between two forked workers (each with its own
    connection and blocks of 20 clips) stores what probing every clip stores, and reports
    each stage up to every pair compared."""
    from kirinuki.journal import analysis, versions_bulk
    from kirinuki.store.sqlite import analysis as rows

    def redo() -> list[tuple[int, int, int, str]]:
        with demo_journal.store.transaction():
            demo_journal.store.conn.execute("DELETE FROM clip_versions")
            demo_journal.store.conn.execute("UPDATE clip_sketches SET versions_checked = 0")
        analysis._cache.clear()
        assert analysis.catch_up_versions(demo_journal) > 300
        return sorted(rows.version_rows(demo_journal.store))

    monkeypatch.setattr(analysis, "_SCAN_MAX", 0)
    probed = redo()
    assert len(probed) >= 20
    monkeypatch.setattr(analysis, "_PROBE_MAX", 0)
    monkeypatch.setattr(versions_bulk, "HELD", 40)
    monkeypatch.setattr(versions_bulk, "_PAIRS_A_JOB", 1)
    forked: list[int] = []
    real = versions_bulk._verify_forked

    def spy(*args: object) -> object:
        forked.append(args[6])  # type: ignore[arg-type]
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(versions_bulk, "_verify_forked", spy)
    told: list[tuple[str, int, int]] = []
    with versions_bulk.bulk_analysis(jobs=2, progress=lambda *a: told.append(a)):
        assert redo() == probed
    assert forked == [2]
    stages = [s for s, _, _ in told]
    # every clip paired read once for the gate, in the workers, then every pair gated, then
    # the pairs left compared (their own count, so that the time left is told from them)
    assert stages[0] == versions_bulk.PAIRING and stages[-1] == versions_bulk.VERIFYING
    order = [s for k, s in enumerate(stages) if not k or s != stages[k - 1]]
    assert order == [versions_bulk.PAIRING, versions_bulk.GATING, versions_bulk.NARROWING,
                     versions_bulk.VERIFYING]
    gating = [(d, n) for s, d, n in told if s == versions_bulk.GATING]
    narrowing = [(d, n) for s, d, n in told if s == versions_bulk.NARROWING]
    assert gating[-1][0] == gating[-1][1] > 300
    assert narrowing[-1][0] == narrowing[-1][1] > 300  # every pair gated
    assert 0 < told[-1][1] == told[-1][2] <= narrowing[-1][1]  # every pair left compared


def test_statements_caught_up_in_worker_processes_are_the_same(demo_journal, monkeypatch,
                                                               ) -> None:
    """The statements of every group, found in batches of 10 groups by two forked workers,
    are those found in one process."""
    from kirinuki.journal import story, versions_bulk

    def redo() -> list[tuple[object, ...]]:
        with demo_journal.store.transaction():
            demo_journal.store.conn.execute("DELETE FROM clip_statements")
            demo_journal.store.conn.execute(
                "INSERT OR IGNORE INTO statements_todo(group_id) SELECT id FROM groups")
        assert story.catch_up_statements(demo_journal) >= 100
        return sorted(demo_journal.store.conn.execute("SELECT * FROM clip_statements"))

    alone = redo()
    assert len(alone) >= 20
    monkeypatch.setattr(story, "BATCH", 10)
    maps = _batch_sizes(monkeypatch, "map")
    with versions_bulk.bulk_analysis(jobs=2):
        assert redo() == alone
    assert len(maps) >= 10  # the full batches, in the workers


def test_entry_features_found_in_worker_processes_are_the_same(demo_journal, monkeypatch,
                                                              ) -> None:
    """The features and suggestions of every entry, with the features found in batches of 10
    entries by two forked workers, are those found in one process (the known places grow
    batch by batch in the same order)."""
    from kirinuki.journal import suggestions, versions_bulk

    def redo() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
        with demo_journal.store.transaction():
            for table in ("entry_features", "entry_suggestions", "suggestion_state"):
                demo_journal.store.conn.execute(f"DELETE FROM {table}")
        assert suggestions.catch_up_suggestions(demo_journal) >= 50
        return (sorted(demo_journal.store.conn.execute("SELECT * FROM entry_features")),
                sorted(demo_journal.store.conn.execute("SELECT * FROM entry_suggestions")))

    whole = redo()  # one batch
    monkeypatch.setattr(suggestions, "_BATCH", 10)
    alone = redo()
    assert len(alone[0]) >= 500 and len(alone[1]) >= 100
    assert {r[0] for r in alone[0]} == {r[0] for r in whole[0]}  # every batch stored
    # The features of a batch are found by the workers while this process stores the last.
    maps = _batch_sizes(monkeypatch, "map_async")
    with versions_bulk.bulk_analysis(jobs=2):
        assert redo() == alone
    assert len(maps) >= 5  # the full batches, in the workers


def test_suggestions_scored_in_worker_processes_are_the_same(demo_journal, monkeypatch,
                                                             ) -> None:
    """The suggestions of every entry, scored from every feature in memory in batches of 10
    entries by two forked workers, are those scored in one process."""
    from kirinuki.journal import suggestions, versions_bulk

    def redo() -> list[tuple[object, ...]]:
        with demo_journal.store.transaction():
            for table in ("entry_suggestions", "suggestion_state"):
                demo_journal.store.conn.execute(f"DELETE FROM {table}")
        assert suggestions.catch_up_suggestions(demo_journal, features=False) >= 50
        return sorted(demo_journal.store.conn.execute("SELECT * FROM entry_suggestions"))

    suggestions.catch_up_suggestions(demo_journal)  # the features stored
    monkeypatch.setattr(suggestions, "_BULK", 0)  # every feature in memory (`_Loaded`)
    monkeypatch.setattr(suggestions, "_BATCH", 10)
    alone = redo()
    assert len(alone) >= 100
    scored = _batch_sizes(monkeypatch, "map_async")
    with versions_bulk.bulk_analysis(jobs=2):
        assert redo() == alone
    assert len(scored) >= 2 and set(scored) <= {2}


def _reset_analysis(journal) -> None:  # type: ignore[no-untyped-def]
    """Forget every analysis result, as after a bulk import (the sketches are kept)."""
    with journal.store.transaction():
        for table in ("clip_versions", "clip_statements", "entry_features",
                      "entry_suggestions", "suggestion_state"):
            journal.store.conn.execute(f"DELETE FROM {table}")
        journal.store.conn.execute("UPDATE clip_sketches SET versions_checked = 0")
        journal.store.conn.execute(
            "INSERT OR IGNORE INTO statements_todo(group_id) SELECT id FROM groups")


def _analysis_tables(journal) -> list[list[tuple[object, ...]]]:  # type: ignore[no-untyped-def]
    return [sorted(journal.store.conn.execute(f"SELECT * FROM {table}"))
            for table in ("clip_versions", "clip_statements", "statements_todo",
                          "entry_features", "entry_suggestions", "suggestion_state")]


def test_statements_and_features_beside_the_versions_are_the_same(demo_journal, monkeypatch,
                                                                  ) -> None:
    """After a bulk import with two workers allowed, the statements and the features are
    found by a process beside the one finding the version links: every analysis table ends
    as in one process."""
    from kirinuki.journal import analysis, story, suggestions, versions_bulk

    monkeypatch.setattr(story, "BATCH", 10)
    monkeypatch.setattr(suggestions, "_BATCH", 10)  # the known places grow batch by batch
    _reset_analysis(demo_journal)
    analysis._cache.clear()
    alone = analysis.catch_up_analysis(demo_journal)
    tables = _analysis_tables(demo_journal)
    assert alone.groups >= 100 and all(tables[k] for k in (0, 1, 3, 4, 5))
    monkeypatch.setattr(analysis, "_PROBE_MAX", 0)
    monkeypatch.setattr(versions_bulk, "HELD", 40)
    monkeypatch.setattr(versions_bulk, "_PAIRS_A_JOB", 1)
    beside: list[object] = []
    real = versions_bulk.Beside.__init__

    def spy(self: object, fn: object, *args: object, **kw: object) -> None:
        beside.append(fn)
        real(self, fn, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(versions_bulk.Beside, "__init__", spy)
    _reset_analysis(demo_journal)
    analysis._cache.clear()
    with versions_bulk.bulk_analysis(jobs=2):
        assert analysis.catch_up_analysis(demo_journal) == alone
    assert _analysis_tables(demo_journal) == tables
    assert beside == [analysis._statements_and_features]


def _reports_then_waits(n: int) -> int:
    versions_bulk_report(n)
    time.sleep(0.3)
    return n * 2


def versions_bulk_report(n: int) -> None:
    from kirinuki.journal import versions_bulk

    versions_bulk.report(versions_bulk.STATEMENTS, n, 0)


def _fails() -> None:
    raise ValueError("broken beside")


def _dies() -> None:
    os._exit(3)


def test_the_process_beside_reports_its_progress_and_its_errors(monkeypatch) -> None:
    """What the process beside reports is reported again by the waiting process, and its
    result, or its error, comes back."""
    from kirinuki.journal import versions_bulk

    monkeypatch.setattr(versions_bulk, "_POLL", 0.01)
    told: list[tuple[str, int, int]] = []
    with versions_bulk.bulk_analysis(jobs=2, progress=lambda *a: told.append(a)):
        assert versions_bulk.Beside(_reports_then_waits, 7).wait() == 14
        with pytest.raises(ValueError, match="broken beside"):
            versions_bulk.Beside(_fails).wait()
        # Killed, say: an error rather than a wait for ever.
        with pytest.raises(KirinukiError, match="結果を返さずに終了しました .終了コード 3"):
            versions_bulk.Beside(_dies).wait()
    assert (versions_bulk.STATEMENTS, 7, 0) in told


def _looks_then_waits() -> tuple[bool, int, list[int], int]:
    """In a process beside: whether it may fork its workers at once, then (after saying it
    looked) waits until it may; returns that, how many it may fork, the processes of a map
    over its workers and its own."""
    from kirinuki.journal import versions_bulk

    free = versions_bulk._options().free
    assert free is not None
    before = free()
    versions_bulk_report(1)
    while not free():
        time.sleep(0.01)
    pids = versions_bulk._Workers(versions_bulk.bulk_jobs(), free).map(_pid, [1, 2, 3, 4])
    return before, versions_bulk.bulk_jobs(), pids, os.getpid()


def test_the_process_beside_forks_its_workers_only_once_waited_for(monkeypatch) -> None:
    """The process beside may fork its own workers only once the parent waits for it (the
    version links found): before, its workers' maps run in itself."""
    from kirinuki.journal import versions_bulk

    side = versions_bulk.Beside(_looks_then_waits, jobs=2)
    while not side.shared[0]:  # it has looked
        time.sleep(0.01)
    before, jobs, pids, beside = side.wait()
    assert (before, jobs) == (False, 2)
    assert len(set(pids)) == 2 and beside not in pids and os.getpid() not in pids
    pool = versions_bulk._Workers(2, free=lambda: False)
    assert pool.map(_pid, [1, 2, 3]) == [os.getpid()] * 3  # no fork
    pool = versions_bulk._Workers(2, free=lambda: True)
    assert os.getpid() not in pool.map(_pid, [1, 2, 3])


def _pid(_item: object) -> int:
    return os.getpid()


def test_quick_candidates_in_worker_processes_are_the_same(demo_journal, monkeypatch,
                                                          ) -> None:
    """The quick score's candidates of every entry, found in batches of 10 entries by two
    forked workers, are those found in one process."""
    from kirinuki.journal import suggestions, versions_bulk

    with demo_journal.store.transaction():
        for table in ("entry_features", "entry_suggestions", "suggestion_state"):
            demo_journal.store.conn.execute(f"DELETE FROM {table}")
    assert suggestions.catch_up_features(demo_journal) >= 50
    alone = suggestions.quick_candidates(demo_journal)
    assert (alone.best >= 0).sum() >= 100
    monkeypatch.setattr(suggestions, "_BATCH", 10)
    maps = _batch_sizes(monkeypatch, "map")
    with versions_bulk.bulk_analysis(jobs=2):
        split = suggestions.quick_candidates(demo_journal)
    assert len(maps) >= 2 and set(maps) <= {2}
    assert split.ids.tolist() == alone.ids.tolist()
    assert split.best.tolist() == alone.best.tolist()


def test_sketches_caught_up_in_worker_processes_are_the_same(demo_journal, monkeypatch,
                                                             ) -> None:
    """The sketches of every clip, computed in batches of 50 clips by two forked workers,
    are those computed in one process."""
    from kirinuki.journal import analysis, versions_bulk

    def redo() -> list[tuple[object, ...]]:
        with demo_journal.store.transaction():
            demo_journal.store.conn.execute("DELETE FROM clip_sketches")
        assert analysis.catch_up(demo_journal) > 300
        return sorted(demo_journal.store.conn.execute(
            "SELECT clip_id, sketch FROM clip_sketches"))

    alone = redo()
    monkeypatch.setattr(analysis, "_BATCH", 50)
    maps = _batch_sizes(monkeypatch, "map")
    with versions_bulk.bulk_analysis(jobs=2):
        assert redo() == alone
    assert len(maps) >= 6 and set(maps) == {2}  # each full batch in two parts


def _dies_with(k: int) -> None:
    os._exit(3)


@pytest.mark.parametrize("worker", ["_worker_part", "_worker_features", "_worker_gate"])
def test_a_verifying_worker_that_dies_is_an_error_not_a_wait(demo_journal, monkeypatch,
                                                             worker: str) -> None:
    """A worker of the pass over every pair (reading clips for the gate, gating pairs or
    comparing them) that ends without its result (killed, out of memory) makes the
    catch-up fail with an error, and nothing is stored."""
    from kirinuki.journal import analysis, versions_bulk

    with demo_journal.store.transaction():
        demo_journal.store.conn.execute("DELETE FROM clip_versions")
        demo_journal.store.conn.execute("UPDATE clip_sketches SET versions_checked = 0")
    analysis._cache.clear()
    monkeypatch.setattr(analysis, "_PROBE_MAX", 0)
    monkeypatch.setattr(versions_bulk, "_PAIRS_A_JOB", 1)
    monkeypatch.setattr(versions_bulk, worker, _dies_with)
    with versions_bulk.bulk_analysis(jobs=2), \
            pytest.raises(KirinukiError, match="結果を返さずに終了しました .終了コード 3"):
        analysis.catch_up_versions(demo_journal)
    assert not list(demo_journal.store.conn.execute("SELECT 1 FROM clip_versions"))
    assert not list(demo_journal.store.conn.execute(
        "SELECT 1 FROM clip_sketches WHERE versions_checked = 1"))


_PARENT = os.getpid()


def _killed(*_args: object) -> object:
    """Killed in a forked worker (as by the kernel out of memory); never run in this process
    (the first batch, in the workers, fails)."""
    import signal

    assert os.getpid() != _PARENT
    os.kill(os.getpid(), signal.SIGKILL)
    return None


# (module, its function run by the workers, batch size to make small, rows of the stage)
_STAGES = [("analysis", "sketch_rows", "_BATCH", 50, "clip_sketches"),
           ("story", "group_statements", "BATCH", 10, "clip_statements"),
           ("suggestions", "_features_of", "_BATCH", 10, "entry_features")]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("module", "fn", "batch", "size", "table"), _STAGES)
def test_a_worker_of_the_other_stages_that_dies_is_an_error_not_a_wait(
        demo_journal, monkeypatch, module: str, fn: str, batch: str, size: int,
        table: str) -> None:
    """A worker of the sketching, statements or features stage that is killed makes the
    catch-up fail with an error (a pool's map waited for ever), and the rows of its batch,
    the first, are not stored."""
    import importlib

    from kirinuki.journal import analysis, versions_bulk

    _reset_analysis(demo_journal)
    with demo_journal.store.transaction():
        demo_journal.store.conn.execute("DELETE FROM clip_sketches")
    analysis._cache.clear()
    stage = importlib.import_module(f"kirinuki.journal.{module}")
    monkeypatch.setattr(stage, batch, size)
    monkeypatch.setattr(stage, fn, _killed)
    monkeypatch.setattr(analysis, "_beside", lambda _journal: None)  # all in this process
    with versions_bulk.bulk_analysis(jobs=2), \
            pytest.raises(KirinukiError, match="結果を返さずに終了しました .終了コード -9"):
        analysis.catch_up_analysis(demo_journal)
    if module != "analysis":  # every clip was sketched before
        assert demo_journal.store.conn.execute(
            "SELECT count(*) FROM clip_sketches").fetchone()[0] > 300
    assert not list(demo_journal.store.conn.execute(f"SELECT 1 FROM {table}"))


_KILLED_PUBLISH = """
import os, signal, sys
from kirinuki.journal import analysis
parent, real = os.getpid(), analysis.sketch_rows
def sketch_rows(rows):
    if os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(rows)
analysis.sketch_rows, analysis._BATCH = sketch_rows, 50
sys.argv[0] = "kirinuki"
from kirinuki.cli.main import main
main()
"""


@pytest.mark.sqlite_only
def test_a_publish_whose_sketching_worker_dies_ends_with_an_error(demo_journal,
                                                                  tmp_path) -> None:
    """`kirinuki publish` after a bulk import, one of its sketching workers killed: the
    command ends (rather than waits for ever) with a Japanese error, no traceback, exit 1,
    no site and no sketch stored."""
    import subprocess
    import sys

    with demo_journal.store.transaction():
        demo_journal.store.conn.execute("DELETE FROM clip_sketches")
    site = tmp_path / "site"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    # The timeout only ends a publish that waits for ever (before the fix).
    done = subprocess.run([sys.executable, "-c", _KILLED_PUBLISH, "--journal",
                           demo_journal.store.path, "publish", str(site), "--jobs", "2"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 1
    assert "版の解析の処理が結果を返さずに終了しました (終了コード -9)" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not site.exists()
    assert not list(demo_journal.store.conn.execute("SELECT 1 FROM clip_sketches"))


def _frozen_here(_n: int) -> int:
    import gc

    return gc.get_freeze_count()


# A PostgreSQL journal's analysis runs in one process (its connection pool runs threads).
@pytest.mark.sqlite_only
def test_forked_workers_leave_what_they_inherited_to_the_parent(journal) -> None:
    """The workers are forked with the parent's objects frozen out of the collector (their
    collections skip the inherited heap); the parent's own collector is as it was."""
    import gc

    from kirinuki.journal import versions_bulk

    gc.unfreeze()  # what a web app of an earlier test in this process froze
    with versions_bulk.bulk_analysis(jobs=2), versions_bulk.worker_pool(journal.store) as pool:
        assert pool is not None
        frozen = pool.map(_frozen_here, [1, 2])
    assert min(frozen) > 1000
    assert gc.get_freeze_count() == 0


def _batch_sizes(monkeypatch: pytest.MonkeyPatch, method: str) -> list[int]:
    """The number of items of each batch given to the workers' `method` from now on."""
    from kirinuki.journal import versions_bulk

    sizes: list[int] = []
    real = getattr(versions_bulk._Workers, method)

    def spy(self: object, fn: object, items: list[object]) -> object:
        sizes.append(len(items))
        return real(self, fn, items)

    monkeypatch.setattr(versions_bulk._Workers, method, spy)
    return sizes
