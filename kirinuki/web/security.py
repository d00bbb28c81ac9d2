"""Who may write: a user's session (cookie + CSRF token) or an API token, with a role that
writes (owner, editor; a reader gets 403); the user is recorded as the author of the write.

Forms carry the session's CSRF token in a hidden field `csrf`; the JSON API takes either
`Authorization: Bearer <token>` or the session cookie with the CSRF token in `X-CSRF-Token`.
Tokens are compared in constant time.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from fastapi import Depends, Form, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param

from kirinuki.errors import AuthError
from kirinuki.journal import Journal
from kirinuki.journal.accounts import (
    SESSION_DAYS,
    Session,
    User,
    check_token,
    require_writer,
    session_user,
)
from kirinuki.web.limits import body_cap
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


def journal(request: Request) -> Iterator[Journal]:
    """A journal connection leased to this request alone (a dependency)."""
    with state(request).lease() as j:
        yield j


def session_of(request: Request, j: Journal) -> tuple[str, User] | None:
    """(CSRF token, user) of the session this request carries, or None."""
    return session_user(j, request.cookies.get(COOKIE, ""))


def owner_csrf(request: Request, j: Journal) -> str | None:
    """The CSRF token of the signed-in user's session carried by this request, or None."""
    found = session_of(request, j)
    return found[0] if found is not None else None


def acting(j: Journal, user: User, method: str) -> Journal:
    """`j` writing as `user`: a write (any method but GET, HEAD, OPTIONS) needs a role that
    writes, and records the user as the author. Raises ForbiddenError for a reader."""
    if method not in SAFE_METHODS:
        require_writer(user)
    j.store.author = user.name
    return j


def _form_session(request: Request, csrf: str, j: Journal) -> User:
    found = session_of(request, j)
    if found is None:
        raise AuthError("sign in to do this")
    if not hmac.compare_digest(found[0].encode(), csrf.encode()):
        raise CsrfError("the form is stale or forged (CSRF token mismatch): reload and retry")
    return found[1]


def form_owner(request: Request, csrf: str = Form(""),
               j: Journal = Depends(journal)) -> Journal:
    """A form posted by a signed-in user who may write. Raises AuthError, CsrfError,
    ForbiddenError (a reader)."""
    return acting(j, _form_session(request, csrf, j), request.method)


def form_user(request: Request, csrf: str = Form(""),
              j: Journal = Depends(journal)) -> Journal:
    """A form posted by any signed-in user (signing out). Raises AuthError, CsrfError."""
    _form_session(request, csrf, j)
    return j


def page_owner(request: Request, j: Journal = Depends(journal)) -> str:
    """The CSRF token of the signed-in user (any role) viewing a page. Raises AuthError."""
    expected = owner_csrf(request, j)
    if expected is None:
        raise AuthError("sign in to see this page")
    return expected


def page_writer(request: Request, j: Journal = Depends(journal)) -> str:
    """The CSRF token of a signed-in user who may write, viewing a page made for writing (the
    composer, the trash). Raises AuthError, ForbiddenError (a reader)."""
    found = session_of(request, j)
    if found is None:
        raise AuthError("sign in to see this page")
    require_writer(found[1])
    return found[0]


def can_write(request: Request, j: Journal) -> bool:
    """True when the request's signed-in user may write (what a page offers to do)."""
    found = session_of(request, j)
    return found is not None and found[1].can_write


def api_owner(request: Request,
              _creds: HTTPAuthorizationCredentials | None = Depends(_bearer),
              j: Journal = Depends(journal)) -> Journal:
    """An API call by a user: a bearer token, or the session cookie (with the CSRF header
    for writes); writes need a role that writes. Raises AuthError, CsrfError,
    ForbiddenError."""
    return acting(j, check_api_caller(request, j), request.method)


def check_api_caller(request: Request, j: Journal) -> User:
    """What `api_owner` checks, from the request's headers alone: the calling user. Raises
    AuthError, CsrfError, ForbiddenError (a reader's write)."""
    scheme, credentials = get_authorization_scheme_param(request.headers.get("authorization"))
    if scheme.lower() == "bearer" and credentials:
        user = check_token(j, credentials)
    else:
        found = session_of(request, j)
        if found is None:
            raise AuthError("an API token (Authorization: Bearer …) or a signed-in session "
                            "is needed")
        expected, user = found
        if request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            if not hmac.compare_digest(expected.encode(), sent.encode()):
                raise CsrfError(f"a session-authenticated write needs the {CSRF_HEADER} header")
    if request.method not in SAFE_METHODS:
        require_writer(user)
    return user


def check_session(request: Request, j: Journal) -> None:
    """A signed-in user's session cookie (the CSRF token is in the form). Raises AuthError."""
    if owner_csrf(request, j) is None:
        raise AuthError("sign in to do this")


class CallerFirstRoute(APIRoute):
    """A route whose writes check the caller from the headers before the body is read.

    FastAPI reads and parses a body parameter (JSON, form) before it runs any dependency: an
    unauthenticated 4 MB post was read whole to be refused. `check` runs first instead, in a
    worker thread (it reads the journal); the dependencies still run after it.
    """

    check: Callable[[Request, Journal], object] = staticmethod(check_session)
    reads_form = False

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        check, reads_form = type(self).check, self.reads_form

        async def guarded(request: Request) -> Response:
            if request.method not in SAFE_METHODS:
                await run_in_threadpool(lambda: check(request, state(request).journal()))
                if reads_form:
                    # Fields as large as the address's cap (Starlette stops one at 1 MB: a
                    # long paste was a 400); FastAPI takes this form, kept on the request.
                    await request.form(max_part_size=body_cap(request.url.path))
            return await handler(request)

        return guarded


class ApiRoute(CallerFirstRoute):
    """A JSON API route: token or session + CSRF header checked before the body is read."""

    check = staticmethod(check_api_caller)


class FormRoute(CallerFirstRoute):
    """An owner's form route: the session checked before the form is read (the CSRF token,
    inside the form, is checked after, by `form_owner`)."""

    reads_form = True


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
