"""Rendering the web app's own pages inside the published site's layout (`base.html`)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from kirinuki.journal import Journal
from kirinuki.web.messages import t
from kirinuki.web.security import owner_csrf, state
from kirinuki.web.state import WebState

OWNER_NAV = ({"label": t("nav.compose"), "url": "/compose"}, {"label": t("nav.manage"), "url": "/manage"},
             {"label": t("nav.trash"), "url": "/trash"})
WEB_CSS = "/_web/web.css"


def page(request: Request, template: str, title: str, status: int = 200,
         **data: Any) -> HTMLResponse:
    """A web-only page (sign-in, composer, edit forms) with the site's header and footer."""
    st = state(request)
    j = st.journal()
    html = render_page(st, j, template, title, owner_csrf(request, j), **data)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def render_page(st: WebState, j: Journal, template: str, title: str, csrf: str | None,
                **data: Any) -> str:
    """The HTML of a web-only page; `csrf` is the owner's token, None for a reader."""
    _, renderer = st.site.current(j)
    site = dict(renderer.site)
    site["nav"] = list(site["nav"]) + (list(OWNER_NAV) if csrf else [])
    return st.env.get_template(template).render(
        site=site,
        page={"title": title, "canonical": None, "feeds": [], "noindex": True},
        csrf=csrf or "",
        signed_in=csrf is not None,
        web_css=WEB_CSS,
        **data,
    )


def see_other(url: str) -> RedirectResponse:
    """The answer to a successful form post: go and look (303)."""
    return RedirectResponse(url, status_code=303)
