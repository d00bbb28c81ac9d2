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
    from kirinuki.store.sqlite import related as rows

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
