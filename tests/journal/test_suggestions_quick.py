"""The quick score that picks the candidates of an entry's suggestions (`_best_sharing`): the
same entries, in the same order, as adding each shared feature's weight entry by entry."""

from __future__ import annotations

import random

import numpy as np

from kirinuki.journal.suggestions import _SCORED, _best_sharing


def _by_loop(eid: int, carriers: list[list[int]], weights: list[float]) -> list[int]:
    quick: dict[int, float] = {}
    for carrying, w in zip(carriers, weights, strict=True):
        for other in carrying:
            quick[other] = quick.get(other, 0.0) + w
    quick.pop(eid, None)
    return sorted(quick, key=lambda o: (-quick[o], -o))[:_SCORED]


def test_same_candidates_as_a_loop() -> None:
    rng = random.Random(5)
    for _ in range(300):
        entries = rng.randint(1, 80)
        # Few distinct weights: many ties, broken by the newest id.
        weights = [rng.choice([0.5, 1.25, 2.0, 0.1 + rng.random()])
                   for _ in range(rng.randint(0, 12))]
        carriers = [rng.sample(range(entries), rng.randint(0, entries)) for _ in weights]
        eid = rng.randrange(entries)
        got = _best_sharing(eid, [np.asarray(c, dtype=np.int64) for c in carriers], weights)
        assert got == _by_loop(eid, carriers, weights)


def test_sums_added_in_feature_order() -> None:
    # 0.1 + 0.2 + 0.3 differs from 0.3 + 0.2 + 0.1 in the last bit: entry 1 gets the first
    # sum, entry 2 the same weights in another order, so only the loop's order ties them right.
    weights = [0.1, 0.2, 0.3, 0.6]
    carriers = [[1], [1], [1], [2]]
    got = _best_sharing(0, [np.asarray(c, dtype=np.int64) for c in carriers], weights)
    assert got == _by_loop(0, carriers, weights)
    assert _best_sharing(0, [], []) == []
