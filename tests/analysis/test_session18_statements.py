"""Statement rules added in session 18 (issue 22), each on invented sentences: a case that
fails without its rule, and where it matters a case the rule must leave alone."""

from __future__ import annotations

import pytest

from kirinuki.analysis.statements import (
    DIRECT,
    HEADLINE,
    REPORTED,
    Statement,
    extract_statements,
)


def found(*paragraphs: str) -> list[Statement]:
    return extract_statements(list(paragraphs))


def one(*paragraphs: str) -> Statement:
    got = found(*paragraphs)
    assert len(got) == 1, got
    return got[0]


@pytest.mark.parametrize(("text", "speaker", "starts"), [
    # A topic right after the speaker's, only a day or a comma between, is what was said.
    ("水産庁は、オルモ長官はすでに職を退いたと発表しました。", "水産庁", "オルモ長官は"),
    ("サンテラ政府は12日、トルエ外相は無事に帰国したと明らかにしました。", "サンテラ政府", "トルエ外相は"),
    ("ヨナス報道官は、首相は来月、被災地を訪れる予定だと述べました。", "ヨナス報道官", "首相は来月"),
    ("野党のリベロ代表は、首相は責任を取るべきだと主張しました。", "リベロ代表", "首相は責任"),
])
def test_a_topic_right_after_the_speakers_is_part_of_what_was_said(
        text: str, speaker: str, starts: str) -> None:
    s = one(text)
    assert (s.mode, s.speaker) == (REPORTED, speaker)
    assert s.text.startswith(starts), s.text


def test_a_topic_after_a_clause_of_its_own_is_still_the_speaker() -> None:
    # `政府は…進め、財務省は…` : two clauses, the second topic speaks.
    s = one("政府は支援策の準備を進め、財務省は補正予算の規模が3兆円程度になるとしています。")
    assert s.speaker == "財務省"


@pytest.mark.parametrize(("text", "speaker", "starts"), [
    ("西ヶ谷市は9日、市内の浄水場の運転が再開したと発表しました。", "西ヶ谷市", "市内の浄水場"),
    ("県は、新たに5人が食中毒の症状を訴えたと発表しました。", "県", "新たに5人"),
    ("マルテ州は、森林火災がほぼ鎮火したと明らかにしました。", "マルテ州", "森林火災が"),
    ("北辰電機は、国内の3つの工場で生産を止めたと発表しました。", "北辰電機", "国内の3つ"),
    ("さくら製菓は、一部の商品に表示の誤りがあったと発表しました。", "さくら製菓", "一部の商品"),
    # An opening name beats the subject of the clause said (`…軍が`, `大統領が`).
    ("オルダニアは、隣国の軍が国境を越えて砲撃してきたと主張しました。", "オルダニア", "隣国の軍が"),
    ("グレイハウスは、大統領が来月サンテラを訪れると発表しました。", "グレイハウス", "大統領が来月"),
])
def test_an_opening_name_is_the_speaker_of_reported_speech(
        text: str, speaker: str, starts: str) -> None:
    s = one(text)
    assert (s.mode, s.speaker) == (REPORTED, speaker)
    assert s.text.startswith(starts), s.text


def test_an_opening_word_that_is_no_name_is_not_a_speaker() -> None:
    # `影響は` is no name: the speaker stays the first subject naming one.
    s = one("影響は、政府が想定していたより大きいと説明しました。")
    assert s.speaker == "政府"


def test_a_day_followed_by_its_own_words_is_what_was_said() -> None:
    s = one("県は20日、19日までの1週間の患者数が前の週の2倍になったと発表しました。")
    assert s.speaker == "県" and s.text.startswith("19日までの"), s.text
    s = one("町は8日夕方、断水がすべて解消したと発表しました。")
    assert s.text.startswith("断水が"), s.text


@pytest.mark.parametrize(("text", "speaker", "quotes"), [
    ("ソレル氏、「減税は必ず実行する」", "ソレル氏", 1),
    ("【速報】ベント首相、「辞任は考えていない」 不信任案否決", "ベント首相", 1),
    ("ロア外相「交渉は打ち切る」「責任は相手側にある」", "ロア外相", 2),
    ("北浜地裁「被告の責任は重い」 懲役8年", "北浜地裁", 1),
    ("オルダニア「領空侵犯はなかった」 隣国の抗議に反論", "オルダニア", 1),
    ("ウェスタ大統領室「首脳会談の予定はない」", "ウェスタ大統領室", 1),
    ("豪雪1週間 被災者「屋根の雪が下ろせない」", "被災者", 1),
    ("乗客「機体が急に傾いた」 緊急着陸の便", "乗客", 1),
])
def test_headline_speakers(text: str, speaker: str, quotes: int) -> None:
    got = found(text)
    assert [(s.mode, s.speaker) for s in got] == [(HEADLINE, speaker)] * quotes


