"""Hatena import benchmark: a fresh journal takes a synthetic N-entry Movable Type export.

The export is built from the synthetic corpus (bench/corpus.py): every entry's clip text, with
one entry in three quoting its clips in a <blockquote> with a <cite> source, as Hatena writes
them. Compared in the same run, on the same entries:
  - MT read only: `read_mt` + HTML body reading (no database): the floor of the MT import;
  - clip text import: the same entries as a folder of .txt files, `kirinuki import FOLDER`
    (the existing import path, the baseline);
  - MT import: `kirinuki import blog.export.txt` in a child process (everything: permalinks,
    sources as article versions, tags, derived indexes);
  - MT re-import of the same file (idempotency check: must add nothing).
Prints seconds, entries/s and ratios. Target (issue 8): 50,000 entries in under 60 s.

    .venv/bin/python bench/hatena_bench.py [--entries 50000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import corpus  # noqa: E402

from kirinuki.model import Citation, Status  # noqa: E402
from kirinuki.text.cliptext import parse  # noqa: E402
from kirinuki.text.hatena_mt import MTEntry, mt_entry_to_entry, read_mt, render_mt_entry  # noqa: E402

TZ = ZoneInfo("Asia/Tokyo")


def write_inputs(work: Path, n: int) -> tuple[Path, Path]:
    """Write the N entries as one MT export and as a folder of clip text files."""
    export, folder = work / "blog.export.txt", work / "clips"
    folder.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    with export.open("w", encoding="utf-8") as fh:
        for i, e in enumerate(corpus.generate_entries(n, seed=7)):
            entry = parse(e.text)
            name = e.published.strftime("%Y-%m-%d_%H%M%S")
            while name in used:
                name += "x"
            used.add(name)
            (folder / f"{name}.txt").write_bytes(e.text.encode("utf-8"))
            entry.published = e.published
            entry.permalink = "/entry/" + e.published.strftime("%Y/%m/%d/%H%M%S") + f"_{i}"
            entry.status = Status.PUBLISHED if i % 10 else Status.DRAFT
            entry.title = f"切り抜き {i}"
            if i % 3 == 0:
                for c in entry.clips:
                    c.citation = Citation(url=f"https://news.example.jp/a/{i % 997}",
                                          title=f"記事 {i % 997}")
            fh.write(render_mt_entry(entry, TZ, "bench"))
    return export, folder


def read_only(export: Path) -> float:
    t = time.perf_counter()
    with export.open(encoding="utf-8") as fh:
        for item in read_mt(fh):
            if isinstance(item, MTEntry):
                mt_entry_to_entry(item, TZ)
    return time.perf_counter() - t


def cli_import(db: Path, target: Path, *, init: bool = True) -> tuple[float, str]:
    exe = str(Path(sys.executable).parent / "kirinuki")
    if init:
        subprocess.run([exe, "-j", str(db), "init"], check=True, capture_output=True)
    t = time.perf_counter()
    r = subprocess.run([exe, "-j", str(db), "import", str(target)], capture_output=True,
                       text=True, check=True)
    return time.perf_counter() - t, r.stdout.strip().splitlines()[-1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=50_000)
    ap.add_argument("--keep", type=Path, help="work folder to keep (default: a temp folder)")
    args = ap.parse_args()
    n = args.entries
    work = args.keep or Path(tempfile.mkdtemp(prefix="kirinuki-hatena-bench-"))
    t = time.perf_counter()
    export, folder = write_inputs(work, n)
    size = export.stat().st_size / 1e6
    print(f"inputs: {n} entries, export {size:.0f} MB, written in {time.perf_counter() - t:.1f} s")
    floor = read_only(export)
    base, base_summary = cli_import(work / "clips.db", folder)
    mt, mt_summary = cli_import(work / "mt.db", export)
    again, again_summary = cli_import(work / "mt.db", export, init=False)
    print(f"clip text import: {base_summary}")
    print(f"MT import:        {mt_summary}")
    print(f"MT re-import:     {again_summary}")
    print(f"{'method':<30}{'seconds':>9}{'entries/s':>12}{'vs MT import':>14}")
    rows = [("MT read only (floor)", floor), ("clip text folder (baseline)", base),
            ("MT import", mt), ("MT re-import (adds nothing)", again)]
    for name, secs in rows:
        print(f"{name:<30}{secs:>9.2f}{n / secs:>12,.0f}{secs / mt:>13.2f}x")
    print(f"MT import / clip text import: {mt / base:.2f}x the time")
    verdict = "met" if mt < 60 else "NOT met"
    print(f"target {n} entries < 60 s: {verdict} ({mt:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
