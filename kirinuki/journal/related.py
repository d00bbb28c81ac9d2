"""Related earlier entries: suggestions with reasons, and the user's pin / reject decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kirinuki.analysis.related import (
    PINNED,
    REJECTED,
    EntryFeatures,
    Rarity,
    Suggestion,
    add_known_places,
    features,
    known_places,
    suggest,
)
from kirinuki.errors import InputError
from kirinuki.journal.analysis import GroupView, duplicate_groups, links_of
from kirinuki.journal.core import Journal
from kirinuki.journal.queries import get_entry, resolve_entry_id
from kirinuki.model import Clip, Entry, Group, RelatedLink
from kirinuki.store.sqlite import analysis as rows
from kirinuki.store.sqlite import entries as entry_rows
from kirinuki.store.sqlite import story as story_rows
from kirinuki.store.sqlite import suggestions as suggestion_rows

RECENT = 300  # earlier entries always considered, besides those sharing a tag or a clip


@dataclass
class RelatedEntry:
    """A suggested earlier entry, ready to display."""

    entry_id: int
    permalink: str | None
    published: datetime | None
    title: str | None
    first_clip: str
    score: float
    reasons: list[str]
    decision: str
    reason: str = ""  # the reasons in one line of Japanese


def _candidates(eid: int, entries: list[rows.EntryRow], tags: dict[int, set[str]],
                also: set[int]) -> list[int]:
    """Entries worth scoring: sharing a tag or a clip, pinned, or among the recent ones."""
    mine = tags.get(eid, set())
    order = [e.entry_id for e in entries]
    at = order.index(eid)
    recent = set(order[max(0, at - RECENT):at])
    return [e for e in order if e != eid and (e in recent or e in also or tags.get(e, set()) & mine)]


def _features(journal: Journal, ids: list[int], entries: dict[int, rows.EntryRow],
              tags: dict[int, set[str]]) -> tuple[dict[int, EntryFeatures], dict[int, str]]:
    groups: dict[int, dict[int, list[str]]] = {}
    first: dict[int, str] = {}
    for r in rows.clips_of_entries(journal.store, ids):
        groups.setdefault(r.entry_id, {}).setdefault(r.group_pos, []).append(r.text)
        first.setdefault(r.entry_id, r.text)
    # The statements `catch_up_statements` stored are not extracted again.
    said = story_rows.said_in_groups(journal.store, ids)
    feats = {i: features(i, entries[i].published, tags.get(i, set()),
                         list(groups.get(i, {}).values()),
                         [said.get((i, pos)) for pos in groups.get(i, {})]) for i in ids}
    known = known_places(feats.values())
    for i, f in feats.items():
        add_known_places(f, (t for g in groups.get(i, {}).values() for t in g), known)
    return feats, first


def _rarity(feats: dict[int, EntryFeatures], tags: dict[int, set[str]], total: int) -> Rarity:
    rarity = Rarity.of(feats.values())
    rarity.entries = total
    for kind_key in [k for k in rarity.counts if k[0] == "tags"]:
        del rarity.counts[kind_key]
    for keys in tags.values():
        for k in keys:
            rarity.counts[("tags", k)] = rarity.counts.get(("tags", k), 0) + 1
    return rarity


def related_entries(journal: Journal, entry_ref: str, limit: int = 5,
                    groups: list[GroupView] | None = None) -> list[RelatedEntry]:
    """Earlier entries on the same story as `entry_ref`, best first, with reasons; pinned
    entries first, rejected ones never; `groups`: the entry's `duplicate_groups` when the
    caller has them. Raises NotFoundError for an unknown entry."""
    eid = resolve_entry_id(journal, entry_ref)
    entries = {e.entry_id: e for e in rows.entry_rows(journal.store)}
    by_key = {e.key: e.entry_id for e in entries.values()}
    decided = {by_key[k]: d for k, d in rows.decisions(journal.store, entries[eid].key).items()
               if k in by_key}
    similar: dict[int, list[tuple[str, str]]] = {}
    if groups is None:
        groups = duplicate_groups(journal, str(eid))
    for other, link, reason in links_of(groups, eid):
        similar.setdefault(other, []).append((link.match.kind, reason))
    tags = rows.entry_tags(journal.store)
    ids = _candidates(eid, list(entries.values()), tags, set(similar) | set(decided))
    feats, first = _features(journal, [eid, *ids], entries, tags)
    found: list[Suggestion] = suggest(
        feats[eid], [feats[i] for i in ids], similar=similar, decisions=decided,
        rarity=_rarity(feats, tags, len(entries)), limit=limit)
    return [RelatedEntry(s.entry_id, entries[s.entry_id].permalink, entries[s.entry_id].published,
                        entries[s.entry_id].title, first.get(s.entry_id, ""), s.score, s.reasons,
                        s.decision, s.reason) for s in found]


def decide_related(journal: Journal, entry_ref: str, other_ref: str, decision: str | None,
                   ) -> None:
    """Pin or reject `other_ref` as related to `entry_ref` (None forgets the decision).

    Raises NotFoundError for an unknown entry, InputError for a bad decision or one entry.
    """
    if decision not in (PINNED, REJECTED, None):
        raise InputError(f"unknown decision {decision!r} (pinned or rejected)")
    eid, oid = resolve_entry_id(journal, entry_ref), resolve_entry_id(journal, other_ref)
    if eid == oid:
        raise InputError("an entry cannot be related to itself")
    keys = {e.entry_id: e.key for e in rows.entry_rows(journal.store)}
    with journal.store.transaction():
        rows.decide(journal.store, keys[eid], keys[oid], decision, journal.now())
        _sync_link(journal, eid, oid, pinned=decision == PINNED)
        # The published page lists the entry's suggestions: it changed with the decision.
        suggestion_rows.touch(journal.store, eid, journal.now())


def _link_url(journal: Journal, other: Entry) -> str | None:
    host = journal.settings.canonical_host
    if other.permalink is None:
        return None
    return f"https://{host}{other.permalink}" if host else other.permalink


def _sync_link(journal: Journal, eid: int, oid: int, *, pinned: bool) -> None:
    """Keep the entry's related-link lines in step with a decision: a pinned entry gets a line
    (`https://<canonical host>/entry/…`) before the footer, so exports and the published page
    carry it; un-pinning removes the line that pinning added (imported lines stay)."""
    entry = get_entry(journal, eid)
    ours = [it for g in entry.groups for it in g.items
            if isinstance(it, RelatedLink) and it.target_entry_id == oid]
    if pinned and not ours:
        url = _link_url(journal, get_entry(journal, oid))
        if url is None:
            raise InputError("only a published entry (with a permalink) can be pinned")
        last = entry.groups[-1] if entry.groups else None
        if last is None or last.tag_lines or any(isinstance(i, Clip) for i in last.items):
            last = Group()
            entry.groups.append(last)
        if last.items:
            last.items[-1].blank_after = 0
        last.items.append(RelatedLink(url, blank_after=1 if entry.footer else 0,
                                      target_entry_id=oid))
    elif not pinned and ours:
        for g in entry.groups:
            g.items = [it for it in g.items if not (isinstance(it, RelatedLink)
                                                      and it.target_entry_id == oid)]
        entry.groups = [g for g in entry.groups if g.items or g.tag_lines]
    else:
        return
    entry_rows.replace_entry(journal.store, entry, journal.now())


def related_urls(journal: Journal, entry_ref: str, limit: int = 3) -> list[str]:
    """Absolute URLs of the suggested related entries (for the related-link lines of exports):
    pinned ones and the best others, on the journal's canonical host."""
    host = journal.settings.canonical_host
    return [f"https://{host}{r.permalink}" if host else r.permalink
            for r in related_entries(journal, entry_ref, limit) if r.permalink]
