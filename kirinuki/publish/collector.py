"""How a publish uses Python's garbage collector: a build makes millions of small objects, and
the collector's default pace cost seconds of a full build (docs/publish.md, Measurements)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Phase 1 makes a few objects per entry and frees none: the garbage collector's passes
    over them are wasted. They are then frozen (left out of later passes, as the forked
    workers need anyway): re-enabling the collector over them would cost one full pass.
    `publish` unfreezes them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def young_collections(threshold: int) -> Iterator[None]:
    """Collect the youngest generation every `threshold` allocations instead of 700 while
    rendering: a page allocates thousands of container objects, and the frequent passes
    promoted them into older generations that later full passes walked again (measured
    again after views stopped referring to themselves: docs/publish.md, Measurements)."""
    before = gc.get_threshold()
    gc.set_threshold(threshold, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
