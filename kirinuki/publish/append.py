"""The short path of a publish that only adds entries after the newest one: the site context
made from the snapshot of the last build (`snapshot.py`) and the new entries' rows, with the
scope found without looking at the other entries.

It holds when the journal is the one of the last build, in the same zone, with the same tags
(new ones may be added), every entry that was there has the stamp it had (so it was not edited,
published, unpublished or removed), no version note of a published entry moved, and the new
published entries sort after every other. Otherwise `follow` gives None and the publish takes
the ordinary path (`build.py`), which then writes a fresh snapshot.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kirinuki.journal import Journal
from kirinuki.journal.analysis import catch_up_analysis
from kirinuki.journal.published import PublishedEntry, moved_permalinks, tag_aliases
from kirinuki.journal.published_delta import (
    published_entries_of,
    stored_version_notes,
    version_notes_after,
    versions_mark,
)
from kirinuki.journal.sketch_cache import SketchCache, stamps_after
from kirinuki.journal.suggestions import stored_suggestions
from kirinuki.publish import urls
from kirinuki.publish.context import SiteContext, TagInfo
from kirinuki.publish.keys import fingerprint
from kirinuki.publish.snapshot import (
    CHUNK,
    P_CHUNKS,
    P_EVERY,
    P_PERMALINKS,
    P_POS,
    P_TABLES,
    STORY,
    TAIL_MAX,
    Base,
    Fingerprints,
    LastEntries,
    LazyEntries,
    LazyMap,
    entry_of,
    pack_base,
    pack_head,
    pack_stories,
    read_snapshot,
    row_of,
    state_blobs,
)
from kirinuki.publish.state import Blobs

VersionNotes = dict[int, tuple[tuple[int, int, str], ...]]
Stories = dict[str, tuple[Any, ...]]  # tag key -> `plan.StoryParts` as a tuple


@dataclass
class Followed:
    """The context of a publish on the short path, and what its snapshot is made from."""

    ctx: SiteContext
    fps: Fingerprints
    moved: list[int]  # positions of entries that were there and whose links key moved
    first_new: int  # position of the first new entry
    fresh: list[PublishedEntry]
    after: list[Any]  # the stamps of the entries after the base's
    ident: tuple[object, ...]
    head: dict[str, Any]
    base: Base
    tables: dict[str, Any]  # the base's tables brought up to date
    versions: tuple[object, ...]  # `versions_mark` when the notes were read


def new_token() -> str:
    """A build's token, recorded in the manifest and in the snapshot's head."""
    return os.urandom(8).hex()


def follow(journal: Journal, out_dir: str | Path, token: str | None, g: str, per_page: int,
           sketches: SketchCache) -> Followed | None:
    """The short path's context, or None when the snapshot cannot serve this publish."""
    read = read_snapshot(journal, out_dir, token)
    if read is None or read[0].get("g") != g or read[0].get("per_page") != per_page:
        return None
    head, base, ident = read
    # The entries of the base as they were (their summary checked, not each read), then the
    # stamps of those added since, each compared (ids are given in increasing order, so an
    # edit, a status change or a removal shows among the entries that were there).
    if base.seen is None:
        return None
    after = stamps_after(journal, base.seen)
    tail = head["every"]
    if after is None or after[: len(tail)] != tail:
        return None
    last_known = tail[-1][0] if tail else base.seen[0]  # the last entry that was there
    got = published_entries_of(journal, [r[0] for r in after[len(tail):] if r[2]], {})
    if got is None:
        return None
    fresh = sorted(got.values(), key=lambda e: (e.published, e.id))
    tz = journal.tz
    tail = [*(entry_of(r, tz) for r in head["rows"]), *fresh]
    entries = LazyEntries(lambda k: base.part(P_CHUNKS + k), base.count, tail, tz)
    first_new = len(entries) - len(fresh)
    if fresh and first_new:
        last = entries[first_new - 1]
        if (fresh[0].published, fresh[0].id) <= (last.published, last.id):
            return None
    tables = base.part(P_TABLES)
    pos = LazyMap(lambda: base.part(P_POS), {})
    by_permalink = LazyMap(lambda: base.part(P_PERMALINKS), {})
    tags: dict[str, tuple[str, list[int]]] = tables["tags"]
    days: dict[tuple[int, int, int], list[int]] = tables["days"]
    rel: dict[int, Any] = tables["rel"]
    old_notes: dict[int, Any] = tables["marks"]  # the stored key keeps its name (a state file)
    for i, e in enumerate(tail, base.count):
        pos[e.id] = i
        by_permalink[e.permalink.rstrip("/")] = e.id
        for key, display in e.tags:
            tags.setdefault(key, (display, []))[1].append(i)
        d = e.published
        days.setdefault((d.year, d.month, d.day), []).append(i)
    _links_of(tail[: first_new - base.count], base.count, rel, old_notes)
    # The version check reads them too (see published_delta): the base's as stored.
    sketches.stamps, sketches.prefix = after, (base.raw(P_EVERY), base.stamps)
    before = versions_mark(journal)
    caught = catch_up_analysis(journal, sketches)
    # Read before the notes: a mark older than the notes read only sends the next publish
    # the long way (it reads them all).
    versions = versions_mark(journal)
    where = pos.whole()
    # When the last build left the links as they were until now, only those of the new
    # entries' clips moved: the notes they lead from are read, the others are as stored.
    notes = None if head.get("versions") != before else version_notes_after(
        journal, last_known, before, versions)
    if notes is None:
        notes = stored_version_notes(journal)
        if {k: v for k, v in notes.items() if where.get(k, first_new) < first_new} \
                != old_notes:
            return None
    elif any(where.get(k, first_new) < first_new for k in notes):
        return None  # a note on an entry that was there: its page changes
    # The new entries' suggestions (found now, after their version links); an older entry
    # found again would need its page rewritten: the ordinary path does that.
    if caught.entries > len(fresh):
        return None
    suggested = stored_suggestions(journal, [e.id for e in fresh])
    for e in fresh:
        e.versions = notes.get(e.id, ())
        e.suggested = suggested.get(e.id, ())
    segments = urls.tag_segments({k: d for k, (d, _m) in tags.items()})
    ctx = SiteContext(journal.settings, entries, pos, by_permalink,  # type: ignore[arg-type]
                      {k: TagInfo(k, tags[k][0], segments[k], tags[k][1]) for k in sorted(tags)},
                      days, tag_aliases(journal), per_page, moved_permalinks(journal))
    fps = Fingerprints(entries, fingerprint)
    # An old entry's links key moves only when one of its links now leads to a new entry
    # (the others, and their positions and permalinks, are as they were): checked through the
    # positions alone, as making the entries to compare whole keys would read every chunk.
    # Only related links can: its version notes are the ones stored (checked above), which
    # lead to entries that were there.
    moved = [p for p, (links, _versions) in rel.items() if links and any(
        (q := ctx.related_pos(u, t)) is not None and q >= first_new for u, t in links)]
    _links_of(fresh, first_new, rel, old_notes)
    return Followed(ctx, fps, moved, first_new, fresh, after, ident, head, base, tables,
                    versions)


