"""The published site, live: every address of the static site, from the same templates."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from kirinuki.errors import NotFoundError
from kirinuki.journal import Journal
from kirinuki.web.cache import page_key
from kirinuki.web.security import journal, state
from kirinuki.web.site import decode_path

router = APIRouter(include_in_schema=False)


@router.get("/{path:path}")
def site_page(request: Request, path: str, j: Journal = Depends(journal)) -> Response:
    """Any page of the published site (entries, lists, tags, archives, feeds, static files)."""
    st = state(request)
    site = st.site
    mark = st.page_mark()  # before rendering: the page is at least this fresh
    found = site.find(j, decode_path(request.url.path))
    if found is None:
        raise NotFoundError(f"no page at {request.url.path}")
    if found.redirect is not None:
        return RedirectResponse(found.redirect, status_code=301)
    assert found.page is not None
    body = site.render(j, found.page, found.built)
    st.pages.put(page_key(request.scope["path"]), mark, body, found.media)
    return Response(body, media_type=found.media, headers={"Cache-Control": "no-cache"})
