"""The quick score of the related-entry suggestions (`journal/suggestions.py`), against the
dict loop it replaced, in one run on the features an analysed journal stores.

Each posting (the entries carrying a feature) may hold up to 5% of the journal's entries, so
the loop and its sort grew with the square of the journal. `--times K` repeats the journal's
features K times (entry ids shifted: a journal K times as large with the same vocabulary, as
the synthetic corpus has) to show how each grows. Both ways must pick the same candidates.

    .venv/bin/python bench/related_quick_bench.py --db /tmp/j10000.db --times 1 10
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kirinuki.analysis.related import Rarity  # noqa: E402
from kirinuki.journal import open_journal  # noqa: E402
from kirinuki.journal.suggestions import (  # noqa: E402
    _COMMON,
    _COMMON_MIN,
    _SCORED,
    _best_sharing,
)
from kirinuki.store.sqlite import suggestions as rows  # noqa: E402


def by_loop(eid: int, carriers: list[list[int]], weights: list[float]) -> list[int]:
    """The candidates as the loop before numpy found them (the baseline)."""
    quick: dict[int, float] = {}
    for carrying, w in zip(carriers, weights, strict=True):
        for other in carrying:
            quick[other] = quick.get(other, 0.0) + w
    quick.pop(eid, None)
    return sorted(quick, key=lambda o: (-quick[o], -o))[:_SCORED]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="an analysed journal (its first publish done)")
    ap.add_argument("--times", type=int, nargs="+", default=[1, 10])
    ap.add_argument("--sample", type=int, default=1000, help="entries timed")
    args = ap.parse_args()
    with open_journal(args.db) as j:
        features = list(rows.every_feature(j.store))
        entries = rows.dated_count(j.store)
    span = max(e for e, *_ in features) + 1
    print(f"{len(features)} features of {entries} entries; load {os.getloadavg()[0]:.1f}")
    for k in args.times:
        posting: dict[tuple[str, str], list[int]] = {}
        of_entry: dict[int, list[tuple[str, str]]] = {}
        for rep in range(k):
            for eid, kind, value, _display in features:
                posting.setdefault((kind, value), []).append(eid + rep * span)
                if rep == k - 1:
                    of_entry.setdefault(eid + rep * span, []).append((kind, value))
        arrays = {key: np.asarray(v, dtype=np.int64) for key, v in posting.items()}
        total = entries * k
        cap = max(_COMMON_MIN, int(total * _COMMON))
        rarity = Rarity(total)
        sample = random.Random(1).sample(sorted(of_entry), min(args.sample, len(of_entry)))
        jobs = []
        for eid in sample:
            kept = [key for key in of_entry[eid] if len(posting[key]) <= cap]
            for key in kept:
                rarity.counts[key] = len(posting[key])
            jobs.append((eid, kept, [rarity.weight(*key) for key in kept]))
        t = time.process_time()
        old = [by_loop(eid, [posting[key] for key in kept], w) for eid, kept, w in jobs]
        loop = time.process_time() - t
        t = time.process_time()
        new = [_best_sharing(eid, [arrays[key] for key in kept], w) for eid, kept, w in jobs]
        vec = time.process_time() - t
        assert old == new, "the candidates differ"
        walked = sum(len(posting[key]) for _e, kept, _w in jobs for key in kept) / len(jobs)
        print(f"  x{k} ({total} entries, cap {cap}): {walked:,.0f} postings walked an entry; "
              f"loop {loop / len(jobs) * 1e3:.2f} ms, numpy {vec / len(jobs) * 1e3:.2f} ms an "
              f"entry ({loop / vec:.1f}x); for every entry: loop {loop / len(jobs) * total:.1f} s, "
              f"numpy {vec / len(jobs) * total:.1f} s CPU; same candidates")

if __name__ == "__main__":
    main()
