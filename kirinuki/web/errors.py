"""The one place errors become responses: JSON under /api, HTML pages elsewhere.

A `KirinukiError` answers with its class's `http_status`; a sign-in error on a page sends the
browser to the sign-in form instead. Anything unexpected is logged and answered with a plain
500 that reveals nothing.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from kirinuki.errors import AuthError, KirinukiError
from kirinuki.web.render import page
from kirinuki.web.security import CsrfError

log = logging.getLogger("kirinuki.web")
_TITLES = {400: "入力に問題があります", 401: "サインインが必要です", 403: "許可されていません",
           404: "ページが見つかりません", 409: "競合しています", 429: "しばらくお待ちください",
           500: "サーバーの問題です", 502: "取得できませんでした"}


def wants_json(request: Request) -> bool:
    """True for API requests, which get JSON errors."""
    return request.url.path.startswith("/api/")


def json_error(status: int, kind: str, message: str, detail: object = None) -> JSONResponse:
    """An error body: {"error": {"type", "message"[, "detail"]}}."""
    body: dict[str, object] = {"type": kind, "message": message}
    if detail is not None:
        body["detail"] = detail
    return JSONResponse({"error": body}, status_code=status)


def _html_error(request: Request, status: int, message: str) -> Response:
    try:
        if status == 404:
            st = request.app.state.web
            j = st.journal()
            return Response(st.site.not_found(j), status_code=404,
                            media_type="text/html; charset=utf-8")
        return page(request, "error.html", _TITLES.get(status, "エラー"), status,
                    message=message, code=status)
    except Exception:  # the error page itself failed: answer plainly
        log.exception("error page failed")
        return Response(message, status_code=status, media_type="text/plain; charset=utf-8")


async def kirinuki_error(request: Request, exc: Exception) -> Response:
    """Map a KirinukiError to its status."""
    assert isinstance(exc, KirinukiError)
    status = exc.http_status
    if status >= 500:
        log.error("%s: %s", request.url.path, exc)
    if wants_json(request):
        return json_error(status, type(exc).__name__, str(exc))
    if type(exc) is AuthError and request.method == "GET":
        return RedirectResponse("/signin?next=" + quote(request.url.path, safe="/"), 303)
    if isinstance(exc, AuthError) and not isinstance(exc, CsrfError) and status == 401:
        return RedirectResponse("/signin", 303)
    return _html_error(request, status, str(exc))


async def validation_error(request: Request, exc: Exception) -> Response:
    """Malformed parameters or body: 422 with FastAPI's details for the API, 400 for pages."""
    assert isinstance(exc, RequestValidationError)
    if wants_json(request):
        detail = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))}
                  for e in exc.errors()]
        return json_error(422, "ValidationError", "the request is malformed", detail)
    return _html_error(request, 400, "入力が正しくありません。")


async def http_error(request: Request, exc: Exception) -> Response:
    """Unknown addresses and wrong methods."""
    assert isinstance(exc, HTTPException)
    if wants_json(request):
        return json_error(exc.status_code, "HTTPError", str(exc.detail))
    return _html_error(request, exc.status_code, str(exc.detail))


async def unexpected(request: Request, exc: Exception) -> Response:
    """A bug: log it, reveal nothing."""
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    if wants_json(request):
        return json_error(500, "InternalError", "internal error")
    return Response("internal error", status_code=500, media_type="text/plain; charset=utf-8")


def install(app: FastAPI) -> None:
    """Register the handlers."""
    app.add_exception_handler(KirinukiError, kirinuki_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
