"""Publish benchmark: the synthetic corpus as a static site, against Hugo in the same run.

For each size (default 10k and 100k entries):
  - kirinuki: the version and related-entry analysis every first publish of a journal does
    once (timed on its own); a full build into a fresh folder (`kirinuki publish OUT`), files/s and peak
    memory of the whole process tree; publishing again with no change; then one new entry
    imported and published again (the incremental path), twice (the first after a full build,
    then the one reported): the whole command's wall time and
    the time inside publish (as the command reports it), and the CLI's start-up alone;
  - the first publish after a bulk import: the corpus imported into a fresh journal, then
    published into a fresh folder (the one-off version analysis of every clip, then the full
    build), against the import plus the full build above (issue 18: below 2x), in wall time
    and in CPU time (user + system of the process and its workers: steadier on a shared
    machine);
  - Hugo (when `hugo` is installed, Debian package): the same entries converted into a Hugo
    site (bench/hugo_site.py), a full build, then the same one new entry and a second build;
    files, bytes and ratios kirinuki/Hugo. `--hugo-theme minimal` (the default, the baseline
    of the earlier sessions): entry, tag and paginated index pages, RSS; `--hugo-theme parity`:
    the pages kirinuki writes, with the same content, where Hugo can make them.
Earlier outputs are moved aside before a build and deleted after every timing: on an ext4
without a journal (this machine's), creating files within 60-300 s of deleting many makes the
kernel skip each recently freed inode (`recently_deleted`), a full 100k build then took 84 s
instead of 35 s (system time 104 s instead of 12 s). A run that starts within 300 s of such a
deletion (the previous run's clean-up) waits out the rest first and says so.
Targets (issue 6): full build of 100k at least 2x faster than Hugo, under 1 GB; one new entry
into the 100k journal in under 1 s.

    .venv/bin/python bench/publish_bench.py [--entries 10000 100000] [--dir /tmp/publish-bench]
    .venv/bin/python bench/publish_bench.py --entries 100000 --increment-only 3   # kept dir
    .venv/bin/python bench/publish_bench.py --entries 10000 --no-hugo --first-only
    .venv/bin/python bench/publish_bench.py --entries 100000 --no-first   # kept, analysed journal
    .venv/bin/python bench/publish_bench.py --entries 10000 --no-first --hugo-theme minimal parity
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from hugo_site import THEMES, hugo_site, write_hugo_entry  # noqa: E402
from import_bench import write_corpus  # noqa: E402

KIRINUKI = str(Path(sys.executable).parent / "kirinuki")
NEW_ENTRY = ("https://bench.kirinuki.example\n\nルスタニアの首相は会見で、新たな制裁について"
             "「慎重に検討する」と述べました。\n\n#ルスタニア制裁#ベンチ新規\n")


def _tree_memory(pid: int) -> int:
    """Memory (bytes) of a process and all its descendants: the sum of their proportional set
    sizes (PSS), so pages forked workers share with their parent count once, not per process."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
            total += int(re.search(r"Pss:\s+(\d+)", rollup).group(1)) * 1024  # type: ignore[union-attr]
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError, ValueError):
            continue
    return total


# CPU seconds (user + system) of the last `run`, its workers included: on this shared
# machine a steadier figure than the wall time, which moves with the other sessions' load.
LAST_CPU = [0.0]


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, int, str]:
    """(seconds, peak memory (PSS) of the process tree in bytes, stdout) of a command; its
    CPU seconds in `LAST_CPU[0]`."""
    cpu = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    peak = [0]

    def watch() -> None:
        while proc.poll() is None:
            t = time.perf_counter()
            peak[0] = max(peak[0], _tree_memory(proc.pid))
            # Reading the PSS of a process of a few GB takes tens of ms of kernel time:
            # polling back to back took 60% of a core from the 2 the builds share.
            time.sleep(max(0.02, 4 * (time.perf_counter() - t)))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out, _ = proc.communicate()
    seconds = time.perf_counter() - start
    LAST_CPU[0] = _children_cpu() - cpu
    watcher.join()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out}")
    return seconds, peak[0], out


