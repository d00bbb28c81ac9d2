"""Rendering the web app's own pages inside the published site's layout (`base.html`)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from kirinuki.journal import Journal
from kirinuki.web.messages import JA, t
from kirinuki.web.security import session_of, state
from kirinuki.web.state import WebState

OWNER_NAV = ({"label": t("nav.compose"), "url": "/compose"},
             {"label": t("nav.manage"), "url": "/manage"},
             {"label": t("nav.changes"), "url": "/changes"},
             {"label": t("nav.trash"), "url": "/trash"})
READER_NAV = ("/manage", "/changes")  # what a signed-in reader's menu keeps
WEB_CSS = "/_web/web.css"
DONE_COOKIE = "kirinuki_done"
_DONE = re.compile(r"([a-z_]{1,20}):([0-9]{1,9}):([0-9]{1,18})?")


def page(request: Request, template: str, title: str, status: int = 200,
         **data: Any) -> HTMLResponse:
    """A web-only page (sign-in, composer, edit forms) with the site's header and footer;
    it shows (once) what the form before it did (`done_redirect`)."""
    st = state(request)
    j = st.journal()
    data = {**done(request), **data}
    found = session_of(request, j)
    html = render_page(st, j, template, title, found[0] if found else None,
                       writer=found is not None and found[1].can_write, **data)
    response = HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})
    if DONE_COOKIE in request.cookies:
        response.delete_cookie(DONE_COOKIE, path="/")
    return response


def done(request: Request) -> dict[str, Any]:
    """What the last form did, from the cookie `done_redirect` set: the sentence (a catalog
    key only: the cookie never carries words) and the entry an undo button restores."""
    m = _DONE.fullmatch(request.cookies.get(DONE_COOKIE, ""))
    if m is None or f"done.{m.group(1)}" not in JA:
        return {"done": None, "undo": None}
    n = int(m.group(2) or 0)
    return {"done": t(f"done.{m.group(1)}", n=n),
            "undo": int(m.group(3)) if m.group(3) else None}


def done_redirect(url: str, what: str, n: int = 0, undo: int | None = None) -> RedirectResponse:
    """`see_other(url)` that makes the next page say what was done (`done.<what>` of the
    catalog), with an undo button for the entry `undo` when given."""
    response = see_other(url)
    response.set_cookie(DONE_COOKIE, f"{what}:{n}:{undo or ''}", max_age=300, path="/",
                        httponly=True, samesite="lax")
    return response


def render_page(st: WebState, j: Journal, template: str, title: str, csrf: str | None,
                writer: bool = True, mark: int | None = None, **data: Any) -> str:
    """The HTML of a web-only page; `csrf` is the signed-in user's token, None for a visitor;
    `writer` False for a signed-in reader (no composer, trash or write buttons); `mark`: the
    change mark read since the request arrived, if there is one."""
    _, renderer = st.site.current(j, mark)
    site = dict(renderer.site)
    nav = OWNER_NAV if writer else tuple(n for n in OWNER_NAV if n["url"] in READER_NAV)
    site["nav"] = list(site["nav"]) + (list(nav) if csrf else [])
    # The header shows the menu: made again with the owner's links.
    site["header"] = st.env.get_template("_macros.html").module.site_header(site)  # type: ignore[attr-defined]
    return st.env.get_template(template).render(
        site=site,
        page={"title": title, "canonical": None, "feeds": [], "noindex": True},
        csrf=csrf or "",
        signed_in=csrf is not None,
        can_write=csrf is not None and writer,
        web_css=WEB_CSS,
        **data,
    )


def see_other(url: str) -> RedirectResponse:
    """The answer to a successful form post: go and look (303)."""
    return RedirectResponse(url, status_code=303)
