"""The web app's accounts: users with roles, passwords, sign-in sessions, API tokens,
throttling.

A journal has one or more users, each with a role: `owner` (everything, accounts included),
`editor` (writes entries) or `reader` (reads drafts and the owner pages, writes nothing). The
first owner is user 1 (the single owner of journals made before accounts). Passwords are kept
as argon2id hashes; sessions and API tokens are random values of 32 bytes of which only a
SHA-256 digest is stored, each belonging to one user, so a copy of the journal file does not
let anyone sign in. Failed sign-ins are counted per client (address, IPv6 /64); past the limit
that client is refused for a while before the (slow) password check is even made, and other
clients are not. An owner always has a way in: a one-time code printed by the CLI
(`create_sign_in_code`) lets one attempt through the throttle.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kirinuki.errors import AuthError, ConflictError, ForbiddenError, InputError, NotFoundError
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
ROLES = ("owner", "editor", "reader")
WRITERS = ("owner", "editor")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    """An account as the adapters see it (never its password hash)."""

    id: int
    name: str
    role: str
    has_password: bool = True

    @property
    def can_write(self) -> bool:
        """True for the roles that write entries (owner, editor)."""
        return self.role in WRITERS


def _public(row: rows.UserRow) -> User:
    return User(row.id, row.name, row.role, row.password_hash is not None)


def require_writer(user: User) -> None:
    """Raise ForbiddenError unless `user` may write entries."""
    if not user.can_write:
        raise ForbiddenError(f"{user.name} is a {user.role}: readers cannot change the journal")


class SignInError(AuthError):
    """A refused sign-in; `reason` is "password", "code", "name" (several accounts:
    say which) or "unset" (no password yet)."""

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
    """True when some account has a password (someone can sign in)."""
    return any(u.password_hash is not None for u in rows.list_users(journal.store))


def list_users(journal: Journal) -> list[User]:
    """Every account, in the order they were added."""
    return [_public(u) for u in rows.list_users(journal.store)]


def get_user(journal: Journal, name: str | None = None) -> User:
    """The account called `name` (None: the first owner). Raises NotFoundError."""
    if name is None:
        owners = [u for u in rows.list_users(journal.store) if u.role == "owner"]
        if not owners:
            raise NotFoundError("the journal has no owner account")
        return _public(owners[0])
    row = rows.find_user(journal.store, name=name)
    if row is None:
        raise NotFoundError(f"no user {name!r} (see `kirinuki user list`)")
    return _public(row)


def user_by_id(journal: Journal, user_id: int) -> User | None:
    """The account with this id, or None when it was removed."""
    row = rows.find_user(journal.store, user_id=user_id)
    return _public(row) if row is not None else None


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r} (use one of {', '.join(ROLES)})")


def add_user(journal: Journal, name: str, role: str) -> User:
    """Add an account (without a password: set one with `set_password`). Raises InputError
    for a bad name or role, ConflictError when the name is taken."""
    _check_role(role)
    if not _NAME.fullmatch(name):
        raise InputError("a user name is 1-40 letters, digits, '.', '_' or '-' (ASCII), "
                         "starting with a letter or digit")
    with journal.store.transaction():
        if rows.find_user(journal.store, name=name) is not None:
            raise ConflictError(f"there is already a user {name!r}")
        uid = rows.insert_user(journal.store, name, role, _utc())
    return User(uid, name, role, False)


def _owners_left(journal: Journal, without: int) -> int:
    return sum(1 for u in rows.list_users(journal.store) if u.role == "owner" and u.id != without)


def set_role(journal: Journal, name: str, role: str) -> User:
    """Change an account's role. Raises InputError for a bad role or for the last owner
    losing the role, NotFoundError."""
    _check_role(role)
    with journal.store.transaction():
        user = get_user(journal, name)
        if user.role == "owner" and role != "owner" and not _owners_left(journal, user.id):
            raise InputError(f"{name} is the last owner: make another user owner first")
        rows.set_user_role(journal.store, user.id, role)
    return User(user.id, user.name, role, user.has_password)


def remove_user(journal: Journal, name: str) -> None:
    """Remove an account: its sessions end, its tokens and OAuth clients are revoked, the
    entries it wrote keep its name as author. Raises NotFoundError, InputError for the last owner."""
    with journal.store.transaction():
        user = get_user(journal, name)
        if user.role == "owner" and not _owners_left(journal, user.id):
            raise InputError(f"{name} is the last owner and cannot be removed")
        rows.delete_user(journal.store, user.id, _utc())


def copy_accounts(from_journal: Journal, to_journal: Journal) -> int:
    """Give `to_journal` the accounts of `from_journal` (names, roles, password hashes, ids);
    returns how many. Sessions and tokens stay behind: sign in and create tokens on the copy."""
    users = rows.list_users(from_journal.store)
    with to_journal.store.transaction():
        for u in users:
            rows.put_user(to_journal.store, u, _utc())
    return len(users)


def set_password(journal: Journal, password: str, name: str | None = None) -> None:
    """Set (or change) the password of the account `name` (None: the first owner); signs
    its sessions out.

    Raises InputError for a password shorter than MIN_PASSWORD characters, NotFoundError.
    """
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password needs at least {MIN_PASSWORD} characters")
    hashed = _hasher.hash(password)
    with journal.store.transaction():
        user = get_user(journal, name)
        rows.set_user_password(journal.store, user.id, hashed)
        rows.delete_sessions(journal.store, user_id=user.id)


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


@cache
def _unknown() -> str:
    """A hash no password matches, checked against for an unknown name."""
    return _hasher.hash(secrets.token_urlsafe(16))


def _account(journal: Journal, name: str) -> rows.UserRow | None:
    """The account a sign-in is for: the one named, or the only one with a password when no
    name is given. Raises SignInError when none is set up or a name is needed."""
    with_password = [u for u in rows.list_users(journal.store) if u.password_hash is not None]
    if not with_password:
        raise SignInError("unset", "no password is set: run `kirinuki user set-password`")
    if name.strip():
        return rows.find_user(journal.store, name=name.strip())
    if len(with_password) > 1:
        raise SignInError("name", "give the user name: this journal has several accounts")
    return with_password[0]


def sign_in(journal: Journal, password: str, client: str, code: str = "",
            name: str = "") -> Session:
    """Check a user's password and open a session for `client` (an address). `name` may be
    left out while only one account has a password.

    With a one-time `code` (from `create_sign_in_code`), the attempt passes the throttle; the
    code is spent whether the password is right or not. Raises SignInError for a wrong
    name, password or code, when no password is set or a name is needed; ThrottledError after
    FAILS_PER_CLIENT failures from this client (its IPv6 /64) within FAIL_WINDOW, without
    checking anything.
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
    user = _account(journal, name)
    # An unknown name costs a hash check too: the answer's time does not tell names apart.
    stored = user.password_hash if user is not None else None
    if not _verify(stored or _unknown(), password) or user is None or stored is None:
        with journal.store.transaction():
            rows.add_failure(journal.store, key, now)
        raise SignInError("password", "wrong user name or password")
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = now + timedelta(days=SESSION_DAYS)
    with journal.store.transaction():
        rows.clear_failures(journal.store, key)
        rows.insert_session(journal.store, digest(token), csrf, now, expires, user.id)
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


