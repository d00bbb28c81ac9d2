"""Figures: number formats, counters, qualifiers, predicates; F1 on the labelled set."""

from __future__ import annotations

import pytest
from analysis_data import load_jsonl, score_figures
from hypothesis import given
from hypothesis import strategies as st

from kirinuki.analysis.figures import Figure, extract_figures, format_delta, japanese_number


def one(text: str) -> Figure:
    found = extract_figures(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(("text", "value", "counter"), [
    ("3800人以上を拘束", 3800, "人"),
    ("３８００人が参加", 3800, "人"),
    ("3,800人が避難", 3800, "人"),
    ("３，８００人が避難", 3800, "人"),
    ("1万2000人が避難", 12000, "人"),
    ("3.5億ドルの損失", 350_000_000, "ドル"),
    ("2億5000万ドルの支援", 250_000_000, "ドル"),
    ("450億円の赤字", 45_000_000_000, "円"),
    ("三千八百人を派遣", 3800, "人"),
    ("二十六人が死亡", 26, "人"),
    ("5千人余りを拘束", 5000, "人"),
    ("14カ国が参加", 14, "か国"),
    ("14ヶ国が参加", 14, "か国"),
    ("2.5%上昇", 2.5, "%"),
    ("2.5％上昇", 2.5, "%"),
    ("3か月続いた", 3, "か月"),
    ("およそ4分の1を占める", 0.25, ""),
])
def test_number_formats(text: str, value: float, counter: str) -> None:
    f = one(text)
    assert f.value == value
    assert f.counter == counter


@pytest.mark.parametrize(("text", "qualifier"), [
    ("3800人以上", "以上"), ("約3800人", "約"), ("およそ3800人", "約"), ("3800人超", "超"),
    ("3800人を超える", "超"), ("3800人未満", "未満"), ("3800人余り", "余り"),
    ("少なくとも3800人", "以上"), ("あわせて3800人", "計"), ("108円台", "台"),
])
def test_qualifiers(text: str, qualifier: str) -> None:
    assert one(text).qualifier == qualifier


@pytest.mark.parametrize(("text", "predicate"), [
    ("デモの参加者26人と治安当局者18人が死亡し", "死亡"),
    ("3800人以上を拘束した", "拘束"),
    ("死者は26人に上り", "死亡"),
    ("100人がけがをした", "負傷"),
    ("1万2000人が避難した", "避難"),
    ("被害額は少なくとも8億ドルに上る", "被害"),
    ("容疑者のうち3人は、すでに釈放された", "解放"),
])
def test_predicates(text: str, predicate: str) -> None:
    assert extract_figures(text)[0].predicate == predicate


@pytest.mark.parametrize("text", [
    "1月12日の協議", "2014年に侵攻", "7日、記者会見", "G7の首脳", "F35戦闘機", "第3回の会合",
    "2回目の協議", "午後3時から", "統一地方選挙", "一方で", "六本木で", "マグニチュード7.1",
])
def test_not_figures(text: str) -> None:
    assert extract_figures(text) == []


def test_surface_offsets_point_into_the_text() -> None:
    text = "内務省によりますと、３，８００人以上を拘束したということです。"
    f = one(text)
    assert text[f.start:f.end] == f.surface == "３，８００人以上"


def test_japanese_numbers_and_deltas() -> None:
    assert japanese_number(12000) == "1万2000"
    assert japanese_number(250_000_000) == "2億5000万"
    assert japanese_number(2.5) == "2.5"
    old, new = one("およそ35%に達した"), one("およそ44%に達した")
    assert format_delta(old, new) == "+9ポイント"
    assert format_delta(one("4400人"), one("3800人")) == "-600"


def test_labelled_set_f1() -> None:
    """Figure extraction F1 on tests/analysis/data/figures.jsonl (target ≥ 0.95)."""
    rows = load_jsonl("figures.jsonl")
    score = score_figures(rows)
    assert score.tp + score.fn >= 150
    assert score.f1 >= 0.95


@given(st.text(alphabet="0123456789０１２３万億兆千百十一二三人件円%以上約超、。のがをはドル第年月日", max_size=60))
def test_never_raises(text: str) -> None:
    for f in extract_figures(text):
        assert text[f.start:f.end] == f.surface


@pytest.mark.parametrize(("text", "surface", "value", "counter"), [
    ("物価はマイナス0.1%でした", "マイナス0.1%", -0.1, "%"),
    ("成長率は−0.3%でした", "−0.3%", -0.3, "%"),
    ("成長率は-0.3%でした", "-0.3%", -0.3, "%"),
    ("成長率は－0.3%でした", "－0.3%", -0.3, "%"),
    ("営業利益は▲1.2%", "▲1.2%", -1.2, "%"),
    ("売上高は前年比2%減でした", "2%", -2, "%"),
    ("出荷は3割減少しました", "3割", -3, "割"),
    ("プラス0.5%に転じました", "プラス0.5%", 0.5, "%"),
    ("前日より730円安い", "730円", -730, "円"),
    ("最低気温は氷点下18.9度", "氷点下18.9度", -18.9, "度"),
    ("前の月より0.1ポイント低下しました", "0.1ポイント", -0.1, "ポイント"),
    ("前回より4ポイント下がりました", "4ポイント", -4, "ポイント"),
    ("株価は6%下落しました", "6%", -6, "%"),
    ("前の年より6%少ない", "6%", -6, "%"),
])
def test_signs(text: str, surface: str, value: float, counter: str) -> None:
    f = one(text)
    assert (f.surface, f.value, f.counter, f.sign) == (surface, value, counter,
                                                       "-" if value < 0 else "+")


@pytest.mark.parametrize(("text", "value", "counter"), [
    ("体重は75キログラムでした", 75, "kg"),
    ("距離は75キロでした", 75, "km"),
    ("身長は180センチ", 180, "cm"),
    ("雨量は30ミリに達し", 30, "mm"),
    ("被ばく量は1ミリシーベルト", 1, "mSv"),
    ("容量は64ギガバイト", 64, "GB"),
    ("通信量は500メガバイト", 500, "MB"),
    ("3つの課題", 3, "つ"),
    ("三つの課題", 3, "つ"),
    ("434の建物が損壊し", 434, "建物"),
    ("12の旅団を投入し", 12, "旅団"),
    ("コメ10キロの価格", 10, "kg"),
    ("体重がおよそ200キロの雄", 200, "kg"),
    ("線幅が3ナノメートル", 3, "nm"),
    ("合わせて212便が欠航", 212, "便"),
    ("47万4717組でした", 474717, "組"),
])
def test_units_and_counters(text: str, value: float, counter: str) -> None:
    f = one(text)
    assert (f.value, f.counter) == (value, counter)


@pytest.mark.parametrize("text", ["女性の1人が話しました", "F-35が飛来", "2023-24年の予算",
                                  "レベル5の警戒", "国民1人当たりのGDP", "2か月続けて下落",
                                  "24時間に降った雪"])
def test_not_counts(text: str) -> None:
    assert extract_figures(text) == []


def test_a_level_after_a_fall_and_a_measurement_window() -> None:
    assert [(f.value, f.sign) for f in extract_figures("前日より730円安い3万8104円でした")] == [
        (-730, "-"), (38104, "+")]
    assert [(f.value, f.counter) for f in extract_figures("1時間に110ミリの猛烈な雨")] == [
        (110, "mm")]
    assert [(f.value, f.counter) for f in extract_figures("5キロあたり4260円")] == [
        (5, "km"), (4260, "円")]


def test_a_sign_that_changes_is_a_version_with_the_change_shown() -> None:
    from kirinuki.analysis.duplicates import VERSION, compare, prepare
    from kirinuki.analysis.versions import describe_change

    old = "先月の消費者物価指数は、前の年の同じ月と比べてマイナス0.1%でした。"
    for written in ("マイナス0.1%", "−0.1%", "▲0.1%"):
        a = old.replace("マイナス0.1%", written)
        b = old.replace("マイナス0.1%", "0.1%")
        m = compare(prepare(a), prepare(b))
        assert m is not None and m.kind == VERSION, written
        assert describe_change(a, b).describe() == f"%: {written} → 0.1% (+0.2ポイント)"
    assert compare(prepare(old), prepare(old.replace("マイナス", "−"))).kind == "duplicate"


def test_dev_figures_f1() -> None:
    """The development part of the labelled set (tuned on): F1 on (value, unit, sign) ≥ 0.95."""
    import json
    import sys
    from collections import Counter
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    path = root / "tests" / "analysis" / "data" / "eval" / "dev" / "figures.jsonl"
    if not path.exists():
        pytest.skip("tests/analysis/data/eval/dev is not present")
    sys.path.insert(0, str(root / "bench"))
    from eval_scoring import figure_keys, gold_figure_keys

    tp = fp = fn = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        gold, got = Counter(gold_figure_keys(row["figures"])), Counter(figure_keys(row["text"]))
        hit = gold & got
        tp, fp, fn = tp + sum(hit.values()), fp + sum((got - hit).values()), fn + sum(
            (gold - hit).values())
    assert tp + fn >= 130
    assert 2 * tp / (2 * tp + fp + fn) >= 0.95
