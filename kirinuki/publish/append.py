"""The short path of a publish that only adds entries after the newest one: the site context
made from the snapshot of the last build (`snapshot.py`) and the new entries' rows, with the
scope found without looking at the other entries.

It holds when the journal is the one of the last build, in the same zone, with the same tags
(new ones may be added), every entry that was there has the stamp it had (so it was not edited,
published, unpublished or removed), no version mark of a published entry moved, and the new
published entries sort after every other. Otherwise `follow` gives None and the publish takes
the ordinary path (`build.py`), which then writes a fresh snapshot.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kirinuki.journal import Journal
from kirinuki.journal.analysis import version_marks
from kirinuki.journal.site import PublishedEntry, tag_aliases
from kirinuki.journal.site_delta import published_entries_of
from kirinuki.journal.sketch_cache import SketchCache, entry_stamps
from kirinuki.publish import urls
from kirinuki.publish.context_cache import follows, identity
from kirinuki.publish.plan import fingerprint, links_key
from kirinuki.publish.site import SiteContext, TagInfo
from kirinuki.publish.snapshot import (
    CHUNK,
    TAIL_MAX,
    Base,
    LazyEntries,
    LazyMap,
    entry_of,
    head_path,
    read_base,
    read_head,
    row_of,
    snapshot_path,
    write_base,
    write_head,
)

Marks = dict[int, tuple[tuple[int, int, str], ...]]


@dataclass
class Followed:
    """The context of a publish on the short path, and what its snapshot is made from."""

    ctx: SiteContext
    fps: list[str]
    moved: list[int]  # positions of entries that were there and whose related key moved
    first_new: int  # position of the first new entry
    fresh: list[PublishedEntry]
    every: list[Any]
    marks: Marks
    ident: tuple[object, ...]
    head: dict[str, Any]
    base: Base
    base_stamps: int  # how many of `every` the base holds


def new_token() -> str:
    """A build's token, recorded in the manifest and in the snapshot's head."""
    return secrets.token_hex(8)


def follow(journal: Journal, out_dir: str | Path, token: str | None, g: str, per_page: int,
           sketches: SketchCache) -> Followed | None:
    """The short path's context, or None when the snapshot cannot serve this publish."""
    if not token or str(journal.store.path) == ":memory:":
        return None
    head = read_head(head_path(out_dir))
    if head is None or head.get("token") != token or head.get("g") != g \
            or head.get("per_page") != per_page:
        return None
    ident = identity(journal)
    if not follows(head["ident"], ident):
        return None
    base = read_base(snapshot_path(out_dir))
    if base is None or base.id != head["base"]:
        return None
    # The stamps of the entries as they were, then those added since (ids are given in
    # increasing order, so an edit, a status change or a removal shows in the first part).
    every = entry_stamps(journal)
    was = base.part(0) + head["every"]
    if every[: len(was)] != was:
        return None
    new_ids = [r[0] for r in every[len(was):] if r[2]]
    got = published_entries_of(journal, new_ids, {})
    if got is None:
        return None
    fresh = sorted(got.values(), key=lambda e: (e.published, e.id))
    tz = journal.tz
    tail = [*(entry_of(r, tz) for r in head["rows"]), *fresh]
    entries = LazyEntries(lambda k: base.part(4 + k), base.count, tail, tz)
    first_new = len(entries) - len(fresh)
    if fresh and first_new:
        last = entries[first_new - 1]
        if (fresh[0].published, fresh[0].id) <= (last.published, last.id):
            return None
    sketches.stamps = every  # the version check reads them too (see site_delta)
    marks = {eid: tuple((c, e, ch) for c, (e, ch) in m.items())
             for eid, m in version_marks(journal, sketches).items()}
    pos = LazyMap(lambda: base.part(2), head["pos"])
    if {k: v for k, v in marks.items() if k in pos} != head["marks"]:
        return None
    for e in fresh:
        e.versions = marks.get(e.id, ())
    by_permalink = LazyMap(lambda: base.part(3), head["bp"])
    displays = {k: d for k, (d, _m) in head["tags"].items()}
    members = {k: list(m) for k, (_d, m) in head["tags"].items()}
    days: dict[tuple[int, int, int], list[int]] = head["days"]
    for i, e in enumerate(fresh, first_new):
        urls.check_permalink(e.permalink, e.id)
        pos[e.id] = i
        by_permalink[e.permalink.rstrip("/")] = e.id
        for key, display in e.tags:
            displays.setdefault(key, display)
            members.setdefault(key, []).append(i)
        d = e.published
        days.setdefault((d.year, d.month, d.day), []).append(i)
    segments = urls.tag_segments(displays)
    tags = {k: TagInfo(k, displays[k], segments[k], members[k]) for k in sorted(displays)}
    ctx = SiteContext(journal.settings, entries, pos, by_permalink,  # type: ignore[arg-type]
                      tags, days, tag_aliases(journal), per_page)
    fps = base.part(1) + head["fps"] + [fingerprint(e) for e in fresh]
    # An old entry's related key moves only when one of its links now leads to a new entry
    # (the others, and their positions and permalinks, are as they were): checked through the
    # positions alone, as making the entries to compare whole keys read every chunk (0.3 s).
    moved = [p for p, (rel, ver, _key) in head["rel"].items()
             if any((q := ctx.related_pos(u, t)) is not None and q >= first_new for u, t in rel)
             or any(pos.get(x, -1) >= first_new for _c, x, _ch in ver)]
    return Followed(ctx, fps, moved, first_new, fresh, every, marks, ident, head, base,
                    len(was) - len(head["every"]))


