"""Fixtures of the Hatena tests: the hand-written export and a journal of the blog's host."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kirinuki.journal import Journal, import_paths, init_journal, open_journal
from tests.conftest import journal_copy

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def export_path() -> Path:
    """Three entries: quotes with cites, hashtags, categories, a draft, a comment, entities."""
    return DATA / "blog.export.txt"


def _blog(path: str) -> Journal:
    return init_journal(path, "切り抜き帳", ["clip.hatenablog.example"])


def _blog_with_export(path: str) -> None:
    with _blog(path) as j:
        import_paths(j, [str(DATA / "blog.export.txt")])


def blog_copy(path: Path, *, export: bool = False) -> Journal:
    """At `path`, a journal published under the fixture blog's host, empty or holding the
    fixture export (a copy of one built once)."""
    if export:
        journal_copy("hatena-export", _blog_with_export, path)
    else:
        journal_copy("hatena-blog", lambda p: _blog(p).close(), path)
    return open_journal(str(path))


@pytest.fixture
def blog(tmp_path: Path) -> Iterator[Journal]:
    """A fresh journal published under the fixture blog's host."""
    j = blog_copy(tmp_path / "blog.db")
    yield j
    j.close()
