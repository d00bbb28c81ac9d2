"""Web app benchmark: `kirinuki serve` against the published static files of the same pages.

For each journal (the demo journal, and a synthetic one of --entries entries from
bench/corpus.py) the run publishes the static site (or reuses the one built by an earlier run
in the same --keep folder), starts in the same run:
  - the web app (`kirinuki serve [--workers N]`, uvicorn), and
  - the baseline: the same uvicorn (same worker count) serving the published folder with
    Starlette's StaticFiles, so the ratio isolates what the app adds to serving a file;
then drives each over loopback with --clients concurrent keep-alive clients for --seconds per
target and prints requests/s, p50/p99 latency, errors and the ratio app/static:
  - entry and tag pages, --sample pages drawn at random, each requested once before the run
    (warm: the app answers from its page cache, the static server from the OS page cache);
  - entry pages, cold: every other entry page in random order, each requested once in the run,
    so the app renders every one (no cache can answer);
  - search, cold: distinct queries over the corpus vocabulary (both sorts), each requested once,
    first on the fresh server, then (words met) with other distinct queries right after;
  - search, repeated: five queries over and over (answered from the app's cache).
Search has no static equivalent (the static site searches in the browser): its ratio is
against the static entry page.

Last, the cost of a write on the synthetic journal: a write through the API, then the first
read (which brings the site context up to date), against a warm read; every read after a write
must already show it (counted as stale reads otherwise).

    .venv/bin/python bench/serve_bench.py [--entries 20000] [--clients 100] [--seconds 10]
        [--workers 1] [--keep DIR] [--generator auto|wrk|python]
        [--targets entry,entry-cold,tag,search-cold,search] [--write-rounds 5]
        [--journal postgresql://USER@HOST:PORT/DB [--pg-workers 2]]

With --journal (an empty PostgreSQL database, or the one an earlier run with the same --keep
filled), the synthetic journal is copied there (`kirinuki journal copy`) and, in the same run,
the app on the SQLite file with --workers processes is compared with the app on PostgreSQL
with --pg-workers processes, target by target (ratio: PostgreSQL / SQLite; issue 24's target
is PostgreSQL with 2 processes at least the SQLite figures of one).

The issue's configuration: `--entries 100000 --clients 100 --seconds 30 --keep DIR` (the
first run builds the journal in ~8 minutes; later runs reuse it). The load generator is wrk
(Debian's `wrk`) when installed, else a minimal asyncio HTTP/1.1 client in this process
(bench/serve_load.py); either competes with the servers for this machine's cores.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import corpus  # noqa: E402
from serve_load import Stats, have_wrk, load, warm  # noqa: E402

KIRINUKI = [sys.executable, "-m", "kirinuki"]
STATIC_APP = """
import os
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
app = Starlette(routes=[Mount("/", StaticFiles(directory=os.environ["BENCH_SITE"], html=True))])
"""
CATCH_UP = ("import sys; from kirinuki.journal import open_journal; "
            "from kirinuki.journal.analysis import catch_up_analysis; "
            "j = open_journal(sys.argv[1]); catch_up_analysis(j); j.close()")
TARGETS = ("entry", "entry-cold", "tag", "search-cold", "search")
SEARCHES = ["首相", "ルスタニア 制裁", '"国務長官"', "NATO OR G7", "円安 -ドル"]
DEMO_SEARCHES = ["地震", "首相", "宇宙 探査", "AI", "洪水 OR 大雨"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(cmd: list[str], port: int, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start a server and wait (polling its port, with a deadline) until it answers."""
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=60.0)
            return proc
        except httpx.TransportError:
            try:
                proc.wait(timeout=0.1)
                raise SystemExit(f"server exited: {cmd}")
            except subprocess.TimeoutExpired:
                pass
    proc.kill()
    raise SystemExit(f"server did not start: {cmd}")


def kirinuki(journal: Path | str, *args: str) -> str:
    r = subprocess.run([*KIRINUKI, "--journal", str(journal), *args], cwd=ROOT, check=True,
                       capture_output=True, text=True)
    return r.stdout


