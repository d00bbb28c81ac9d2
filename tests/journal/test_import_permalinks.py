"""Permalinks and dates of JSON Lines and clip text imports, and `kirinuki entries permalink`
(issue 17, item 1): an import renames a permalink that breaks the rule and leaves out an entry
dated out of range, saying so, entry by entry; the owner repairs a permalink by hand."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kirinuki.cli.main import app
from kirinuki.errors import ConflictError, InputError
from kirinuki.journal import Journal, get_entry, import_paths, init_journal
from kirinuki.journal.editing import replace_entry, set_permalink, set_status
from kirinuki.model import Status
from tests.publish.conftest import records


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    j = init_journal(str(tmp_path / "j.db"), "テスト帳", ["kirinuki.test"])
    yield j  # type: ignore[misc]
    j.close()


def _jsonl(tmp_path: Path, changes: list[dict[str, object]]) -> Path:
    recs = records()[2:5]  # three published entries
    for rec, change in zip(recs, changes, strict=False):
        rec.update(change)
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs),
                   encoding="utf-8")
    return src


def test_jsonl_permalinks_are_renamed_and_reported(journal: Journal, tmp_path: Path) -> None:
    src = _jsonl(tmp_path, [{"permalink": "a\\..\\..\\b"}, {"permalink": "/entry/" + "y" * 300},
                            {"permalink": "/entry/.."}])
    s = import_paths(journal, [str(src)])
    assert s.entries_added == 3 and len(s.changed) == 3
    assert s.changed[0] == (f"{src}:1: entry k-first: permalink 'a\\..\\..\\b' cannot be "
                            "used (it must start with /entry/); renamed to /entry/a-..-..-b")
    assert s.changed[1].endswith("renamed to /entry/" + "y" * 240)
    assert s.changed[2].endswith("renamed to /entry/2024/01/06/230000")  # its date's
    assert get_entry(journal, "/entry/a-..-..-b").key == "k-first"
    again = import_paths(journal, [str(src)])
    assert (again.entries_added, again.entries_present) == (0, 3)


def test_a_renamed_permalink_that_is_taken_gets_a_suffix(journal: Journal,
                                                         tmp_path: Path) -> None:
    src = _jsonl(tmp_path, [{"permalink": "/entry/a"}, {"permalink": "/entry/a/"},
                            {"permalink": "/entry/" + "あ" * 90}])
    import_paths(journal, [str(src)])
    links = {e: get_entry(journal, e).key for e in ("/entry/a", "/entry/a-2")}
    assert links == {"/entry/a": "k-first", "/entry/a-2": "k-second"}
    assert get_entry(journal, "/entry/" + "あ" * 80).key == "k-third"


@pytest.mark.parametrize("change", [{"published": "9999-12-31T23:59:59-12:00"},
                                    {"published": "0001-01-01T00:00:00+09:00"},
                                    {"updated": "9999-12-31T23:59:59+00:00"}])
def test_jsonl_entries_dated_out_of_range_are_left_out_and_reported(
        journal: Journal, tmp_path: Path, change: dict[str, object]) -> None:
    src = _jsonl(tmp_path, [change])
    s = import_paths(journal, [str(src)])
    assert s.entries_added == 2
    assert len(s.problems) == 1 and s.problems[0].startswith(f"{src}:1: entry k-first: ")
    assert "outside 1000-9000" in s.problems[0]


def test_a_clip_text_file_dated_out_of_range_is_left_out(journal: Journal,
                                                         tmp_path: Path) -> None:
    (tmp_path / "0001-01-01_000000.txt").write_text("古い話です。\n#歴史\n", encoding="utf-8")
    (tmp_path / "2024-01-01_000000.txt").write_text("新しい話です。\n#今\n", encoding="utf-8")
    s = import_paths(journal, [str(tmp_path)])
    assert s.entries_added == 1 and "the year 1 is outside 1000-9000" in s.problems[0]


def test_the_import_command_prints_what_it_changed(tmp_path: Path) -> None:
    init_journal(str(tmp_path / "j.db"), "テスト帳", ["kirinuki.test"]).close()
    src = _jsonl(tmp_path, [{"permalink": "a\\..\\..\\b"}, {"published": "9999-01-01T00:00:00Z"}])
    r = CliRunner().invoke(app, ["--journal", str(tmp_path / "j.db"), "import", str(src)])
    assert r.exit_code == 0, r.output
    assert "changed: " in r.output and "renamed to /entry/a-..-..-b" in r.output
    assert "not imported: " in r.output and "entry k-second" in r.output


def test_typed_permalinks_are_checked(journal: Journal, tmp_path: Path) -> None:
    import_paths(journal, [str(_jsonl(tmp_path, []))])
    first = get_entry(journal, "/entry/2024/01/05/090000")
    for bad in ("a\\..\\..\\b", "x" * 300, "../etc", "a b"):
        with pytest.raises(InputError, match="cannot be used"):
            set_permalink(journal, str(first.id), bad)
    with pytest.raises(ConflictError, match="already used by entry"):
        set_permalink(journal, str(first.id), "/entry/2024/01/06/230000")
    assert set_permalink(journal, str(first.id), "2024/border").permalink == "/entry/2024/border"
    # Every write of an entry checks the rule: no way in forgets it.
    first = get_entry(journal, str(first.id))
    first.permalink = "/entry/../../etc"
    with pytest.raises(InputError, match="cannot be used"):
        replace_entry(journal, first)


def test_an_entry_stored_before_the_rule_stays_editable(journal: Journal,
                                                       tmp_path: Path) -> None:
    import_paths(journal, [str(_jsonl(tmp_path, []))])
    eid = get_entry(journal, "/entry/2024/01/05/090000").id
    conn = sqlite3.connect(str(tmp_path / "j.db"))
    with conn:
        conn.execute("UPDATE entries SET permalink = ? WHERE id = ?", ("a\\..\\b", eid))
    conn.close()
    assert set_status(journal, str(eid), Status.DRAFT).permalink == "a\\..\\b"


def test_the_entries_permalink_command_shows_and_sets(tmp_path: Path) -> None:
    j = init_journal(str(tmp_path / "j.db"), "テスト帳", ["kirinuki.test"])
    import_paths(j, [str(_jsonl(tmp_path, []))])
    eid = get_entry(j, "/entry/2024/01/05/090000").id
    j.close()
    conn = sqlite3.connect(str(tmp_path / "j.db"))
    with conn:
        conn.execute("UPDATE entries SET permalink = ? WHERE id = ?", ("a\\..\\..\\b", eid))
    conn.close()
    run = CliRunner().invoke
    check = run(app, ["--journal", str(tmp_path / "j.db"), "check"])
    assert check.exit_code == 1 and f"entry {eid}: permalink 'a\\..\\..\\b'" in check.output
    base = ["--journal", str(tmp_path / "j.db"), "entries", "permalink", str(eid)]
    shown = run(app, base)
    assert shown.exit_code == 0 and "a\\..\\..\\b" in shown.output
    assert "warning: this permalink cannot be used" in shown.output
    bad = run(app, [*base, "x" * 300])
    assert bad.exit_code == 1 and "error: permalink" in bad.output
    assert "longer than 240 bytes" in bad.output and "Traceback" not in bad.output
    ok = run(app, [*base, "2024/border"])
    assert ok.exit_code == 0 and ok.output.strip() == "/entry/2024/border"
    assert run(app, base).output.strip() == "/entry/2024/border"
    assert run(app, ["--journal", str(tmp_path / "j.db"), "check"]).exit_code == 0


def test_commands_meet_an_entry_dated_at_the_end_of_time(tmp_path: Path) -> None:
    """A draft and a published entry stored with year 9999 (+ a time zone shift that would
    leave datetime's range): exports, adding to today's draft and stats never trace back."""
    db = str(tmp_path / "j.db")
    j = init_journal(db, "テスト帳", ["kirinuki.test"])
    import_paths(j, [str(_jsonl(tmp_path, []))])
    j.close()
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE entries SET published = '9999-12-31T23:59:59+00:00' WHERE key IN"
                     " ('k-first', 'k-second')")
        conn.execute("UPDATE entries SET status = 'draft' WHERE key = 'k-second'")
    conn.close()
    run = CliRunner().invoke
    (tmp_path / "clip.txt").write_text("今日の切り抜きです。\n#今日\n", encoding="utf-8")
    for args in (["export", "--format", "hatena", "-o", str(tmp_path / "mt.txt")],
                 ["export", "-o", str(tmp_path / "texts")],
                 ["export", "--format", "jsonl", "-o", str(tmp_path / "all.jsonl")],
                 ["add", str(tmp_path / "clip.txt")], ["stats"], ["entries", "list"]):
        r = run(app, ["--journal", db, *args])
        assert r.exit_code == 0, (args, r.output)
    assert "DATE: 12/31/9999 23:59:59" in (tmp_path / "mt.txt").read_text(encoding="utf-8")
