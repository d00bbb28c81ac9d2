"""Watch benchmark: one `watch run` over N watched articles whose server answers 304.

Builds a journal of N articles (one version each, with an ETag) on H local hosts (127.0.0.1,
127.0.0.2, … each with its own HTTP/1.1 keep-alive server answering 304 to the right
If-None-Match), every watch due. Then, in the same run and against the same servers:

  - baseline: bare `httpx.Client` conditional GETs of the same URLs, `--jobs` threads each
    taking one host's URLs at a time (the same politeness as the watcher);
  - kirinuki: `journal.watch.run_watch(journal, jobs=--jobs)`: the due-list query, the
    `Fetcher` (guard, deadline, size cap), per-host queues, and every outcome written.

Prints both times, the ratio, and whether the run stays within the issue's 60 s for 10,000
articles. Takes /tmp/kirinuki-bench.lock so that no other heavy benchmark runs alongside.

    .venv/bin/python bench/watch_bench.py [--articles 10000] [--hosts 8] [--jobs 4]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import queue
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from kirinuki.journal import init_journal  # noqa: E402
from kirinuki.journal.watch import run_watch  # noqa: E402
from kirinuki.model import Article, ArticleVersion, Source  # noqa: E402
from kirinuki.store.sqlite import articles as article_rows  # noqa: E402
from kirinuki.store.sqlite import watch as watch_rows  # noqa: E402

ETAG = '"v1"'
LIMIT_SECONDS = 60.0  # issue 21, for 10,000 articles


class Handler(BaseHTTPRequestHandler):
    """304 for the right If-None-Match, else a tiny page (never asked for here)."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.headers.get("If-None-Match") == ETAG:
            self.send_response(304)
            self.send_header("ETag", ETAG)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = "<html><body><p>ベンチの記事です。本文はこれだけです。</p></body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("ETag", ETAG)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def start_servers(hosts: int) -> list[tuple[ThreadingHTTPServer, str]]:
    """One keep-alive server per loopback address 127.0.0.1 … 127.0.0.H."""
    out = []
    for i in range(1, hosts + 1):
        httpd = ThreadingHTTPServer((f"127.0.0.{i}", 0), Handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        out.append((httpd, f"http://127.0.0.{i}:{httpd.server_address[1]}"))
    return out


def build_journal(path: str, bases: list[str], n: int) -> list[str]:
    """A journal of `n` articles spread over the hosts, each due now; returns their URLs."""
    j = init_journal(path, "bench")
    store = j.store
    now = datetime.now(UTC)
    urls = [f"{bases[k % len(bases)]}/news/{k}.html" for k in range(n)]
    with store.transaction():
        for k, url in enumerate(urls):
            aid = article_rows.new_article(store, Article(url, Source(site="bench"), f"記事{k}"),
                                           now)
            article_rows.add_version(store, aid, ArticleVersion(
                content_hash=f"h{k}", fetched_at=now - timedelta(days=40),
                paragraphs=[f"ベンチの記事{k}の本文です。"], title=f"記事{k}"))
            article_rows.set_validators(store, aid, ETAG, None)
            watch_rows.add_watches(store, [(aid, "manual", now, now - timedelta(minutes=1))])
    j.close()
    return urls


def baseline(urls: list[str], jobs: int) -> float:
    """Bare httpx conditional GETs: `jobs` threads, one host's URLs at a time each."""
    groups: dict[str, list[str]] = {}
    for u in urls:
        groups.setdefault(httpx.URL(u).host, []).append(u)
    work: queue.Queue[list[str]] = queue.Queue()
    for g in sorted(groups.values(), key=len, reverse=True):
        work.put(g)
    errors: list[str] = []

    def worker(client: httpx.Client) -> None:
        while True:
            try:
                group = work.get_nowait()
            except queue.Empty:
                return
            for u in group:
                r = client.get(u, headers={"If-None-Match": ETAG})
                if r.status_code != 304:
                    errors.append(f"{u}: {r.status_code}")

    start = time.perf_counter()
    with httpx.Client(trust_env=False) as client:
        threads = [threading.Thread(target=worker, args=(client,))
                   for _ in range(min(jobs, len(groups)))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    took = time.perf_counter() - start
    if errors:
        raise SystemExit(f"baseline: {len(errors)} answers were not 304, e.g. {errors[0]}")
    return took


def kirinuki_run(path: str, jobs: int) -> tuple[float, int]:
    """One watch run over the journal; (seconds, articles checked as unchanged)."""
    from kirinuki.journal import open_journal

    with open_journal(path) as j:
        start = time.perf_counter()
        summary = run_watch(j, jobs=jobs)
        took = time.perf_counter() - start
    counts = summary.counts
    if counts["unchanged"] != len(summary.results):
        raise SystemExit(f"watch run: unexpected outcomes {dict(counts)}")
    return took, counts["unchanged"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--hosts", type=int, default=8)
    ap.add_argument("--jobs", type=int, default=4)
    args = ap.parse_args()
    os.environ["KIRINUKI_ALLOW_PRIVATE"] = "1"  # the servers are on loopback addresses
    with open("/tmp/kirinuki-bench.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        servers = start_servers(args.hosts)
        with tempfile.TemporaryDirectory() as tmp:
            path = str(Path(tmp) / "watch.db")
            t0 = time.perf_counter()
            urls = build_journal(path, [b for _, b in servers], args.articles)
            print(f"journal of {len(urls)} watched articles on {args.hosts} hosts built in "
                  f"{time.perf_counter() - t0:.1f} s")
            base = baseline(urls, args.jobs)
            took, checked = kirinuki_run(path, args.jobs)
            base2 = baseline(urls, args.jobs)  # again, after: load may have changed
        for httpd, _ in servers:
            httpd.shutdown()
    best = min(base, base2)
    print(f"baseline, bare httpx conditional GETs (--jobs {args.jobs}): {base:.2f} s and "
          f"{base2:.2f} s ({len(urls) / best:.0f} requests/s at best)")
    print(f"kirinuki watch run (--jobs {args.jobs}): {took:.2f} s for {checked} articles "
          f"({checked / took:.0f} articles/s)")
    print(f"ratio kirinuki / baseline: {took / best:.2f}x")
    limit = LIMIT_SECONDS * len(urls) / 10_000
    verdict = "within" if took <= limit else "OVER"
    print(f"target: one run <= {limit:.0f} s for {len(urls)} articles: {verdict}")


if __name__ == "__main__":
    main()
