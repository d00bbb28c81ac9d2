"""View objects for the templates: plain dicts built from the model, no HTML here.

The templates (shared with the web app) receive these and escape every string they print, so
nothing clipped can inject markup.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kirinuki.journal.site import EntryDigest, PublishedEntry
from kirinuki.model import Clip, ClipSource, Entry, Group, RelatedLink
from kirinuki.publish import urls
from kirinuki.publish.site import SiteContext
from kirinuki.text.normalize import tag_key

View = dict[str, Any]
EXCERPT_CHARS = 120


def date_label(d: datetime) -> str:
    """`2022年1月8日 12:00`."""
    return f"{d.year}年{d.month}月{d.day}日 {d:%H:%M}"


def day_label(d: datetime) -> str:
    """`2022年1月8日`."""
    return f"{d.year}年{d.month}月{d.day}日"


def entry_title(meta: PublishedEntry) -> str:
    """The entry's title, or its date and time when it has none (the sample has none)."""
    return meta.title or date_label(meta.published)


def _source(src: ClipSource) -> View:
    return {
        "url": src.url,
        "publisher": src.publisher or src.site,
        "title": src.title,
        "date": day_label(src.published) if src.published else None,
        "iso": src.published.isoformat() if src.published else None,
    }


class Views:
    """Builds the template views of one site context."""

    def __init__(self, ctx: SiteContext) -> None:
        self.ctx = ctx
        self.aliases = ctx.aliases

    def tag_href(self, name: str) -> str:
        """The tag page of a tag as written in an entry (aliases lead to their tag)."""
        key = tag_key(name)
        key = self.aliases.get(key, key)
        tag = self.ctx.tags.get(key)
        return tag.url if tag is not None else urls.TAGS_URL

    def link(self, pos: int) -> View:
        """A link to the entry at `pos`: its address and title."""
        meta = self.ctx.entries[pos]
        return {"url": urls.entry_url(meta.permalink), "title": entry_title(meta)}

    def _related(self, item: RelatedLink) -> View:
        target = self.ctx.related_pos(item.url, item.target_entry_id)
        if target is None:
            return {"kind": "related", "href": item.url, "label": item.url, "quote": item.quote}
        link = self.link(target)
        return {"kind": "related", "href": link["url"], "label": link["title"],
                "quote": item.quote}

    def group(self, group: Group) -> View:
        """A group: its clips and related links in order, then its tag lines."""
        items: list[View] = []
        for item in group.items:
            if isinstance(item, Clip):
                src = _source(item.source) if item.source is not None else None
                items.append({"kind": "clip", "text": item.text, "source": src})
            else:
                items.append(self._related(item))
        lines = [[{"name": t.name, "summary": t.summary, "href": self.tag_href(t.name)}
                  for t in line.tags] for line in group.tag_lines]
        return {"parts": items, "tag_lines": lines}

    def entry(self, pos: int, entry: Entry) -> View:
        """The whole entry page's view."""
        meta = self.ctx.entries[pos]
        footer = None
        if entry.footer is not None:
            text = entry.footer.text
            footer = {"text": text, "url": f"https://{text}/"}
        n = len(self.ctx.entries)
        return {
            "url": urls.entry_url(meta.permalink),
            "text_url": urls.entry_text_url(meta.permalink),
            "title": entry_title(meta),
            "date": date_label(meta.published),
            "iso": meta.published.isoformat(),
            "header": [h.url for h in entry.header],
            "groups": [self.group(g) for g in entry.groups],
            "footer": footer,
            "prev": self.link(pos - 1) if pos > 0 else None,
            "next": self.link(pos + 1) if pos + 1 < n else None,
        }

    def summary(self, pos: int, digest: EntryDigest | None) -> View:
        """An entry in a list: title, date, clip count, excerpt, tags."""
        meta = self.ctx.entries[pos]
        text = digest.first_clip if digest else ""
        excerpt = text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"
        return {
            "url": urls.entry_url(meta.permalink),
            "title": entry_title(meta),
            "date": date_label(meta.published),
            "iso": meta.published.isoformat(),
            "clips": digest.clips if digest else 0,
            "excerpt": excerpt,
            "tags": [{"name": self.ctx.tags[k].display, "href": self.ctx.tags[k].url}
                     for k in meta.tag_keys],
        }
