"""Entries as JSON: the lossless record of JSON Lines exports, and the view of `--json`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kirinuki.errors import InputError
from kirinuki.model import (
    Clip,
    Entry,
    Footer,
    Group,
    HeaderLink,
    Item,
    Layout,
    RelatedLink,
    Selector,
    Status,
    TagLine,
    TagRef,
)
from kirinuki.store.sqlite.entries import origin_record
from kirinuki.store.sqlite.entry_loading import origin_from_record
from kirinuki.text.cliptext import NEWLINES, Element, drop_blank_clips

JsonDict = dict[str, Any]


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt is not None else None


def _after(rec: JsonDict, element: Element) -> JsonDict:
    """`rec` with the element's kept layout (`after`), present only when there is some."""
    if element.after:
        rec["after"] = element.after
    return rec


def _item_record(item: Item, version_ref: dict[int, tuple[str, str]]) -> JsonDict:
    if isinstance(item, RelatedLink):
        return {"related": _after({"url": item.url, "quote": item.quote,
                                   "blank_after": item.blank_after}, item)}
    rec: JsonDict = _after({"text": item.text, "blank_after": item.blank_after}, item)
    if item.article_version_id is not None and item.article_version_id in version_ref:
        url, digest = version_ref[item.article_version_id]
        rec["article"] = {"url": url, "version": digest}
    if item.selector is not None:
        s = item.selector
        rec["selector"] = {"exact": s.exact, "prefix": s.prefix, "suffix": s.suffix}
    return {"clip": rec}


def entry_record(entry: Entry, version_ref: dict[int, tuple[str, str]]) -> JsonDict:
    """The lossless JSON record of an entry (ids left out; `key` identifies it)."""
    return {
        "type": "entry",
        "key": entry.key,
        "permalink": entry.permalink,
        "published": _iso(entry.published),
        "updated": _iso(entry.updated),
        "status": str(entry.status),
        "title": entry.title,
        "layout": {"bom": entry.layout.bom, "newline": entry.layout.newline,
                   "lead_blank": entry.layout.lead_blank,
                   **({"lead": entry.layout.lead} if entry.layout.lead else {})},
        "header": [_after({"url": h.url, "blank_after": h.blank_after}, h) for h in entry.header],
        "footer": (_after({"text": entry.footer.text, "blank_after": entry.footer.blank_after},
                          entry.footer)
                   if entry.footer else None),
        "groups": [
            {
                "items": [_item_record(it, version_ref) for it in g.items],
                "tag_lines": [
                    _after({"tags": [{"name": t.name, "summary": t.summary} for t in tl.tags],
                            "blank_after": tl.blank_after,
                            **({"written": tl.written} if tl.written else {})}, tl)
                    for tl in g.tag_lines
                ],
            }
            for g in entry.groups
        ],
        **({"categories": entry.categories} if entry.categories is not None else {}),
        **({"origin": origin_record(entry.origin)} if entry.origin is not None else {}),
        # Written since it came in (revision 1) or by a named account: kept across a copy.
        **({"revision": entry.revision} if entry.revision > 1 else {}),
        **({"author": entry.author} if entry.author is not None else {}),
    }


