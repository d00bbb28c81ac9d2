"""Versions and duplicates in shapes that recur across the hands of the labelled set (session
22, issue 22): each case is invented, in the shape of a miss of `heldout9` (retired this
session, never tuned on before) that other parts hold too."""

from __future__ import annotations

import pytest
from analysis_data import kind

from kirinuki.analysis.duplicates import DUPLICATE, VERSION, prepare
from kirinuki.analysis.headlines import _groups_counted
from kirinuki.analysis.plans import PLAN, for_now_ended, topic_named_in
from kirinuki.analysis.textnorm import arabic_counts, mask_digits, normalise


@pytest.mark.parametrize("dateline", ["【カレナ=ロイター】", "【カレナ＝ロイター】", "【ロイター】"])
def test_a_reuters_dateline_and_its_closing_mark_are_one_text(dateline: str) -> None:
    body = "ミレア政府は6日、干ばつの被害が広がっている南部の3つの州に非常事態を宣言した。"
    a = dateline + body
    b = body + "（ロイター）"
    assert normalise(a) == normalise(b)
    assert kind(a, b) == DUPLICATE


@pytest.mark.parametrize(("text", "expected"), [
    ("周辺の三百十世帯", "周辺の310世帯"),
    ("市内の二十八カ所", "市内の28カ所"),
    ("小中学校十二校", "小中学校12校"),
    # Not counts: a century, a department store.
    ("二十世紀の建物", "二十世紀の建物"),
    ("百貨店の売り上げ", "百貨店の売り上げ"),
])
def test_kanji_counts_of_households_places_and_schools(text: str, expected: str) -> None:
    assert arabic_counts(text) == expected


def test_a_household_count_in_kanji_numerals_updated_is_a_version() -> None:
    a = "土砂崩れの影響で、地区の百八十世帯で停電が続いています。"
    b = "土砂崩れの影響で、地区の420世帯で停電が続いています。"
    assert mask_digits(normalise(a)) == mask_digits(normalise(b))
    assert kind(a, b) == VERSION
    assert prepare(a).numbers == ("180",)


@pytest.mark.parametrize(("a", "b"), [
    # The move during the day measured from the day before's close, then the day's close.
    ("東湊重工の株価は、午前の取引で一時、前日の終値より240円安い3160円まで値下がりしました。",
     "東湊重工の株価は、11日の終値が前日より310円安い3090円となりました。"),
    # The day's opening told again before the close.
    ("東湊重工の株価は11日、取引開始直後から売り注文が相次ぎ、前の日と比べて一時、12%値下がりしました。",
     "東湊重工の株価は11日、取引開始直後から売り注文が相次ぎ、終値は前の日より15%安い2890円でした。"),
    # Both dated: the move measured from the day before's close, then the day's close.
    ("東湊重工の株価は11日、午前の取引で一時、前日の終値より240円安い3160円まで値下がりしました。",
     "東湊重工の株価は11日、終値が前日より310円安い3090円となりました。"),
    # The report of the close opening with the market and the day.
    ("東湊重工の株価は、11日午前の取引で一時、前日と比べて12%値下がりしました。",
     "11日の東京株式市場で、東湊重工の株価は一時12%値下がりし、終値は前日と比べて9%安い3100円でした。"),
])
def test_a_share_price_during_the_day_then_its_close_is_a_version(a: str, b: str) -> None:
    assert kind(a, b) == VERSION
    assert kind(b, a) == VERSION


def test_two_companies_share_prices_during_the_day_and_at_the_close_are_not() -> None:
    a = "東湊重工の株価は11日、取引開始直後から売り注文が相次ぎ、前の日と比べて一時、12%値下がりしました。"
    b = "西浜化学の株価は11日、取引開始直後から売り注文が相次ぎ、終値は前の日より15%安い2890円でした。"
    assert kind(a, b) is None


def test_two_days_closes_are_still_other_reports() -> None:
    a = "東湊重工の株価は、10日の終値が前日より120円安い3400円となりました。"
    b = "東湊重工の株価は、11日の終値が前日より310円安い3090円となりました。"
    assert kind(a, b) is None


@pytest.mark.parametrize(("a", "b"), [
    ("【随時更新】カレナ・ミレア外相会談（5日の動き）会談始まる",
     "【随時更新】カレナ・ミレア外相会談（5日の動き）漁業協定で合意"),
    ("【随時更新】ノルデ 大規模停電（12日の動き）　首都で信号消える 空港は閉鎖",
     "【随時更新】ノルデ 大規模停電（12日の動き）　8割で復旧と電力会社"),
])
def test_one_days_live_blog_headline_updated_is_a_version(a: str, b: str) -> None:
    assert kind(a, b) == VERSION
    assert kind(b, a) == VERSION


@pytest.mark.parametrize(("a", "b"), [
    # Another day's page of the same live blog.
    ("【随時更新】カレナ・ミレア外相会談（5日の動き）会談始まる",
     "【随時更新】カレナ・ミレア外相会談（6日の動き）共同声明を発表"),
    # Another live blog of the same day.
    ("【随時更新】カレナ・ミレア外相会談（5日の動き）会談始まる",
     "【随時更新】ノルデ 大規模停電（5日の動き）首都で信号消える"),
])
def test_other_days_or_other_live_blogs_are_not(a: str, b: str) -> None:
    assert kind(a, b) is None