QUIET_AFTER_DELETE = 300  # seconds: RECENTCY_DIRTY of fs/ext4/ialloc.c


def set_aside(path: Path, trash: Path) -> None:
    """Move an earlier output into `trash` (a rename, nothing deleted before the timings)."""
    if path.exists():
        trash.mkdir(exist_ok=True)
        path.rename(trash / f"{path.name}.{time.time_ns()}")


def empty_trash(trash: Path) -> None:
    """Delete what was set aside, and note when (see wait_after_delete)."""
    if trash.exists():
        shutil.rmtree(trash)
        (trash.parent / ".deleted-at").write_text(f"{time.time()}\n", encoding="utf-8")


def wait_after_delete(folder: Path) -> None:
    """Wait until a deletion of earlier outputs no longer slows the creation of files."""
    stamp = folder / ".deleted-at"
    if not stamp.exists():
        return
    left = float(stamp.read_text(encoding="utf-8")) + QUIET_AFTER_DELETE - time.time()
    if left > 0:
        print(f"  earlier outputs were deleted {QUIET_AFTER_DELETE - left:.0f} s ago: waiting "
              f"{left:.0f} s so that new files are not created among recently freed inodes")
        time.sleep(left)


def journal_for(folder: Path, n: int) -> tuple[Path, Path]:
    """The corpus folder and a journal holding it (both made once and reused)."""
    corpus, db = folder / f"e{n}", folder / f"j{n}.db"
    if not corpus.exists():
        write_corpus(corpus, n)
    if not db.exists():
        subprocess.run([KIRINUKI, "--journal", str(db), "init", "--title", "bench",
                        "--host", "bench.kirinuki.example"], check=True, capture_output=True)
        t, _, _ = run([KIRINUKI, "--journal", str(db), "import", str(corpus)])
        print(f"  (import of {n} entries: {t:.1f} s)")
    return corpus, db


def new_entry_name(corpus: Path, db: Path | None = None) -> str:
    """A file name dated one minute after the newest entry of the corpus, or of the journal
    `db` (which holds the new entries of earlier runs): the new entry is the newest."""
    from datetime import datetime

    newest = max(p.stem[:17] for p in corpus.glob("*.txt"))
    when = datetime.strptime(newest, "%Y-%m-%d_%H%M%S")
    if db is not None:
        from kirinuki.journal import open_journal

        with open_journal(str(db)) as j:
            stored = j.store.conn.execute("SELECT max(published) FROM entries").fetchone()[0]
            local = datetime.fromisoformat(stored).astimezone(j.tz).replace(tzinfo=None)
        when = max(when, local)
    return (when + timedelta(minutes=1)).strftime("%Y-%m-%d_%H%M%S") + ".txt"


# The one-off analysis of a first publish, as every publish path runs it (versions, statements,
# related entries), so that the full build timed after it publishes only, as Hugo's does.
CATCH_UP = ("import sys; from kirinuki.journal import open_journal; "
            "from kirinuki.journal.analysis import catch_up_analysis; "
            "c = catch_up_analysis(open_journal(sys.argv[1])); print(c.clips, c.groups, c.entries)")


def one_new_entry(folder: Path, n: int, corpus: Path, k: list[str], out: Path,
                  ) -> tuple[float, float, str, float]:
    """Import one new entry and publish again: (command seconds, seconds inside, its line,
    the command's CPU seconds)."""
    extra = folder / f"extra{n}"
    shutil.rmtree(extra, ignore_errors=True)
    extra.mkdir()
    # Unique text: an entry already imported (same bytes) would be skipped as present.
    text = NEW_ENTRY.replace("述べました。", f"述べました（{time.time_ns()}）。")
    (extra / new_entry_name(corpus, Path(k[2]))).write_text(text, encoding="utf-8")
    run(k + ["import", str(extra)])
    one, _, log1 = run(k + ["publish", str(out)])
    inside = float(re.search(r"in ([\d.]+) s", log1).group(1))  # type: ignore[union-attr]
    return one, inside, log1.strip(), LAST_CPU[0]


