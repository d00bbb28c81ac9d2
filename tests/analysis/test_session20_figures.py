"""Figure rules added in session 20 (issue 22), on invented sentences: each fails without its rule."""

from __future__ import annotations

import pytest

from kirinuki.analysis.figures import extract_figures


@pytest.mark.parametrize(("text", "want"), [
    # More currencies are counters.
    ("見舞金は1人あたり200万ディナールに引き上げられます。", [(2000000, "ディナール", "+")]),
    ("政府は、復旧のため3億ペソの予算を組みました。", [(300000000, "ペソ", "+")]),
    ("輸出額は120億ルピーでした。", [(12000000000, "ルピー", "+")]),
    # `低い` after a figure is a decrease.
    ("最低気温は、前の日より3.4度低い2.1度でした。", [(-3.4, "度", "-"), (2.1, "度", "+")]),
    # A disinfectant's キロ is its weight.
    ("倉庫には、塩素系の漂白剤約30キロが保管されていました。", [(30, "kg", "+")]),
    # A window ahead (`今後20年で`) and a school year (`3年生`) are no figures.
    ("試算では、堤防の補強には今後20年で900億円が必要です。", [(90000000000, "円", "+")]),
    ("けがをしたのは、3年生が2人でした。", [(2, "人", "+")]),
])
def test_session20_figures(text: str, want: list[tuple[float, str, str]]) -> None:
    assert [(f.value, f.counter, f.sign) for f in extract_figures(text)] == want


def found(text: str) -> list[tuple[float, str, str]]:
    return [(float(f.value), f.counter, f.sign) for f in extract_figures(text)]


# Studied on dev8 and the figure misses of dev5 and dev6 (the speakers helper).
@pytest.mark.parametrize(("text", "figures"), [
    # An amount lower than another (`…より4.1度低い`) is a decrease; the level after it is not.
    ("19日は、最低気温が前の日より4.1度低い3.2度まで下がりました。",
     [(-4.1, "度", "-"), (3.2, "度", "+")]),
    ("株価指数は、前の日より2.4%低い水準で取引を終えました。", [(-2.4, "%", "-")]),
    # Currencies other than the few known before are units.
    ("補助金は、1世帯あたり120万ペソに増やされます。", [(1200000.0, "ペソ", "+")]),
    ("政府は、復興に8億ディナールを充てると発表しました。", [(800000000.0, "ディナール", "+")]),
    ("押収された拳銃は37丁でした。", [(37.0, "丁", "+")]),
    # A bare キロ of a substance weighs: before it (`薬剤およそ30キロ`) or after (`20キロの大麻`).
    ("倉庫からは、除草剤およそ30キロが見つかりました。", [(30.0, "kg", "+")]),
    ("警察は、20キロの大麻を押収しました。", [(20.0, "kg", "+")]),
    ("現場は、港から南におよそ20キロの海上です。", [(20.0, "km", "+")]),
    # A school year (`3年生`), an averaging window (`7日間平均`), an age bound naming a group
    # (`12歳未満が`) are no figures; the low end of a range takes its high end's counter.
    ("けがをしたのは、▽3年生が4人、▽5年生が2人です。", [(4.0, "人", "+"), (2.0, "人", "+")]),
    ("コメの価格の7日間平均は、5%上がりました。", [(5.0, "%", "+")]),
    ("感染したのは、12歳未満が8人、12歳以上が5人です。", [(8.0, "人", "+"), (5.0, "人", "+")]),
    ("捜索には、毎日300～400人が加わっています。", [(300.0, "人", "+"), (400.0, "人", "+")]),
])
def test_session20_figures_dev8(text: str, figures: list[tuple[float, str, str]]) -> None:
    assert found(text) == figures


# Studied on dev9 (the speakers helper).
@pytest.mark.parametrize(("text", "figures"), [
    # A flight's number is no count of flights; a count of flights is.
    ("ベルナ航空205便には乗客90人が乗っていました。", [(90.0, "人", "+")]),
    ("205便の機長は、管制に緊急事態を伝えました。", []),
    ("悪天候で、合わせて64便が欠航しました。", [(64.0, "便", "+")]),
    # Areas, volumes and statues are units.
    ("火事で、木造の本堂およそ450平方メートルが焼けました。", [(450.0, "平方メートル", "+")]),
    ("川から1万2000立方メートルの土砂が取り除かれました。", [(12000.0, "立方メートル", "+")]),
    ("仏像のうち、5体が焼けました。", [(5.0, "体", "+")]),
    # One unit before `＝` and its price is a denominator.
    ("原油の先物価格は、1バレル＝81.5ドルで取引を終えました。", [(81.5, "ドル", "+")]),
    # A window a later figure is counted in, or named by its year (`去年1年間`), is no figure.
    ("寄付は5日間で8000万円を超えました。", [(80000000.0, "円", "+")]),
    ("去年1年間の赤字は、120億円でした。", [(12000000000.0, "円", "+")]),
    ("停電は3日間続きました。", [(3.0, "日間", "+")]),
    # A fall told in English.
    ("Shares of the airline fell 7.5% on Tuesday.", [(-7.5, "%", "-")]),
])
def test_session20_figures_dev9(text: str, figures: list[tuple[float, str, str]]) -> None:
    assert found(text) == figures


# Studied on invented sentences in issue 22's shapes (the speakers helper).
@pytest.mark.parametrize(("text", "figures"), [
    # A seismic intensity is no count of what follows it (`震度4の揺れ`); `434の建物` is.
    ("午後3時半ごろ、震度4の揺れを観測しました。", []),
    ("地震で、434の建物が壊れました。", [(434.0, "建物", "+")]),
    # The amount of a cut is a decrease (`0.25%引き下げ`, `46%削減`); a level cut to is not.
    ("中央銀行は、金利を0.25%引き下げました。", [(-0.25, "%", "-")]),
    ("排出量を46%削減する目標です。", [(-46.0, "%", "-")]),
    ("賠償額を9億ドルから6億ドルに引き下げました。", [(900000000.0, "ドル", "+"), (600000000.0, "ドル", "+")]),
    # A figure told as a minus or a fall after `の` (`0.4%のマイナス成長`, `2割の減収`), or a fall
    # in a market report (`120円安の3万8000円`); a low or a weak yen is no fall (`…円の円安`).
    ("GDPは年率で0.4%のマイナス成長でした。", [(-0.4, "%", "-")]),
    ("営業利益は前年同期比で2割の減収でした。", [(-2.0, "割", "-")]),
    ("終値は前日比120円安の3万8000円でした。", [(-120.0, "円", "-"), (38000.0, "円", "+")]),
    ("円相場は1ドル＝150円の円安水準です。", [(150.0, "円", "+")]),
])
def test_session20_figures_probe(text: str, figures: list[tuple[float, str, str]]) -> None:
    assert found(text) == figures
