"""Web app benchmark: `kirinuki serve` against the published static files of the same pages.

For each journal (the demo journal, and a synthetic one of --entries entries from
bench/corpus.py) the run publishes the static site, starts in the same run:
  - the web app (`kirinuki serve`, uvicorn, one process), and
  - the baseline: the same uvicorn serving the published folder with Starlette's StaticFiles,
    so the ratio isolates what the app adds (rendering from the journal) to serving a file;
then drives each over loopback with --clients concurrent keep-alive clients for --seconds per
target (entry pages, tag pages, search), and prints requests/s, p50/p99 latency, errors and the
ratio app/static. Search has no static equivalent (the static site searches in the browser):
its ratio is against the static entry page.

Last, the cost of a write on the synthetic journal: a write through the API followed by the
first read, which rebuilds the site context, against a warm read.

    .venv/bin/python bench/serve_bench.py [--entries 20000] [--clients 100] [--seconds 10]

The load generator is a minimal HTTP/1.1 client on asyncio streams (no third-party client in
the loop) in this process; on a small machine it competes with the servers for the CPU, which
caps the static baseline more than the app.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import corpus  # noqa: E402

KIRINUKI = [sys.executable, "-m", "kirinuki"]
STATIC_APP = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
app = Starlette(routes=[Mount("/", StaticFiles(directory=sys.argv[1], html=True))])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""
SEARCHES = ["首相", "ルスタニア 制裁", '"国務長官"', "NATO OR G7", "円安 -ドル"]
DEMO_SEARCHES = ["地震", "首相", "宇宙 探査", "AI", "洪水 OR 大雨"]


@dataclass
class Stats:
    """The outcome of one load run."""

    count: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(cmd: list[str], port: int, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start a server and wait (polling its port, with a deadline) until it answers."""
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2.0)
            return proc
        except httpx.TransportError:
            try:
                proc.wait(timeout=0.1)
                raise SystemExit(f"server exited: {cmd}")
            except subprocess.TimeoutExpired:
                pass
    proc.kill()
    raise SystemExit(f"server did not start: {cmd}")


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One keep-alive GET; the status (the body is read and dropped)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
    if m is None:
        raise ValueError("no content-length")
    await reader.readexactly(int(m.group(1)))
    return status


async def _client(port: int, paths: list[str], until: float, stats: Stats, seed: int) -> None:
    rng = random.Random(seed)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            path = paths[rng.randrange(len(paths))]
            t = time.perf_counter()
            try:
                status = await _get(reader, writer, path)
            except (OSError, ValueError, asyncio.IncompleteReadError):
                stats.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            stats.latencies.append(time.perf_counter() - t)
            stats.count += 1
            if status != 200:
                stats.errors += 1
    finally:
        writer.close()


def load(port: int, paths: list[str], clients: int, seconds: float) -> Stats:
    """Drive `paths` (chosen at random) on `port` with `clients` connections for `seconds`."""
    stats = Stats()

    async def run() -> None:
        start_at = time.perf_counter()
        until = start_at + seconds
        await asyncio.gather(*(_client(port, paths, until, stats, i) for i in range(clients)))
        stats.seconds = time.perf_counter() - start_at

    asyncio.run(run())
    return stats


def kirinuki(journal: Path, *args: str) -> str:
    r = subprocess.run([*KIRINUKI, "--journal", str(journal), *args], cwd=ROOT, check=True,
                       capture_output=True, text=True)
    return r.stdout


def build_journal(folder: Path, name: str, entries: int) -> Path:
    """The demo journal (entries == 0) or a synthetic one, imported and published."""
    path = folder / f"{name}.db"
    kirinuki(path, "init", "--title", f"bench {name}", "--host", "bench.kirinuki.example")
    if entries:
        src = folder / f"{name}-src"
        src.mkdir()
        used: set[str] = set()
        for e in corpus.generate_entries(entries, seed=7):
            stem = e.published.strftime("%Y-%m-%d_%H%M%S")
            while stem in used:
                stem += "x"
            used.add(stem)
            (src / f"{stem}.txt").write_bytes(e.text.encode("utf-8"))
        kirinuki(path, "import", str(src))
    else:
        kirinuki(path, "import", str(ROOT / "demo" / "entries"))
    t = time.perf_counter()
    kirinuki(path, "publish", str(folder / f"{name}-site"))
    print(f"{name}: published in {time.perf_counter() - t:.1f} s", flush=True)
    return path


