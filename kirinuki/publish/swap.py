"""Putting a staged build in place (an atomic directory exchange) and removing the previous
site after it without making the command wait for that.

Deleting the old tree of a big site takes about as long as building the new one
(docs/publish.md, Measurements). A large old tree is therefore renamed aside at once and
removed in the background; a small one (tests, small journals) before publish returns.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess

BACKGROUND_MIN = 5000  # files in the old tree from which it is removed in the background


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return bool(fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0)


def trash_name(out: Path) -> Path:
    """A fresh name beside `out` for a tree to remove (never reused: two removals may overlap)."""
    return out.parent / f".{out.name}.trash.{os.getpid()}.{time.time_ns()}"


def leftovers(out: Path) -> list[Path]:
    """Trees set aside by earlier publishes whose removal did not finish (a killed `rm`)."""
    return sorted(out.parent.glob(f".{out.name}.trash.*"))


def discard(tree: Path, *, background: bool) -> subprocess.Popen[bytes] | None:
    """Remove `tree`: here, or in a detached process (returned; reaped by a daemon thread so
    that a long-lived caller such as the web app keeps no zombie)."""
    if not background:
        shutil.rmtree(tree, ignore_errors=True)
        return None
    import subprocess  # here: a publish that patches a few files starts no process

    try:
        proc = subprocess.Popen(["rm", "-rf", "--", str(tree)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
    except OSError:  # no `rm` on this system: remove it here
        shutil.rmtree(tree, ignore_errors=True)
        return None
    threading.Thread(target=proc.wait, name="publish-discard", daemon=True).start()
    return proc
