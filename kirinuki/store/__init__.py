"""Persistence. `open_store` opens a journal (a SQLite file, `:memory:`, or a PostgreSQL URL)
and returns a `Store`.

Only `journal` imports this package; adapters go through `journal`.
"""

from kirinuki.store.sqlite.db import Store
from kirinuki.store.sqlite.db import open_store as _open_sqlite


def is_url(path: str) -> bool:
    """Whether `path` names a PostgreSQL journal rather than a file."""
    return path.startswith(("postgresql://", "postgres://"))


def open_store(path: str, *, create: bool = False) -> Store:
    """Open the journal at `path` (see `store.sqlite.db.open_store` and
    `store.postgres.db.open_pg_store` for what each raises)."""
    if is_url(path):
        from kirinuki.store.postgres.db import open_pg_store

        return open_pg_store(path, create=create)
    return _open_sqlite(path, create=create)


__all__ = ["Store", "is_url", "open_store"]