def build_journal(folder: Path, name: str, entries: int) -> Path:
    """The demo journal (entries == 0) or a synthetic one, imported and published; one built
    by an earlier run in the same --keep folder is reused (100k entries take minutes)."""
    path = folder / f"{name}.db"
    done = folder / f"{name}.built"
    if done.exists() and path.exists() and (folder / f"{name}-site").is_dir():
        print(f"{name}: reusing {path} and its published site", flush=True)
        return path
    for stale in (path, folder / f"{name}.db-wal", folder / f"{name}.db-shm"):
        stale.unlink(missing_ok=True)
    kirinuki(path, "init", "--title", f"bench {name}", "--host", "bench.kirinuki.example")
    if entries:
        src = folder / f"{name}-src"
        src.mkdir(exist_ok=True)
        used: set[str] = set()
        for e in corpus.generate_entries(entries, seed=7):
            stem = e.published.strftime("%Y-%m-%d_%H%M%S")
            while stem in used:
                stem += "x"
            used.add(stem)
            (src / f"{stem}.txt").write_bytes(e.text.encode("utf-8"))
        t = time.perf_counter()
        kirinuki(path, "import", str(src))
        print(f"{name}: imported in {time.perf_counter() - t:.1f} s", flush=True)
    else:
        kirinuki(path, "import", str(ROOT / "demo" / "entries"))
    t = time.perf_counter()
    kirinuki(path, "publish", str(folder / f"{name}-site"))
    print(f"{name}: published in {time.perf_counter() - t:.1f} s", flush=True)
    done.touch()
    return path


def site_paths(site: Path) -> tuple[list[str], list[str]]:
    """Addresses of every entry page and tag page found in the published folder (quoted)."""
    entries = sorted("/" + str(p.parent.relative_to(site)) + "/"
                     for p in (site / "entry").glob("*/*/*/*/index.html"))
    tags = sorted("/" + str(p.parent.relative_to(site)) + "/"
                  for p in (site / "archive" / "category").glob("*/index.html"))
    return [quote(p, safe="/") for p in entries], [quote(p, safe="/") for p in tags]


def sample_pages(folder: Path, name: str, sample: int,
                 ) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """Every entry and tag page of the published site, `sample` of each drawn for the warm
    runs, and the entry pages not drawn, shuffled, for the cold ones (the same draw each run)."""
    entries, tags = site_paths(folder / f"{name}-site")
    rng = random.Random(1)
    hot_entries = rng.sample(entries, min(sample, len(entries)))
    hot_tags = rng.sample(tags, min(sample, len(tags)))
    hot = set(hot_entries)
    cold_entries = [e for e in rng.sample(entries, len(entries)) if e not in hot]
    return entries, tags, hot_entries, hot_tags, cold_entries


def cold_queries(exclude: list[str]) -> list[str]:
    """Distinct queries over the corpus vocabulary (word pairs, OR, exclusion, phrases, both
    sorts), shuffled: a cold search run requests each once, so no result cache can answer."""
    c = corpus
    qs = [f"{a} {b}" for a, b in itertools.chain(
        itertools.product(c._COUNTRIES, c._TOPICS), itertools.product(c._SURNAMES, c._TITLES),
        itertools.product(c._CITIES, c._EVENTS), itertools.product(c._LANDS, c._SECTORS),
        itertools.product(c._BLOCS, c._AID), itertools.product(c._MINISTRIES, c._LANDS),
        # More pairs of the same kind: two workers answer ~200 distinct queries/s, and a
        # 30 s run must not run out of them (~7,500 addresses with both sorts).
        itertools.product(c._SURNAMES, c._TOPICS), itertools.product(c._COUNTRIES, c._EVENTS),
        itertools.product(c._CITIES, c._TOPICS), itertools.product(c._COUNTRIES, c._SECTORS),
        itertools.product(c._LANDS, c._TOPICS), itertools.product(c._SURNAMES, c._EVENTS),
        itertools.product(c._POWERS, c._TOPICS), itertools.product(c._POWERS, c._EVENTS),
        itertools.product(c._MINISTRIES, c._TOPICS), itertools.product(c._SURNAMES, c._SECTORS))]
    # The same pairs limited in time, as readers narrow a search: ~42,000 addresses in all,
    # enough for two workers answering ~650 never-seen queries a second for 30 s after the
    # first run.
    qs += [f"{q} since:{year}-01-01" for year in (2017, 2019, 2021, 2023, 2025) for q in list(qs)]
    qs += [f"{a} OR {b}" for a, b in itertools.permutations(c._ACRONYMS, 2)]
    qs += [f"{a} -{b}" for a, b in itertools.product(c._LANDS, c._POWERS)]
    qs += [f'"{q}"' for q in c._QUOTES] + list(c._COUNTRIES + c._SURNAMES + c._EVENTS)
    paths = [f"/search?{httpx.QueryParams({'q': q, **sort})}" for q in dict.fromkeys(qs)
             if q not in exclude for sort in ({}, {"sort": "date"})]
    random.Random(3).shuffle(paths)
    return paths


