"""Word keys, the third source of candidates, on the publish benchmark's corpus.

    .venv/bin/python bench/word_keys_bench.py [--entries 10000] [--seed 7]

Measured in one run: sketching every clip with word keys against the same sketch without them
(the baseline: `sketch_texts` with the word keys left out), min of 3, CPU; the LSH candidate
pairs, the pairs sentence keys add, and the pairs word keys add besides (and the time to find
them); verification per pair of the added pairs against a sample of LSH pairs; the links they
give by kind (`groups.word_links`: an extended passage is dropped).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from corpus import generate_entries  # noqa: E402

from kirinuki.analysis import lsh  # noqa: E402
from kirinuki.analysis.groups import Item, verify, word_links  # noqa: E402
from kirinuki.analysis.lsh import DuplicateIndex, sketch_texts  # noqa: E402
from kirinuki.analysis.word_keys import word_matrix  # noqa: E402


def without_words(texts: list[str]) -> lsh.Sketches:
    """`sketch_texts` with no word keys (what it did before them)."""
    real = lsh.word_matrix
    lsh.word_matrix = lambda ts: None  # type: ignore[assignment,return-value]
    try:
        return sketch_texts(texts)
    finally:
        lsh.word_matrix = real


def cpu(fn: Callable[[list[str]], object], texts: list[str]) -> float:
    best = float("inf")
    for _ in range(3):
        t = time.process_time()
        fn(texts)
        best = min(best, time.process_time() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    texts = [c for e in generate_entries(args.entries, args.seed) for c in e.clips]
    base, new = cpu(without_words, texts), cpu(sketch_texts, texts)
    print(f"{len(texts)} clips; sketch CPU (min of 3): without word keys {base:.2f} s, with"
          f" {new:.2f} s ({new / base:.2f}x; word keys alone {cpu(word_matrix, texts):.2f} s)")
    sk = sketch_texts(texts)
    index = DuplicateIndex()
    index.add_many(sk)
    found, _ = index.candidate_pairs(min_estimate=0.25)
    shared = index.sentence_candidates(found)
    t = time.process_time()
    words = index.word_candidates(found, shared)
    took = time.process_time() - t
    filled = float((sk.word_keys() != 0).sum(axis=1).mean())
    print(f"word keys a clip {filled:.2f}; LSH candidate pairs {len(found)}, sentence keys add"
          f" {len(shared)}, word keys add {len(words)} ({len(words) / max(1, len(found)):+.2%},"
          f" {len(words) / len(texts):.3f} a clip), found in {took:.2f} s")
    items = [Item(k, text) for k, text in enumerate(texts)]
    rng = np.random.default_rng(0)
    sample = found[rng.choice(len(found), size=min(len(found), 3000), replace=False)]
    t = time.process_time()
    verify(items, sample.tolist())
    per_lsh = (time.process_time() - t) / max(1, len(sample))
    t = time.process_time()
    links = word_links(items, words.tolist())
    per_word = (time.process_time() - t) / max(1, len(words))
    print(f"verification a pair: LSH sample {1e3 * per_lsh:.2f} ms, added {1e3 * per_word:.2f}"
          f" ms ({per_word / per_lsh:.2f}x)")
    kinds = Counter(link.match.kind for link in links)
    print(f"links on the added pairs: {dict(sorted(kinds.items()))}")


if __name__ == "__main__":
    main()