def bench_increment(folder: Path, n: int, repeat: int) -> None:
    """Only the incremental path, on a journal and site kept from an earlier run."""
    corpus, db, out = folder / f"e{n}", folder / f"j{n}.db", folder / f"site{n}"
    if not (db.exists() and (out.parent / f".{out.name}.state").exists()):
        raise SystemExit(f"{db} and {out} from an earlier full run are needed")
    k = [KIRINUKI, "--journal", str(db)]
    run(k + ["publish", str(out)])  # catch up with whatever changed since
    start = min(run([KIRINUKI, "publish", "--help"])[0] for _ in range(3))
    print(f"  CLI start-up (kirinuki publish --help): {start:.2f} s")
    for _ in range(repeat):
        one, inside, line, cpu = one_new_entry(folder, n, corpus, k, out)
        again, _, _ = run(k + ["publish", str(out)])
        print(f"  +1 entry: {one:.2f} s command ({cpu:.2f} s CPU), {inside:.2f} s in publish; "
              f"no change after: {again:.2f} s ({line})")


def bench_full(folder: Path, n: int) -> dict[str, float]:
    """Only the full build into a fresh folder (of a journal analysed already)."""
    _, db = journal_for(folder, n)
    out = folder / f"site{n}"
    set_aside(out, folder / ".trash")
    run([sys.executable, "-c", CATCH_UP, str(db)])  # analysed before, as in bench_kirinuki
    full, peak, _ = run([KIRINUKI, "--journal", str(db), "publish", str(out)])
    full_cpu = LAST_CPU[0]
    print(f"  kirinuki {n}: full build {full:.1f} s, {full_cpu:.1f} s CPU ({peak / 2**20:.0f} MB)")
    set_aside(out, folder / ".trash")
    return {"full": full, "peak": peak, "full_cpu": full_cpu}


def bench_kirinuki(folder: Path, n: int) -> dict[str, float]:
    corpus, db = journal_for(folder, n)
    out = folder / f"site{n}"
    set_aside(out, folder / ".trash")
    k = [KIRINUKI, "--journal", str(db)]
    # The first publish of a journal also finds the earlier versions of every clip (version
    # marks), the statements of every group and every entry's related earlier entries, done
    # once and kept in the journal; timed on their own so the full build below measures
    # publishing, as Hugo's does.
    catch_up, catch_peak, log = run([sys.executable, "-c", CATCH_UP, str(db)])
    clips, groups, entries = log.split()[-3:]
    print(f"  version analysis of {clips} clips, statements of {groups} groups and related "
          f"entries of {entries} entries: {catch_up:.1f} s, {catch_peak / 2**20:.0f} MB")
    start = min(run([KIRINUKI, "publish", "--help"])[0] for _ in range(3))
    full, peak, log = run(k + ["publish", str(out)])
    full_cpu = LAST_CPU[0]
    files = int(re.search(r"as (\d+) files", log).group(1))  # type: ignore[union-attr]
    size = site_size(out)[1]
    again, _, _ = run(k + ["publish", str(out)])
    # The first publish after a full build: the build left every clip's sketch in the state
    # (journal/sketch_cache.py; before session 19 this publish wrote them).
    first, first_inside, _, first_cpu = one_new_entry(folder, n, corpus, k, out)
    print(f"  kirinuki {n}: first new entry after the full build {first:.2f} s "
          f"({first_cpu:.2f} s CPU, {first_inside:.2f} s in publish)")
    one, inside, line, cpu = one_new_entry(folder, n, corpus, k, out)
    print(f"  kirinuki {n}: {line} ({one:.2f} s command, {cpu:.2f} s CPU)")
    return {"full": full, "full_cpu": full_cpu, "files": files, "bytes": size, "peak": peak,
            "again": again,
            "one": one,
            "one_inside": inside, "catch_up": catch_up, "catch_peak": catch_peak,
            "start": start}