def site_paths(site: Path, sample: int) -> tuple[list[str], list[str]]:
    """Addresses of entry pages and tag pages found in the published folder."""
    entries = sorted("/" + str(p.parent.relative_to(site)) + "/"
                     for p in (site / "entry").glob("*/*/*/*/index.html"))
    tags = sorted("/" + str(p.parent.relative_to(site)) + "/"
                  for p in (site / "archive" / "category").glob("*/index.html"))
    rng = random.Random(1)
    return rng.sample(entries, min(sample, len(entries))), rng.sample(tags, min(sample, len(tags)))


def quote_all(paths: list[str]) -> list[str]:
    from urllib.parse import quote

    return [quote(p, safe="/") for p in paths]


def row(label: str, s: Stats, base: Stats | None) -> None:
    ratio = f"{s.rps / base.rps:6.2f}x" if base and base.rps else "     -"
    print(f"  {label:<22} {s.rps:9.0f} req/s  p50 {s.pct(0.5):7.1f} ms  p99 {s.pct(0.99):7.1f} ms"
          f"  errors {s.errors:<4} {ratio}", flush=True)


def bench_journal(folder: Path, name: str, path: Path, searches: list[str],
                  args: argparse.Namespace) -> None:
    site = folder / f"{name}-site"
    entries, tags = site_paths(site, 500)
    entries, tags = quote_all(entries), quote_all(tags)
    searches_q = [str(httpx.URL("/search", params={"q": q})) for q in searches]
    app_port, static_port = free_port(), free_port()
    app = start([*KIRINUKI, "--journal", str(path), "serve", "--port", str(app_port)], app_port)
    static = start([sys.executable, "-c", STATIC_APP, str(site), str(static_port)], static_port)
    try:
        print(f"{name}: {len(entries)} entry pages, {len(tags)} tag pages sampled; "
              f"{args.clients} clients, {args.seconds:.0f} s each (ratio: app / static)")
        bases = {}
        for label, paths in (("entry", entries), ("tag", tags)):
            bases[label] = load(static_port, paths, args.clients, args.seconds)
            row(f"static {label} file", bases[label], None)
            row(f"app {label} page", load(app_port, paths, args.clients, args.seconds),
                bases[label])
        row("app search", load(app_port, searches_q, args.clients, args.seconds), bases["entry"])
    finally:
        for proc in (app, static):
            proc.terminate()
            proc.wait()


def write_cost(path: Path, rounds: int = 5) -> None:
    """A write through the API, then the first read (rebuilds the site context), vs a warm read."""
    token = kirinuki(path, "token", "create", "--name", "bench").strip().splitlines()[-1]
    port = free_port()
    app = start([*KIRINUKI, "--journal", str(path), "serve", "--port", str(port)], port)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as c:
            c.get("/")
            warm, writes, first = [], [], []
            for i in range(rounds):
                t = time.perf_counter()
                c.get("/")
                warm.append(time.perf_counter() - t)
                t = time.perf_counter()
                r = c.post("/api/entries/today/groups", headers=headers,
                           json={"clips": [f"ベンチマークの書き込み{i}。"], "tags": ["ベンチ"]})
                r.raise_for_status()
                eid = r.json()["id"]
                r = c.patch(f"/api/entries/{eid}", headers=headers, json={"status": "published"})
                r.raise_for_status()
                writes.append(time.perf_counter() - t)
                t = time.perf_counter()
                c.get("/")
                first.append(time.perf_counter() - t)
        w, f, h = (statistics.median(x) * 1000 for x in (writes, first, warm))
        print(f"write cost ({path.stem}): API write+publish {w:.0f} ms; first read after it "
              f"{f:.0f} ms vs warm read {h:.1f} ms ({f / h:.0f}x: the context rebuild)")
    finally:
        app.terminate()
        app.wait()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--entries", type=int, default=20000)
    p.add_argument("--clients", type=int, default=100)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--skip-demo", action="store_true")
    p.add_argument("--keep", help="build the journals in this folder (kept)")
    args = p.parse_args()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if not args.skip_demo:
            demo = build_journal(folder, "demo", 0)
            bench_journal(folder, "demo", demo, DEMO_SEARCHES, args)
        t = time.perf_counter()
        synth = build_journal(folder, f"synthetic{args.entries}", args.entries)
        print(f"synthetic journal built in {time.perf_counter() - t:.0f} s", flush=True)
        bench_journal(folder, f"synthetic{args.entries}", synth, SEARCHES, args)
        write_cost(synth)


if __name__ == "__main__":
    main()
