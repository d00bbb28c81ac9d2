"""Groups of related clips: verify candidate pairs, link them oldest first, group the links.

`verify` compares candidate pairs (`duplicates.compare`; clips of one article, and updates
clipped within `Thresholds.update_days`), `group_links` joins the links into connected groups
with the change between consecutive versions, and `find_groups` does both over the LSH
candidates of a list of clips. Pure; never raises.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kirinuki.analysis.duplicates import (
    BACKGROUND,
    DEFAULT_THRESHOLDS,
    DUPLICATE,
    VERSION,
    Match,
    Prepared,
    Thresholds,
    compare,
    prepare,
)
from kirinuki.analysis.lsh import DEFAULT_PARAMS, DuplicateIndex, LshParams, sketch_texts
from kirinuki.analysis.versions import Change, describe_change


@dataclass(frozen=True)
class Item:
    """A clip as analysis sees it: id, text, when it was clipped, its article and entry."""

    id: int
    text: str
    when: datetime | None = None
    article: str | None = None
    entry: int | None = None
    pos: int = 0  # position in its entry, for ordering clips of one entry


OrderKey = tuple[bool, float, int, int]


def time_order(item: Item) -> OrderKey:
    """Sort key: dated clips by date, then undated ones; then entry position and id."""
    stamp = item.when.timestamp() if item.when is not None else 0.0
    return (item.when is None, stamp, item.pos, item.id)


@dataclass(frozen=True)
class Link:
    """Two related clips (`a` earlier than `b`) and how they relate."""

    a: int
    b: int
    match: Match


@dataclass
class DuplicateGroup:
    """Clips related by links, oldest first; `changes` between consecutive versions."""

    kind: str
    items: list[Item]
    links: list[Link]
    changes: list[tuple[int, int, Change]] = field(default_factory=list)

    @property
    def similarity(self) -> float:
        """The weakest link's similarity."""
        return min(link.match.similarity for link in self.links)

    @property
    def reason(self) -> str:
        """The group in words: what links it, in how many entries."""
        n = len({i.entry for i in self.items if i.entry is not None}) or len(self.items)
        entries = f"{n} entries" if n > 1 else "1 entry"
        reasons = sorted({link.match.reason for link in self.links})
        if self.kind == BACKGROUND:
            head = f"shared background in {entries}"
        elif self.kind == VERSION:
            head = f"{len(self.items)} versions"
        else:
            head = f"same passage clipped {len(self.items)} times"
        return f"{head} ({'; '.join(reasons)})"


def verify(items: Sequence[Item], pairs: Iterable[tuple[int, int]],
           t: Thresholds = DEFAULT_THRESHOLDS, versions_only: bool = False) -> list[Link]:
    """Compare the candidate pairs (indexes into `items`); the related ones as links
    (`versions_only`: the version links only, as `duplicates.compare` says)."""
    cache: dict[int, Prepared] = {}

    def prep(k: int) -> Prepared:
        p = cache.get(k)
        if p is None:
            p = cache[k] = prepare(items[k].text)
        return p

    links: list[Link] = []
    for i, j in pairs:
        link = relate(items[i], prep(i), items[j], prep(j), t, versions_only)
        if link is not None:
            links.append(link)
    return links


def relate(x: Item, px: Prepared, y: Item, py: Prepared,
           t: Thresholds = DEFAULT_THRESHOLDS, versions_only: bool = False,
           order: tuple[OrderKey, OrderKey] | None = None) -> Link | None:
    """The link between two clips (earlier one first) with their prepared texts, or None;
    `versions_only` as for `compare`; `order`: their `time_order` keys, when known."""
    kx, ky = order or (time_order(x), time_order(y))
    if ky < kx:
        x, px, y, py = y, py, x, px
    # Clips weeks apart are another development of the story, not an update of its lead.
    near = close_in_time(x, y, t)
    m = compare(px, py, same_article=x.article is not None and x.article == y.article, t=t,
                lead=near, versions_only=versions_only)
    return None if m is None else Link(x.id, y.id, m)


