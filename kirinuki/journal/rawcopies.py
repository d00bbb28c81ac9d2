"""Raw copies of captured pages: kept under the journal's cap, described, exported as WARC.

Each new version keeps the response it was read from (`store/sqlite/rawcopies.py`); the
setting `capture.raw_copies` caps them per article when a version is stored: `all`, `first-last`
(the oldest raw copy still kept and the newest) or `none`. A dropped copy keeps its headers.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kirinuki import __version__
from kirinuki.capture.fetch import FetchResult
from kirinuki.capture.urls import normalize_url
from kirinuki.capture.warc import WarcOut
from kirinuki.errors import InputError, NotFoundError
from kirinuki.journal.core import Journal
from kirinuki.model import Article, ArticleVersion, RawCopy
from kirinuki.store.sqlite import articles as article_rows
from kirinuki.store.sqlite import rawcopies as raw_rows

NEVER_KEPT = "no raw copy (stored before raw copies were kept, or imported from JSON Lines)"


def keep_raw(journal: Journal, article_id: int, version_id: int, result: FetchResult) -> None:
    """Keep the response of a new version under the journal's cap (caller's transaction)."""
    store, cap = journal.store, journal.settings.raw_copies
    if cap != "none":
        raw_rows.add_raw_copy(store, version_id, RawCopy(
            url=result.url, status=result.status, reason=result.reason,
            http_version=result.http_version, headers=result.headers,
            request_headers=result.request_headers, body=result.content,
            body_size=len(result.content)))
    if cap == "all":
        return
    keep: set[int] = set()
    if cap == "first-last":
        ids = raw_rows.version_ids(store, article_id)  # oldest first
        states = raw_rows.raw_states(store, ids)
        held = [v for v in ids if v in states and states[v][2] is None]
        keep = {held[0], version_id} if held else {version_id}
    raw_rows.drop_bodies(store, article_id, keep, journal.now())


@dataclass(frozen=True)
class RawNote:
    """What a version keeps of its page: body bytes and bytes stored, or why nothing."""

    kept: bool
    body_bytes: int = 0
    stored_bytes: int = 0
    dropped: str | None = None

    def describe(self) -> str:
        """One line for `article show`."""
        if self.kept:
            return f"raw copy: {self.body_bytes:,} bytes ({self.stored_bytes:,} stored)"
        if self.dropped:
            return f"raw copy dropped {self.dropped[:10]} by the capture.raw_copies cap"
        return NEVER_KEPT

    def as_json(self) -> dict[str, object]:
        """The `raw_copy` field of `article show --json`."""
        state = "kept" if self.kept else "dropped" if self.dropped else "none"
        return {"state": state, "body_bytes": self.body_bytes,
                "stored_bytes": self.stored_bytes, "dropped": self.dropped}


def raw_notes(journal: Journal, versions: list[ArticleVersion]) -> list[RawNote]:
    """What each of `versions` keeps of its page, in the same order."""
    states = raw_rows.raw_states(journal.store, [v.id for v in versions if v.id is not None])
    notes = []
    for v in versions:
        s = states.get(v.id or 0)
        if s is None:
            notes.append(RawNote(False))
        else:
            notes.append(RawNote(s[2] is None, s[1], s[0], s[2]))
    return notes


def raw_copy(journal: Journal, version_id: int) -> RawCopy | None:
    """The raw copy of a version (its body None when dropped), or None when it never had one."""
    return raw_rows.get_raw_copy(journal.store, version_id)


@dataclass
class WarcExport:
    """What `export_warc` wrote."""

    articles: int = 0
    versions: int = 0
    records: int = 0
    without_raw: int = 0


def _articles(journal: Journal, urls: list[str] | None) -> Iterator[Article]:
    if urls is None:
        yield from article_rows.iter_articles(journal.store)
        return
    for target in urls:
        url = normalize_url(target)
        aid = article_rows.find_article_id(journal.store, url)
        article = article_rows.get_article_by_id(journal.store, aid) if aid is not None else None
        if article is None or not article.versions:
            raise NotFoundError(f"no captured article {url} (capture it with `kirinuki clip`)")
        yield article


def _metadata(a: Article, n: int, v: ArticleVersion, note: RawNote) -> list[tuple[str, str]]:
    fields = [("kirinuki-version", str(n)), ("fetched-at", v.fetched_at.isoformat()),
              ("content-hash", v.content_hash), ("title", v.title or a.title or "")]
    if v.published:
        fields.append(("published", v.published.isoformat()))
    if v.modified:
        fields.append(("modified", v.modified.isoformat()))
    if v.canonical_claim:
        fields.append(("canonical-claim", v.canonical_claim))
    fields.append(("raw-copy", "kept" if note.kept else note.describe()))
    return fields + [("paragraph", p) for p in v.paragraphs]


def export_warc(journal: Journal, path: str, urls: list[str] | None = None) -> WarcExport:
    """Write the versions of articles `urls` (every article when None) as WARC 1.1 to `path`
    (gzip per record); the file appears whole or not at all.

    Raises NotFoundError for an article never captured, InputError for an unwritable path.
    """
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{path}: is a folder; give a file name such as articles.warc.gz")
    # Named articles are looked up first, so an unknown URL fails before anything is written;
    # every article (`--all`) is read one at a time as it is written.
    articles = list(_articles(journal, urls)) if urls is not None else _articles(journal, None)
    report = WarcExport(records=1)  # the warcinfo record
    try:
        fd, tmp = tempfile.mkstemp(prefix=".kirinuki-", suffix=".warc.tmp",
                                   dir=str(target.parent or Path(".")))
    except OSError as exc:
        raise InputError(f"{path}: cannot write there ({exc.strerror})") from exc
    try:
        with os.fdopen(fd, "wb") as stream:
            out = WarcOut(stream, gzip=not path.endswith(".warc"))
            out.info(target.name, {"software": f"kirinuki/{__version__}",
                                   "format": "WARC File Format 1.1",
                                   "description": "article versions kept by a kirinuki journal"})
            for a in articles:
                notes = raw_notes(journal, a.versions)
                for n, (v, note) in enumerate(zip(a.versions, notes, strict=True), 1):
                    raw = raw_copy(journal, v.id) if note.kept and v.id is not None else None
                    report.records += out.version(a.url, v.fetched_at, raw,
                                                  _metadata(a, n, v, note))
                    report.versions += 1
                    report.without_raw += 0 if note.kept else 1
                report.articles += 1
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return report

