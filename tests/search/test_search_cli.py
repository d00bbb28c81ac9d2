"""`kirinuki search` and `kirinuki reindex` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli

PAGE = (
    "https://kirinuki.test\n\n"
    "東京都内でＮＡＴＯに反対する集会が開かれました。\n"
    "露外務省は「核の脅しではない」と述べました。\n"
    "#反ロシア#NATO\n\n"
    "京都では円安で観光客が増えています。\n"
    "#円安\n\n"
    "kirinuki.test\n"
)


@pytest.fixture
def filled(cli: Cli, tmp_path: Path) -> Cli:
    assert cli("init", "--host", "kirinuki.test").exit_code == 0
    page = tmp_path / "2022-03-01_081500.txt"
    page.write_text(PAGE, encoding="utf-8")
    r = cli("import", str(page))
    assert r.exit_code == 0, r.output
    return cli


def test_search_prints_hits_with_entry_date_tags_and_total(filled: Cli) -> None:
    r = filled("search", "京都")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].startswith("2 clip(s) match '京都'")
    assert "entry 1  2022-03-01 08:15  #円安" in r.output
    assert "京都では円安で観光客が増えています。" in r.output
    assert "tags: #円安 1  #反ロシア 1  #NATO 1" in r.output or "tags: #NATO 1" in r.output
    assert "months: 2022-03 2" in r.output


def test_search_words_may_be_given_as_several_arguments(filled: Cli) -> None:
    r = filled("search", "--json", "露", "-核")
    assert json.loads(r.output)["total"] == 0
    assert json.loads(filled("search", "--json", "nato", "東京").output)["total"] == 1


def test_search_json_has_total_and_hits(filled: Cli) -> None:
    r = filled("search", "ＮＡＴＯ OR 円", "--json", "--sort", "date", "--limit", "1")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["total"] == 2 and len(data["hits"]) == 1
    hit = data["hits"][0]
    assert hit["text"] == "京都では円安で観光客が増えています。"
    assert hit["entry_id"] == 1 and hit["date"].startswith("2022-03-01T08:15:00")
    assert hit["tags"] == ["円安"] and hit["highlights"] == [[4, 5]]
    assert {f["month"]: f["count"] for f in data["facets"]["months"]} == {"2022-03": 2}


def test_malformed_query_is_a_one_line_error(filled: Cli) -> None:
    r = filled("search", '"核の')
    assert r.exit_code == 1
    assert r.output.strip() == "error: unclosed quote in '\"核の'"
    r = filled("search", "京都", "--sort", "best")
    assert r.exit_code != 0 and "Traceback" not in r.output


def test_reindex_rebuilds_and_search_agrees(filled: Cli) -> None:
    before = json.loads(filled("search", "の", "--json").output)
    r = filled("reindex")
    assert r.exit_code == 0 and r.output.startswith("indexed 3 clip(s) in ")
    after = json.loads(filled("search", "の", "--json").output)
    assert before == after and after["total"] == 1


def test_search_without_a_journal_fails_cleanly(cli: Cli) -> None:
    r = cli("search", "京都")
    assert r.exit_code == 1 and "no journal here" in r.output
