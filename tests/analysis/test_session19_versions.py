"""Session 19's version rules, each on invented pairs (both orders): a case that fails without
its rule and a near negative it must leave alone."""

from __future__ import annotations

import pytest
from analysis_data import kind

from kirinuki.analysis.duplicates import BACKGROUND, VERSION, prepare
from kirinuki.analysis.plans import _stems, deed_words


@pytest.mark.parametrize(("a", "b", "expected"), [
    # A schedule overrun (`予定の日を過ぎても`) is no plan: people missing, then found.
    ("霧ヶ岳に釣りに出かけた大阪の男性3人が、予定の日を過ぎても帰宅せず、警察と消防が捜索しています。",
     "霧ヶ岳に釣りに出かけたまま連絡が取れなくなっていた大阪の男性3人が、12日午後、沢沿いの避難小屋で"
     "無事に見つかりました。", VERSION),
    # People in shelters counted, then said to have gone down, named by where they stay.
    ("北岬県によりますと、午前7時の時点で、県内の8つの市と町で合わせて1900人余りが避難所に身を寄せて"
     "います。",
     "北岬県によりますと、避難所に身を寄せている人は、午後3時の時点で、6つの市と町で合わせて640人に"
     "減りました。", VERSION),
    # People counted, then their data (`人分`) said to have grown: one count.
    ("通販大手の「ひばり堂」は、不正アクセスを受け、会員およそ8万人の住所や電話番号が流出したおそれが"
     "あると発表しました。",
     "通販大手の「ひばり堂」は、不正アクセスで流出したおそれがある会員の情報が、当初の発表より増えて、"
     "およそ19万人分に上ると発表しました。", VERSION),
    # One day's event retold by a wire outlet, its toll updated in the next sentence.
    ("ベルナの首都ソリスで、9日、5階建ての集合住宅が崩れ落ち、住民などが生き埋めになりました。"
     "地元の消防によりますと、少なくとも6人が死亡したということです。",
     "【ソリス共同】ベルナの首都ソリスで9日、5階建ての集合住宅が倒壊し、住民らが建物の下敷きになった。"
     "消防によると、これまでに15人が死亡した。", VERSION),
    # ... but the same day's other count (the injured, not the dead) is another fact: the
    # sentence both tell is shared background.
    ("ベルナの首都ソリスで、9日、5階建ての集合住宅が崩れ落ち、住民などが生き埋めになりました。"
     "地元の消防によりますと、少なくとも6人が死亡したということです。",
     "【ソリス共同】ベルナの首都ソリスで9日、5階建ての集合住宅が倒壊し、住民らが建物の下敷きになった。"
     "消防によると、これまでに15人がけがをした。", BACKGROUND),
    # A search planned, then an arrest: another step of the case, not the plan done.
    ("北岬県警は、業務上過失致死の疑いで、港湾運送会社の倉庫を捜索する方針です。",
     "北岬県警は、業務上過失致死の疑いで、港湾運送会社の倉庫の元管理責任者を逮捕しました。", None),
    # ... the search planned, then done: the plan carried out.
    ("北岬県警は、業務上過失致死の疑いで、港湾運送会社の倉庫を捜索する方針です。",
     "北岬県警は、業務上過失致死の疑いで、港湾運送会社の倉庫を捜索しました。", VERSION),
    # Another unit of a series told alike: another launch, not the plan updated.
    ("観測衛星「こだま4号機」は、20日午前9時すぎに北浜宇宙センターから打ち上げられる予定です。",
     "観測衛星「こだま5号機」は、再来年3月に北浜宇宙センターから打ち上げられる予定です。", None),
    # ... the same unit's launch, then done: the plan carried out.
    ("観測衛星「こだま4号機」は、20日午前9時すぎに北浜宇宙センターから打ち上げられる予定です。",
     "観測衛星「こだま4号機」は、20日午前9時すぎに北浜宇宙センターから打ち上げられました。", VERSION),
])
def test_session19_versions(a: str, b: str, expected: str | None) -> None:
    assert kind(a, b) == expected
    assert kind(b, a) == expected


@pytest.mark.parametrize(("a", "b", "expected"), [
    # A breaking headline, then the report's lead in sentences with the count updated.
    ("【速報】北浜 潮見港でフェリーが岸壁に衝突 乗客4人けが",
     "22日午前8時ごろ、北浜県の潮見港で、入港しようとしていたフェリーが岸壁に衝突しました。海上保安部に"
     "よりますと、乗客9人がけがをしたということです。", VERSION),
    # A site's headline, then the lead with the count said to have risen.
    ("白砂湾で赤潮 カキなど8万個死ぬ 西浜 | 架空ニュース西浜",
     "西浜県の白砂湾で赤潮が広がり、養殖のカキやホタテが大量に死んでいる問題で、県は14日、死んだ貝が"
     "およそ21万個に増えたと明らかにしました。", VERSION),
    # The headline's place is not the report's: another port's accident.
    ("【速報】北浜 潮見港でフェリーが岸壁に衝突 乗客4人けが",
     "22日午前8時ごろ、北浜県の汐入港で、入港しようとしていたフェリーが岸壁に衝突しました。海上保安部に"
     "よりますと、乗客9人がけがをしたということです。", None),
])
def test_headline_of_lead(a: str, b: str, expected: str | None) -> None:
    assert kind(a, b) == expected
    assert kind(b, a) == expected


