"""`kirinuki journal copy`: SQLite -> PostgreSQL -> SQLite keeps the JSON Lines export."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kirinuki.journal import init_journal, open_journal
from kirinuki.journal.analysis import catch_up_analysis, version_notes
from kirinuki.journal.copying import copy_journal
from kirinuki.journal.exporting import export_jsonl
from kirinuki.journal.importing import import_paths
from kirinuki.journal.search import search
from tests.conftest import ROOT, Cli


def _export(path: str) -> bytes:
    buf = io.BytesIO()
    with open_journal(path) as j:
        export_jsonl(j, buf)
    return buf.getvalue()


@pytest.mark.database
def test_sqlite_to_postgres_and_back_exports_the_same(tmp_path: Path, pg_journal_path: str,
                                                      ) -> None:
    first, last = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    with init_journal(first, "写し", ["kirinuki.test"]) as j:
        import_paths(j, [str(ROOT / "demo" / "entries")])
    seen: list[tuple[int, int]] = []
    summary = copy_journal(first, pg_journal_path, lambda d, t: seen.append((d, t)))
    assert summary.entries_added == 57 and seen and seen[-1][0] == seen[-1][1]
    copy_journal(pg_journal_path, last)
    original = _export(first)
    assert _export(pg_journal_path) == original
    assert _export(last) == original
    with open_journal(pg_journal_path) as pg, open_journal(first) as lite:
        assert search(pg, "洪水").total == search(lite, "洪水").total > 0


@pytest.mark.database
def test_a_copy_to_postgres_leaves_its_tables_analysed(tmp_path: Path, pg_journal_path: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 24: without statistics the planner read an entry's clips by scanning the whole
    table (a cold entry page 20x slower than on SQLite at 20k entries)."""
    from kirinuki.store.postgres import upkeep

    monkeypatch.setattr(upkeep, "VACUUM_AFTER_ROWS", 1)  # the demo journal is small
    first = str(tmp_path / "a.db")
    with init_journal(first, "写し", ["kirinuki.test"]) as j:
        import_paths(j, [str(ROOT / "demo" / "entries")])
    copy_journal(first, pg_journal_path)
    with open_journal(pg_journal_path) as pg:
        row = pg.store.conn.execute("SELECT reltuples FROM pg_class WHERE oid = 'clips'::regclass"
                                    ).fetchone()
        clips = pg.store.conn.execute("SELECT count(*) FROM clips").fetchone()[0]
    assert row[0] == clips > 0  # -1 until the table is analysed


def test_copy_refuses_an_existing_destination_and_writes_nothing(tmp_path: Path) -> None:
    src, dst = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    init_journal(src).close()
    init_journal(dst).close()
    before = Path(dst).read_bytes()
    r = Cli(src)("journal", "copy", src, dst)
    assert r.exit_code == 1 and "already exists" in r.stderr
    assert Path(dst).read_bytes() == before
    r = Cli(src)("journal", "copy", src, src)
    assert r.exit_code != 0 and "same journal" in r.stderr


def test_copy_between_files_from_the_cli(tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from kirinuki.cli import analysis_progress

    monkeypatch.setattr(analysis_progress, "QUIET_FOR", 0.0)  # the demo's analysis is quick
    src, dst = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    with init_journal(src, "写し", ["kirinuki.test"]) as j:
        import_paths(j, [str(ROOT / "demo" / "entries")])
    r = Cli(src)("journal", "copy", src, dst)
    assert r.exit_code == 0 and "copied 57 entries (353 clips)" in r.stdout
    assert "版の解析: 切り抜きの特徴を計算中" in r.stderr and "sketching" not in r.stderr
    assert _export(dst) == _export(src)
    r = Cli(src)("journal", "copy", "--no-analyse", src, str(tmp_path / "c.db"))
    assert r.exit_code == 0 and "版の解析" not in r.stderr


def test_a_copy_brings_its_analysis_up_to_date(tmp_path: Path, any_journal_path: str) -> None:
    """Issue 24: the first `serve` request after a copy computed every analysis result (over
    300 s at 20k entries); the copy does it, reporting its stages. Without it, there is work
    left for the next reader."""
    src = str(tmp_path / "a.db")
    with init_journal(src, "写し", ["kirinuki.test"]) as j:
        import_paths(j, [str(ROOT / "demo" / "entries")])
    stages: list[str] = []
    copy_journal(src, any_journal_path, analysis_progress=lambda s, d, t: stages.append(s))
    assert {"sketching", "statements", "suggestions"} <= set(stages)
    with open_journal(any_journal_path) as j:
        assert catch_up_analysis(j) == (0, 0, 0)
        assert version_notes(j)  # the demo holds updated articles
    lazy = str(tmp_path / "lazy.db")
    copy_journal(src, lazy, analyse=False)
    with open_journal(lazy) as j:
        assert catch_up_analysis(j).clips == 353
