"""Exporting entries as clip text and the whole journal as JSON Lines.

Text exports are byte-exact renderings; file writes go to a temporary name first and are
renamed into place, so a reader never sees a half-written file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from kirinuki.errors import InputError
from kirinuki.journal.core import Journal
from kirinuki.journal.queries import get_entry
from kirinuki.journal.serial import entry_record
from kirinuki.journal.settings import SECURITY_FIELDS
from kirinuki.model import Entry
from kirinuki.store.sqlite import articles as article_rows
from kirinuki.store.sqlite import entries as entry_rows
from kirinuki.text.cliptext import render
from kirinuki.text.dates import in_zone


def entry_text(journal: Journal, ref: str) -> str:
    """The clip text of the entry `ref` (id or permalink). Raises NotFoundError."""
    return render(get_entry(journal, ref))


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def text_file_name(entry: Entry, journal: Journal) -> str:
    """The export file name of an entry: its date and time when dated (import reads it back)."""
    if entry.published is None:
        return f"entry-{entry.id}.txt"
    return in_zone(entry.published, journal.tz).strftime("%Y-%m-%d_%H%M%S") + ".txt"


def export_text_folder(journal: Journal, folder: Path) -> int:
    """Write one clip text file per entry into `folder`; returns how many were written."""
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: exists and is not a folder")
    used: set[str] = set()
    count = 0
    for eid in entry_rows.entry_ids(journal.store):
        entry = entry_rows.get_entry(journal.store, eid)
        assert entry is not None
        name = text_file_name(entry, journal)
        if name in used:
            name = name[:-4] + f"_{eid}.txt"
        used.add(name)
        write_atomic(folder / name, render(entry).encode("utf-8"))
        count += 1
    return count


def _version_refs(journal: Journal) -> dict[int, tuple[str, str]]:
    return article_rows.version_refs(journal.store)


def jsonl_records(journal: Journal) -> Iterator[dict[str, Any]]:
    """Every record of a JSON Lines export: the journal, its articles, its entries."""
    # Security settings belong to this installation, not to the journal's content.
    settings = {k: v for k, v in asdict(journal.settings).items() if k not in SECURITY_FIELDS}
    yield {"type": "journal", **settings}
    for art in article_rows.iter_articles(journal.store):
        yield {
            "type": "article",
            "url": art.url,
            "title": art.title,
            "source": {"site": art.source.site, "name": art.source.name} if art.source else None,
            "versions": [
                {"hash": v.content_hash, "fetched_at": v.fetched_at.isoformat(),
                 "title": v.title,
                 "published": v.published.isoformat() if v.published else None,
                 "modified": v.modified.isoformat() if v.modified else None,
                 "paragraphs": v.paragraphs,
                 **({"canonical_claim": v.canonical_claim} if v.canonical_claim else {})}
                for v in art.versions
            ],
        }
    refs = _version_refs(journal)
    for eid in entry_rows.entry_ids(journal.store):
        entry = entry_rows.get_entry(journal.store, eid)
        assert entry is not None
        yield entry_record(entry, refs)


def export_jsonl(journal: Journal, out: IO[bytes]) -> int:
    """Write the whole journal as JSON Lines to `out`; returns the number of records."""
    n = 0
    for rec in jsonl_records(journal):
        out.write(json.dumps(rec, ensure_ascii=False).encode("utf-8") + b"\n")
        n += 1
    return n