def row(label: str, s: Stats, base: Stats | None) -> None:
    ratio = f"{s.rps / base.rps:6.2f}x" if base and base.rps else "     -"
    note = "  (ran out of distinct paths: some repeated)" if s.wrapped else ""
    print(f"  {label:<26} {s.rps:9.0f} req/s  p50 {s.pct(0.5):7.1f} ms  p99 {s.pct(0.99):7.1f} ms"
          f"  errors {s.errors:<4} {ratio}{note}", flush=True)


def servers(folder: Path, name: str, path: Path, workers: int,
            ) -> tuple[list[subprocess.Popen[bytes]], int, int]:
    """Start the app and the static baseline, each with `workers` uvicorn processes."""
    app_port, static_port = free_port(), free_port()
    cmd = [*KIRINUKI, "--journal", str(path), "serve", "--port", str(app_port)]
    app = start(cmd + (["--workers", str(workers)] if workers > 1 else []), app_port)
    (folder / "bench_static_app.py").write_text(STATIC_APP)
    # The same uvicorn set-up as `kirinuki serve` (its HTTP protocol class with TCP_NODELAY).
    runner = ("import sys, uvicorn; from kirinuki.web.serving import NoDelayHttp; "
              "uvicorn.run('bench_static_app:app', app_dir=sys.argv[1], port=int(sys.argv[2]), "
              "workers=int(sys.argv[3]), log_level='warning', http=NoDelayHttp)")
    static = start([sys.executable, "-c", runner, str(folder), str(static_port), str(workers)],
                   static_port, env={**os.environ, "BENCH_SITE": str(folder / f"{name}-site")})
    return [app, static], app_port, static_port


