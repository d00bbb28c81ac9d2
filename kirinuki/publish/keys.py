"""What the signatures of the planned pages are built from, per entry: its fingerprint (what
changes whenever the entry does) and its links key (where its links to other entries lead and
what they show of them). Both come from the site context alone, never from clip text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kirinuki.journal.published import PublishedEntry
from kirinuki.publish import urls
from kirinuki.publish.context import SiteContext
from kirinuki.publish.views import entry_title


class LazyFingerprints(Sequence[str]):
    """`fingerprints(ctx)`, each made when first asked for: the web app plans one page at a
    time and reads a few of them (making them all took a pass over every entry)."""

    def __init__(self, ctx: SiteContext) -> None:
        self.ctx = ctx
        self._made: list[str | None] = [None] * len(ctx.entries)

    def __len__(self) -> int:
        return len(self._made)

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        fp = self._made[i]
        if fp is None:
            fp = self._made[i] = fingerprint(self.ctx.entries[i])
        return fp


def fingerprints(ctx: SiteContext) -> list[str]:
    """Per entry: `fingerprint`."""
    return [fingerprint(e) for e in ctx.entries]


def fingerprint(e: PublishedEntry) -> str:
    """What changes whenever the entry does (id, last change, permalink), or what it shows of
    its tags (their names, which make their addresses: a tag merged into another under a
    new name renames it in entries that were not rewritten)."""
    if not e.tags:
        return f"{e.id}:{e.stamp}:{e.permalink}"
    return f"{e.id}:{e.stamp}:{e.permalink}:" + "\x1f".join(d for _k, d in e.tags)


def links_key(ctx: SiteContext, e: PublishedEntry,
              target: Callable[[int | None], str] | None = None) -> str:
    """Where an entry's links to other entries lead now (its related links, version notes and
    suggestions: they change as other entries come and go), what they show of those entries
    (title, or date), and the version notes' changes (`target`: `_target` of a position,
    when the caller keeps them)."""
    show = target or (lambda pos: _target(ctx, pos))
    key = (" ".join(show(ctx.related_pos(u, t)) for u, t in e.related_links)
           if e.related_links else "")
    if e.versions:
        key += "\x1e" + " ".join(f"{c}>{show(ctx.pos.get(x))}>{ch}" for c, x, ch in e.versions)
    if e.suggested:
        key += "\x1d" + " ".join(f"{show(ctx.pos.get(x))}>{r}" for x, r in e.suggested)
    return key


class LinksKeys:
    """`links_key` of the entries of one context by position, with what a link to each
    entry shows made once (an entry is the target of several links; the plan, the scope and
    the manifest's entry records ask for the keys). The keys themselves are not kept: 46 MB
    at 100k entries, held through the whole build, for ~0.4 s of making them again."""

    def __init__(self, ctx: SiteContext) -> None:
        self.ctx = ctx
        self._targets: dict[int | None, str] = {}

    def __call__(self, pos: int) -> str:
        return links_key(self.ctx, self.ctx.entries[pos], self._target)

    def _target(self, pos: int | None) -> str:
        shown = self._targets.get(pos)
        if shown is None:
            shown = self._targets[pos] = _target(self.ctx, pos)
        return shown


def _target(ctx: SiteContext, pos: int | None) -> str:
    """What a link to the entry at `pos` shows: its address and its label (`views.link`)."""
    if pos is None:
        return ""
    e = ctx.entries[pos]
    return f"{urls.entry_url(e.permalink)}\x1f{entry_title(e)}"
