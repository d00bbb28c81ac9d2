"""An entry rewritten from the edit page's one form: clip texts, the order of groups and of
the clips in them (clips may move between groups), each group's tags, clips deleted. One
transaction; what is left out goes to the trash; clip ids, article links and the layout of
what did not move are kept.

Problems are reported per field as codes (`FormError.problems`), so that the form can be shown
again with what was typed and a message beside each field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kirinuki.errors import InputError, KirinukiError
from kirinuki.journal.composing import set_entry
from kirinuki.journal.core import Journal
from kirinuki.journal.importing import check_entry_size
from kirinuki.journal.queries import get_entry
from kirinuki.journal.trash import trash_removed
from kirinuki.model import Clip, Entry, Group, Item, TagLine, TagRef
from kirinuki.store.sqlite import entries as entry_rows
from kirinuki.text.hashtags import split_tag_field, tag_line_text, tags_from_input
from kirinuki.text.spaces import SPACES, clip_text_problem


@dataclass
class GroupForm:
    """One group as the form sends it: its id, its items in order (`("c", clip id)` or
    `("r", related link id)`) and its tag field."""

    group_id: int
    items: list[tuple[str, int]] = field(default_factory=list)
    tags: str = ""


class FormError(InputError):
    """The form cannot be saved; `problems` maps a field (`clip:ID`, `tags:ID`, `form`) to a
    code (`clip_break`, `clip_blank`, `tag`, `stale`, `too_big`) and its values."""

    def __init__(self, problems: dict[str, tuple[str, dict[str, object]]]) -> None:
        super().__init__("; ".join(f"{k}: {code}" for k, (code, _) in problems.items()))
        self.problems = problems


def tag_field(group: Group) -> str:
    """The text of a group's tag field: its tag lines as written, one after another."""
    return " ".join(tag_line_text(line.tags, line.written).strip(SPACES)
                    for line in group.tag_lines)


def _tag_lines(group: Group, text: str) -> list[TagLine] | None:
    """The tag lines for the field `text`: the group's own when unchanged, else one line."""
    if text.strip(SPACES) == tag_field(group).strip(SPACES):
        return group.tag_lines
    tags: list[TagRef] = []
    for value in split_tag_field(text):
        try:
            tags += tags_from_input(value)
        except InputError:
            return None
    return [TagLine(tags)] if tags else []


def _clip_problem(text: str) -> str | None:
    problem = clip_text_problem(text)
    if problem is None:
        return None
    return "clip_break" if "line break" in problem else "clip_blank"


def arrange(journal: Journal, entry_id: int, groups: list[GroupForm], texts: dict[int, str],
            deleted: set[tuple[str, int]], *, revision: int | None = None,
            title: str | None = None, at: datetime | None = None) -> Entry:
    """Rewrite entry `entry_id` from the form (see the module's note), with its title and
    date when given (`composing.set_entry`), in one transaction. `deleted` holds refs like
    the items'. Raises FormError (nothing written), NotFoundError, StaleRevisionError when
    the entry is no longer at `revision` (its revision when the form was made)."""
    with journal.store.transaction():
        _arrange(journal, entry_id, groups, texts, deleted, revision)
        if title is not None or at is not None:
            set_entry(journal, str(entry_id), title=title, at=at)
    return get_entry(journal, entry_id)


def _arrange(journal: Journal, entry_id: int, groups: list[GroupForm], texts: dict[int, str],
             deleted: set[tuple[str, int]], revision: int | None) -> None:
    before = get_entry(journal, entry_id)
    entry_rows.check_revision(entry_id, revision, before.revision)
    entry = get_entry(journal, entry_id)
    items: dict[tuple[str, int], Item] = {}
    for g in entry.groups:
        for it in g.items:
            items[("c" if isinstance(it, Clip) else "r", it.id or 0)] = it
    by_id = {g.id: g for g in entry.groups}
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    sent = [ref for gf in groups for ref in gf.items]
    if len(set(sent)) != len(sent) or set(sent) != set(items) \
            or any(gf.group_id not in by_id for gf in groups) \
            or len({gf.group_id for gf in groups}) != len(groups):
        raise FormError({"form": ("stale", {})})
    new_groups: list[Group] = []
    for gf in groups:
        group = by_id[gf.group_id]
        kept: list[Item] = []
        for ref in gf.items:
            it = items[ref]
            if ref in deleted:
                continue
            if isinstance(it, Clip):
                text = texts.get(it.id or 0, it.text)
                problem = _clip_problem(text)
                if problem is not None:
                    problems[f"clip:{it.id}"] = (problem, {})
                it.text = text
            kept.append(it)
        lines = _tag_lines(group, gf.tags)
        if lines is None:
            problems[f"tags:{gf.group_id}"] = ("tag", {"tag": gf.tags[:40]})
            lines = group.tag_lines
        if kept:  # a group left with nothing in it goes (to the trash, with its tags)
            new_groups.append(Group(kept, lines, group.id))
    entry.groups = new_groups
    if problems:
        raise FormError(problems)
    try:
        check_entry_size(entry)
        entry_rows.check_storable(entry)
    except KirinukiError as exc:
        raise FormError({"form": ("too_big", {"detail": str(exc)})}) from exc
    trash_removed(journal, before, entry)
    entry_rows.replace_entry(journal.store, entry, journal.now())
