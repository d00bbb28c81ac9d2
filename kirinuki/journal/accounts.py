"""The owner account of the web app: password, sign-in sessions, API tokens, throttling.

One owner per journal. The password is kept as an argon2id hash; sessions and API tokens are
random values of 32 bytes of which only a SHA-256 digest is stored, so a copy of the journal
file does not let anyone sign in. Failed sign-ins are counted per client and in total; past the
limits, sign-in is refused for a while before the (slow) password check is even made.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kirinuki.errors import AuthError, InputError, NotFoundError
from kirinuki.journal.core import Journal
from kirinuki.store.sqlite import accounts as rows

SESSION_DAYS = 30
FAIL_WINDOW = timedelta(minutes=15)
FAILS_PER_CLIENT = 5
FAILS_TOTAL = 50
MIN_PASSWORD = 10
TOKEN_SCOPES = ("api", "atompub")
_hasher = PasswordHasher()


class ThrottledError(AuthError):
    """Too many failed sign-ins: sign-in is refused for a while."""

    http_status = 429


@dataclass(frozen=True)
class Session:
    """A signed-in browser session: the cookie value (only known at creation) and its CSRF."""

    token: str
    csrf: str
    expires: datetime


@dataclass(frozen=True)
class NewToken:
    """A freshly created API token; `secret` is shown once and never stored."""

    id: int
    name: str
    scope: str
    secret: str


def _utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def digest(secret: str) -> str:
    """The stored form of a session or token secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def has_owner(journal: Journal) -> bool:
    """True when the owner's password has been set."""
    return rows.get_owner(journal.store) is not None


def set_password(journal: Journal, password: str, name: str = "owner") -> None:
    """Set (or change) the owner's password; signs every session out.

    Raises InputError for a password shorter than MIN_PASSWORD characters.
    """
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password needs at least {MIN_PASSWORD} characters")
    hashed = _hasher.hash(password)
    with journal.store.transaction():
        rows.set_owner(journal.store, name, hashed, _utc())
        rows.delete_sessions(journal.store)


def _check_throttle(journal: Journal, client: str, now: datetime) -> None:
    since = now - FAIL_WINDOW
    store = journal.store
    if (rows.count_failures(store, since, client) >= FAILS_PER_CLIENT
            or rows.count_failures(store, since) >= FAILS_TOTAL):
        raise ThrottledError("too many failed sign-ins; try again in 15 minutes")


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def sign_in(journal: Journal, password: str, client: str) -> Session:
    """Check the owner's password and open a session for `client` (an address).

    Raises AuthError for a wrong password or when no password is set, ThrottledError after
    too many failures (from this client, or in total) within 15 minutes.
    """
    now = _utc()
    with journal.store.transaction():
        rows.clear_failures(journal.store, before=now - FAIL_WINDOW)
        rows.delete_sessions(journal.store, expired_before=now)
    _check_throttle(journal, client, now)
    owner = rows.get_owner(journal.store)
    if owner is None or not _verify(owner[1], password):
        with journal.store.transaction():
            rows.add_failure(journal.store, client, now)
        if owner is None:
            raise AuthError("no password is set: run `kirinuki user set-password` first")
        raise AuthError("wrong password")
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = now + timedelta(days=SESSION_DAYS)
    with journal.store.transaction():
        rows.clear_failures(journal.store, client)
        rows.insert_session(journal.store, digest(token), csrf, now, expires)
    return Session(token, csrf, expires)


def session_csrf(journal: Journal, token: str) -> str | None:
    """The CSRF token of the live session whose cookie value is `token`, or None."""
    if not token:
        return None
    row = rows.get_session(journal.store, digest(token))
    if row is None or row.expires <= _utc():
        return None
    return row.csrf


def sign_out(journal: Journal, token: str) -> None:
    """End the session whose cookie value is `token` (nothing happens for an unknown one)."""
    with journal.store.transaction():
        rows.delete_session(journal.store, digest(token))


def create_token(journal: Journal, name: str, scope: str = "api") -> NewToken:
    """Create an API token (scope `api` or `atompub`). Raises InputError for a bad scope."""
    if scope not in TOKEN_SCOPES:
        raise InputError(f"unknown token scope {scope!r} (use one of {', '.join(TOKEN_SCOPES)})")
    secret = "knk_" + secrets.token_urlsafe(32)
    with journal.store.transaction():
        tid = rows.insert_token(journal.store, digest(secret), name or "token", scope, _utc())
    return NewToken(tid, name or "token", scope, secret)


def check_token(journal: Journal, secret: str, scope: str = "api") -> int:
    """The id of the live token `secret` allowing `scope`. Raises AuthError otherwise.

    An `api` token may do everything; an `atompub` token only AtomPub publishing.
    """
    row = rows.find_token(journal.store, digest(secret)) if secret else None
    if row is None or row.scope not in ("api", scope):
        raise AuthError("invalid or revoked API token")
    now = _utc()
    # Recording every use would make each API read a write; once a minute is enough.
    if row.last_used is None or now - row.last_used > timedelta(minutes=1):
        with journal.store.transaction():
            rows.touch_token(journal.store, row.id, now)
    return row.id


def list_tokens(journal: Journal) -> list[rows.TokenRow]:
    """Every API token (no secrets), oldest first."""
    return rows.list_tokens(journal.store)


def revoke_token(journal: Journal, token_id: int) -> None:
    """Revoke an API token. Raises NotFoundError for an unknown or already revoked one."""
    with journal.store.transaction():
        if not rows.revoke_token(journal.store, token_id):
            raise NotFoundError(f"no live API token {token_id}")
