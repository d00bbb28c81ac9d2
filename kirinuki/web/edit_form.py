"""The edit page's one form: reading what it posts, and the view it is drawn from (the stored
entry, or what was typed when saving failed, so nothing typed is lost).

The form lists its items in page order as hidden `item` fields: `g:ID` opens a group,
`c:ID` (a clip) and `r:ID` (a related link) belong to the group opened last. Moving an item on
the page (by keyboard, dragging, or the ↑↓ buttons, which also work without JavaScript as a
`move` of `c:ID:-1`) changes that order; saving sends it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kirinuki.errors import InputError
from kirinuki.journal.arranging import GroupForm, tag_field
from kirinuki.model import Clip, Entry

Ref = tuple[str, int]
MAX_ITEMS = 20_000  # an entry holds at most 10,000 clips (journal/importing.py)


def parse_ref(text: str) -> Ref:
    """`c:12` → ("c", 12). Raises InputError."""
    kind, _, num = text.partition(":")
    if kind not in ("g", "c", "r") or not (num.isascii() and num.isdigit()) or len(num) > 18:
        raise InputError(f"not an item of the form: {text[:20]!r}")
    return kind, int(num)


def apply_move(order: list[Ref], move: str) -> list[Ref]:
    """`order` after the move `KIND:ID:STEP` (STEP -1 or 1): a clip or related link swaps
    with its neighbour (crossing into the next group at a group's edge); a group moves past
    the neighbouring group with its items. Raises InputError."""
    head, _, step_text = move.rpartition(":")
    ref = parse_ref(head)
    if step_text not in ("-1", "1") or ref not in order:
        raise InputError("not a move of this form")
    step = int(step_text)
    if ref[0] != "g":
        i = order.index(ref)
        j = i + step
        if j < 0 or j >= len(order) or (j == 0 and order[0][0] == "g"):
            return order
        out = list(order)
        out[i], out[j] = out[j], out[i]
        return out
    blocks: list[list[Ref]] = []
    for r in order:
        if r[0] == "g" or not blocks:
            blocks.append([])
        blocks[-1].append(r)
    k = next(n for n, b in enumerate(blocks) if b[0] == ref)
    m = k + step
    if 0 <= m < len(blocks):
        blocks[k], blocks[m] = blocks[m], blocks[k]
    return [r for b in blocks for r in b]


@dataclass
class Posted:
    """What the edit form sent."""

    order: list[Ref]
    texts: dict[int, str]
    tags: dict[int, str]
    deleted: set[Ref]
    title: str
    when: str

    def groups(self) -> list[GroupForm]:
        """The groups in page order, for `arranging.arrange`. Raises InputError."""
        out: list[GroupForm] = []
        for kind, num in self.order:
            if kind == "g":
                out.append(GroupForm(num, [], self.tags.get(num, "")))
            elif not out:
                raise InputError("an item before the first group")
            else:
                out[-1].items.append((kind, num))
        return out


def read_form(form: Mapping[str, Any], items: Sequence[object],
              deleted: Sequence[object]) -> Posted:
    """The posted edit form (`form`: every field; `items`, `deleted`: the repeated ones).
    Raises InputError for a form this page did not make."""
    if len(items) > MAX_ITEMS or len(deleted) > MAX_ITEMS:
        raise InputError("too many items")
    order = [parse_ref(str(i)) for i in items]
    texts: dict[int, str] = {}
    tags: dict[int, str] = {}
    for kind, num in order:
        if kind == "c" and isinstance(form.get(f"text:{num}"), str):
            # A textarea sends CRLF and may add line ends at the edges: a paragraph is one line.
            texts[num] = str(form[f"text:{num}"]).strip("\r\n")
        if kind == "g" and isinstance(form.get(f"tags:{num}"), str):
            tags[num] = str(form[f"tags:{num}"])
    return Posted(order, texts, tags, {parse_ref(str(d)) for d in deleted},
                  str(form.get("title", "")), str(form.get("when", "")))


@dataclass
class ItemView:
    """A clip or related link as the form shows it."""

    kind: str  # "c" or "r"
    id: int
    text: str
    citation: Any = None
    deleted: bool = False
    problem: tuple[str, dict[str, object]] | None = None


@dataclass
class GroupView:
    """A group as the form shows it."""

    id: int
    items: list[ItemView] = field(default_factory=list)
    tags: str = ""
    problem: tuple[str, dict[str, object]] | None = None
    suggestions: list[Any] = field(default_factory=list)


def form_view(entry: Entry, posted: Posted | None = None,
              problems: Mapping[str, tuple[str, dict[str, object]]] | None = None,
              ) -> list[GroupView]:
    """The groups to draw: the stored entry's, or, after a failed save, the posted order,
    texts and tags with each problem beside its field."""
    problems = problems or {}
    stored: dict[Ref, ItemView] = {}
    groups: dict[int, GroupView] = {}
    for g in entry.groups:
        gid = g.id or 0
        groups[gid] = GroupView(gid, [], tag_field(g))
        for it in g.items:
            if isinstance(it, Clip):
                view = ItemView("c", it.id or 0, it.text, it.citation)
            else:
                view = ItemView("r", it.id or 0, it.url + (f" ({it.quote})" if it.quote else ""))
            stored[(view.kind, view.id)] = view
            groups[gid].items.append(view)
    if posted is None:
        return list(groups.values())
    out: list[GroupView] = []
    for kind, num in posted.order:
        if kind == "g" and num in groups:
            out.append(GroupView(num, [], posted.tags.get(num, groups[num].tags),
                                 problems.get(f"tags:{num}")))
        elif out and (kind, num) in stored:
            item = stored[(kind, num)]
            if kind == "c":
                item.text = posted.texts.get(num, item.text)
                item.problem = problems.get(f"clip:{num}")
            item.deleted = (kind, num) in posted.deleted
            out[-1].items.append(item)
    return out
