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


# The only spellings of "on" for a boolean switch; anything else (0, false, no, empty, a typo)
# is off, so a switch that lowers a guard is never turned on by accident.
TRUE_WORDS = frozenset({"1", "true", "yes"})


def env_flag(name: str) -> bool:
    """True when the environment variable `name` is `1`, `true` or `yes` (any case)."""
    return os.environ.get(name, "").lower() in TRUE_WORDS


def allow_private_from_env() -> bool:
    """True when KIRINUKI_ALLOW_PRIVATE lets fetches reach private/loopback addresses."""
    return env_flag(ALLOW_PRIVATE_ENV)
