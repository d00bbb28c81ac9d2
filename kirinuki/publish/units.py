"""Rendering and writing the pages of a build in units: an entry month with its search
chunk, or a few hundred list pages; each unit loads the entries it needs in one batch, read in
one state of the journal. Large builds spread the units over forked worker processes, each
with its own connections (none crosses a fork); the pool is closed and joined, so no worker is
cut short while it writes.
"""

from __future__ import annotations

import ctypes
import gc
import os
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kirinuki.errors import ConflictError
from kirinuki.journal import Journal, open_journal
from kirinuki.journal.published import (
    ListingSummary,
    entry_batch,
    entry_groups,
    entry_stamps_of,
    listing_summaries,
    one_state,
)
from kirinuki.journal.story import tag_story
from kirinuki.model import Entry
from kirinuki.publish.collector import young_collections
from kirinuki.publish.context import SiteContext
from kirinuki.publish.pages import Renderer
from kirinuki.publish.plan import Page
from kirinuki.publish.writer import Output

Record = tuple[str, str, str, bool]  # path, signature, content hash, written
UNIT_PAGES = 400
RENDER_GC_THRESHOLD = 20_000  # see collector.young_collections
ATTEMPTS = 3  # publishes started again when the journal changed under the build
_PR_SET_PDEATHSIG = 1


class JournalMoved(ConflictError):
    """An entry a page shows changed (another process wrote) while the build read it."""

    def __init__(self, message: str = "the journal kept changing while publishing; nothing "
                 f"was published after {ATTEMPTS} attempts: publish again") -> None:
        super().__init__(message)


@dataclass
class Run:
    """What a worker needs; set before the pool forks so children inherit it."""

    ctx: SiteContext
    renderer: Renderer
    output: Output
    journal_path: str
    journal: Journal | None
    units: list[list[Page]]


_RUN: Run | None = None
_WORKER: dict[str, Journal] = {}
_STOP: Any = None  # set (a shared event) when a parallel build gives up


def _worker_init(parent: int, forker: int) -> None:
    """In a forked worker: never touch the parent's connection (open one's own lazily), and
    end with the publish when it is killed, instead of writing on into a tree the next
    publish removes (and holding its lock, which workers share)."""
    _WORKER["child"] = None  # type: ignore[assignment]
    assert _RUN is not None
    _RUN.output.parent = parent  # the writer stops once the parent is gone
    if threading.get_ident() != forker:
        # Forked by the pool's own thread (a replaced worker): the kernel would kill it when
        # that thread ends, maybe holding the pool's queue lock (the pool then hangs).
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # Linux
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # killed before the call above
        os._exit(1)


def _journal(run: Run) -> Journal:
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
    run.output.check_parent()
    pages = run.units[index]
    journal = _journal(run)
    want_entries = {i for p in pages if p.kind != "tag" for i in p.entries}
    # A tag page shows its entries' groups alone: read without the entries' own rows.
    want_groups = {i for p in pages if p.kind == "tag" for i in p.entries} - want_entries
    want_summaries = {i for p in pages for i in p.summaries}
    want_stories = [p.args[0] for p in pages if p.kind == "tag" and p.args[1] is None]
    ids = run.ctx.entries
    entries: dict[int, Entry] = {}
    summaries: dict[int, ListingSummary] = {}
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
        if want_groups:
            stamps = entry_stamps_of(journal, (ids[i].id for i in want_groups))
            if any(stamps.get(ids[i].id) != ids[i].stamp for i in want_groups):
                raise JournalMoved()
            by_id = entry_groups(journal, (ids[i].id for i in want_groups))
            entries.update((i, by_id.get(ids[i].id) or Entry(id=ids[i].id)) for i in want_groups)
        if want_summaries:
            stamps = entry_stamps_of(journal, (ids[i].id for i in want_summaries))
            if any(stamps.get(ids[i].id) != ids[i].stamp for i in want_summaries):
                raise JournalMoved()
            by_id_s = listing_summaries(journal, (ids[i].id for i in want_summaries))
            summaries = {i: by_id_s[ids[i].id] for i in want_summaries if ids[i].id in by_id_s}
        stories = {k: tag_story(journal, k, run.ctx.pos) for k in want_stories}
    out: list[Record] = []
    for page in pages:
        data = run.renderer.render(page, entries, summaries, stories)
        sha, written = run.output.put(page.path, data)
        out.append((page.path, page.sig, sha, written))
    run.output.verify()
    return out


def units_of(pages: list[Page], ctx: SiteContext) -> list[list[Page]]:
    """Runs of list pages, then the entry pages grouped by month (with the month's search
    chunk)."""
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
    # loads fewer summaries. In plan order (index, then tag by tag) the summary cache thrashed.
    # Tag pages and feeds, which read whole entries, too: in plan order each unit loaded the
    # entries of a few tags, which the next units loaded again for their other tags.
    rest.sort(key=lambda p: min(p.summaries or p.entries or (-1,)))
    # The lists first, the months after them: the last list units (the feeds, whole entries
    # of every tag) are the heaviest, and a month is a small piece to end on, so the workers
    # end nearly together (at 100k one waited ~1 s for the other's last list unit).
    units = [rest[i : i + UNIT_PAGES] for i in range(0, len(rest), UNIT_PAGES)]
    units += months.values()
    return units


def run_units(run: Run, jobs: int) -> Iterator[list[Record]]:
    """Render and write the units of `run` in `jobs` processes; the records of each unit as
    it ends (every file it counts as written is on disk). Raises OutputError, JournalMoved."""
    global _RUN
    _RUN = run
    try:
        with young_collections(RENDER_GC_THRESHOLD):
            yield from _run_units_now(run.units, jobs)
    finally:
        _RUN = None


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
    _RUN.output.old.release()  # no connection crosses a fork: each worker opens its own
    _RUN.renderer.preload()
    # A worker's memory grows as it renders (caches, and the parent's pages it copies by
    # touching their objects' reference counts): after ~a quarter of the units it is
    # replaced by a fresh fork, which lowers the peak for a little more CPU.
    per_worker = max(8, -(-len(units) // (4 * jobs)))
    import multiprocessing  # here: a publish of a few pages makes no pool, so imports none

    fork = multiprocessing.get_context("fork")
    _STOP = fork.Event()
    pool = fork.Pool(jobs, initializer=_worker_init,
                     initargs=(os.getpid(), threading.get_ident()),
                     maxtasksperchild=per_worker)
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


