"""Figure rules added in session 19 (issue 22, studied on dev7), each on invented sentences: a
case that fails without its rule, and where it matters one it must leave alone."""

from __future__ import annotations

import pytest

from kirinuki.analysis.figures import extract_figures


def found(text: str) -> list[tuple[float, str, str]]:
    return [(float(f.value), f.counter, f.sign) for f in extract_figures(text)]


@pytest.mark.parametrize(("text", "figures"), [
    # A time before now is no count of years.
    ("利用者の平均年齢は61.2歳で、15年前より6.5歳上がりました。", [(61.2, "歳", "+"), (6.5, "歳", "+")]),
    ("市営バスの利用者は、20年前と比べて3割減りました。", [(-3.0, "割", "-")]),
    # A window counted in is no count of weeks; a duration is (`過去20年余り`).
    ("北部では、この1週間で患者が2割増えました。", [(2.0, "割", "+")]),
    ("この地域では、過去30年余りにわたって水不足が続いています。", [(30.0, "年", "+")]),
    # One of them: no count.
    ("被災した集落の1つでは、住民およそ300人が取り残されています。", [(300.0, "人", "+")]),
    ("乗組員のうち1人は、フィリピン国籍の40歳の男性です。", [(40.0, "歳", "+")]),
    # One unit before its price: a denominator.
    ("密造酒は1本およそ3ドルで売られています。", [(3.0, "ドル", "+")]),
    # A fall in value (`値下がり`) is a decrease.
    ("通貨ベルナは一時、対ドルで1.8%値下がりしました。", [(-1.8, "%", "-")]),
    # Counters of models and routes.
    ("ヒーター7機種のおよそ12万台を回収します。", [(7.0, "機種", "+"), (120000.0, "台", "+")]),
    ("市営バス23路線で運行本数を減らしました。", [(23.0, "路線", "+")]),
])
def test_session19_figures(text: str, figures: list[tuple[float, str, str]]) -> None:
    assert found(text) == figures
