"""Following the published site commit by commit: what changed since the last look, and the
listing data (`PublishedEntry`) of just those entries.

`site.published_entries` reads every published entry and first brings the version analysis up
to date (seconds on 100k entries after a write); the web app instead compares the entries'
change stamps and reads only what moved, with the version notes as stored (the analysis
catches up apart, and its links show when they are committed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from kirinuki.journal.analysis import catch_up_analysis, version_notes
from kirinuki.journal.core import Journal
from kirinuki.journal.published import PublishedEntry, usable_row
from kirinuki.journal.sketch_cache import SketchCache
from kirinuki.journal.suggestions import stored_suggestions
from kirinuki.store.sqlite import analysis as version_rows
from kirinuki.store.sqlite import published_delta as rows
from kirinuki.store.sqlite.db import stored_time
from kirinuki.text.dates import usable_date

VersionNotes = dict[int, tuple[tuple[int, int, str], ...]]


def published_stamps(journal: Journal) -> dict[int, str]:
    """Entry id -> last change stamp of every dated published entry (one read of them all)."""
    return {int(i): str(u) for i, u in rows.published_stamps(journal.store)}


def changed_stamps(journal: Journal, stamps: dict[int, str],
                   margin: timedelta = timedelta(hours=2)) -> dict[int, str]:
    """`stamps` (from `published_stamps`) brought up to date, reading only the entries
    changed within `margin` of the newest stamp in it (cheaper than reading them all; the
    margin covers a daylight-saving hour and a clock set back a little; right after an
    import every entry is that recent and this costs more than reading them all); the whole
    set again when the published entries' count or ids do not add up (an entry deleted)."""
    usable = [s for s in stamps.values() if usable_date(s)]  # year 9999 overflows below
    if not usable:
        return published_stamps(journal)
    top = stored_time(max(usable))
    since = (top - margin).astimezone(journal.tz).isoformat()
    out = dict(stamps)
    for ident, updated, published in rows.stamps_since(journal.store, since):
        i = int(ident)
        if published:
            out[i] = str(updated)
        else:
            out.pop(i, None)
    count, total = rows.published_summary(journal.store)
    if len(out) != count or sum(out) != total:
        return published_stamps(journal)
    return out


def versions_mark(journal: Journal) -> tuple[object, ...]:
    """Changes whenever a version link is added, removed or changed (cheap to read). Kept
    with notes, it is read before them: links added between the two reads then only move
    the mark again, and the notes are read whole the next time."""
    return tuple(rows.versions_mark(journal.store))


def tags_mark(journal: Journal) -> tuple[object, ...]:
    """Every tag alias, then every tag by id: a new tag adds to the end, a rename or merge
    changes what was there."""
    return tuple(rows.tags_mark(journal.store))


def stored_version_notes(journal: Journal) -> VersionNotes:
    """For each entry, its clips that update an earlier clip, as `PublishedEntry.versions`,
    from the links already stored (no analysis is run)."""
    return _notes(version_rows.version_rows(journal.store))


def version_notes_after(journal: Journal, after: int, before: tuple[object, ...],
                        now: tuple[object, ...]) -> VersionNotes | None:
    """`stored_version_notes` of the entries the links touching a clip of an entry whose id
    is above `after` lead from, when those links are all that changed between the
    `versions_mark` values `before` and `now` (the others' notes are as they were at
    `before`); else None (read them all)."""
    count, clips, earlier, length = rows.links_after_mark(journal.store, after)
    b = before
    if not (len(b) == len(now) == 6 and isinstance(b[0], int) and isinstance(b[1], float)
            and isinstance(b[2], float) and isinstance(b[3], float)):
        return None
    if (b[0] + count, b[1] + clips, b[2] + earlier, b[3] + length, *b[4:]) != now:
        return None
    return _notes(rows.version_rows_after(journal.store, after))


def _notes(found: Iterable[tuple[int, int, int, str]]) -> VersionNotes:
    out: dict[int, dict[int, tuple[int, str]]] = {}
    for eid, cid, earlier, change in found:
        out.setdefault(eid, {}).setdefault(cid, (earlier, change))
    return {eid: tuple((c, e, ch) for c, (e, ch) in m.items()) for eid, m in out.items()}


