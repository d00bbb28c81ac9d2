"""Use-cases: the only layer that composes store, text, capture and analysis.

Adapters (CLI, web, publisher) call the functions re-exported here.
"""

# Imported for its store hooks: clip sketches follow every entry write, whoever writes.
from kirinuki.journal import analysis as _analysis  # noqa: F401
from kirinuki.journal.core import Journal, init_journal, open_journal, update_settings
from kirinuki.journal.exporting import entry_text, export_jsonl, export_text_folder
from kirinuki.journal.importing import ImportSummary, import_paths
from kirinuki.journal.queries import get_entry, list_entries, resolve_entry_id, stats, tag_counts
from kirinuki.journal.serial import entry_view

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