def _links_of(entries: Sequence[PublishedEntry], start: int, rel: dict[int, Any],
              notes: dict[int, Any]) -> None:
    """Add the related links (by position from `start`) and version notes (by id) of
    `entries` to the snapshot's tables."""
    for p, e in enumerate(entries, start):
        if e.related_links or e.versions:
            rel[p] = (e.related_links, e.versions)
            if e.versions:
                notes[e.id] = e.versions


def save_followed(out_dir: str | Path, token: str, f: Followed, stories: Stories) -> None:
    """The snapshot after a publish on the short path: the head extended (the base written
    again once the entries added since it pass `TAIL_MAX`), with the parts of the story keys
    made (`stories`)."""
    ctx, base, head = f.ctx, f.base, f.head
    rows = head["rows"] + [row_of(e) for e in f.fresh]
    if len(rows) <= TAIL_MAX:
        put(state_blobs(out_dir), {"snap.head": pack_head({
            "token": token, "base": base.id, "g": head["g"], "per_page": head["per_page"],
            "ident": f.ident, "every": f.after, "rows": rows,
            "versions": f.versions}),
            **pack_stories(base.id, stories)})
        return
    full = base.count // CHUNK
    chunks: list[bytes | list[Any]] = [base.raw(P_CHUNKS + k) for k in range(full)]
    entries = ctx.entries
    chunks += [[row_of(entries[i]) for i in range(k, min(k + CHUNK, len(entries)))]
               for k in range(full * CHUNK, len(entries), CHUNK)]
    assert isinstance(ctx.pos, LazyMap) and isinstance(ctx.by_permalink, LazyMap)
    tables = {**f.tables, "tags": {k: (t.display, t.members) for k, t in ctx.tags.items()},
              "days": ctx.days}
    every = [*marshal.loads(base.raw(P_EVERY)), *f.after]
    _write(out_dir, token, f.ident, head["g"], head["per_page"], every,
           ctx.pos.whole(), ctx.by_permalink.whole(), tables, chunks, len(entries), stories,
           f.versions)


