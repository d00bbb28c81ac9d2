"""Persistence. `open_store` opens a journal file (or `:memory:`) and returns a `Store`.

Only `journal` imports this package; adapters go through `journal`.
"""

from kirinuki.store.sqlite import search as _search  # noqa: F401  (registers index hooks)
from kirinuki.store.sqlite.db import Store, open_store

__all__ = ["Store", "open_store"]
