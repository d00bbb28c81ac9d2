"""`kirinuki check`, and damaged journals met by any command: one `error:` line, exit 1,
never a traceback (issue 17 Low; issue 16 "Also check")."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kirinuki.journal import import_paths, init_journal
from tests.conftest import Cli

DEMO = Path(__file__).resolve().parents[2] / "demo" / "entries"
PAGE = 8192


@pytest.fixture(scope="module")
def sound(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A journal of the demo entries, checkpointed into its one file."""
    path = tmp_path_factory.mktemp("check") / "sound.db"
    with init_journal(str(path), "帳", ["kirinuki.test"]) as j:
        import_paths(j, [str(DEMO)])
    return path


@pytest.fixture
def copy(sound: Path, tmp_path: Path) -> Path:
    path = tmp_path / "j.db"
    shutil.copyfile(sound, path)
    return path


def _sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for s in statements:
        conn.execute(s)
    conn.close()


def test_a_sound_journal_passes(copy: Path) -> None:
    r = Cli(str(copy))("check")
    assert r.exit_code == 0
    assert r.output.startswith(f"ok: {copy}: SQLite integrity")
    assert "clips of 57 entries" in r.output


def test_a_search_index_out_of_step_is_found_and_reindex_repairs_it(copy: Path) -> None:
    cli = Cli(str(copy))
    _sql(copy, "DELETE FROM search_docs WHERE docid = (SELECT max(docid) FROM search_docs)")
    r = cli("check")
    assert r.exit_code == 1
    assert "1 clips are missing from the search index: run kirinuki reindex" in r.output
    assert r.output.rstrip().splitlines()[-1] == f"error: {copy}: 2 problems found (listed above)"
    assert cli("reindex").exit_code == 0
    assert cli("check").exit_code == 0


def test_text_changed_behind_the_index_is_found(copy: Path) -> None:
    _sql(copy, "UPDATE clips SET text = text || 'x' WHERE id = 3")
    r = Cli(str(copy))("check")
    assert r.exit_code == 1
    assert "1 clips have text that changed behind the search index (clip 3)" in r.output


def test_damaged_values_stop_commands_with_one_line(copy: Path, tmp_path: Path) -> None:
    """A date that does not parse, a number turned into text: SQLite reads both happily."""
    cli = Cli(str(copy))
    _sql(copy, "UPDATE entries SET published = '2024-09-1\u2035T08:15:00+09:00' WHERE id = 2",
         "UPDATE clips SET blank_after = 'x' WHERE id = 1")
    r = cli("check")
    assert r.exit_code == 1
    assert "1 entries rows hold a damaged date in published (id 2)" in r.output
    assert "1 clips rows hold a value of the wrong type (row 1)" in r.output
    for args in (["stats"], ["entries", "list"], ["export", "-e", "1"],
                 ["export", "--format", "jsonl", "-o", str(tmp_path / "x.jsonl")],
                 ["publish", str(tmp_path / "site")]):
        r = cli(*args)
        if r.exit_code:
            lines = r.output.strip().splitlines()
            assert lines[-1].startswith("error:") and "damaged" in lines[-1], (args, r.output)
            assert "Traceback" not in r.output


def _run(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env.pop("KIRINUKI_JOURNAL", None)
    return subprocess.run([sys.executable, "-m", "kirinuki", "-j", str(path), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 3 // 5])


def _flip_middle(path: Path) -> None:
    # Six pages holding clips (chosen by what they hold: at a fixed place in the file, a new
    # table's empty root page can be hit, whose unused bytes no check reads).
    conn = sqlite3.connect(path)
    held = [n for (n,) in conn.execute("SELECT pageno FROM dbstat WHERE name = 'clips'"
                                       " AND pagetype = 'leaf' ORDER BY pageno")]
    conn.close()
    data = bytearray(path.read_bytes())
    middle = len(held) // 3
    for number in held[middle:middle + 6]:  # every 97th byte of six pages of clips
        page = number - 1
        for i in range(page * PAGE + 8, page * PAGE + PAGE, 97):
            data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def _cut_bytes(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:-5])  # a few bytes short of the last page


@pytest.mark.parametrize("damage", [_truncate, _flip_middle])
def test_a_damaged_file_in_process(copy: Path, tmp_path: Path, damage: object) -> None:
    """The same, in-process (fast): an exception escaping the CLI fails the test."""
    damage(copy)  # type: ignore[operator]
    cli = Cli(str(copy))
    for args in (["stats"], ["search", "ロシア"], ["entries", "list"], ["check"]):
        r = cli(*args)
        if r.exit_code or args == ["check"]:
            assert r.exit_code == 1, (args, r.output)
            last = r.output.strip().splitlines()[-1]
            # Damage that lands in the search index's metadata (where depends on the tables
            # the schema has) is reported as an index to rebuild: one line too.
            assert last.startswith(f"error: {copy}") or (
                args[0] == "search" and last.startswith("error: the search index needs "
                                                        "rebuilding")), r.output


@pytest.mark.slow
@pytest.mark.parametrize("damage", [_truncate, _flip_middle, _cut_bytes])
def test_a_damaged_file_gives_one_error_line_in_every_command(copy: Path, tmp_path: Path,
                                                              damage: object) -> None:
    damage(copy)  # type: ignore[operator]
    new = tmp_path / "2030-01-01_000000.txt"
    new.write_text("新しい切り抜きです。\n#タグ\n", encoding="utf-8")
    failed = 0
    for args in (["stats"], ["search", "ロシア"], ["import", str(new)], ["check"]):
        r = _run(copy, *args)
        assert "Traceback" not in r.stderr, (args, r.stderr)
        if r.returncode:
            assert r.returncode == 1, (args, r.stderr)
            last = r.stderr.strip().splitlines()[-1]
            assert last.startswith("error: ") and str(copy) in last, (args, r.stderr)
            failed += 1
        elif args == ["check"]:
            pytest.fail(f"check passed a damaged journal: {r.stdout}")
    assert failed >= 1
