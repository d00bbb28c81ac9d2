"""Session 18's version rules, each on invented pairs (both orders): a case that fails without
its rule and a near negative it must leave alone."""

from __future__ import annotations

import pytest
from analysis_data import kind

from kirinuki.analysis.duplicates import BACKGROUND, VERSION


@pytest.mark.parametrize(("a", "b", "expected"), [
    # Its end not in sight, then ended: the state's next news.
    ("みさき鉄道によりますと、信号のトラブルで全線の運転を見合わせていて、再開のめどは立っていない"
     "ということです。",
     "みさき鉄道によりますと、信号のトラブルで見合わせていた全線の運転は、夕方5時前に再開したという"
     "ことです。", VERSION),
    # One day's live blog titled by its topic and the state of things, then with the day's news.
    ("【随時更新】港北県沖地震 各地の状況（9日の動き）", "【随時更新】港北県沖地震 けが人31人に（9日の動き）",
     VERSION),
    # ... but other days' live blogs are other news.
    ("【随時更新】港北県沖地震 各地の状況（9日の動き）", "【随時更新】港北県沖地震 けが人31人に（10日の動き）",
     None),
    # A figure given, then said corrected from it (no counter: only the correction tells).
    ("観測所によりますと、地震の規模を示すマグニチュードは5.7と推定されています。",
     "観測所は、地震の規模を示すマグニチュードを5.7から6.2に修正しました。", VERSION),
    # Corrected from another figure than the one given, or raised (a decision): not this rule.
    ("観測所によりますと、地震の規模を示すマグニチュードは6.1と推定されています。",
     "観測所は、地震の規模を示すマグニチュードを5.7から6.2に修正しました。", None),
    ("観測所によりますと、地震の規模を示すマグニチュードは5.7と推定されています。",
     "観測所は、地震の規模を示すマグニチュードを5.7から6.2に引き上げました。", None),
    # A running toll of two counts, all changed, however reworded.
    ("港北県の発表によりますと、けさの地震で、これまでに浜辺町などで2人が死亡し、14人がけがをした"
     "ということです。",
     "港北県の災害対策本部は、9日夕方、地震による死者が6人に増え、けが人は41人になったと発表しました。",
     VERSION),
    # Something going on, then reported with a new count.
    ("台風の通過から一夜明けた浜岡町では、朝から消防による捜索が行われています。",
     "台風の通過から一夜明けた浜岡町では、消防による捜索が続けられ、昼すぎ、新たに2人が救助されました。",
     VERSION),
])
def test_session18_versions(a: str, b: str, expected: str | None) -> None:
    assert kind(a, b) == expected
    assert kind(b, a) == expected


@pytest.mark.parametrize(("a", "b", "expected"), [
    # A plan for soon, reported done by its actor on a day in other words.
    ("環境大臣は、週内にも浜辺市を訪れ、油の回収作業を視察する予定です。",
     "松浦環境大臣は18日、浜辺市の海岸を訪れ、油が漂着した砂浜を歩いて見て回りました。", VERSION),
    # The same plan, and words said by its actor: no deed done.
    ("環境大臣は、週内にも浜辺市を訪れ、油の回収作業を視察する予定です。",
     "松浦環境大臣は18日、国会で、浜辺市の油の回収を国が支援する考えを示しました。", None),
    # Another actor meets on the planned day: no deed of the plan.
    ("沿岸国会議は5月1日にルセナで開かれる予定で、漁業資源が主な議題となる見通しです。",
     "ASEANは1日、ルセナで臨時の会合を開き、12か国の代表が漁業資源について意見を交わしました。",
     None),
])
def test_a_plan_reported_done_in_other_words(a: str, b: str, expected: str | None) -> None:
    assert kind(a, b) == expected
    assert kind(b, a) == expected


