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
