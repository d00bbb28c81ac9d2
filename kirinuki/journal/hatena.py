"""Hatena Blog round trip: importing and exporting Movable Type exports.

An import reads the export as a stream, so memory stays flat, and goes through the batching of
`importing` (one transaction with the rest of `kirinuki import`). An entry is identified by its
Hatena permalink and date: its key is `hatena:<BASENAME>`, and an entry already stored under the
same permalink and date counts as present, so re-importing an export, or importing a journal's
own export back, adds nothing. What cannot be read is reported by line number, never fatal.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from kirinuki.journal.core import Journal
from kirinuki.journal.exporting import write_atomic
from kirinuki.journal.importing import Batch, ImportSummary, Progress
from kirinuki.model import Article, ArticleVersion, Clip, Entry, Source
from kirinuki.store.sqlite import articles as article_rows
from kirinuki.store.sqlite import entries as entry_rows
from kirinuki.text.hatena_mt import MTProblem, mt_entry_to_entry, read_mt, render_mt_entry
from kirinuki.text.hatena_origin import category_problems, record_origin

CHECK_EVERY = 500
DEFAULT_AUTHOR = "kirinuki"


class _Lines:
    """The decoded lines of a file with the bytes read so far; bad UTF-8 becomes a problem."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path, self.problems, self.done = path, problems, 0

    def __iter__(self) -> Iterator[str]:
        with self.path.open("rb") as fh:
            for no, raw in enumerate(fh, 1):
                self.done += len(raw)
                try:
                    yield raw.decode("utf-8")
                except UnicodeDecodeError:
                    self.problems.append(f"{self.path}: line {no}: not UTF-8; bad bytes replaced")
                    yield raw.decode("utf-8", errors="replace")


class CitedArticles:
    """Turns the cited pages of quoted clips into article versions (the quoted paragraphs)."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.articles: dict[str, int] = {}

    def link(self, entry: Entry) -> None:
        runs: dict[tuple[str, str | None], list[Clip]] = {}
        for c in entry.clips:
            if c.citation is not None:
                runs.setdefault((c.citation.url, c.citation.title), []).append(c)
        for (url, title), clips in runs.items():
            store = self.journal.store
            aid = self.articles.get(url)
            if aid is None:
                site = urlsplit(url).hostname
                art = Article(url=url, source=Source(site=site) if site else None)
                aid = self.articles[url] = article_rows.article_id(store, art, self.journal.now())
            paragraphs = [c.text for c in clips]
            digest = hashlib.sha256("\n".join(paragraphs).encode("utf-8")).hexdigest()
            version = ArticleVersion(digest, entry.published or self.journal.now(), paragraphs,
                                     title=title)
            vid, _ = article_rows.add_version(store, aid, version)
            for c in clips:
                c.article_version_id = vid


class _MTImport:
    """Entries of one export waiting for the presence check, then handed to the batch."""

    def __init__(self, journal: Journal, batch: Batch) -> None:
        self.journal, self.batch = journal, batch
        self.pending: list[Entry] = []
        self.keys: set[str] = set()
        self.idents: set[tuple[str, datetime]] = set()
        self.cited = CitedArticles(journal)

    def add(self, entry: Entry) -> None:
        self.pending.append(entry)
        if len(self.pending) >= CHECK_EVERY:
            self.check()

    def _stored(self) -> None:
        """Remember the keys and (permalink, date) pairs stored for the pending entries."""
        keys = [e.key or "" for e in self.pending]
        keys += [f"{k}@{e.published:%Y%m%d%H%M%S}" for k, e in zip(keys, self.pending,
                                                                  strict=True)]
        links = [e.permalink or "" for e in self.pending]
        for column, values in (("key", keys), ("permalink", links)):
            for i in range(0, len(values), 400):
                chunk = values[i:i + 400]
                for key, link, published in entry_rows.stored_by(self.journal.store, column,
                                                                 chunk):
                    self.keys.add(key)
                    if link and published:
                        self.idents.add((link, datetime.fromisoformat(published)))

    def check(self) -> None:
        self._stored()
        summary = self.batch.summary
        for e in self.pending:
            assert e.permalink is not None and e.published is not None and e.key is not None
            ident = (e.permalink, e.published)
            if ident in self.idents:
                summary.entries_present += 1
                summary.clips_present += len(e.clips)
                continue
            if e.key in self.keys:  # a merged export reusing a BASENAME for another entry
                e.key = f"{e.key}@{e.published:%Y%m%d%H%M%S}"
            self.keys.add(e.key)
            self.idents.add(ident)
            self.cited.link(e)
            self.batch.add(e)
        self.pending = []


def import_mt(journal: Journal, path: Path, batch: Batch, progress: Progress | None) -> None:
    """Add the entries of the MT export `path` through `batch`; what cannot be read goes to
    `batch.summary.problems` with its line number. Runs in the caller's transaction."""
    summary: ImportSummary = batch.summary
    problems = summary.problems
    total = max(path.stat().st_size, 1)
    lines = _Lines(path, problems)
    work = _MTImport(journal, batch)
    for n, item in enumerate(read_mt(lines), 1):
        if isinstance(item, MTProblem):
            problems.append(f"{path}: {item}")
            continue
        problems.extend(f"{path}: {note}" for note in item.notes)
        entry = mt_entry_to_entry(item, journal.tz)
        if isinstance(entry, MTProblem):
            problems.append(f"{path}: {entry}")
            continue
        entry.key = "hatena:" + (entry.permalink or "").removeprefix("/entry/")
        problems.extend(f"{path}: line {item.line}: {p}"
                        for p in category_problems(entry.categories or []))
        # Renamed before the check for entries already stored, which compares permalinks.
        if batch.admit(entry, f"{path}: line {item.line}"):
            record_origin(entry)
            work.add(entry)
        if progress is not None and n % 200 == 0:
            progress(lines.done, total)
    work.check()
    batch.flush()
    if progress is not None:
        progress(total, total)


def _entries(journal: Journal) -> Iterator[Entry]:
    for eid in entry_rows.entry_ids(journal.store):
        entry = entry_rows.get_entry(journal.store, eid)
        if entry is not None:
            yield entry


def export_mt(journal: Journal, out: IO[str], author: str = DEFAULT_AUTHOR) -> int:
    """Write every entry, oldest first, as one MT export Hatena Blog can import; returns how
    many entries were written. AUTHOR is the account that last wrote the entry, `author`
    for an entry written by none."""
    n = 0
    for entry in _entries(journal):
        out.write(render_mt_entry(entry, journal.tz, entry.author or author))
        n += 1
    return n



def export_mt_file(journal: Journal, path: Path, author: str = DEFAULT_AUTHOR) -> int:
    """Write the MT export to `path` through a temporary file and a rename; returns the number
    of entries written."""
    buf = io.StringIO()
    n = export_mt(journal, buf, author)
    write_atomic(path, buf.getvalue().encode("utf-8"))
    return n