def test_a_comma_after_a_name_is_a_headline_only_where_a_headline_starts() -> None:
    assert [s.mode for s in found("ソレル氏、「減税は必ず実行する」")] == [HEADLINE]
    got = found("会見を終えた直後、ソレル氏、「減税は必ず実行する」")
    assert all(s.mode != HEADLINE for s in got), got


def test_a_work_before_a_bracket_is_no_headline_speaker() -> None:
    assert found("ドラマ「海辺のひまわり」 続編の制作決定") == []
    assert found("オルダニア「ABC」 新ブランド発表") == []  # no words said


def test_a_suspect_quoted_with_a_verb_of_testimony() -> None:
    s = one("警察によりますと、逮捕された男は「生活に困っていた」と供述しているということです。")
    assert (s.mode, s.speaker, s.cue) == (DIRECT, "逮捕された男", "供述しました")
    s = one("社長は会見で「多大なご迷惑をおかけした」と陳謝しました。")
    assert s.cue == "陳謝しました"
    # Short words of someone unnamed are speech when a verb of testimony closes them.
    assert [s.mode for s in found("目撃した人は「大きな音がした」と証言しています。")] == [DIRECT]


def test_a_bracket_naming_a_title_is_not_speech() -> None:
    got = found("カリム報道官は、「湾岸の安全」と題した報告書について、根拠がないと非難しました。")
    assert [(s.mode, s.speaker) for s in got] == [(REPORTED, "カリム報道官")]
    assert found("支援者らは「勝利」と書かれた旗を掲げました。") == []


def test_a_subject_heading_a_relative_clause_before_the_quote_is_not_the_speaker() -> None:
    got = found("ロア外相は9日、会見を開きました。",
                "この中で、ベント首相が発表した復興計画について「財源の裏付けがない」と述べました。")
    assert [(s.speaker, s.inferred) for s in got] == [("ロア外相", True)]
    # With no clause between, the subject speaks.
    s = one("ベント首相が、復興計画について「財源は確保した」と述べました。")
    assert s.speaker == "ベント首相"


def test_a_quote_said_by_the_next_sentence() -> None:
    s = one("「最後の一人まで捜す」。ロサ知事は10日、被災地を視察したあと、こう語りました。")
    assert (s.mode, s.speaker, s.cue, s.text) == (DIRECT, "ロサ知事", "語りました", "最後の一人まで捜す")


@pytest.mark.parametrize(("text", "speaker", "cue", "starts"), [
    ("サンテラ国防省は4日、北部の基地を奪還したと発表。", "サンテラ国防省", "発表しました", "北部の基地"),
    ("トルエ外相は、協議を月内に再開すると明らかに。", "トルエ外相", "明らかにしました", "協議を月内"),
    # A headline or an item opening with its subject and a comma.
    ("サンテラ国防省、北部の基地を奪還したと発表 隣国は否定", "サンテラ国防省", "発表しました", "北部の基地"),
    ("4. オルダニアのベント首相、来月にも内閣を改造する方針と表明", "ベント首相", "表明しました", "来月にも"),
])
def test_reported_speech_stopping_at_the_noun(text: str, speaker: str, cue: str,
                                              starts: str) -> None:
    s = one(text)
    assert (s.mode, s.speaker, s.cue) == (REPORTED, speaker, cue)
    assert s.text.startswith(starts), s.text


def test_a_quote_closed_by_a_noun_stop_has_its_cue() -> None:
    s = one("ベント首相は「増税はしない」と強調。")
    assert (s.mode, s.cue) == (DIRECT, "強調しました")


@pytest.mark.parametrize(("text", "speaker", "mode"), [
    # A company named in hiragana before its trade, in a headline and as an owner.
    ("つばめ航空社長「運航の再開を急ぐ」 機材トラブルで会見", "つばめ航空社長", HEADLINE),
    ("つばめ航空「点検の手順を改める」", "つばめ航空", HEADLINE),
    ("つばめ航空の広報担当者は、欠航した便の乗客は全員が振り替えを済ませたと説明しました。",
     "つばめ航空の広報担当者", REPORTED),
    # Titles and people of a story, and a public office that speaks.
    ("北浜漁業協同組合の三宅組合長は、今年の出荷は半分ほどになる見通しだと語りました。",
     "三宅組合長", REPORTED),
    ("運輸安全委員会の調査官は、機体の整備に問題はなかったとみられると述べました。",
     "運輸安全委員会の調査官", REPORTED),
    ("高潮被害の漁業者「船も網も失った」", "高潮被害の漁業者", HEADLINE),
    ("西浜県の水産試験場は、水温は来週には平年並みに戻る見込みだと説明しました。", "水産試験場",
     REPORTED),
])
def test_speakers_added_on_dev6(text: str, speaker: str, mode: str) -> None:
    s = one(text)
    assert (s.mode, s.speaker) == (mode, speaker)
