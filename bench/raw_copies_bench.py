"""Raw copies: what keeping each version's response costs in bytes and capture time.

Two page sets, each captured twice in the same run into fresh journals, with
`capture.raw_copies` set to `all` and to `none` (the baseline), alternating every 20 pages so
load from other processes falls on both alike:

  - the extraction evaluation's dev pages (tests/capture/data/extract_eval/dev: written in the
    shape of real Japanese news pages, but without their scripts, styles and ad tags, so
    smaller than real pages);
  - the capture benchmark's generated pages (bench/capture_bench.py), with a second version of
    every fifth article.

Prints per set: versions, mean body bytes, mean stored (compressed) bytes, the compression
ratio, the journal file's growth per version with raw copies minus without, and the capture
time per page with and without (ratio).

    .venv/bin/python bench/raw_copies_bench.py [--pages 300]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from capture_bench import make_pages  # noqa: E402

from kirinuki.journal import init_journal, open_journal  # noqa: E402
from kirinuki.journal.capture import capture_page  # noqa: E402
from kirinuki.journal.settings import set_setting  # noqa: E402

DEV = ROOT / "tests" / "capture" / "data" / "extract_eval" / "dev"
Page = tuple[str, str, bytes]


def dev_pages() -> list[Page]:
    """The dev evaluation pages, each under its own URL."""
    return [(f"https://eval.example/{p.stem}.html", "text/html", p.read_bytes())
            for p in sorted(DEV.glob("*.html"))]


def _journal(folder: str, name: str, cap: str) -> str:
    path = os.path.join(folder, name)
    with init_journal(path) as j:
        set_setting(j, "capture.raw_copies", [cap])
    return path


def _capture(path: str, pages: list[Page]) -> float:
    with open_journal(path) as j:
        start = time.process_time()
        for url, ctype, body in pages:
            capture_page(j, url, body, charset=ctype.partition("charset=")[2] or None)
        return time.process_time() - start


def measure(label: str, pages: list[Page]) -> None:
    """Capture `pages` with and without raw copies and print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        kept, bare = _journal(folder, "all.db", "all"), _journal(folder, "none.db", "none")
        _capture(_journal(folder, "warm.db", "all"), pages[:20])  # imports, caches
        t_kept = t_bare = 0.0
        for k in range(0, len(pages), 20):
            part = pages[k:k + 20]
            if k % 40:  # which one goes first alternates too
                t_kept += _capture(kept, part)
                t_bare += _capture(bare, part)
            else:
                t_bare += _capture(bare, part)
                t_kept += _capture(kept, part)
        with open_journal(kept) as j:
            n, body, stored = j.store.conn.execute(
                "SELECT count(*), sum(body_size), sum(length(body)) FROM raw_copies").fetchone()
            versions = j.store.conn.execute("SELECT count(*) FROM article_versions").fetchone()[0]
            j.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        with open_journal(bare) as j:
            j.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        growth = (os.path.getsize(kept) - os.path.getsize(bare)) / max(versions, 1)
    print(f"{label}: {versions} versions ({n} raw copies) from {len(pages)} pages")
    print(f"  body {body / n:,.0f} B/version, stored {stored / n:,.0f} B/version "
          f"(zlib ratio {body / stored:.2f}x); journal file +{growth:,.0f} B/version")
    print(f"  capture CPU {1000 * t_bare / len(pages):.2f} ms/page without raw copies, "
          f"{1000 * t_kept / len(pages):.2f} ms/page with (ratio {t_kept / t_bare:.2f}x)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=300)
    args = ap.parse_args()
    measure("dev evaluation pages", dev_pages())
    measure("capture benchmark pages", make_pages(args.pages))


if __name__ == "__main__":
    main()
