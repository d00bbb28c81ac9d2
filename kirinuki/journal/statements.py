"""Figures and statements of the journal's clips, with the clip and entry each comes from.

Statements (quotes and reported speech, `analysis.statements`) are found group by group, so a
speaker named in one clip carries over to the statements of the next clips of its group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kirinuki.analysis.figures import Figure, extract_figures
from kirinuki.analysis.speakers import speaker_key
from kirinuki.analysis.statements import (
    DIRECT,
    HEADLINE,
    MODES,
    REPORTED,
    Statement,
    extract_statements,
)
from kirinuki.errors import InputError
from kirinuki.journal.core import Journal
from kirinuki.journal.queries import resolve_entry_id
from kirinuki.store.sqlite import analysis as rows
from kirinuki.text.normalize import fold, tag_key


@dataclass
class ClipView:
    """A clip as analysis results show it."""

    clip_id: int
    entry_id: int
    permalink: str | None
    published: datetime | None
    text: str


@dataclass
class FigureView:
    """A figure with the clip and entry it was found in."""

    figure: Figure
    clip: ClipView


def _clips(journal: Journal, tag: str | None, entry_ref: str | None) -> list[rows.ClipRow]:
    if entry_ref is not None:
        return rows.clips_of_entries(journal.store, [resolve_entry_id(journal, entry_ref)])
    if tag is not None:
        key = tag_key(tag)
        if not key:
            raise InputError("an empty tag")
        return rows.clips_with_tag(journal.store, key)
    return list(rows.all_clips(journal.store))


def _clip_view(r: rows.ClipRow, permalinks: dict[int, str | None]) -> ClipView:
    return ClipView(r.clip_id, r.entry_id, permalinks.get(r.entry_id), r.published, r.text)


def _permalinks(journal: Journal) -> dict[int, str | None]:
    return {e.entry_id: e.permalink for e in rows.entry_rows(journal.store)}


def figures(journal: Journal, tag: str | None = None, entry_ref: str | None = None,
            limit: int = 0) -> list[FigureView]:
    """Figures of the journal's clips (of one tag or entry), oldest first; `limit` keeps the
    newest. Raises NotFoundError for an unknown entry."""
    links = _permalinks(journal)
    clips = _clips(journal, tag, entry_ref)
    if limit:
        clips = clips[-limit * 4:]  # a clip holds ~1–3 figures; trimmed exactly below
    out = [FigureView(f, _clip_view(r, links)) for r in clips for f in extract_figures(r.text)]
    return out[-limit:] if limit else out


@dataclass
class StatementView:
    """A statement with its normalised speaker, clip and entry."""

    statement: Statement
    speaker: str  # the fullest form of the speaker's name in the journal
    clip: ClipView

    @property
    def quote(self) -> Statement:
        """The statement (its older name: quotes were the only statements)."""
        return self.statement


QuoteView = StatementView


def _group_statements(clips: Sequence[rows.ClipRow]) -> list[tuple[Statement, rows.ClipRow]]:
    out: list[tuple[Statement, rows.ClipRow]] = []
    groups: dict[tuple[int, int], list[rows.ClipRow]] = {}
    for r in clips:
        groups.setdefault((r.entry_id, r.group_pos), []).append(r)
    for members in groups.values():
        members.sort(key=lambda r: r.pos)
        for s in extract_statements([m.text for m in members]):
            out.append((s, members[s.paragraph]))
    return out


def _names(found: Sequence[Statement]) -> dict[str, str]:
    """For each speaker key, the fullest form it was written in (`ブリンケン国務長官`)."""
    best: dict[str, str] = {}
    for s in found:
        if s.speaker_key and len(s.speaker) > len(best.get(s.speaker_key, "")):
            best[s.speaker_key] = s.speaker
    return best


def statements(journal: Journal, speaker: str | None = None, mode: str | None = None,
               entry_ref: str | None = None, tag: str | None = None, limit: int = 0,
               ) -> list[StatementView]:
    """Statements with their speakers, oldest first; `speaker` matches a normalised speaker
    (`ブリンケン長官` finds `ブリンケン国務長官`) or part of a name; `mode` is `direct` (quotes,
    headlines included), `headline` or `reported`. Raises NotFoundError for an unknown entry,
    InputError for an unknown mode or an empty tag."""
    if mode is not None and mode not in MODES:
        raise InputError(f"unknown mode {mode!r} (direct, headline or reported)")
    links = _permalinks(journal)
    found = _group_statements(_clips(journal, tag, entry_ref))
    if mode is not None:
        wanted = {DIRECT, HEADLINE} if mode == DIRECT else {mode}
        found = [(s, r) for s, r in found if s.mode in wanted]
    names = _names([s for s, _ in found])
    if speaker:
        key, part = speaker_key(speaker), fold(speaker.strip())
        found = [(s, r) for s, r in found if s.speaker_key == key
                 or (part and part in fold(names.get(s.speaker_key, s.speaker)))]
    out = [StatementView(s, names.get(s.speaker_key, s.speaker), _clip_view(r, links))
           for s, r in found]
    return out[-limit:] if limit else out


def quotes(journal: Journal, speaker: str | None = None, entry_ref: str | None = None,
           tag: str | None = None, limit: int = 0) -> list[StatementView]:
    """Quoted statements only (direct and headline), as `statements`."""
    return statements(journal, speaker, DIRECT, entry_ref, tag, limit)


__all__ = ["REPORTED", "ClipView", "FigureView", "QuoteView", "StatementView", "figures",
           "quotes", "statements"]