def entries_moved(before: Mapping[int, str], stamps: Mapping[int, str], notes_before: VersionNotes,
                  notes: VersionNotes) -> tuple[set[int], set[int]]:
    """The one comparison of a state with the journal now, for the publisher and the live
    site alike: (written, moved): the published entries (`stamps`, id -> change stamp) whose
    stamp differs from `before` (new ones included), and those with the ones whose version
    notes differ from `notes_before` (entries without notes are left out of both)."""
    written = {i for i, s in stamps.items() if before.get(i) != s}
    moved = set(written)
    if notes is not notes_before:
        moved.update(i for i in notes.keys() | notes_before.keys()
                     if i in stamps and notes.get(i, ()) != notes_before.get(i, ()))
    return written, moved


def published_entries_of(journal: Journal, ids: Iterable[int],
                         notes: VersionNotes) -> dict[int, PublishedEntry] | None:
    """The listing data of those of `ids` that are dated and published, as
    `site.published_entries` gives it; None when one has no permalink yet (its Hatena-style
    one depends on every other entry: read them all) or one breaks the rules (`usable_row`)."""
    ids = list(ids)
    if not ids:
        return {}
    tz = journal.tz
    store = journal.store
    names = {int(r[1]): (str(r[2]), str(r[3]))
             for r in rows.tags_mark(store) if r[0] == "t"}
    tags: dict[int, dict[str, str]] = {}
    for eid, tid in rows.tag_use_rows_of(store, ids):
        name, display = names[int(tid)]
        tags.setdefault(int(eid), {}).setdefault(name, display)
    links: dict[int, list[tuple[str, int | None]]] = {}
    for eid, url, target in rows.related_link_rows_of(store, ids):
        links.setdefault(int(eid), []).append((str(url), target))
    suggested = stored_suggestions(journal, ids)
    out: dict[int, PublishedEntry] = {}
    parse = _parse
    for ident, key, permalink, when, updated, title in rows.published_rows_of(store, ids):
        if not permalink or not usable_row(permalink, when, updated):
            return None  # `site.published_entries` places (or leaves out) and reports it
        i = int(ident)
        out[i] = PublishedEntry(
            i, str(key), str(permalink), parse(when).astimezone(tz), parse(updated),
            str(title) if title else None,
            tuple(tags[i].items()) if i in tags else (),
            tuple(links[i]) if i in links else (),
            str(when)[:10], str(updated), notes.get(i, ()), suggested.get(i, ()))
    return out


def published_entries_after(journal: Journal, known: list[PublishedEntry],
                            sketches: SketchCache | None = None,
                            versions: list[tuple[object, ...]] | None = None,
                            ) -> list[PublishedEntry] | None:
    """`site.published_entries` brought up from `known`, a list it gave earlier in which
    every permalink was stored and whose tags and aliases are unchanged (the caller compares
    `tags_mark`): only the stamps, the version notes (after the same catch-up of the
    analysis) and the rows of the entries that changed are read, not every entry; `sketches`
    serves the version check (`analysis.catch_up_versions`); `versions` is given the
    `versions_mark` of the notes read. None when a changed entry has no permalink yet."""
    if sketches is None:
        stamps = published_stamps(journal)
    else:  # one read of every entry's stamp serves both (the read is a large part of a publish)
        every = version_rows.entry_stamps(journal.store)
        stamps = {int(i): str(u) for i, u, p in every if p}
        sketches.stamps = every
    # Suggestions are found for a new state of an entry (its stamp moved: read below).
    catch_up_analysis(journal, sketches)
    if versions is not None:
        versions.append(versions_mark(journal))
    notes = {eid: tuple((c, e, ch) for c, (e, ch) in m.items())
             for eid, m in version_notes(journal).items()}
    _written, changed = entries_moved({e.id: e.stamp for e in known}, stamps,
                                      {e.id: e.versions for e in known if e.versions}, notes)
    fresh = published_entries_of(journal, changed, notes)
    if fresh is None:
        return None
    kept = [e for e in known if e.id in stamps and e.id not in changed]
    new = sorted(fresh.values(), key=_order)
    if kept and new and _order(new[0]) < _order(kept[-1]):
        return sorted(kept + new, key=_order)
    return kept + new


def _order(e: PublishedEntry) -> tuple[datetime, int]:
    return (e.published, e.id)


def _parse(text: object) -> datetime:
    return stored_time(text)
