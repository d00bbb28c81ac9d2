"""Session 18's version rules, each on invented pairs (both orders): a case that fails without
its rule and a near negative it must leave alone."""

from __future__ import annotations

import pytest

from kirinuki.analysis.duplicates import VERSION, compare, prepare


def kind(a: str, b: str) -> str | None:
    m = compare(prepare(a), prepare(b))
    return m.kind if m else None


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
