"""View objects for the templates: plain dicts built from the model, no HTML here.

The templates (shared with the web app) receive these and escape every string they print, so
nothing clipped can inject markup; the one exception is a general post's own HTML body, passed
as `Markup` only after `hatena_html.sanitized` (nh3) has cleaned it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from markupsafe import Markup

from kirinuki.journal.published import ListingSummary, PublishedEntry
from kirinuki.journal.story import TagStory
from kirinuki.model import Citation, Clip, Entry, Group, RelatedLink
from kirinuki.publish import urls
from kirinuki.publish.context import SiteContext
from kirinuki.publish.story import story_view
from kirinuki.publish.templating import View
from kirinuki.text.hatena_html import sanitized
from kirinuki.text.hatena_origin import body_html
from kirinuki.text.normalize import tag_key

EXCERPT_CHARS = 120
HEADING_TAGS = 3
DESCRIPTION_CHARS = 110  # og:description: what a card shows of the first clip
LINK_CACHE = 20_000


def clip_view(text: str, citation: View | None, update: View | None = None) -> View:
    """A clip in an entry body (a View: the templates read its keys inline, where an object's
    attributes cost a call each); `update`: the earlier version it updates (href, label,
    change)."""
    return View(kind="clip", text=text, citation=citation, update=update)


_WORDING = "wording: "


def reader_change(change: str) -> str:
    """A stored version change (`analysis.versions.Change.describe`) worded for readers:
    `拘束: 3800人 → 4400人 (+600); wording: によりますと → ∅` becomes
    `拘束: 3800人 → 4400人 (+600)、言い回し:「によりますと」を削除`."""
    parts = []
    for part in change.split("; "):
        if part == "no change":
            parts.append("表現の変更のみ")
        elif part.startswith(_WORDING):
            words = []
            for pair in part[len(_WORDING):].split(", "):
                old, _, new = pair.partition(" → ")
                if old == "∅":
                    words.append(f"「{new}」を追加")
                elif new == "∅":
                    words.append(f"「{old}」を削除")
                else:
                    words.append(f"「{old}」を「{new}」に")
            parts.append("言い回し: " + "、".join(words))
        else:
            parts.append(part)
    return "、".join(parts)


def date_label(d: datetime) -> str:
    """`2022年1月8日 12:00`."""
    return f"{d.year}年{d.month}月{d.day}日 {d.hour:02d}:{d.minute:02d}"  # strftime is slower


def day_label(d: datetime) -> str:
    """`2022年1月8日`."""
    return f"{d.year}年{d.month}月{d.day}日"


def entry_title(meta: PublishedEntry) -> str:
    """The entry's title; without one (the sample has none), a heading made of its first
    tags (`ウクライナ侵攻・対ロシア制裁ほか`), else its date and time."""
    return meta.title or tag_heading(meta) or date_label(meta.published)


def tag_heading(meta: PublishedEntry) -> str:
    """Up to three of the entry's tags joined by `・` (`ほか` when it has more), or ''."""
    names = [display for _key, display in meta.tags[:HEADING_TAGS]]
    more = "ほか" if len(meta.tags) > HEADING_TAGS else ""
    return "・".join(names) + more if names else ""


def _headline(entry: Entry) -> str | None:
    """The headline of the source of the entry's first clip, if it has one."""
    for group in entry.groups:
        for item in group.items:
            if isinstance(item, Clip):
                return item.citation.title if item.citation is not None and item.citation.title \
                    else None
    return None


def _first_text(entry: Entry) -> str:
    for group in entry.groups:
        for item in group.items:
            if isinstance(item, Clip):
                return item.text
    return ""


# Each byte as `quote(..., safe="")` writes it: unreserved ASCII as is, the rest %XX.
_QUOTED = [chr(b) if chr(b).isalnum() and b < 128 or chr(b) in "_.-~" else f"%{b:02X}"
           for b in range(256)]


def quote_all(text: str) -> str:
    """`urllib.parse.quote(text, safe="")`, a table lookup per byte done in C (quote's own
    loop was a twentieth of an entry page)."""
    return "".join(map(_QUOTED.__getitem__, text.encode("utf-8")))


def share_links(url: str, title: str) -> list[View]:
    """Links that share `url` (absolute) without any script: X, はてなブックマーク, LINE."""
    u, t = quote_all(url), quote_all(title)
    hatena = "https://b.hatena.ne.jp/entry/" + (
        "s/" + url.removeprefix("https://") if url.startswith("https://")
        else url.removeprefix("http://"))
    return [View(label="X", url=f"https://x.com/intent/post?text={t}&url={u}"),
            View(label="はてなブックマーク", url=hatena),
            View(label="LINE", url=f"https://social-plugins.line.me/lineit/share?url={u}")]


