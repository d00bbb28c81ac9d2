"""The one-off version analysis of a whole journal (its first publish after a bulk import)
in bounded memory: candidate pairs from the stored sketches without the LSH index
(`analysis.pairs.sketch_pairs`), verified block by block (`analysis.pairs.verify_blocked`),
only as far as it takes to tell whether a pair is a version. The same links as probing every
clip through the index, for a fraction of the memory. A caller that may fork (the `publish`
command) sets `bulk_analysis(jobs=…, progress=…)`: the pairs are then verified by forked
worker processes, each with its own connection, and progress is reported.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import pickle
import signal
import tempfile
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import numpy as np

from kirinuki.analysis.duplicates import VERSION, Thresholds
from kirinuki.analysis.far_gate import Features
from kirinuki.analysis.groups import Item, Link, close_in_time, word_match
from kirinuki.analysis.lsh import DEFAULT_PARAMS, Sketches
from kirinuki.analysis.pairs import gate_features, gate_pairs, sketch_pairs, verify_blocked
from kirinuki.analysis.shared_keys import SENTENCE_CAP, shared_pairs, sorted_unique
from kirinuki.analysis.versions import describe_change
from kirinuki.analysis.word_keys import WORD_CAP
from kirinuki.errors import KirinukiError
from kirinuki.store import open_store
from kirinuki.store.sqlite import analysis as rows
from kirinuki.store.sqlite.db import Store

# The stages a progress callback is told about, with (done, total) in each.
SKETCHING, PAIRING, VERIFYING = "sketching", "pairing", "verifying"
GATING = "gating"  # (clips done, clips): what the gate reads of every clip paired (forked)
NARROWING = "narrowing"  # (pairs done, pairs): the gate on every pair, before VERIFYING
STATEMENTS = "statements"  # (groups read, 0): the statements of every group (journal/story.py)
# (entries done, entries): what each entry is about, then its related entries (suggestions.py)
FEATURES, SUGGESTIONS = "features", "suggestions"
DONE = "done"  # (0, 0): the analysis ended (analysis.catch_up_analysis)
Progress = Callable[[str, int, int], object]


@dataclass(frozen=True)
class BulkOptions:
    """How a whole-journal analysis may run: worker processes to fork, who hears of it, and
    whether the workers may run now (None: always; the process beside forks its own only
    once the version links are found, when the cores are its alone)."""

    jobs: int = 1
    progress: Progress | None = None
    free: Callable[[], bool] | None = None


_OPTIONS: ContextVar[BulkOptions | None] = ContextVar("bulk_analysis", default=None)


def _fork() -> Any:
    """multiprocessing's fork context, imported when first needed: a publish of a few new
    clips forks nothing and need not import it."""
    import multiprocessing

    return multiprocessing.get_context("fork")


def _options() -> BulkOptions:
    return _OPTIONS.get() or BulkOptions()


@contextlib.contextmanager
def bulk_analysis(jobs: int = 1, progress: Progress | None = None,
                  free: Callable[[], bool] | None = None) -> Iterator[None]:
    """Within this block a whole-journal analysis may fork `jobs` workers (only where no
    thread uses SQLite), while `free()` says so (if given), and reports its stages to
    `progress(stage, done, total)`."""
    token = _OPTIONS.set(BulkOptions(max(1, jobs), progress, free))
    try:
        yield
    finally:
        _OPTIONS.reset(token)


def bulk_jobs() -> int:
    """The worker processes `bulk_analysis` allows (1 outside it)."""
    return _options().jobs


def report(stage: str, done: int, total: int) -> None:
    """Tell the caller of `bulk_analysis` (if any) how far a stage is."""
    progress = _options().progress
    if progress is not None:
        progress(stage, done, total)


# Prepared clips held at once (~4 KB each with their clip: ~400 MB); more clips are verified
# in blocks, each clip prepared about 1 + clips / (2 × 7/8 HELD) times.
HELD = 100_000


def _release() -> None:
    """Give the heap's free pages back to the system: glibc keeps what the pairs' arrays and
    the previous block's clips freed. Also the one collection of cycles of a block (see
    `_uncollected`)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL(None).malloc_trim(0)


