"""The query language: words, phrases, OR, negation, filters, folding and clear errors."""

from __future__ import annotations

from datetime import date

import pytest

from kirinuki.errors import InputError
from kirinuki.text.query import EntryRef, Query, Source, Tag, Word, parse_query


def test_words_are_anded_and_folded_like_text() -> None:
    q = parse_query("ＮＡＴＯ 首相")
    assert q.clauses == ((Word("nato"),), (Word("首相"),))
    assert parse_query("nato").clauses == parse_query("NATO").clauses == parse_query("ＮＡＴＯ").clauses


def test_phrase_keeps_spaces_and_protects_operators() -> None:
    q = parse_query('"United Nations" "OR" "#タグ" "-x" "since:2022"')
    assert [c[0] for c in q.clauses] == [Word("united nations", True), Word("or", True),
                                        Word("#タグ", True), Word("-x", True),
                                        Word("since:2022", True)]
    assert q.since is None


def test_full_width_quotes_and_spaces_are_normalised_first() -> None:
    q = parse_query("＂核の脅し＂　－円安　＃反ロシア")
    assert q.clauses == ((Word("核の脅し", True),), (Tag("反ロシア", "反ロシア"),))
    assert q.excluded == (Word("円安"),)


def test_or_binds_tighter_than_and() -> None:
    q = parse_query("ロシア 制裁 OR 非難 #露 OR #核")
    assert q.clauses == ((Word("ロシア"),), (Word("制裁"), Word("非難")),
                         (Tag("露", "露"), Tag("核", "核")))


def test_negation_of_words_phrases_and_filters() -> None:
    q = parse_query('首相 -副首相 -"記者会見" -#露 -source:nhk.or.jp -entry:3')
    assert q.clauses == ((Word("首相"),),)
    assert q.excluded == (Word("副首相"), Word("記者会見", True), Tag("露", "露"),
                          Source("nhk.or.jp"), EntryRef("3"))


def test_filters() -> None:
    q = parse_query("source:https://WWW3.NHK.or.jp/news/x since:2022-01 until:2022 entry:12")
    assert q.clauses == ((Source("www3.nhk.or.jp"),), (EntryRef("12"),))
    assert q.since == date(2022, 1, 1) and q.until == date(2022, 12, 31)
    assert parse_query("until:2024-02").until == date(2024, 2, 29)
    assert parse_query("SINCE:2022/3/5").since == date(2022, 3, 5)


def test_lone_signs_and_unknown_keys_are_text() -> None:
    q = parse_query("- # https://example.com/a 1:2")
    assert [c[0] for c in q.clauses] == [Word("-"), Word("#"), Word("https://example.com/a"),
                                        Word("1:2")]


def test_only_negations_or_filters_are_allowed() -> None:
    assert parse_query("-露") == Query((), (Word("露"),))
    assert parse_query("since:2022").since == date(2022, 1, 1)


def test_words_sorted_longest_first_for_highlighting() -> None:
    q = parse_query("露 ロシア OR 露 #核")
    assert [w.text for w in q.words()] == ["ロシア", "露"]


@pytest.mark.parametrize("query, message", [
    ("", "empty query"),
    ("   　", "empty query"),
    ('"核の', "unclosed quote"),
    ('""', "empty phrase"),
    ("OR 露", "OR must stand between"),
    ("露 OR", "OR must stand between"),
    ("露 OR OR 核", "OR must stand between"),
    ("露 OR -核", "negated term"),
    ("-露 OR 核", "OR must stand between"),
    ("露 OR since:2022", "cannot be part of an OR"),
    ("since:yesterday", "expects a date"),
    ("since:2022-13-01", "not a valid date"),
    ("until:2023-02-30", "not a valid date"),
    ("since:", "needs a value"),
    ("source:", "needs a value"),
    ("-since:2022", "cannot be negated"),
    ("since:2022 since:2023", "given twice"),
    ("since:2023 until:2022", "is after"),
    ("source:/", "expects a site"),
])
def test_malformed_queries_get_a_clear_message(query: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_query(query)