def save_followed(out_dir: str | Path, token: str, f: Followed) -> None:
    """The snapshot after a publish on the short path: the head extended (the base written
    again once the entries added since it pass `TAIL_MAX`)."""
    ctx, base, head = f.ctx, f.base, f.head
    rel = dict(head["rel"])
    for p in f.moved:
        e = ctx.entries[p]
        rel[p] = (e.related, e.versions, links_key(ctx, e.related, e.versions))
    for p in range(f.first_new, len(ctx.entries)):
        e = ctx.entries[p]
        if e.related or e.versions:
            rel[p] = (e.related, e.versions, links_key(ctx, e.related, e.versions))
    marks = {k: v for k, v in f.marks.items() if k in ctx.pos}
    rows = head["rows"] + [row_of(e) for e in f.fresh]
    if len(rows) > TAIL_MAX:
        full = base.count // CHUNK
        chunks: list[bytes | list[Any]] = [base.raw(4 + k) for k in range(full)]
        entries = ctx.entries
        chunks += [[row_of(entries[i]) for i in range(k, min(k + CHUNK, len(entries)))]
                   for k in range(full * CHUNK, len(entries), CHUNK)]
        assert isinstance(ctx.pos, LazyMap) and isinstance(ctx.by_permalink, LazyMap)
        _write(out_dir, token, f.ident, head["g"], head["per_page"], f.every, f.fps,
               ctx.pos.whole(), ctx.by_permalink.whole(), chunks, len(entries), ctx, rel, marks)
        return
    assert isinstance(ctx.pos, LazyMap) and isinstance(ctx.by_permalink, LazyMap)
    write_head(head_path(out_dir), {
        **_tables(ctx, rel, marks), "token": token, "base": base.id, "g": head["g"],
        "per_page": head["per_page"], "ident": f.ident,
        "every": f.every[f.base_stamps:], "fps": f.fps[base.count:],
        "pos": ctx.pos.extra, "bp": ctx.by_permalink.extra, "rows": rows})


def save_context(journal: Journal, out_dir: str | Path, token: str, ctx: SiteContext,
                 fps: list[str], every: list[Any], ident: tuple[object, ...], g: str) -> None:
    """The snapshot of a site built on the ordinary path (`ctx` holds a list of entries)."""
    if str(journal.store.path) == ":memory:":
        return
    entries = ctx.entries
    rel = {}
    marks = {}
    for p, e in enumerate(entries):
        if e.related or e.versions:
            rel[p] = (e.related, e.versions, links_key(ctx, e.related, e.versions))
            if e.versions:
                marks[e.id] = e.versions
    chunks: list[bytes | list[Any]] = [
        [row_of(e) for e in entries[k : k + CHUNK]] for k in range(0, len(entries), CHUNK)]
    _write(out_dir, token, ident, g, ctx.per_page, every, fps, ctx.pos, ctx.by_permalink,
           chunks, len(entries), ctx, rel, marks)


def _write(out_dir: str | Path, token: str, ident: tuple[object, ...], g: str, per_page: int,
           every: list[Any], fps: list[str], pos: Any, by_permalink: Any,
           chunks: list[bytes | list[Any]], count: int, ctx: SiteContext,
           rel: dict[int, Any], marks: Marks) -> None:
    base_id = new_token()
    # The head goes first: a head naming a base not yet written is never followed.
    head = {**_tables(ctx, rel, marks), "token": token, "base": base_id, "g": g,
            "per_page": per_page, "ident": ident, "every": [], "fps": [], "pos": {}, "bp": {},
            "rows": []}
    write_head(head_path(out_dir), head)
    write_base(snapshot_path(out_dir), base_id, every, fps, pos, by_permalink, chunks, count)


def _tables(ctx: SiteContext, rel: dict[int, Any], marks: Marks) -> dict[str, Any]:
    return {"tags": {k: (t.display, t.members) for k, t in ctx.tags.items()},
            "days": ctx.days, "rel": rel, "marks": marks}
