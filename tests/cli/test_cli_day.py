"""The clipper's day from the CLI (issue 19): new, set, publish, unpublish, edit in $EDITOR,
delete to the trash, restore, purge, tags rename/merge/list, and bad input for each."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from kirinuki.journal import open_journal
from kirinuki.journal.composing import moved_permalink
from tests.conftest import Cli

FAKE_EDITOR = '''
import json, os, sys
path = sys.argv[1]
plan_file = os.environ["FAKE_PLAN"]
plan = json.load(open(plan_file, encoding="utf-8"))
step = plan.pop(0)
json.dump(plan, open(plan_file, "w", encoding="utf-8"))
with open(os.environ["FAKE_SEEN"], "a", encoding="utf-8") as log:
    log.write(json.dumps(open(path, encoding="utf-8", newline="").read()) + "\\n")
if step["do"] == "write":
    open(path, "w", encoding="utf-8", newline="").write(step["text"])
elif step["do"] == "replace":  # an edit below the notes, which stay
    text = open(path, encoding="utf-8", newline="").read()
    open(path, "w", encoding="utf-8", newline="").write(text.replace(step["old"], step["new"]))
elif step["do"] == "fail":
    sys.exit(3)
elif step["do"] == "write_after_another":  # another writer adds to the entry meanwhile
    import subprocess
    subprocess.run([sys.executable, "-m", "kirinuki", "add", "-", "--entry", step["entry"]],
                   input=step["other"], text=True, check=True, capture_output=True)
    open(path, "w", encoding="utf-8", newline="").write(step["text"])
'''


@pytest.fixture
def day(cli: Cli) -> Cli:
    r = cli("init", "--title", "テスト帳", "--host", "kirinuki.test")
    assert r.exit_code == 0, r.output
    return cli


class Editor:
    """A fake $EDITOR following a plan: write a text, keep the file as it is, or fail."""

    def __init__(self, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        script = tmp / "fake_editor.py"
        script.write_text(FAKE_EDITOR, encoding="utf-8")
        self.plan = tmp / "plan.json"
        self.seen_file = tmp / "seen.jsonl"
        monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
        monkeypatch.delenv("VISUAL", raising=False)
        monkeypatch.setenv("FAKE_PLAN", str(self.plan))
        monkeypatch.setenv("FAKE_SEEN", str(self.seen_file))

    def will(self, *steps: dict[str, str]) -> None:
        self.plan.write_text(json.dumps(list(steps)), encoding="utf-8")
        self.seen_file.write_text("", encoding="utf-8")

    @property
    def seen(self) -> list[str]:
        return [json.loads(x) for x in self.seen_file.read_text(encoding="utf-8").splitlines()]

    @property
    def left(self) -> int:
        return len(json.loads(self.plan.read_text(encoding="utf-8")))


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Editor:
    return Editor(tmp_path, monkeypatch)


def _entry(cli: Cli, eid: str) -> dict:
    r = cli("entries", "show", eid, "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _fails(r, message: str) -> None:  # noqa: ANN001
    assert r.exit_code == 1, r.output
    assert f"error: {message}" in r.output, r.output
    assert "Traceback" not in r.output


def test_new_set_publish_unpublish(day: Cli) -> None:
    r = day("entries", "new", "--title", "朝刊", "--at", "2024-09-03 08:15")
    assert r.exit_code == 0, r.output
    eid = r.stdout.strip()
    assert eid.isdigit()
    e = _entry(day, eid)
    assert (e["title"], e["status"], e["published"], e["permalink"]) == (
        "朝刊", "draft", "2024-09-03T08:15:00+09:00", None)
    r = day("entries", "publish", eid)
    assert r.exit_code == 0 and "/entry/2024/09/03/081500" in r.stdout
    r = day("entries", "set", eid, "--title", "")
    assert _entry(day, eid)["title"] is None
    r = day("entries", "unpublish", eid)
    assert r.exit_code == 0 and "draft" in r.stdout
    e = _entry(day, eid)
    assert e["status"] == "draft" and e["permalink"] == "/entry/2024/09/03/081500"
    r = day("entries", "publish", eid, "--at", "2024-09-02 21:00")
    e = _entry(day, eid)
    assert e["status"] == "published" and e["published"] == "2024-09-02T21:00:00+09:00"
    assert e["permalink"] == "/entry/2024/09/02/210000"


def test_a_published_entry_moved_to_another_date_keeps_its_old_address(day: Cli) -> None:
    eid = day("entries", "new", "--at", "2024-09-03 08:15").stdout.strip()
    day("entries", "publish", eid)
    r = day("entries", "set", eid, "--at", "2024-09-04 07:00")
    assert r.exit_code == 0 and "/entry/2024/09/04/070000" in r.stdout
    day("entries", "set", eid, "--at", "2024-09-05 07:00")
    with open_journal(day.journal) as j:
        # Both old addresses lead to the newest one.
        assert moved_permalink(j, "/entry/2024/09/03/081500") == "/entry/2024/09/05/070000"
        assert moved_permalink(j, "/entry/2024/09/04/070000") == "/entry/2024/09/05/070000"
    # Another entry never takes an old address: it gets the next free one.
    other = day("entries", "new", "--at", "2024-09-03 08:15").stdout.strip()
    assert "/entry/2024/09/03/081500-2" in day("entries", "publish", other).stdout
    # Moving back to the first date makes that address the entry's own again.
    day("entries", "set", eid, "--at", "2024-09-03 08:15")
    assert _entry(day, eid)["permalink"] == "/entry/2024/09/03/081500"
    with open_journal(day.journal) as j:
        assert moved_permalink(j, "/entry/2024/09/03/081500") is None


def test_bad_input_is_one_error_line(day: Cli) -> None:
    _fails(day("entries", "new", "--at", "2024-13-01 08:00"), "not a date: '2024-13-01 08:00'")
    _fails(day("entries", "new", "--at", "昨日"), "not a date")
    _fails(day("entries", "publish", "999"), "no entry '999'")
    _fails(day("entries", "unpublish", "999"), "no entry '999'")
    _fails(day("entries", "set", "999", "--title", "x"), "no entry '999'")
    eid = day("entries", "new").stdout.strip()
    _fails(day("entries", "set", eid), "nothing to change")
    _fails(day("entries", "set", eid, "--at", "2024-02-30"), "not a date")
    _fails(day("entries", "delete", "999"), "no entry '999'")
    _fails(day("entries", "restore", "999"), "entry 999 has nothing in the trash")
    _fails(day("entries", "restore", eid), f"entry {eid} has nothing in the trash")
    _fails(day("entries", "edit", "999"), "no entry '999'")
    _fails(day("tags", "rename", "無い", "有る"), "no tag #無い")
    _fails(day("tags", "merge", "無い", "有る"), "no tag #有る")
    _fails(day("tags", "merge", "一つ"), "name at least one tag")
    r = day("entries", "restore", "abc")
    assert r.exit_code == 2 and "Traceback" not in r.output
    r = day("entries", "purge", "--older-than", "-1")
    assert r.exit_code == 2 and "Traceback" not in r.output


def _imported(day: Cli, tmp_path: Path, name: str, text: str) -> str:
    (tmp_path / "in").mkdir(exist_ok=True)
    (tmp_path / "in" / name).write_text(text, encoding="utf-8")
    r = day("import", str(tmp_path / "in" / name))
    assert r.exit_code == 0, r.output
    return str(json.loads(day("entries", "list", "--json").stdout)[0]["id"])


def test_delete_restore_and_purge(day: Cli, tmp_path: Path) -> None:
    eid = _imported(day, tmp_path, "2024-09-03_081500.txt", "一つ目。\n二つ目。\n#外交")
    clip_ids = [c["id"] for c in _entry(day, eid)["groups"][0]["clips"]]
    r = day("entries", "delete", eid)
    assert r.exit_code == 0 and f"kirinuki entries restore {eid}" in r.stdout
    _fails(day("entries", "show", eid), f"no entry '{eid}'")
    assert json.loads(day("entries", "list", "--json").stdout) == []
    trash = json.loads(day("entries", "list", "--status", "trash", "--json").stdout)
    assert [(t["id"], t["whole"], t["clips"]) for t in trash] == [(int(eid), True, 2)]
    assert json.loads(day("search", "一つ目", "--json").stdout)["total"] == 0
    # The same file imported again is present (in the trash), not a second entry.
    r = day("import", str(tmp_path / "in"))
    assert "entries 0 added, 1 already present" in r.output
    assert "present in the trash" in r.output
    # A new entry gets a new id: the deleted one stays reserved.
    assert int(day("entries", "new").stdout) > int(eid)
    r = day("entries", "restore", eid)
    assert r.exit_code == 0 and "/entry/2024/09/03/081500" in r.stdout
    e = _entry(day, eid)
    assert e["permalink"] == "/entry/2024/09/03/081500" and e["status"] == "published"
    assert [c["id"] for c in e["groups"][0]["clips"]] == clip_ids
    assert e["groups"][0]["tags"] == ["外交"]
    assert json.loads(day("search", "一つ目", "--json").stdout)["total"] == 1
    assert json.loads(day("entries", "list", "--status", "trash", "--json").stdout) == []
    # Purge: --older-than keeps what was deleted recently; without it everything goes.
    day("entries", "delete", eid)
    assert "purged 0 items" in day("entries", "purge", "--older-than", "30").stdout
    assert "purged 1 items" in day("entries", "purge").stdout
    _fails(day("entries", "restore", eid), f"entry {eid} has nothing in the trash")
    r = day("check")
    assert r.exit_code == 0, r.output


def _write(text: str) -> dict[str, str]:
    return {"do": "write", "text": text}


KEEP = {"do": "keep"}
FAIL = {"do": "fail"}


def test_edit_in_the_editor_saves_in_one_go(day: Cli, tmp_path: Path, editor: Editor) -> None:
    eid = _imported(day, tmp_path, "2024-09-03_081500.txt", "一つ目。\n二つ目。\n#外交")
    first = _entry(day, eid)["groups"][0]["clips"][0]["id"]
    editor.will(_write("一つ目。\n#外交\n\n三つ目。\n#経済#速報"))
    r = day("entries", "edit", eid)
    assert r.exit_code == 0, r.output
    assert editor.seen == ["一つ目。\n二つ目。\n#外交"]
    assert (f"entry {eid} saved: 2 groups, 2 clips, 3 tags (#外交 #経済 #速報): 1 clip added;"
            " 1 clip removed (to the trash); #経済 added; #速報 added") in r.stdout
    e = _entry(day, eid)
    assert [[c["text"] for c in g["clips"]] for g in e["groups"]] == [["一つ目。"], ["三つ目。"]]
    assert e["groups"][0]["clips"][0]["id"] == first, "an unchanged clip keeps its id"
    assert e["permalink"] == "/entry/2024/09/03/081500" and e["status"] == "published"
    # The removed clip is in the trash and comes back with its entry's restore.
    trash = json.loads(day("entries", "list", "--status", "trash", "--json").stdout)
    assert [(t["id"], t["whole"], t["clips"]) for t in trash] == [(int(eid), False, 1)]
    r = day("entries", "restore", eid)
    assert r.exit_code == 0, r.output
    e = _entry(day, eid)
    assert [c["text"] for c in e["groups"][0]["clips"]] == ["一つ目。", "二つ目。"]


def test_edit_quit_without_saving_changes_nothing(day: Cli, tmp_path: Path,
                                                  editor: Editor) -> None:
    eid = _imported(day, tmp_path, "2024-09-03_081500.txt", "一つ目。\n#外交")
    before = _entry(day, eid)
    editor.will(KEEP)
    r = day("entries", "edit", eid)
    assert r.exit_code == 0 and "no change, nothing saved" in r.stdout
    assert _entry(day, eid) == before


def test_edit_with_a_problem_reopens_with_the_message_on_top(day: Cli, tmp_path: Path,
                                                             editor: Editor) -> None:
    eid = _imported(day, tmp_path, "2024-09-03_081500.txt", "一つ目。\n#外交")
    editor.will(_write("一つ目。\n#外交 米国が発表\n"),
                {"do": "replace", "old": "#外交 米国が発表", "new": "#外交#経済"})
    r = day("entries", "edit", eid)
    assert r.exit_code == 0, r.output
    second = editor.seen[1]
    assert second.startswith("#| not saved: line 2 starts with # but is not a tag line")
    assert second.endswith("\n一つ目。\n#外交 米国が発表\n"), "what was typed is shown again"
    assert _entry(day, eid)["groups"][0]["tags"] == ["外交", "経済"]


def test_edit_giving_up_after_a_problem_keeps_the_text(day: Cli, tmp_path: Path,
                                                       editor: Editor) -> None:
    eid = _imported(day, tmp_path, "2024-09-03_081500.txt", "一つ目。\n#外交")
    before = _entry(day, eid)
    editor.will(_write(""), KEEP)
    r = day("entries", "edit", eid)
    _fails(r, "not saved: no clips are left: to delete the entry, use `kirinuki entries delete")
    assert "your edited text is kept in" in r.output
    kept = Path(r.output.split("your edited text is kept in ")[1].split()[0])
    assert kept.read_text(encoding="utf-8").startswith("#| not saved")
    assert _entry(day, eid) == before


def test_edit_when_the_editor_fails(day: Cli, tmp_path: Path, editor: Editor,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    eid = _imported(day, tmp_path, "2024-09-03_081500.txt", "一つ目。\n#外交")
    before = _entry(day, eid)
    editor.will(FAIL)
    r = day("entries", "edit", eid)
    _fails(r, "the editor")
    assert "failed (exit status 3); nothing saved" in r.output
    monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))
    r = day("entries", "edit", eid)
    _fails(r, "the editor")
    assert "was not found (set $EDITOR); nothing saved" in r.output
    assert _entry(day, eid) == before


def test_edit_refused_when_another_writer_wrote_meanwhile(day: Cli, tmp_path: Path,
                                                          editor: Editor) -> None:
    """Checked by revision (issue 24): the other writer's clip stays, the edit is kept."""
    eid = _imported(day, tmp_path, "2024-09-03_081500.txt", "一つ目。\n#外交")
    editor.will({"do": "write_after_another", "entry": eid, "other": "割り込み。\n#経済\n",
                 "text": "直した一つ目。\n#外交"})
    r = day("entries", "edit", eid)
    _fails(r, f"entry {eid} was changed by someone else since it was read")
    assert "nothing saved" in r.output and "your edited text is kept in" in r.output
    kept = Path(r.output.split("your edited text is kept in ")[1].split()[0])
    assert kept.read_text(encoding="utf-8") == "直した一つ目。\n#外交"
    groups = _entry(day, eid)["groups"]
    assert [[c["text"] for c in g["clips"]] for g in groups] == [["一つ目。"], ["割り込み。"]]


