"""Sentence keys, the second source of candidates, on the publish benchmark's corpus.

    .venv/bin/python bench/sentence_keys_bench.py [--entries 10000] [--seed 7]

Measured in one run: sketching every clip with sentence keys against the sketch without them
(normalise, exact and masked keys, MinHash: the baseline, computed here as before they were
added), min of 3, CPU; the LSH candidate pairs and the pairs sentence keys add (and the time to
find them); verification per pair of the added pairs against a sample of LSH pairs; the links
the added pairs give (background kept, versions dropped, as `duplicate_groups` does), each checked
to share a sentence with its pair.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from corpus import generate_entries  # noqa: E402

from kirinuki.analysis.duplicates import VERSION, compare, prepare  # noqa: E402
from kirinuki.analysis.lsh import (  # noqa: E402
    DEFAULT_PARAMS,
    EXACT_SALT,
    MASKED_SALT,
    MIN_SENTENCE,
    DuplicateIndex,
    _hasher,
    key64,
    mask_digits,
    normalise,
    sketch_texts,
)

_CUT = re.compile(r"[。！？!?\n]+")


def baseline(texts: list[str]) -> None:
    """The sketch without sentence keys (what `sketch_texts` did before them)."""
    norm = [normalise(t) for t in texts]
    masked = [mask_digits(t) for t in norm]
    [key64(t, EXACT_SALT) for t in norm]
    [key64(t, MASKED_SALT) for t in masked]
    _hasher(DEFAULT_PARAMS).signatures(masked)


def cpu(fn: object, texts: list[str]) -> float:
    best = float("inf")
    for _ in range(3):
        t = time.process_time()
        fn(texts)  # type: ignore[operator]
        best = min(best, time.process_time() - t)
    return best


def shares_a_sentence(a: str, b: str) -> bool:
    def cut(t: str) -> set[str]:
        return {m for s in _CUT.split(t) if len(m := mask_digits(normalise(s))) >= MIN_SENTENCE}
    return bool(cut(a) & cut(b))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    texts = [c for e in generate_entries(args.entries, args.seed) for c in e.clips]
    base, new = cpu(baseline, texts), cpu(sketch_texts, texts)
    print(f"{len(texts)} clips; sketch CPU (min of 3): without sentence keys {base:.2f} s, with"
          f" {new:.2f} s ({new / base:.2f}x)")
    sk = sketch_texts(texts)
    index = DuplicateIndex()
    index.add_many(sk)
    lsh, _ = index.candidate_pairs(min_estimate=0.25)
    t = time.process_time()
    extra = index.sentence_candidates(lsh)
    found = time.process_time() - t
    filled = float((sk.sentences() != 0).sum(axis=1).mean())
    print(f"sentence keys a clip {filled:.2f}; LSH candidate pairs {len(lsh)}; added by sentence"
          f" keys {len(extra)} ({len(extra) / max(1, len(lsh)):+.2%}), found in {found:.2f} s")

    def verify(pairs: np.ndarray) -> tuple[list[tuple[int, int, str]], float]:
        t = time.process_time()
        links = []
        for a, b in pairs.tolist():
            m = compare(prepare(texts[a]), prepare(texts[b]))
            if m is not None:
                links.append((a, b, m.kind))
        return links, time.process_time() - t

    rng = np.random.default_rng(0)
    sample = lsh[rng.choice(len(lsh), size=min(len(lsh), 3000), replace=False)]
    _, t_lsh = verify(sample)
    links, t_extra = verify(extra)
    per_lsh, per_extra = t_lsh / max(1, len(sample)), t_extra / max(1, len(extra))
    print(f"verification a pair: LSH sample {1e3 * per_lsh:.2f} ms, added {1e3 * per_extra:.2f}"
          f" ms ({per_extra / per_lsh:.2f}x)")
    kept = [x for x in links if x[2] != VERSION]
    right = sum(shares_a_sentence(texts[a], texts[b]) for a, b, _ in kept)
    print(f"links on the added pairs: {len(kept)} kept ({right} sharing a sentence),"
          f" {len(links) - len(kept)} versions dropped")


if __name__ == "__main__":
    main()
