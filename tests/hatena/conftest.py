"""Fixtures of the Hatena tests: the hand-written export and a journal of the blog's host."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kirinuki.journal import Journal, init_journal, open_journal
from tests.conftest import journal_copy

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def export_path() -> Path:
    """Three entries: quotes with cites, hashtags, categories, a draft, a comment, entities."""
    return DATA / "blog.export.txt"


@pytest.fixture
def blog(tmp_path: Path) -> Iterator[Journal]:
    """A fresh journal published under the fixture blog's host."""
    path = tmp_path / "blog.db"
    journal_copy("hatena-blog", lambda p: init_journal(p, "切り抜き帳", ["clip.hatenablog.example"])
                 .close(), path)
    j = open_journal(str(path))
    yield j
    j.close()