def bench_first(folder: Path, n: int, trash: Path) -> dict[str, float]:
    """Import the corpus into a fresh journal and publish it into a fresh folder: the first
    publish does the version analysis of every clip before building (timed together)."""
    corpus = folder / f"e{n}"
    db, out = folder / f"first{n}.db", folder / f"first-site{n}"
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        set_aside(path, trash)
    set_aside(out, trash)
    k = [KIRINUKI, "--journal", str(db)]
    subprocess.run(k + ["init", "--title", "bench", "--host", "bench.kirinuki.example"],
                   check=True, capture_output=True)
    imported, import_peak, _ = run(k + ["import", str(corpus)])
    import_cpu = LAST_CPU[0]
    first, peak, log = run(k + ["publish", str(out)])
    first_cpu = LAST_CPU[0]
    lines = [ln for ln in log.splitlines() if ln.startswith("版の解析")]
    print(f"  kirinuki {n}: import {imported:.1f} s ({import_peak / 2**20:.0f} MB), first "
          f"publish {first:.1f} s, {first_cpu:.1f} s CPU ({peak / 2**20:.0f} MB), "
          f"{len(lines)} progress lines"
          + (f", the last: {lines[-1]}" if lines else ""))
    set_aside(out, trash)
    return {"import": imported, "first": first, "first_peak": peak, "import_cpu": import_cpu,
            "first_cpu": first_cpu}


def site_size(out: Path) -> tuple[int, int]:
    """(files, bytes) of a built site."""
    files = size = 0
    for folder, _, names in os.walk(out):
        for name in names:
            files += 1
            size += os.path.getsize(os.path.join(folder, name))
    return files, size


def bench_hugo(folder: Path, n: int, theme: str) -> dict[str, float] | None:
    hugo = shutil.which("hugo")
    if hugo is None:
        print("  hugo is not installed (apt-get install hugo): no Hugo baseline")
        return None
    corpus = folder / f"e{n}"
    site = hugo_site(folder, corpus, theme)
    set_aside(site / "public", folder / ".trash")
    set_aside(site / "resources", folder / ".trash")
    full, peak, _ = run([hugo, "--quiet"], cwd=site)
    files, size = site_size(site / "public")
    print(f"  hugo {n} ({theme}): full build {full:.1f} s, {LAST_CPU[0]:.1f} s CPU "
          f"({peak / 2**20:.0f} MB), {files} files, {size / 2**20:.1f} MB")
    name = new_entry_name(corpus)
    write_hugo_entry(site, name, NEW_ENTRY, theme)
    one, _, _ = run([hugo, "--quiet"], cwd=site)
    (site / "content/entry" / f"{name[:-4]}.md").unlink()
    return {"full": full, "files": files, "bytes": size, "peak": peak, "one": one}


