"""Would a small learned combiner generalise better than the hand rules? Cross-validated, dev only.

    PYTHONPATH=. .venv/bin/python bench/analysis_combiner.py [--folds 5]

A multinomial logistic regression (NumPy, L2, full-batch gradient descent) over features the
rules already compute for a pair of clips — alignment ratio, content overlap, sentence
similarities, numbers, days, names, openings, counts, plans, ends of states — with or without
the rules' own answer as a feature. Trained and scored only on development material: `dev` and
the retired parts (`heldout`, `heldout2`); the frozen held-out parts are never read. Prints,
per kind, pair precision / recall of: the rules; the combiner trained on dev and scored on the
retired parts (written by other hands: the generalisation test); k-fold cross-validation over
dev + retired (folds by pair). The rules were tuned on all of this material, so their figures
here are optimistic; the combiner's are not.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))

from kirinuki.analysis.counts import count_updated, other_slots  # noqa: E402
from kirinuki.analysis.duplicates import Prepared, compare, prepare  # noqa: E402
from kirinuki.analysis.passages import _similar  # noqa: E402
from kirinuki.analysis.plans import opens_alike, plan_done, state_ended  # noqa: E402
from kirinuki.analysis.sentences import (  # noqa: E402
    days,
    is_template,
    swapped,
    word_put_for_another,
)

EVAL = ROOT / "tests" / "analysis" / "data" / "eval"
KINDS = ("unrelated", "duplicate", "version", "background")


def load(part: str) -> list[dict[str, Any]]:
    with (EVAL / part / "pairs.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def features(a: Prepared, b: Prepared) -> list[float]:
    """What the rules look at, as numbers (no rule's answer)."""
    from rapidfuzz import fuzz

    ratio = fuzz.ratio(a.masked, b.masked) / 100
    overlap = _jaccard(a.bigrams, b.bigrams)
    sa, sb = a.sentences, b.sentences
    if sa and sb:
        matrix = [[_similar(x, y, 0.0, 0.75) for y in sb] for x in sa]
        first = matrix[0][0]
        best = max(max(r) for r in matrix)
        short = matrix if len(sa) <= len(sb) else [list(c) for c in zip(*matrix, strict=True)]
        coverage = sum(max(r) for r in short) / len(short)
        x, y = sa[0], sb[0]
        da, db = days(x.folded), days(y.folded)
        first_facts = [
            float(bool(x.names & y.names)), float(swapped(x.names, y.names)),
            float(swapped(x.orgs, y.orgs)), float(opens_alike(x, y)),
            float(count_updated(x, y)), float(other_slots(x, y)), float(is_template(x, y)),
            float(plan_done(x, y)), float(state_ended(x, y)),
            float(bool(da) and da == db), float(bool(da) and bool(db) and da != db),
        ]
    else:
        first = best = coverage = 0.0
        first_facts = [0.0] * 11
    la, lb = len(a.masked), len(b.masked)
    return [
        ratio, overlap, (ratio + overlap) / 2, first, best, coverage,
        min(la, lb) / max(la, lb, 1), math.log1p(min(la, lb)),
        float(a.numbers == b.numbers), float(bool(a.numbers) != bool(b.numbers)),
        float(bool(a.figures & b.figures)), float(len(sa) == len(sb) == 1),
        float(a.substance < 10 or b.substance < 10),
        float(word_put_for_another(a.masked, b.masked)),
        *first_facts,
    ]


def rule_kind(a: Prepared, b: Prepared) -> str:
    m = compare(a, b)
    return m.kind if m else "unrelated"


def one_hot(kind: str) -> list[float]:
    return [float(kind == k) for k in KINDS]


class LogReg:
    """Multinomial logistic regression, standardised inputs, L2 penalty."""

    def __init__(self, l2: float = 1e-2, steps: int = 3000, rate: float = 0.5) -> None:
        self.l2, self.steps, self.rate = l2, steps, rate

    def fit(self, x: np.ndarray, y: np.ndarray) -> LogReg:
        self.mean, self.std = x.mean(0), x.std(0) + 1e-9
        z = (x - self.mean) / self.std
        z = np.hstack([z, np.ones((len(z), 1))])
        target = np.eye(len(KINDS))[y]
        self.w = np.zeros((z.shape[1], len(KINDS)))
        for _ in range(self.steps):
            p = self._soft(z @ self.w)
            grad = z.T @ (p - target) / len(z) + self.l2 * self.w
            self.w -= self.rate * grad
        return self

    @staticmethod
    def _soft(s: np.ndarray) -> np.ndarray:
        s = s - s.max(1, keepdims=True)
        e = np.exp(s)
        return e / e.sum(1, keepdims=True)

    def predict(self, x: np.ndarray) -> np.ndarray:
        z = np.hstack([(x - self.mean) / self.std, np.ones((len(x), 1))])
        return (z @ self.w).argmax(1)


def report(name: str, gold: list[int], got: list[int]) -> None:
    conf = Counter(zip(gold, got, strict=True))
    cells = []
    for k in (1, 2, 3):
        tp = conf[(k, k)]
        pred = sum(v for (_, g), v in conf.items() if g == k)
        true = sum(v for (t, _), v in conf.items() if t == k)
        cells.append(f"{KINDS[k]} {tp / pred if pred else 0:.3f}/{tp / true if true else 0:.3f}")
    print(f"  {name:<44} " + "  ".join(cells))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args()
    parts = {p: load(p) for p in ("dev", "heldout", "heldout2")}
    data: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]] = {}
    for part, rows in parts.items():
        feats, rules, gold, ruled = [], [], [], []
        for r in rows:
            a, b = prepare(r["a"]), prepare(r["b"])
            feats.append(features(a, b))
            kind = rule_kind(a, b)
            rules.append(one_hot(kind))
            ruled.append(KINDS.index(kind))
            gold.append(KINDS.index(r["label"]))
        data[part] = (np.array(feats), np.array(rules), np.array(gold), ruled)
    print("pair precision/recall per kind (P/R)")
    for part in parts:
        report(f"rules on {part}", list(data[part][2]), data[part][3])
    x_dev, r_dev, y_dev, _ = data["dev"]
    for part in ("heldout", "heldout2"):
        x, r, y, _ = data[part]
        got = LogReg().fit(x_dev, y_dev).predict(x)
        report(f"combiner (features) dev -> {part}", list(y), list(got))
        got = LogReg().fit(np.hstack([x_dev, r_dev]), y_dev).predict(np.hstack([x, r]))
        report(f"combiner (features + rules) dev -> {part}", list(y), list(got))
    x_all = np.vstack([data[p][0] for p in parts])
    r_all = np.vstack([data[p][1] for p in parts])
    y_all = np.concatenate([data[p][2] for p in parts])
    ruled_all = [k for p in parts for k in data[p][3]]
    order = np.random.default_rng(15).permutation(len(y_all))
    folds = np.array_split(order, args.folds)
    for label, x in (("features", x_all), ("features + rules", np.hstack([x_all, r_all]))):
        got = np.zeros(len(y_all), dtype=int)
        for test in folds:
            train = np.setdiff1d(order, test)
            got[test] = LogReg().fit(x[train], y_all[train]).predict(x[test])
        report(f"combiner ({label}) {args.folds}-fold CV, all", list(y_all), list(got))
    report("rules, all", list(y_all), ruled_all)


if __name__ == "__main__":
    main()
