"""CPU time of finding one new clip's duplicates, for comparing versions of the rules in one run.

    PYTHONPATH=<checkout> .venv/bin/python bench/analysis_probe.py [--clips 30000] [--probes 600]

Like `analysis_bench.py`'s "add one clip and find its duplicates" (sketch, candidates, `prepare`
and `compare` of each candidate) on a smaller index, timed in process CPU time so that other
work on a shared machine moves the figure less. Run it once per checkout, one after the other.
A checkout with word keys also finds the rows sharing one with the clip (and no sentence) and
compares them for versions, as a journal's version check does.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))
sys.path.append(str(ROOT / "bench"))

from corpus import change_one_figure, generate_paragraphs  # noqa: E402

import kirinuki  # noqa: E402
from kirinuki.analysis.duplicates import compare, prepare  # noqa: E402
from kirinuki.analysis.lsh import DuplicateIndex, sketch_texts  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clips", type=int, default=30_000)
    ap.add_argument("--probes", type=int, default=600)
    args = ap.parse_args()
    texts = list(generate_paragraphs(args.clips, 1))
    rng = random.Random(2)
    probes = [change_one_figure(texts[rng.randrange(len(texts))], rng) or "新しい段落。"
              for _ in range(args.probes // 2)]
    probes += list(generate_paragraphs(args.probes - len(probes), 3))
    index = DuplicateIndex()
    index.add_many(sketch_texts(texts))
    index.freeze()
    gc.collect()
    gc.freeze()
    for _ in range(2):  # the first run warms the caches up
        times, candidates = [], 0
        for text in probes:
            t0 = time.process_time()
            sketch = sketch_texts([text])
            mine = prepare(text)
            seen = set()
            for c in index.candidates(sketch, limit=16, min_estimate=0.25):
                candidates += 1
                seen.add(c.row)
                compare(prepare(texts[c.row]), mine)
            if hasattr(index, "word_rows"):  # a checkout with word keys
                near = index.word_rows(sketch) - index.sentence_rows(sketch) - seen
                for r in near:
                    candidates += 1
                    compare(prepare(texts[r]), mine, versions_only=True)
            times.append((time.process_time() - t0) * 1e3)
    print(f"{Path(kirinuki.__file__).parent.parent}: p50 {statistics.median(times):.3f} ms,"
          f" mean {statistics.mean(times):.3f} ms of CPU a clip ({candidates} candidates)")


if __name__ == "__main__":
    main()
