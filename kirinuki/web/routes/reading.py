"""The published site, live: every address of the static site, from the same templates."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from kirinuki.errors import NotFoundError
from kirinuki.journal import Journal
from kirinuki.journal.composing import moved_permalink
from kirinuki.publish import urls
from kirinuki.web.cache import owner_links, page_key
from kirinuki.web.live import decode_path
from kirinuki.web.security import COOKIE, journal, state

router = APIRouter(include_in_schema=False)


@router.get("/{path:path}")
def site_page(request: Request, path: str, j: Journal = Depends(journal)) -> Response:
    """Any page of the published site (entries, lists, tags, archives, feeds, static files)."""
    st = state(request)
    key = page_key(request.scope["path"])
    with st.pages.filling(key) as cached:
        hit = cached()
        if hit is None:
            mark = st.page_mark()  # before rendering: the page is at least this fresh
            found = st.site.find(j, decode_path(request.url.path))
            if found is None:
                moved = _moved(j, decode_path(request.url.path))
                if moved is not None:
                    return RedirectResponse(moved, status_code=301)
                raise NotFoundError(f"no page at {request.url.path}")
            if found.redirect is not None:
                return RedirectResponse(found.redirect, status_code=301)
            assert found.page is not None
            hit = st.site.render(j, found.page, found.built), found.media
            st.pages.put(key, mark, *hit)
    body = hit[0]
    if request.cookies.get(COOKIE):
        body = owner_links(request.scope["path"], body, hit[1])
    return Response(body, media_type=hit[1], headers={"Cache-Control": "no-cache"})


def _moved(j: Journal, path: str) -> str | None:
    """The new address of an entry page whose entry moved to another date, or None."""
    if not path.startswith("/entry/"):
        return None
    text = path.endswith("/entry.txt")
    link = moved_permalink(j, path.removesuffix("entry.txt").rstrip("/"))
    if link is None:
        return None
    return urls.entry_text_url(link) if text else urls.entry_url(link)
