"""One entry cannot blow memory up (issue 17 Low: 2 million short lines in 8 MB took 2.2 GB):
the lines and clips of an entry and the size of a JSON Lines record are limited; an import
over a limit stops naming the file, and nothing of it is written."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from kirinuki.errors import InputError
from kirinuki.journal import Journal, import_paths, importing_records
from kirinuki.journal import importing as imp
from kirinuki.journal.editing import add_group
from kirinuki.model import Clip, Group


def _count(journal: Journal) -> int:
    return int(journal.store.conn.execute("SELECT count(*) FROM entries").fetchone()[0])


def test_too_many_lines_are_refused_before_parsing(journal: Journal, tmp_path: Path) -> None:
    good = tmp_path / "2024-01-01_080000.txt"
    good.write_text("ふつうの切り抜きです。\n#タグ\n", encoding="utf-8")
    big = tmp_path / "2024-01-02_080000.txt"
    big.write_bytes(b"ab\n" * (imp.MAX_ENTRY_LINES + 1))
    with pytest.raises(InputError, match=rf"{big}: 50,001 lines is too many for one entry "
                                         r"\(limit 50,000\)"):
        import_paths(journal, [str(tmp_path)])
    assert _count(journal) == 0  # the good file went too: one import, all or nothing


def test_two_million_short_lines_cost_little_memory(journal: Journal, tmp_path: Path) -> None:
    big = tmp_path / "2024-01-02_080000.txt"
    big.write_bytes(b"ab1\n" * 2_000_000)  # 8 MB, the attack as reported
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="lines is too many"):
            import_paths(journal, [str(big)])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 1024


def test_an_entry_at_the_line_limit_is_taken(journal: Journal, tmp_path: Path) -> None:
    f = tmp_path / "2024-01-01_080000.txt"
    f.write_bytes("切り抜きです。\n".encode() + b"\n" * (imp.MAX_ENTRY_LINES - 2) + b"#tag\n")
    assert import_paths(journal, [str(f)]).entries_added == 1


def _record(clips: int) -> str:
    return json.dumps({
        "type": "entry", "key": "big", "permalink": None, "published": None, "status": "draft",
        "title": None, "layout": {"bom": False, "newline": "\n", "lead_blank": 0},
        "header": [], "footer": None,
        "groups": [{"items": [{"clip": {"text": f"段落{i}", "blank_after": 0}}
                              for i in range(clips)], "tag_lines": []}]})


def test_too_many_clips_in_a_json_lines_record(journal: Journal, tmp_path: Path) -> None:
    f = tmp_path / "x.jsonl"
    f.write_text(_record(imp.MAX_ENTRY_CLIPS + 1) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x.jsonl:1: entry big: 10,001 clips is too many"):
        import_paths(journal, [str(f)])
    f.write_text(_record(imp.MAX_ENTRY_CLIPS) + "\n", encoding="utf-8")
    assert import_paths(journal, [str(f)]).clips_added == imp.MAX_ENTRY_CLIPS


def test_a_huge_json_lines_record_is_not_read_whole(journal: Journal, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing_records, "MAX_RECORD_BYTES", 1000)
    f = tmp_path / "x.jsonl"
    f.write_text(_record(1) + "\n" + _record(300) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x.jsonl:2: a record over 1,000 bytes is too large"):
        import_paths(journal, [str(f)])
    assert _count(journal) == 0


def test_adding_to_a_full_entry_is_refused(journal: Journal, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imp, "MAX_ENTRY_CLIPS", 3)
    entry = add_group(journal, None, Group(items=[Clip("一"), Clip("二")]))
    with pytest.raises(InputError, match="4 clips is too many for one entry"):
        add_group(journal, str(entry.id), Group(items=[Clip("三"), Clip("四")]))
    assert len(add_group(journal, str(entry.id), Group(items=[Clip("三")])).clips) == 3