def save_context(journal: Journal, out_dir: str | Path, token: str, ctx: SiteContext,
                 every: list[Any], ident: tuple[object, ...], g: str,
                 last: LastEntries | None, stories: Stories,
                 versions: tuple[object, ...] | None = None) -> None:
    """The snapshot of a site built on the ordinary path (`ctx` holds a list of entries;
    those made from the `last` snapshot keep the rows it stored, rather than making them
    again), with the parts of the story keys made (`stories`) and the `versions_mark` of
    the version notes its entries hold, when known (`versions`)."""
    if str(journal.store.path) == ":memory:":
        return
    entries = ctx.entries
    known = {e.id: e for e in last.entries} if last is not None else {}

    def row(e: PublishedEntry) -> Any:
        return last.row(e, known) if last is not None else row_of(e)

    rel: dict[int, Any] = {}
    notes: dict[int, Any] = {}
    _links_of(entries, 0, rel, notes)
    tables = {"tags": {k: (t.display, t.members) for k, t in ctx.tags.items()},
              "days": ctx.days, "rel": rel, "marks": notes}
    chunks: list[bytes | list[Any]] = [
        [row(e) for e in entries[k : k + CHUNK]] for k in range(0, len(entries), CHUNK)]
    _write(out_dir, token, ident, g, ctx.per_page, every, ctx.pos, ctx.by_permalink,
           tables, chunks, len(entries), stories, versions)


def _write(out_dir: str | Path, token: str, ident: tuple[object, ...], g: str, per_page: int,
           every: list[Any], pos: Any, by_permalink: Any,
           tables: dict[str, Any], chunks: list[bytes | list[Any]], count: int,
           stories: Stories, versions: tuple[object, ...] | None = None) -> None:
    base_id = new_token()
    blobs = pack_base(base_id, [every, pos if type(pos) is dict else dict(pos),
                                by_permalink if type(by_permalink) is dict
                                else dict(by_permalink), tables], chunks, count)
    blobs["snap.head"] = pack_head({"token": token, "base": base_id, "g": g,
                                    "per_page": per_page, "ident": ident, "every": [],
                                    "rows": [], "versions": versions})
    blobs.update(pack_stories(base_id, stories))
    put(state_blobs(out_dir), blobs, drop=("snap.", STORY))


def put(blobs: Blobs, items: dict[str, bytes],
        drop: str | tuple[str, ...] | None = None) -> None:
    """Store the snapshot's blobs, if the disk lets it: one that cannot be written leaves the
    last one, which names another build, so the next publish takes the ordinary path (a
    full disk costs some speed, not a traceback; the site's own files report the error)."""
    blobs.put(items, drop)
