"""Figure rules added in session 20 (issue 22), on invented sentences: each fails without its rule."""

from __future__ import annotations

import pytest

from kirinuki.analysis.figures import extract_figures


@pytest.mark.parametrize(("text", "want"), [
    # More currencies are counters.
    ("見舞金は1人あたり200万ディナールに引き上げられます。", [(2000000, "ディナール", "+")]),
    ("政府は、復旧のため3億ペソの予算を組みました。", [(300000000, "ペソ", "+")]),
    ("輸出額は120億ルピーでした。", [(12000000000, "ルピー", "+")]),
    # `低い` after a figure is a decrease.
    ("最低気温は、前の日より3.4度低い2.1度でした。", [(-3.4, "度", "-"), (2.1, "度", "+")]),
    # A disinfectant's キロ is its weight.
    ("倉庫には、塩素系の漂白剤約30キロが保管されていました。", [(30, "kg", "+")]),
    # A window ahead (`今後20年で`) and a school year (`3年生`) are no figures.
    ("試算では、堤防の補強には今後20年で900億円が必要です。", [(90000000000, "円", "+")]),
    ("けがをしたのは、3年生が2人でした。", [(2, "人", "+")]),
])
def test_session20_figures(text: str, want: list[tuple[float, str, str]]) -> None:
    assert [(f.value, f.counter, f.sign) for f in extract_figures(text)] == want
