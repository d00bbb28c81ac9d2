"""A tag's story: the figures that changed across its entries and the speakers quoted under it,
from stored analysis results the owner has not hidden.

Figures come from the stored version links (`拘束: 3800人以上 → 4400人以上 (+600)`): the links
of one label that share clips make one series, oldest first. Speakers come from the stored
statements, which `catch_up_statements` finds group by group (a speaker carries over to the
next clips of its group) for the groups written since the last look. The owner hides a clip's
version note or its statements (`set_hidden`); a hide moves the entry's last-change stamp, so
the published pages showing it are rendered again.
"""

from __future__ import annotations

from dataclasses import dataclass

from kirinuki.analysis.figures import extract_figures
from kirinuki.analysis.statements import extract_statements
from kirinuki.errors import InputError, NotFoundError
from kirinuki.journal.core import Journal
from kirinuki.journal.versions_bulk import STATEMENTS, report, worker_pool
from kirinuki.store.sqlite import story as rows

HIDDEN_KINDS = rows.HIDDEN_KINDS
SPEAKERS = 10  # most quoted speakers a story shows
BATCH = 500  # groups read per step of the catch-up


def catch_up_statements(journal: Journal) -> int:
    """Find and keep the statements of every group written since the last look; how many
    groups were read. After a bulk import (a full first batch) in the workers that
    `versions_bulk.bulk_analysis` allows, if any."""
    done = 0
    with worker_pool(journal.store) as pool:
        while True:
            groups = rows.todo_groups(journal.store, BATCH)
            if not groups:
                return done
            report(STATEMENTS, done, 0)  # the first publish after an import: every group
            members: dict[int, list[tuple[int, str]]] = {}
            for gid, cid, text in rows.group_clips(journal.store, groups):
                members.setdefault(gid, []).append((cid, text))
            clips = list(members.values())
            if pool is not None and len(groups) == BATCH:  # one of many batches: in workers
                per_group = pool.map(group_statements, clips)
            else:
                per_group = [group_statements(c) for c in clips]
            found = [f for fs in per_group for f in fs]
            with journal.store.transaction():
                rows.put_statements(journal.store, groups,
                                    [c for cs in clips for c, _ in cs], found)
            done += len(groups)


def group_statements(clips: list[tuple[int, str]]) -> list[tuple[int, int, str, str, str]]:
    """(clip, its statement's number, speaker key, speaker, mode) of a group's (clip, text)."""
    found = []
    count: dict[int, int] = {}
    for s in extract_statements([t for _, t in clips]):
        cid = clips[s.paragraph][0]
        n = count[cid] = count.get(cid, 0) + 1
        found.append((cid, n, s.speaker_key, s.speaker, s.mode))
    return found


@dataclass(frozen=True)
class Hidden:
    """An analysis result the owner hid: the clip, what of it, its entry and text."""

    clip_id: int
    kind: str
    entry_id: int
    text: str


def set_hidden(journal: Journal, clip_id: int, kind: str, hidden: bool = True) -> bool:
    """Hide one kind of a clip's analysis results (`version`: its version note and its
    figures in tag stories; `statements`: its statements in tag stories) from the published
    site, or show them again; whether anything changed. Raises InputError for an unknown kind,
    NotFoundError for an unknown clip."""
    if kind not in HIDDEN_KINDS:
        raise InputError(f"unknown kind {kind!r} (version or statements)")
    with journal.store.transaction():
        changed = rows.set_hidden(journal.store, clip_id, kind, hidden) \
            if rows.touch_entry_of_clip(journal.store, clip_id, journal.now().isoformat()) \
            is not None else None
        if changed is None:
            raise NotFoundError(f"no clip {clip_id}")
    return changed


def hidden(journal: Journal, clip_ids: list[int] | None = None) -> list[Hidden]:
    """The hidden analysis results (of these clips), by clip."""
    return [Hidden(int(c), str(k), int(e), str(t))
            for c, k, e, t in rows.hidden_rows(journal.store, clip_ids)]


@dataclass(frozen=True)
class Point:
    """One value of a figure: the entry it was clipped in, as written, and its number."""

    entry_id: int
    surface: str
    value: float | None


