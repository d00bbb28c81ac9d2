"""The one place errors become responses: JSON under /api, HTML pages elsewhere.

A `KirinukiError` answers with its class's `http_status`; a sign-in error on a page sends the
browser to the sign-in form instead. Anything unexpected is logged and answered with a 500
that reveals nothing. An HTML error page is Japanese, says what to do next and links back; the
exception's own text (English, written for the CLI and the API) never reaches it.
"""

from __future__ import annotations

import logging
from html import escape
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from kirinuki.errors import (
    AuthError,
    BlockedAddressError,
    FetchError,
    ForbiddenError,
    JournalBusyError,
    JournalError,
    KirinukiError,
    SchemaTooNewError,
)
from kirinuki.web.limits import ATOMPUB_CHALLENGE, is_atompub
from kirinuki.web.render import page
from kirinuki.web.security import CsrfError

log = logging.getLogger("kirinuki.web")
_TITLES = {400: "入力に問題があります", 401: "サインインが必要です", 403: "許可されていません",
           404: "ページが見つかりません", 405: "この操作はできません", 409: "競合しています",
           412: "ほかの変更が先にありました",
           413: "送られた内容が大きすぎます", 414: "アドレスが長すぎます",
           415: "この形式は受け付けていません", 422: "入力に問題があります",
           429: "しばらくお待ちください", 500: "サーバーの問題です", 502: "取得できませんでした",
           503: "ただいま使えません"}
_MESSAGES = {
    400: "入力が正しくありません。内容を確かめて、もう一度お試しください。",
    401: "この操作にはサインインが必要です。",
    403: "この操作は許可されていません。",
    404: "お探しのページはありません。",
    405: "このアドレスはその方法では使えません。ページのリンクやボタンからお試しください。",
    409: "ほかの変更と重なりました。ページを読み込み直して、もう一度お試しください。",
    412: "この記事はほかの人が先に変更しました。読み込み直してから、もう一度変更してください。",
    413: "送られた内容が大きすぎるため、受け付けられませんでした。",
    414: "アドレスが長すぎるため、受け付けられませんでした。",
    415: "送られた内容の形式は受け付けていません。",
    422: "入力が正しくありません。内容を確かめて、もう一度お試しください。",
    429: "操作が続いたため、しばらく受け付けません。少し待ってからお試しください。",
    500: "サーバーで問題が起きたため、ページを表示できませんでした。時間をおいて、もう一度お試しください。",
    502: "記事を取得できませんでした。アドレスを確かめるか、時間をおいてお試しください。",
    503: "ただいまこのページを使えません。時間をおいて、もう一度お試しください。",
}
# Errors whose class says more than their status (checked in order: subclasses first).
_CLASS_MESSAGES: tuple[tuple[type[KirinukiError], str], ...] = (
    (CsrfError, "フォームの有効期限が切れたか、別の画面から送られました。"
                "ページを読み込み直して、もう一度お試しください。"),
    (ForbiddenError, "閲覧者のアカウントでは記録帳を変更できません。"
                     "変更するには、所有者に編集者の役割を付けてもらってください。"),
    (BlockedAddressError, "このアドレスは内部のネットワークを指しているため、取得しません。"),
    (FetchError, _MESSAGES[502]),
    (SchemaTooNewError, "この記録帳は新しい版の kirinuki で作られているため、開けません。"),
    (JournalBusyError, "ほかの書き込みが終わらなかったため、変更していません。"
                       "少し待ってから、もう一度お試しください。"),
    (JournalError, "記録帳を読み書きできませんでした。時間をおいて、もう一度お試しください。"),
)
BUSY_RETRY_AFTER = "1"  # seconds: a write lock is held for a transaction, not for long
_PLAIN_PAGE = ("<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
               "<title>{title}</title></head><body><h1>{title}</h1><p>{message}</p>"
               "<p><a href=\"/\">トップページへ戻る</a></p></body></html>\n")


def page_message(status: int, exc: Exception | None = None) -> str:
    """The Japanese sentence an HTML error page shows for `status` (and the error's class)."""
    for cls, message in _CLASS_MESSAGES:
        if isinstance(exc, cls):
            return message
    if status in _MESSAGES:
        return _MESSAGES[status]
    return _MESSAGES[500] if status >= 500 else _MESSAGES[400]


