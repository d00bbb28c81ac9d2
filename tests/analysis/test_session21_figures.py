"""Figure rules added in session 21 (issue 22), on invented sentences that fail without them,
and words the rules must leave alone."""

from __future__ import annotations

import pytest

from kirinuki.analysis.figures import extract_figures


@pytest.mark.parametrize(("text", "value", "counter"), [
    # Studied on heldout8 and dev10: items, minutes and lines are counters, and a kanji numeral
    # of more than one character after a noun counts (not `統一`, `数千人`).
    ("13日までに破片42点が回収されました。", 42, "点"),
    ("判決の言い渡しはおよそ40分間続きました。", 40, "分間"),
    ("障害は最大でおよそ340万回線に影響しました。", 3400000, "回線"),
    ("火事では、消防車両二十八台が出動しました。", 28, "台"),
])
def test_more_counters(text: str, value: int, counter: str) -> None:
    assert [(f.value, f.counter) for f in extract_figures(text)] == [(value, counter)]


@pytest.mark.parametrize("text", ["国の統一を守る", "数千人が集まった", "午後1時40分に始まった"])
def test_no_counter_in_words_and_times(text: str) -> None:
    assert extract_figures(text) == []