def find_links(items: Sequence[Item], t: Thresholds = DEFAULT_THRESHOLDS,
               params: LshParams = DEFAULT_PARAMS, per_item: int = 16) -> list[Link]:
    """Every related pair among `items`, through the LSH index (candidates, then `compare`)."""
    index = DuplicateIndex(params)
    index.add_many(sketch_texts([i.text for i in items], params))
    pairs, _ = index.candidate_pairs(min_estimate=t.candidate, per_row=per_item)
    shared = index.sentence_candidates(pairs)  # background only, as in a journal
    words = index.word_candidates(pairs, shared)  # reworded versions, as in a journal
    return verify(items, pairs.tolist(), t) + [
        link for link in verify(items, shared.tolist(), t) if link.match.kind != VERSION
    ] + word_links(items, words.tolist(), t)


def close_in_time(x: Item, y: Item, t: Thresholds = DEFAULT_THRESHOLDS) -> bool:
    """Whether two clips are at most `t.update_days` apart (or either has no date)."""
    return (x.when is None or y.when is None
            or abs((y.when - x.when).total_seconds()) <= t.update_days * 86400)


def word_match(m: Match | None) -> bool:
    """Whether a match found on a pair only word keys propose counts: any but a passage
    extended (it holds the whole shorter passage, which LSH or a shared sentence proposes;
    through a shared word alone it is other text around one name)."""
    return m is not None and not (m.kind == VERSION and m.reason.startswith("passage extended"))


def word_links(items: Sequence[Item], pairs: Iterable[tuple[int, int]],
               t: Thresholds = DEFAULT_THRESHOLDS, versions_only: bool = False) -> list[Link]:
    """The links of pairs only word keys propose (`word_match`; `versions_only` as for
    `verify`): only of clips close in time (`close_in_time`), as a name shared weeks apart
    is another development of a story, or another story."""
    near = [(i, j) for i, j in pairs if close_in_time(items[i], items[j], t)]
    return [link for link in verify(items, near, t, versions_only) if word_match(link.match)]


def _components(ids: Iterable[int], links: Sequence[Link]) -> list[list[int]]:
    parent = {i: i for i in ids}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for link in links:
        parent[root(link.a)] = root(link.b)
    groups: dict[int, list[int]] = {}
    for i in parent:
        groups.setdefault(root(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def group_links(items: Sequence[Item], links: Sequence[Link]) -> list[DuplicateGroup]:
    """Connected groups of linked clips, oldest first, with the changes between versions."""
    by_id = {i.id: i for i in items}
    involved = {x for link in links for x in (link.a, link.b)}
    out: list[DuplicateGroup] = []
    for ids in _components(involved, links):
        members = sorted((by_id[i] for i in ids), key=time_order)
        member_ids = set(ids)
        glinks = [lk for lk in links if lk.a in member_ids]
        kinds = {lk.match.kind for lk in glinks}
        kind = VERSION if VERSION in kinds else BACKGROUND if BACKGROUND in kinds else DUPLICATE
        group = DuplicateGroup(kind, members, glinks)
        if kind == VERSION:
            group.changes = _version_changes(members, glinks)
        out.append(group)
    out.sort(key=lambda g: time_order(g.items[-1]), reverse=True)
    return out


def _version_changes(members: list[Item], links: list[Link]) -> list[tuple[int, int, Change]]:
    """Changes between consecutive clips linked as versions or duplicates."""
    strong = {(lk.a, lk.b) for lk in links if lk.match.kind in (VERSION, DUPLICATE)}
    linked = {x for pair in strong for x in pair}
    chain = [m for m in members if m.id in linked]
    out: list[tuple[int, int, Change]] = []
    for x, y in zip(chain, chain[1:], strict=False):
        change = describe_change(x.text, y.text)
        if not change.empty:
            out.append((x.id, y.id, change))
    return out


def find_groups(items: Sequence[Item], t: Thresholds = DEFAULT_THRESHOLDS,
                params: LshParams = DEFAULT_PARAMS) -> list[DuplicateGroup]:
    """Groups of duplicates, versions and shared background among `items`, newest first."""
    return group_links(items, find_links(items, t, params))