@pytest.mark.parametrize(("a", "b", "expected"), [
    # A background sentence lightly reworded, its topic the same name shortened.
    ("セルナ中央銀行は、3日、政策金利を0.25%引き上げて3.5%にすると発表しました。中央銀行は、物価の"
     "上昇が続いていることから、去年から利上げを続けています。",
     "セルナの首相は、中央銀行の決定について「理解できる」と述べました。セルナ中央銀行は、物価の高い"
     "伸びが続いていることから、去年から利上げを続けています。", BACKGROUND),
    # Another bank's topic (not a shortened name) is another sentence.
    ("セルナ中央銀行は、3日、政策金利を0.25%引き上げて3.5%にすると発表しました。中央銀行は、物価の"
     "上昇が続いていることから、去年から利上げを続けています。",
     "セルナの首相は、中央銀行の決定について「理解できる」と述べました。隣国の銀行は、物価の高い"
     "伸びが続いていることから、去年から利上げを続けています。", None),
])
def test_background_with_a_topic_shortened(a: str, b: str, expected: str | None) -> None:
    assert kind(a, b) == expected
    assert kind(b, a) == expected


@pytest.mark.parametrize(("a", "b", "expected"), [
    # A deed decided for a day, then reported done that day by its actor in other words.
    ("海上保安庁は、潜水士6人を18日、沈没現場に派遣することを決めました。",
     "海上保安庁の潜水士6人が18日朝、沈没現場に到着し、船内の捜索を始めました。", VERSION),
    # ... not words said that day.
    ("海上保安庁は、潜水士6人を18日、沈没現場に派遣することを決めました。",
     "海上保安庁は18日、沈没現場での捜索は天候の回復を待って行うと発表しました。", None),
    # ... nor another deed decided.
    ("海上保安庁は、潜水士6人を18日、沈没現場に派遣することを決めました。",
     "海上保安庁は18日、巡視船2隻を沈没現場に派遣することを決めました。", None),
])
def test_a_deed_decided_for_a_day_then_done(a: str, b: str, expected: str | None) -> None:
    assert kind(a, b) == expected
    assert kind(b, a) == expected


@pytest.mark.parametrize(("a", "b", "expected"), [
    # Sentences naming nothing, about one thing (most content words shared), a count said to
    # have changed: a local follow-up updated.
    ("川沿いの集落では、およそ2600人が公民館や学校に避難しています。",
     "川沿いの集落で避難を続ける人は、およそ900人に減りました。", VERSION),
    ("漁協によりますと、流木に当たってエンジンが壊れた漁船は、これまでに4隻だということです。",
     "流木に当たってエンジンが壊れた漁船は、9日までに11隻に増えたと漁協が発表しました。", VERSION),
    # One noun counted in one counter, reworded around it.
    ("土石流で谷沿いの道路が少なくとも8か所で寸断され、山側の5つの集落が孤立しています。",
     "土石流で寸断された道路は11か所に上り、山側の集落のうち2つの集落では孤立が続いています。", VERSION),
    # The same opening, another people counted: no version.
    ("川沿いの集落では、およそ2600人が公民館や学校に避難しています。",
     "川沿いの集落では、消防団員およそ300人が土のうを積む作業に当たりました。", None),
    # It happened last year too: another vote, not this one updated.
    ("ベルナの議会は8日、ソラン首相の不信任決議案を採決し、賛成多数で可決しました。",
     "ベルナの議会では去年10月にも、ソラン首相の不信任決議案が採決されましたが、賛成が過半数に届かず"
     "否決されました。", None),
    # Questioned, then arrested days later: the case's next step, no lead updated.
    ("県警は3日、工場の元工場長の男から任意で事情を聴き始めたと明らかにしました。",
     "県警は5日、工場の元工場長の男を、業務上過失致死の疑いで逮捕しました。", None),
])
def test_session19_dev7_versions(a: str, b: str, expected: str | None) -> None:
    assert kind(a, b) == expected
    assert kind(b, a) == expected


def test_two_cities_like_decisions_are_no_background() -> None:
    a = ("北川市交通局は、運転手の不足が続いているとして、来月1日から市営バス9路線で平日の運行本数を"
         "減らすと発表しました。")
    b = ("南崎市交通局も、運転手の不足が続いているとして、来月1日から市営バス4路線で土日の運行本数を"
         "減らすと発表しました。")
    assert kind(a, b) is None
    assert kind(b, a) is None


