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

