"""Session 17's rules: other things, periods and months told alike are no versions (each case is
invented; the dev parts hold more)."""

from __future__ import annotations

import pytest
from analysis_data import kind

from kirinuki.analysis.duplicates import BACKGROUND, VERSION
from kirinuki.analysis.others import other_thing_counted


@pytest.mark.parametrize(("a", "b", "expected"), [
    # Another measure of one company (`経常利益が` / `売り上げが`), all figures other: no update.
    ("ひばり化成の1年間の決算は、経常利益が前の年より7.5%増えて236億円でした。",
     "ひばり化成の1年間の決算は、売り上げが前の年より3.2%増えて4120億円でした。", None),
    # The same measure updated (a forecast revised) is still one.
    ("ひばり化成は、今年度の経常利益が前の年より7.5%増えて236億円になる見通しだと発表しました。",
     "ひばり化成は、今年度の経常利益が前の年より2.1%増えて218億円になる見通しだと発表しました。",
     VERSION),
    # Another person: an owner put before the one sentenced (`被告の元秘書の女に`).
    ("北浦地方裁判所は20日、三好健一被告に懲役6年の判決を言い渡しました。",
     "北浦地方裁判所は20日、三好健一被告の元秘書の女に懲役2年の判決を言い渡しました。", None),
    # Last year's half (`去年10月から12月まで`) against this year's told alike.
    ("あさひ電機の10月から12月までの決算は、最終利益が前の年の同じ時期より12.1%減って96億円でした。",
     "あさひ電機の去年10月から12月までの決算は、最終利益が前の年の同じ時期より3.4%増えて109億円でした。",
     None),
    # Another month's decision (`2月5日`) against this month's (`7日`), one bank told alike.
    ("テルマ中央銀行は7日、政策金利を0.25%引き下げて3.5%にすると発表しました。",
     "テルマ中央銀行は2月5日、政策金利を0.5%引き下げて3.75%にすると発表しました。", None),
    # Both dated this month, the rate revised a day later: still one decision updated.
    ("テルマ中央銀行は7日、政策金利を0.25%引き下げて3.5%にする方針を示しました。",
     "テルマ中央銀行は8日、政策金利を0.25%引き下げて3.5%にすると正式に発表しました。", VERSION),
    # A headline's toll updated (the dead and the missing told the other way round).
    ("北陸の豪雪 2人死亡5人不明", "北陸の豪雪 死者6人 行方不明は3人に", VERSION),
    # A tweet's headline, its link and sign-off aside, the toll updated under a shared name.
    ("【速報】ルセナ島に台風上陸 3人死亡 https://t.co/Ab3dEf — 架空速報 (@kakuu_sokuho) May 2, 2025",
     "ルセナ島 台風の死者11人に 2000人超が避難 https://t.co/Gh4iJk — 架空速報 (@kakuu_sokuho) May 3, 2025",
     VERSION),
    # Other events' tolls, nothing in common but the count's words: unrelated.
    ("北陸の豪雪 2人死亡5人不明", "九州の土砂崩れ 死者6人 行方不明は3人に", None),
    # A market's move during the day, then the day's close, under one opening.
    ("東証株価指数、一時40ポイント以上値上がり", "東証株価指数、終値は25ポイント高 2810", VERSION),
    # A count said to have fallen to a level (`…まで減った`), the same day, reworded.
    ("【港浜共同】港浜市は9日、大雨による停電が約6200戸で続いていると明らかにした。",
     "港浜市は9日夜、停電が続いている住宅が約2300戸まで減ったと発表しました。", VERSION),
    # A live headline's label (`【LIVE】`) is no word of the headline: a vote held, then its result.
    ("【LIVE】ルヴァン議会 首相の弾劾案を採決へ", "ルヴァン議会 首相の弾劾案を可決 賛成88", VERSION),
    # A toll told with no count yet, then counted.
    ("【速報】ミレト 花火大会で将棋倒し 多数の死傷者", "ミレト 花火大会の事故 死者14人に 警備に不備か", VERSION),
    # Other sections of one road (`…と…の間`), other states: no report retold with a count added.
    ("事故の影響で、南湖自動車道は上り線の北湖インターチェンジと湖南ジャンクションの間で通行止めが続いています。",
     "事故の影響で、南湖自動車道は下り線の湖南ジャンクションと東湖インターチェンジの間で、およそ6キロの渋滞が"
     "続いています。", None),
    # An English update and another tweet repeating only its background sentence: background.
    ("UPDATE: Death toll in Valdo hotel fire rises to 12. The hotel, with about 300 rooms, opened in 1985."
     " — Ana Ruiz (@aruiz_news) May 4, 2025",
     "Valdo mayor Silva pledges aid for fire survivors. The hotel, with about 300 rooms, opened in"
     " 1985. — Ana Ruiz (@aruiz_news) May 5, 2025", BACKGROUND),
    # One deed on other days for other things (`はしかの…北部に` / `洪水の…沿岸の州に`): two events.
    ("ロマーナ政府は12日、はしかの患者が急増している北部の県に非常事態を宣言しました。",
     "ロマーナ政府は19日、洪水の被害が広がっている沿岸の2つの州に非常事態を宣言しました。", None),
    # A plan with its time ahead (`来月下旬から`), then done in other words: the time is no word
    # of the deed.
    ("政府は、備蓄している小麦のうち8万トンを、来月下旬から入札で売り渡す方針です。",
     "政府は、備蓄している小麦8万トンの売り渡しに向けた最初の入札を12日に行い、およそ5万トンの落札が"
     "決まりました。", VERSION),
    # The background kept and moved ahead, the lead updated after it: a version.
    ("さくら物産は、不正アクセスを受け、会員およそ2万人分の個人情報が流出したおそれがあると発表しました。"
     "会社は警察に被害を届け出ています。",
     "会社は警察に被害を届け出ています。さくら物産によりますと、不正アクセスによって流出したおそれがある"
     "会員の個人情報は、およそ4万1000人分に増えました。", VERSION),
    # One count each, of nothing named, one said to have risen (`…にのぼる`): the count updated.
    ("【ナルサ共同】ベロニア共和国南部カルダ州の鉱山で4日、坑道の一部が崩れ、地元当局によると作業員ら少なくとも"
     "9人が坑内に閉じ込められた。",
     "ベロニア南部の鉱山で作業員らが閉じ込められている事故で、地元の当局は5日、坑内にいるのは15人にのぼる"
     "ことを明らかにしました。", VERSION),
    # An English tweet told ahead (`to open Friday`), then one reporting it: one story updated.
    ("Kerova peace talks to open Friday in Lusva capital, diplomats say — Kakuu Wire (@kakuu_wire)"
     " April 2, 2025",
     "Kerova government and rebels open peace talks in Lusva capital — Kakuu Wire (@kakuu_wire)"
     " April 5, 2025", VERSION),
    # A background sentence glued after a tweet's headline, no sentence end: shared background.
    ("東浜町で突風 倉庫3棟壊れる 2人けが 東浜町では5年前にも竜巻の被害が出ています https://t.co/Qw3Er5",
     "東浜町は9日、突風で壊れた住宅の修理費を補助すると発表しました。東浜町では5年前にも竜巻の被害が"
     "出ています。", BACKGROUND),
    # A plan to arrange something, then the thing done: most of the plan's deed words reported.
    ("領事館は、帰国を希望する在留邦人のためにチャーター便を手配する方向で調整しています。",
     "帰国を希望する在留邦人を乗せたチャーター便は18日午前、ノルタの空港を出発し、日本人48人が隣国の"
     "ヴェサへ退避しました。", VERSION),
    # Another event at one place (`地震` / `洪水`), each with its toll: no headline updated.
    ("【速報】ネリアで地震 12人死亡", "ネリアで洪水 死者30人に", None),
    ("ネリア北部で地震 死者120人", "ネリア北部で洪水 死者30人", None),
    # Two days' closing reports repeating one sentence: background, not unrelated.
    ("22日の東京株式市場、東証株価指数は、きのうより18ポイント高い2790で取引を終えました。市場では、"
     "ヨーロッパの景気が持ち直すという見方が広がっています。",
     "23日の東京株式市場、東証株価指数は、きのうより9ポイント安い2781で取引を終えました。市場では、"
     "ヨーロッパの景気が持ち直すという見方が広がっています。", BACKGROUND),
    # Told ahead, but the other tweet tells another deed (`end`, not `open`): no update.
    ("Kerova peace talks to open Friday in Lusva capital, diplomats say — Kakuu Wire (@kakuu_wire)"
     " April 2, 2025",
     "Kerova trade talks with Morra end in Lusva capital — Kakuu Wire (@kakuu_wire) April 5, 2025",
     None),
])
def test_session17_rules(a: str, b: str, expected: str | None) -> None:
    assert kind(a, b) == expected
    assert kind(b, a) == expected