@contextlib.contextmanager
def _uncollected() -> Iterator[None]:
    """No automatic garbage collection within: the prepared clips held (millions of objects)
    make no reference cycles, but each collection of the oldest generation walks them all
    (docs/analysis.md says what that cost)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def clip_item(r: rows.ClipRow) -> Item:
    """A stored clip as analysis sees it."""
    return Item(r.clip_id, r.text, r.published, r.article, r.entry_id,
                r.group_pos * 10_000 + r.pos)


def all_version_links(store: Store, version: int, new: Sequence[int], t: Thresholds,
                      held: int = 0) -> list[tuple[int, int, str]]:
    """(later clip, earlier clip, change) for each version link touching a clip of `new`,
    from every stored sketch of this version; `held`: clips held prepared (0: `HELD`)."""
    mapped = store.mapped
    # Every page read through the map (the whole journal's text) would count as our memory.
    store.map_memory(False)
    try:
        ids, blobs = rows.sketches(store, version)
        sk = Sketches.from_bytes(blobs, DEFAULT_PARAMS)
        del blobs
        report(PAIRING, 0, len(ids))
        codes, _ = sketch_pairs(sk, DEFAULT_PARAMS, min_estimate=t.candidate)
        words = word_codes(sk, codes)
        del sk
        a, b = _touching(np.concatenate([codes, words]), ids, new)
        del codes
        return _verify(store, ids, a, b, t, held, words)
    finally:
        store.map_memory(mapped)


def version_links(store: Store, ids: list[int], sk: Sketches, new: Sequence[int],
                  t: Thresholds, held: int = 0) -> list[tuple[int, int, str]]:
    """`all_version_links` with the sketches given (row i: clip `ids[i]`)."""
    report(PAIRING, 0, len(ids))
    codes, _ = sketch_pairs(sk, DEFAULT_PARAMS, min_estimate=t.candidate)
    words = word_codes(sk, codes)
    a, b = _touching(np.concatenate([codes, words]), ids, new)
    del codes
    return _verify(store, ids, a, b, t, held, words)


def word_codes(sk: Sketches, codes: np.ndarray) -> np.ndarray:
    """Sorted codes (a << 32 | b) of the pairs only word keys propose: rows sharing a word key
    (`DuplicateIndex.word_candidates`), not among the LSH pair `codes` nor sharing a sentence
    (those give no version); their links are kept as `groups.word_links` keeps them."""
    words = shared_pairs(sk.word_keys(), WORD_CAP)
    for known in (codes, shared_pairs(sk.sentences(), SENTENCE_CAP)):
        if known.size and words.size:
            words = words[~np.isin(words, known, kind="sort")]
    return words


def _touching(codes: np.ndarray, ids: list[int], new: Sequence[int],
              ) -> tuple[np.ndarray, np.ndarray]:
    """The rows (a, b) of the pair codes with a clip of `new` (uint32: 8 bytes a pair)."""
    wanted = np.isin(np.asarray(ids, dtype=np.int64), np.asarray(new, dtype=np.int64))
    a, b = (codes >> 32).astype(np.uint32), (codes & 0xFFFFFFFF).astype(np.uint32)
    keep = wanted[a] | wanted[b]
    return a[keep], b[keep]


def _verify(store: Store, ids: list[int], a: np.ndarray, b: np.ndarray, t: Thresholds,
            held: int, words: np.ndarray) -> list[tuple[int, int, str]]:
    """The version links of the pairs of rows (a[k], b[k]); `words`: the sorted codes of the
    pairs only word keys propose (`word_codes`), whose links are kept as `word_match` says."""
    jobs = _options().jobs if store.dialect == "sqlite" and store.path != ":memory:" else 1
    jobs = min(jobs, max(1, a.size // _PAIRS_A_JOB))
    if jobs <= 1:
        return _verify_part(store, ids, a, b, t, held or HELD, _Counted(a.size).add, words)
    # Each worker also keeps a share of the parent's pages and what its blocks freed, beside
    # the parent and the process beside, so its blocks are kept small; the pairs left after
    # the gate need few clips prepared again, so that costs little (docs/analysis.md).
    return _verify_forked(store.path, ids, a, b, t, max(1, (held or HELD) // (_SHARE * jobs)),
                          jobs, words)


_SHARE = 8  # a verifying worker holds HELD / (_SHARE × jobs) clips prepared


@contextlib.contextmanager
def _inherited_frozen() -> Iterator[None]:
    """Fork within: what is alive here is frozen out of the collector for the fork, so that a
    forked process's collections (`_release`) skip what it inherited instead of walking it,
    which also copied every page of this process's heap it touched."""
    frozen = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not frozen:  # what another part froze stays frozen
            gc.unfreeze()


