"""Entries read back from their rows: whole (`load_entries`, with their groups, clips, related
links and tag lines) and as the summaries of a list (`list_entries`).

Written by `store.sqlite.entries`, which also answers the single-row questions (ids, keys,
permalinks, revisions).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from kirinuki.model import (
    Citation,
    Clip,
    Entry,
    EntrySummary,
    Footer,
    Group,
    HeaderLink,
    Item,
    Layout,
    Origin,
    RelatedLink,
    Selector,
    Status,
    TagLine,
    TagRef,
)
from kirinuki.store.sqlite.db import Store, stored_json
from kirinuki.store.sqlite.db import from_iso as _dt
from kirinuki.text.cliptext import apply_raw_layout


def origin_from_record(value: object) -> Origin | None:
    """The origin of a stored JSON object (None for anything else)."""
    if not isinstance(value, dict) or not isinstance(value.get("raw"), str):
        return None
    body = value.get("body_html")
    imported = value.get("imported")
    return Origin(str(value.get("format") or ""), value["raw"],
                  body if isinstance(body, str) else None,
                  imported if isinstance(imported, dict) else {})


_ENTRY_COLS = (
    "e.id, e.key, e.permalink, e.published, e.status, e.title, e.bom, e.newline, e.lead_blank,"
    " ch.value, e.footer_blank, e.updated, e.raw_layout, e.categories, e.origin, e.revision,"
    " e.author"
)


# The columns of _ENTRY_COLS in order (ch.value: the header and footer as JSON).
_EntryRecord = tuple[int, str, str | None, str | None, str, str | None, int, str, int,
                     str | None, int, str | None, str | None, str | None, str | None, int,
                     str | None]


Chrome = tuple[tuple[tuple[str, int], ...], str | None]  # header links, footer text


def _entry_from_row(row: _EntryRecord, chrome: dict[str, Chrome]) -> Entry:
    """The entry of a row; `chrome`: the stored header-and-footer JSON texts parsed so far
    (entries share a few of them: one parse each per batch, not one per entry)."""
    links, text = ((), None) if row[9] is None else chrome.get(row[9]) or \
        chrome.setdefault(row[9], _chrome(row[9]))
    header = [HeaderLink(u, b) for u, b in links]
    footer = Footer(str(text), int(row[10])) if text is not None else None
    return Entry(
        id=int(row[0]),
        key=str(row[1]),
        permalink=row[2],
        published=_dt(row[3]),
        status=Status(str(row[4])),
        title=row[5],
        layout=Layout(bool(row[6]), str(row[7]), int(row[8])),
        header=header,
        footer=footer,
        updated=_dt(row[11]),
        categories=[str(c) for c in stored_json(row[13])] if row[13] is not None else None,
        origin=origin_from_record(stored_json(row[14])) if row[14] is not None else None,
        revision=int(row[15]),
        author=row[16],
    )


def _chrome(text: str) -> Chrome:
    """The header links and footer text of an entry's stored chrome JSON."""
    links, footer = stored_json(text)
    return tuple((str(u), int(b)) for u, b in links), footer


def ids_json(ids: Iterable[int]) -> str:
    """The ids as a JSON array for `IN (SELECT value FROM json_each(?))`: one bound argument
    whatever their number."""
    return json.dumps(sorted(set(ids)))


def load_entries(store: Store, ids: Iterable[int]) -> dict[int, Entry]:
    """The whole entries with these ids (missing ids are left out), in five reads that see
    one state of the journal (`Store.reads`: one round trip on PostgreSQL)."""
    arg = (ids_json(ids),)
    rows, *parts = store.reads([(_ENTRIES_SQL, arg), *((sql, arg) for sql in _GROUP_SQL)])
    entries: dict[int, Entry] = {}
    raw: dict[int, str] = {}
    chrome: dict[str, Chrome] = {}
    for row in rows:
        entry = _entry_from_row(row, chrome)
        entries[entry.id or 0] = entry
        if row[12] is not None:
            raw[entry.id or 0] = str(row[12])
    _fill_groups(entries, *parts)
    for entry in entries.values():
        if entry.id in raw:
            apply_raw_layout(entry, json.loads(raw[entry.id]))
    return entries


def load_groups(store: Store, ids: Iterable[int]) -> dict[int, Entry]:
    """The entries with these ids that have groups, with their groups alone (clips with their
    sources, related links, tag lines) and no other field but the id: what a tag page shows of
    them, without reading the entries' own rows (their lines' raw layout is not applied). In
    four reads that see one state of the journal."""
    arg = (ids_json(ids),)
    entries: dict[int, Entry] = {}
    _fill_groups(entries, *store.reads([(sql, arg) for sql in _GROUP_SQL]))
    return entries


_ENTRIES_SQL = (f"SELECT {_ENTRY_COLS} FROM entries e LEFT JOIN entry_chrome ch"
                " ON ch.id = e.chrome_id WHERE e.id IN (SELECT value FROM json_each(?))")
