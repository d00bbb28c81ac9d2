"""Publishing: plan the site, render the pages whose inputs changed, write, swap into place.

Pages are rendered in units (an entry month with its search chunk, or a few hundred list
pages); each unit loads the entries it needs in one batch. Large builds spread the units over
worker processes (fork), each with its own connection to the journal.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kirinuki.errors import ConflictError
from kirinuki.journal import Journal, open_journal
from kirinuki.journal.site import (
    EntryDigest,
    entry_batch,
    entry_digests,
    published_entries_and_flag,
    published_mark,
)
from kirinuki.journal.sketch_cache import entry_stamps
from kirinuki.model import Entry
from kirinuki.publish import site as site_mod
from kirinuki.publish import urls
from kirinuki.publish.append import follow, new_token, save_context, save_followed
from kirinuki.publish.collector import collector_paused, young_collections
from kirinuki.publish.context_cache import ContextCache, identity
from kirinuki.publish.pages import Renderer, asset_version
from kirinuki.publish.plan import LEAF, LIST, TOP, Page, Planner, global_sig
from kirinuki.publish.scope import (
    Scope,
    append_scope,
    compute_scope,
    entry_records,
    stale_files,
)
from kirinuki.publish.site import SiteContext, build_context
from kirinuki.publish.writer import Output, check_unique

Progress = Callable[[int, int], None]
Record = tuple[str, str, str, bool]  # path, signature, content hash, written
PARALLEL_MIN = 2000  # fewer pages than this render faster in one process
UNIT_PAGES = 400
RENDER_GC_THRESHOLD = 20_000  # see collector.young_collections


def _per_page() -> int:
    """The page size builds use now (a module setting tests may change)."""
    return site_mod.PER_PAGE


@dataclass
class PublishReport:
    """What a publish did."""

    out: str
    pages: int
    written: int
    removed: int
    entries: int
    tags: int
    staged: bool
    seconds: float


@dataclass
class _Run:
    """What a worker needs; set before the pool forks so children inherit it."""

    ctx: SiteContext
    renderer: Renderer
    output: Output
    journal_path: str
    journal: Journal | None
    units: list[list[Page]]


_RUN: _Run | None = None
_WORKER: dict[str, Journal] = {}


def _worker_init() -> None:
    """In a forked worker: never touch the parent's connection; open one's own lazily."""
    _WORKER["child"] = None  # type: ignore[assignment]


def _journal(run: _Run) -> Journal:
    if "child" not in _WORKER:
        assert run.journal is not None
        return run.journal
    if _WORKER["child"] is None:
        _WORKER["child"] = open_journal(run.journal_path)
        _WORKER["child"].store.map_memory(False)  # see _apply
    return _WORKER["child"]


def _unit_records(index: int) -> list[Record]:
    """Render and write one unit (in the parent or in a worker)."""
    run = _RUN
    assert run is not None
    pages = run.units[index]
    journal = _journal(run)
    want_entries = {i for p in pages for i in p.entries}
    want_digests = {i for p in pages for i in p.digests}
    ids = run.ctx.entries
    entries: dict[int, Entry] = {}
    if want_entries:
        by_id = entry_batch(journal, (ids[i].id for i in want_entries))
        entries = {i: by_id[ids[i].id] for i in want_entries}
    digests: dict[int, EntryDigest] = {}
    if want_digests:
        by_id_d = entry_digests(journal, (ids[i].id for i in want_digests))
        digests = {i: by_id_d[ids[i].id] for i in want_digests if ids[i].id in by_id_d}
    out: list[Record] = []
    for page in pages:
        data = run.renderer.render(page, entries, digests)
        sha, written = run.output.put(page.path, data)
        out.append((page.path, page.sig, sha, written))
    run.output.flush()
    return out


def _units(pages: list[Page], ctx: SiteContext) -> list[list[Page]]:
    """Entry pages grouped by month (with the month's search chunk); others in runs."""
    months: dict[object, list[Page]] = {}
    rest: list[Page] = []
    for p in pages:
        if p.kind in ("entry", "text"):
            d = ctx.entries[p.args[0]].published
            months.setdefault((d.year, d.month), []).append(p)
        elif p.kind == "search_chunk":
            months.setdefault(p.args[0], []).append(p)
        else:
            rest.append(p)
    # Lists in order of their oldest entry: a unit's pages then show entries of one stretch
    # of time, so the renderer's summaries are reused (an entry is in ~6 lists) and each unit
    # loads fewer digests. In plan order (index, then tag by tag) the summary cache thrashed:
    # 40k summaries rendered for 2,000 pages at 100k entries.
    rest.sort(key=lambda p: min(p.digests) if p.digests else -1)
    units = list(months.values())
    units += [rest[i : i + UNIT_PAGES] for i in range(0, len(rest), UNIT_PAGES)]
    return units


def _run_units(units: list[list[Page]], jobs: int) -> Iterator[list[Record]]:
    with young_collections(RENDER_GC_THRESHOLD):
        yield from _run_units_now(units, jobs)


def _run_units_now(units: list[list[Page]], jobs: int) -> Iterator[list[Record]]:
    if jobs <= 1 or len(units) < 2:
        for i in range(len(units)):
            yield _unit_records(i)
        return
    # Objects made so far are never collected in the workers: freezing them keeps the garbage
    # collector from touching (and so copying) the parent's pages in every forked worker.
    gc.freeze()
    assert _RUN is not None
    _RUN.output.stop_writer()
    _RUN.renderer.preload()
    # A worker's memory grows as it renders (caches, and the parent's pages it copies by
    # touching their objects' reference counts): after ~a quarter of the units it is
    # replaced by a fresh fork. Full build at 100k entries: peak 836 -> 699 MB of the process
    # tree, ~1 s more CPU (48.2 -> 49.3 s user+sys) for the new workers.
    per_worker = max(8, -(-len(units) // (4 * jobs)))
    try:
        with multiprocessing.get_context("fork").Pool(
                jobs, initializer=_worker_init, maxtasksperchild=per_worker) as pool:
            yield from pool.imap_unordered(_unit_records, range(len(units)))
    finally:
        gc.unfreeze()


def publish(journal: Journal, out_dir: str | Path, *, full: bool = False,
            jobs: int | None = None, progress: Progress | None = None) -> PublishReport:
    """Write the journal's published entries as a static site into `out_dir`.

    Only pages whose content changed are written; publishing twice in a row writes nothing.
    Raises InputError for an unusable folder or permalink, ConflictError when two pages (or
    two tags) would share a path or another publish holds the folder.
    """
    start = time.perf_counter()
    try:
        return _publish(journal, out_dir, full, jobs, progress, start)
    finally:
        gc.unfreeze()


def _publish(journal: Journal, out_dir: str | Path, full: bool, jobs: int | None,
             progress: Progress | None, start: float) -> PublishReport:
    global _RUN
    version = asset_version()
    with Output(Path(out_dir), full=full) as output:
        mark = published_mark(journal)
        meta = output.manifest.meta
        g = global_sig(journal.settings, version, _per_page())
        if output.old and meta.get("mark") == mark and meta.get("g") == g:
            # Nothing the site shows has changed: no need to read the journal at all.
            return PublishReport(str(out_dir), len(output.old), 0, 0, int(mark.split("|")[0]),
                                 -1, False, time.perf_counter() - start)
        token = new_token()
        with collector_paused():
            cache = ContextCache(out_dir)
            followed = None
            if not full and output.old and meta.get("g") == g:
                followed = follow(journal, out_dir, meta.get("snap"), g, _per_page(),
                                  cache.sketches)
            if followed is not None:
                ctx = followed.ctx
                cache.append(followed.ident, followed.fresh)
                planner = Planner(ctx, version, fps=followed.fps)
                scope = append_scope(ctx, followed.moved, followed.first_new)
                planned = None if scope is None else _plan(ctx, planner, output, scope)
                stored = True
            else:
                memory = str(journal.store.path) == ":memory:"
                # Read before the entries: a stamp must never be newer than the rows read.
                every = [] if memory else entry_stamps(journal)
                ident = () if memory else identity(journal)
                known = None if full else cache.entries(journal)
                stored = True
                if known is None:
                    known, stored = published_entries_and_flag(journal)
                ctx = build_context(journal, entries=known, checked=cache.known)
                cache.save(journal, ctx.entries, stored)
                planner = Planner(ctx, version)
                planned = _plan(ctx, planner, output)
        if planned is None:
            return _report(out_dir, len(output.old), 0, 0, ctx, False, start)
        pages, removed, total = planned
        written = _write(journal, ctx, planner, output, pages, removed, mark, jobs, progress,
                         token if stored else "")
        if written >= 0 and stored:
            if followed is not None:
                save_followed(out_dir, token, followed)
            else:
                save_context(journal, out_dir, token, ctx, every, ident, g, cache)
    _RUN = None
    wrote = written >= 0
    return _report(out_dir, total, max(written, 0), len(removed) if wrote else 0, ctx,
                   wrote and output.staged, start)


def _plan(ctx: SiteContext, planner: Planner, output: Output, scope: Scope | None = None,
          ) -> tuple[list[Page], list[str], int] | None:
    """The pages to consider, the files to delete and the site's file count; None when no
    entry changed since the last build (`scope`: found already, by the short path)."""
    if scope is None and output.old and output.manifest.meta.get("g") == planner.g:
        scope = compute_scope(ctx, planner.fps, output.manifest.entry_keys(),
                              output.manifest.entry_rows)
        if scope is None:
            return None
    if scope is not None:
        planner.scope, planner.old_sig = scope, output.old_sig
    pages = planner.plan()
    check_unique(p.path for p in pages)
    planned = {p.path for p in pages}
    if scope is None:
        return pages, [path for path in output.old if path not in planned], len(planned)
    _check_new_paths(ctx, scope, output)
    candidates = scope.gone | stale_files(ctx, scope, output.old.under)
    removed = sorted(p for p in candidates - planned if p in output.old)
    total = len(output.old) + sum(1 for p in planned if p not in output.old) - len(removed)
    return pages, removed, total


def _write(journal: Journal, ctx: SiteContext, planner: Planner, output: Output,
           pages: list[Page], removed: list[str], mark: str, jobs: int | None,
           progress: Progress | None, token: str) -> int:
    """Render and write what changed, record the manifest; the number of files written, or
    -1 when nothing needed writing."""
    scope = planner.scope
    todo = [p for p in pages if output.old_sig(p.path) != p.sig]
    if not todo and not removed:
        return -1
    output.begin(len(todo) + len(removed), len(pages))
    records = _apply(journal, ctx, planner.version, output, pages, todo, jobs, progress)
    if output.staged and scope is not None:
        _carry_over(output, {p.path for p in pages}, set(removed), records)
    if scope is None or output.staged:
        rows, gone = [r.row() for r in entry_records(ctx, planner.fps).values()], []
    else:
        kept = entry_records(ctx, planner.fps, scope.changed)
        rows = [r.row() for r in kept.values()]
        gone = [i for i in scope.changed if i not in kept]
    output.finish({k: (v[0], v[1]) for k, v in records.items()}, removed, rows, gone,
                  {"g": planner.g, "mark": mark, "snap": token})
    return sum(1 for r in records.values() if r[2])


def _report(out_dir: str | Path, pages: int, written: int, removed: int, ctx: SiteContext,
            staged: bool, start: float) -> PublishReport:
    return PublishReport(str(out_dir), pages, written, removed, len(ctx.entries), len(ctx.tags),
                         staged, time.perf_counter() - start)


def _check_new_paths(ctx: SiteContext, scope: Scope, output: Output) -> None:
    """A new permalink must not land on a page of another kind the last build wrote."""
    old = output.manifest.entry_rows(scope.changed)
    fresh = [ctx.entries[ctx.pos[i]] for i in scope.changed
             if i in ctx.pos and (i not in old or old[i][3] != ctx.entries[ctx.pos[i]].permalink)]
    taken = [urls.entry_file(e.permalink) for e in fresh]
    taken = [path for path in taken if path in output.old]
    if not taken:
        return
    known = {urls.entry_file(r[3]) for r in output.manifest.entry_rows().values()}
    for path in taken:
        if path not in known:
            raise ConflictError(f"two pages would be written to {path}; nothing was written")


def _carry_over(output: Output, planned: set[str], removed: set[str],
                records: dict[str, tuple[str, str, bool]]) -> None:
    """In a staged build of a scope, bring every unplanned file of the old site along."""
    for path, (sig, sha) in output.old.items():
        if path not in planned and path not in removed and output.keep(path):
            records[path] = (sig, sha, False)


def _stages(todo: list[Page], staged: bool) -> list[list[Page]]:
    """The pages in the order they must be written: entry pages before the lists that link
    to them, feeds last, when patching in place; all at once into a staged tree, which is
    seen only when complete (one pool of workers instead of three, no worker idle at the end
    of a stage, the feeds and sitemaps not rendered alone in the parent: a full build at 100k
    entries: 40.5 -> 39.0 s, on the loaded disk)."""
    if staged:
        return [todo]
    return [[p for p in todo if p.stage == stage] for stage in (LEAF, LIST, TOP)]


def _apply(journal: Journal, ctx: SiteContext, version: str, output: Output,
           pages: list[Page], todo: list[Page], jobs: int | None,
           progress: Progress | None) -> dict[str, tuple[str, str, bool]]:
    """Render and write `todo` stage by stage; carry the other planned pages over."""
    global _RUN
    records: dict[str, tuple[str, str, bool]] = {}
    todo_paths = {p.path for p in todo}
    for p in pages:
        if p.path not in todo_paths:
            if output.keep(p.path):
                records[p.path] = (p.sig, output.old_sha(p.path) or "", False)
            else:
                todo.append(p)
    renderer = Renderer(ctx, version)
    path = journal.store.path
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if len(todo) < PARALLEL_MIN or path == ":memory:":
        workers = 1
    done = 0
    # A big build reads most of the journal: through the memory map, every page read counts
    # in the memory of the process that read it (the parent held 393 MB of the mapped file
    # after phase 1 at 100k entries, the workers more as they rendered: peak 1,107 MB of the
    # tree). Plain reads through SQLite's page cache (32 MB) cost 0.25 s per 20k entries
    # loaded and bring the peak to 773-778 MB.
    big = len(todo) >= PARALLEL_MIN and path != ":memory:"
    if big:
        journal.store.map_memory(False)
    try:
        for stage in _stages(todo, output.staged):
            units = _units(stage, ctx)
            _RUN = _Run(ctx, renderer, output, path, journal, units)
            for recs in _run_units(units, workers):
                for rpath, sig, sha, written in recs:
                    records[rpath] = (sig, sha, written)
                done += len(recs)
                if progress is not None:
                    progress(done, len(todo))
    finally:
        if big:
            journal.store.map_memory(True)
    # The renderer's table of its own methods is a reference cycle that would keep the whole
    # context (~500k objects at 100k entries) until a collection: 0.25 s at the command's exit.
    renderer.kinds.clear()
    return records
