"""Capture benchmark: kirinuki's whole capture pipeline against bare `trafilatura.extract`.

Generates N news-like HTML pages (header, navigation, an article of 5-9 paragraphs from the
synthetic corpus, related links, share buttons, footer; 70% UTF-8, 15% Shift_JIS, 15% EUC-JP),
plus a second version of every fifth article with one figure changed. Then, in the same run and
on the same page bytes:

  - baseline: `trafilatura.extract(page_bytes)` for every page;
  - kirinuki: `journal.capture.capture_page(journal, url, body, charset=...)` for every page,
    which is what `kirinuki clip` / `article fetch` do once the bytes have arrived: decode,
    extract, normalise the URL, diff against the previous version, store the version in a
    journal file (one transaction per page);
  - kirinuki with `--jobs` worker processes sharing one journal file.

Prints pages/s for each, kirinuki's overhead over the baseline (and the time ratio), and the
speed-up of --jobs. Targets (issues 3, 21): overhead <= 15% in one process; --jobs 2 >= 1.7x
one process.

    .venv/bin/python bench/capture_bench.py [--pages 500] [--jobs 2] [--rounds 2]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import sys
import tempfile
import time
from html import escape
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import corpus  # noqa: E402
import trafilatura  # noqa: E402

from kirinuki.capture.decode import decode_html  # noqa: E402
from kirinuki.capture.extract import extract_article  # noqa: E402
from kirinuki.journal import init_journal, open_journal  # noqa: E402
from kirinuki.journal.capture import capture_page  # noqa: E402

Page = tuple[str, str, bytes]  # (url, content type, body)
_NAV = ["トップ", "政治", "国際", "経済", "社会", "スポーツ", "科学・文化", "気象・災害"]
_ENCODINGS = [("utf-8", "UTF-8")] * 14 + [("cp932", "Shift_JIS")] * 3 + [("euc_jp", "EUC-JP")] * 3


def _page(n: int, paragraphs: list[str], related: list[str], codec: str, label: str,
          version: int) -> bytes:
    title = paragraphs[0][:28]
    nav = "".join(f'<li><a href="/news/{i}/">{w}</a></li>' for i, w in enumerate(_NAV))
    body = "".join(f"<p>{escape(p)}</p>\n" for p in paragraphs)
    links = "".join(f'<li><a href="/articles/{n + k + 1}.html">{escape(t)}</a></li>'
                    for k, t in enumerate(related))
    html = f"""<!DOCTYPE html>