def test_tags_list_rename_merge(day: Cli, tmp_path: Path) -> None:
    eid = _imported(day, tmp_path, "2024-09-03_081500.txt", "甲。\n#露\n\n乙。\n#露西亜#米")
    r = day("tags", "rename", "#露", "ロシア")
    assert r.exit_code == 0 and "renamed #露 to #ロシア in 1 places" in r.stdout
    r = day("tags", "merge", "露西亜", "#米", "ロシア")
    assert r.exit_code == 0 and "merged 2 tags into #ロシア" in r.stdout
    listed = json.loads(day("tags", "list", "--json").stdout)
    assert [(t["display"], t["groups"]) for t in listed] == [("ロシア", 2)]
    assert json.loads(day("tags", "--json").stdout) == listed, "`tags` alone still lists"
    assert "#ロシア" in day("tags").stdout
    text = day("export", "--entry", eid).stdout
    assert text == "甲。\n#ロシア\n\n乙。\n#ロシア#ロシア"


def test_rename_onto_another_tags_old_name_from_the_cli(day: Cli, tmp_path: Path) -> None:
    # The steps, which ended in a FOREIGN KEY traceback.
    eid = _imported(day, tmp_path, "2024-01-01_000000.txt", "演説。\n#年頭演説")
    day("entries", "delete", eid)
    assert day("tags", "rename", "年頭演説", "米国").exit_code == 0
    _imported(day, tmp_path, "2024-01-02_000000.txt", "声明。\n#米国#反ロシア")
    r = day("tags", "rename", "反ロシア", "年頭演説")
    assert r.exit_code == 0, r.output
    listed = {t["display"] for t in json.loads(day("tags", "list", "--json").stdout)}
    assert listed == {"米国", "年頭演説"}


