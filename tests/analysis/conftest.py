"""Fixtures for analysis tests: the labelled sets and a journal holding the demo data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kirinuki.journal import Journal, import_paths, init_journal

DEMO = Path(__file__).resolve().parents[2] / "demo" / "entries"


@pytest.fixture
def demo_journal(tmp_path: Path) -> Iterator[Journal]:
    """A journal holding demo/entries (skips when the demo data is absent)."""
    if not DEMO.is_dir():
        pytest.skip("demo/entries is not present")
    j = init_journal(str(tmp_path / "demo.db"), "demo", ["demo.kirinuki.example"])
    import_paths(j, [str(DEMO)])
    yield j
    j.close()
