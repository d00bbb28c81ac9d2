"""Duplicate index speed on the synthetic corpus, next to an exact-hash baseline in one run.

    .venv/bin/python bench/analysis_bench.py                  # 1M clips (about 2 GB of memory)
    .venv/bin/python bench/analysis_bench.py --clips 200000   # quicker

The corpus is bench/corpus.py's paragraphs with re-clips mixed in: 2% of the clips are an
earlier clip (up to 200 before) with one figure changed, the "updated version" case. Measured:

* build: sketch every clip (normalise, exact and digit-masked keys, MinHash over content
  bigrams) and build the LSH index, against a dict of exact text hashes (the baseline) and a
  dict of digit-masked hashes;
* add one new clip: sketch it, find and verify its candidates (`duplicates.compare`), add it;
* recall of the re-clips among each one's candidates;
* datasketch's MinHash + MinHashLSH on a slice, the usual tool, for comparison;
* all duplicate groups of a slice (candidate pairs, verification, grouping).
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import change_one_figure, generate_paragraphs  # noqa: E402

from kirinuki.analysis.duplicates import compare, prepare  # noqa: E402
from kirinuki.analysis.groups import Item, find_groups  # noqa: E402
from kirinuki.analysis.lsh import DuplicateIndex, normalise, sketch_texts  # noqa: E402

BATCH = 10_000
RECLIP_RATE = 0.02


def corpus(n: int, seed: int) -> tuple[list[str], list[tuple[int, int]]]:
    """n paragraphs; 2% replaced by an earlier one with one figure changed: (earlier, re-clip)."""
    texts = list(generate_paragraphs(n, seed))
    rng = random.Random(seed)
    reclips: list[tuple[int, int]] = []
    for i in range(201, n):
        if rng.random() < RECLIP_RATE:
            j = i - rng.randint(1, 200)
            changed = change_one_figure(texts[j], rng)
            if changed is not None:
                texts[i] = changed
                reclips.append((j, i))
    return texts, reclips


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def baseline(texts: list[str], probes: list[str]) -> tuple[float, float, float]:
    """Seconds to build an exact-hash dict, seconds for a masked-hash dict, µs per probe+add."""
    t = time.perf_counter()
    exact: dict[int, list[int]] = {}
    for i, text in enumerate(texts):
        exact.setdefault(hash(text), []).append(i)
    built = time.perf_counter() - t
    t = time.perf_counter()
    digits = re.compile(r"\d+")
    masked: dict[int, list[int]] = {}
    for i, text in enumerate(texts):
        masked.setdefault(hash(digits.sub("0", normalise(text))), []).append(i)
    built_masked = time.perf_counter() - t
    t = time.perf_counter()
    for k, text in enumerate(probes):
        exact.get(hash(text))
        exact.setdefault(hash(text), []).append(len(texts) + k)
    return built, built_masked, (time.perf_counter() - t) / len(probes) * 1e6


def build(texts: list[str]) -> tuple[DuplicateIndex, float]:
    t = time.perf_counter()
    index = DuplicateIndex()
    for s in range(0, len(texts), BATCH):
        index.add_many(sketch_texts(texts[s:s + BATCH]))
    index.freeze()
    return index, time.perf_counter() - t


def add_latency(index: DuplicateIndex, texts: list[str], probes: list[str],
                ) -> tuple[list[float], list[float]]:
    """Per new clip (ms): sketch + insert; and sketch + candidates + verification against
    their texts (`compare`) + insert."""
    insert, full = [], []
    for text in probes:
        t0 = time.perf_counter()
        sk = sketch_texts([text])
        t1 = time.perf_counter()
        mine = prepare(text)
        for c in index.candidates(sk, limit=16, min_estimate=0.25):
            if c.row < len(texts):
                compare(prepare(texts[c.row]), mine)
        t2 = time.perf_counter()
        index.add(sk)
        t3 = time.perf_counter()
        insert.append((t1 - t0 + t3 - t2) * 1e3)
        full.append((t3 - t0) * 1e3)
    return insert, full


def _pct(values: list[float], q: float) -> float:
    return sorted(values)[int(q * (len(values) - 1))]


def reclip_recall(index: DuplicateIndex, texts: list[str], reclips: list[tuple[int, int]],
                  ) -> float:
    sample = reclips[:2000]
    hits = 0
    for j, i in sample:
        sk = sketch_texts([texts[i]])
        hits += any(c.row == j for c in index.candidates(sk, exclude=i))
    return hits / len(sample) if sample else 0.0


def datasketch_rate(texts: list[str]) -> float | None:
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        return None
    t = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for i, text in enumerate(texts):
        n = normalise(text)
        m = MinHash(num_perm=128)
        m.update_batch([n[k:k + 3].encode() for k in range(max(1, len(n) - 2))])
        lsh.insert(i, m)
    return len(texts) / (time.perf_counter() - t)


def groups_of(texts: list[str]) -> tuple[float, int]:
    t = time.perf_counter()
    groups = find_groups([Item(i, text, pos=i) for i, text in enumerate(texts)])
    return time.perf_counter() - t, len(groups)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clips", type=int, default=1_000_000)
    ap.add_argument("--probes", type=int, default=1000)
    ap.add_argument("--slice", type=int, default=20_000, help="clips for datasketch and groups")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    t = time.perf_counter()
    texts, reclips = corpus(args.clips, args.seed)
    rng = random.Random(args.seed + 1)
    probes = [change_one_figure(texts[rng.randrange(len(texts))], rng) or "新しい段落。"
              for _ in range(args.probes // 2)]
    probes += list(generate_paragraphs(args.probes - len(probes), args.seed + 2))
    chars = sum(map(len, texts))
    print(f"corpus: {len(texts):,} clips, {chars / 1e6:.0f}M characters, {len(reclips):,} "
          f"re-clips with a figure changed (generated in {time.perf_counter() - t:.1f} s)")
    b_exact, b_masked, b_add = baseline(texts, probes)
    index, seconds = build(texts)
    # A long-running process (the web app) freezes what it loaded, so that the garbage
    # collector does not walk it again on every full collection.
    gc.collect()
    gc.freeze()
    insert, full = add_latency(index, texts, probes)
    recall = reclip_recall(index, texts, reclips)
    print(f"build   exact-hash dict (baseline): {b_exact:7.1f} s  {len(texts) / b_exact:>10,.0f}"
          f" clips/s")
    print(f"build   digit-masked hash dict:     {b_masked:7.1f} s  {len(texts) / b_masked:>10,.0f}"
          f" clips/s")
    print(f"build   kirinuki LSH index:         {seconds:7.1f} s  {len(texts) / seconds:>10,.0f}"
          f" clips/s  ({seconds / b_exact:.0f}x the baseline; peak RSS {rss_mb():,.0f} MB)")
    print(f"add one clip, exact-hash baseline: {b_add:.1f} µs (measured after gc.freeze())")
    for name, lat in (("sketch + insert", insert), ("sketch + find + verify + insert", full)):
        p50 = statistics.median(lat)
        print(f"add one clip, kirinuki {name}: p50 {p50:.2f} ms, p99 {_pct(lat, 0.99):.2f} ms,"
              f" max {max(lat):.2f} ms ({p50 * 1e3 / b_add:.0f}x the baseline at p50)")
    print(f"re-clips found among candidates: kirinuki {recall:.3f}; exact-hash baseline 0.000")
    part = texts[:args.slice]
    ds = datasketch_rate(part)
    _, mine = build(part)
    ours = len(part) / mine
    if ds is not None:
        print(f"slice of {len(part):,}: datasketch MinHash+LSH {ds:,.0f} clips/s, kirinuki "
              f"{ours:,.0f} clips/s ({ours / ds:.1f}x)")
    secs, n = groups_of(part)
    print(f"slice of {len(part):,}: all duplicate groups in {secs:.1f} s ({n} groups)")


if __name__ == "__main__":
    main()
