"""Statement rules added in session 20 (issue 22): headline forms, each on invented headlines
that fail without its rule, and lines the rules must leave alone."""

from __future__ import annotations

import pytest

from kirinuki.analysis.statements import HEADLINE, extract_statements


@pytest.mark.parametrize(("text", "speaker", "quoted"), [
    # The speaker, a comma, then what the quote is about with kana in it, or whom it is told to.
    ("日銀総裁、追加利上げ「データ次第」", "日銀総裁", "データ次第"),
    ("米国務長官、中国に「深刻な懸念」伝える", "米国務長官", "深刻な懸念"),
    # The speaker, then the occasion of the words.
    ("官房長官が会見「北の発射は暴挙」", "官房長官", "北の発射は暴挙"),
    ("国連総長が声明「直ちに戦闘停止を」", "国連総長", "直ちに戦闘停止を"),
    # The quote opening the headline, its speaker after it.
    ("「国民の命を守り抜く」 岸田首相", "岸田首相", "国民の命を守り抜く"),
    ("「断じて容認できない」と官房長官", "官房長官", "断じて容認できない"),
    ("【速報】「断じて容認できない」 官房長官 北の発射で", "官房長官", "断じて容認できない"),
])
def test_headline_forms(text: str, speaker: str, quoted: str) -> None:
    got = extract_statements([text])
    assert [(s.mode, s.speaker, s.text) for s in got] == [(HEADLINE, speaker, quoted)]


@pytest.mark.parametrize("text", [
    "「こんにちは」 店主の声が響く",  # no speaker's name after the quote
    "「安全」とされた地域でも被害",  # a term
])
def test_no_headline_speaker_after_a_quote(text: str) -> None:
    assert [s for s in extract_statements([text]) if s.speaker] == []


@pytest.mark.parametrize(("text", "speaker", "quoted"), [
    # An association named in brackets opening the sentence is its subject, not a quote.
    ("「北浜町被害者家族会」は声明を出し、町の説明について「納得できない」と反発しました。",
     "北浜町被害者家族会", "納得できない"),
    # A person of an organisation named in brackets (`「…」の代表は`).
    ("市民団体「海辺を守る会」の代表は「工事は止めるべきだ」と訴えました。",
     "海辺を守る会の代表", "工事は止めるべきだ"),
])
def test_bracketed_organisations(text: str, speaker: str, quoted: str) -> None:
    got = extract_statements([text])
    assert [(s.speaker, s.text) for s in got] == [(speaker, quoted)]


def test_a_quote_with_its_cue_inside_reported_speech() -> None:
    # The agency reports what the president said, the quote and its cue included.
    text = "国営通信は、ロドリ大統領が9日、議会で「港の再建を急ぐ」と述べたと伝えました。"
    got = extract_statements([text])
    assert [(s.mode, s.speaker, text[s.start:s.start + 5]) for s in got] == [
        ("reported", "国営通信", "ロドリ大統"), ("direct", "ロドリ大統領", "港の再建を")]
