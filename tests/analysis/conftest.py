"""Fixtures for analysis tests: the labelled sets and a journal holding the demo data."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kirinuki.journal import Journal, import_paths, init_journal, open_journal

DEMO = Path(__file__).resolve().parents[2] / "demo" / "entries"


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """demo/entries imported once, as an import leaves them (no sketches yet)."""
    if not DEMO.is_dir():
        pytest.skip("demo/entries is not present")
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    j = init_journal(str(path), "demo", ["demo.kirinuki.example"])
    import_paths(j, [str(DEMO)])
    j.close()  # checkpoints the WAL: the one file holds everything
    return path


@pytest.fixture
def demo_journal(tmp_path: Path, _demo_template: Path) -> Iterator[Journal]:
    """A fresh copy of a journal holding demo/entries (skips when the demo data is absent)."""
    path = tmp_path / "demo.db"
    shutil.copyfile(_demo_template, path)
    j = open_journal(str(path))
    yield j
    j.close()
