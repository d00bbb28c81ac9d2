"""Statement rules added in session 22 (issue 22), each on invented sentences that fail without
its rule, and sentences the rules must leave alone."""

from __future__ import annotations

import pytest

from kirinuki.analysis.statements import DIRECT, REPORTED, extract_statements


@pytest.mark.parametrize(("text", "speaker", "starts"), [
    # A company named in 『』, as some pages write them, speaks like one in 「」.
    ("暗号資産の交換業者『ソラモ』は18日、外部からの不正アクセスがあったと発表しました。", "ソラモ",
     "外部から"),
    ("『東雲電機』は、来年春までに国内の工場を2か所閉鎖すると発表しました。", "東雲電機", "来年春"),
    ("通信会社『かもめモバイル』は、障害の原因はソフトウェアの不具合だったと明らかにしました。",
     "かもめモバイル", "障害の原因"),
])
def test_a_company_in_double_brackets_speaks(text: str, speaker: str, starts: str) -> None:
    got = extract_statements([text])
    assert [(s.mode, s.speaker) for s in got] == [(REPORTED, speaker)]
    assert got[0].text.startswith(starts)


def test_a_company_in_double_brackets_is_no_quote() -> None:
    got = extract_statements(["大手電機メーカー『東雲電機』は「雇用は守る」としています。"])
    assert [(s.mode, s.speaker, s.text) for s in got] == [(DIRECT, "東雲電機", "雇用は守る")]


@pytest.mark.parametrize(("text", "speaker"), [
    # Names joined by と, each after what it is: the names speak, without what they are.
    ("電機大手の西和電機と精密機器メーカーの東斗精工は、来年4月に経営統合すると発表しました。",
     "西和電機と東斗精工"),
    ("西和電機と精密機器メーカーの東斗精工は、来年4月に経営統合すると発表しました。", "西和電機と東斗精工"),
    # Short names and bodies joined by と.
    ("県と市は、避難所を3か所開設したと明らかにしました。", "県と市"),
    ("政府と与党は、経済対策の規模を20兆円とすることで合意したと発表しました。", "政府と与党"),
])
def test_names_joined_each_after_what_it_is(text: str, speaker: str) -> None:
    got = extract_statements([text])
    assert [(s.mode, s.speaker) for s in got] == [(REPORTED, speaker)]