def test_other_thing_counted_needs_a_subject_or_an_owner() -> None:
    """A verb put for another (`増えて` / `減って`) is no subject; a number alone is nothing."""
    assert other_thing_counted("売上高が0%増えた", "営業利益が0%増えた")
    assert not other_thing_counted("死者が0人に増えて", "死者が0人に減って")
    assert not other_thing_counted("死者は0人", "死者は00人")
    assert not other_thing_counted("0日午前に0人", "0日午後に0人")


def test_a_headline_count_belongs_to_the_toll_before_it() -> None:
    """`死者6人行方不明は3人`: 6 is the dead, not the missing."""
    from kirinuki.analysis.headlines import tolls

    assert tolls("北陸の豪雪死者6人行方不明は3人に") == {"死亡": frozenset({"6"}),
                                                    "行方不明": frozenset({"3"})}
    assert tolls("大雨2人死亡5人不明") == {"死亡": frozenset({"2"}), "行方不明": frozenset({"5"})}
    assert tolls("濃霧で玉突き事故十二人けが") == {"けが": frozenset({"十二"})}


def test_a_minister_with_a_loanword_in_the_portfolio_is_a_speaker() -> None:
    """`青年スポーツ相` is a minister's title like `運輸相`: its holder says what is reported."""
    from kirinuki.analysis.statements import extract_statements

    got = extract_statements(["ベルナのカルロ観光スポーツ相は14日、会場の安全点検をやり直すと述べました。"])
    assert [(s.speaker, s.speaker_key) for s in got] == [("カルロ観光スポーツ相", "カルロ")]