@pytest.mark.parametrize(("a", "b"), [
    # Another time it happened, told in the first sentence.
    ("北浜湾では7年前にも高潮が起き、漁船およそ40隻が沈んで、被害はおよそ3億円に上りました。",
     "北浜湾で今月起きた高潮では、漁船およそ120隻が沈んで、被害はおよそ9億円に上りました。"),
    # Other deeds on other days, no count: one inquiry's steps.
    ("ソラノの検察当局は3日、横領の疑いでバルガス前首相を逮捕しました。",
     "ソラノの検察当局は21日、バルガス前首相を横領とマネーロンダリングの罪で起訴しました。"),
    # A lower death toll on a later day: another attack.
    ("ソラノのルセナで5日、武装した集団が駅を襲撃し、21人が死亡しました。",
     "ソラノのルセナで9日、刑務所で暴動が起き、8人が死亡しました。"),
])
def test_other_occasions_are_no_versions(a: str, b: str) -> None:
    assert kind(a, b) is None
    assert kind(b, a) is None


def test_a_toll_rising_on_a_later_day_is_still_an_update() -> None:
    assert kind("ソラノのルセナで5日に起きた襲撃で、21人が死亡しました。",
                "ソラノのルセナで5日に起きた襲撃で、当局は7日、死者が34人に増えたと発表しました。") == VERSION


def test_a_stop_announced_then_ended_is_its_next_news() -> None:
    a = "港湾当局は、治安の悪化を受けて、ルセナ港でのコンテナの積み下ろしを当面、停止すると発表しました。"
    b = "ルセナ港では、警察が港の警備を強めたことから9日、止まっていたコンテナの積み下ろしが6日ぶりに再開されました。"
    assert kind(a, b) == VERSION
    assert kind(b, a) == VERSION


def test_a_bracket_opening_the_next_sentence_is_cut_before() -> None:
    from kirinuki.analysis.sentences import split

    text = "政府は移送を検討しています。「白い帆」は港で生まれた組織です。"
    assert [p for p in split(text) if p] == ["政府は移送を検討しています。", "「白い帆」は港で生まれた組織です。"]
    # A sentence end inside a quote is still no cut.
    assert [p for p in split("首相は「戦う。負けない」と述べました。") if p] == ["首相は「戦う。負けない」と述べました。"]


def test_background_sentence_after_a_bracket_opening_it() -> None:
    a = ("「白い帆」は、1990年代に漁港の若者を中心に作られた組織で、密輸に関わっているとされます。"
         "警察は8日、組織の幹部3人を逮捕しました。")
    b = ("検察は、逮捕した幹部を別の罪でも調べる方針です。「白い帆」は1990年代に漁港の若者を中心に"
         "作られた組織で、密輸に関わっているとされています。")
    assert kind(a, b) == BACKGROUND
    assert kind(b, a) == BACKGROUND


def test_an_item_stopping_at_the_deed_reports_the_plan_done() -> None:
    a = "3. セラニアのオルテ首相、来週ミナト港を訪問する予定と表明。"
    b = "5）オルテ首相がミナト港を訪問。「港の復旧は来年までに終える」と述べた。"
    assert kind(a, b) == VERSION
    assert kind(b, a) == VERSION


def test_a_quote_reported_later_with_more_is_a_version() -> None:
    a = "セラニアのバルデス法相は「元首相の起訴は政治的な動機によるものではなく、証拠に基づく判断だ」と述べました。"
    b = ("バルデス法相は、元首相の起訴は政治的な動機によるものではなく証拠に基づく判断だと述べたうえで、"
         "国民に冷静な対応を呼びかけました。")
    assert kind(a, b) == VERSION
    assert kind(b, a) == VERSION
    # Other words of the same speaker are no report of the quote.
    c = ("バルデス法相は、司法の独立は守られていると述べたうえで、捜査の進め方に問題はなかったとの"
         "認識を示し、国民に冷静な対応を呼びかけました。")
    assert kind(a, c) != VERSION


def test_a_plan_of_an_office_named_by_its_kind() -> None:
    a = "市は、近く庁内に復旧本部を設けて、被災した商店への支援策を検討する方針です。"
    b = "浜辺市は9日、大雨で被災した商店を支えるため、副市長をトップとする復旧本部を設置しました。"
    assert kind(a, b) == VERSION
    assert kind(b, a) == VERSION
    # Another office of that kind is no actor of the plan.
    c = "県は9日、大雨で被災した商店を支えるため、副知事をトップとする復旧本部を設置しました。"
    assert kind(a, c) != VERSION
