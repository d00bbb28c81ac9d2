"""The sample is found from a git worktree too, so its tests run there and in CI."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

# tests/conftest.py by path: other folders have a conftest.py of their own.
_spec = importlib.util.spec_from_file_location("_root_conftest", Path(__file__).parent / "conftest.py")
assert _spec is not None and _spec.loader is not None
_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_conftest)
_seed_path = _conftest._seed_path

NAME = Path("shared") / "seed" / "000_4638226074035248.txt"


def test_seed_found_beside_the_main_checkout_of_a_worktree(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIRINUKI_SEED", raising=False)
    seed = tmp_path / NAME
    seed.parent.mkdir(parents=True)
    seed.write_text("x", encoding="utf-8")
    (tmp_path / "main" / ".git" / "worktrees" / "wt").mkdir(parents=True)
    wt = tmp_path / "wt" / "analysis"
    wt.mkdir(parents=True)
    (wt / ".git").write_text(f"gitdir: {tmp_path}/main/.git/worktrees/wt\n", encoding="utf-8")
    assert _seed_path(wt) == seed
    assert _seed_path(tmp_path / "main") == seed  # beside the checkout itself


def test_seed_from_the_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIRINUKI_SEED", str(tmp_path / "elsewhere.txt"))
    assert _seed_path(tmp_path) == tmp_path / "elsewhere.txt"
