"""The clips behind search row ids: what a hit shows and verifies (`DocRow`), their texts and
folded texts for ranking, and the display tags of hits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kirinuki.store.sqlite.db import Store, placeholders
from kirinuki.store.sqlite.entry_loading import ids_json
from kirinuki.store.sqlite.search import parse_tags
from kirinuki.store.sqlite.search_plan import Plan
from kirinuki.store.sqlite.search_query import Ends, newest, newest_by_windows, newest_holding
from kirinuki.store.sqlite.search_tokens import folded_of
from kirinuki.text.fastfold import fast_search_fold


@dataclass
class DocRow:
    """A clip behind an index row, with what search shows and verifies."""

    docid: int
    clip_id: int
    entry_id: int
    date_key: int
    source_id: int | None
    public: bool
    text: str
    published: str | None
    permalink: str | None
    site: str | None
    tag_ids: set[int] = field(default_factory=set)
    tags: list[str] = field(default_factory=list)


_FETCH = ("SELECT d.docid, d.clip_id, d.entry_id, d.stamp, d.source_id, d.public, d.tags, c.text,"
          " e.published, e.permalink, s.site{shown} FROM search_docs d"
          " JOIN clips c ON c.id = d.clip_id JOIN entries e ON e.id = d.entry_id"
          " LEFT JOIN sources s ON s.id = d.source_id{joined} WHERE d.docid IN ({q}){order}")
# A hit's tags as its group's tag lines show them, in their order, with the rows they go with.
_SHOWN = (", gt.display", " LEFT JOIN tag_lines tl ON tl.group_id = c.group_id"
          " LEFT JOIN group_tags gt ON gt.tag_line_id = tl.id", " ORDER BY d.docid, tl.pos, gt.pos")


def fetch(store: Store, docids: list[int], shown: bool = False) -> list[DocRow]:
    """The clips behind `docids`, in the same order (rows no longer present are left out);
    `shown`: with their display tags (`add_display_tags`) read in the same statement."""
    found: dict[int, DocRow] = {}
    column, joined, order = _SHOWN if shown else ("", "", "")
    # The ids as one value, through `reads`: on PostgreSQL one prepared statement whatever
    # their number, run with its generic plan (planning the five joins was most of the
    # server's time for the statement, docs/web.md).
    sql = _FETCH.format(shown=column, joined=joined, q="SELECT value FROM json_each(?)",
                        order=order)
    for i in range(0, len(docids), 500):
        chunk = docids[i:i + 500]
        for r in store.reads([(sql, [ids_json(chunk)])])[0]:
            row = found.get(r[0])
            if row is None:
                row = found[r[0]] = DocRow(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[7], r[8],
                                           r[9], r[10], set(parse_tags(r[6])))
            if shown and r[11] is not None and r[11] not in row.tags:
                row.tags.append(r[11])
    return [found[d] for d in docids if d in found]


def texts(store: Store, docids: list[int]) -> dict[int, str]:
    """The clip text behind each of `docids` that is still present."""
    out: dict[int, str] = {}
    for i in range(0, len(docids), 500):
        chunk = docids[i:i + 500]
        out.update(store.conn.execute(
            "SELECT d.docid, c.text FROM search_docs d JOIN clips c ON c.id = d.clip_id"
            f" WHERE d.docid IN ({placeholders(len(chunk))})", chunk))
    return out


def folded_texts(store: Store, docids: list[int]) -> dict[int, str]:
    """The folded text (`fast_search_fold`) of each of `docids` still indexed. PostgreSQL reads
    them from `search_bi`'s text forms: one table, where SQLite's clip texts are a join."""
    if store.dialect != "postgresql":
        return {d: fast_search_fold(t) for d, t in texts(store, docids).items()}
    forms: dict[int, str] = {}
    for i in range(0, len(docids), 500):
        # As `fetch`: one prepared statement whatever the number of ids.
        forms.update(store.reads([("SELECT rowid, form FROM search_bi WHERE rowid IN"
                                   " (SELECT value FROM json_each(?))",
                                   [ids_json(docids[i:i + 500])])])[0])
    return _unmapped(store, forms)


def _unmapped(store: Store, forms: dict[int, str]) -> dict[int, str]:
    """Folded texts from text forms; those a form cannot give (`LOSSY`) from the clip text."""
    out: dict[int, str] = {}
    lossy: list[int] = []
    for d, text in zip(forms, folded_of(list(forms.values())), strict=True):
        if text is None:
            lossy.append(d)
        else:
            out[d] = text
    if lossy:
        out.update((d, fast_search_fold(t)) for d, t in texts(store, lossy).items())
    return out


def newest_folded(store: Store, plan: Plan, n: int, ends: Ends | None = None,
                  ) -> tuple[list[int], dict[int, str]]:
    """The newest `n` matches of `plan` and their folded texts, for ranking: on PostgreSQL,
    the texts come with the rows of the row id windows (no second read), also for a plan
    whose one-character words are checked apart (`relaxed`) and for a one-character word
    (`ends`: see `search_query.newest_by_windows`)."""
    base = plan.relaxed or plan
    if store.dialect == "postgresql":
        forms: dict[int, str] = {}
        ids = newest_by_windows(store, base, base.hi, n, plan.dropped if plan.relaxed else (),
                                forms=forms, ends=ends)
        return ids, _unmapped(store, forms)
    ids = (newest_holding(store, plan.relaxed, plan.dropped, n) if plan.relaxed
           else newest(store, plan, n))
    return ids, folded_texts(store, ids)


def add_display_tags(store: Store, rows: list[DocRow]) -> None:
    """Fill `tags` of each row with its group's tags as written, in order."""
    by_clip = {r.clip_id: r for r in rows}
    if not by_clip:
        return
    for cid, display in store.conn.execute(
        "SELECT c.id, gt.display FROM clips c JOIN tag_lines tl ON tl.group_id = c.group_id"
        " JOIN group_tags gt ON gt.tag_line_id = tl.id"
        f" WHERE c.id IN ({placeholders(len(by_clip))}) ORDER BY tl.pos, gt.pos", list(by_clip)):
        tags = by_clip[cid].tags
        if display not in tags:
            tags.append(display)