def _int(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InputError(f"{what} must be a non-negative integer")
    return value


def _str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{what} must be a string")
    return value


def _date(value: Any, what: str) -> datetime | None:
    if value is None:
        return None
    try:
        dt = datetime.fromisoformat(_str(value, what))
    except ValueError as exc:
        raise InputError(f"{what} is not an ISO 8601 date: {value!r}") from exc
    if dt.tzinfo is None:
        raise InputError(f"{what} has no time zone: {value!r}")
    return dt


def _categories(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise InputError("categories must be a list of strings")
    return [_str(c, "category") for c in value]


def _item_from(rec: Any, resolve: Any) -> Item:
    if not isinstance(rec, dict):
        raise InputError("a group item must be an object")
    if "related" in rec:
        r = rec["related"]
        return RelatedLink(_str(r.get("url"), "related.url"), _str(r.get("quote", ""), "quote"),
                           _int(r.get("blank_after", 0), "blank_after"),
                           after=_str(r.get("after", ""), "after"))
    c = rec.get("clip")
    if not isinstance(c, dict):
        raise InputError("a group item must hold 'clip' or 'related'")
    clip = Clip(_str(c.get("text"), "clip.text"), _int(c.get("blank_after", 0), "blank_after"),
                after=_str(c.get("after", ""), "after"))
    if "\n" in clip.text:
        raise InputError("clip.text must be one line")
    sel = c.get("selector")
    if isinstance(sel, dict):
        clip.selector = Selector(_str(sel.get("exact"), "selector.exact"),
                                 _str(sel.get("prefix", ""), "selector.prefix"),
                                 _str(sel.get("suffix", ""), "selector.suffix"))
    art = c.get("article")
    if isinstance(art, dict):
        clip.article_version_id = resolve(_str(art.get("url"), "article.url"),
                                          _str(art.get("version"), "article.version"))
    return clip


def entry_from_record(rec: JsonDict, resolve: Any) -> Entry:
    """Rebuild an entry from `entry_record` output; raises InputError on a bad record.

    `resolve(url, hash)` maps an article version reference to a stored version id (or None).
    Clips without visible text (older versions stored some) become the blank lines they are,
    so the clip text stays byte for byte and no empty clip is stored.
    """
    try:
        layout = rec.get("layout") or {}
        nl = layout.get("newline", "\n")
        if nl not in NEWLINES:
            raise InputError("layout.newline must be \\n, \\r\\n or \\r")
        footer = rec.get("footer")
        groups = []
        for g in rec.get("groups") or []:
            lines = [
                TagLine([TagRef(_str(t["name"], "tag.name"), _str(t.get("summary", ""), "summary"))
                         for t in tl["tags"]], _int(tl.get("blank_after", 0), "blank_after"),
                        _str(tl.get("written", ""), "written"), _str(tl.get("after", ""), "after"))
                for tl in g.get("tag_lines") or []
            ]
            groups.append(Group([_item_from(i, resolve) for i in g.get("items") or []], lines))
        entry = Entry(
            key=_str(rec.get("key"), "key"),
            permalink=(None if rec.get("permalink") is None
                       else _str(rec.get("permalink"), "permalink")),
            published=_date(rec.get("published"), "published"),
            updated=_date(rec.get("updated"), "updated"),
            status=Status(rec.get("status", "draft")),
            title=rec.get("title"),
            layout=Layout(bool(layout.get("bom", False)), nl,
                          _int(layout.get("lead_blank", 0), "lead_blank"),
                          _str(layout.get("lead", ""), "layout.lead")),
            header=[HeaderLink(_str(h["url"], "header.url"), _int(h.get("blank_after", 0), "b"),
                               _str(h.get("after", ""), "after"))
                    for h in rec.get("header") or []],
            footer=(Footer(_str(footer["text"], "footer.text"),
                           _int(footer.get("blank_after", 0), "blank_after"),
                           _str(footer.get("after", ""), "after"))
                    if footer else None),
            groups=groups,
            categories=_categories(rec.get("categories")),
            origin=origin_from_record(rec.get("origin")),
            revision=_int(rec.get("revision", 0), "revision"),
            author=None if rec.get("author") is None else _str(rec.get("author"), "author"),
        )
        drop_blank_clips(entry)
        return entry
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"malformed entry record ({exc.__class__.__name__}: {exc})") from exc


def entry_view(entry: Entry) -> JsonDict:
    """The JSON shown by `entries show --json` and the API: groups with clips and plain tags."""
    return {
        "id": entry.id,
        "permalink": entry.permalink,
        "published": _iso(entry.published),
        "status": str(entry.status),
        "title": entry.title,
        "header": [h.url for h in entry.header],
        "footer": entry.footer.text if entry.footer else None,
        "groups": [
            {
                "clips": [
                    {"id": c.id, "text": c.text,
                     "source": ({"url": c.citation.url, "site": c.citation.site,
                                 "title": c.citation.title} if c.citation else None)}
                    for c in g.clips
                ],
                "related": [{"url": r.url, "quote": r.quote}
                            for r in g.items if isinstance(r, RelatedLink)],
                "tags": [t.name for t in g.tags],
                "tag_summaries": {t.name: t.summary for t in g.tags if t.summary},
            }
            for g in entry.groups
        ],
        "related": [{"url": r.url, "quote": r.quote, "entry": r.target_entry_id}
                    for r in entry.related_links],
        "revision": entry.revision,
        "author": entry.author,
    }