def _citation(src: Citation) -> View:
    return View({
        "url": src.url,
        "publisher": src.publisher or src.site,
        "title": src.title,
        "date": day_label(src.published) if src.published else None,
        "iso": src.published.isoformat() if src.published else None,
    })


class Views:
    """Builds the template views of one site context."""

    def __init__(self, ctx: SiteContext) -> None:
        self.ctx = ctx
        self.aliases = ctx.aliases
        self._hrefs: dict[str, str] = {}
        self._keys: dict[str, str] = {}
        self._links: dict[int, View] = {}

    def tag_href(self, name: str) -> str:
        """The tag page of a tag as written in an entry (aliases lead to their tag)."""
        href = self._hrefs.get(name)
        if href is None:
            tag = self.ctx.tags.get(self.key_of(name))
            href = self._hrefs[name] = tag.url if tag is not None else urls.TAGS_URL
        return href

    def key_of(self, name: str) -> str:
        """The key of the tag a name written in an entry stands for (an alias: its tag's)."""
        key = self._keys.get(name)
        if key is None:
            key = tag_key(name)
            key = self._keys[name] = self.aliases.get(key, key)
        return key

    def link(self, pos: int) -> View:
        """A link to the entry at `pos`: its address, title, date and ISO time (computed once:
        an entry is shown on its page, in ~6 lists and on each of its tags' pages)."""
        view = self._links.get(pos)
        if view is None:
            if len(self._links) > LINK_CACHE:
                self._links.clear()
            meta = self.ctx.entries[pos]
            date = date_label(meta.published)
            view = self._links[pos] = View(url=urls.entry_url(meta.permalink), date=date,
                                           title=entry_title(meta),
                                           iso=meta.published.isoformat())
        return view

    def _related(self, item: RelatedLink) -> View:
        target = self.ctx.related_pos(item.url, item.target_entry_id)
        if target is None:
            return View(kind="related", href=item.url, label=item.url, quote=item.quote)
        link = self.link(target)
        return View(kind="related", href=link["url"], label=link["title"], quote=item.quote)

    def updates(self, meta: PublishedEntry) -> dict[int, View]:
        """Clip id → the published earlier version it updates (a link and the change)."""
        out: dict[int, View] = {}
        if not self.ctx.settings.version_notes:  # the journal does not show them
            return out
        for clip_id, earlier, change in meta.versions:
            p = self.ctx.pos.get(earlier)
            if p is not None:
                link = self.link(p)
                out[clip_id] = View(href=link["url"], label=link["title"],
                                    change=reader_change(change))
        return out

    def group(self, group: Group, updates: dict[int, View] | None = None) -> View:
        """A group: its clips and related links in order, then its tag lines."""
        items: list[View] = []
        for item in group.items:
            if isinstance(item, Clip):
                src = _citation(item.citation) if item.citation is not None else None
                update = updates.get(item.id or 0) if updates else None
                items.append(clip_view(item.text, src, update))
            else:
                items.append(self._related(item))
        lines = [[View(name=t.name, summary=t.summary, href=self.tag_href(t.name))
                  for t in line.tags] for line in group.tag_lines]
        return View(parts=items, tag_lines=lines)

    @staticmethod
    def html(entry: Entry) -> Markup | None:
        """A general post's own HTML body, sanitised; None for an entry shown by its clips."""
        body = body_html(entry)
        return Markup(sanitized(body)) if body is not None else None

    def entry(self, pos: int, entry: Entry) -> View:
        """The whole entry page's view."""
        meta = self.ctx.entries[pos]
        link = self.link(pos)
        n = len(self.ctx.entries)
        updates = self.updates(meta) if meta.versions else None
        # The page's heading: its title, else its first clip's headline, else its tags;
        # None when only the date is left (the date is printed once, as the heading).
        heading = meta.title or _headline(entry) or tag_heading(meta) or None
        host = self.ctx.canonical
        absolute = urls.absolute(host, link["url"]) if host else None
        tags = self.ctx.tags
        return self._page(entry, heading, link["date"], meta.published, updates, {
            "url": link["url"],
            "absolute": absolute,
            "text_url": link["url"] + "entry.txt",
            "tag_names": [tags[k].display for k in meta.tag_keys],
            "share": share_links(absolute, heading or link["date"]) if absolute else [],
            "prev": self.link(pos - 1) if pos > 0 else None,
            "next": self.link(pos + 1) if pos + 1 < n else None,
            "suggested": self.suggested(meta),
        })

    def suggested(self, meta: PublishedEntry) -> list[View]:
        """The stored related earlier entries that are published: a link and the reason."""
        out = []
        for other, reason in meta.suggested:
            p = self.ctx.pos.get(other)
            if p is not None:
                link = self.link(p)
                out.append(View(url=link["url"], title=link["title"], date=link["date"],
                                reason=reason))
        return out

    def unpublished(self, entry: Entry, when: datetime) -> View:
        """An entry as its page will show it once published at `when` (a preview): the same
        view as `entry` without an address, neighbours or version notes."""
        names = list(dict.fromkeys(t.name for g in entry.groups for line in g.tag_lines
                                   for t in line.tags))
        tagged = "・".join(names[:HEADING_TAGS]) + ("ほか" if len(names) > HEADING_TAGS else "")
        heading = entry.title or _headline(entry) or tagged or None
        return self._page(entry, heading, date_label(when), when, None, {
            "url": None, "absolute": None, "text_url": None, "tag_names": names,
            "share": [], "prev": None, "next": None, "suggested": [],
        })

    def _page(self, entry: Entry, heading: str | None, date: str, when: datetime,
              updates: dict[int, View] | None, fields: dict[str, Any]) -> View:
        """The fields every entry page has, from the entry itself, with `fields` added."""
        footer = None
        if entry.footer is not None:
            text = entry.footer.text
            footer = View(text=text, url=f"https://{text}/")
        text = " ".join(_first_text(entry).split())
        description = text if len(text) <= DESCRIPTION_CHARS \
            else text[:DESCRIPTION_CHARS] + "…"
        return View({
            **fields,
            "title": heading or date,
            "heading": heading,
            "description": description,
            "date": date,
            "iso": when.isoformat(),
            "header": [h.url for h in entry.header],
            "groups": [self.group(g, updates) for g in entry.groups],
            # A general post imported as HTML shows its own markup (sanitised), not its clips.
            "html": self.html(entry),
            "categories": [View(name=c, href=self.tag_href(c.lstrip("#＃").strip()))
                           for c in entry.categories or ()],
            "footer": footer,
        })

    def tag_summary(self, pos: int, entry: Entry, key: str) -> View:
        """An entry on a tag's page: the groups of the entry that carry the tag (their clips
        and the group's other tags), not the entry's first clip."""
        link = self.link(pos)
        groups = []
        for group in entry.groups:
            names = [t.name for line in group.tag_lines for t in line.tags]
            keys = [self.key_of(n) for n in names]
            if key not in keys:
                continue
            clips = [clip_view(item.text, _citation(item.citation) if item.citation else None)
                     for item in group.items if isinstance(item, Clip)]
            others = [View(name=n, href=self.tag_href(n)) for n, k in zip(names, keys, strict=True)
                      if k != key]
            groups.append(View(clips=clips, tags=others))
        return View(url=link["url"], title=link["title"], date=link["date"],
                    iso=link["iso"], groups=groups)

    def story(self, story: TagStory | None) -> View | None:
        """A tag's story above its entries (None: nothing to show). The figures come from
        version links, so the journal's `version_notes` setting hides them too."""
        if story is None:
            return None
        if not self.ctx.settings.version_notes:
            story = TagStory((), story.speakers)

        def link(entry_id: int) -> dict[str, Any] | None:
            pos = self.ctx.pos.get(entry_id)
            if pos is None:
                return None
            return {"url": self.link(pos)["url"], "day": day_label(self.ctx.entries[pos].published)}

        def when(entry_id: int) -> float:
            pos = self.ctx.pos.get(entry_id)
            return self.ctx.entries[pos].published.timestamp() if pos is not None else 0.0

        return story_view(story, link, when, "story")

    def summary(self, pos: int, summary: ListingSummary | None) -> View:
        """An entry in a list: title, date, clip count, excerpt, tags."""
        meta = self.ctx.entries[pos]
        link = self.link(pos)
        text = summary.first_clip if summary else ""
        excerpt = text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"
        tags = self.ctx.tags
        return View({
            "url": link["url"],
            "title": link["title"],
            "date": link["date"],
            "iso": link["iso"],
            "clips": summary.clips if summary else 0,
            "excerpt": excerpt,
            "tags": [View(name=tags[k].display, href=tags[k].url) for k in meta.tag_keys],
        })