_PAIRS_A_JOB = 20_000  # fewer pairs than this are not worth a worker process


class _Counted:
    """Pairs compared so far, reported as the `VERIFYING` stage."""

    def __init__(self, total: int) -> None:
        self.total, self.done = total, 0
        report(VERIFYING, 0, total)

    def add(self, n: int) -> None:
        self.at(self.done + n)

    def at(self, done: int) -> None:
        if done != self.done:
            self.done = done
            report(VERIFYING, done, self.total)


def _verify_part(store: Store, ids: list[int], a: np.ndarray, b: np.ndarray, t: Thresholds,
                 held: int, done: Callable[[int], object], words: np.ndarray,
                 gated: bool = False) -> list[tuple[int, int, str]]:
    def items_of(rs: Sequence[int]) -> dict[int, Item]:
        row_of = {ids[r]: r for r in rs}
        return {row_of[c.clip_id]: clip_item(c) for c in rows.clips_by_id(store, list(row_of))}

    out = []
    with _uncollected():
        found = verify_blocked(a, b, items_of, held, t, between=_release, versions_only=True,
                               done=done, gated=gated)
    for link, x, y in found:
        if link.match.kind == VERSION and ((word_match(link.match) and close_in_time(x, y, t))
                                           or not _by_words(ids, words, link)):
            change = describe_change(x.text, y.text)
            if not change.empty:
                out.append((link.b, link.a, change.describe()))
    return out


def _by_words(ids: list[int], words: np.ndarray, link: Link) -> bool:
    """Whether the pair of `link` is one only word keys propose (`ids` sorted: row -> clip)."""
    x, y = sorted((bisect_left(ids, link.a), bisect_left(ids, link.b)))
    at = int(np.searchsorted(words, (x << 32) | y))
    return at < words.size and int(words[at]) == (x << 32) | y


# What the forked workers share (set before the fork; children inherit it, nothing is sent).
_SHARED: dict[str, Any] = {}


def _verify_forked(path: str, ids: list[int], a: np.ndarray, b: np.ndarray, t: Thresholds,
                   held: int, jobs: int, words: np.ndarray,
                   ) -> list[tuple[int, int, str]]:
    """`_verify_part` over `jobs` forked workers, each a run of earlier rows with as many
    pairs as the others and its own connection, after the gate let most pairs go (`_gate`);
    the parent reports their progress."""
    keep = _gate(path, ids, a, b, t, jobs)
    a, b = a[keep], b[keep]
    del keep
    _release()
    counted = _Counted(a.size)  # the pairs left (a stage of its own: the time left told)
    order = np.argsort(a, kind="stable")
    a, b = a[order], b[order]
    counter = _fork().Value("q", 0)
    _SHARED.update(path=path, ids=ids, a=a, b=b, t=t, held=held, counter=counter, words=words,
                   bounds=np.linspace(0, a.size, jobs + 1).astype(np.int64).tolist())
    workers: list[Forked] = []
    try:
        workers = [Forked(_worker_part, k) for k in range(jobs)]
        for worker in workers:
            while not worker.ready(1.0):
                counted.at(int(counter.value))
        parts = [worker.result() for worker in workers]
        counted.at(a.size)
    finally:
        for worker in workers:
            worker.end()
        _SHARED.clear()
    return [link for part in parts for link in part]


