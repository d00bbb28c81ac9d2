"""`kirinuki publish OUT_DIR`: one line of result, clear errors, no traceback."""

from __future__ import annotations

from pathlib import Path

from kirinuki.journal import Journal
from tests.conftest import Cli


def test_publish_command_writes_then_reports_nothing_changed(small: Journal,
                                                            tmp_path: Path) -> None:
    cli = Cli(small.store.path)
    first = cli("publish", str(tmp_path / "site"), "--jobs", "1")
    assert first.exit_code == 0
    assert "published 4 entries, 6 tags as" in first.stdout
    assert "(staged and swapped in)" in first.stdout
    assert (tmp_path / "site/index.html").is_file()
    again = cli("publish", str(tmp_path / "site"))
    assert again.exit_code == 0 and "nothing changed" in again.stdout


def test_publish_into_a_file_is_a_clear_error(small: Journal, tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("メモ", encoding="utf-8")
    done = Cli(small.store.path)("publish", str(target))
    assert done.exit_code == 1
    assert "exists and is not a folder" in done.output
    assert "Traceback" not in done.output
    assert target.read_text(encoding="utf-8") == "メモ"
