"""Who may write: the owner's session (cookie + CSRF token) or an API token.

Forms carry the session's CSRF token in a hidden field `csrf`; the JSON API takes either
`Authorization: Bearer <token>` or the session cookie with the CSRF token in `X-CSRF-Token`.
Tokens are compared in constant time.
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import Depends, Form, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kirinuki.errors import AuthError
from kirinuki.journal import Journal
from kirinuki.journal.accounts import SESSION_DAYS, Session, check_token, session_csrf
from kirinuki.web.state import WebState

COOKIE = "kirinuki_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
_bearer = HTTPBearer(auto_error=False, description="An API token from `kirinuki token create`.")


class CsrfError(AuthError):
    """A form or request without the session's CSRF token."""

    http_status = 403


def state(request: Request) -> WebState:
    """The app's state."""
    web: WebState = request.app.state.web
    return web


def journal(request: Request) -> Journal:
    """This worker thread's journal (a dependency)."""
    return state(request).journal()


def owner_csrf(request: Request, j: Journal) -> str | None:
    """The CSRF token of the owner's session carried by this request, or None."""
    return session_csrf(j, request.cookies.get(COOKIE, ""))


def form_owner(request: Request, csrf: str = Form(""),
               j: Journal = Depends(journal)) -> Journal:
    """A form posted by the signed-in owner. Raises AuthError, CsrfError."""
    expected = owner_csrf(request, j)
    if expected is None:
        raise AuthError("sign in to do this")
    if not hmac.compare_digest(expected.encode(), csrf.encode()):
        raise CsrfError("the form is stale or forged (CSRF token mismatch): reload and retry")
    return j


def page_owner(request: Request, j: Journal = Depends(journal)) -> str:
    """The CSRF token of the signed-in owner viewing a page. Raises AuthError."""
    expected = owner_csrf(request, j)
    if expected is None:
        raise AuthError("sign in to see this page")
    return expected


def api_owner(request: Request,
              creds: HTTPAuthorizationCredentials | None = Depends(_bearer),
              j: Journal = Depends(journal)) -> Journal:
    """An API call by the owner: a bearer token, or the session cookie (with the CSRF header
    for writes). Raises AuthError, CsrfError."""
    if creds is not None:
        check_token(j, creds.credentials)
        return j
    expected = owner_csrf(request, j)
    if expected is None:
        raise AuthError("an API token (Authorization: Bearer …) or a signed-in session is needed")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(expected.encode(), sent.encode()):
            raise CsrfError(f"a session-authenticated write needs the {CSRF_HEADER} header")
    return j


def set_session_cookie(request: Request, response: Response, session: Session) -> None:
    """Hand the session to the browser: HttpOnly, SameSite=Lax, Secure over https."""
    response.set_cookie(COOKIE, session.token, max_age=SESSION_DAYS * 86400, httponly=True,
                        samesite="lax", secure=request.url.scheme == "https", path="/")


def clear_session_cookie(request: Request, response: Response) -> None:
    """Remove the session cookie."""
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax",
                           secure=request.url.scheme == "https")


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def add_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + HEADERS
            await send(message)

        await self.app(scope, receive, add_headers)
