"""Quality of analysis on the labelled sets: aggregate figures only.

    .venv/bin/python bench/analysis_eval.py [--parts dev,dev2,...,dev11,heldout,heldout2,...,heldout13,legacy] [--misses]

Parts: `dev`, `dev2` to `dev11`, `heldout` and `heldout2` to `heldout13` are the folders of those
names in tests/analysis/data/eval (issue 22). `dev2`, `dev3` and `dev4` are development material
written in sessions 15 and 16 by hands that never read the rules (pairs only); `dev5` (session 17,
the same kind of hand) adds statements, figures and a journal, and `dev6` (session 18), `dev7`
(session 19), `dev8` and `dev9` (session 20), `dev10` (session 21) and `dev11` (session 22), each by one more such hand, too. `heldout` and `heldout2` are retired
into development material since session 15 (the two oldest, retired by age, not by score),
`heldout3` since session 16, `heldout4` since session 17, `heldout5` since session 18,
`heldout6` since session 19, `heldout7` since session 20, `heldout8` since session 21 and `heldout9` since session 22 (each the oldest then, by age too): their misses may be listed. The others
are frozen and never looked at while rules change: only their aggregates are printed, per part and
pooled (`heldout2` to `heldout7` hold pairs only; `heldout8` (session 17), `heldout9` (session 18),
`heldout10` (session 19), `heldout11` (session 20), `heldout12` (session 21) and `heldout13` (session 22) have statements, figures and a journal too), `legacy` the older sets in tests/analysis/data, the sample
(../shared/seed) and demo/entries.
For each part: precision and recall of duplicate / version / background pairs, by the rules
alone (every labelled pair compared) and as a journal gets them (only the candidate pairs of the
part's clips indexed together are compared, as in a journal: LSH candidates, pairs sharing a
sentence, which give background only, and pairs sharing a word key), statements
(recall and speaker accuracy, overall and per mode), figures (F1 on value, unit and sign),
and on its journals the related top-1 accuracy and the precision of the groups reported.
`--misses` lists what went wrong, for the dev parts (`dev`, `dev2` to `dev11`) and retired parts only.

The code measured is whatever `kirinuki` imports first: PYTHONPATH=<other checkout> measures
another version with the same scoring (the script's own checkout comes after it on the path).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))
sys.path.append(str(ROOT / "bench"))

from eval_scoring import (  # noqa: E402
    figure_keys,
    gold_figure_keys,
    match_statements,
    statements_of,
)

from kirinuki.analysis.duplicates import (  # noqa: E402
    DEFAULT_THRESHOLDS,
    VERSION,
    compare,
    prepare,
)
from kirinuki.analysis.lsh import DuplicateIndex, sketch_texts  # noqa: E402

try:
    from kirinuki.analysis.groups import word_match
except ImportError:  # a checkout from before word keys: they propose nothing there
    def word_match(m: object) -> bool:
        return False

DATA = ROOT / "tests" / "analysis" / "data"
EVAL = DATA / "eval"
LABELS = ("duplicate", "version", "background")
MODES = ("direct", "headline", "reported")
# Held-out parts retired by age (not by score) into dev material, with the session that did it.
RETIRED_IN = {"heldout": 15, "heldout2": 15, "heldout3": 16, "heldout4": 17, "heldout5": 18,
              "heldout6": 19, "heldout7": 20, "heldout8": 21, "heldout9": 22}
RETIRED = tuple(RETIRED_IN)
HELD_OUT = ("heldout10", "heldout11", "heldout12", "heldout13")
# Development parts written by hands that never read the rules (sessions 15 to 22).
DEV2 = "dev2"
DEV3 = "dev3"
DEV4 = "dev4"
DEV5 = "dev5"
DEV6 = "dev6"
DEV7 = "dev7"
DEV8 = "dev8"
DEV9 = "dev9"
DEV10 = "dev10"
DEV11 = "dev11"
PARTS = ("dev", DEV2, DEV3, DEV4, DEV5, DEV6, DEV7, DEV8, DEV9, DEV10, DEV11, *RETIRED, *HELD_OUT)


def load(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "  -  "


class Misses:
    """What went wrong, printed only for a part that may be looked at."""

    def __init__(self, show: bool) -> None:
        self.show = show

    def __call__(self, *parts: object) -> None:
        if self.show:
            print("    MISS", *parts)


Pairs = set[tuple[int, int]]


def candidate_set(texts: list[str]) -> tuple[Pairs, Pairs, Pairs]:
    """The pairs (rows of `texts`, a < b) a journal holding these clips would verify: the LSH
    candidates, the pairs sharing a sentence besides (taken for background only), and the
    pairs sharing a word key besides (`groups.word_match`)."""
    index = DuplicateIndex()
    index.add_many(sketch_texts(texts))
    found, _ = index.candidate_pairs(min_estimate=DEFAULT_THRESHOLDS.candidate)
    shared = index.sentence_candidates(found)
    words = (index.word_candidates(found, shared) if hasattr(index, "word_candidates")
             else np.empty((0, 2), dtype=np.int64))  # a checkout from before word keys
    return tuple({(int(a), int(b)) for a, b in pairs.tolist()}  # type: ignore[return-value]
                 for pairs in (found, shared, words))


Counts = Counter[tuple[str, str]]


def pairs_report(rows: list[dict[str, Any]], miss: Misses) -> tuple[Counts, Counts, Counts]:
    """Print pair precision / recall per kind, by the rules alone and as a journal gets them
    (only candidate pairs are compared), with and without word keys; return the three
    (label, got) counts."""
    if not rows:
        return Counter(), Counter(), Counter()
    texts = sorted({t for p in rows for t in (p["a"], p["b"])})
    row = {t: i for i, t in enumerate(texts)}
    got_pairs, shared, words = candidate_set(texts)
    confusion: Counter[tuple[str, str]] = Counter()
    journal: Counts = Counter()
    no_words: Counts = Counter()  # as a journal got them before word keys
    for p in rows:
        m = compare(prepare(p["a"]), prepare(p["b"]))
        got = m.kind if m else "unrelated"
        confusion[(p["label"], got)] += 1
        # Two clips of one text share its exact key, so a journal always compares them.
        key = tuple(sorted((row[p["a"]], row[p["b"]])))
        before = p["a"] == p["b"] or key in got_pairs or (key in shared and got != VERSION)
        found = before or (key in words and word_match(m))
        journal[(p["label"], got if found else "unrelated")] += 1
        no_words[(p["label"], got if before else "unrelated")] += 1
        if got != p["label"]:
            miss("pair", p.get("id"), p["label"], "->", got, m.reason if m else "",
                 "|", p["a"][:70], "|", p["b"][:70])
        elif not found and got != "unrelated":
            miss("pair", p.get("id"), p["label"], "-> not a candidate", "|", p["a"][:70],
                 "|", p["b"][:70])
    counts = Counter(p["label"] for p in rows)
    print(f"  pairs: {len(rows)} ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
    print("   rules alone (every labelled pair compared):")
    print_confusion(confusion)
    print("   as a journal gets them (candidate pairs only):")
    print_confusion(journal)
    print("   as a journal got them without word keys:")
    print_confusion(no_words)
    related = [p for p in rows if p["label"] != "unrelated"]
    def proposed(p: dict[str, Any], pairs: set[tuple[int, int]]) -> bool:
        return p["a"] == p["b"] or tuple(sorted((row[p["a"]], row[p["b"]]))) in pairs

    hit = sum(1 for p in related if proposed(p, got_pairs))
    both = sum(1 for p in related if proposed(p, got_pairs | shared))
    every = sum(1 for p in related if proposed(p, got_pairs | shared | words))
    print(f"    candidate recall on related pairs: LSH {_ratio(hit, len(related))}"
          f" ({len(got_pairs)} pairs of {len(texts)} clips), with shared"
          f" sentences {_ratio(both, len(related))} ({len(shared)} pairs more), with word keys"
          f" {_ratio(every, len(related))} ({len(words)} pairs more)")
    return confusion, journal, no_words


def print_confusion(confusion: Counter[tuple[str, str]]) -> None:
    counts: Counter[str] = Counter()
    for (label, _), v in confusion.items():
        counts[label] += v
    for label in LABELS:
        tp = confusion[(label, label)]
        predicted = sum(v for (_, got), v in confusion.items() if got == label)
        print(f"    {label:<10} precision {_ratio(tp, predicted)}  recall "
              f"{_ratio(tp, counts[label])}  ({tp} right, {predicted - tp} wrong,"
              f" {counts[label] - tp} missed)")


def statements_report(rows: list[dict[str, Any]], miss: Misses, key: str = "statements",
                      ) -> None:
    if not rows:
        return
    total: Counter[str] = Counter()
    found: Counter[str] = Counter()
    right: Counter[str] = Counter()
    mode_ok = cue_ok = predicted = extra = 0
    for r in rows:
        gold = r[key]
        got = statements_of(r["paragraphs"])
        predicted += len(got)
        pairs = match_statements(r["paragraphs"], gold, got)
        extra += len(got) - sum(1 for _, s, _ in pairs if s is not None)
        for g, s, speaker_right in pairs:
            mode = g.get("mode", "direct")
            for k in ("all", mode):
                total[k] += 1
                found[k] += s is not None
                right[k] += speaker_right
            if s is not None:
                mode_ok += s.mode == mode
                cue_ok += s.cue == g.get("cue", s.cue)
            if s is None or not speaker_right:
                miss("statement", r.get("id"), mode, g["speaker"], g["starts"], "->",
                     "not found" if s is None else f"{s.speaker!r} ({s.mode})")
    print(f"  statements: {total['all']} in {len(rows)} passages; recall "
          f"{_ratio(found['all'], total['all'])}, speaker accuracy "
          f"{_ratio(right['all'], total['all'])}; found ones: mode right "
          f"{_ratio(mode_ok, found['all'])}, cue right {_ratio(cue_ok, found['all'])};"
          f" {extra} of {predicted} found match no labelled statement")
    for mode in MODES:
        if total[mode]:
            print(f"    {mode:<9} {total[mode]:>4}  recall {_ratio(found[mode], total[mode])}"
                  f"  speaker accuracy {_ratio(right[mode], total[mode])}")


def figures_report(rows: list[dict[str, Any]], miss: Misses) -> None:
    if not rows:
        return
    tp = fp = fn = 0
    for r in rows:
        gold = Counter(gold_figure_keys(r["figures"]))
        got = Counter(figure_keys(r["text"]))
        hit = gold & got
        tp += sum(hit.values())
        fp += sum((got - hit).values())
        fn += sum((gold - hit).values())
        if got != gold:
            miss("figures", r["text"][:80], "| wanted", sorted((gold - hit).elements()),
                 "| got", sorted((got - hit).elements()))
    p, rc = tp / max(1, tp + fp), tp / max(1, tp + fn)
    f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
    print(f"  figures: {tp + fn} in {len(rows)} texts; precision {p:.3f} recall {rc:.3f}"
          f" F1 {f1:.3f} (value, unit, sign)")


def part_report(name: str, folder: Path, show: bool,
                ) -> tuple[Counts, Counts, Counts]:
    if not folder.is_dir():
        print(f"{name}: {folder.relative_to(ROOT)} not present")
        return Counter(), Counter(), Counter()
    retired = (f" (retired: development material since session {RETIRED_IN[name]})"
               if name in RETIRED_IN else "")
    print(f"{name}{retired}:")
    miss = Misses(show)
    confusions = pairs_report(load(folder / "pairs.jsonl"), miss)
    statements_report(load(folder / "statements.jsonl"), miss)
    figures_report(load(folder / "figures.jsonl"), miss)
    from eval_journals import journals_report

    journals_report(folder / "journals", miss)
    return confusions


def datasketch_recall(rows: list[dict[str, Any]]) -> None:
    """datasketch's MinHash LSH (the usual tool) on the same pairs, when installed."""
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        return
    from kirinuki.analysis.lsh import normalise

    related = [p for p in rows if p["label"] != "unrelated"]
    texts = sorted({t for p in rows for t in (p["a"], p["b"])})
    row = {t: i for i, t in enumerate(texts)}
    for threshold in (0.5, 0.3):
        lsh = MinHashLSH(threshold=threshold, num_perm=128)
        hashes = {}
        for i, t in enumerate(texts):
            n = normalise(t)
            m = MinHash(num_perm=128)
            m.update_batch([n[k:k + 3].encode() for k in range(max(1, len(n) - 2))])
            hashes[t] = m
            lsh.insert(str(i), m)
        hit = sum(1 for p in related if str(row[p["b"]]) in lsh.query(hashes[p["a"]]))
        print(f"    datasketch MinHashLSH (char 3-grams, 128 perm, threshold {threshold}):"
              f" candidate recall {_ratio(hit, len(related))}")


