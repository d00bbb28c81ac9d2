"""Reading the journal for publishing: every published entry at once, whole entries in batches.

The publisher (and later the web app's listings) need the dates, permalinks and tags of every
published entry without loading their clips, then the clips of a few hundred entries at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from kirinuki.journal.core import Journal
from kirinuki.model import Entry
from kirinuki.store.sqlite import entry_loading
from kirinuki.store.sqlite import published as published_rows
from kirinuki.store.sqlite import trash as trash_rows
from kirinuki.store.sqlite.db import stored_time
from kirinuki.text.dates import MAX_YEAR, MIN_YEAR, usable_date
from kirinuki.text.permalinks import is_permalink, permalink_problem, shown


@dataclass(slots=True)
class PublishedEntry:
    """What listings, feeds and archives need of a published entry (no clip text).

    `published` is in the journal's time zone; `day` is the date as stored, which is what
    date filters of the search compare; `stamp` is the last change as stored. (Not frozen: building 100k frozen instances costs
    a tenth of a second more; treat it as read-only.)
    """

    id: int
    key: str
    permalink: str
    published: datetime
    updated: datetime
    title: str | None
    tags: tuple[tuple[str, str], ...]
    related_links: tuple[tuple[str, int | None], ...]
    day: str = ""
    stamp: str = ""
    versions: tuple[tuple[int, int, str], ...] = ()  # (clip id, earlier version's entry, change)
    suggested: tuple[tuple[int, str], ...] = ()  # (related earlier entry, reason), best first

    @property
    def tag_keys(self) -> tuple[str, ...]:
        """The keys of the entry's tags, in order of first use."""
        return tuple(k for k, _ in self.tags)


@dataclass(frozen=True, slots=True)
class ListingSummary:
    """What a listing page of the site shows of an entry: its first clip and clip count
    (not `model.EntrySummary`, the CLI's listing row)."""

    first_clip: str
    clips: int


def published_entries(journal: Journal, problems: list[str] | None = None,
                      ) -> list[PublishedEntry]:
    """Every dated published entry, oldest first (ties by id), dates in the journal's zone.

    An entry published without a permalink gets the Hatena-style one of its date (made unique
    with a `-N` suffix), the same one `set_status` would give it; so does one whose stored
    permalink breaks the rule of `text.permalinks` (stored before the rule, or written by
    hand). An entry whose date breaks the rule of `text.dates` is left out. Each of these
    adds a line naming the entry to `problems`: one bad row never takes the site down.
    """
    return published_entries_and_flag(journal, problems)[0]


def usable_row(permalink: object, published: object, updated: object) -> bool:
    """Whether a stored entry's permalink (or none) and dates follow the rules."""
    return (not permalink or is_permalink(permalink)) and usable_date(str(published)) \
        and usable_date(str(updated))


def _row_problem(ident: object, permalink: object, published: object, updated: object,
                fallback: str | None) -> str:
    """The line reporting a stored entry that breaks a rule (see `usable_row`)."""
    fix = f"; fix it with `kirinuki entries permalink {ident} NEW`"
    if not usable_date(str(published)) or not usable_date(str(updated)):
        bad = published if not usable_date(str(published)) else updated
        return (f"entry {ident}: its date {str(bad)[:40]!r} is outside the years "
                f"{MIN_YEAR}-{MAX_YEAR}; left out of the site")
    return (f"entry {ident}: its permalink {shown(str(permalink))} cannot be used "
            f"({permalink_problem(permalink)}); shown at {fallback}{fix}")


