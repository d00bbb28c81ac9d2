"""The clipper's workbench (the web composer): clip from a captured version, suggest tags,
rearrange groups, and notice when the journal changed.

Each function is one use-case and one transaction, built on `editing`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from kirinuki.errors import InputError, NotFoundError
from kirinuki.journal.capture import parse_tags, selector_for
from kirinuki.journal.core import Journal
from kirinuki.journal.editing import add_group
from kirinuki.journal.queries import get_entry
from kirinuki.model import ArticleVersion, Clip, Entry, Group, Item, TagLine
from kirinuki.store.sqlite import articles as article_rows
from kirinuki.store.sqlite import entries as entry_rows
from kirinuki.store.sqlite import feeds as feed_rows
from kirinuki.store.sqlite import tags as tag_rows
from kirinuki.text.cliptext import separate_footer
from kirinuki.text.normalize import fold

SUGGESTIONS = 12


@dataclass(frozen=True)
class TagSuggestion:
    """A tag the journal already has, with why it is suggested."""

    name: str
    score: int
    reason: str


def change_mark(journal: Journal) -> int:
    """A number that changes whenever another connection commits to the journal.

    The web app keeps one connection only for asking this, so every write (its own request
    threads', the CLI's) makes cached site data stale.
    """
    return journal.store.data_version()


def get_version(journal: Journal, version_id: int) -> ArticleVersion:
    """A captured article version. Raises NotFoundError."""
    version = article_rows.get_version(journal.store, version_id)
    if version is None:
        raise NotFoundError(f"no article version {version_id}")
    return version


def clip_version(journal: Journal, version_id: int, picks: list[int], tags: list[str],
                 entry: str | None = None) -> Entry:
    """Add paragraphs `picks` (0-based) of a captured version as one group closed by `tags`
    to `entry` (default: today's draft). Raises NotFoundError, InputError; stores nothing then.
    """
    version = get_version(journal, version_id)
    n = len(version.paragraphs)
    if not picks:
        raise InputError("no paragraph chosen; nothing clipped")
    bad = [p + 1 for p in picks if not 0 <= p < n]
    if bad:
        raise InputError(f"paragraph {bad[0]} does not exist (the article has 1-{n})")
    refs = parse_tags([t for t in tags if t.strip()])
    items: list[Item] = [Clip(text=version.paragraphs[i], article_version_id=version_id,
                              selector=selector_for(version.paragraphs, i))
                         for i in dict.fromkeys(sorted(picks))]
    group = Group(items=items, tag_lines=[TagLine(refs)] if refs else [])
    with journal.store.transaction():
        updated = add_group(journal, entry, group)
        if version.article_id is not None:
            feed_rows.mark_clipped(journal.store, version.article_id)
    return updated


def suggest_tags(journal: Journal, texts: list[str], site: str | None = None,
                 limit: int = SUGGESTIONS) -> list[TagSuggestion]:
    """Tags of the journal that fit clips `texts`: tags whose name occurs in the text, then
    tags used before with clips from the same site. Never a tag the journal does not have.
    """
    body = fold(" ".join(texts))
    scores: Counter[str] = Counter()
    reasons: dict[str, str] = {}
    for display, uses in tag_rows.tag_uses(journal.store):
        name = fold(str(display))
        if len(name) >= 2 and name in body:
            scores[str(display)] += 1000 + int(uses)
            reasons[str(display)] = "本文に出てくる"
    if site:
        for display, uses in tag_rows.tag_uses(journal.store, site):
            scores[str(display)] += int(uses)
            reasons.setdefault(str(display), "同じ出典の切り抜きに付けた")
    return [TagSuggestion(name, score, reasons[name])
            for name, score in scores.most_common(limit)]


def _find_group(entry: Entry, group_id: int) -> int:
    for i, g in enumerate(entry.groups):
        if g.id == group_id:
            return i
    raise NotFoundError(f"no group {group_id} in entry {entry.id}")


def _entry_of_group(journal: Journal, group_id: int) -> Entry:
    eid = entry_rows.entry_of_group(journal.store, group_id)
    if eid is None:
        raise NotFoundError(f"no group {group_id}")
    return get_entry(journal, eid)


def move_group(journal: Journal, group_id: int, step: int) -> Entry:
    """Move a group `step` places up (negative) or down within its entry. Raises NotFoundError."""
    with journal.store.transaction():
        entry = _entry_of_group(journal, group_id)
        i = _find_group(entry, group_id)
        j = max(0, min(len(entry.groups) - 1, i + step))
        group = entry.groups.pop(i)
        entry.groups.insert(j, group)
        separate_footer(entry)
        entry_rows.replace_entry(journal.store, entry, journal.now())
    return get_entry(journal, entry.id or 0)


def delete_group(journal: Journal, group_id: int) -> Entry:
    """Delete a group (its clips and tag lines). Raises NotFoundError."""
    with journal.store.transaction():
        entry = _entry_of_group(journal, group_id)
        entry.groups.pop(_find_group(entry, group_id))
        separate_footer(entry)
        entry_rows.replace_entry(journal.store, entry, journal.now())
    return get_entry(journal, entry.id or 0)


def move_group_to(journal: Journal, group_id: int, target: str) -> Entry:
    """Move a group to the end of another entry (`target`: id, permalink or "today").

    Returns the target entry. Raises NotFoundError, InputError when target is the same entry.
    """
    with journal.store.transaction():
        from_entry = _entry_of_group(journal, group_id)
        group = from_entry.groups.pop(_find_group(from_entry, group_id))
        # Fresh items (no ids): the target entry stores them as new rows.
        items = [replace(it, id=None) for it in group.items]
        dest = add_group(journal, target, Group(items, group.tag_lines))
        if dest.id == from_entry.id:
            raise InputError("the group is already in that entry")
        entry_rows.replace_entry(journal.store, from_entry, journal.now())
    return get_entry(journal, dest.id or 0)


def move_group_of_clip(journal: Journal, clip_id: int, target: str) -> Entry:
    """Move the group holding clip `clip_id` to the end of another entry (`move_group_to`).
    A saved edit form gives every group a new id but keeps clip ids, so the form names the
    group by its first clip. Raises NotFoundError, InputError (the same entry)."""
    with journal.store.transaction():
        eid = entry_rows.entry_of_clip(journal.store, clip_id)
        if eid is None:
            raise NotFoundError(f"no clip {clip_id}")
        entry = get_entry(journal, eid)
        group = next(g for g in entry.groups if any(c.id == clip_id for c in g.clips))
        return move_group_to(journal, group.id or 0, target)
