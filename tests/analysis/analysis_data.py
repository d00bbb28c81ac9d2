"""The labelled sets of tests/analysis/data (hand-written; see build_pairs.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


def load_jsonl(name: str) -> list[dict[str, Any]]:
    """The records of a labelled set in tests/analysis/data."""
    with (DATA / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
