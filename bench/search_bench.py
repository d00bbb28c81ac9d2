"""Search benchmark: a journal of N synthetic clips (default 1M), 50 fixed queries.

In one run, on the same journal:
  - import with the index kept in step (entries/s), then `reindex` (the index build time);
  - database size against the UTF-8 size of the clip text, and the index's share of it;
  - for each query, the median of --repeat runs of (a) the top 20 by relevance, (b) the top 20
    newest, (c) the exact count, (d) a whole CLI search (hits + total + facets); p50/p95/p99
    over the 50 queries, overall and per kind;
  - recall: the set of clips the index finds against a linear scan in Python over the same
    folded text (the baseline, also timed), and ripgrep over an exported file when `rg` is
    installed (text-only queries; filters have no ripgrep equivalent).

    .venv/bin/python bench/search_bench.py [--clips 1000000] [--db PATH --reuse] [--repeat 3]
    .venv/bin/python bench/search_bench.py --import-compare 20000   # import with/without index
    .venv/bin/python bench/search_bench.py --clips 500000 --db postgresql://u@host:port/db [--reuse]
        # a PostgreSQL journal kept in an empty database of its own, built once, then searched
    .venv/bin/python bench/search_bench.py --clips 500000 --journal postgresql://u@host:port/db
        # the same import and queries on SQLite and PostgreSQL in one run, side by side (the
        # PostgreSQL journal goes into a schema of its own, dropped afterwards)
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import corpus  # noqa: E402

from kirinuki.journal import Journal, init_journal, open_journal  # noqa: E402
from kirinuki.journal.importing import permalink_for  # noqa: E402
from kirinuki.journal.search import count_matches, reindex, search  # noqa: E402
from kirinuki.model import Status  # noqa: E402
from kirinuki.store.postgres.db import close_pools  # noqa: E402
from kirinuki.store.sqlite import entries as entry_rows  # noqa: E402
from kirinuki.store.sqlite import hooks  # noqa: E402
from kirinuki.store.sqlite import search as index  # noqa: E402
from kirinuki.store.sqlite import search_facets as sf  # noqa: E402
from kirinuki.store.sqlite import search_plan as sp  # noqa: E402
from kirinuki.store.sqlite import search_query as sq  # noqa: E402
from kirinuki.text.cliptext import parse  # noqa: E402
from kirinuki.text.normalize import fold  # noqa: E402
from kirinuki.text.query import Query, Tag, Word, parse_query  # noqa: E402

# (kind, query): 8 one-character, 8 two-character, 8 words inside longer words, 8 longer words,
# 6 two-word, 6 phrases, 6 with filters, negation or OR.
QUERIES: list[tuple[str, str]] = [
    *(("1-char", q) for q in ["露", "核", "米", "円", "中", "李", "王", "銅"]),
    *(("2-char", q) for q in ["米国", "首相", "中国", "日本", "外相", "円安", "制裁", "停戦"]),
    *(("sub-word", q) for q in ["京都", "シア", "国務", "総裁", "ガス", "連邦", "ロシ", "東京都"]),
    *(("3+-char", q) for q in ["ロシア", "NATO", "ミハイロフ", "国際原子力機関", "財務相",
                               "ガスパイプライン", "抗議活動", "中央銀行総裁"]),
    *(("two-word", q) for q in ["ロシア 制裁", "米国 利上げ", "核 IAEA", "首相 記者会見",
                                "円安 東京外国為替市場", "露 中国"]),
    *(("phrase", q) for q in ['"責任は相手側にある"', '"核の脅しは断じて受け入れられない"',
                              '"1ドル=1"', '"G7の外相"', '"平和を守れ"',
                              '"国連難民高等弁務官事務所"']),
    *(("filtered", q) for q in ["露 #反ロシア", "円安 #円安", "ロシア since:2022-01-01 until:2022-12-31",
                                "核 #核問題 since:2020", "首相 -副首相", "NATO OR CSTO"]),
]
Doc = tuple[int, str, frozenset[str], str]  # clip id, folded text, tag keys, local date


def build(path: str, clips: int, seed: int) -> tuple[int, int, float]:
    """A journal of about `clips` synthetic clips: (entries, clips, seconds to import).

    Also prints the CPU seconds, which a machine shared with other work inflates less."""
    j = init_journal(path, "search bench", ["bench.kirinuki.example"])
    n_entries, made, batch = max(1, clips // 5), 0, []
    start, cpu = time.perf_counter(), time.process_time()
    t = j.store.transaction()
    t.__enter__()
    for i, e in enumerate(corpus.generate_entries(n_entries, seed)):
        entry = parse(e.text)
        entry.key = "sha256:" + hashlib.sha256(e.text.encode()).hexdigest()
        entry.published, entry.status = e.published, Status.PUBLISHED
        entry.permalink = permalink_for(e.published, j)
        batch.append(entry)
        made += len(e.clips)
        if len(batch) == 500:
            entry_rows.insert_entries(j.store, batch, j.now())
            batch = []
        if i % 20_000 == 19_999:  # commit now and then, as an import of many folders would
            t.__exit__(None, None, None)
            t = j.store.transaction()
            t.__enter__()
            print(f"  {i + 1} entries, {made} clips, {time.perf_counter() - start:.0f} s",
                  flush=True)
    if batch:
        entry_rows.insert_entries(j.store, batch, j.now())
    t.__exit__(None, None, None)
    j.store.release_free_pages()  # as `kirinuki import` does at its end
    secs, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"  import: {secs:.1f} s wall, {cpu:.1f} s CPU ({n_entries / cpu:,.0f} entries per CPU"
          " second)")
    j.close()
    return n_entries, made, secs


def load_docs(j: Journal) -> list[Doc]:
    """Every clip folded in memory, with its group's tag keys and entry date (the scan's input)."""
    conn = j.store.conn
    tags: dict[int, set[str]] = {}
    for gid, key in conn.execute("SELECT tl.group_id, t.key FROM tag_lines tl"
                                 " JOIN group_tags gt ON gt.tag_line_id = tl.id"
                                 " JOIN tags t ON t.id = gt.tag_id"):
        tags.setdefault(gid, set()).add(key)
    frozen = {g: frozenset(s) for g, s in tags.items()}
    empty: frozenset[str] = frozenset()
    return [(cid, fold(text), frozen.get(gid, empty), (published or "")[:10])
            for cid, text, gid, published in conn.execute(
                "SELECT c.id, c.text, c.group_id, e.published FROM clips c"
                " JOIN groups g ON g.id = c.group_id JOIN entries e ON e.id = g.entry_id")]


def scan(docs: list[Doc], q: Query) -> set[int]:
    """The baseline: a linear scan in Python over the folded text (and tags and dates)."""
    since = q.since.isoformat() if q.since else ""
    until = q.until.isoformat() if q.until else ""

    def holds(atom: object, text: str, keys: frozenset[str]) -> bool:
        if isinstance(atom, Word):
            return atom.text in text
        assert isinstance(atom, Tag)
        return atom.key in keys

    out = set()
    for cid, text, keys, day in docs:
        if (since or until) and (not day or (since and day < since) or (until and day > until)):
            continue
        if all(any(holds(a, text, keys) for a in c) for c in q.clauses) and not any(
                holds(a, text, keys) for a in q.excluded):
            out.add(cid)
    return out


def index_set(j: Journal, query: str) -> set[int]:
    """Every clip id the index matches (exact plans: straight from FTS5, no verification)."""
    plan = sp.make_plan(j.store, parse_query(query))
    rows = j.store.conn.execute(
        f"SELECT d.clip_id FROM {plan.table} JOIN search_docs d ON d.docid = {plan.table}.rowid"
        f" WHERE {plan.table} MATCH ? AND {plan.table}.rowid BETWEEN ? AND ?",
        (plan.match, plan.lo, plan.hi))
    return {int(r[0]) for r in rows}


def rg_count(path: Path, q: Query) -> int | None:
    """Matching lines by a ripgrep pipeline, for text-only queries (None otherwise)."""
    if q.since or q.until or any(not isinstance(a, Word) for a in q.atoms()) or not q.clauses:
        return None
    stages = [["rg", "-F", *[x for a in c for x in ("-e", a.text)]] for c in q.clauses]  # type: ignore[union-attr]
    if q.excluded:
        stages.append(["rg", "-v", "-F", *[x for a in q.excluded for x in ("-e", a.text)]])  # type: ignore[union-attr]
    stages[0].append(str(path))
    stages[-1].insert(1, "-c")
    procs: list[subprocess.Popen[bytes]] = []
    for cmd in stages:
        procs.append(subprocess.Popen(cmd, stdin=procs[-1].stdout if procs else None,
                                      stdout=subprocess.PIPE))
    out = procs[-1].communicate()[0]
    return int(out.strip() or 0)


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median milliseconds of `repeat` runs."""
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs)


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`."""
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def sizes(path: str, when: str) -> None:
    """Print the file size, the pages in use, the index's share, against the clip text."""
    j = open_journal(path)
    conn = j.store.conn
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    idx = conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search%'"
                       " OR name LIKE 'sqlite_autoindex_search%'").fetchone()[0] / 1e6
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    text = sum(len(t.encode()) for (t,) in conn.execute("SELECT text FROM clips")) / 1e6
    j.close()
    db = os.path.getsize(path) / 1e6
    used = db - free * page / 1e6
    print(f"{when}: file {db:.0f} MB = {db / text:.2f}x the clip text ({text:.0f} MB UTF-8);"
          f" pages in use {used:.0f} MB = {used / text:.2f}x; search index {idx:.0f} MB ="
          f" {idx / text:.2f}x, the rest {used - idx:.0f} MB = {(used - idx) / text:.2f}x")


def run_queries(path: str, repeat: int, work: Path) -> list[dict[str, object]]:
    j = open_journal(path)
    t = time.perf_counter()
    docs = load_docs(j)
    print(f"scan corpus loaded in memory: {len(docs)} clips in {time.perf_counter() - t:.1f} s")
    rg_file = None
    if shutil.which("rg"):
        rg_file = work / "clips.txt"
        rg_file.write_text("\n".join(d[1].replace("\n", " ") for d in docs) + "\n",
                           encoding="utf-8")
    rows = []
    for kind, q in QUERIES:
        parsed = parse_query(q)
        truth = scan(docs, parsed)
        found = index_set(j, q)
        recall = len(found & truth) / len(truth) if truth else 1.0
        exact = found == truth and count_matches(j, q) == len(truth)
        row = {
            "kind": kind, "query": q, "total": len(truth), "recall": recall, "exact": exact,
            "rel": timed(lambda q=q: search(j, q, total=False, facets=False), repeat),  # type: ignore[misc]
            "new": timed(lambda q=q: search(j, q, sort="date", total=False, facets=False),  # type: ignore[misc]
                         repeat),
            "count": timed(lambda q=q: count_matches(j, q), repeat),  # type: ignore[misc]
            "full": timed(lambda q=q: search(j, q), repeat),  # type: ignore[misc]
            "scan": timed(lambda p=parsed: scan(docs, p), 1),  # type: ignore[misc]
            "rg": None,
        }
        if rg_file is not None:
            n = rg_count(rg_file, parsed)
            if n is not None:
                assert n == len(truth), (q, n, len(truth))
                row["rg"] = timed(lambda p=parsed: rg_count(rg_file, p), 1)  # type: ignore[misc]
        rows.append(row)
        print(f"  {kind:9} {q:32} {len(truth):8} recall {recall:.3f}  rel {row['rel']:7.2f}"
              f"  new {row['new']:6.2f}  count {row['count']:7.2f}  full {row['full']:7.1f}"
              f"  scan {row['scan']:7.1f}" + (f"  rg {row['rg']:6.1f}" if row["rg"] else ""),
              flush=True)
    j.close()
    report(rows)
    return rows


def old_whole(j: Journal, q: str) -> None:
    """The whole search as it was done before facet columns (the same-run baseline): hits,
    then the count and the facets grouped by SQLite over every match."""
    search(j, q, facets=False, total=False)
    plan = sp.make_plan(j.store, parse_query(q))
    sq.count(j.store, plan)
    sf.facet_counts(j.store, plan)


def whole(path: str, repeat: int) -> None:
    """The search a user runs (`kirinuki search`: top 20 by relevance, exact total, tag and
    month facets over every match), against the way it was done before in the same run:
    p50/p95/p99 over the 50 queries and p50/p95 by kind, with the load average before and
    after. The first search after a change of the index builds the facet columns (timed when
    the file is missing) or reads them."""
    print(f"load average at the start: {os.getloadavg()[0]:.1f}")
    j = open_journal(path)
    t = time.perf_counter()
    search(j, "露")
    print(f"first whole search (facet columns read or built): {(time.perf_counter() - t) * 1000:.0f} ms")
    times: dict[str, list[tuple[float, float]]] = {}
    for kind, q in QUERIES:
        old = timed(lambda q=q: old_whole(j, q), repeat)  # type: ignore[misc]
        ms = timed(lambda q=q: search(j, q), repeat)  # type: ignore[misc]
        times.setdefault(kind, []).append((ms, old))
        print(f"  {kind:9} {q:32} {search(j, q, limit=0).total:8} whole {ms:7.1f} ms"
              f"  before {old:7.1f} ms", flush=True)
    for label, rows in [("all", [v for vs in times.values() for v in vs]), *times.items()]:
        now, was = [r[0] for r in rows], [r[1] for r in rows]
        print(f"{label:9} whole search p50 {pct(now, 50):6.1f} p95 {pct(now, 95):6.1f}"
              f" p99 {pct(now, 99):6.1f} ms; before p50 {pct(was, 50):6.1f} p95"
              f" {pct(was, 95):6.1f} ms; p95 ratio {pct(was, 95) / pct(now, 95):4.1f}x"
              f" (n={len(rows)})")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    j.close()


def report(rows: list[dict[str, object]]) -> None:
    cols = ["rel", "new", "count", "full", "scan", "rg"]
    names = {"rel": "top-20 relevance", "new": "top-20 newest", "count": "exact count",
             "full": "CLI search (hits+total+facets)", "scan": "Python linear scan",
             "rg": "ripgrep (text-only queries)"}
    print(f"\n{'ms over the 50 queries':34}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}")
    for c in cols:
        vals = [float(r[c]) for r in rows if r[c] is not None]  # type: ignore[arg-type]
        if vals:
            print(f"{names[c]:34}{pct(vals, 50):9.2f}{pct(vals, 95):9.2f}{pct(vals, 99):9.2f}"
                  f"{max(vals):9.2f}  (n={len(vals)})")
    print(f"\n{'p95 ms by kind':12}" + "".join(f"{c:>9}" for c in cols[:5]))
    for kind in dict.fromkeys(str(r["kind"]) for r in rows):
        sub = [r for r in rows if r["kind"] == kind]
        print(f"{kind:12}" + "".join(f"{pct([float(r[c]) for r in sub], 95):9.2f}"  # type: ignore[arg-type]
                                     for c in cols[:5]))
    scan50 = pct([float(r["scan"]) for r in rows], 50)  # type: ignore[arg-type]
    for c in ("rel", "new", "count"):
        print(f"speed-up of {names[c]} over the scan at p50: "
              f"{scan50 / pct([float(r[c]) for r in rows], 50):,.0f}x")  # type: ignore[arg-type]
    recall = min(float(r["recall"]) for r in rows)  # type: ignore[arg-type]
    exact = sum(bool(r["exact"]) for r in rows)
    print(f"recall: min {recall:.3f}; result set identical to the scan for {exact}/{len(rows)}")


def import_compare(n: int, seed: int, work: Path) -> None:
    """Import n entries into two journals, with and without the search hooks."""
    results = {}
    for label in ("with index", "without index"):
        removed = []
        if label == "without index":
            for lst, hook in ((hooks._written, index.index_entries),
                              (hooks._removing, index.unindex_entries)):
                lst.remove(hook)
                removed.append((lst, hook))
        try:
            path = str(work / f"import-{label.replace(' ', '-')}.db")
            entries, clips, secs = build(path, n * 5, seed)
        finally:
            for lst, hook in removed:
                lst.append(hook)
        results[label] = entries / secs
        print(f"import {label}: {entries} entries ({clips} clips) in {secs:.1f} s ="
              f" {entries / secs:,.0f} entries/s")
    print(f"index cost: import runs at {results['with index'] / results['without index']:.2f}x"
          " the speed without it")


@contextmanager
def bench_schema(url: str) -> Iterator[str]:
    """A URL of `url`'s database with a fresh schema of its own, dropped afterwards."""
    import psycopg

    schema = "kirinuki_bench"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        close_pools()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def compare_backends(url: str, clips: int, seed: int, repeat: int, work: Path) -> None:
    """The same journal imported and searched on SQLite and on PostgreSQL, side by side."""
    results: dict[str, tuple[float, list[dict[str, object]]]] = {}
    with bench_schema(url) as pg:
        for label, path in (("SQLite", str(work / "bench.db")), ("PostgreSQL", pg)):
            print(f"== {label}", flush=True)
            entries, made, secs = build(path, clips, seed)
            print(f"import with index in step: {entries} entries, {made} clips in {secs:.1f} s"
                  f" ({entries / secs:,.0f} entries/s)", flush=True)
            results[label] = (entries / secs, run_queries(path, repeat, work))
    print(f"\nside by side, {entries} entries ({made} clips), ms over the 50 queries")
    print(f"{'':34}{'SQLite':>18}{'PostgreSQL':>18}")
    print(f"{'import (entries/s)':34}{results['SQLite'][0]:18,.0f}"
          f"{results['PostgreSQL'][0]:18,.0f}")
    for col, name in (("rel", "top-20 relevance"), ("new", "top-20 newest"),
                      ("count", "exact count"), ("full", "whole search")):
        cells = []
        for label in ("SQLite", "PostgreSQL"):
            vals = [float(r[col]) for r in results[label][1]]  # type: ignore[arg-type]
            cells.append(f"{pct(vals, 50):8.1f} /{pct(vals, 95):7.1f}")
        print(f"{name + ' p50 / p95':34}{cells[0]:>18}{cells[1]:>18}")
    for label in ("SQLite", "PostgreSQL"):
        rows = results[label][1]
        print(f"{label}: recall min {min(float(r['recall']) for r in rows):.3f}, "  # type: ignore[arg-type]
              f"identical to the scan {sum(bool(r['exact']) for r in rows)}/{len(rows)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--db", help="journal path (default: in a temporary folder)")
    ap.add_argument("--reuse", action="store_true", help="use an existing --db as it is")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--import-compare", type=int, metavar="ENTRIES")
    ap.add_argument("--journal", metavar="URL",
                    help="also run on PostgreSQL (postgresql://…), side by side with SQLite")
    ap.add_argument("--whole", action="store_true",
                    help="with --db --reuse: time only the whole search a user runs")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kirinuki-search-bench-"))
    try:
        if args.import_compare:
            import_compare(args.import_compare, args.seed, work)
            return 0
        if args.journal:
            compare_backends(args.journal, args.clips, args.seed, args.repeat, work)
            return 0
        path = args.db or str(work / "bench.db")
        pg = path.startswith(("postgresql:", "postgres:"))
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                if not pg:
                    Path(path + suffix).unlink(missing_ok=True)
            entries, clips, secs = build(path, args.clips, args.seed)
            print(f"import with index in step: {entries} entries, {clips} clips in {secs:.1f} s"
                  f" ({entries / secs:,.0f} entries/s)")
        if pg:  # a kept PostgreSQL journal (an empty database for a new one): queries only
            run_queries(path, args.repeat, work)
            return 0
        if not args.reuse:
            sizes(path, "after import")
            with open_journal(path) as j:
                t = time.perf_counter()
                n = reindex(j)
                print(f"index build (reindex of {n} clips):"
                      f" {time.perf_counter() - t:.1f} s")
        if args.whole:
            whole(path, args.repeat)
            return 0
        sizes(path, "now")
        run_queries(path, args.repeat, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
