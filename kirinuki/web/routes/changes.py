"""The owner's view of watched articles: clipped passages whose article changed after they were
clipped, articles gone, as a page (signed-in owner) and a private Atom feed (a `feed` token in
the URL: `kirinuki token create --feed`)."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from kirinuki.errors import AuthError
from kirinuki.journal import Journal
from kirinuki.journal.accounts import check_token
from kirinuki.journal.changes import Changes, find_changes, parse_since
from kirinuki.web.errors import plain_error
from kirinuki.web.render import page
from kirinuki.web.security import journal, page_owner, state

router = APIRouter(include_in_schema=False)
ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 100


def current_changes(request: Request, j: Journal) -> Changes:
    """Every change, computed once per journal change (the watcher's commits included)."""
    found: Changes = state(request).memo(("changes",), lambda: find_changes(j))
    return found


@router.get("/changes")
def changes_page(request: Request, _: str = Depends(page_owner),
                 since: str = Query("", max_length=40),
                 j: Journal = Depends(journal)) -> Response:
    """Clipped passages changed in their article, and clipped articles gone (owner only)."""
    when = parse_since(since, j) if since.strip() else None
    found = find_changes(j, since=when) if when else current_changes(request, j)
    return page(request, "changes.html", "出典の変更", changes=found, since=since, tz=j.tz)


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    el.text = text
    return el


def render_feed(ch: Changes, base: str, title: str) -> bytes:
    """The changes as an Atom 1.0 feed, newest first (ElementTree escapes every text)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", f"{title}: 出典の変更")
    _text(feed, "id", f"{base}changes")
    ET.SubElement(feed, f"{{{ATOM}}}link", {"href": f"{base}changes", "rel": "alternate"})
    items: list[tuple[datetime, str, str, str, str]] = []
    for p in ch.passages:
        body = [f"切り抜いた段落: {p.old}",
                f"いまの段落: {p.new}" if p.new is not None else "いまの版ではこの段落が削除されています。",
                *(f"数字の変化: {f}" for f in p.figures), f"出典: {p.url}"]
        items.append((p.changed_at, f"{base}changes#v{p.new_version}-c{p.clip.clip_id}",
                      f"出典が更新されました: {p.title or p.url}", "\n".join(body),
                      f"{base}edit/{p.clip.entry_id}"))
    for g in ch.gone:
        lines = [f"出典が見つかりません（HTTP {g.status}）: {g.url}" if g.status
                else f"出典が見つかりません: {g.url}", *(f"切り抜き: {c.text}" for c in g.clips)]
        link = f"{base}edit/{g.clips[0].entry_id}" if g.clips else f"{base}changes"
        items.append((g.since, f"{base}changes#gone-{g.article_id}",
                      f"出典が削除されました: {g.title or g.url}", "\n".join(lines), link))
    items.sort(key=lambda i: i[0].astimezone(UTC), reverse=True)
    updated = items[0][0] if items else datetime(2000, 1, 1, tzinfo=UTC)
    _text(feed, "updated", updated.astimezone(UTC).isoformat())
    for at, ident, head, text, link in items[:FEED_ENTRIES]:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "title", head)
        _text(entry, "id", ident)
        _text(entry, "updated", at.astimezone(UTC).isoformat())
        ET.SubElement(entry, f"{{{ATOM}}}link", {"href": link, "rel": "alternate"})
        _text(entry, "content", text, type="text")
    xml: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + xml


@router.get("/changes.atom")
def changes_feed(request: Request, token: str = Query("", max_length=200),
                 j: Journal = Depends(journal)) -> Response:
    """The private feed of changes; the URL carries a `feed` token (read-only), nothing else
    is accepted there (a token that can write must not travel in a URL)."""
    try:
        check_token(j, token, "feed", only=True)
    except AuthError:
        return plain_error(401, "a feed token is needed: /changes.atom?token=… "
                                "(kirinuki token create --feed)")
    body = render_feed(current_changes(request, j), str(request.base_url), j.settings.title)
    return Response(body, media_type="application/atom+xml; charset=utf-8",
                    headers={"Cache-Control": "private, no-store"})
