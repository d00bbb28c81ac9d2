"""What an entry carries from Hatena (its `origin`): the fields as imported and a fingerprint of
its content, which tell export and AtomPub what an edit changed since; its categories and the
HTML body of a general post, kept while the content is still what was read. Pure functions.
"""

from __future__ import annotations

import hashlib

from kirinuki.model import Entry, Origin
from kirinuki.text.cliptext import render
from kirinuki.text.hashtags import strip_marker
from kirinuki.text.hatena_html import sanitized
from kirinuki.text.hatena_syntax import HTML, MARKDOWN, entry_markdown
from kirinuki.text.normalize import tag_key

HTML_FORMAT = "html"  # no MT text: an HTML body sent through AtomPub


def entry_categories(entry: Entry) -> list[str]:
    """The entry's Hatena categories: as stored when set, else the distinct tags of its tag
    lines (a clip text entry), in order."""
    if entry.categories is not None:
        return list(entry.categories)
    seen: set[str] = set()
    found: list[str] = []
    for t in entry.tags:
        if tag_key(t.name) not in seen:
            seen.add(tag_key(t.name))
            found.append(t.name)
    return found


def category_problems(categories: list[str]) -> list[str]:
    """What will not become a tag among `categories` (kept as Hatena categories anyway)."""
    return [f"category {c!r} has no name once its # is taken off: kept as a Hatena category,"
            " no tag page" for c in categories if not strip_marker(c)]


def content_fingerprint(entry: Entry) -> str:
    """A digest of the entry's content (its clip text and the pages its clips quote), which
    tells whether an edit changed the body since it was imported."""
    citations = "\n".join(c.citation.url if c.citation else "" for c in entry.clips)
    return hashlib.sha256(f"{render(entry)}\x00{citations}".encode()).hexdigest()


def record_origin(entry: Entry) -> None:
    """Record the entry's fields as they are now in `entry.origin.imported` (after import),
    so export knows which ones an edit changed since."""
    assert entry.origin is not None
    fp = content_fingerprint(entry)
    entry.origin.imported = {
        "title": entry.title, "permalink": entry.permalink, "status": str(entry.status),
        "published": entry.published.isoformat() if entry.published else None,
        "categories": entry_categories(entry), "content": fp,
        "html_content": fp if entry.origin.body_html is not None else None,
    }


def body_html(entry: Entry) -> str | None:
    """The original HTML body (unsanitised) while the entry's content is still what was read
    from it, else None (clipping-shaped, or edited since: the clips are the body)."""
    origin = entry.origin
    if origin is None or origin.body_html is None:
        return None
    if origin.imported.get("html_content") != content_fingerprint(entry):
        return None
    return origin.body_html


def set_categories(entry: Entry, categories: list[str]) -> None:
    """Give the entry exactly these categories, the whole set as written (an AtomPub POST or
    PUT); kept as None when they are the tags of its tag lines, so they follow its content."""
    entry.categories = None
    if entry_categories(entry) != categories:
        entry.categories = list(categories)


def set_body_html(entry: Entry, body: str | None) -> None:
    """Keep `body` as the entry's HTML (a general post sent as HTML; None: its clips are the
    body), valid while its content stays what was read from it. An imported entry keeps the
    rest of its origin."""
    if body is None and entry.origin is None:
        return
    if entry.origin is None:
        entry.origin = Origin(HTML_FORMAT, "")
    entry.origin.body_html = body
    entry.origin.imported["html_content"] = content_fingerprint(entry) if body else None


def carry_origin(old: Entry, new: Entry) -> None:
    """`new` replaces `old`: it keeps `old`'s import origin, with `new`'s HTML body."""
    if old.origin is None:
        return
    body = new.origin.body_html if new.origin is not None else None
    new.origin = old.origin
    set_body_html(new, body)


def atom_content(entry: Entry, *, sanitise: bool = True) -> tuple[str, str]:
    """(content type, content) of an entry sent through AtomPub: a general post's HTML body
    (sanitised unless `sanitise` is False: a push to the owner's own blog), else Markdown.
    Categories are never part of it."""
    body = body_html(entry)
    if body is not None:
        return HTML, sanitized(body) if sanitise else body
    return MARKDOWN, entry_markdown(entry)