# An entry's groups, their clips (with their sources), related links and tag lines: each
# read takes the entry ids as one JSON array.
_GROUP_SQL = (
    "SELECT id, entry_id FROM groups WHERE entry_id IN (SELECT value FROM json_each(?))"
    " ORDER BY entry_id, pos",
    """
    SELECT c.group_id, c.pos, c.id, c.text, c.blank_after, c.article_version_id,
           c.sel_exact, c.sel_prefix, c.sel_suffix,
           a.url, s.site, s.name, COALESCE(v.title, a.title), v.published
    FROM clips c JOIN groups g ON g.id = c.group_id
    LEFT JOIN article_versions v ON v.id = c.article_version_id
    LEFT JOIN articles a ON a.id = v.article_id
    LEFT JOIN sources s ON s.id = a.source_id
    WHERE g.entry_id IN (SELECT value FROM json_each(?))
    """,
    """
    SELECT l.group_id, l.pos, l.id, l.url, l.quote, l.blank_after, l.target_entry_id
    FROM related_links l JOIN groups g ON g.id = l.group_id
    WHERE g.entry_id IN (SELECT value FROM json_each(?))
    """,
    """
    SELECT tl.group_id, tl.id, tl.blank_after, gt.display, gt.summary
    FROM tag_lines tl JOIN groups g ON g.id = tl.group_id
    JOIN group_tags gt ON gt.tag_line_id = tl.id
    WHERE g.entry_id IN (SELECT value FROM json_each(?))
    ORDER BY tl.group_id, tl.pos, gt.pos
    """,
)


def _fill_groups(entries: dict[int, Entry], group_rows: list[Any], clip_rows: list[Any],
                 link_rows: list[Any], line_rows: list[Any]) -> None:
    """Fill in the entries' groups from the rows of `_GROUP_SQL` (entries missing from
    `entries` are added, with their id alone)."""
    groups: dict[int, Group] = {}
    for gid, eid in group_rows:
        groups[gid] = Group(id=gid)
        entry = entries.get(eid)
        if entry is None:
            entry = entries[eid] = Entry(id=eid)
        entry.groups.append(groups[gid])
    items: dict[int, list[tuple[int, Item]]] = {gid: [] for gid in groups}
    for r in clip_rows:
        sel = Selector(r[6], r[7] or "", r[8] or "") if r[6] is not None else None
        src = Citation(r[9], r[10], r[11], r[12], _dt(r[13])) if r[9] else None
        clip = Clip(text=r[3], blank_after=r[4], article_version_id=r[5], selector=sel,
                    citation=src, id=r[2])
        items[r[0]].append((r[1], clip))
    for r in link_rows:
        items[r[0]].append((r[1], RelatedLink(r[3], r[4], r[5], r[6], r[2])))
    for gid, pairs in items.items():
        pairs.sort(key=lambda p: p[0])
        groups[gid].items = [it for _, it in pairs]
    lines: dict[int, TagLine] = {}
    for r in line_rows:
        line = lines.get(r[1])
        if line is None:
            line = lines[r[1]] = TagLine([], r[2])
            groups[r[0]].tag_lines.append(line)
        line.tags.append(TagRef(r[3], r[4]))


def list_entries(
    store: Store, *, limit: int = 50, offset: int = 0, status: Status | None = None,
    tag: str | None = None, month: str | None = None, text: str | None = None,
) -> list[EntrySummary]:
    """Entries newest first (undated ones last), with clip counts, tags and first clip;
    only those with `status`, the tag of key (or alias) `tag`, dated in `month` (`YYYY-MM`,
    as stored: the journal's time zone) or holding `text` in a clip or the title."""
    conds: list[str] = []
    args: list[object] = []
    if status:
        conds.append("e.status = ?")
        args.append(str(status))
    if tag:
        conds.append(
            "e.id IN (SELECT g.entry_id FROM groups g JOIN tag_lines tl ON tl.group_id = g.id"
            " JOIN group_tags gt ON gt.tag_line_id = tl.id WHERE gt.tag_id = (SELECT coalesce("
            "(SELECT id FROM tags WHERE key = ?), (SELECT tag_id FROM tag_aliases WHERE key = ?))))")
        args += [tag, tag]
    if month:
        conds.append("substr(e.published, 1, 7) = ?")
        args.append(month)
    if text:
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conds.append("(e.title LIKE ? ESCAPE '\\' OR e.id IN (SELECT g.entry_id FROM clips c"
                     " JOIN groups g ON g.id = c.group_id WHERE c.text LIKE ? ESCAPE '\\'))")
        args += [like, like]
    where = ("WHERE " + " AND ".join(conds)) if conds else ""
    rows = store.conn.execute(
        f"""
        SELECT e.id, e.permalink, e.published, e.status, e.title,
          (SELECT count(*) FROM clips c JOIN groups g ON g.id = c.group_id
            WHERE g.entry_id = e.id),
          (SELECT group_concat(display, '\n') FROM (SELECT DISTINCT t.display FROM tags t
             JOIN group_tags gt ON gt.tag_id = t.id JOIN tag_lines tl ON tl.id = gt.tag_line_id
             JOIN groups g ON g.id = tl.group_id WHERE g.entry_id = e.id)),
          (SELECT group_concat(t.display, '\n') FROM entry_categories ec
             JOIN tags t ON t.id = ec.tag_id WHERE ec.entry_id = e.id),
          (SELECT c.text FROM clips c JOIN groups g ON g.id = c.group_id
            WHERE g.entry_id = e.id ORDER BY g.pos, c.pos LIMIT 1)
        FROM entries e {where}
        ORDER BY e.published IS NULL, e.published DESC, e.id DESC
        LIMIT ? OFFSET ?
        """,
        [*args, limit, offset],
    ).fetchall()
    return [
        EntrySummary(
            id=r[0], permalink=r[1], published=_dt(r[2]), status=Status(r[3]), title=r[4],
            clips=r[5], tags=_tag_names(r[6], r[7]), first_clip=r[8] or "",
        )
        for r in rows
    ]


def _tag_names(lines: str | None, categories: str | None) -> list[str]:
    """The tags of a listed entry: its tag lines' in order, then its categories' not yet named."""
    names = f"{lines or ''}\n{categories or ''}".split("\n")
    return [n for n in dict.fromkeys(names) if n]