@pytest.mark.parametrize(("a", "b", "expected"), [
    # An office named by its kind in both, a plan for a day, then done that day.
    ("町は、集めた流木を12日に町内の処分場に運び、焼却する予定です。",
     "町は12日、集めた流木をトラックで町内の処分場に運び込みました。", VERSION),
    # One sentence each, a measure announced ahead, then in force.
    ("ネリア政府は、北部の3州で夜間の外出を8日から禁止すると発表しました。",
     "ネリア政府は8日、北部の3州で夜間の外出を禁止する措置を始めました。", VERSION),
])
def test_session19_dev7_plans(a: str, b: str, expected: str | None) -> None:
    assert kind(a, b) == expected
    assert kind(b, a) == expected


def test_the_end_of_a_month_is_no_word_of_a_deed() -> None:
    # `8月末までに`: a time, like `8月までに` (its `末` no verb stem of the deed).
    plan = prepare("憲法裁判所は、解散の決定が妥当かどうか、8月末までに判断を示す見通しです。").sentences[0]
    assert "末" not in deed_words(plan) | _stems(plan)


@pytest.mark.parametrize(("a", "b", "expected"), [
    # One deed on one day told by two outlets (a sentence added, a figure left out of the lead).
    ("【ソリス共同】東欧ベルナの議会は4日、ソラン首相の不信任決議案を賛成121、反対80で可決した。"
     "内閣は総辞職する見通しだ。",
     "【ソリスAFP＝時事】ベルナ議会は4日、ソラン首相に対する不信任決議案を可決した。賛成は121票で、"
     "可決に必要な過半数を上回った。首相は憲法の規定により10日以内に辞任するか議会を解散しなければ"
     "ならない。", VERSION),
    # ... two roads' closures lifted at one hour are two news.
    ("北浜自動車道の下り線の通行止めは、9日午前6時に解除されました。",
     "国道212号の北浜町と南浜町の間の通行止めは、9日午前6時に解除されました。", None),
    # A share price during the day, then its close.
    ("9日の東京株式市場で、白鳥電機の株価は、取引開始直後から売り注文が膨らみ、一時、前日の終値より"
     "14%下落しました。",
     "9日の東京株式市場で、白鳥電機の株価は売り注文が続き、終値は前日より9%安い2310円でした。", VERSION),
    # A scope widened (`…を17路線に広げ`): the count of it updated.
    ("運休の対象は8路線で、1日あたりおよそ120便が減ることになります。",
     "鉄道会社はその後、運休の対象を11路線に広げ、1日あたりおよそ170便が減ることになりました。", VERSION),
])
def test_session19_dev7_retold(a: str, b: str, expected: str | None) -> None:
    assert kind(a, b) == expected
    assert kind(b, a) == expected


@pytest.mark.parametrize(("a", "b", "expected"), [
    # Two wires' datelines (`【…=ロイター】`, `【…共同】`) name no place of the story.
    ("【リンポ＝ロイター】ザルナ王国南部で8日未明、ダムが決壊して下流の町を洪水が襲い、少なくとも5人が"
     "死亡した。",
     "【ニューデリー共同】ザルナ王国南部のカルム渓谷で8日に起きたダム決壊による洪水で、同国内務省は9日、"
     "死者が19人に増えたと明らかにした。", VERSION),
    # A drink named two ways (`アルコール` / `メタノール`) is no place or body swapped.
    ("【ソリス共同】ベルナ共和国の保健省は2日、南部で工業用アルコールが混入したとみられる酒を飲んだ住民"
     "9人が死亡したと発表した。",
     "【ソリス＝ロイター】ベルナ保健省は2日夜、南部でメタノールが混入した疑いのある酒による死者が13人に"
     "なったと明らかにした。", VERSION),
])
def test_session19_dev7_wires(a: str, b: str, expected: str | None) -> None:
    assert kind(a, b) == expected
    assert kind(b, a) == expected


def test_another_place_counted_in_more_words_is_no_version() -> None:
    # `州都` / `北部の村`: nouns joined by の put for a noun, the count changed: another place.
    a = "保健省によりますと、ミランダ州の州都では、これまでに9人が死亡しました。"
    b = "保健省によりますと、ミランダ州の南部の町では、これまでに3人が死亡しました。"
    assert kind(a, b) is None
    assert kind(b, a) is None


def test_people_named_by_what_they_did_in_a_count_said_to_have_changed() -> None:
    # `死亡した人が24人に増え` counts the dead: the toll updated by the ministry's own report.
    a = ("ベルナ共和国の保健省によりますと、南部のミランダ州で密造酒を飲んだ人たちが相次いで体調を崩し、"
         "これまでに11人が死亡、30人以上が病院で手当てを受けています。")
    b = ("ベルナ共和国の保健省は5日、南部のミランダ州で密造された酒を飲んで死亡した人が24人に増え、"
         "およそ50人が入院していると発表しました。")
    assert kind(a, b) == VERSION
    assert kind(b, a) == VERSION