SPREAD = "カレナの農業省は4日、北部で発生した野火による被害が、5つの州のおよそ2万4000ヘクタールに広がったと発表しました。"


def test_damage_said_to_have_spread_is_a_count_updated() -> None:
    a = ("【カレナ=ロイター】カレナ農業省は3日、北部の3つの州で野火が発生し、これまでに牧草地およそ"
         "1万ヘクタールが被害を受けたと発表した。")
    assert kind(a, SPREAD) == VERSION
    assert kind(SPREAD, a) == VERSION


def test_another_area_measured_is_no_spread_updated() -> None:
    # The ministry reports both; what it did over an area is not the damage spreading.
    b = "カレナの農業省は4日、消火剤の散布をこれまでに北部の2つの州のおよそ6000ヘクタールで終えたと発表しました。"
    assert kind(SPREAD, b) is None


@pytest.mark.parametrize(("a", "b"), [
    # An intention, its actor named again inside the report of it done.
    ("宮坂浩二会長は、第三者委員会の報告がまとまった段階で辞任する意向です。",
     "南陽化成は12日、第三者委員会の報告がまとまったことを受けて、宮坂浩二会長が12日付けで辞任したと発表しました。"),
])
def test_an_intention_reported_done_is_a_version(a: str, b: str) -> None:
    assert kind(a, b) == VERSION
    assert kind(b, a) == VERSION


def test_an_intention_is_a_plan_and_its_actor_may_be_named_inside_the_report() -> None:
    a = prepare("宮坂浩二会長は、第三者委員会の報告がまとまった段階で辞任する意向です。").sentences[0]
    b = prepare("南陽化成は12日、宮坂浩二会長が12日付けで辞任したと発表しました。").sentences[0]
    assert PLAN.search(a.folded)
    assert topic_named_in(a, b) and topic_named_in(b, a)
    c = prepare("南陽化成は12日、大野正樹社長が12日付けで辞任したと発表しました。").sentences[0]
    assert not topic_named_in(a, c)


def test_an_intention_of_another_person_is_not_done() -> None:
    a = "宮坂浩二会長は、第三者委員会の報告がまとまった段階で辞任する意向です。"
    b = "南陽化成は12日、第三者委員会の報告がまとまったことを受けて、大野正樹社長が12日付けで辞任したと発表しました。"
    assert kind(a, b) is None


@pytest.mark.parametrize(("a", "b"), [
    # One topic (`南浜市立水族館`), the deed (`休館`) named in the report of its end.
    ("南浜市立水族館は、当面、休館することを決めました。",
     "南浜市立水族館は、設備の故障を受けて休館していましたが、15日、3週間ぶりに営業を再開しました。"),
    # The same opening (`漁港の東側の岸壁`), the deed (`禁止`) named.
    ("漁港の東側の岸壁は、崩れた護岸の調査のため、当面の間、立ち入り禁止です。",
     "漁港の東側の岸壁の立ち入り禁止は、きょう正午に解除しました。"),
])
def test_a_state_for_the_time_being_then_ended_is_a_version(a: str, b: str) -> None:
    assert kind(a, b) == VERSION
    assert kind(b, a) == VERSION


def test_a_state_for_the_time_being_then_its_end_decided_is_not() -> None:
    # Two decisions of one office: to stop, and later to resume from a day ahead.
    a = "北嶺県は、8日から県内すべての魚市場での競りを当面中止することを決めました。"
    b = "北嶺県は、12月3日から県内の魚市場での競りを順次再開することを決めました。"
    assert kind(a, b) is None
    lifted = "北嶺県は、魚市場での競りの中止を、12月3日から順次解除することを決めました。"
    assert not for_now_ended(prepare(a).sentences[0], prepare(lifted).sentences[0])
    done = "北嶺県は、県内の魚市場での競りを中止していましたが、3日、順次再開しました。"
    assert for_now_ended(prepare(a).sentences[0], prepare(done).sentences[0])


def test_an_event_headline_then_counted_is_a_version() -> None:
    a = "【速報】北浜トンネルで天井板が落下　車が下敷きに　複数人と連絡取れず"
    b = "【続報】北浜トンネルで天井板が落下　車3台が下敷きに　2人死亡1人けが"
    assert kind(a, b) == VERSION
    assert kind(b, a) == VERSION


def test_headlines_sharing_only_their_first_group_are_not_counted_alike() -> None:
    # One story's event, then another fact of it: no other group in common (what the other
    # headline rules make of it is theirs).
    a = "【速報】北浜トンネルで天井板が落下　車が下敷きに　複数人と連絡取れず"
    b = "【続報】北浜トンネルで天井板が落下　管理会社が点検記録を公表　2年前に異常なし"
    assert not _groups_counted(a, b)
    assert _groups_counted(a, "【続報】北浜トンネルで天井板が落下　車3台が下敷きに　2人死亡1人けが")