def test_a_family_name_with_the_title_is_the_person_named_in_full_before() -> None:
    """`大川知事は` after `大川正人知事は`: the same person, keyed by the full name."""
    from kirinuki.analysis.statements import extract_statements

    got = extract_statements(["大川正人知事は5日、被災地を視察し「復旧を急ぎたい」と述べました。",
                              "大川知事は、県として仮設住宅を増やすよう国に求める考えを示しました。"])
    assert [s.speaker for s in got] == ["大川正人知事", "大川正人知事"]
    assert len({s.speaker_key for s in got}) == 1


def test_a_deputy_is_a_titled_speaker_and_a_short_stance_is_reported() -> None:
    """`事務次長` is a title; `拒否する考えを示しました` after a quote is a reported stance."""
    from kirinuki.analysis.statements import extract_statements

    got = extract_statements(["国連のロサ事務次長は8日、北部では住民およそ5000人が孤立していると述べました。"])
    assert [s.speaker for s in got] == ["ロサ事務次長"]
    got = extract_statements(["組合のベロ委員長は、会社の回答について「到底受け入れられない」と述べ、"
                              "拒否する考えを示しました。"])
    assert [(s.mode, s.text) for s in got] == [("direct", "到底受け入れられない"),
                                               ("reported", "拒否する")]
