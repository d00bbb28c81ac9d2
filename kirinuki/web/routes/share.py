"""Capture from the browser and the phone: the bookmarklet page, the Web Share Target and its
manifest. GET `/share` only reads (the article is fetched, nothing is stored) and shows the
picker with the shared passage ticked; POST `/share/clip` (CSRF) stores when the owner confirms.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from kirinuki.journal import Journal, list_entries
from kirinuki.journal.sharing import clip_shared, read_shared
from kirinuki.journal.workbench import suggest_tags
from kirinuki.model import Status
from kirinuki.text.hashtags import split_tag_field
from kirinuki.web.messages import t
from kirinuki.web.render import page, see_other
from kirinuki.web.security import FormRoute, form_owner, journal, page_writer, state

router = APIRouter(include_in_schema=False, route_class=FormRoute)
Owner = Annotated[Journal, Depends(form_owner)]
Viewer = Annotated[str, Depends(page_writer)]  # pages for writing: not a reader's
# What the bookmarklet sends of a selection (characters): a GET address must stay short
# (a Japanese character is 9 bytes percent-encoded); the start of a passage is enough to place it.
BOOKMARKLET_CHARS = 1000
Field = Annotated[str, Query(max_length=20_000)]

MANIFEST = {
    "name": "kirinuki",
    "short_name": "kirinuki",
    "lang": "ja",
    "start_url": "/compose",
    "scope": "/",
    "display": "standalone",
    # Chrome installs an app with a 192 and a 512 pixel icon (and no service worker since
    # version 108 on Android, 112 on the desktop).
    "icons": [{"src": "/_web/icon-192.png", "sizes": "192x192", "type": "image/png"},
              {"src": "/_web/icon-512.png", "sizes": "512x512", "type": "image/png"},
              {"src": "/_web/icon.svg", "sizes": "any", "type": "image/svg+xml"}],
    # GET: the share opens the picker; nothing is stored until the owner confirms there.
    "share_target": {"action": "/share", "method": "GET",
                     "params": {"title": "title", "text": "text", "url": "url"}},
}

_BOOKMARKLET = (
    "javascript:(function(){var s=getSelection(),t=String(s),p='',x='';"
    "if(s.rangeCount){var r=s.getRangeAt(0),a=r.startContainer,b=r.endContainer;"
    "if(a.nodeType==3)p=a.data.slice(Math.max(0,r.startOffset-32),r.startOffset);"
    "if(b.nodeType==3)x=b.data.slice(r.endOffset,r.endOffset+32);}"
    "var e=encodeURIComponent;window.open('{origin}/share?url='+e(location.href)"
    "+'&text='+e(t.slice(0,{chars}))+'&prefix='+e(p)+'&suffix='+e(x),'_blank','noopener');"
    "})()"
)


def bookmarklet_code(origin: str) -> str:
    """The bookmarklet: a javascript: URL sending the page and the selection to `/share`."""
    return _BOOKMARKLET.replace("{origin}", origin).replace("{chars}", str(BOOKMARKLET_CHARS))


@router.get("/manifest.webmanifest")
def manifest() -> Response:
    """The web app manifest, with the share target the phone's share sheet lists."""
    return Response(json.dumps(MANIFEST, ensure_ascii=False),
                    media_type="application/manifest+json")


@router.get("/bookmarklet")
def bookmarklet(request: Request, _: Viewer) -> Response:
    """How to capture from the browser (bookmarklet) and the phone (share target)."""
    origin = f"{request.url.scheme}://{request.url.netloc}"
    return page(request, "bookmarklet.html", "ブラウザとスマホから切り抜く",
                code=bookmarklet_code(origin), chars=BOOKMARKLET_CHARS)


@router.get("/share")
def share(request: Request, _: Viewer, url: Field = "", text: Field = "", title: Field = "",
          prefix: Field = "", suffix: Field = "",
          j: Journal = Depends(journal)) -> Response:
    """The picker for a shared page, the selected passages ticked; stores nothing."""
    make = state(request).fetcher
    fetcher = make() if make else None
    try:
        shared = read_shared(j, url, text, prefix, suffix, fetcher=fetcher)
    finally:
        if fetcher is not None:
            fetcher.close()
    a = shared.article
    notice = None
    if shared.quote and not shared.ticked:
        notice = "選んだ文章は記事の本文に見つかりませんでした。切り抜く段落を選んでください。"
    pick = {"url": a.url, "title": a.title or title or None, "source": a.publisher,
            "number": None, "updated": False, "figures": [], "paragraphs": a.paragraphs,
            "ticked": [i + 1 for i in shared.ticked], "action": "/share/clip",
            "hidden": {"url": a.url, "hash": a.content_hash}, "notice": notice}
    return page(request, "pick.html", t("pick.heading"), pick=pick,
                suggestions=suggest_tags(j, [a.paragraphs[i] for i in shared.ticked]
                                         or a.paragraphs, a.site),
                drafts=list_entries(j, limit=10, status=Status.DRAFT))


@router.post("/share/clip")
def share_clip(request: Request, j: Owner, url: str = Form(..., max_length=4000),
               hash: str = Form(..., max_length=200), pick: list[int] = Form([]),
               tags: str = Form(""), entry: str = Form("today")) -> Response:
    """Store the shared article and add the ticked paragraphs to the chosen entry."""
    make = state(request).fetcher
    fetcher = make() if make else None
    try:
        res = clip_shared(j, url, hash, [p - 1 for p in pick], split_tag_field(tags),
                          entry or None, fetcher=fetcher)
    finally:
        if fetcher is not None:
            fetcher.close()
    return see_other(f"/edit/{res.entry.id}#end")
