"""Piecewise folding equals `fold` on any text, and maps folded characters back exactly."""

from __future__ import annotations

from unicodedata import is_normalized

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kirinuki.text import fastfold
from kirinuki.text.fastfold import fast_fold, fast_search_fold, fold_with_map, search_fold_with_map
from kirinuki.text.normalize import fold, kana_fold, search_fold
from kirinuki.text.snippets import highlight_spans
from tests.conftest import examples

# Any code point, with extra weight on the ones normalisation treats specially: combining
# marks, full- and half-width forms, voiced kana marks, Hangul jamo, ligatures.
special = st.sampled_from(list("\u0301\u0308\u3099\u309a\uff9e\uff9fｶﾞﾊﾟＡＺａ１＝ﬁßİŉΣ\u1100\u1161"
                               "\u11a8가\u0e33\u0f73\u2126\u212b\u00c5e\u0041\u030a"
                               "0123,,,，，\u2009\u202f０９きキ"))
texts = st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs",)), special),
                max_size=40)


@settings(max_examples=examples(400))
@given(texts)
def test_fast_fold_is_fold(text: str) -> None:
    assert fast_fold(text) == fold(text)
    folded, starts, ends = fold_with_map(text)
    assert folded == fold(text)
    assert len(starts) == len(ends) == len(folded)
    assert starts == sorted(starts) and all(0 <= s < e <= len(text) for s, e in zip(starts, ends, strict=True))


def test_the_kept_unsafe_characters_are_the_unicode_databases() -> None:
    """The unsafe characters kept for one Unicode version are the ones its database gives
    (this Python's, when it is that version); another version makes them from its own."""
    import unicodedata

    import pytest

    if unicodedata.unidata_version != fastfold.UNIDATA_VERSION:
        pytest.skip("this Python's Unicode database is another version")
    assert fastfold.unsafe_ranges() == fastfold.UNSAFE_RANGES
    fastfold._unsafe.cache_clear()
    try:
        fastfold.UNIDATA_VERSION = "0.0.0"  # as on another Python: made from the database
        assert fast_fold("会見（１２３人）で") == fold("会見（１２３人）で")
        assert fastfold._unsafe().pattern.startswith("[" + fastfold.UNSAFE_RANGES)
    finally:
        fastfold.UNIDATA_VERSION = unicodedata.unidata_version
        fastfold._unsafe.cache_clear()


@settings(max_examples=examples(200))
@given(texts, st.data())
def test_highlights_cover_the_matched_original_text(text: str, data: st.DataObject) -> None:
    folded = fold(text)
    if not folded:
        return
    i = data.draw(st.integers(0, len(folded) - 1))
    word = folded[i:i + data.draw(st.integers(1, 4))]
    spans = highlight_spans(text, [word])
    _, starts, ends = fold_with_map(text)
    # The occurrence drawn is highlighted (the map may give a wider piece than the span when
    # NFKC was not needed, e.g. a character before an astral one), and spans are ordered and
    # disjoint.
    a, b = starts[i], ends[i + len(word) - 1]
    assert any(s < b and a < e for s, e in spans), (text, word, spans)
    if is_normalized("NFKC", text) and len(text.casefold()) == len(text):
        # One character each: the occurrence's own positions are inside one span.
        assert any(s <= i and i + len(word) <= e for s, e in spans), (text, word, spans)
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert all(e1 < s2 for (_, e1), (s2, _) in zip(spans, spans[1:], strict=False))


@settings(max_examples=examples(400))
@given(texts)
@example("死者は３，８００人、1,234,567円、3\u2009800人、1,2,3")
def test_fast_search_fold_is_search_fold(text: str) -> None:
    assert fast_search_fold(text) == search_fold(text)
    folded, starts, ends = search_fold_with_map(text)
    assert folded == search_fold(text)
    assert len(starts) == len(ends) == len(folded)
    assert starts == sorted(starts) and all(0 <= s < e <= len(text) for s, e in zip(starts, ends, strict=True))


def test_digit_grouping_is_dropped_only_before_three_digits() -> None:
    assert {search_fold(t) for t in ("3800人", "3,800人", "３，８００人", "3\u2009800人",
                                     "３\u202f８００人")} == {"3800人"}
    assert search_fold("1,234,567円") == "1234567円"
    # Lists and decimals keep their commas; a plain space between numbers stays.
    assert search_fold("1,2,3") == "1,2,3"
    assert search_fold("2,50ユーロ") == "2,50ユーロ"
    assert search_fold("12,3456") == "12,3456"
    assert search_fold("2022 100人") == "2022 100人"
    assert search_fold("a,100") == "a,100"


def test_highlights_map_grouped_digits_back_to_the_original() -> None:
    text = "死者は３，８００人、負傷者は1,234人"
    spans = highlight_spans(text, ["3800人", "1234人"])
    assert [text[s:e] for s, e in spans] == ["３，８００人", "1,234人"]
    names = "岸田、キシダ、きしだ、キしだ"
    assert [names[s:e] for s, e in highlight_spans(names, [], ["きしだ"])] \
        == ["キシダ", "きしだ", "キしだ"]
    assert kana_fold("ヴァヽ") == "ゔぁゝ"
