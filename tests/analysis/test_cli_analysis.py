"""The analysis commands: dupes, figures, quotes, related (pin, reject)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DAY_1 = """https://kirinuki.test

カザフスタンで、政府に対する抗議活動が各地に広がり、内務省によりますと、デモの参加者26人が死亡し、3800人以上を拘束したということです。
トカエフ大統領は演説で「私は、警告なしに射撃するよう軍に命令を出した」と述べました。
#カザフスタン

kirinuki.test
"""
DAY_2 = """https://kirinuki.test

カザフスタンで政府に対する抗議活動が各地に広がり、内務省はこれまでにデモの参加者26人が死亡し、4400人以上を拘束したとしています。
アメリカのブリンケン国務長官は記者会見で「なぜ外国の支援が必要なのかはっきりしない」と述べました。
そのうえでブリンケン長官は「われわれは平和的な解決を求める」と述べました。
#カザフスタン

kirinuki.test
"""


@pytest.fixture
def loaded(cli, tmp_path: Path):  # noqa: ANN001, ANN201
    """A journal with two dated entries on one story (ids 1 and 2)."""
    (tmp_path / "2022-01-07_200000.txt").write_text(DAY_1, encoding="utf-8")
    (tmp_path / "2022-01-08_200000.txt").write_text(DAY_2, encoding="utf-8")
    assert cli("init", "--host", "kirinuki.test").exit_code == 0
    assert cli("import", str(tmp_path)).exit_code == 0
    return cli


def test_dupes_json_lists_groups_with_their_clips(loaded) -> None:  # noqa: ANN001
    result = loaded("dupes", "--json")
    assert result.exit_code == 0, result.output
    [group] = json.loads(result.output)
    assert group["kind"] == "version"
    assert [c["entry"] for c in group["clips"]] == [1, 2]
    assert group["clips"][0]["text"].startswith("カザフスタンで、政府")
    assert group["changes"][0]["figures"][0]["text"] == "拘束: 3800人以上 → 4400人以上 (+600)"
    assert loaded("dupes", "--entry", "2", "--json").output == result.output


def test_dupes_text_shows_the_change(loaded) -> None:  # noqa: ANN001
    result = loaded("dupes")
    assert "version" in result.output
    assert "拘束: 3800人以上 → 4400人以上 (+600)" in result.output


def test_figures_of_a_tag(loaded) -> None:  # noqa: ANN001
    result = loaded("figures", "--tag", "カザフスタン", "--json")
    found = [(f["surface"], f["predicate"], f["entry"]) for f in json.loads(result.output)]
    assert ("3800人以上", "拘束", 1) in found and ("4400人以上", "拘束", 2) in found


def test_quotes_by_any_name_of_the_speaker(loaded) -> None:  # noqa: ANN001
    result = loaded("quotes", "--speaker", "ブリンケン長官", "--json")
    found = json.loads(result.output)
    assert [q["speaker"] for q in found] == ["ブリンケン国務長官"] * 2
    assert found[1]["speaker_as_written"] == "ブリンケン長官"
    assert found[0]["published"].startswith("2022-01-08")
    table = loaded("quotes").output
    assert "トカエフ大統領" in table and "「私は、警告なしに" in table


def test_related_pin_and_reject(loaded) -> None:  # noqa: ANN001
    shown = json.loads(loaded("related", "2", "--json").output)
    assert shown[0]["entry"] == 1 and shown[0]["reasons"][0].startswith("version: ")
    assert loaded("related", "reject", "2", "1").exit_code == 0
    assert json.loads(loaded("related", "2", "--json").output) == []
    assert loaded("related", "pin", "2", "1").exit_code == 0
    shown = json.loads(loaded("related", "2", "--json").output)
    assert shown[0]["decision"] == "pinned"
    assert "pinned" in loaded("related", "2").output


@pytest.mark.parametrize("args", [("dupes", "--entry", "99"), ("related", "99"),
                                  ("related", "pin", "1", "99"), ("figures", "--entry", "x")])
def test_unknown_entry_is_a_clear_error(loaded, args: tuple[str, ...]) -> None:  # noqa: ANN001
    result = loaded(*args)
    assert result.exit_code == 1
    assert "no entry" in result.output and "Traceback" not in result.output


def test_an_entry_is_not_related_to_itself(loaded) -> None:  # noqa: ANN001
    result = loaded("related", "pin", "1", "1")
    assert result.exit_code == 1 and "itself" in result.output


DAY_3 = """https://kirinuki.test

ロシア大統領府のペスコフ報道官は、7日、プーチン大統領がトカエフ大統領と電話で会談したと明らかにしました。
ゼレンスキー大統領「反転攻勢は始まっている」
#カザフスタン

kirinuki.test
"""


def test_statements_by_mode_with_their_cue(loaded, tmp_path: Path) -> None:  # noqa: ANN001
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "2022-01-09_200000.txt").write_text(DAY_3, encoding="utf-8")
    assert loaded("import", str(tmp_path / "more")).exit_code == 0
    reported = json.loads(loaded("statements", "--mode", "reported", "--json").output)
    assert [(s["speaker"], s["mode"], s["cue"], s["text"][:7]) for s in reported] == [
        ("内務省", "reported", "としています", "デモの参加者2"),
        ("ペスコフ報道官", "reported", "明らかにしました", "プーチン大統領")]
    direct = json.loads(loaded("statements", "--mode", "direct", "--json").output)
    assert {s["mode"] for s in direct} == {"direct", "headline"}
    assert ("ゼレンスキー大統領", "headline") in {(s["speaker"], s["mode"]) for s in direct}
    everything = json.loads(loaded("statements", "--json").output)
    assert len(everything) == len(reported) + len(direct)
    assert json.loads(loaded("quotes", "--json").output) == everything  # the older name
    table = loaded("statements", "--speaker", "ペスコフ").output
    assert "reported" in table and "(明らかにしました)" in table


def test_statements_unknown_mode_is_a_clear_error(loaded) -> None:  # noqa: ANN001
    result = loaded("statements", "--mode", "rumour")
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "rumour" in result.output
