"""Clipped passages whose article changed after they were clipped, and articles that went away.

A clip quotes one version of an article. When a later version exists, the clipped paragraph
is looked up in the newest version through the paragraph diff (`capture.diff`): a paragraph
that reads differently now is a change (with the figures that changed, `拘束: 3800人以上 →
4400人以上 (+600)`), one that is no longer there a removal. An article whose last check found
it gone (404/410) is listed with its clips.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from kirinuki.analysis.versions import describe_change
from kirinuki.capture.diff import diff_versions
from kirinuki.errors import InputError
from kirinuki.journal.composing import WHEN_FORMAT, parse_when
from kirinuki.journal.core import Journal
from kirinuki.model import ArticleVersion
from kirinuki.store.sqlite import articles as article_rows
from kirinuki.store.sqlite import watch as watch_rows

__all__ = ["Changes", "ClipRef", "GoneArticle", "PassageChange", "find_changes",
           "parse_since"]

_AGO = re.compile(r"(\d{1,6})\s*([mhdw])")
_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1),
          "w": timedelta(weeks=1)}


def parse_since(text: str, journal: Journal) -> datetime:
    """The time `--since` names: a span back from now (`30m`, `24h`, `7d`, `2w`) or a time
    as `entries new --at` takes it (`YYYY-MM-DD [HH:MM]`). Raises InputError."""
    m = _AGO.fullmatch(text.strip().lower())
    if m is not None:
        return journal.now() - int(m.group(1)) * _UNITS[m.group(2)]
    try:
        return parse_when(text, journal)
    except InputError:
        raise InputError(f"--since {text!r}: give a span back from now (24h, 7d, 2w) or a "
                         f"date (\"{WHEN_FORMAT}\")") from None


@dataclass
class ClipRef:
    """A clip and the entry it is in."""

    clip_id: int
    entry_id: int
    text: str
    entry_title: str | None
    permalink: str | None
    published: bool


@dataclass
class PassageChange:
    """A clipped passage whose paragraph reads differently in the newest version."""

    clip: ClipRef
    article_id: int
    url: str
    title: str | None
    clipped_version: int  # version id the clip quotes
    new_version: int  # the newest version
    changed_at: datetime  # when a version first showed the change
    old: str  # the paragraph as clipped
    new: str | None  # the paragraph now; None when it was removed
    figures: list[str] = field(default_factory=list)  # `拘束: 3800人以上 → 4400人以上 (+600)`


@dataclass
class GoneArticle:
    """A watched article whose last check found it gone, with its clips."""

    article_id: int
    url: str
    title: str | None
    since: datetime
    status: int | None
    clips: list[ClipRef] = field(default_factory=list)


@dataclass
class Changes:
    """Everything `kirinuki changes` reports, newest first."""

    passages: list[PassageChange]
    gone: list[GoneArticle]

    @property
    def entry_ids(self) -> set[int]:
        """Entries holding a changed or vanished clip."""
        return ({p.clip.entry_id for p in self.passages}
                | {c.entry_id for g in self.gone for c in g.clips})


_CLIPS = """
SELECT c.id, g.entry_id, c.text, c.sel_exact, c.article_version_id, e.title, e.permalink,
       e.status
FROM clips c JOIN groups g ON g.id = c.group_id JOIN entries e ON e.id = g.entry_id
"""


# The columns of _CLIPS in order.
_ClipRecord = tuple[int, int, str, str | None, int | None, str | None, str | None, str]


def _ref(r: _ClipRecord) -> ClipRef:
    return ClipRef(int(r[0]), int(r[1]), str(r[2]), r[5], r[6], r[7] == "published")


def _paragraph_index(paragraphs: list[str], exact: str) -> int | None:
    for i, p in enumerate(paragraphs):
        if p == exact:
            return i
    return next((i for i, p in enumerate(paragraphs) if exact and exact in p), None)


def _now_reads(old: list[str], new: list[str], index: int) -> tuple[bool, str | None]:
    """Whether paragraph `index` of `old` reads the same in `new`, and how it reads there."""
    seen = -1
    for d in diff_versions(old, new):
        if d.old is None:
            continue
        seen += 1
        if seen == index:
            return d.kind == "same", d.new
    return False, None


def _passage(ref: ClipRef, exact: str, clipped: ArticleVersion,
             later: list[ArticleVersion]) -> tuple[datetime, str, str | None] | None:
    """(when it first changed, old paragraph, new paragraph) or None when unchanged."""
    index = _paragraph_index(clipped.paragraphs, exact)
    if index is None:
        return None
    same, now = _now_reads(clipped.paragraphs, later[-1].paragraphs, index)
    if same:
        return None
    for v in later:
        if not _now_reads(clipped.paragraphs, v.paragraphs, index)[0]:
            return v.fetched_at, clipped.paragraphs[index], now
    return None


def _passages(journal: Journal, since: datetime | None) -> list[PassageChange]:
    conn = journal.store.conn
    found: list[PassageChange] = []
    clips = conn.execute(
        _CLIPS + " WHERE c.article_version_id IN (SELECT v.id FROM article_versions v"
        " WHERE v.article_id IN (SELECT article_id FROM article_versions GROUP BY article_id"
        " HAVING count(*) > 1)) ORDER BY c.article_version_id, c.id").fetchall()
    by_article: dict[int, list[ArticleVersion]] = {}
    for r in clips:
        clipped = article_rows.get_version(journal.store, int(r[4]))
        if clipped is None or clipped.article_id is None:
            continue
        aid = clipped.article_id
        if aid not in by_article:
            art = article_rows.get_article_by_id(journal.store, aid)
            by_article[aid] = art.versions if art else []
        versions = by_article[aid]
        pos = next((i for i, v in enumerate(versions) if v.id == clipped.id), None)
        if pos is None or pos + 1 >= len(versions):
            continue
        ref = _ref(r)
        got = _passage(ref, str(r[3] or r[2]), clipped, versions[pos + 1:])
        if got is None or (since is not None and _utc(got[0]) < _utc(since)):
            continue
        at, old, new = got
        art_row = article_rows.article_by_id(journal.store, aid)
        figures = [f.describe() for f in describe_change(old, new).figures] if new else []
        found.append(PassageChange(ref, aid, art_row.url if art_row else "",
                                   art_row.title if art_row else None, clipped.id or 0,
                                   versions[-1].id or 0, at, old, new, figures))
    found.sort(key=lambda p: (_utc(p.changed_at), p.clip.clip_id), reverse=True)
    return found


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _gone(journal: Journal, since: datetime | None) -> list[GoneArticle]:
    store = journal.store
    out: list[GoneArticle] = []
    for aid, event in watch_rows.gone_articles(store):
        first = watch_rows.first_gone(store, aid) or event.at
        if since is not None and _utc(first) < _utc(since):
            continue
        art = article_rows.article_by_id(store, aid)
        clips = store.conn.execute(
            _CLIPS + " JOIN article_versions v ON v.id = c.article_version_id"
            " WHERE v.article_id = ? ORDER BY c.id", (aid,)).fetchall()
        out.append(GoneArticle(aid, art.url if art else "", art.title if art else None, first,
                               event.status, [_ref(r) for r in clips]))
    return out


def find_changes(journal: Journal, *, since: datetime | None = None) -> Changes:
    """Clipped passages changed after they were clipped, and clipped articles now gone,
    newest first; `since` keeps those noticed at or after that time."""
    return Changes(_passages(journal, since), _gone(journal, since))

