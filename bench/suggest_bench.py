"""Tag-suggestion benchmark: the edit page's suggestions for a group against the name-only
baseline, on a journal of N synthetic entries (default 10k; 100k with `--entries 100000`).

In one run, on the same journal:
  - the import (entries/s) and the first suggestion, which sketches every clip and loads the
    duplicate index (`journal.analysis`), timed on their own;
  - for sampled groups, the median of --repeat runs of (a) `checking.suggest_for_clips` (the
    nearest earlier clips' tags, weighted, then tag names found in the text: what the edit
    page shows) and (b) `workbench.suggest_tags` (tag names found in the text only, the
    baseline); p50/p95 per group and the ratio a/b;
  - quality on the groups that re-clip an earlier paragraph with one figure changed (the
    corpus records which): hit@8 = one of the earlier group's tags is among the first 8
    suggestions, for (a) and (b). The corpus draws tags at random, so on the other groups no
    method can do better than chance and only their timing is reported.

    flock /tmp/kirinuki-bench.lock .venv/bin/python bench/suggest_bench.py --entries 100000
    .venv/bin/python bench/suggest_bench.py --entries 10000 --db /tmp/s10k.db --reuse
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import corpus  # noqa: E402
from import_bench import write_corpus  # noqa: E402

from kirinuki.journal import Journal, get_entry, init_journal, open_journal  # noqa: E402
from kirinuki.journal.checking import suggest_for_clips  # noqa: E402
from kirinuki.journal.importing import import_paths, permalink_for  # noqa: E402
from kirinuki.journal.queries import resolve_entry_id  # noqa: E402
from kirinuki.journal.workbench import suggest_tags  # noqa: E402
from kirinuki.model import Entry  # noqa: E402

SEED = 7  # write_corpus's seed: the corpus regenerated here names the same entries
TOP = 8  # the edit page shows 8 suggestions per group


def build(db: Path, n: int, reuse: bool) -> Journal:
    """The journal of `n` corpus entries at `db` (imported unless `reuse` and present)."""
    if reuse and db.exists():
        print(f"reusing {db}")
        return open_journal(str(db))
    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    with tempfile.TemporaryDirectory(prefix="suggest-bench-") as tmp:
        folder = Path(tmp) / "entries"
        t = time.perf_counter()
        clips = write_corpus(folder, n)
        print(f"corpus: {n} entries, {clips} clips written in {time.perf_counter() - t:.1f} s")
        j = init_journal(str(db), "suggest bench", ["bench.kirinuki.example"])
        t = time.perf_counter()
        import_paths(j, [str(folder)])
        took = time.perf_counter() - t
        print(f"import: {took:.1f} s ({n / took:,.0f} entries/s)")
    return j


def group_of(entry: Entry, clip_index: int) -> int:
    """The index of the group holding the entry's clip number `clip_index` (0-based)."""
    seen = 0
    for k, g in enumerate(entry.groups):
        seen += len(g.clips)
        if clip_index < seen:
            return k
    raise IndexError(clip_index)


def samples(j: Journal, n: int, count: int) -> tuple[list[tuple[Entry, int, set[str]]],
                                                     list[tuple[Entry, int]]]:
    """(re-clip groups with the earlier group's tags, other groups), from the newer half of the
    corpus so that every sample has many earlier clips, spread evenly."""
    entries = list(corpus.generate_entries(n, seed=SEED))
    reclips = [i for i, e in enumerate(entries) if e.near_duplicate_clip and i >= n // 2]
    others = list(range(n // 2, n, max(1, (n // 2) // count)))[:count]
    step = max(1, len(reclips) // count)

    def stored(i: int) -> Entry:
        return get_entry(j, resolve_entry_id(j, permalink_for(entries[i].published, j)))

    near: list[tuple[Entry, int, set[str]]] = []
    for i in reclips[::step][:count]:
        e = entries[i]
        assert e.near_duplicate_of is not None and e.near_duplicate_clip is not None
        dst, src = e.near_duplicate_clip
        mine, earlier = stored(i), stored(e.near_duplicate_of)
        truth = {t.name for t in earlier.groups[group_of(earlier, src)].tags}
        near.append((mine, group_of(mine, dst), truth))
    return near, [(stored(i), 0) for i in others]


def timed(fn: Callable[[], list[str]], repeat: int) -> tuple[float, list[str]]:
    """The median wall time of `repeat` calls in ms, and the last answer."""
    times = []
    out: list[str] = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), out


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    s = sorted(values)
    return s[min(len(s) - 1, int(q / 100 * len(s)))]


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) the journal, time and score both methods, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--reuse", action="store_true", help="keep an existing --db")
    ap.add_argument("--groups", type=int, default=200, help="sampled groups of each kind")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    db = args.db or Path(tempfile.gettempdir()) / f"suggest-bench-{args.entries}.db"
    j = build(db, args.entries, args.reuse)
    near, others = samples(j, args.entries, args.groups)
    first = near[0][0]
    t = time.perf_counter()
    suggest_for_clips(j, [c.text for c in first.groups[near[0][1]].clips], entry_id=first.id,
                      before=first.published)
    print(f"first suggestion (sketches + duplicate index loaded): "
          f"{time.perf_counter() - t:.1f} s")

    def run(entry: Entry, k: int) -> tuple[float, float, list[str], list[str]]:
        texts = [c.text for c in entry.groups[k].clips]
        a_ms, a = timed(lambda: [s.name for s in suggest_for_clips(
            j, texts, entry_id=entry.id, before=entry.published)], args.repeat)
        b_ms, b = timed(lambda: [s.name for s in suggest_tags(j, texts)], args.repeat)
        return a_ms, b_ms, a[:TOP], b[:TOP]

    print(f"{args.entries:,} entries; {len(near)} re-clip groups, {len(others)} other groups; "
          f"median of {args.repeat} runs per group")
    print(f"{'groups':<10} {'method':<22} {'p50 ms':>8} {'p95 ms':>8} {'hit@8':>7}")
    for name, rows in (("re-clip", [(e, k, truth) for e, k, truth in near]),
                       ("other", [(e, k, set()) for e, k in others])):
        results = [(run(e, k), truth) for e, k, truth in rows]
        a_t = [r[0] for r, _ in results]
        b_t = [r[1] for r, _ in results]
        hits_a = sum(1 for r, truth in results if truth & set(r[2]))
        hits_b = sum(1 for r, truth in results if truth & set(r[3]))
        for label, times, hits in (("nearest clips + names", a_t, hits_a),
                                   ("names only (baseline)", b_t, hits_b)):
            hit = f"{hits / len(results):.3f}" if name == "re-clip" else "-"
            print(f"{name:<10} {label:<22} {pct(times, 50):8.2f} {pct(times, 95):8.2f} {hit:>7}")
        print(f"{name:<10} ratio p50 {pct(a_t, 50) / pct(b_t, 50):.2f}x, "
              f"p95 {pct(a_t, 95) / pct(b_t, 95):.2f}x (nearest / names only)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
