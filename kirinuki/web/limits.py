"""Request body caps, enforced before anything reads a body (`BodyLimit`).

FastAPI parses a JSON or form body before it runs the route's dependencies (authentication
among them), and Starlette keeps the whole body in memory: one 300 MB unauthenticated POST
grew a server by 857 MB. Each address gets a cap instead; a body declared larger
(Content-Length) is refused before a byte of it is read, and a body sent without a length
(chunked) is counted as it arrives and refused when it passes the cap. Either way the answer
is 413 and the connection is closed, so the rest of the body is never read.
"""

from __future__ import annotations

import json
import re
from typing import Any

KB = 1024
MB = 1024 * KB
SIGN_IN_BODY = 16 * KB  # a password, a code and a local path
API_BODY = 4 * MB  # JSON API calls and pasted clip text
ATOMPUB_BODY = 10 * MB  # one entry, as Hatena takes it
OTHER_BODY = 256 * KB  # the owner's other forms: one clip, tags, a URL
_ATOMPUB = re.compile(r"/[^/]+/[^/]+/atom(?:/|$)")


def is_atompub(path: str) -> bool:
    """True for an AtomPub address (`/{user}/{blog}/atom…`)."""
    return _ATOMPUB.match(path) is not None


# What an AtomPub 401 offers: every scheme the API accepts (docs/hatena.md, Authentication).
ATOMPUB_CHALLENGE = 'Basic realm="AtomPub", WSSE profile="UsernameToken", OAuth realm="AtomPub"'
_TITLE = "送信された内容が大きすぎます"


def body_cap(path: str) -> int:
    """The largest request body accepted at `path`, in bytes."""
    if path == "/signin":
        return SIGN_IN_BODY
    # The paste, its preview and the edit page's one form carry a whole entry's text.
    if path.startswith(("/api/", "/edit/")) or path in ("/compose/paste", "/compose/preview"):
        return API_BODY
    if is_atompub(path):
        return ATOMPUB_BODY
    return OTHER_BODY


def _size(n: int) -> str:
    return f"{n // MB} MB" if n >= MB else f"{n // KB} KB"


def _refusal(path: str, cap: int) -> tuple[bytes, bytes]:
    """(media type, body) of the 413 answer, in the form the address answers errors in."""
    if path.startswith("/api/"):
        body = {"error": {"type": "PayloadTooLarge",
                          "message": f"the request body is over the {_size(cap)} limit"}}
        return b"application/json", json.dumps(body).encode()
    if is_atompub(path):
        return b"text/plain; charset=utf-8", f"request body over {_size(cap)}\n".encode()
    html = (f'<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8"><title>{_TITLE}'
            f"</title></head>\n<body><h1>{_TITLE}</h1>\n<p>この宛先に送れる内容は {_size(cap)} "
            "までです。</p></body></html>\n")
    return b"text/html; charset=utf-8", html.encode()


class BodyTooLarge(Exception):
    """Raised into the app by `receive` when a body passes its cap."""


class BodyLimit:
    """ASGI middleware: refuse request bodies over `body_cap` with 413, unread."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        cap = body_cap(path)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > cap:
            await _refuse(send, path, cap)
            return
        received = 0
        over = started = refused = False

        async def counted() -> dict[str, Any]:
            nonlocal received, over
            message: dict[str, Any] = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    over = True
                    raise BodyTooLarge(f"request body over {cap} bytes")
            return message

        async def answer(message: dict[str, Any]) -> None:
            nonlocal started, refused
            if refused:
                return
            if over and not started:
                # Whatever the app makes of a body it could not read (FastAPI: 400), the
                # client is told why: the refusal is sent instead of the app's answer.
                if message["type"] == "http.response.start":
                    started = refused = True
                    await _refuse(send, path, cap)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, answer)
        except Exception:
            if not over or started:
                raise
        if over and not started:
            await _refuse(send, path, cap)


async def _refuse(send: Any, path: str, cap: int) -> None:
    media, body = _refusal(path, cap)
    await send({"type": "http.response.start", "status": 413, "headers": [
        (b"content-type", media), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"), (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})
