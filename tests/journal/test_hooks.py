"""The derived data every entry write keeps in step is registered explicitly: the store lists
its own hooks, and opening a journal adds the journal's (importing registers nothing)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

from tests.conftest import ROOT

PROBE = """
import sys
from kirinuki.journal import init_journal, open_journal
from kirinuki.journal import core
from kirinuki.store.sqlite import hooks, search, story
assert hooks._written == [search.index_entries, story.add_todo], hooks._written
assert hooks._removing == [search.unindex_entries], hooks._removing
j = init_journal(sys.argv[1], "t")
j.close()
j = open_journal(sys.argv[1])  # adding them again changes nothing
j.close()
assert hooks._written == [search.index_entries, story.add_todo, core._sketch_written]
assert hooks._removing == [search.unindex_entries, core._sketch_removing]
print("ok")
"""


def test_importing_registers_no_hook_and_opening_a_journal_adds_its_own(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "j.db")], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_an_entry_write_through_a_journal_sketches_its_clips(tmp_path: Path) -> None:
    from kirinuki.journal import init_journal
    from tests.search.conftest import JST, add_entries, entry

    j = init_journal(str(tmp_path / "j.db"), "t")
    try:
        add_entries(j, [entry([(["北海道で大雪、交通に影響が出ています。"], ["天気"])],
                              datetime(2025, 1, 2, 9, tzinfo=JST), key="k1")])
        sketched = j.store.conn.execute("SELECT count(*) FROM clip_sketches").fetchone()[0]
        indexed = j.store.conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]
        assert sketched == 1  # the journal's hook
        assert indexed == 1  # the store's own
    finally:
        j.close()
