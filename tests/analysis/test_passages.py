"""Duplicates, versions and background as issue 22 defines them (sentence-level rules), and the
development part of the labelled set (tests/analysis/data/eval/dev)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from analysis_data import kind

from kirinuki.analysis.duplicates import BACKGROUND, DUPLICATE, VERSION, prepare
from kirinuki.analysis.groups import Item, relate

DEV = Path(__file__).resolve().parent / "data" / "eval" / "dev"




LEAD_1 = ("ミレア州の山火事で、州の消防当局によりますと、これまでに8人が死亡し、およそ1200棟の"
          "建物が焼けたということです。")
LEAD_2 = "ミレア州の山火事について、州の消防当局は9日、死者が19人に増え、焼けた建物はおよそ2600棟に上ると発表しました。"
SHARED = "ミレア州では、この30年で最も雨の少ない冬が続き、森林が乾燥しきっていました。"


@pytest.mark.parametrize(("a", "b", "expected"), [
    # Two updates of one lead: wording and date changed, figures updated.
    (LEAD_1, LEAD_2, VERSION),
    # A template about another place: not an update.
    (LEAD_1, LEAD_1.replace("ミレア州", "コルサ州").replace("8人", "2人"), None),
    # One report's paragraphs of one day: other facts.
    ("消防当局は9日、州の北部で新たに住宅40棟が焼けたと発表しました。",
     "消防当局は9日、州の南部で消防士3人がけがをしたと発表しました。", None),
    # A sentence reused inside two paragraphs, each with content of its own.
    ("州政府は9日、非常事態を宣言しました。" + SHARED, SHARED + "専門家は、乾燥は春まで続くとみています。",
     BACKGROUND),
    # The same paragraph with a sentence added by the update.
    ("州政府は9日、非常事態を宣言しました。", "州政府は9日、非常事態を宣言しました。連邦政府も支援を決めました。",
     VERSION),
    # One template told of two days, of two sources, of other facts, of another month.
    ("ボルスクで暴動が長期化していることを受けて、国連難民高等弁務官事務所は25日、700人が避難したと発表しました。",
     "ボルスクで暴動が激しさを増したことを受けて、国防省は20日、8000人が避難したと発表しました。", None),
    ("ボルスクで地震が首都に及んだことを受けて、赤十字国際委員会は5日、2800人がけがをしたと発表しました。",
     "ボルスクでストライキが長期化していることを受けて、赤十字国際委員会は13日、3900人が拘束されたと発表しました。",
     None),
    ("ボルスクとミレアの首脳会談は10月7日に首都で開かれることが決まり、経済制裁が主な議題となる見通しです。",
     "ボルスクとミレアの首脳会談は2月3日に首都で開かれる予定で、国境の画定が議題となる見通しです。", None),
    # Each guard alone: the same day, another source, other facts, another month.
    ("ミレア州の消防当局は9日、北部の森林火災で住民2人が死亡したと発表しました。",
     "ミレア州の消防当局は9日、南部の町で起きた別の火災でも、高齢の夫婦など3人が亡くなったことを"
     "明らかにしました。", None),
    ("ボルスクで暴動が長期化していることを受けて、国連難民高等弁務官事務所は25日、700人が避難したと発表しました。",
     "ボルスクで長期化している暴動について、国防省は20日、これまでに市民8000人が避難したと発表しました。", None),
    ("ボルスクの地震について、赤十字国際委員会は5日、2800人がけがをしたと発表しました。",
     "ボルスクで続くストライキで、赤十字国際委員会は13日、警察に3900人が拘束されたと明らかにしました。", None),
    ("ミレアとボルスクの首脳会談は10月7日に首都で開かれることが決まりました。",
     "ミレアとボルスクは、2月3日に首脳会談を首都で開く予定で、国境の画定などを話し合う見通しです。", None),
    # One sentence told of two statements: not a reused sentence.
    ("NATOは7日、臨時の外相会合を開きました。会合のあとの記者会見で、NATOのストルテンベルグ事務総長は"
     "「対話には誠意をもって応じる」と述べ、ロシアをけん制しました。",
     "ロシアは8日、国境付近で大規模な演習を始めました。会合のあとの記者会見で、NATOのストルテンベルグ"
     "事務総長は「いかなる譲歩もしない」と述べ、ロシアをけん制しました。", None),
    ("首相は「対話の扉は開いている。責任は相手側にある」と述べ、協議の継続に意欲を示しました。",
     "外相は「制裁は緩めない。責任は相手側にある」と述べ、協議の継続に意欲を示しました。", None),
    # Sentences end outside quotes: a quote's last words are no shared sentence.
    ("首相は「話し合いの扉は開いている。あとは相手の決断しだいだ」と述べ、協議の継続に意欲を示しました。",
     "外相は「制裁を緩めるつもりはない。責任は相手側にある」と述べ、協議の継続に意欲を示しました。", None),
    # Running counts and live-blog days are other occurrences, not versions.
    ("ミレア州で確認された山火事は、ことしこれで12件目です。",
     "ミレア州で確認された山火事は、ことしこれで15件目です。", None),
    ("【随時更新】ミレア州の山火事（9日の動き）", "【随時更新】ミレア州の山火事（10日の動き）", None),
    ("中央銀行は9日、政策金利を0.25%引き上げると発表しました。利上げは3会合連続です。",
     "中央銀行は23日、政策金利を0.5%引き上げると発表しました。利上げは4会合連続です。", None),
    # A translator's item renumbered, a site name after a headline: the same passage.
    ("3. 政府軍は州都の空港を奪還したと主張している。", "5）政府軍は州都の空港を奪還したと主張している。", DUPLICATE),
    ("ミレア州の山火事 死者19人に - 架空ニュース", "ミレア州の山火事 死者19人に", DUPLICATE),
])
def test_issue_22_kinds(a: str, b: str, expected: str | None) -> None:
    assert kind(a, b) == expected


CLOSING = "気象台は、なだれや屋根からの落雪にも注意するよう呼びかけています。"


@pytest.mark.parametrize(("a", "b", "expected"), [
    # The same sentences reordered, a figure updated: a version, not a sentence reused.
    ("ミレア州で9日に山火事が起き、州政府は非常事態を宣言しました。住民およそ3000人のうち、1200人が避難しました。",
     "住民およそ3000人のうち、これまでに2500人が避難しました。ミレア州では9日に山火事が起き、州政府は非常事態を"
     "宣言しています。", VERSION),
    # A plan reported as done (the same named things): a version; an ongoing demand is not
    # (one sentence lightly reworded: background).
    ("ミレア州政府は、住民の帰還に向けて、調査団を現地に派遣することを決め、調査団は12日に出発する予定です。",
     "ミレア州政府は、住民の帰還に向けて、調査団を現地に派遣し、調査団は12日夜、現地に到着しました。", VERSION),
    ("ミレア州政府は、住民の帰還に向けて、来週にも調査団を派遣する予定で、連邦政府に支援を求めています。",
     "ミレア州政府は、住民の帰還に向けて、調査団の派遣を急ぐとともに、連邦政府に早急な支援を求めています。",
     BACKGROUND),
    # One day's event, a count of the same people updated: a version.
    ("警察によりますと、ミレア州の州都で8日午後、爆発があり、警備員2人がけがをしたということです。",
     "ミレア州の州都で8日午後に起きた爆発で、地元の警察は、けがをした警備員は5人になったと発表しました。", VERSION),
    # The same day, counts of other people: other facts.
    ("反政府勢力は20日、政府軍の基地を攻撃し、兵士6人を殺害したと主張しました。",
     "反政府勢力は20日、政府軍が市街地を砲撃し、子ども4人が死亡したと主張しました。", None),
    # A figure added to a lead with no place in it (an organisation in common): a version.
    ("厚生労働省によりますと、薬が手に入らなかった患者は、先月、全国の薬局でおよそ8000人に上りました。",
     "厚生労働省によりますと、薬が手に入らなかった患者は、全国の薬局で先月およそ8000人、今月は20日までに"
     "およそ6000人に上っています。", VERSION),
    # One count put for another, or a template with two words put for others: not versions.
    ("業界団体の調査では、出荷を制限している医薬品は、先月末の時点で2900品目に上ります。",
     "業界団体の調査では、出荷を停止している医薬品は、先月末の時点で310品目に上ります。", None),
    ("ミレア湖の周辺で続く大雨で、地元当局によりますと、これまでに6人が死亡し、およそ900人が避難しているということです。",
     "ボルス川の流域で続く大雨で、地元当局によりますと、これまでに2人が死亡し、およそ300人が避難しているということです。",
     None),
    ("ミレアの気象局によりますと、北海道の名寄では、けさの最低気温が氷点下18.5度と、この冬一番の冷え込みとなりました。",
     "ミレアの気象局によりますと、長野県の野辺山では、けさの最低気温が氷点下12.3度と、この冬一番の冷え込みとなりました。",
     None),
    # One source, other counters: other facts, not a count updated.
    ("ミレア州の山火事で、州の消防当局によりますと、これまでに住宅など860棟が焼けたということです。",
     "ミレア州の山火事で、州の消防当局によりますと、消火活動中の消防隊員2人がけがをしたということです。", None),
    # A short closing sentence reused in two long paragraphs: background.
    ("低気圧は、中心の気圧が964ヘクトパスカルまで下がり、最大瞬間風速が40メートルに達するおそれがあります。" + CLOSING,
     "市内のすべての小中学校が、あすは休校となりました。" + CLOSING, BACKGROUND),
])
def test_issue_22_kinds_session_9(a: str, b: str, expected: str | None) -> None:
    assert kind(a, b) == expected


def test_leads_weeks_apart_are_another_development() -> None:
    day = datetime(2024, 7, 9)
    first = Item(1, LEAD_1, when=day)
    for gap, expected in ((2, VERSION), (40, None)):
        later = Item(2, LEAD_2, when=day + timedelta(days=gap))
        link = relate(first, prepare(LEAD_1), later, prepare(LEAD_2))
        assert (link.match.kind if link else None) == expected, gap


def _dev(name: str) -> list[dict]:
    path = DEV / name
    if not path.exists():
        pytest.skip("tests/analysis/data/eval/dev is not present")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_dev_pairs_precision_and_recall() -> None:
    """The development part (tuned on): precision and recall ≥ 0.95 for each kind."""
    pairs = _dev("pairs.jsonl")
    predicted = [(p["label"], kind(p["a"], p["b"]) or "unrelated") for p in pairs]
    for label in (DUPLICATE, VERSION, BACKGROUND):
        tp = sum(1 for g, p in predicted if g == p == label)
        precision = tp / max(1, sum(1 for _, p in predicted if p == label))
        recall = tp / max(1, sum(1 for g, _ in predicted if g == label))
        assert precision >= 0.95 and recall >= 0.95, (label, precision, recall)
