"""The writes of a bulk import sent on a thread of their own: the caller reads and splits the
next entries while the server stores the last ones, so the two overlap on two cores instead of
taking turns (docs/search.md "PostgreSQL", Imports). The writes keep their order (one thread);
the caller waits for them all before any other statement (`wait`), or does work of its own
meanwhile (`wait(idle)`). Raises, from `send` or `wait`, the first error of the writes sent,
once none of them is still running.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_all


class Sender:
    """Writes run in order on one thread; at most `ahead` of them wait to be run."""

    def __init__(self, ahead: int) -> None:
        self.ahead = ahead
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[Future[None]] = []

    @property
    def busy(self) -> bool:
        """Whether writes were sent that `wait` has not waited for."""
        return bool(self._pending)

    def send(self, write: Callable[[], None]) -> None:
        """Run `write` after the writes sent before it; when too many wait, wait for the
        oldest first (raising the first error, as `wait`)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="kirinuki-writes")
        if len(self._pending) >= self.ahead:
            oldest = self._pending[0]
            wait_all([oldest])
            if oldest.exception() is not None:
                self.wait()
            self._pending.pop(0)
        self._pending.append(self._pool.submit(write))

    def wait(self, idle: Callable[[], bool] | None = None) -> None:
        """Wait for every write sent; raise the first one's error, if any failed (the writes
        after a failed one fail too: the transaction is aborted). `idle`: called again and
        again while the writes run, until it returns False (it has nothing left to do)."""
        if idle is not None:
            while self._pending and not self._pending[-1].done() and idle():
                pass
        pending, self._pending = self._pending, []
        wait_all(pending)
        for future in pending:
            error = future.exception()
            if error is not None:
                raise error

    def close(self) -> None:
        """Wait for the writes sent, ignoring their errors, and end the thread."""
        pending, self._pending = self._pending, []
        wait_all(pending)
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
