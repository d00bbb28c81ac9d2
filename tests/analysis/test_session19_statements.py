"""Statement rules added in session 19 (issue 22), each on invented sentences: a case that
fails without its rule, and where it matters a case the rule must leave alone."""

from __future__ import annotations

import pytest

from kirinuki.analysis.statements import DIRECT, HEADLINE, REPORTED, Statement, extract_statements


def one(*paragraphs: str) -> Statement:
    got = extract_statements(list(paragraphs))
    assert len(got) == 1, got
    return got[0]


@pytest.mark.parametrize(("text", "speaker", "quoted"), [
    # A headline's speaker, a comma, then what the quote is about.
    ("首相、解散「考えていない」", "首相", "考えていない"),
    ("【速報】森川知事、原発再稼働「同意できない」", "森川知事", "同意できない"),
    ("防衛省、領空侵犯「極めて遺憾」 抗議へ", "防衛省", "極めて遺憾"),
    # A list item's mark before the speaker is no part of the name.
    ("▽ソルム首相「停戦は近い」", "ソルム首相", "停戦は近い"),
    ("・ソルム首相「停戦は近い」", "ソルム首相", "停戦は近い"),
    ("■森川知事、原発再稼働「同意できない」", "森川知事", "同意できない"),
])
def test_a_headline_speaker_before_what_the_quote_is_about(
        text: str, speaker: str, quoted: str) -> None:
    s = one(text)
    assert (s.mode, s.speaker, s.text) == (HEADLINE, speaker, quoted)


def test_a_sentence_opening_with_a_comma_is_no_headline() -> None:
    # Prose: the topic speaks, the words after the comma are no speaker.
    s = one("また、防衛省は「極めて遺憾だ」と述べました。")
    assert (s.mode, s.speaker) == (DIRECT, "防衛省")


@pytest.mark.parametrize(("text", "speaker", "starts"), [
    # A topic of unknown kind right before a day acts on that day.
    # (What it is about is said since session 22, as dev10's and dev11's hands label it.)
    ("北斗光学は9日、工場の火災について、配線の不具合が原因だったと発表しました。", "北斗光学",
     "工場の火災に"),
    ("汐見町漁業振興会は14日、今季の漁を取りやめると発表しました。", "汐見町漁業振興会", "今季の漁を"),
    # A company by its trade (`化成`, `電子`, `精機`…).
    ("東栄化成は、周辺の住民に見舞金を支払うとしています。", "東栄化成", "周辺の住民"),
    ("かなめ電子は、新工場の稼働を来年に延期すると発表しました。", "かなめ電子", "新工場の稼"),
    # A company named in hiragana before a katakana word.
    ("ひかりカードは、流出した会員の情報が9万人分に上ると発表しました。", "ひかりカード", "流出した会"),
])
def test_reported_speech_of_a_company_or_body(text: str, speaker: str, starts: str) -> None:
    s = one(text)
    assert (s.mode, s.speaker) == (REPORTED, speaker)
    assert s.text.startswith(starts), s.text


@pytest.mark.parametrize(("text", "speaker"), [
    # Hiragana before a katakana name that name nothing: a connective, a demonstrative.
    ("これについてベルナ外相は「受け入れられない」と反発しました。", "ベルナ外相"),
    ("さらにロシアは、攻撃は正当だったと主張しました。", "ロシア"),
    # A trade at the start of a longer noun is no company's name (`ある電子部品メーカーの`).
    ("ある電子部品メーカーの担当者は「船の手配が難しい」と話しました。", "電子部品メーカーの担当者"),
])
def test_words_before_a_name_are_left_out(text: str, speaker: str) -> None:
    assert one(text).speaker == speaker


def test_a_label_whose_first_characters_come_earlier_too_is_matched() -> None:
    # The scoring of bench/eval_scoring.py: `starts` is also written in the speaker's phrase.
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from eval_scoring import match_statements, statements_of

    paragraphs = ["ベルナのソラン外相は電話会談で、ベルナの外交政策に変わりはないと伝えました。"]
    gold = [{"speaker": "ソラン外相", "starts": "ベルナの", "mode": "reported", "cue": "伝えました"}]
    [(_, got, right)] = match_statements(paragraphs, gold, statements_of(paragraphs))
    assert got is not None and got.text.startswith("ベルナの外交政策") and right


def test_a_tweets_headline_after_a_sentence() -> None:
    s = one("ザリエ橋崩落、死者12人に。運輸相「原因を徹底的に究明する」 https://t.co/Qw3rT5yU "
            "— 架空ワールド (@kakuu_world) June 3, 2025")
    assert (s.mode, s.speaker, s.text) == (HEADLINE, "運輸相", "原因を徹底的に究明する")


def test_a_common_noun_keeps_a_clause_of_eight_characters() -> None:
    s = one("説明会に出席した住民は、工場の再開は受け入れられないと語りました。")
    assert (s.mode, s.speaker) == (REPORTED, "説明会に出席した住民")


@pytest.mark.parametrize(("text", "speaker"), [
    # More titles: local assembly members, captains, heads of chambers and shops.
    ("森田市議「説明が足りない」", "森田市議"),
    ("佐藤主将「最後まで諦めない」", "佐藤主将"),
    ("山本会頭は、物価の上昇は続くと述べました。", "山本会頭"),
])
def test_more_titles(text: str, speaker: str) -> None:
    assert one(text).speaker == speaker
