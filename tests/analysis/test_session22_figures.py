"""Figure rules added in session 22 (issue 22), on invented sentences that fail without them,
and words the rules must leave alone."""

from __future__ import annotations

import pytest

from kirinuki.analysis.figures import extract_figures


@pytest.mark.parametrize(("text", "value", "counter"), [
    # Studied on dev11: a span of months is counted like one of years or days (`年間`, `日間`),
    # and hospital beds are counted in `床`.
    ("知事は、自らの給与を3か月間、20%減らすと発表しました。", 3, "か月間"),
    ("工事は半年以上遅れ、あと4カ月間かかる見込みです。", 4, "か月間"),
    ("市民病院は病床数380床の地域の中核病院です。", 380, "床"),
])
def test_months_and_beds(text: str, value: int, counter: str) -> None:
    assert (value, counter) in [(f.value, f.counter) for f in extract_figures(text)]


@pytest.mark.parametrize("text", ["建物の床が抜けました。", "3か月前に始まりました。", "3か月間で2万人が避難しました。"])
def test_no_months_counted_before_now_or_as_a_window(text: str) -> None:
    assert [f.counter for f in extract_figures(text) if f.counter in ("床", "か月", "か月間")] == []