def session_user(journal: Journal, token: str) -> tuple[str, User] | None:
    """(CSRF token, user) of the live session whose cookie value is `token`, or None."""
    if not token:
        return None
    row = rows.get_session(journal.store, digest(token))
    if row is None or row.expires <= _utc():
        return None
    user = rows.find_user(journal.store, user_id=row.user_id)
    return (row.csrf, _public(user)) if user is not None else None


def session_csrf(journal: Journal, token: str) -> str | None:
    """The CSRF token of the live session whose cookie value is `token`, or None."""
    found = session_user(journal, token)
    return found[0] if found is not None else None


def sign_out(journal: Journal, token: str) -> None:
    """End the session whose cookie value is `token` (nothing happens for an unknown one)."""
    with journal.store.transaction():
        rows.delete_session(journal.store, digest(token))


def create_token(journal: Journal, name: str, scope: str = "api",
                 user: str | None = None) -> NewToken:
    """Create an API token of the account `user` (None: the first owner), scope `api`,
    `atompub`, or `feed` (the private feed of changes only); it acts with that user's role.
    Raises InputError for a bad scope, NotFoundError for an unknown user."""
    if scope not in TOKEN_SCOPES:
        raise InputError(f"unknown token scope {scope!r} (use one of {', '.join(TOKEN_SCOPES)})")
    secret = "knk_" + secrets.token_urlsafe(32)
    with journal.store.transaction():
        owner = get_user(journal, user)
        tid = rows.insert_token(journal.store, digest(secret), name or "token", scope, _utc(),
                                owner.id)
    return NewToken(tid, name or "token", scope, secret)


def check_token(journal: Journal, secret: str, scope: str = "api", *,
                only: bool = False) -> User:
    """The user of the live token `secret` allowing `scope`. Raises AuthError otherwise.

    An `api` token may do everything its user may; an `atompub` token only AtomPub
    publishing; a `feed` token only reading the feed of changes. With `only`, the token must
    be of `scope` itself (a secret carried in a URL must not be one that can write).
    """
    row = rows.find_token(journal.store, digest(secret)) if secret else None
    allowed = (scope,) if only else ("api", scope)
    user = rows.find_user(journal.store, user_id=row.user_id) if row is not None else None
    if row is None or row.scope not in allowed or user is None:
        raise AuthError("invalid or revoked API token")
    now = _utc()
    # Recording every use would make each API read a write; once a minute is enough.
    if row.last_used is None or now - row.last_used > timedelta(minutes=1):
        with journal.store.transaction():
            rows.touch_token(journal.store, row.id, now)
    return _public(user)


def list_tokens(journal: Journal) -> list[rows.TokenRow]:
    """Every API token (no secrets), oldest first."""
    return rows.list_tokens(journal.store)


def revoke_token(journal: Journal, token_id: int) -> None:
    """Revoke an API token. Raises NotFoundError for an unknown or already revoked one."""
    with journal.store.transaction():
        if not rows.revoke_token(journal.store, token_id):
            raise NotFoundError(f"no live API token {token_id}")
