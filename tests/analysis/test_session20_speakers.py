"""Statement rules added in session 20 by the speakers helper (issue 22, studied on dev8), each
on invented sentences: a case that fails without its rule, and one it must leave alone."""

from __future__ import annotations

from kirinuki.analysis.statements import DIRECT, REPORTED, extract_statements


def found(text: str) -> list[tuple[str, str, str]]:
    return [(s.mode, s.speaker, s.text[:8]) for s in extract_statements([text])]


def test_a_report_holding_a_quote_is_the_reporters() -> None:
    # `Xは、Yが「…」と述べたと伝えました`: X reports Y's words; both statements are kept.
    got = found("地元紙は、ノルデン首相が11日、議会で「年内に税制を見直す」と述べたと伝えました。")
    assert got == [(REPORTED, "地元紙", "ノルデン首相が1"), (DIRECT, "ノルデン首相", "年内に税制を見直")]
    # A quote said by the topic itself is no report of it.
    assert found("首相は「年内に税制を見直す」と述べたと伝えました。") == [
        (DIRECT, "首相", "年内に税制を見直")]


def test_an_organisation_in_brackets_opening_a_sentence_speaks() -> None:
    got = found("「川辺町PTA」は声明を出し、町が計画を説明しなかったことについて"
                "「住民の声を聞くべきだ」と批判しました。")
    assert got == [(DIRECT, "川辺町PTA", "住民の声を聞くべ")]
    # A quoted phrase with kana that opens a sentence is no name.
    assert [s.speaker for s in extract_statements(
        ["「安全な町」は市長の公約です。市長は「必ず実現する」と述べました。"])] == ["市長"]


def test_a_person_of_an_organisation_in_brackets() -> None:
    # `団体「…」の代表は「…」`: the representative speaks, the bracket is no headline quote.
    assert found("支援団体「みなみ風」の代表は「冬を越せない家族がいる」と訴えました。") == [
        (DIRECT, "みなみ風の代表", "冬を越せない家族")]
    # A person named with the title keeps the name as key (`ラシード報道官`).
    got = extract_statements(["武装組織「東部戦線」のカリム報道官は、停戦に応じる用意があると述べました。"])
    assert [(s.mode, s.speaker, s.speaker_key) for s in got] == [(REPORTED, "カリム報道官", "カリム")]