def legacy_report(show: bool) -> None:
    from eval_scoring import legacy_figures, sample_report

    print("legacy:")
    miss = Misses(show)
    pairs_report(load(DATA / "pairs.jsonl"), miss)
    datasketch_recall(load(DATA / "pairs.jsonl"))
    statements_report(load(DATA / "quotes.jsonl"), miss, key="quotes")
    tp, fp, fn = legacy_figures(load(DATA / "figures.jsonl"))
    print(f"  figures (surface, value, counter): {tp + fn}; precision {tp / (tp + fp):.3f}"
          f" recall {tp / (tp + fn):.3f}")
    sample_report()
    from eval_journals import demo_report

    demo_report()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--parts", default=",".join((*PARTS, "legacy")),
                    help=f"comma-separated: {', '.join(PARTS)}, legacy")
    ap.add_argument("--misses", action="store_true",
                    help="list misses (dev, retired parts and legacy only)")
    args = ap.parse_args()
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    pooled: Counter[tuple[str, str]] = Counter()
    pooled_journal: Counts = Counter()
    pooled_no_words: Counts = Counter()
    held = []
    for p in parts:
        if p == "legacy":
            legacy_report(args.misses)
        elif p in PARTS:
            # never list held-out items
            confusion, journal, no_words = part_report(p, EVAL / p,
                                                       args.misses and p not in HELD_OUT)
            if p in HELD_OUT and confusion:
                pooled += confusion
                pooled_journal += journal
                pooled_no_words += no_words
                held.append(p)
        else:
            ap.error(f"unknown part {p!r}")
    if len(held) > 1:
        print(f"held-out pooled ({', '.join(held)}): {sum(pooled.values())} pairs")
        print("   rules alone (every labelled pair compared):")
        print_confusion(pooled)
        print("   as a journal gets them (candidate pairs only):")
        print_confusion(pooled_journal)
        print("   as a journal got them without word keys:")
        print_confusion(pooled_no_words)


if __name__ == "__main__":
    main()