def published_entries_and_flag(journal: Journal, problems: list[str] | None = None,
                               versions: list[tuple[object, ...]] | None = None,
                               ) -> tuple[list[PublishedEntry], bool]:
    """`published_entries`, and whether every permalink was stored and usable (none made from
    a date, which depends on the other entries' permalinks: such a list cannot be updated
    entry by entry); `versions` is given the `versions_mark` of the notes read."""
    # Imported here: `published_mark` (a publish with nothing to do) needs none of them.
    from kirinuki.journal.analysis import catch_up_analysis, version_notes
    from kirinuki.journal.importing import permalink_for
    from kirinuki.journal.published_delta import versions_mark
    from kirinuki.journal.suggestions import stored_suggestions

    tz = journal.tz
    store = journal.store
    rows = published_rows.published_rows(store)
    bad = [r for r in rows if not usable_row(r[2], r[3], r[4])]
    if bad:
        odd = {r[0] for r in bad}
        rows = [r for r in rows if r[0] not in odd]
        for r in bad:
            if usable_date(str(r[3])) and usable_date(str(r[4])):
                rows.append((*r[:2], None, *r[3:]))
            elif problems is not None:
                problems.append(_row_problem(r[0], r[2], r[3], r[4], None))
    published = {r[0] for r in rows}
    names = {r[0]: (str(r[1]), str(r[2])) for r in published_rows.tag_rows(store)}
    tags: dict[int, dict[str, str]] = {}
    for eid, tid in published_rows.tag_use_rows(store):
        if eid in published:
            key, display = names[tid]
            tags.setdefault(eid, {}).setdefault(key, display)
    links: dict[int, list[tuple[str, int | None]]] = {}
    for eid, url, target in published_rows.published_link_rows(store):
        links.setdefault(int(eid), []).append((str(url), target))
    catch_up_analysis(journal)
    if versions is not None:
        versions.append(versions_mark(journal))  # before the notes: see `versions_mark`
    notes = version_notes(journal)
    suggested = stored_suggestions(journal)
    parse = stored_time
    dated = sorted((parse(r[3]), r[0], r) for r in rows)
    taken = {str(r[2]) for r in rows if r[2]}
    out: list[PublishedEntry] = []
    stored = all(r[2] for r in rows)
    odd_links = {r[0]: r[2] for r in bad if r[2]}
    for when, ident, (_, entry_key, permalink, when_text, updated, title) in dated:
        local = when.astimezone(tz)
        link = str(permalink) if permalink else _free(permalink_for(local, journal), taken)
        if ident in odd_links and problems is not None and usable_date(str(when_text)):
            problems.append(_row_problem(ident, odd_links[ident], when_text, updated, link))
        out.append(PublishedEntry(
            ident, entry_key, link, local, parse(updated), title or None,
            tuple(tags[ident].items()) if ident in tags else (),
            tuple(links[ident]) if ident in links else (),
            when_text[:10], updated,
            tuple((c, e, ch) for c, (e, ch) in notes[ident].items()) if ident in notes else (),
            suggested.get(ident, ()),
        ))
    return out, stored


def _free(base: str, taken: set[str]) -> str:
    link, n = base, 1
    while link in taken:
        n += 1
        link = f"{base}-{n}"
    taken.add(link)
    return link


def published_mark(journal: Journal) -> str:
    """A string that changes whenever what the published site shows of the journal may have
    changed (entries added, removed, edited, published or unpublished; tags renamed)."""
    return published_rows.published_mark(journal.store)


def tag_aliases(journal: Journal) -> dict[str, str]:
    """Alias key -> tag key: a tag written under an old name belongs to its renamed tag."""
    return {str(a): str(k) for a, k in published_rows.alias_rows(journal.store)}


def moved_permalinks(journal: Journal) -> dict[str, int]:
    """Old permalink -> entry id: the addresses published entries had before their date
    changed (the entry may have been unpublished since)."""
    return trash_rows.old_permalinks(journal.store)


def entry_batch(journal: Journal, ids: Iterable[int]) -> dict[int, Entry]:
    """The whole entries with these ids (clips with their sources), keyed by id."""
    return entry_loading.load_entries(journal.store, ids)


def entry_groups(journal: Journal, ids: Iterable[int]) -> dict[int, Entry]:
    """The entries with these ids with their groups alone (no other field but the id), keyed
    by id: what a tag page shows of them."""
    return entry_loading.load_groups(journal.store, ids)


def listing_summaries(journal: Journal, ids: Iterable[int]) -> dict[int, ListingSummary]:
    """First clip and clip count of each entry in `ids` (entries without clips are left out)."""
    return {
        int(eid): ListingSummary(str(text), int(n))
        for eid, text, n in published_rows.first_clip_rows(journal.store, ids)
    }


def entry_stamps_of(journal: Journal, ids: Iterable[int]) -> dict[int, str]:
    """The last change (as stored) of each of the entries `ids` that exists and is published."""
    return {int(r[0]): str(r[1]) for r in published_rows.stamp_rows(journal.store, ids)
            if r[2] == "published"}


@contextmanager
def one_state(journal: Journal) -> Iterator[None]:
    """Reads inside see one state of the journal (a read transaction), even while another
    process writes."""
    with published_rows.read_snapshot(journal.store):
        yield
