"""Every reason the analysis gives for linking two clips has its Japanese wording for the
owner's pages (an English reason would show as it is)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import kirinuki.analysis
from kirinuki.web.messages import REASONS_JA


def _reasons() -> set[str]:
    """The third argument of every `Match(...)` in the analysis package: a string, or a
    module constant holding one."""
    found: set[str] = set()
    for path in Path(kirinuki.analysis.__file__).parent.glob("*.py"):
        module = importlib.import_module(f"kirinuki.analysis.{path.stem}")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "Match" and len(node.args) >= 3):
                continue
            arg = node.args[2]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add(arg.value)
            elif isinstance(arg, ast.Name):
                found.add(getattr(module, arg.id))
    return found


def test_every_match_reason_has_japanese_wording() -> None:
    reasons = _reasons()
    assert "shared background (a sentence reused)" in reasons  # the walk finds them
    assert len(reasons) >= 10
    assert sorted(reasons - REASONS_JA.keys()) == []
