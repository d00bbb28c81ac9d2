"""Process-level configuration: where the journal lives and environment switches."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_JOURNAL = "kirinuki.db"
JOURNAL_ENV = "KIRINUKI_JOURNAL"
ALLOW_PRIVATE_ENV = "KIRINUKI_ALLOW_PRIVATE"
DEFAULT_TIMEZONE = "Asia/Tokyo"


def journal_path(explicit: str | None = None) -> str:
    """The journal to open: the explicit argument, else $KIRINUKI_JOURNAL, else ./kirinuki.db."""
    if explicit:
        return explicit
    return os.environ.get(JOURNAL_ENV) or str(Path.cwd() / DEFAULT_JOURNAL)


def allow_private_from_env() -> bool:
    """True when KIRINUKI_ALLOW_PRIVATE=1 lets fetches reach private/loopback addresses."""
    return os.environ.get(ALLOW_PRIVATE_ENV, "") in {"1", "true", "yes"}
