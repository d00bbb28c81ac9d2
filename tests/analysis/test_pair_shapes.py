"""Versions and background in shapes that recur across the hands of the labelled set (session
21, issue 22): each case is invented, in the shape of a miss of a part never tuned on before."""

from __future__ import annotations

import pytest
from analysis_data import kind

from kirinuki.analysis.duplicates import BACKGROUND, VERSION, prepare
from kirinuki.analysis.others import same_frame_other_facts
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


@pytest.mark.parametrize(("a", "b"), [
    # One actor, the same opening, another deed after it.
    ("ナルヴァ警察は、拘束された幹部らの取り調べを始める方針です。",
     "ナルヴァ警察は、拘束された幹部らの資産を凍結する方針です。"),
    # One speech, two things said in it (translated items).
    ("2. ロサのベルモ首相は9日夜、国営テレビで演説し、暴動に加わった若者の大半がすでに帰宅したと述べた。",
     "4. ロサのベルモ首相は9日夜、国営テレビで演説し、暴動の首謀者には法に基づいて厳しく対処すると述べた。"),
    # The same breakdown of other people.
    ("症状を訴えた生徒の学年別は、▽1年生が3人、▽2年生が6人、▽3年生が12人、▽4年生が8人などとなっています。",
     "水泳の授業を欠席した生徒の学年別は、▽1年生が3人、▽2年生が6人、▽3年生が12人、▽4年生が8人などとなっています。"),
])
def test_one_frame_other_facts_is_no_shared_background(a: str, b: str) -> None:
    assert kind(a, b) is None
    assert kind(b, a) is None


@pytest.mark.parametrize("b", [
    "12年続くベルモント政権に対しては、燃料価格の高騰をきっかけに、ロサリア国内で批判が強まっていました。",
    "12年続くベルモント政権に対しては、エネルギー価格の高騰をきっかけに、ロサリア国内で批判が強まっていました。",
])
def test_one_sentence_reworded_is_still_background(b: str) -> None:
    a = b.replace("12年続くベルモント政権に対しては", "ロサリアでは").replace(
        "ロサリア国内で批判", "12年続くベルモント政権への批判")
    assert kind(a, b) == BACKGROUND


@pytest.mark.parametrize(("a", "b"), [
    # A count said to have reached (`に及んだ`) a new value, in lines (`回線`).
    ("ひかり通信によりますと、8日朝から携帯電話の通話やデータ通信がつながりにくい状態が続いていて、"
     "影響はおよそ150万回線に及んでいるということです。",
     "ひかり通信は8日夜、携帯電話の通話やデータ通信がつながりにくくなっている障害について、"
     "影響が最大でおよそ260万回線に及んだと発表しました。"),
    # Signatures counted in people's worth (`人分`), said to have reached a new value.
    ("廃線の撤回を求める署名は、これまでにおよそ6000人分が集まっています。",
     "「かもめ線を守る会」によると、廃線の撤回を求める署名はおよそ1万2000人分に達し、"
     "会は近く会社に提出するということです。"),
])
def test_a_count_said_to_have_reached_more_is_updated(a: str, b: str) -> None:
    assert kind(a, b) == VERSION
    assert kind(b, a) == VERSION


def test_a_compound_in_both_rests_is_one_thing_not_other_facts() -> None:
    # A zone set, then lifted: the rests after the common opening name one zone.
    a = "北浜県は、発生した農場から半径3キロ以内を家畜の移動制限区域に、半径10キロ以内を搬出制限区域に設定しました。"
    b = "北浜県は、発生した農場から半径3キロ以内に設定していた家畜の移動制限区域を、2日午前0時に解除しました。"
    assert not same_frame_other_facts(prepare(a).masked, prepare(b).masked)
    assert kind(a, b) is not None