<html lang="ja"><head><meta charset="{label}"><title>{escape(title)} | ベンチ報道</title>
<meta property="og:title" content="{escape(title)}"><meta property="og:site_name" content="ベンチ報道">
<meta property="article:published_time" content="2024-05-{1 + n % 28:02d}T{n % 24:02d}:15:00+09:00">
<meta property="article:modified_time" content="2024-05-{1 + n % 28:02d}T23:{version:02d}:00">
<link rel="canonical" href="https://bench-news.example/articles/{n}.html">
</head><body>
<header><div class="logo"><a href="/">ベンチ報道</a></div><nav><ul>{nav}</ul></nav></header>
<main><article><h1>{escape(title)}</h1><time datetime="2024-05-01T09:00">2024年5月1日</time>
<div class="share"><a href="#">ツイート</a><a href="#">シェア</a></div>
<div class="body">{body}</div></article>
<section class="related"><h2>関連ニュース</h2><ul>{links}</ul></section></main>
<footer><ul><li><a href="/about/">このサイトについて</a></li><li><a href="/privacy/">個人情報</a></li>
</ul><p>Copyright ベンチ報道 All rights reserved.</p></footer></body></html>"""
    return html.encode(codec, errors="xmlcharrefreplace")


def _bump(paragraph: str) -> str:
    """The paragraph with its first figure changed, as an updated article would have it."""
    for i, ch in enumerate(paragraph):
        if ch.isdigit() and ch.isascii():
            return paragraph[:i] + str((int(ch) + 3) % 10 or 1) + paragraph[i + 1 :]
    return paragraph + "（更新）"


def make_pages(n: int, seed: int = 3) -> list[Page]:
    """n article pages, then a second version of every fifth article (same URL)."""
    rnd = random.Random(seed)
    source = corpus.generate_paragraphs(n * 15, seed=seed)
    pages: list[Page] = []
    updates: list[Page] = []
    for k in range(n):
        paragraphs = [next(source) for _ in range(rnd.randint(5, 9))]
        related = [next(source)[:30] for _ in range(5)]
        codec, label = _ENCODINGS[rnd.randrange(len(_ENCODINGS))]
        url = f"https://bench-news.example/articles/{k}.html?utm_source=bench"
        ctype = "text/html" if rnd.random() < 0.5 else f"text/html; charset={label}"
        pages.append((url, ctype, _page(k, paragraphs, related, codec, label, 1)))
        if k % 5 == 0:
            changed = [_bump(paragraphs[0]), *paragraphs[1:]]
            updates.append((url, ctype, _page(k, changed, related, codec, label, 2)))
    return pages + updates


def run_baseline(pages: list[Page]) -> tuple[float, float]:
    """(wall, CPU) seconds for bare trafilatura.extract over the pages."""
    t, c = time.perf_counter(), time.process_time()
    for _, _, body in pages:
        trafilatura.extract(body)
    return time.perf_counter() - t, time.process_time() - c


def run_pair(pages: list[Page], journal_path: str, chunk: int = 20
             ) -> tuple[float, float, float, float, int]:
    """Baseline and kirinuki alternating every `chunk` pages, so that load from other
    processes on the machine falls on both alike: (base wall, base CPU, kirinuki wall,
    kirinuki CPU, new versions)."""
    totals = [0.0, 0.0, 0.0, 0.0]
    new = 0
    for k in range(0, len(pages), chunk):
        part = pages[k : k + chunk]
        wall, cpu = run_baseline(part)
        start, end, kcpu, n = run_kirinuki(part, journal_path)
        for i, v in enumerate((wall, cpu, end - start, kcpu)):
            totals[i] += v
        new += n
    return totals[0], totals[1], totals[2], totals[3], new


def run_kirinuki(pages: list[Page], journal_path: str) -> tuple[float, float, float, int]:
    """(start, end, CPU seconds, new versions) for the whole pipeline into a journal."""
    new = changed = 0
    with open_journal(journal_path) as j:
        start, cpu = time.perf_counter(), time.process_time()
        for url, ctype, body in pages:
            charset = ctype.partition("charset=")[2] or None
            res = capture_page(j, url, body, charset=charset)
            new += res.new_version
            changed += len(res.figures)  # the diff against the previous version
        end, cpu = time.perf_counter(), time.process_time() - cpu
    return start, end, cpu, new


def _worker(pages: list[Page], journal_path: str, barrier: Any, results: Any) -> None:
    """One process of --jobs: wait for the others, then work through its share of the pages
    (bare trafilatura when `journal_path` is empty, else kirinuki's pipeline)."""
    if journal_path:
        with open_journal(journal_path):
            pass  # open (and migrate) outside the timed part, as run_kirinuki does
    barrier.wait()
    if journal_path:
        results.put(run_kirinuki(pages, journal_path))
    else:
        start = time.perf_counter()
        run_baseline(pages)
        results.put((start, time.perf_counter(), 0.0, len(pages)))


def _article_number(url: str) -> int:
    return int(url.split("?")[0].rsplit("/", 1)[1].split(".")[0])


def run_jobs(pages: list[Page], jobs: int, journal_path: str) -> tuple[float, int]:
    """Seconds (first start to last end) for `jobs` processes sharing one journal (or running
    bare trafilatura when `journal_path` is empty), and the pages they stored.

    Articles are dealt out in turn, so the shares are even and every article's versions
    arrive in order in one process.
    """
    ctx = mp.get_context("fork")  # the children inherit the pages instead of pickling them
    barrier, results = ctx.Barrier(jobs), ctx.Queue()
    shares: list[list[Page]] = [[] for _ in range(jobs)]
    for page in pages:
        shares[_article_number(page[0]) % jobs].append(page)
    procs = [ctx.Process(target=_worker, args=(share, journal_path, barrier, results))
             for share in shares]
    for proc in procs:
        proc.start()
    done = [results.get() for _ in procs]
    for proc in procs:
        proc.join()
    return max(d[1] for d in done) - min(d[0] for d in done), sum(d[3] for d in done)


def run_eval_pages(rounds: int, repeat: int = 10) -> tuple[int, float, float]:
    """(pages, bare trafilatura seconds, kirinuki seconds) for extraction alone (decode and
    extract, nothing stored) over the development pages of the extraction evaluation, whose
    layouts are those of real news sites; best of `rounds`, each page `repeat` times."""
    folder = ROOT / "tests" / "capture" / "data" / "extract_eval" / "dev"
    pages = [(p.read_bytes(), f"https://eval.example/{p.stem}") for p in sorted(folder.glob("*.html"))]
    base = kiri = float("inf")
    for _ in range(rounds):
        t = time.process_time()
        for _ in range(repeat):
            for body, _url in pages:
                trafilatura.extract(body)
        base = min(base, time.process_time() - t)
        t = time.process_time()
        for _ in range(repeat):
            for body, url in pages:
                extract_article(decode_html(body, None), url)
        kiri = min(kiri, time.process_time() - t)
    return len(pages) * repeat, base, kiri


def _fresh(folder: Path, name: str) -> str:
    path = str(folder / name)
    init_journal(path, "capture bench").close()
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=500, help="distinct articles (default 500)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--rounds", type=int, default=2, help="best of N rounds (default 2)")
    args = parser.parse_args()
    pages = make_pages(args.pages)
    mb = sum(len(b) for _, _, b in pages) / 1e6
    print(f"{len(pages)} pages ({args.pages} articles + {len(pages) - args.pages} updated "
          f"versions), {mb:.1f} MB")
    base = base_cpu = kiri = kiri_cpu = par = base_par = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # Best of N rounds; within a round baseline and kirinuki alternate every 20 pages.
        for r in range(args.rounds):
            wall, cpu, kwall, kcpu, new = run_pair(pages, _fresh(folder, f"one{r}.db"))
            base, base_cpu = min(base, wall), min(base_cpu, cpu)
            kiri, kiri_cpu = min(kiri, kwall), min(kiri_cpu, kcpu)
            seconds, new_par = run_jobs(pages, args.jobs, _fresh(folder, f"par{r}.db"))
            par = min(par, seconds)
            base_par = min(base_par, run_jobs(pages, args.jobs, "")[0])
            assert new == new_par == len(pages), (new, new_par)  # every version was new
    n = len(pages)
    print(f"{'':30} {'wall pages/s':>12} {'CPU pages/s':>12}")
    print(f"{'bare trafilatura.extract':30} {n / base:12.1f} {n / base_cpu:12.1f}")
    print(f"{'kirinuki capture, 1 process':30} {n / kiri:12.1f} {n / kiri_cpu:12.1f}")
    print(f"{f'bare trafilatura, {args.jobs} processes':30} {n / base_par:12.1f}")
    print(f"{f'kirinuki capture, {args.jobs} processes':30} {n / par:12.1f}")
    print(f"overhead over bare trafilatura: wall {100 * (kiri / base - 1):+.1f}%, "
          f"CPU {100 * (kiri_cpu / base_cpu - 1):+.1f}% (target <= +15%)")
    print(f"time ratio kirinuki / bare trafilatura: wall {kiri / base:.2f}x, "
          f"CPU {kiri_cpu / base_cpu:.2f}x (target <= 1.15x)")
    print(f"--jobs {args.jobs}: {kiri / par:.2f}x one process, wall (target >= 1.7x); "
          f"bare trafilatura on this machine: {base / base_par:.2f}x")
    n_eval, e_base, e_kiri = run_eval_pages(args.rounds)
    print(f"extraction alone on {n_eval} page reads of the extraction evaluation's dev pages "
          f"(CPU): bare trafilatura.extract {n_eval / e_base:.1f} pages/s, kirinuki "
          f"{n_eval / e_kiri:.1f} pages/s, ratio {e_kiri / e_base:.2f}x (target <= 1.15x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