@contextlib.contextmanager
def worker_pool(store: Store) -> Iterator[_Workers | None]:
    """The forked workers `bulk_analysis` allows (None when it allows one process, or for a
    PostgreSQL journal, whose connection pool runs threads), for work that needs no
    connection; those still running at the end are stopped."""
    jobs = _options().jobs if store.dialect == "sqlite" else 1
    pool = _Workers(jobs, _options().free) if jobs > 1 else None
    try:
        yield pool
    finally:
        if pool is not None:
            pool.end()


def _map_part(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    return [fn(item) for item in items]


class _Workers:
    """`map` over `jobs` processes forked for each call (`Forked`, sharing its items by the
    fork): a worker that dies (killed, out of memory) is an error, where a pool's map waited
    for ever. While `free()` says no, a call runs in this process."""

    def __init__(self, jobs: int, free: Callable[[], bool] | None = None) -> None:
        self.jobs = jobs
        self.free = free
        self.running: list[Forked] = []

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        """`[fn(item) for item in items]`, each worker a run of them; raises the error of
        `fn`, or KirinukiError when a worker ended without a result."""
        return self.map_async(fn, items)()

    def map_async(self, fn: Callable[[Any], Any], items: Sequence[Any],
                  ) -> Callable[[], list[Any]]:
        """`map` started: returns what waits for its results."""
        if self.free is not None and not self.free():
            out = _map_part(fn, items)
            return lambda: out
        cut = [len(items) * k // self.jobs for k in range(self.jobs + 1)]
        workers = [Forked(_map_part, fn, items[cut[k]:cut[k + 1]]) for k in range(self.jobs)
                   if cut[k + 1] > cut[k]]
        self.running += workers

        def results() -> list[Any]:
            try:
                return [out for worker in workers for out in worker.result()]
            finally:
                for worker in workers:
                    worker.end()
                    self.running.remove(worker)

        return results

    def end(self) -> None:
        """Stop the workers still running (their caller is failing) and join them."""
        for worker in self.running:
            worker.end()
        self.running.clear()


def _worker_init(parent: int) -> None:
    """In a worker: end with the parent (Linux), rather than verify on for no one."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


def _worker_part(k: int) -> list[tuple[int, int, str]]:
    """One worker's share of the pairs, read through a connection of its own."""
    lo, hi = _SHARED["bounds"][k], _SHARED["bounds"][k + 1]
    counter = _SHARED["counter"]

    def done(n: int) -> None:
        with counter.get_lock():
            counter.value += n

    store = open_store(_SHARED["path"])
    try:
        store.map_memory(False)
        return _verify_part(store, _SHARED["ids"], _SHARED["a"][lo:hi], _SHARED["b"][lo:hi],
                            _SHARED["t"], _SHARED["held"], done, _SHARED["words"], gated=True)
    finally:
        store.close()


_GATE_BATCH = 5_000  # clips a worker reads and prepares at once for the gate


def _gate(path: str, ids: list[int], a: np.ndarray, b: np.ndarray, t: Thresholds, jobs: int,
          ) -> np.ndarray:
    """Which pairs of rows (a[k], b[k]) `compare` has to see (`pairs.gate_pairs`): every
    clip paired is read and prepared once by `jobs` forked workers, for what the gate reads of
    it (~0.8 KB a clip), and the gate runs on every pair in as many workers, sharing that by
    the fork. Without it each worker prepared a clip once for each block of its pairs
    touching it: about 2 times a clip at 10k entries, 5 at 40k (docs/analysis.md)."""
    paired = sorted_unique(np.concatenate([a, b]))
    counter = _fork().Value("q", 0)
    try:
        with tempfile.TemporaryDirectory(prefix="kirinuki-gate-") as folder:
            _SHARED.update(path=path, ids=ids, rows=paired, counter=counter, folder=folder,
                           bounds=np.linspace(0, paired.size, jobs + 1).astype(np.int64).tolist())
            report(GATING, 0, paired.size)
            runs = _run_workers(_worker_features, jobs,
                                lambda: report(GATING, int(counter.value), paired.size))
            report(GATING, paired.size, paired.size)
            found = np.concatenate([run[0] for run in runs])
            features = Features.concat(_batches(folder, jobs), (
                found.size, sum(run[1] for run in runs), sum(run[2] for run in runs)))
        number = np.full(len(ids), -1, dtype=np.int64)
        number[found] = np.arange(found.size)
        del found
        counter.value = 0
        report(NARROWING, 0, a.size)
        _SHARED.update(features=features, number=number, a=a, b=b, t=t,
                       bounds=np.linspace(0, a.size, jobs + 1).astype(np.int64).tolist())
        keeps = _run_workers(_worker_gate, jobs,
                             lambda: report(NARROWING, int(counter.value), a.size))
        report(NARROWING, a.size, a.size)
        return np.concatenate(keeps)
    finally:
        _SHARED.clear()


def _run_workers(fn: Callable[[int], Any], jobs: int, poll: Callable[[], object]) -> list[Any]:
    """fn(k) for k < jobs, each in a forked process, `poll` called every second until all
    ended."""
    workers: list[Forked] = []
    try:
        workers = [Forked(fn, k) for k in range(jobs)]
        for worker in workers:
            while not worker.ready(1.0):
                poll()
        return [worker.result() for worker in workers]
    finally:
        for worker in workers:
            worker.end()


def _worker_features(k: int) -> tuple[np.ndarray, int, int]:
    """One worker's run of the paired rows: what the gate reads of their clips, a batch at a
    time, written to its file in `folder` as it goes (held until the end, two workers' halves
    and their pickles were more than the memory target at 100k entries); returns the rows
    found, in order, and the sentences and bigram hashes written."""
    lo, hi = _SHARED["bounds"][k], _SHARED["bounds"][k + 1]
    ids, counter = _SHARED["ids"], _SHARED["counter"]
    store = open_store(_SHARED["path"])
    found: list[int] = []
    sentences = grams = 0
    try:
        store.map_memory(False)
        with _uncollected(), open(os.path.join(_SHARED["folder"], str(k)), "wb") as out:
            for s in range(lo, hi, _GATE_BATCH):
                batch = _SHARED["rows"][s:min(hi, s + _GATE_BATCH)].tolist()
                row_of = {ids[r]: r for r in batch}
                items = {row_of[c.clip_id]: clip_item(c)
                         for c in rows.clips_by_id(store, list(row_of))}
                f = gate_features(items)
                del items
                found += f.slot
                f.slot = {}
                sentences, grams = sentences + f.size.size, grams + f.grams.size
                pickle.dump(f, out, protocol=pickle.HIGHEST_PROTOCOL)
                with counter.get_lock():
                    counter.value += len(batch)
    finally:
        store.close()
    return np.asarray(found, dtype=np.int64), sentences, grams


def _batches(folder: str, jobs: int) -> Iterator[Features]:
    """The batches the workers of `_worker_features` wrote, in the order of their rows."""
    for k in range(jobs):
        with open(os.path.join(folder, str(k)), "rb") as f:
            while True:
                try:
                    yield pickle.load(f)  # noqa: S301 - written by our own workers
                except EOFError:
                    break


def _worker_gate(k: int) -> np.ndarray:
    """One worker's run of the pairs through the gate: which of them to compare."""
    lo, hi = _SHARED["bounds"][k], _SHARED["bounds"][k + 1]
    number, counter = _SHARED["number"], _SHARED["counter"]

    def done(n: int) -> None:
        with counter.get_lock():
            counter.value += n

    return gate_pairs(_SHARED["features"], number[_SHARED["a"][lo:hi]],
                      number[_SHARED["b"][lo:hi]], _SHARED["t"], done)


class Forked:
    """`fn(*args)` in a forked process (ending with this one), its result or its error sent
    back through a pipe: unlike a pool's task, whose worker may die unnoticed (killed, out
    of memory) and leave the pool waiting for ever, a process that ends without a result is
    an error here."""

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        fork = _fork()
        self.receive, send = fork.Pipe(duplex=False)
        self.process = fork.Process(target=_run_forked, daemon=True,
                                    args=(send, os.getpid(), fn, *args))
        with _inherited_frozen():
            self.process.start()
        send.close()

    def ready(self, timeout: float) -> bool:
        """Whether the result (or the end of the process) came within `timeout` seconds."""
        return bool(self.receive.poll(timeout))

    def result(self) -> Any:
        """The result (waiting for it); raises the process's error, or KirinukiError when it
        ended without a result."""
        try:
            ok, out = self.receive.recv()
        except EOFError:
            self.process.join()
            raise KirinukiError(
                "版の解析の処理が結果を返さずに終了しました (終了コード "
                f"{self.process.exitcode})。もう一度実行してください") from None
        if not ok:
            raise out
        return out

    def end(self) -> None:
        """Stop the process if it still runs, and join it."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.receive.close()


def _run_forked(send: Any, parent: int, fn: Callable[..., Any], *args: Any) -> None:
    """In the forked process: sends (True, `fn(*args)`) or (False, its error)."""
    _worker_init(parent)
    try:
        result: tuple[bool, Any] = (True, fn(*args))
    except Exception as exc:  # noqa: BLE001 - any error goes back to the parent
        result = (False, exc)
    try:
        send.send(result)
    except Exception as exc:  # noqa: BLE001 - an error that cannot be pickled
        send.send((False, KirinukiError(f"an analysis process failed: {exc!r}")))
    finally:
        send.close()


class Beside:
    """One forked process running `fn(*args)` beside this one (stages that need neither the
    version links nor this process's memory), with its progress relayed: `wait` reports what
    the process reported, as it runs, and returns its result or raises its error (a
    KirinukiError when it ended without one). `jobs`: the workers the process may fork
    (`bulk_analysis`) once this one waits for it: until then the cores are shared with this
    one's own workers."""

    def __init__(self, fn: Callable[..., Any], *args: Any, jobs: int = 1) -> None:
        # (stage number in `_STAGES` + 1, done, total) of the process's last report.
        self.shared = _fork().Array("q", 3)
        self.waiting = _fork().RawValue("b", 0)  # set by `wait`: the cores are free
        self.forked = Forked(_run_beside, self.shared, self.waiting, jobs, fn, *args)

    def wait(self) -> Any:
        """The process's result, reporting its progress until it ends."""
        self.waiting.value = 1
        try:
            while not self.forked.ready(_POLL):
                stage, done, total = self.shared[:]
                if stage:
                    report(_STAGES[stage - 1], done, total)
            return self.forked.result()
        finally:
            self.forked.end()

    def end(self) -> None:
        """Stop the process and join it (this process is failing)."""
        self.forked.end()


_POLL = 1.0  # seconds between two reads of the progress of the process beside
_STAGES = (SKETCHING, PAIRING, VERIFYING, STATEMENTS, FEATURES, SUGGESTIONS, GATING,
           NARROWING)


def _run_beside(shared: Any, waiting: Any, jobs: int, fn: Callable[..., Any], *args: Any,
                ) -> Any:
    """In the process beside: `fn(*args)` with its reports written where the parent reads,
    forking up to `jobs` workers once the parent waits for it."""

    def told(stage: str, done: int, total: int) -> None:
        shared[:] = [_STAGES.index(stage) + 1, done, total]

    # A daemonic process may fork no process of multiprocessing's; it ends with the parent
    # all the same (`_worker_init`), and so do its own workers with it.
    _fork().current_process().daemon = False
    with bulk_analysis(jobs, told, lambda: bool(waiting.value)):
        return fn(*args)
