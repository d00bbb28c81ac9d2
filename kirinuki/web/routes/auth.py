"""Signing in and out."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from kirinuki.errors import AuthError
from kirinuki.journal import Journal
from kirinuki.journal.accounts import has_owner, sign_in, sign_out
from kirinuki.web.render import page, see_other
from kirinuki.web.security import (
    COOKIE,
    clear_session_cookie,
    form_owner,
    journal,
    set_session_cookie,
)

router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    """Only a local path may follow sign-in (no open redirect to another site)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/compose"


@router.get("/signin")
def signin_form(request: Request, next: str = "/compose",
                j: Journal = Depends(journal)) -> Response:
    """The sign-in form."""
    return page(request, "signin.html", "サインイン", next=_safe_next(next),
                configured=has_owner(j), message=None)


@router.post("/signin")
def signin(request: Request, password: str = Form(""), next: str = Form("/compose"),
           j: Journal = Depends(journal)) -> Response:
    """Check the password; on success set the session cookie and go on."""
    client = request.client.host if request.client else "unknown"
    try:
        session = sign_in(j, password, client)
    except AuthError as exc:  # shown on the form itself, with its status (401 or 429)
        return page(request, "signin.html", "サインイン", exc.http_status,
                    next=_safe_next(next), configured=has_owner(j), message=str(exc))
    response = see_other(_safe_next(next))
    set_session_cookie(request, response, session)
    return response


@router.post("/signout")
def signout(request: Request, j: Journal = Depends(form_owner)) -> Response:
    """End the session."""
    sign_out(j, request.cookies.get(COOKIE, ""))
    response = see_other("/")
    clear_session_cookie(request, response)
    return response
