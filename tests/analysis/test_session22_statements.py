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


@pytest.mark.parametrize(("paragraphs", "speaker", "mode"), [
    # An organisation, the topic of a sentence before, goes on speaking like a person does.
    (["アルメリア外務省は声明を発表しました。", "この中で「主権の侵害だ」と非難しています。"],
     "アルメリア外務省", DIRECT),
    (["東雲電機は10日、記者会見を開きました。会見で「深くおわびする」と謝罪しました。"], "東雲電機", DIRECT),
    (["沿岸諸国連合は4日、首脳会議を開き、停戦を求める声明を採択しました。",
      "この中で、元議長を特使に任命し、双方の政府の間で協議の開始を目指すとしています。"], "沿岸諸国連合", REPORTED),
    # What a body issues stands for it (`Xの声明は`); a statement alone (`声明は`, `声明では`)
    # is no speaker, and `声明では、` is the occasion.
    (["アルメリア外務省の声明は「主権の侵害だ」としています。"], "アルメリア外務省", DIRECT),
    (["アルメリア外務省は声明を発表しました。", "声明は「断じて容認できない」としています。"],
     "アルメリア外務省", DIRECT),
])
def test_an_organisation_goes_on_speaking(paragraphs: list[str], speaker: str, mode: str) -> None:
    got = extract_statements(paragraphs)
    assert [(s.mode, s.speaker) for s in got] == [(mode, speaker)]


def test_a_statement_is_the_occasion() -> None:
    got = extract_statements(["アルメリア外務省は声明を発表しました。",
                              "声明では、国境付近の部隊を撤収させるよう強く求めるとしています。"])
    assert [(s.speaker, s.text[:6]) for s in got] == [("アルメリア外務省", "国境付近の部")]


def test_a_person_named_after_the_organisation_speaks() -> None:
    got = extract_statements(["アルメリア外務省は声明を発表しました。",
                              "これについてサラ報道官は「当然の措置だ」と述べました。",
                              "また「対話の扉は開いている」とも述べました。"])
    assert [s.speaker for s in got] == ["サラ報道官", "サラ報道官"]


def test_an_attempt_is_no_statement() -> None:
    # `…しようとした` / `…しようとしています` is trying, not `としています` of reported speech.
    assert extract_statements(["北雲空港では21日夜、離陸しようとした旅客機が滑走路をはみ出し、"
                               "滑走路が翌朝まで閉鎖されました。"]) == []
    assert extract_statements(["政府は、増税に頼らずに財源を確保しようとしています。"]) == []
    got = extract_statements(["政府は、増税に頼らずに財源を確保するとしています。"])
    assert [(s.speaker, s.cue) for s in got] == [("政府", "としています")]


@pytest.mark.parametrize(("text", "starts"), [
    # A deed with its own subject before what was said is part of it, not the speaker's deed.
    ("森川園長は、前日の夕方に飼育員がおりを掃除したあと、扉の鍵を閉め忘れた可能性が高いと説明しました。",
     "前日の夕方"),
    ("この中で知事は、殺処分が遅れた農場があったことを認めたうえで、人員を倍に増やすと述べました。",
     "殺処分が遅"),
    # The speaker's own deed stays a preamble.
    ("大統領は、支援に感謝の意を表明したうえで、空港の再建を急ぐと述べました。", "空港の再建"),
])
def test_a_deed_with_its_own_subject_is_said(text: str, starts: str) -> None:
    got = extract_statements([text])
    assert [s.mode for s in got] == [REPORTED]
    assert got[0].text.startswith(starts)


@pytest.mark.parametrize("second", [
    # The subject of what a question or a point is about is no speaker: the one before goes on.
    "工場が再開できるかどうかについて、「見通せない」と述べました。",
    "住民の避難が遅れたという指摘に対しては、「判断は適切だった」と反論しました。",
    "州政府が避難指示を出すのが遅れたとの批判については「判断は適切だった」と反論しました。",
    "記者から、避難指示が遅れたのではないかと問われると、「判断は適切だった」と答えました。",
])
def test_a_subject_of_what_is_asked_is_no_speaker(second: str) -> None:
    got = extract_statements(["ハリス知事は10日、記者会見を開きました。", second])
    assert [(s.mode, s.speaker, s.inferred) for s in got] == [(DIRECT, "ハリス知事", True)]


def test_a_subject_before_its_own_quote_still_speaks() -> None:
    got = extract_statements(["ハリス知事は10日、記者会見を開きました。",
                              "州政府が、避難指示の遅れについて「判断は適切だった」と反論しました。"])
    assert [s.speaker for s in got] == ["州政府"]


def test_words_told_about_are_their_clauses() -> None:
    got = extract_statements(["首相は、野党党首が「退陣すべきだ」と批判したことについて、"
                              "「責任を果たす」と述べました。"])
    assert [(s.text, s.speaker) for s in got] == [("退陣すべきだ", "野党党首"), ("責任を果たす", "首相")]


@pytest.mark.parametrize(("paragraphs", "speaker", "cue"), [
    # A quote standing as a sentence, said by the next one with more verbs.
    (["「攻撃は続いている」。ルカ大統領は11日、SNSにこう投稿しました。"], "ルカ大統領", "投稿しました"),
    (["「判断は適切だった」。記者の質問に、ハリス知事はこう答えました。"], "ハリス知事", "答えました"),
])
def test_a_quote_said_by_the_next_sentence(paragraphs: list[str], speaker: str, cue: str) -> None:
    got = extract_statements(paragraphs)
    assert [(s.speaker, s.cue) for s in got] == [(speaker, cue)]


@pytest.mark.parametrize(("text", "starts"), [
    # What a statement is about, named by a noun, is part of what was said.
    ("宮川委員長は、星雲工業の品質管理の体制について、外部の専門家による点検が不十分だったと指摘しました。",
     "星雲工業の品"),
    ("大臣は11日の記者会見で、同じ構造の全国の橋について、緊急の点検を行うよう指示する考えを示しました。",
     "同じ構造の全"),
    ("政府軍は、8日の空爆について、反政府勢力の拠点を狙ったと主張した。", "8日の空爆に"),
    # A clause made a noun (`…したことについて、`) is what the statement answers.
    ("ノルダ外務省は、隣国が検問所を一方的に閉鎖したことについて、人道に反する決定だと非難しました。",
     "人道に反する"),
])
def test_what_a_statement_is_about(text: str, starts: str) -> None:
    got = extract_statements([text])
    assert [s.mode for s in got] == [REPORTED]
    assert got[0].text.startswith(starts)


def test_what_they_are_called_is_no_quote() -> None:
    # `Xを「…」として` and a deed: a name given, not words said; the report around it is found.
    got = extract_statements(["ノルダ外務省は、隣国が解放した捕虜の一部を「戦犯」として再び拘束したと非難しました。"])
    assert [(s.mode, s.speaker, s.text[:6]) for s in got] == [(REPORTED, "ノルダ外務省", "隣国が解放し")]
    assert extract_statements(["警察は、男を「重要参考人」として行方を追っています。"]) == []
    # Words said with として stay quotes.
    got = extract_statements(["外務省は「内政干渉だ」として反発しました。"])
    assert [(s.mode, s.text) for s in got] == [(DIRECT, "内政干渉だ")]
