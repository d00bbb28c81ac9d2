"""A pass over the sketches finds the same candidates as the index it stands in for."""

from __future__ import annotations

import pytest
from analysis_data import load_jsonl

from kirinuki.analysis.lsh import DuplicateIndex, sketch_texts
from kirinuki.analysis.probe import SketchScan


def _texts() -> list[str]:
    texts: dict[str, None] = {}
    for pair in load_jsonl("pairs.jsonl"):
        texts.setdefault(pair["a"])
        texts.setdefault(pair["b"])
    # Re-clips of one passage several times: keys shared by more rows than a small cap.
    first = next(iter(texts))
    # Texts without content bigrams (empty signatures: text keys only).
    return (list(texts) + [first] * 5 + [first.replace("。", "、") for _ in range(3)]
            + ["ありがとうございます", "ありがとうございます。", "そうですね"])


@pytest.mark.parametrize(("cap", "min_estimate"), [(64, 0.25), (64, 0.0), (2, 0.0)])
def test_scan_candidates_equal_the_index_candidates(cap: int, min_estimate: float) -> None:
    texts = _texts()
    sk = sketch_texts(texts)
    index = DuplicateIndex(cap=cap)
    index.add_many(sk)
    scan = SketchScan(sk, list(range(100, 100 + len(texts))), cap=cap)
    found = 0
    for row in range(len(texts)):
        want = index.candidates(sk, row, min_estimate=min_estimate, exclude=row)
        assert scan.candidates(row, min_estimate=min_estimate) == want, row
        found += len(want)
    assert found > len(texts)  # the labelled pairs do share keys: the check is not vacuous
    assert scan.row_of[100 + 7] == 7


def test_catch_up_by_scan_stores_the_links_the_index_finds(demo_journal, monkeypatch) -> None:
    from kirinuki.journal import analysis
    from kirinuki.store.sqlite import analysis as rows

    def links() -> list[tuple[int, int, int, str]]:
        return sorted(rows.version_rows(demo_journal.store))

    def redo(scan_max: int) -> list[tuple[int, int, int, str]]:
        with demo_journal.store.transaction():
            demo_journal.store.conn.execute("DELETE FROM clip_versions")
            demo_journal.store.conn.execute("UPDATE clip_sketches SET versions_checked = 0")
        analysis._cache.clear()
        monkeypatch.setattr(analysis, "_SCAN_MAX", scan_max)
        assert analysis.catch_up_versions(demo_journal) > 300
        return links()

    by_index = redo(0)
    assert len(by_index) >= 20  # the demo's updated pairs
    assert redo(10_000) == by_index


@pytest.mark.parametrize(("cap", "stored_sigs"), [(64, True), (2, True), (64, False)])
def test_part_scan_candidates_equal_the_scan_of_the_live_rows(cap: int, stored_sigs: bool,
                                                              ) -> None:
    """A stored part with dead rows (entries changed since) plus fresh rows, some reusing the
    clip ids of dead rows, probes like a `SketchScan` over the live sketches in id order;
    also when the part's signatures are read back from its packed bands (the sketch cache)."""
    import numpy as np

    from kirinuki.analysis.probe import Part, PartScan, pack_columns, shared_columns

    texts = _texts()
    n = len(texts)
    base = sketch_texts(texts)
    ids = np.arange(100, 100 + n, dtype=np.int64)
    alive = np.ones(n, dtype=bool)
    alive[::7] = False
    # Dead rows come back under their id with another text (an edit keeps clip ids), and new
    # clips copy existing texts, so keys are shared across the two parts.
    extra_ids = [100 + i for i in range(0, n, 14)] + [100 + n + k for k in range(12)]
    extra_texts = [texts[(i + 3) % n] for i in range(0, n, 14)] + [texts[k * 5] for k in range(12)]
    bands, keys = pack_columns(base)
    scan = PartScan(Part(ids, base.sigs if stored_sigs else None, bands, keys, alive,
                         *shared_columns(base)), extra_ids,
                    sketch_texts(extra_texts), cap=cap)
    live = {int(c): t for c, t, a in zip(ids.tolist(), texts, alive.tolist(), strict=True) if a}
    live.update(zip(extra_ids, extra_texts, strict=True))
    order = sorted(live)
    whole = SketchScan(sketch_texts([live[c] for c in order]), order, cap=cap)
    found = shared = 0
    for row, clip in enumerate(order):
        want = [(order[c.row], c.estimate, c.exact, c.masked) for c in whole.candidates(row)]
        got = [(c.row, c.estimate, c.exact, c.masked) for c in scan.candidates(clip)]
        assert got == want, clip
        found += len(want)
        # Rows sharing a sentence or a word key (the other two sources) alike too.
        for mine, theirs in ((scan.sentence_rows, whole.sentence_rows),
                             (scan.word_rows, whole.word_rows)):
            assert mine(clip) == {order[r] for r in theirs(row)}, clip
            shared += len(mine(clip)) > 1
    assert found > len(order) and shared > len(order) // 2
    assert 100 in scan.row_of and 107 not in scan.row_of and 100 + n + 3 in scan.row_of


def test_others_is_setdiff1d_without_importing_the_masked_arrays() -> None:
    import subprocess
    import sys

    import numpy as np

    from kirinuki.analysis.probe import others

    rng = np.random.default_rng(7)
    for size in (0, 1, 2, 5, 40, 300):
        rows = rng.integers(0, 30, size, dtype=np.int64)
        for row in (0, 3, 29, 31):
            got = others(rows, row)
            assert got.dtype == np.int64 and got.tolist() == np.setdiff1d(rows, [row]).tolist()
    # A probe over a few sketches, as a one-entry publish makes, leaves numpy.ma unimported.
    probe = ("import sys; from kirinuki.analysis.lsh import sketch_texts; "
             "from kirinuki.analysis.probe import SketchScan; "
             "t = ['ルスタニアの首相は会見で、制裁について慎重に検討すると述べました。'] * 3; "
             "found = SketchScan(sketch_texts(t), [1, 2, 3]).candidates(0); "
             "print(len(found), 'numpy.ma' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "2 False"
