"""Signing in and out."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from markupsafe import Markup

from kirinuki.journal import Journal
from kirinuki.journal.accounts import (
    SignInError,
    ThrottledError,
    has_owner,
    list_users,
    sign_in,
    sign_out,
)
from kirinuki.web.messages import t
from kirinuki.web.render import page, see_other
from kirinuki.web.security import (
    COOKIE,
    clear_session_cookie,
    form_user,
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
    return page(request, "signin.html", t("signin.heading"), next=_safe_next(next),
                configured=has_owner(j), throttled=False, message=None,
                several=_several(j))


def _several(j: Journal) -> bool:
    """True when more than one account can sign in (the name is then needed)."""
    return sum(1 for u in list_users(j) if u.has_password) > 1


_REFUSED = {
    "password": "ユーザー名かパスワードが違います。",
    "name": "アカウントが複数あります。ユーザー名も入力してください。",
    "code": "サインインコードが違うか、使用済みか、期限切れです。"
            "サーバーで <code>kirinuki user sign-in-code</code> を実行し、新しいコードを入力してください。",
    "unset": "パスワードがまだ設定されていません。",
}


@router.post("/signin")
def signin(request: Request, password: str = Form(""), code: str = Form(""),
           name: str = Form("", max_length=40), next: str = Form("/compose"),
           j: Journal = Depends(journal)) -> Response:
    """Check the user's password (the name may be left out while only one account has a
    password; the one-time code when one is given); on success set the
    session cookie and go on. Refusals are shown on the form itself: 401, or 429 with
    Retry-After when this client failed too often."""
    client = request.client.host if request.client else "unknown"
    try:
        session = sign_in(j, password, client, code, name)
    except ThrottledError as exc:
        minutes = -(-exc.retry_after // 60)
        refusal = page(request, "signin.html", t("signin.heading"), 429, next=_safe_next(next),
                        configured=has_owner(j), throttled=True, several=_several(j), message=Markup(
                            "サインインの失敗が続いたため、この接続元からのサインインを"
                            f"あと{minutes}分ほど受け付けません。サーバーで "
                            "<code>kirinuki user sign-in-code</code> を実行すると、"
                            "パスワードと一緒に入力すればすぐにサインインできるコードが表示されます。"))
        refusal.headers["Retry-After"] = str(exc.retry_after)
        return refusal
    except SignInError as exc:
        return page(request, "signin.html", t("signin.heading"), exc.http_status,
                    next=_safe_next(next), configured=has_owner(j), throttled=False,
                    several=_several(j), message=Markup(_REFUSED[exc.reason]))
    response = see_other(_safe_next(next))
    set_session_cookie(request, response, session)
    return response


@router.post("/signout")
def signout(request: Request, j: Journal = Depends(form_user)) -> Response:
    """End the session (any role)."""
    sign_out(j, request.cookies.get(COOKIE, ""))
    response = see_other("/")
    clear_session_cookie(request, response)
    return response