def page_title(status: int) -> str:
    """The heading of an HTML error page."""
    return _TITLES.get(status, "サーバーの問題です" if status >= 500 else "エラー")


def wants_json(request: Request) -> bool:
    """True for API requests, which get JSON errors."""
    return request.url.path.startswith("/api/")


def plain_error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """An AtomPub error: clients read a short plain-text reason, never the site's HTML page."""
    return Response(message + "\n", status_code=status, headers=headers, media_type="text/plain")


def json_error(status: int, kind: str, message: str, detail: object = None,
               headers: dict[str, str] | None = None) -> JSONResponse:
    """An error body: {"error": {"type", "message"[, "detail"]}}."""
    body: dict[str, object] = {"type": kind, "message": message}
    if detail is not None:
        body["detail"] = detail
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def _html_error(request: Request, status: int, exc: Exception | None = None,
                headers: dict[str, str] | None = None) -> Response:
    title, message = page_title(status), page_message(status, exc)
    try:
        if status == 404:
            st = request.app.state.web
            j = st.journal()
            return Response(st.site.not_found(j), status_code=404, headers=headers,
                            media_type="text/html; charset=utf-8")
        response = page(request, "error.html", title, status, message=message, code=status)
    except Exception:  # the error page itself failed (a damaged journal): answer plainly
        log.exception("error page failed")
        body = _PLAIN_PAGE.format(title=escape(title), message=escape(message))
        return Response(body, status_code=status, headers=headers,
                        media_type="text/html; charset=utf-8")
    response.headers.update(headers or {})
    return response


async def kirinuki_error(request: Request, exc: Exception) -> Response:
    """Map a KirinukiError to its status."""
    assert isinstance(exc, KirinukiError)
    status = exc.http_status
    if status >= 500:
        log.error("%s: %s", request.url.path, exc)
    # A busy journal wrote nothing: the client may send the same request again shortly.
    retry = {"Retry-After": BUSY_RETRY_AFTER} if isinstance(exc, JournalBusyError) else None
    if wants_json(request):
        return json_error(status, type(exc).__name__, str(exc), headers=retry)
    if is_atompub(request.url.path):
        return plain_error(status, str(exc), {"WWW-Authenticate": ATOMPUB_CHALLENGE}
                           if isinstance(exc, AuthError) and status == 401 else retry)
    if type(exc) is AuthError and request.method == "GET":
        # The query comes along: a shared page (/share?url=…) opens after signing in.
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/signin?next=" + quote(target, safe="/"), 303)
    if isinstance(exc, AuthError) and not isinstance(exc, CsrfError) and status == 401:
        return RedirectResponse("/signin", 303)
    return _html_error(request, status, exc, retry)


async def validation_error(request: Request, exc: Exception) -> Response:
    """Malformed parameters or body: 422 with FastAPI's details for the API, 400 for pages."""
    assert isinstance(exc, RequestValidationError)
    if wants_json(request):
        detail = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))}
                  for e in exc.errors()]
        return json_error(422, "ValidationError", "the request is malformed", detail)
    if is_atompub(request.url.path):
        return plain_error(400, "the request is malformed")
    return _html_error(request, 400)


async def http_error(request: Request, exc: Exception) -> Response:
    """Unknown addresses, wrong methods and the like (the `Allow` header is kept)."""
    assert isinstance(exc, HTTPException)
    if wants_json(request):
        return json_error(exc.status_code, "HTTPError", str(exc.detail))
    if is_atompub(request.url.path):
        return plain_error(exc.status_code, str(exc.detail), dict(exc.headers or {}))
    return _html_error(request, exc.status_code, exc, dict(exc.headers or {}))


async def unexpected(request: Request, exc: Exception) -> Response:
    """A bug: log it, reveal nothing."""
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    if wants_json(request):
        return json_error(500, "InternalError", "internal error")
    if is_atompub(request.url.path):
        return plain_error(500, "internal error")
    return _html_error(request, 500)


def install(app: FastAPI) -> None:
    """Register the handlers."""
    app.add_exception_handler(KirinukiError, kirinuki_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
