"""Related-entry scoring: earlier entries only, rare features weigh more, decisions win."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from kirinuki.analysis.related import PINNED, REJECTED, features, places, suggest

T0 = datetime(2024, 9, 10, tzinfo=timezone(timedelta(hours=9)))


def entry(i: int, tags: list[str], text: str) -> object:
    return features(i, T0 + timedelta(days=i), tags, [[text]])


def test_places_and_speakers_are_features() -> None:
    f = entry(1, ["洪水"], "ルスタニアのミハイロフ首相は「命を救う」と述べ、ヴェルナ州を視察しました。")
    assert {"ルスタニア", "ヴェルナ州"} <= f.places
    assert f.speakers == {"ミハイロフ": "ミハイロフ首相"}
    assert "ベルカ" in places("ベルカ共和国では、ベルカの野党が反発しました。")


def test_earlier_entries_ranked_by_what_they_share() -> None:
    story = "ヴェルナ州の洪水で、ミハイロフ首相は「救助を急ぐ」と述べました。"
    target = entry(5, ["洪水", "ニュース"], story)
    same = entry(2, ["洪水", "ニュース"], story)
    tag_only = entry(3, ["ニュース"], "オルデン港のストライキが続いています。")
    later = entry(9, ["洪水"], story)
    common = [entry(10 + k, ["ニュース"], "別の話題です。") for k in range(6)]
    found = suggest(target, [same, tag_only, later, *common])
    assert [s.entry_id for s in found] == [2]
    assert found[0].reasons[0] == "tags #ニュース #洪水"
    assert "speakers ミハイロフ首相" in found[0].reasons


def test_text_links_and_decisions() -> None:
    target = entry(5, [], "本文です。")
    a, b, c = entry(1, [], "一つ目。"), entry(2, [], "二つ目。"), entry(3, [], "三つ目。")
    similar = {1: [("version", "拘束: 3800人以上 → 4400人以上 (+600)")], 2: [("background", "x")]}
    found = suggest(target, [a, b, c], similar=similar)
    assert [s.entry_id for s in found] == [1, 2]
    assert found[0].reasons == ["version: 拘束: 3800人以上 → 4400人以上 (+600)"]
    found = suggest(target, [a, b, c], similar=similar, decisions={1: REJECTED, 3: PINNED})
    assert [(s.entry_id, s.decision) for s in found] == [(3, PINNED), (2, "")]


def test_a_one_line_reason_in_japanese() -> None:
    story = "シンクタンク「国際問題研究所」は、ヴェルナ州の洪水で被害が広がっていると指摘しました。"
    target, other = entry(5, ["洪水"], story), entry(2, ["洪水"], story)
    common = [entry(10 + k, ["ニュース"], "別の話題です。") for k in range(6)]
    similar = {2: [("version", "死亡: 少なくとも120人 → 少なくとも185人 (+65); wording: a → b")]}
    [found] = suggest(target, [other, *common], similar=similar)
    assert found.reason.startswith("版の更新（死亡: 少なくとも120人 → 少なくとも185人 (+65)）、")
    assert "タグ #洪水" in found.reason and "組織 国際問題研究所" in found.reason
    assert "地名 ヴェルナ州" in found.reason
    [pinned] = suggest(target, [entry(3, [], "別の話題です。")], decisions={3: PINNED})
    assert pinned.reason == "固定"


def test_organisations_are_features_and_sign_offs_are_not_read() -> None:
    f = entry(1, [], "シンクタンク「国際問題研究所」は、NATOの対応を評価しました。"
                     "— ベルカ通信 (@belka_news) January 12, 2024 https://t.co/abc")
    assert {"国際問題研究所", "NATO"} <= f.orgs
    assert not any("ベルカ" in x for x in (*f.orgs, *f.places, *f.speakers))
    assert "シンクタンク" not in f.orgs  # a kind of organisation, not one



def test_common_places_are_weak_evidence_rare_people_strong() -> None:
    """A place named in every entry does not make entries related; a rare person does."""
    target = entry(9, [], "アメリカのミハイロフ特使は、停戦の協議を続けると述べました。")
    rare = entry(3, [], "ミハイロフ特使はアメリカで会見しました。")
    place_only = [entry(k, [], f"アメリカで会議が開かれました。議題{k}。") for k in range(4, 9)]
    found = suggest(target, [rare, *place_only])
    assert [s.entry_id for s in found] == [3]
    assert "人物 ミハイロフ特使" in found[0].reason


def test_generic_words_are_not_places() -> None:
    assert places("空港が閉鎖され、漁港にも被害が出ました。") == set()
    assert "オルデン港" in places("オルデン港のストライキ")


def test_a_country_named_once_is_known_everywhere() -> None:
    from kirinuki.analysis.related import add_known_places, known_places

    first = entry(1, [], "ソルディア中央銀行は、政策金利を引き上げました。")
    later = entry(2, [], "ソルディアの利上げをきっかけに、円相場が値下がりしました。")
    assert "ソルディア" in first.places and "ソルディア" not in later.places
    add_known_places(later, ["ソルディアの利上げをきっかけに、円相場が値下がりしました。"],
                     known_places([first, later]))
    assert "ソルディア" in later.places
    others = [entry(10 + k, [], "別の話題です。") for k in range(8)]
    [found] = suggest(later, [first, *others])
    assert found.entry_id == 1 and found.reason == "地名 ソルディア"


def test_of_entries_scoring_near_the_best_the_latest_comes_first() -> None:
    # Session 20 (studied on dev7 and dev9): two earlier entries on one story, the older
    # sharing a little more; the story's last development is suggested first.
    tags = ["盗聴", "リンデア", "情報庁", "議会"]
    target = entry(9, [*tags, "記者"], "本文です。")
    older = entry(3, [*tags, "記者"], "一つ目。")
    newer = entry(6, tags, "二つ目。")
    unrelated = [entry(20 + k, ["ニュース"], "別の話題です。") for k in range(6)]
    found = suggest(target, [older, newer, *unrelated])
    scores = {s.entry_id: s.score for s in found}
    assert scores[6] < scores[3] <= scores[6] / 0.75  # the older scores more, not much more
    assert [s.entry_id for s in found] == [6, 3]
    # Shared background makes the older far better: best first as before.
    found = suggest(target, [older, newer, *unrelated], similar={3: [("background", "x")]})
    assert [s.entry_id for s in found] == [3, 6]
