"""The HTTP side of an AtomPub client: WSSE-signed requests that answer parsed XML.

The journal's Hatena pull/push composes this with the store. Requests go through a `Fetcher`,
so the SSRF guard (every URL, including the `next` links a server hands out), the size cap and
the deadline apply as for pages; tests may bind an httpx client to kirinuki's own server
instead.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import UTC, datetime
from xml.etree import ElementTree

import httpx

from kirinuki.capture.fetch import Fetcher
from kirinuki.errors import FetchError


def wsse(user: str, key: str) -> dict[str, str]:
    """The WSSE headers of one request (SPEC §1.3): a fresh nonce and time each call."""
    nonce = secrets.token_bytes(20)
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = base64.b64encode(hashlib.sha1(nonce + created.encode() + key.encode()).digest())
    return {"X-WSSE": f'UsernameToken Username="{user}", PasswordDigest="{digest.decode()}", '
                      f'Nonce="{base64.b64encode(nonce).decode()}", Created="{created}"',
            "Authorization": 'WSSE profile="UsernameToken"'}


class AtomPubSession:
    """WSSE-signed requests to one AtomPub service. Use as a context manager.

    `client` is a Fetcher (default: one with the guard on, made and closed here), or an
    httpx client used as it is (tests bind one to kirinuki's own app).
    """

    def __init__(self, user: str, key: str, client: httpx.Client | Fetcher | None = None
                 ) -> None:
        self.user = user
        self.key = key
        self._own = client is None
        self.client = Fetcher() if client is None else client

    def request(self, method: str, url: str, body: bytes | None = None) -> ElementTree.Element:
        """The XML answer of `method url`. Raises FetchError for transport errors, statuses
        of 300 and above, oversize answers and answers that are not XML; BlockedAddressError
        and InputError for a URL the guard refuses."""
        headers = wsse(self.user, self.key)
        if isinstance(self.client, Fetcher):
            content = self.client.request(method, url, content=body, headers=headers).content
        else:
            try:
                r = self.client.request(method, url, content=body, headers=headers)
            except httpx.HTTPError as exc:
                raise FetchError(f"{method} {url}: {exc}") from exc
            if r.status_code >= 300:
                raise FetchError(f"{method} {url}: HTTP {r.status_code} {r.text[:200].strip()}")
            content = r.content
        try:
            return ElementTree.fromstring(content)
        except ElementTree.ParseError as exc:
            raise FetchError(f"{method} {url}: the answer is not XML ({exc})") from exc

    def __enter__(self) -> AtomPubSession:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._own:
            self.client.close()
