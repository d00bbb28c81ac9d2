"""Versions and background in shapes that recur across the hands of the labelled set (session
21, issue 22): each case is invented, in the shape of a miss of a part never tuned on before."""

from __future__ import annotations

import pytest
from analysis_data import kind

from kirinuki.analysis.duplicates import VERSION, prepare
from kirinuki.analysis.textnorm import arabic_counts


@pytest.mark.parametrize(("text", "expected"), [
    ("町営住宅十五戸", "町営住宅15戸"),
    ("乗客と乗員合わせて百三十二人", "乗客と乗員合わせて132人"),
    ("二万六千八百五票", "2万6805票"),
    ("県内の三十四の市町村", "県内の34の市町村"),
    ("三棟が焼けた", "3棟が焼けた"),
    # Not counts: a word holding a numeral, an approximate count, a year in kanji digits.
    ("統一か分裂か", "統一か分裂か"),
    ("十数棟に延焼", "十数棟に延焼"),
    ("一時、運転を見合わせ", "一時、運転を見合わせ"),
])
def test_kanji_counts_in_digits(text: str, expected: str) -> None:
    assert arabic_counts(text) == expected


def test_a_count_in_kanji_numerals_is_the_same_number() -> None:
    a = "ミナセ市は、家を失った住民のため、市営住宅十五戸を無償で提供することを決めました。"
    b = "ミナセ市は、家を失った住民のため、市営住宅15戸の無償での提供を始め、これまでに4世帯が入居しました。"
    assert kind(a, b) == VERSION
    assert kind(b, a) == VERSION
    assert prepare(a).numbers == ("15",)
