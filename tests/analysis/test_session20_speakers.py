"""Statement rules added in session 20 by the speakers helper (issue 22, studied on dev8), each
on invented sentences: a case that fails without its rule, and one it must leave alone."""

from __future__ import annotations

import pytest

from kirinuki.analysis.statements import DIRECT, HEADLINE, REPORTED, extract_statements


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



@pytest.mark.parametrize(("text", "want"), [
    # Another deed of the speaker before what was said (`…したうえで、`).
    ("ロメロ首相は、住民に見舞いの言葉を述べたうえで、仮設住宅の建設を急ぐと述べました。",
     [(REPORTED, "ロメロ首相", "仮設住宅の建設を", "述べました")]),
    # An English quote: its speaker after `と、`, or in `…はこう述べた` after a space.
    ("“We will rebuild the bridge,” と、ハルト運輸相は記者団に語った。",
     [(DIRECT, "ハルト運輸相", "We will ", "語りました")]),
    ("“The port is open again,” ソレン港湾局長は声明でこう述べた。",
     [(DIRECT, "ソレン港湾局長", "The port", "述べました")]),
    # A quote standing as a sentence, `…こう嘆きました`; a cleft `…と話すのは、…だ`.
    ("「客が半分に減った」。近くの食堂の店主は、こう嘆きました。",
     [(DIRECT, "食堂の店主", "客が半分に減った", "嘆きました")]),
    ("「毎日ここに来るのが楽しみだ」と話すのは、近くに住む70代の男性だ。",
     [(DIRECT, "70代の男性", "毎日ここに来るの", "")]),
    # A headline's second part opening with the quote, its speaker after it.
    ("北岬鉄道、運賃の値上げを発表　「苦渋の決断」と社長", [(HEADLINE, "社長", "苦渋の決断", "")]),
    # `…側は`, a temple and its priest speak.
    ("組合側は、賃上げ幅が物価の上昇に届かないと主張しています。",
     [(REPORTED, "組合", "賃上げ幅が物価の", "主張しました")]),
    ("光明寺は、秋の祭りを今年は取りやめると発表しました。",
     [(REPORTED, "光明寺", "秋の祭りを今年は", "発表しました")]),
    ("高田住職「必ず元の姿に戻す」", [(HEADLINE, "高田住職", "必ず元の姿に戻す", "")]),
    # A paper reporting a testimony quoted (`…と証言したと報じました`), its page a preamble.
    ("ベルナ・タイムズは10日付けの紙面で、元幹部が「指示は上から来た」と証言したと報じました。",
     [(REPORTED, "ベルナ・タイムズ", "元幹部が「指示は", "報じました"),
      (DIRECT, "元幹部", "指示は上から来た", "証言しました")]),
])
def test_dev9_shapes(text: str, want: list[tuple[str, str, str, str]]) -> None:
    """Shapes studied on dev9: wire items, English quotes, clefts, temples, `…側`."""
    got = [(s.mode, s.speaker, s.text[:8], s.cue) for s in extract_statements([text])]
    assert got == want


@pytest.mark.parametrize(("paragraphs", "want"), [
    # A family name with `氏` is the person named in full before (`・` between the names).
    (["情報庁のマルタ・セドラク次長は、改革を急ぐ考えを示しました。",
      "セドラク氏は、監査の結果を来月公表すると述べました。"],
     ["マルタ・セドラク次長", "マルタ・セドラク次長"]),
    # `同庁` is the office last named with that suffix.
    (["港湾庁の発表によると、岸壁に大きな損傷はなかった。", "同庁は、来週から船の受け入れを再開するとしている。"],
     ["港湾庁"]),
    # A member told apart by a clause keeps it (`首相に近い議員`), and `漏らしている` is a cue.
    (["首相に近い議員が「説明が足りなかった」と漏らしている。"], ["首相に近い議員"]),
])
def test_speakers_named_before(paragraphs: list[str], want: list[str]) -> None:
    assert [s.speaker for s in extract_statements(paragraphs)] == want


def test_a_sigh_is_a_cue() -> None:
    got = extract_statements(["首相に近い議員が「説明が足りなかった」と漏らしている。"])
    assert [s.cue for s in got] == ["漏らしました"]


@pytest.mark.parametrize(("text", "want"), [
    # A report holding a quote closed by a verb going on (`…と供述している`): the police's.
    ("警察は、男が「金に困ってやった」と供述していることを明らかにしました。",
     [(REPORTED, "警察", "男が「金に困って", "明らかにしました"), (DIRECT, "男", "金に困ってやった", "供述しました")]),
    # Full-width commas and periods (`，` `．`) end a quote's cue and a sentence like `、` `。`.
    ("ベルカのロダン大統領は18日，演説で「屈することはない」と述べ，部隊を増派する考えを示しました．",
     [(DIRECT, "ロダン大統領", "屈することはない", "述べました"),
      (REPORTED, "ロダン大統領", "部隊を増派する", "考えを示しました")]),
])
def test_spans_after_a_quote(text: str, want: list[tuple[str, str, str, str]]) -> None:
    """No reported span opens with a quote's closing bracket (`」と述べ，…`)."""
    assert [(s.mode, s.speaker, s.text[:8], s.cue) for s in extract_statements([text])] == want


def test_a_decimal_point_is_no_period() -> None:
    got = extract_statements(["ソルム中央銀行は２０日、政策金利を０．５％引き下げると発表しました。"])
    assert [(s.speaker, s.text) for s in got] == [("ソルム中央銀行", "政策金利を０．５％引き下げる")]


@pytest.mark.parametrize(("text", "want"), [
    # A headline opening with the quote, its speaker and the occasion after it.
    ("「国民の信頼を取り戻す」 新総裁が会見", [(HEADLINE, "新総裁", "国民の信頼を取り")]),
    ("「戦争を終わらせる」ベイカー氏が就任演説", [(HEADLINE, "ベイカー氏", "戦争を終わらせる")]),
    # A report (`報告書で、`) is the occasion, not what was said.
    ("シンクタンク「海洋政策研究所」も報告書で、漁獲量は今後も減るとしています。",
     [(REPORTED, "海洋政策研究所", "漁獲量は今後も減")]),
    # A news agency named `…ニュース` reports.
    ("韓国の聯合ニュースは、北朝鮮が弾道ミサイル1発を発射したと伝えました。",
     [(REPORTED, "聯合ニュース", "北朝鮮が弾道ミサ")]),
])
def test_headline_occasions_and_agencies(text: str, want: list[tuple[str, str, str]]) -> None:
    assert found(text) == want


@pytest.mark.parametrize(("text", "speaker", "quoted"), [
    # The speaker glued to the occasion (`首相会見「…」`), a mark in angle brackets before it,
    # and a verb of saying after a quote opening the headline (`「…」国連総長が訴え`).
    ("【中継】知事会見「県民の安全が第一」", "知事", "県民の安全が第一"),
    ("＜速報＞外相「断固抗議する」", "外相", "断固抗議する"),
    ("「すぐに停戦を」赤十字総裁が訴え", "赤十字総裁", "すぐに停戦を"),
])
def test_more_headlines(text: str, speaker: str, quoted: str) -> None:
    assert [(s.mode, s.speaker, s.text) for s in extract_statements([text])] == [
        (HEADLINE, speaker, quoted)]


def test_a_side_opening_after_a_connective_speaks() -> None:
    # `これに対し、` is a lead, and `X側` looks like a name as `X` does.
    assert found("これに対し、ベルカ側は、攻撃は挑発への対応だと主張しています。") == [
        (REPORTED, "ベルカ側", "攻撃は挑発への対")]
