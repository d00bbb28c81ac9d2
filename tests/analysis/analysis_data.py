"""The labelled sets of tests/analysis/data (hand-written; see build_pairs.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kirinuki.analysis.duplicates import compare, prepare
from kirinuki.analysis.figures import extract_figures

DATA = Path(__file__).resolve().parent / "data"


def kind(a: str, b: str) -> str | None:
    """What `compare` makes of clip `b` against clip `a`: its kind, or None when unrelated."""
    m = compare(prepare(a), prepare(b))
    return m.kind if m else None


def load_jsonl(name: str) -> list[dict[str, Any]]:
    """The records of a labelled set in tests/analysis/data."""
    with (DATA / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@dataclass(frozen=True)
class FigureScore:
    """Counts of figure extraction against the labelled figures: a hit needs the same surface,
    value and counter; `predicate` counts hits whose predicate is right too."""

    tp: int
    fp: int
    fn: int
    predicate: int

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        p, r = self.tp / (self.tp + self.fp), self.tp / (self.tp + self.fn)
        return 2 * p * r / (p + r)


def score_figures(rows: list[dict[str, Any]]) -> FigureScore:
    """Score `extract_figures` on labelled rows (`text`, `figures`: [surface, value, counter,
    qualifier, predicate])."""
    tp = fp = fn = predicate = 0
    for row in rows:
        gold = {g[0]: g for g in row["figures"]}
        got = {f.surface: f for f in extract_figures(row["text"])}
        for surface, f in got.items():
            g = gold.get(surface)
            # This older set labels no signs: a decrease (`22%下落`) is compared by its size.
            if g is not None and abs(abs(float(f.value)) - g[1]) < 1e-9 and f.counter == g[2]:
                tp += 1
                predicate += f.predicate == g[4]
            else:
                fp += 1
        fn += sum(1 for s in gold if s not in got)
    return FigureScore(tp, fp, fn, predicate)