def compile_package() -> None:
    """Compile the modules of the kirinuki the command imports (same interpreter and
    environment), as installing it does: with PYTHONDONTWRITEBYTECODE set, as in this sandbox,
    every command would compile ~90 of them from source first."""
    # -P: not the current folder's kirinuki (`-c` puts it first), the one the command finds.
    out = subprocess.run([sys.executable, "-P", "-c", "import compileall, kirinuki; p = "
                          "kirinuki.__path__[0]; compileall.compile_dir(p, quiet=1); print(p)"],
                         check=True, capture_output=True, text=True).stdout.strip()
    print(f"  modules of {out} compiled (as an install does)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--dir", type=Path, default=Path("/tmp/publish-bench"))
    ap.add_argument("--no-hugo", action="store_true", help="Leave out the Hugo baseline.")
    ap.add_argument("--hugo-theme", nargs="+", choices=THEMES, default=["minimal"],
                    help="The Hugo site's theme(s): minimal (the baseline of earlier sessions) "
                         "or parity (the pages kirinuki writes; bench/hugo_site.py).")
    ap.add_argument("--first-only", action="store_true",
                    help="Only the full build and the first publish after an import.")
    ap.add_argument("--no-first", action="store_true",
                    help="Leave out the first publish after an import (a fresh import and its "
                         "one-off analysis: tens of minutes at 100k).")
    ap.add_argument("--increment-only", type=int, metavar="REPEAT", default=0,
                    help="Only add one entry and publish again, REPEAT times, on the journal "
                         "and site an earlier run left in --dir (no Hugo, no full build).")
    ap.add_argument("--from-source", action="store_true",
                    help="Leave kirinuki's modules uncompiled (PYTHONDONTWRITEBYTECODE set: "
                         "every command compiles them again).")
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"publish benchmark on {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    if not args.from_source:
        compile_package()
    if args.increment_only:
        for n in args.entries:
            print(f"{n} entries:")
            bench_increment(args.dir, n, args.increment_only)
        return
    empty_trash(args.dir / ".trash")  # left by an interrupted run
    wait_after_delete(args.dir)
    rows = []
    try:
        for n in args.entries:
            print(f"{n} entries:")
            k = bench_full(args.dir, n) if args.first_only else bench_kirinuki(args.dir, n)
            if not args.no_first:
                k.update(bench_first(args.dir, n, args.dir / ".trash"))
            hs = [] if args.no_hugo or args.first_only else [
                (theme, bench_hugo(args.dir, n, theme)) for theme in args.hugo_theme]
            rows.append((n, k, [(theme, h) for theme, h in hs if h is not None]))
    finally:
        empty_trash(args.dir / ".trash")
    print()
    for n, k, _ in rows:
        if "first" in k:
            base = k["import"] + k["full"]
            print(f"{n} entries: import then first publish {k['import']:.1f} + {k['first']:.1f} s "
                  f"(peak {k['first_peak'] / 2**20:.0f} MB) against import + full build "
                  f"{k['import']:.1f} + {k['full']:.1f} s: {(k['import'] + k['first']) / base:.2f}x "
                  "(target < 2x)")
            cpu = k["import_cpu"] + k["full_cpu"]
            print(f"{n} entries, CPU seconds: {k['import_cpu']:.1f} + {k['first_cpu']:.1f} against "
                  f"{k['import_cpu']:.1f} + {k['full_cpu']:.1f}: "
                  f"{(k['import_cpu'] + k['first_cpu']) / cpu:.2f}x")
        if "catch_up" in k:
            print(f"{n} entries: version analysis (once, before the full build) "
                  f"{k['catch_up']:.1f} s / {k['catch_peak'] / 2**20:.0f} MB; CLI start-up "
                  f"(kirinuki publish --help) {k['start']:.2f} s")
    if args.first_only:
        return
    print("| entries | tool | full build | files | MB | files/s | peak memory | no change | "
          "+1 entry |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n, k, hs in rows:
        print(f"| {n} | kirinuki | {k['full']:.1f} s | {k['files']:.0f} | "
              f"{k['bytes'] / 2**20:.1f} | {k['files'] / k['full']:.0f} | "
              f"{k['peak'] / 2**20:.0f} MB | {k['again']:.2f} s | "
              f"{k['one']:.2f} s ({k['one_inside']:.2f} s in publish) |")
        for theme, h in hs:
            print(f"| {n} | hugo ({theme}) | {h['full']:.1f} s | {h['files']:.0f} | "
                  f"{h['bytes'] / 2**20:.1f} | {h['files'] / h['full']:.0f} | "
                  f"{h['peak'] / 2**20:.0f} MB | - | {h['one']:.2f} s |")
            print(f"| {n} | kirinuki/hugo ({theme}) | {k['full'] / h['full']:.2f}x time | "
                  f"{k['files'] / h['files']:.2f}x | {k['bytes'] / h['bytes']:.2f}x | | "
                  f"{k['peak'] / h['peak']:.2f}x memory | | {k['one'] / h['one']:.2f}x time |")

if __name__ == "__main__":
    main()
