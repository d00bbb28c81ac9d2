"""Background work of `kirinuki serve` once per journal, not once per process (issue 24): the
analysis catch-up every process kicks after a write runs one at a time across processes."""

from __future__ import annotations

import pytest

from kirinuki.journal import Journal, init_journal, open_journal
from kirinuki.web import follow


def test_the_analysis_waits_for_another_process_s_run(any_journal_path: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    init_journal(any_journal_path, "背景帳", ["kirinuki.test"]).close()
    runs: list[str] = []
    monkeypatch.setattr(follow, "catch_up_analysis", lambda j: runs.append("run"))
    monkeypatch.setattr(follow, "LOCK_POLL", 0.01)
    analysis = follow.Analysis(lambda: open_journal(any_journal_path))
    other: Journal = open_journal(any_journal_path)  # another `serve` process's connection
    try:
        with other.store.exclusive("analysis") as held:  # its run is under way
            assert held
            analysis.kick()
            assert not analysis.settle(0.5)  # still waiting for its turn
            assert runs == []
        assert analysis.settle(120)
        assert runs == ["run"]  # then it ran, once
        with other.store.exclusive("analysis") as held:
            assert held  # and let the lock go
    finally:
        analysis.close()
        other.close()
