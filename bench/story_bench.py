"""Tag story benchmark: what the story of every tag costs a publish, against the same publish
without stories in the same run (ratios printed).

On a synthetic journal (`bench/corpus.py`, default 2,000 entries): the one-off statements
analysis of every group (`catch_up_statements`, as the first publish after a bulk import does)
and the version analysis before it; then, alternating, full builds with tag stories and with
the story of every tag replaced by an empty one (the baseline); then a publish with no change
after each. Times are wall-clock seconds inside one process (`jobs=1`, so forked workers do
not blur the comparison); the median of `--repeat` runs is printed with the ratio.

    .venv/bin/python bench/story_bench.py [--entries 2000] [--repeat 3] [--dir /tmp/story-bench]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from import_bench import write_corpus  # noqa: E402

from kirinuki.journal import import_paths, init_journal  # noqa: E402
from kirinuki.journal.analysis import catch_up_versions  # noqa: E402
from kirinuki.journal.story import TagStory, catch_up_statements  # noqa: E402
from kirinuki.publish import publish, units  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/story-bench"))
    a = ap.parse_args()
    shutil.rmtree(a.dir, ignore_errors=True)
    clips = write_corpus(a.dir / "entries", a.entries)
    j = init_journal(str(a.dir / "j.db"), "bench", ["bench.kirinuki.example"])
    import_paths(j, [str(a.dir / "entries")])
    t = time.perf_counter()
    catch_up_versions(j)
    versions = time.perf_counter() - t
    t = time.perf_counter()
    groups = catch_up_statements(j)
    statements = time.perf_counter() - t
    print(f"{a.entries} entries, {clips} clips: version analysis {versions:.1f} s; statements "
          f"of {groups} groups {statements:.1f} s ({statements / clips * 1e6:.0f} µs a clip)")
    real = getattr(units, "tag_story")  # noqa: B009 - replaced below for the baseline
    empty = TagStory((), ())
    times: dict[str, list[float]] = {"stories": [], "baseline": []}
    quiet: dict[str, list[float]] = {"stories": [], "baseline": []}
    for k in range(a.repeat):
        for name in ("baseline", "stories") if k % 2 else ("stories", "baseline"):
            setattr(units, "tag_story",  # noqa: B010 - the baseline: every story empty
                    real if name == "stories" else (lambda *_args: empty))
            out = a.dir / f"site-{name}"
            shutil.rmtree(out, ignore_errors=True)
            t = time.perf_counter()
            r = publish(j, out, full=True, jobs=1)
            times[name].append(time.perf_counter() - t)
            t = time.perf_counter()
            again = publish(j, out, jobs=1)
            quiet[name].append(time.perf_counter() - t)
            assert again.written == 0, again
    setattr(units, "tag_story", real)  # noqa: B010
    print(f"{r.pages} files, {len(list((a.dir / 'site-stories').glob('archive/category/*')))} "
          "tags")
    for label, data in (("full build", times), ("no change", quiet)):
        s, b = statistics.median(data["stories"]), statistics.median(data["baseline"])
        print(f"{label}: stories {s:.2f} s, baseline {b:.2f} s, ratio {s / b:.3f}")
    j.close()


if __name__ == "__main__":
    main()
