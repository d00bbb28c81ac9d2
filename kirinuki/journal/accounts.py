"""The owner account of the web app: password, sign-in sessions, API tokens, throttling.

One owner per journal. The password is kept as an argon2id hash; sessions and API tokens are
random values of 32 bytes of which only a SHA-256 digest is stored, so a copy of the journal
file does not let anyone sign in. Failed sign-ins are counted per client (address, IPv6 /64);
past the limit that client is refused for a while before the (slow) password check is even made,
and other clients are not. The owner always has a way in: a one-time code printed by the CLI
(`create_sign_in_code`) lets one attempt through the throttle.
"""

from __future__ import annotations

import hashlib
import ipaddress
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
CODE_MINUTES = 10
CODE_LENGTH = 12  # from 32 characters: 60 bits
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
MIN_PASSWORD = 10
TOKEN_SCOPES = ("api", "atompub", "feed")
_hasher = PasswordHasher()


class SignInError(AuthError):
    """A refused sign-in; `reason` is "password", "code" or "unset" (no password yet)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class ThrottledError(AuthError):
    """Too many failed sign-ins from one client: refused for `retry_after` more seconds."""

    http_status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


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


def client_key(address: str) -> str:
    """The key failed sign-ins are counted under: the IPv4 address, or the /64 network of an
    IPv6 address (one host usually holds a whole /64); anything else as it is."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address[:100]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _check_throttle(journal: Journal, client: str, now: datetime) -> None:
    count, oldest = rows.failures(journal.store, now - FAIL_WINDOW, client)
    if count >= FAILS_PER_CLIENT:
        wait = (oldest or now) + FAIL_WINDOW - now
        raise ThrottledError("too many failed sign-ins from this address; try again later or "
                             "use a code from `kirinuki user sign-in-code`",
                             max(1, int(wait.total_seconds())))


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def sign_in(journal: Journal, password: str, client: str, code: str = "") -> Session:
    """Check the owner's password and open a session for `client` (an address).

    With a one-time `code` (from `create_sign_in_code`), the attempt passes the throttle; the
    code is spent whether the password is right or not. Raises SignInError for a wrong
    password or code, or when no password is set; ThrottledError after FAILS_PER_CLIENT
    failures from this client (its IPv6 /64) within FAIL_WINDOW, without checking anything.
    """
    now = _utc()
    key = client_key(client)
    with journal.store.transaction():
        rows.clear_failures(journal.store, before=now - FAIL_WINDOW)
        rows.delete_sessions(journal.store, expired_before=now)
    if code.strip():
        with journal.store.transaction():
            spent = rows.take_code(journal.store, digest(_code_form(code)), now)
            if not spent:
                rows.add_failure(journal.store, key, now)
        if not spent:
            raise SignInError("code", "the sign-in code is wrong, used or expired")
    else:
        _check_throttle(journal, key, now)
    owner = rows.get_owner(journal.store)
    if owner is None or not _verify(owner[1], password):
        with journal.store.transaction():
            rows.add_failure(journal.store, key, now)
        if owner is None:
            raise SignInError("unset", "no password is set: run `kirinuki user set-password`")
        raise SignInError("password", "wrong password")
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = now + timedelta(days=SESSION_DAYS)
    with journal.store.transaction():
        rows.clear_failures(journal.store, key)
        rows.insert_session(journal.store, digest(token), csrf, now, expires)
    return Session(token, csrf, expires)


def _code_form(code: str) -> str:
    # Typed by hand from a terminal: case, spaces and dashes do not matter.
    return "".join(c for c in code.upper() if c.isalnum())


def create_sign_in_code(journal: Journal) -> tuple[str, datetime]:
    """A one-time sign-in code and when it expires (CODE_MINUTES from now). Only its digest
    is stored; it is spent by the first sign-in that gives it."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    expires = _utc() + timedelta(minutes=CODE_MINUTES)
    with journal.store.transaction():
        rows.insert_code(journal.store, digest(raw), expires)
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4)), expires


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
    """Create an API token (scope `api`, `atompub`, or `feed`: the private feed of changes
    only). Raises InputError for a bad scope."""
    if scope not in TOKEN_SCOPES:
        raise InputError(f"unknown token scope {scope!r} (use one of {', '.join(TOKEN_SCOPES)})")
    secret = "knk_" + secrets.token_urlsafe(32)
    with journal.store.transaction():
        tid = rows.insert_token(journal.store, digest(secret), name or "token", scope, _utc())
    return NewToken(tid, name or "token", scope, secret)


def check_token(journal: Journal, secret: str, scope: str = "api", *,
                only: bool = False) -> int:
    """The id of the live token `secret` allowing `scope`. Raises AuthError otherwise.

    An `api` token may do everything; an `atompub` token only AtomPub publishing; a `feed`
    token only reading the feed of changes. With `only`, the token must be of `scope` itself
    (a secret carried in a URL must not be one that can write).
    """
    row = rows.find_token(journal.store, digest(secret)) if secret else None
    allowed = (scope,) if only else ("api", scope)
    if row is None or row.scope not in allowed:
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
