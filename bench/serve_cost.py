"""What one cold page costs the web app on each backend: statements, round trips, CPU.

No load generator and no HTTP: in this process, the app's state (`WebState`) of the SQLite
journal that bench/serve_bench.py built in --keep DIR, then of its PostgreSQL copy (--journal),
answers --pages cold entry pages (`WebState.quick_page`, as `CachedPages` renders them) and
--pages never-seen searches (`reader_search`) on the fresh state, then --pages other ones (their
words met: row ids per word kept), with --after-write those again after a write of one clip
(today's draft gets a group: the index changed), one after another, each after one read of the
change mark (what `ChangeMarks.fresh` costs a request when no other request shares it). Per
page it prints the statements sent (on PostgreSQL each is a round trip to the server), the
wall time, this process's CPU and, on PostgreSQL, the server's CPU for this process's
connections (their backends' times in /proc: the server must run on this machine), with the
ratio PostgreSQL / SQLite. On this 2-core machine the serve processes, the server and the load
generator share the cores, so the CPU per page (client + server) is what bounds the rate.

    .venv/bin/python bench/serve_cost.py --keep DIR [--entries 20000] [--pages 400]
        --journal postgresql://USER@HOST:PORT/DB [--profile N] [--only sqlite|postgresql]
        [--after-write]

`--profile N` prints the N functions with the most own CPU time of the PostgreSQL run (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import serve_bench  # noqa: E402

from kirinuki.journal.editing import add_group  # noqa: E402
from kirinuki.model import Clip, Group  # noqa: E402
from kirinuki.store.postgres import connection as pg_connection  # noqa: E402
from kirinuki.web.routes.search import reader_search  # noqa: E402
from kirinuki.web.state import WebState  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


class Counter:
    """Statements sent by the app's connections (SQLite: a trace callback on each; PostgreSQL:
    every call that goes to the server)."""

    def __init__(self) -> None:
        self.n = 0

    def sqlite(self, st: WebState) -> None:
        conns = [j.store.conn for j in st._opened] + [st.site.marks.watcher.store.conn]
        for conn in conns:
            assert isinstance(conn, sqlite3.Connection)
            conn.set_trace_callback(self._seen)

    def _seen(self, sql: str) -> None:
        self.n += not sql.startswith("--")  # FTS5's own statements ("-- SELECT …") not counted

    def postgresql(self) -> None:
        now = pg_connection.PgConnection._now

        def counted(conn: Any, sql: str, args: Any = None) -> Any:
            self.n += 1
            return now(conn, sql, args)

        pg_connection.PgConnection._now = counted  # type: ignore[method-assign]


def server_ticks(url: str) -> Callable[[], float]:
    """A function giving the CPU seconds used so far by the server's backends of this process's
    connections to `url` (read from /proc)."""
    import psycopg

    admin = psycopg.connect(url, autocommit=True)
    me = os.getpid()

    def ticks() -> float:
        pids = [r[0] for r in admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s",
            (f"serve_cost{me}",))]
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / TICK

    return ticks


def run(label: str, journal: str, entries: list[str], searches: list[str],
        profile: int, after_write: bool = False) -> dict[str, tuple[float, float, float, float]]:
    """Cold entry pages, then never-seen searches on a fresh `WebState`: per page (statements,
    wall ms, client CPU ms, server CPU ms)."""
    counter = Counter()
    pg = journal.startswith("postgresql://")
    if pg:
        server = server_ticks(journal)
        sep = "&" if "?" in journal else "?"
        journal = f"{journal}{sep}application_name=serve_cost{os.getpid()}"
        counter.postgresql()
    else:
        def server() -> float:
            return 0.0
    st = WebState(journal)
    st.site.current(st.journal())  # the context, as the app builds it before its first request
    if not pg:
        counter.sqlite(st)
    marks = st.pages.marks
    prof = cProfile.Profile(time.process_time) if profile and pg else None
    out = {}
    half = len(searches) // 2
    targets = [("entry, cold", entries), ("search, cold", searches[:half]),
               ("search, words met", searches[half:])]
    if after_write:
        targets.append(("search, after a write", searches[half:]))
    for target, paths in targets:
        if target.endswith("write"):
            add_group(st.journal(), None, Group([Clip("serve_cost: a clip written between two"
                                                      " runs of the same searches")]))
        missed = 0
        n0, s0, c0, w0 = counter.n, server(), time.process_time(), time.perf_counter()
        if prof is not None:
            prof.enable()
        for path in paths:
            mark = marks.read()
            if target.startswith("entry"):
                got = st.quick_page(unquote_to_bytes(path).decode(), mark)
            else:
                parts = urlsplit(path)
                got = reader_search(st, parts.path, parts.query.encode(), mark)
            missed += got is None
        if prof is not None:
            prof.disable()
        w, c, s = time.perf_counter() - w0, time.process_time() - c0, server() - s0
        k = len(paths)
        out[target] = ((counter.n - n0) / k, w / k * 1000, c / k * 1000, s / k * 1000)
        if missed:
            print(f"  {label}: {missed} of {k} {target} pages not answered", flush=True)
    st.close()
    if prof is not None:
        pstats.Stats(prof).sort_stats("tottime").print_stats(profile)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--keep", required=True, help="the --keep folder of bench/serve_bench.py")
    p.add_argument("--entries", type=int, default=20000)
    p.add_argument("--pages", type=int, default=400, help="pages of each kind")
    p.add_argument("--journal", required=True, help="the PostgreSQL copy (postgresql://…)")
    p.add_argument("--profile", type=int, default=0)
    p.add_argument("--only", choices=("sqlite", "postgresql"))
    p.add_argument("--after-write", action="store_true",
                   help="the searches with words met again after a write of one clip")
    args = p.parse_args()
    folder, name = Path(args.keep), f"synthetic{args.entries}"
    _, _, _, _, cold = serve_bench.sample_pages(folder, name, 500)
    entries = cold[:args.pages]
    searches = serve_bench.cold_queries(serve_bench.SEARCHES)[:2 * args.pages]
    results = {}
    for label, journal in (("SQLite", str(folder / f"{name}.db")), ("PostgreSQL", args.journal)):
        if args.only and args.only != label.lower():
            continue
        results[label] = run(label, journal, entries, searches, args.profile, args.after_write)
    print(f"{args.pages} pages of each kind, one at a time, load average "
          f"{os.getloadavg()[0]:.1f} (per page; ratio PostgreSQL / SQLite of client + server "
          "CPU)")
    for target in ("entry, cold", "search, cold", "search, words met", "search, after a write"):
        for label, res in results.items():
            if target not in res:
                continue
            n, w, c, s = res[target]
            line = (f"  {target:<21} {label:<10} statements {n:5.1f}  wall {w:6.2f} ms  "
                    f"CPU {c:6.2f} ms + server {s:5.2f} ms")
            lite = results.get("SQLite", {}).get(target)
            if label == "PostgreSQL" and lite is not None and lite[2]:
                line += f"  {(c + s) / (lite[2] + lite[3]):5.2f}x"
            print(line, flush=True)


if __name__ == "__main__":
    main()
