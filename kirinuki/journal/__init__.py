"""Use-cases: the only layer that composes store, text, capture and analysis.

Adapters (CLI, web, publisher) call the functions re-exported here. Only `core` is imported
with the package (opening a journal adds the store hooks every write needs); the other modules are
imported on first use, so that a command that only opens a journal (a publish with nothing to
do) does not load the analysis and the importers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kirinuki.journal.core import Journal, init_journal, open_journal, update_settings

if TYPE_CHECKING:
    from kirinuki.journal.exporting import entry_text, export_jsonl, export_text_folder
    from kirinuki.journal.importing import ImportSummary, import_paths
    from kirinuki.journal.queries import (
        get_entry,
        list_entries,
        resolve_entry_id,
        stats,
        tag_counts,
    )
    from kirinuki.journal.serial import entry_view

_LAZY = {
    "entry_text": "exporting", "export_jsonl": "exporting", "export_text_folder": "exporting",
    "ImportSummary": "importing", "import_paths": "importing",
    "get_entry": "queries", "list_entries": "queries", "resolve_entry_id": "queries",
    "stats": "queries", "tag_counts": "queries", "entry_view": "serial",
}

__all__ = [
    "ImportSummary",
    "Journal",
    "entry_text",
    "entry_view",
    "export_jsonl",
    "export_text_folder",
    "get_entry",
    "import_paths",
    "init_journal",
    "list_entries",
    "open_journal",
    "resolve_entry_id",
    "stats",
    "tag_counts",
    "update_settings",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kirinuki.journal' has no attribute {name!r}")
    return getattr(importlib.import_module(f"kirinuki.journal.{module}"), name)
