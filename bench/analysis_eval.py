"""Quality of analysis on the labelled sets in tests/analysis/data (and the sample, if present).

    .venv/bin/python bench/analysis_eval.py

Prints precision and recall of duplicate / version / background classification at the default
thresholds, the LSH index's candidate recall next to datasketch's MinHash LSH (the usual choice)
on the same pairs, speaker accuracy on the labelled quotes, and figure extraction P/R/F1.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The labelled sets and their scoring live with the tests that check the same targets.
sys.path.insert(0, str(ROOT / "tests" / "analysis"))

from analysis_data import score_figures  # noqa: E402

from kirinuki.analysis.duplicates import Item, compare, find_groups, prepare  # noqa: E402
from kirinuki.analysis.lsh import DuplicateIndex, normalise, sketch_texts  # noqa: E402
from kirinuki.analysis.quotes import extract_quotes, speaker_key  # noqa: E402
from kirinuki.text.cliptext import parse  # noqa: E402
from kirinuki.text.normalize import fold  # noqa: E402

DATA = ROOT / "tests" / "analysis" / "data"
SEED = ROOT.parent / "shared" / "seed" / "000_4638226074035248.txt"
LABELS = ("duplicate", "version", "background")


def load(name: str) -> list[dict[str, Any]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def pairs_report() -> None:
    pairs = load("pairs.jsonl")
    confusion: Counter[tuple[str, str]] = Counter()
    for p in pairs:
        m = compare(prepare(p["a"]), prepare(p["b"]))
        confusion[(p["label"], m.kind if m else "unrelated")] += 1
    counts = Counter(p["label"] for p in pairs)
    print(f"pairs: {len(pairs)} ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
    for label in LABELS:
        tp = confusion[(label, label)]
        predicted = sum(v for (_, p), v in confusion.items() if p == label)
        precision = tp / predicted if predicted else 0.0
        recall = tp / counts[label] if counts[label] else 0.0
        print(f"  {label:<10} precision {precision:.3f}  recall {recall:.3f}")
    related = [p for p in pairs if p["label"] != "unrelated"]
    texts = sorted({t for p in related for t in (p["a"], p["b"])} |
                   {t for p in pairs for t in (p["a"], p["b"])})
    row = {t: i for i, t in enumerate(texts)}
    index = DuplicateIndex()
    index.add_many(sketch_texts(texts))
    found, _ = index.candidate_pairs(min_estimate=0.25)
    got = {(int(a), int(b)) for a, b in found.tolist()}
    hit = sum(1 for p in related if tuple(sorted((row[p["a"]], row[p["b"]]))) in got)
    print(f"  LSH candidate recall (content bigrams, 24x3 bands): {hit / len(related):.3f}"
          f"  ({len(got)} candidate pairs among {len(texts)} texts)")
    datasketch_recall(related, texts)


def datasketch_recall(related: list[dict[str, Any]], texts: list[str]) -> None:
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        return
    for threshold in (0.5, 0.3):
        lsh = MinHashLSH(threshold=threshold, num_perm=128)
        hashes = {}
        for i, t in enumerate(texts):
            n = normalise(t)
            m = MinHash(num_perm=128)
            m.update_batch([n[k:k + 3].encode() for k in range(max(1, len(n) - 2))])
            hashes[t] = m
            lsh.insert(str(i), m)
        hit = sum(1 for p in related
                  if str(texts.index(p["b"])) in lsh.query(hashes[p["a"]]))
        print(f"  datasketch MinHashLSH (char 3-grams, 128 perm, threshold {threshold}):"
              f" candidate recall {hit / len(related):.3f}")


def quotes_report() -> None:
    total = right = found = 0
    for row in load("quotes.jsonl"):
        got = extract_quotes(row["paragraphs"])
        for exp in row["quotes"]:
            total += 1
            match = [q for q in got if exp["starts"] in q.text[:len(exp["starts"]) + 25]]
            found += bool(match)
            if match and (match[0].speaker_key == speaker_key(exp["speaker"])
                          or fold(match[0].speaker) == fold(exp["speaker"])):
                right += 1
    print(f"quotes: {total}; found {found / total:.3f}; speaker accuracy {right / total:.3f}")


def figures_report() -> None:
    rows = load("figures.jsonl")
    s = score_figures(rows)
    p, r = s.tp / (s.tp + s.fp), s.tp / (s.tp + s.fn)
    print(f"figures: {s.tp + s.fn} in {len(rows)} sentences; precision {p:.3f} recall {r:.3f}"
          f" F1 {s.f1:.3f}; predicate accuracy {s.predicate / s.tp:.3f}")


def sample_report() -> None:
    if not SEED.exists():
        print("sample: ../shared/seed not present, skipped")
        return
    entry = parse(SEED.read_text(encoding="utf-8"))
    groups = find_groups([Item(i, c.text, pos=i) for i, c in enumerate(entry.clips)])
    for g in groups:
        changes = "; ".join(c.describe() for _, _, c in g.changes)
        print(f"sample: {g.kind} ({len(g.items)} clips) {changes}")
    quotes = [q for grp in entry.groups for q in extract_quotes([c.text for c in grp.clips])]
    print(f"sample: {len(quotes)} quotes, {sum(1 for q in quotes if q.speaker)} with a speaker")


def demo_report() -> None:
    """The second acceptance set: demo/entries, written by another engineer, whose README lists
    the updated pairs and background paragraphs. Not a blind set: its false positives were
    looked at while the background guards were written."""
    sys.path.insert(0, str(ROOT / "tests" / "analysis"))
    from test_journal_analysis import DEMO_BACKGROUND, DEMO_VERSIONS

    folder = ROOT / "demo" / "entries"
    if not folder.is_dir():
        return
    items: list[Item] = []
    for f in sorted(folder.glob("*.txt")):
        for c in parse(f.read_text(encoding="utf-8")).clips:
            items.append(Item(len(items), c.text, entry=hash(f.stem) & 0xFFFFFF, pos=len(items)))
    entry = {f.stem: hash(f.stem) & 0xFFFFFF for f in folder.glob("*.txt")}
    groups = find_groups(items)
    versions = [g for g in groups if g.kind == "version"]
    found = sum(1 for old, new, change in DEMO_VERSIONS if any(
        {entry[old], entry[new]} <= {i.entry for i in g.items}
        and any(change in c.describe() for _, _, c in g.changes) for g in versions))
    backgrounds = [{i.entry for i in g.items} for g in groups if g.kind == "background"]
    sets = [{entry[f] for f in files} for files in DEMO_BACKGROUND]
    exact = sum(1 for s in sets if s in backgrounds)
    extra = sum(1 for b in backgrounds if b not in sets)
    print(f"demo: updated pairs found with their change {found}/{len(DEMO_VERSIONS)};"
          f" background sets found exactly {exact}/{len(sets)}; other background groups {extra};"
          f" version groups {len(versions)}")


def main() -> None:
    pairs_report()
    quotes_report()
    figures_report()
    sample_report()
    demo_report()


if __name__ == "__main__":
    main()
