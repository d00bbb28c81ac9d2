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
from typing import Any

from kirinuki.errors import ConflictError
from kirinuki.journal import Journal, open_journal
from kirinuki.journal.site import (
    EntryDigest,
    entry_batch,
    entry_digests,
    entry_stamps_of,
    one_state,
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
from kirinuki.publish.plan import Page, Planner, global_sig
from kirinuki.publish.scope import (
    Scope,
    appended,
    compute_scope,
    entry_records,
    scope_of,
    stale_files,
)
from kirinuki.publish.site import SiteContext, build_context
from kirinuki.publish.writer import Output, check_unique

Progress = Callable[[int, int], None]
Record = tuple[str, str, str, bool]  # path, signature, content hash, written
PARALLEL_MIN = 2000  # fewer pages than this render faster in one process
UNIT_PAGES = 400
RENDER_GC_THRESHOLD = 20_000  # see collector.young_collections
ATTEMPTS = 3  # publishes started again when the journal changed under the build


class JournalMoved(ConflictError):
    """An entry a page shows changed (another process wrote) while the build read it."""

    def __init__(self, message: str = "the journal kept changing while publishing; nothing "
                 f"was published after {ATTEMPTS} attempts: publish again") -> None:
        super().__init__(message)


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
_STOP: Any = None  # set (a shared event) when a parallel build gives up


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
    """Render and write one unit (in the parent or in a worker). Raises JournalMoved when an
    entry it shows is no longer as the site context read it."""
    run = _RUN
    assert run is not None
    if _STOP is not None and _STOP.is_set():  # the build failed elsewhere: skip the rest
        return []
    pages = run.units[index]
    journal = _journal(run)
    want_entries = {i for p in pages for i in p.entries}
    want_digests = {i for p in pages for i in p.digests}
    ids = run.ctx.entries
    entries: dict[int, Entry] = {}
    digests: dict[int, EntryDigest] = {}
    with one_state(journal):
        # The entries are read in one state of the journal and must be the ones the context
        # was made from (a write meanwhile, say by `serve`, shows as a moved stamp): a page
        # never mixes two states.
        if want_entries:
            by_id = entry_batch(journal, (ids[i].id for i in want_entries))
            if any((e := by_id.get(ids[i].id)) is None or e.updated != ids[i].updated
                   or e.status != "published" for i in want_entries):
                raise JournalMoved()
            entries = {i: by_id[ids[i].id] for i in want_entries}
        if want_digests:
            stamps = entry_stamps_of(journal, (ids[i].id for i in want_digests))
            if any(stamps.get(ids[i].id) != ids[i].stamp for i in want_digests):
                raise JournalMoved()
            by_id_d = entry_digests(journal, (ids[i].id for i in want_digests))
            digests = {i: by_id_d[ids[i].id] for i in want_digests if ids[i].id in by_id_d}
    out: list[Record] = []
    for page in pages:
        data = run.renderer.render(page, entries, digests)
        sha, written = run.output.put(page.path, data)
        out.append((page.path, page.sig, sha, written))
    run.output.verify()
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
    global _STOP
    if jobs <= 1 or len(units) < 2:
        for i in range(len(units)):
            yield _unit_records(i)
        return
    # Objects made so far are never collected in the workers: freezing them keeps the garbage
    # collector from touching (and so copying) the parent's pages in every forked worker.
    gc.freeze()
    assert _RUN is not None
    _RUN.output.stop_writer()  # threads do not survive a fork
    _RUN.output.old.release()  # no connection crosses a fork: each worker opens its own
    _RUN.renderer.preload()
    # A worker's memory grows as it renders (caches, and the parent's pages it copies by
    # touching their objects' reference counts): after ~a quarter of the units it is
    # replaced by a fresh fork. Full build at 100k entries: peak 836 -> 699 MB of the process
    # tree, ~1 s more CPU (48.2 -> 49.3 s user+sys) for the new workers.
    per_worker = max(8, -(-len(units) // (4 * jobs)))
    fork = multiprocessing.get_context("fork")
    _STOP = fork.Event()
    pool = fork.Pool(jobs, initializer=_worker_init, maxtasksperchild=per_worker)
    try:
        yield from pool.imap_unordered(_unit_records, range(len(units)))
    except (KeyboardInterrupt, SystemExit):
        # Interrupted: the workers had the signal too and their units may never end. What
        # they wrote is in the staged tree or the patch, both discarded.
        pool.terminate()
        pool.join()
        raise
    except BaseException:
        _STOP.set()  # a unit failed: the others end where they are, none is cut short
        pool.close()
        pool.join()
        raise
    else:
        # Every worker ends its units and exits normally: nothing is killed mid-write.
        pool.close()
        pool.join()
    finally:
        _STOP = None
        gc.unfreeze()


def publish(journal: Journal, out_dir: str | Path, *, full: bool = False,
            jobs: int | None = None, progress: Progress | None = None) -> PublishReport:
    """Write the journal's published entries as a static site into `out_dir`.

    Only pages whose content changed are written; publishing twice in a row writes nothing.
    The site is put in place whole or not at all: when an entry changes while it is read
    (another process writing), the build starts again (`ATTEMPTS` in all). Raises InputError
    for an unusable folder or permalink, ConflictError when two pages (or two tags) would
    share a path, another publish holds the folder or the journal kept changing, OutputError
    when a file cannot be written (the live site is then as it was).
    """
    start = time.perf_counter()
    try:
        for _attempt in range(ATTEMPTS - 1):
            try:
                return _publish(journal, out_dir, full, jobs, progress, start)
            except JournalMoved:
                continue
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
        # An interrupted patch (a killed publish) is repaired by planning every page.
        repair = "pending" in meta
        if output.old and meta.get("mark") == mark and meta.get("g") == g and not repair:
            # Nothing the site shows has changed: no need to read the journal at all.
            return PublishReport(str(out_dir), len(output.old), 0, 0, int(mark.split("|")[0]),
                                 -1, False, time.perf_counter() - start)
        token = new_token()
        with collector_paused():
            cache = ContextCache(out_dir)
            followed = None
            if not full and not repair and output.old and meta.get("g") == g:
                followed = follow(journal, out_dir, meta.get("snap"), g, _per_page(),
                                  cache.sketches)
            if followed is not None:
                ctx = followed.ctx
                cache.append(followed.ident, followed.fresh)
                planner = Planner(ctx, version, fps=followed.fps)
                scope = scope_of(ctx, appended(ctx, followed.moved, followed.first_new))
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
                planned = _plan(ctx, planner, output, whole=repair)
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
          whole: bool = False) -> tuple[list[Page], list[str], int]:
    """The pages to consider, the files to delete and the site's file count (`scope`: found
    already, by the short path; `whole`: every page, whatever changed)."""
    if scope is None and not whole and output.old \
            and output.manifest.meta.get("g") == planner.g:
        # No entry changed: the pages that show the whole journal's state (the search index
        # lists the tag aliases, which a merge into a draft's tag adds) are planned anyway.
        scope = compute_scope(ctx, planner.fps, output.manifest.entry_keys(),
                              output.manifest.entry_rows) or Scope()
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
    # Put in place entry pages before the lists that link to them, feeds last.
    written = [p.path for p in sorted(todo, key=lambda p: p.stage) if records[p.path][2]]
    output.finish({k: (v[0], v[1]) for k, v in records.items()}, removed, rows, gone,
                  {"g": planner.g, "mark": mark, "snap": token}, written)
    return len(written)


def _report(out_dir: str | Path, pages: int, written: int, removed: int, ctx: SiteContext,
            staged: bool, start: float) -> PublishReport:
    return PublishReport(str(out_dir), pages, written, removed, len(ctx.entries), len(ctx.tags),
                         staged, time.perf_counter() - start)


def _check_new_paths(ctx: SiteContext, scope: Scope, output: Output) -> None:
    """A new permalink must not land on a page of another kind the last build wrote, nor on
    a folder of its pages, nor under one of its files."""
    old = output.manifest.entry_rows(scope.changed)
    fresh = [ctx.entries[ctx.pos[i]] for i in scope.changed
             if i in ctx.pos and (i not in old or old[i][3] != ctx.entries[ctx.pos[i]].permalink)]
    for e in fresh:
        path = urls.entry_file(e.permalink)
        folder = path.rpartition("/")[0]
        while folder:
            if folder in output.old:
                raise ConflictError(f"entry {e.id}: its page {path} would need {folder}, a "
                                    "file of the site, as a folder; nothing was written")
            folder = folder.rpartition("/")[0]
        if output.old.under(path + "/"):
            raise ConflictError(f"entry {e.id}: its page {path} is a folder of the site; "
                                "nothing was written")
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


def _apply(journal: Journal, ctx: SiteContext, version: str, output: Output,
           pages: list[Page], todo: list[Page], jobs: int | None,
           progress: Progress | None) -> dict[str, tuple[str, str, bool]]:
    """Render and write `todo`; carry the other planned pages over."""
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
        # Every page in one pool, staged or not: a patch is put in place only once whole
        # (`Output.finish`), so no stage has to wait for the one before.
        units = _units(todo, ctx)
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
