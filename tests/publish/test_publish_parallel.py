"""Big builds: forked workers and worker replacement give the same site as
one process (the small journal, with the thresholds lowered so every part runs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kirinuki.journal import Journal
from kirinuki.publish import build, publish, units


def files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*")
            if p.is_file()}


def test_workers_write_the_site_one_process_writes(small: Journal, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    one = publish(small, tmp_path / "one", jobs=1)
    monkeypatch.setattr(build, "PARALLEL_MIN", 1)
    monkeypatch.setattr(units, "UNIT_PAGES", 1)  # many units: workers are replaced
    counts: list[int] = []
    real = units.units_of
    monkeypatch.setattr(build, "units_of", lambda *a: counts.append(len(real(*a))) or real(*a))
    two = publish(small, tmp_path / "two", jobs=2)
    assert counts and counts[0] > 2 * 8  # more units than two workers take before replacement
    assert two.written == one.written == one.pages
    assert files(tmp_path / "two") == files(tmp_path / "one")
    # The manifest the workers' records made is complete: nothing to do the next time.
    again = publish(small, tmp_path / "two", jobs=2)
    assert again.written == 0 and again.removed == 0
