"""OAuth 1.0a for the AtomPub API, as Hatena offers it: clients created here (`kirinuki hatena
oauth add`) hold a consumer key and an access token and sign each request (HMAC-SHA1 or
HMAC-SHA256); oauthlib checks the signature, this module the keys, timestamps and nonces.

There is no authorisation dance: the owner creates both pairs at once for an account (the
client then acts as that account, with its role: `--user`) and gives them to the client, as Hatena's "アプリケーション登録" plus a stored access token would. HMAC needs both
secrets, so they are stored readable (like the WSSE keys); a nonce is accepted once per client
and token, by any worker process (kept in `wsse_nonces` until its timestamp is out of range).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from oauthlib.oauth1 import RequestValidator, ResourceEndpoint

from kirinuki.errors import AuthError, InputError, NotFoundError
from kirinuki.journal.accounts import User, get_user, user_by_id
from kirinuki.journal.core import Journal
from kirinuki.store.sqlite import accounts as rows

TIMESTAMP_SKEW = 300  # seconds an oauth_timestamp may be from the server's clock
_DUMMY = "kirinuki-dummy-" + "0" * 17  # oauthlib checks unknown keys against a dummy in constant time


@dataclass(frozen=True)
class NewOAuthClient:
    """A client just created: the only time its secrets are shown."""

    id: int
    name: str
    consumer_key: str
    consumer_secret: str
    token: str
    token_secret: str


def add_oauth_client(journal: Journal, name: str, user: str | None = None) -> NewOAuthClient:
    """Create a consumer and its access token, authorised by the account `user` (None: the
    first owner): the client acts as that account, with its role. Raises InputError for an
    empty name, NotFoundError for an unknown user."""
    name = name.strip()
    if not name:
        raise InputError("an OAuth client needs a name")
    consumer = (secrets.token_hex(16), secrets.token_urlsafe(32))
    token = (secrets.token_hex(16), secrets.token_urlsafe(32))
    with journal.store.transaction():
        uid = get_user(journal, user).id
        cid = rows.insert_oauth_client(journal.store, name, consumer, token, datetime.now(UTC),
                                       uid)
    return NewOAuthClient(cid, name, *consumer, *token)


def list_oauth_clients(journal: Journal) -> list[rows.OAuthClientRow]:
    """Every client, revoked ones included, oldest first."""
    return rows.list_oauth_clients(journal.store)


def revoke_oauth_client(journal: Journal, client_id: int) -> None:
    """Revoke a client: its signatures are refused from now on. Raises NotFoundError."""
    with journal.store.transaction():
        if not rows.revoke_oauth_client(journal.store, client_id, datetime.now(UTC)):
            raise NotFoundError(f"no live OAuth client {client_id} (see `kirinuki hatena oauth "
                                "list`)")


class _Validator(RequestValidator):
    """oauthlib's questions, answered from the journal (keys) and the request (nonce)."""

    enforce_ssl = False  # kirinuki serves plain HTTP behind a TLS proxy or on 127.0.0.1
    allowed_signature_methods = ("HMAC-SHA1", "HMAC-SHA256")
    timestamp_lifetime = TIMESTAMP_SKEW
    client_key_length = (1, 200)
    access_token_length = (1, 200)
    nonce_length = (1, 200)

    def __init__(self, journal: Journal) -> None:
        super().__init__()
        self.journal = journal
        self.client: rows.OAuthClientRow | None = None

    def check_nonce(self, nonce: str) -> bool:
        # Clients spell nonces freely (base64, uuids): any printable ASCII, bounded.
        return 0 < len(nonce) <= 200 and nonce.isascii() and nonce.isprintable()

    @property
    def dummy_client(self) -> str:
        return _DUMMY

    @property
    def dummy_access_token(self) -> str:
        return _DUMMY

    def _found(self, client_key: str) -> rows.OAuthClientRow | None:
        if self.client is None or self.client.consumer_key != client_key:
            self.client = rows.find_oauth_client(self.journal.store, client_key)
        return self.client

    def validate_client_key(self, client_key: str, request: Any) -> bool:
        return self._found(client_key) is not None

    def validate_access_token(self, client_key: str, token: str, request: Any) -> bool:
        found = self._found(client_key)
        return found is not None and secrets.compare_digest(found.token, token)

    def get_client_secret(self, client_key: str, request: Any) -> str:
        found = self._found(client_key)
        return found.consumer_secret if found else _DUMMY

    def get_access_token_secret(self, client_key: str, token: str, request: Any) -> str:
        found = self._found(client_key)
        return found.token_secret if found else _DUMMY

    def validate_timestamp_and_nonce(self, *args: Any, **kwargs: Any) -> bool:
        return True  # the nonce is recorded once the signature holds (check_oauth)

    def validate_realms(self, *args: Any, **kwargs: Any) -> bool:
        return True


def check_oauth(journal: Journal, uri: str, method: str, headers: dict[str, str]) -> User:
    """The account of the client whose valid OAuth 1.0a signature `headers` (or the query)
    carry (the one that authorised it): live consumer and token, timestamp within
    TIMESTAMP_SKEW, nonce not used before. `uri` is the URL as the client addressed it.
    AtomPub bodies are XML, which OAuth 1.0a leaves out of the signature (only form bodies
    count, and the API takes none). Raises AuthError."""
    validator = _Validator(journal)
    endpoint = ResourceEndpoint(validator)
    try:
        valid, request = endpoint.validate_protected_resource_request(
            uri, http_method=method, body=None, headers=headers)
    except ValueError as exc:  # oauthlib's own errors are ValueErrors
        raise AuthError(f"malformed OAuth request: {exc}") from exc
    client = validator.client
    if not valid or client is None:
        raise AuthError("wrong or stale OAuth credentials")
    when = datetime.fromtimestamp(int(request.timestamp), UTC)
    key = "|".join([client.consumer_key, client.token, request.timestamp, request.nonce])
    now = datetime.now(UTC).replace(microsecond=0)
    expires = when + timedelta(seconds=TIMESTAMP_SKEW + 1)
    with journal.store.transaction():
        fresh = rows.remember_nonce(journal.store,
                                    "oauth:" + hashlib.sha256(key.encode()).hexdigest(),
                                    now, expires)
    if not fresh:
        raise AuthError("replayed OAuth nonce")
    user = user_by_id(journal, client.user_id)
    if user is None:  # removed accounts revoke their clients; this is a belt to that
        raise AuthError("the OAuth client's account no longer exists")
    return user
