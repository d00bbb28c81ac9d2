"""Importing export records: a JSON Lines file (`kirinuki import x.jsonl`) or the records a
journal copy sends (`import_records`), into the batch of the import they belong to
(`importing.Batch`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kirinuki.errors import InputError
from kirinuki.journal.core import Journal, update_settings
from kirinuki.journal.serial import entry_from_record
from kirinuki.journal.settings import ignored_security_settings, imported_settings
from kirinuki.model import Article, ArticleVersion, Source
from kirinuki.store.sqlite import articles as article_rows
from kirinuki.store.sqlite.stats import journal_stats

if TYPE_CHECKING:  # importing builds on this module: the batch is only passed through
    from kirinuki.journal.importing import Batch, Progress

# A JSON Lines record is read whole: an entry at the limits of `importing` (MAX_TEXT_BYTES,
# MAX_ENTRY_CLIPS) fits several times over.
MAX_RECORD_BYTES = 64 * 1024 * 1024
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _jsonl_records(path: Path) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """(line number, bytes read so far, record) for each non-blank line of a JSON Lines file."""
    done = 0
    with path.open("rb") as fh:
        # readline with a limit: a file without line breaks is not read whole into memory.
        for lineno, raw in enumerate(iter(lambda: fh.readline(MAX_RECORD_BYTES + 1), b""), 1):
            done += len(raw)
            if len(raw) > MAX_RECORD_BYTES:
                raise InputError(f"{path}:{lineno}: a record over {MAX_RECORD_BYTES:,} bytes "
                                 "is too large")
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw.decode("utf-8"))
                if _SURROGATE_ESCAPE.search(raw):
                    # `\ud800` alone is valid JSON but not Unicode: it cannot be stored.
                    json.dumps(rec, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError as exc:
                raise InputError(f"{path}:{lineno}: a lone surrogate "
                                 f"({exc.object[exc.start]!r}) is not Unicode text") from exc
            except (UnicodeDecodeError, ValueError) as exc:
                raise InputError(f"{path}:{lineno}: not a JSON line ({exc})") from exc
            if not isinstance(rec, dict) or "type" not in rec:
                raise InputError(f"{path}:{lineno}: a record must be an object with a 'type'")
            yield lineno, done, rec


def _import_article(journal: Journal, rec: dict[str, Any]) -> None:
    src = rec.get("source")
    article = Article(
        url=str(rec["url"]),
        source=Source(site=src["site"], name=src.get("name")) if src else None,
        title=rec.get("title"),
    )
    aid = article_rows.article_id(journal.store, article, journal.now())
    for v in rec.get("versions") or []:
        version = ArticleVersion(
            content_hash=str(v["hash"]),
            fetched_at=datetime.fromisoformat(v["fetched_at"]),
            paragraphs=[str(p) for p in v["paragraphs"]],
            title=v.get("title"),
            published=datetime.fromisoformat(v["published"]) if v.get("published") else None,
            modified=datetime.fromisoformat(v["modified"]) if v.get("modified") else None,
            canonical_claim=str(v["canonical_claim"]) if v.get("canonical_claim") else None,
        )
        article_rows.add_version(journal.store, aid, version)


def import_jsonl(journal: Journal, path: Path, batch: Batch,
                 progress: Progress | None) -> None:
    """Import a JSON Lines export file, in the caller's transaction (`import_records`)."""
    import_records(journal, ((f"{path}:{lineno}", done, rec)
                             for lineno, done, rec in _jsonl_records(path)),
                   path.stat().st_size, batch, progress)


def import_records(journal: Journal, records: Iterator[tuple[str, int, dict[str, Any]]],
                   total: int, batch: Batch, progress: Progress | None) -> None:
    """Import export records given as (where, work done so far, record), in the caller's
    transaction; `total` is the work of them all (for `progress`). Raises InputError naming
    `where` for a malformed record."""
    fresh = journal_stats(journal.store).entries == 0

    def resolve(url: str, digest: str) -> int | None:
        return article_rows.version_by_ref(journal.store, url, digest)

    for n, (where, done, rec) in enumerate(records, 1):
        try:
            kind = rec["type"]
            if kind == "journal":
                # Settings come in only into an empty journal; security settings never do.
                batch.summary.problems += [
                    f"{where}: security setting {item} (set it with `kirinuki "
                    "settings set`)" for item in ignored_security_settings(journal, rec)]
                if fresh:
                    update_settings(journal, imported_settings(journal, rec))
            elif kind == "article":
                _import_article(journal, rec)
                batch.summary.articles += 1
            elif kind == "entry":
                batch.add(entry_from_record(rec, resolve), where)
            else:
                raise InputError(f"unknown record type {kind!r}")
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from exc
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{where}: malformed {rec.get('type')} record ({exc})") from exc
        if progress is not None and n % 200 == 0:
            progress(done, total)
    if progress is not None:
        progress(total, total)