def bench_journal(folder: Path, name: str, path: Path, searches: list[str],
                  args: argparse.Namespace) -> None:
    entries, tags, hot_entries, hot_tags, cold_entries = sample_pages(folder, name, args.sample)
    warm_q = [f"/search?{httpx.QueryParams({'q': q})}" for q in searches]
    procs, app_port, static_port = servers(folder, name, path, args.workers)
    gen = args.generator if args.generator != "auto" else ("wrk" if have_wrk() else "python")

    def run(port: int, paths: list[str], cold: bool = False) -> Stats:
        if not cold:
            warm(port, paths, 1 if args.workers == 1 else 4 * args.workers)
        return load(port, paths, args.clients, args.seconds, cold=cold, generator=gen)

    try:
        print(f"{name}: {len(entries)} entry pages, {len(tags)} tag pages; {args.clients} clients,"
              f" {args.seconds:.0f} s per target, load by {gen}, {args.workers} worker(s) per "
              "server (ratio: app / static)", flush=True)
        want = set(args.targets.split(","))
        base = run(static_port, hot_entries)
        row("static entry file", base, None)
        if "entry" in want:
            row("app entry page", run(app_port, hot_entries), base)
        if "entry-cold" in want:
            row("app entry page, cold", run(app_port, cold_entries, cold=True), base)
        if "tag" in want:
            tag_base = run(static_port, hot_tags)
            row("static tag file", tag_base, None)
            row("app tag page", run(app_port, hot_tags), tag_base)
        if "search-cold" in want and not args.skip_cold_search:
            paths = cold_queries(searches)
            row("app search, cold", run(app_port, paths[:len(paths) * 2 // 5], cold=True), base)
            # Again with other never-seen queries, now that the server has met their words
            # (the first run read each word's row ids from the index once): what a server
            # that has been up for a while answers.
            row("app search, cold, words met", run(app_port, paths[len(paths) * 2 // 5:],
                                                    cold=True), base)
        if "search" in want:
            row("app search, repeated", run(app_port, warm_q), base)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()


def pg_journal(folder: Path, name: str, synth: Path, url: str) -> str:
    """The synthetic journal copied into the PostgreSQL database at `url` (reused when an
    earlier run with this --keep folder copied it there)."""
    copied, done = folder / f"{name}.pg-copied", folder / f"{name}.pg-built"
    if done.exists() and done.read_text() == url:
        print(f"{name}: reusing the PostgreSQL copy", flush=True)
        return url
    if not (copied.exists() and copied.read_text() == url):
        t = time.perf_counter()
        kirinuki(synth, "journal", "copy", str(synth), url)
        print(f"{name}: copied to PostgreSQL in {time.perf_counter() - t:.1f} s", flush=True)
        copied.write_text(url)
    # The copy carries no analysis results: the first `serve` would compute them all before
    # its first answer (minutes at 20k entries), as publishing did for the SQLite journal.
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", CATCH_UP, url], cwd=ROOT, check=True)
    print(f"{name}: analysis caught up on PostgreSQL in {time.perf_counter() - t:.1f} s",
          flush=True)
    done.write_text(url)
    return url


def compare_backends(folder: Path, name: str, synth: Path, url: str, searches: list[str],
                     args: argparse.Namespace) -> None:
    """Each target on the SQLite app (--workers processes), then on the PostgreSQL app
    (--pg-workers processes), one server at a time; a row per target with the ratio."""
    _, _, hot_entries, hot_tags, cold_entries = sample_pages(folder, name, args.sample)
    cold = cold_queries(searches)
    half = len(cold_entries) // 2
    plan: list[tuple[str, list[str], bool]] = [
        ("entry", hot_entries, False), ("tag", hot_tags, False),
        ("search", [f"/search?{httpx.QueryParams({'q': q})}" for q in searches], False)]
    gen = args.generator if args.generator != "auto" else ("wrk" if have_wrk() else "python")
    want = set(args.targets.split(","))
    results: dict[str, list[Stats]] = {}
    for k, (journal, workers) in enumerate(((str(synth), args.workers), (url, args.pg_workers))):
        # Cold paths differ between the two servers (each is requested once in the run), drawn
        # from the same lists: the first half for SQLite, the second for PostgreSQL.
        runs = [*plan, ("entry-cold", cold_entries[k * half:(k + 1) * half], True),
                ("search-cold", cold[k::2], True)]
        port = free_port()
        cmd = [*KIRINUKI, "--journal", journal, "serve", "--port", str(port)]
        proc = start(cmd + (["--workers", str(workers)] if workers > 1 else []), port)
        try:
            for target, paths, is_cold in runs:
                if target not in want:
                    continue
                if not is_cold:
                    warm(port, paths, 1 if workers == 1 else 4 * workers)
                results.setdefault(target, []).append(
                    load(port, paths, args.clients, args.seconds, cold=is_cold, generator=gen))
        finally:
            proc.terminate()
            proc.wait()
    print(f"{name}: SQLite with {args.workers} process(es) vs PostgreSQL with {args.pg_workers};"
          f" {args.clients} clients, {args.seconds:.0f} s per target, load by {gen}, load average"
          f" {os.getloadavg()[0]:.1f} (ratio: PostgreSQL / SQLite)", flush=True)
    for target, (lite, pg) in results.items():
        row(f"{target}, SQLite", lite, None)
        row(f"{target}, PostgreSQL", pg, lite)


def write_cost(path: Path | str, rounds: int = 5) -> None:
    """A write through the API, then the first reads (the site context is rebuilt), against a
    warm read; each read must already show the write (the app's caches are never stale)."""
    token = kirinuki(path, "token", "create", "--name", "bench").strip().splitlines()[-1]
    port = free_port()
    app = start([*KIRINUKI, "--journal", str(path), "serve", "--port", str(port)], port)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as c:
            c.get("/")
            warm_reads, writes, first, stale = [], [], [], 0
            for _ in range(rounds):
                mark = f"ベンチマークの書き込み{time.time_ns()}"
                t = time.perf_counter()
                c.get("/")
                warm_reads.append(time.perf_counter() - t)
                t = time.perf_counter()
                r = c.post("/api/entries/today/groups", headers=headers,
                           json={"clips": [f"{mark}。"], "tags": ["ベンチ"]})
                r.raise_for_status()
                eid = r.json()["id"]
                r = c.patch(f"/api/entries/{eid}", headers=headers, json={"status": "published"})
                r.raise_for_status()
                link = r.json()["permalink"]
                writes.append(time.perf_counter() - t)
                t = time.perf_counter()
                front = c.get("/").text
                first.append(time.perf_counter() - t)
                pages = [front, c.get(f"{link}/").text, c.get("/archive/category/ベンチ/").text,
                         c.get("/search", params={"q": mark}).text]
                stale += sum(mark not in page for page in pages)
        w, f, h = (statistics.median(x) * 1000 for x in (writes, first, warm_reads))
        label = path.stem if isinstance(path, Path) else "PostgreSQL"
        print(f"write cost ({label}): API write+publish {w:.0f} ms; first read after it "
              f"{f:.0f} ms vs warm read {h:.1f} ms (the context update); stale reads after "
              f"{rounds} writes (front, entry, tag page, search): {stale}", flush=True)
    finally:
        app.terminate()
        app.wait()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--entries", type=int, default=20000)
    p.add_argument("--clients", type=int, default=100)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--sample", type=int, default=500,
                   help="entry and tag pages drawn at random for the warm runs")
    p.add_argument("--workers", type=int, default=1, help="uvicorn processes per server")
    p.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto",
                   help="load generator (auto: wrk when installed)")
    p.add_argument("--skip-demo", action="store_true")
    p.add_argument("--skip-cold-search", action="store_true")
    p.add_argument("--write-rounds", type=int, default=5,
                   help="writes timed by the write cost (0: none)")
    p.add_argument("--targets", default=",".join(TARGETS),
                   help="comma-separated subset of " + ",".join(TARGETS))
    p.add_argument("--build-only", action="store_true", help="build (or reuse) and stop")
    p.add_argument("--keep", help="build the journals in this folder, and reuse them next time")
    p.add_argument("--journal", help="also a PostgreSQL database (postgresql://…) to compare with")
    p.add_argument("--pg-workers", type=int, default=2,
                   help="`serve` processes on the PostgreSQL journal")
    args = p.parse_args()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if not args.skip_demo:
            demo = build_journal(folder, "demo", 0)
            if not args.build_only:
                bench_journal(folder, "demo", demo, DEMO_SEARCHES, args)
        t = time.perf_counter()
        synth = build_journal(folder, f"synthetic{args.entries}", args.entries)
        print(f"synthetic journal ready in {time.perf_counter() - t:.0f} s", flush=True)
        name = f"synthetic{args.entries}"
        url = pg_journal(folder, name, synth, args.journal) if args.journal else None
        if not args.build_only and url is None:
            bench_journal(folder, name, synth, SEARCHES, args)
            if args.write_rounds:
                write_cost(synth, args.write_rounds)
        elif not args.build_only and url is not None:
            compare_backends(folder, name, synth, url, SEARCHES, args)
            if args.write_rounds:
                write_cost(synth, args.write_rounds)
                write_cost(url, args.write_rounds)


if __name__ == "__main__":
    main()