@dataclass(frozen=True)
class Series:
    """A figure followed across entries (`死亡`: 120人 → 185人 → 240人), oldest first."""

    label: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Speaker:
    """A speaker quoted under a tag (its fullest written name) and how many statements."""

    name: str
    count: int


@dataclass(frozen=True)
class TagStory:
    """What a tag's page shows above its entries; empty when nothing is known."""

    series: tuple[Series, ...]
    speakers: tuple[Speaker, ...]

    @property
    def empty(self) -> bool:
        """Nothing to show."""
        return not self.series and not self.speakers


def _value(surface: str) -> float | None:
    found = extract_figures(surface)
    return float(found[0].value) if found else None


def _changes(change: str) -> list[tuple[str, str, str]]:
    """(label, old, new) of each figure of a stored change, the N-th figure of a label in one
    change told apart (`投票#2`); words and added or removed figures are left out."""
    out = []
    seen: dict[str, int] = {}
    for part in change.split("; "):
        label, sep, rest = part.partition(": ")
        old, arrow, new = rest.partition(" → ")
        if not sep or not arrow or label == "wording":
            continue
        new = new.rsplit(" (", 1)[0]
        n = seen[label] = seen.get(label, 0) + 1
        out.append((label if n == 1 else f"{label}#{n}", old, new))
    return out


def _series(links: list[tuple[int, int, str, int, int]], order: dict[int, int]) -> list[Series]:
    """Series from version links (clip, earlier clip, change, entry, earlier entry): links of
    one label joined by a clip they share; `order` ranks entries oldest first."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def root(x: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    points: dict[tuple[str, int], tuple[int, str]] = {}  # (label, clip) -> (entry, surface)
    for clip, earlier, change, entry, earlier_entry in links:
        for label, old, new in _changes(change):
            a, b = (label, earlier), (label, clip)
            points.setdefault(a, (earlier_entry, old))
            points[b] = (entry, new)
            parent[root(a)] = root(b)
    chains: dict[tuple[str, int], list[tuple[int, str]]] = {}
    for key, point in points.items():
        chains.setdefault(root(key), []).append(point)
    out = []
    for (label, _clip), members in chains.items():
        members.sort(key=lambda p: order.get(p[0], -1))
        shown: list[Point] = []
        for entry, surface in members:
            if shown and shown[-1].entry_id == entry:
                shown[-1] = Point(entry, surface, _value(surface))  # the entry's last word
            else:
                shown.append(Point(entry, surface, _value(surface)))
        if len(shown) > 1:
            out.append(Series(label.split("#")[0], tuple(shown)))
    out.sort(key=lambda s: (order.get(s.points[0].entry_id, -1), s.label))
    return out


def _speakers(found: list[tuple[str, str, int]]) -> list[Speaker]:
    names: dict[str, str] = {}
    counts: dict[str, int] = {}
    for key, name, n in found:
        counts[key] = counts.get(key, 0) + n
        # The longest spelling, ties to the first in code point order: not the first row, whose
        # order is the backend's (SQLite's UTF-16 text sorts otherwise than PostgreSQL's).
        old = names.get(key, "")
        if len(name) > len(old) or (len(name) == len(old) and name < old):
            names[key] = name
    ranked = sorted(counts, key=lambda k: (-counts[k], names[k]))
    return [Speaker(names[k], counts[k]) for k in ranked[:SPEAKERS]]


def tag_story(journal: Journal, tag_key: str, order: dict[int, int]) -> TagStory:
    """The story of the tag with this (folded) key from stored results not hidden; `order`
    ranks the published entries (entry id -> position, oldest first): links to an entry not
    in it are left out."""
    links = [(int(c), int(x), str(ch), int(e), int(xe))
             for c, x, ch, e, xe in rows.story_versions(journal.store, tag_key)
             if int(e) in order and int(xe) in order]
    found = [(str(k), str(s), int(n))
             for k, s, n in rows.story_speakers(journal.store, tag_key)]
    return TagStory(tuple(_series(links, order)), tuple(_speakers(found)))
