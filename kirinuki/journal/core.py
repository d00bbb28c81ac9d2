"""Opening and creating journals; the `Journal` handle every use-case takes."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kirinuki.errors import InputError, JournalError
from kirinuki.model import Settings
from kirinuki.store import Store, is_url, open_store
from kirinuki.store.sqlite import hooks
from kirinuki.store.sqlite.db import Store as SqliteStore
from kirinuki.store.sqlite.db import database_error as database_error  # the CLI's too
from kirinuki.store.sqlite.settings import load_settings, save_settings
from kirinuki.text.cliptext import is_host_line


@dataclass
class Journal:
    """An open journal: its store and settings. Close it (or use `with`) when done."""

    store: Store
    settings: Settings
    clock: object = field(default=None, repr=False)

    @property
    def tz(self) -> tzinfo:
        """The journal's time zone."""
        return zone(self.settings.timezone)

    def now(self) -> datetime:
        """The current time in the journal's time zone."""
        return datetime.now(UTC).astimezone(self.tz)

    def close(self) -> None:
        """Close the underlying store."""
        self.store.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def zone(name: str) -> tzinfo:
    """The time zone called `name`; raises InputError for an unknown name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"unknown time zone {name!r}") from exc


def open_journal(path: str) -> Journal:
    """Open an existing journal. Raises JournalError / SchemaTooNewError."""
    try:
        store = open_store(path)
    except sqlite3.DatabaseError as exc:
        raise database_error(exc, path) from exc
    add_journal_hooks()
    try:
        return Journal(store, load_settings(store))
    except sqlite3.DatabaseError as exc:
        store.close()
        raise database_error(exc, path) from exc
    except (ValueError, TypeError) as exc:
        store.close()
        raise JournalError(f"{path}: the journal's settings are damaged ({exc}); run "
                           "`kirinuki check`") from exc


def clean_host(host: str) -> str:
    """A host name from `host` (a bare name or a URL); raises InputError when it is neither."""
    h = host.strip()
    for prefix in ("https://", "http://"):
        if h.startswith(prefix):
            h = h[len(prefix) :]
    h = h.rstrip("/")
    if not is_host_line(h):
        raise InputError(f"not a host name: {host!r}")
    return h.lower()


def init_journal(path: str, title: str | None = None, hosts: list[str] | None = None,
                 timezone: str | None = None) -> Journal:
    """Create a journal at `path`. Raises JournalError when a journal already exists there."""
    if path != ":memory:" and not is_url(path) and Path(path).exists():
        raise JournalError(f"{path}: already exists (remove it or choose another --journal)")
    clean = [clean_host(h) for h in hosts or []]
    settings = Settings(title=title or "kirinuki", hosts=clean)
    if timezone:
        zone(timezone)
        settings.timezone = timezone
    if clean:
        settings.header_links = [f"https://{h}" for h in clean[:2]]
        settings.footer = clean[-1]
    store = open_store(path, create=True)
    add_journal_hooks()
    save_settings(store, settings)
    return Journal(store, settings)


def reload_settings(journal: Journal) -> bool:
    """Read the journal's settings again (another process may have changed them); True when
    they differ from the ones `journal` held."""
    fresh = load_settings(journal.store)
    if fresh == journal.settings:
        return False
    journal.settings = fresh
    return True


def update_settings(journal: Journal, settings: Settings) -> None:
    """Replace the journal's settings."""
    save_settings(journal.store, settings)
    journal.settings = settings


def add_journal_hooks() -> None:
    """Make every entry write keep the duplicate index in step, whoever writes (called where
    a journal is opened or created; the store keeps its own derived data itself)."""
    hooks.add_hooks(_sketch_written, _sketch_removing)


# The analysis itself (NumPy, the rules) is imported when an entry is written, not by every
# command that opens a journal.
def _sketch_written(store: SqliteStore, entry_ids: list[int]) -> None:
    from kirinuki.journal.analysis import sketch_entries

    sketch_entries(store, entry_ids)


def _sketch_removing(store: SqliteStore, entry_ids: list[int]) -> None:
    from kirinuki.journal.analysis import forget_entries

    forget_entries(store, entry_ids)
