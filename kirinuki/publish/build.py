"""Publishing: plan the site, render the pages whose inputs changed, write, swap into place.

Phase 1 makes the site context (`site.py`, or the short path of `append.py`) and the scope of
the changes (`scope.py`); the plan lists the pages (`plan.py`); phase 2 renders and writes
those whose inputs changed (`units.py`) into a staged tree or a patch (`writer.py`), which is
then put in place whole.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from kirinuki.errors import ConflictError
from kirinuki.journal import Journal
from kirinuki.journal.analysis import catch_up_analysis, keep_sketches_beside, sketches_kept
from kirinuki.journal.published import published_entries_and_flag
from kirinuki.journal.published_delta import published_entries_after
from kirinuki.journal.sketch_cache import SketchCache, entry_stamps
from kirinuki.journal.versions_bulk import Progress as AnalysisProgress
from kirinuki.journal.versions_bulk import bulk_analysis
from kirinuki.publish import urls
from kirinuki.publish.append import follow, new_token, save_context, save_followed
from kirinuki.publish.collector import collector_paused
from kirinuki.publish.context import SiteContext, build_context
from kirinuki.publish.pages import Renderer
from kirinuki.publish.plan import Page, Planner, StoryParts
from kirinuki.publish.quick import PublishReport, asset_version, unchanged
from kirinuki.publish.quick import per_page as _per_page
from kirinuki.publish.scope import (
    Scope,
    appended,
    compute_scope,
    entry_records,
    scope_of,
    stale_files,
)
from kirinuki.publish.snapshot import identity, last_entries, read_stories, state_blobs
from kirinuki.publish.units import ATTEMPTS, JournalMoved, Run, run_units, units_of
from kirinuki.publish.writer import Output, check_unique

Progress = Callable[[int, int], None]
PARALLEL_MIN = 2000  # fewer pages than this render faster in one process


def publish(journal: Journal, out_dir: str | Path, *, full: bool = False,
            jobs: int | None = None, progress: Progress | None = None,
            analysis_progress: AnalysisProgress | None = None,
            mark: str | None = None, version: str | None = None) -> PublishReport:
    """Write the journal's published entries as a static site into `out_dir` (`mark`: the
    journal's `published_mark`, when the caller has just read it; `version`: the
    `asset_version`, when the caller has made it).

    The first publish after a bulk import first finds the versions of every clip (once), in
    `jobs` forked workers, telling `analysis_progress(stage, done, total)` how far it is.

    Only pages whose content changed are written; publishing twice in a row writes nothing.
    The site is put in place whole or not at all: when an entry changes while it is read
    (another process writing), the build starts again (`ATTEMPTS` in all). Raises InputError
    for an unusable folder or permalink, ConflictError when two pages (or two tags) would
    share a path, another publish holds the folder or the journal kept changing, OutputError
    when a file cannot be written (the live site is then as it was).
    """
    start = time.perf_counter()
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    try:
        with bulk_analysis(workers, analysis_progress):
            for _attempt in range(ATTEMPTS - 1):
                try:
                    return _publish(journal, out_dir, full, jobs, progress, start, mark,
                                    version)
                except JournalMoved:
                    mark = None  # read again: the journal moved since
                    continue
            return _publish(journal, out_dir, full, jobs, progress, start, mark, version)
    finally:
        gc.unfreeze()


def _publish(journal: Journal, out_dir: str | Path, full: bool, jobs: int | None,
             progress: Progress | None, start: float, mark: str | None,
             version: str | None) -> PublishReport:
    version = version or asset_version()
    warnings: list[str] = []
    with Output(Path(out_dir), full=full) as output, contextlib.ExitStack() as ending:
        mark, g, same = unchanged(journal, output, version, mark)
        meta = output.manifest.meta
        # An interrupted patch (a killed publish) is repaired by planning every page.
        repair = "pending" in meta
        if same:
            # Nothing the site shows has changed: no need to read the journal at all.
            return PublishReport(str(out_dir), len(output.old), 0, 0, int(mark.split("|")[0]),
                                 -1, False, time.perf_counter() - start)
        token = new_token()
        with collector_paused():
            sketches = SketchCache(state_blobs(out_dir))
            followed = last = beside = None
            if not full and not repair and output.old and meta.get("g") == g:
                followed = follow(journal, out_dir, meta.get("snap"), g, _per_page(), sketches)
            if followed is not None:
                ctx = followed.ctx
                planner = Planner(ctx, version, fps=followed.fps)
                planner.appended_from, planner.previous = followed.first_new, output.previous
                scope = scope_of(ctx, appended(ctx, followed.moved, followed.first_new))
                if scope is not None:
                    parts = read_stories(state_blobs(out_dir), followed.base.id, scope.tags)
                    planner.stories = {k: StoryParts(*v) for k, v in parts.items()}
                planned = None if scope is None else _plan(ctx, planner, output, scope)
                stored = True
            else:
                memory = str(journal.store.path) == ":memory:"
                # Read before the entries: a stamp must never be newer than the rows read.
                every = [] if memory else entry_stamps(journal)
                ident = () if memory else identity(journal)
                # The last build's entries and the rows of those changed since, else all.
                last = None if full else last_entries(journal, out_dir, meta.get("snap"))
                # The version links' mark of the notes read, kept with the snapshot: the next
                # new entry then reads its own notes alone (`append.follow`).
                versions: list[tuple[object, ...]] = []
                known = None if last is None else published_entries_after(
                    journal, last.entries, sketches, versions)
                stored = True
                if known is None:
                    # Every clip's sketch is kept in the state (`keep_sketches`) by a process
                    # beside this one while it reads and plans (when it may use more than
                    # one); once the analysis has sketched the new clips.
                    catch_up_analysis(journal)
                    several = (jobs if jobs is not None else os.cpu_count() or 1) > 1
                    beside = keep_sketches_beside(journal, SketchCache(output.blobs())) \
                        if ident and several else None
                    if beside is not None:
                        ending.callback(beside.end)
                    known, stored = published_entries_and_flag(journal, warnings, versions)
                ctx = build_context(journal, entries=known)
                planner = Planner(ctx, version)
                planned = _plan(ctx, planner, output, whole=repair)
        if planned is None:
            return _report(out_dir, len(output.old), 0, 0, ctx, False, start, warnings)
        pages, removed, total = planned

        def settle() -> None:
            """Wait for the process keeping the sketches, if one runs."""
            nonlocal beside
            if beside is not None:
                sketches_kept(journal, sketches, beside)
                beside = None

        written = _write(journal, ctx, planner, output, pages, removed, mark, jobs, progress,
                         token if stored else "", settle)
        if written >= 0 and stored:
            stories = {k: (v.count, v.last, v.fps, v.notes)
                       for k, v in planner.stories.items()}
            if followed is not None:
                save_followed(out_dir, token, followed, stories)
            else:
                save_context(journal, out_dir, token, ctx, every, ident, g, last, stories,
                             versions[-1] if versions else None)
                if ident:  # not a journal in memory
                    sketches_kept(journal, sketches, None)
    wrote = written >= 0
    return _report(out_dir, total, max(written, 0), len(removed) if wrote else 0, ctx,
                   wrote and output.staged, start, warnings)


def _plan(ctx: SiteContext, planner: Planner, output: Output, scope: Scope | None = None,
          whole: bool = False) -> tuple[list[Page], list[str], int]:
    """The pages to consider, the files to delete and the site's file count (`scope`: found
    already, by the short path; `whole`: every page, whatever changed)."""
    if scope is None and not whole and output.old \
            and output.manifest.meta.get("g") == planner.g:
        # No entry changed: the pages that show the whole journal's state (the search index
        # lists the tag aliases, which a merge into a draft's tag adds) are planned anyway.
        scope = compute_scope(ctx, planner.fps, output.manifest.entry_keys(),
                              output.manifest.entry_rows, planner.links) or Scope()
    if scope is not None:
        planner.scope, planner.old_sig = scope, output.old_sig
    pages = planner.plan()
    check_unique(p.path for p in pages)
    planned = {p.path for p in pages}
    if scope is None:
        return pages, [path for path in output.old if path not in planned], len(planned)
    _check_new_paths(ctx, scope, output)
    candidates = scope.gone | stale_files(ctx, scope, output.old.under)
    # Redirect pages the last build wrote that are not planned now (the address is a page
    # again, or its entry is gone) go too.
    candidates |= set(json.loads(output.manifest.meta.get("moved", "[]")))
    removed = sorted(p for p in candidates - planned if p in output.old)
    total = len(output.old) + sum(1 for p in planned if p not in output.old) - len(removed)
    return pages, removed, total


def _write(journal: Journal, ctx: SiteContext, planner: Planner, output: Output,
           pages: list[Page], removed: list[str], mark: str, jobs: int | None,
           progress: Progress | None, token: str, settle: Callable[[], None]) -> int:
    """Render and write what changed, record the manifest; the number of files written, or
    -1 when nothing needed writing. `settle()` is called before any worker is forked and
    before the manifest is recorded."""
    scope = planner.scope
    todo = [p for p in pages if output.old_sig(p.path) != p.sig]
    if not todo and not removed:
        return -1
    output.begin(len(todo) + len(removed), len(pages))
    records = _apply(journal, ctx, planner.version, output, pages, todo, jobs, progress, settle)
    if output.staged and scope is not None:
        _carry_over(output, {p.path for p in pages}, set(removed), records)
    if scope is None or output.staged:
        rows = [r.row() for r in entry_records(ctx, planner.fps, links=planner.links).values()]
        gone: list[int] = []
    else:
        kept = entry_records(ctx, planner.fps, scope.changed, planner.links)
        rows = [r.row() for r in kept.values()]
        gone = [i for i in scope.changed if i not in kept]
    settle()
    # Put in place entry pages before the lists that link to them, feeds last.
    written = [p.path for p in sorted(todo, key=lambda p: p.stage) if records[p.path][2]]
    output.finish({k: (v[0], v[1]) for k, v in records.items()}, removed, rows, gone,
                  {"g": planner.g, "mark": mark, "snap": token,
                   "moved": json.dumps(sorted(planner.moved), ensure_ascii=False)}, written)
    return len(written)


def _report(out_dir: str | Path, pages: int, written: int, removed: int, ctx: SiteContext,
            staged: bool, start: float, warnings: list[str]) -> PublishReport:
    return PublishReport(str(out_dir), pages, written, removed, len(ctx.entries), len(ctx.tags),
                         staged, time.perf_counter() - start, warnings)


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
           progress: Progress | None, settle: Callable[[], None],
           ) -> dict[str, tuple[str, str, bool]]:
    """Render and write `todo`; carry the other planned pages over."""
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
    # in the memory of the process that read it, parent and workers alike. Plain reads
    # through SQLite's page cache cost a little time and bring the peak well down
    # (docs/publish.md, Measurements).
    big = len(todo) >= PARALLEL_MIN and path != ":memory:"
    if big:
        journal.store.map_memory(False)
    if workers > 1:
        # The process beside ends first: its memory never adds to the workers' at the peak.
        settle()
    try:
        # Every page in one pool, staged or not: a patch is put in place only once whole
        # (`Output.finish`), so no stage has to wait for the one before.
        run = Run(ctx, renderer, output, path, journal, units_of(todo, ctx))
        for recs in run_units(run, workers):
            for rpath, sig, sha, written in recs:
                records[rpath] = (sig, sha, written)
            done += len(recs)
            if progress is not None:
                progress(done, len(todo))
    finally:
        if big:
            journal.store.map_memory(True)
    # The renderer's table of its own methods is a reference cycle that would keep the whole
    # context until a collection, which would then run at the command's exit.
    renderer.kinds.clear()
    return records