def test_import_reports_a_present_entry_with_another_date(day: Cli, tmp_path: Path) -> None:
    _imported(day, tmp_path, "2024-09-03_081500.txt", "一つ目。\n#外交")
    moved = tmp_path / "again"
    moved.mkdir()
    (moved / "2024-09-04_070000.txt").write_text("一つ目。\n#外交", encoding="utf-8")
    r = day("import", str(moved))
    assert r.exit_code == 0 and "1 already present" in r.output
    assert ("present, date differs: entry 1 is dated 2024-09-03 08:15:00, the file name says"
            ' 2024-09-04 07:00:00 (to move it: kirinuki entries set 1 --at "2024-09-04 07:00")'
            in r.output)
    same = tmp_path / "same"
    same.mkdir()
    (same / "2024-09-03_081500.txt").write_text("一つ目。\n#外交", encoding="utf-8")
    assert "date differs" not in day("import", str(same)).output


def test_publish_says_how_many_drafts_it_left_out(day: Cli, tmp_path: Path) -> None:
    _imported(day, tmp_path, "2024-09-03_081500.txt", "一つ目。\n#外交")
    day("entries", "new")
    day("entries", "new")
    r = day("publish", str(tmp_path / "site"))
    assert r.exit_code == 0, r.output
    assert ("下書き 2 件は公開されていません (drafts not published; see them with"
            " `kirinuki entries list --status draft`)") in r.stdout
