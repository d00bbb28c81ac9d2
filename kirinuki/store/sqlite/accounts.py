"""The web app's accounts (V21_TEAM: users with roles), their sessions and API tokens, failed
sign-ins (schema V5_WEB); one-time sign-in codes and WSSE nonces seen (V12_WEB_GUARD).

Secrets are never stored: sessions and tokens are kept as SHA-256 digests of the random value
handed to the browser or the user, the password as its argon2 hash (made in `journal`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kirinuki.store.sqlite.db import Store
from kirinuki.store.sqlite.ids import next_id


@dataclass(frozen=True)
class UserRow:
    """A stored account: its role is owner, editor or reader; no password hash until one is
    set (it cannot sign in before)."""

    id: int
    name: str
    password_hash: str | None
    role: str


@dataclass(frozen=True)
class SessionRow:
    """A stored sign-in session of a user."""

    token_hash: str
    csrf: str
    created: datetime
    expires: datetime
    user_id: int


@dataclass(frozen=True)
class TokenRow:
    """A stored API token (its digest only), of a user."""

    id: int
    name: str
    scope: str
    created: datetime
    last_used: datetime | None
    revoked: bool
    user_id: int


_USER = "SELECT id, name, password_hash, role FROM users"


# The columns of _USER in order.
_UserRecord = tuple[int, str, str | None, str]


def _user(row: _UserRecord) -> UserRow:
    return UserRow(int(row[0]), str(row[1]), row[2], str(row[3]))


def find_user(store: Store, *, name: str | None = None, user_id: int | None = None,
              ) -> UserRow | None:
    """The account with this name (or id), or None."""
    if name is not None:
        row = store.conn.execute(_USER + " WHERE name = ?", (name,)).fetchone()
    else:
        row = store.conn.execute(_USER + " WHERE id = ?", (user_id,)).fetchone()
    return _user(row) if row else None


def list_users(store: Store) -> list[UserRow]:
    """Every account, in the order they were added."""
    return [_user(r) for r in store.conn.execute(_USER + " ORDER BY id").fetchall()]


def insert_user(store: Store, name: str, role: str, now: datetime) -> int:
    """Add an account without a password; its id (never one a removed account had)."""
    uid = next_id(store, "users")
    store.conn.execute("INSERT INTO users(id, name, password_hash, role, created) "
                       "VALUES (?, ?, NULL, ?, ?)", (uid, name, role, now.isoformat()))
    return uid


def put_user(store: Store, user: UserRow, created: datetime) -> None:
    """Store an account with its id as it is (a journal copied): replaces the one with that
    id, if any."""
    store.conn.execute(
        "INSERT INTO users(id, name, password_hash, role, created) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
        " password_hash = excluded.password_hash, role = excluded.role",
        (user.id, user.name, user.password_hash, user.role, created.isoformat()))


def set_user_password(store: Store, user_id: int, password_hash: str) -> None:
    """Replace an account's password hash."""
    store.conn.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                       (password_hash, user_id))


def set_user_role(store: Store, user_id: int, role: str) -> None:
    """Change an account's role."""
    store.conn.execute("UPDATE users SET role = ? WHERE id = ?", (role, user_id))


def delete_user(store: Store, user_id: int, now: datetime) -> None:
    """Remove an account, sign it out and revoke its tokens and OAuth clients (the entries it
    wrote keep its name as their author)."""
    store.conn.execute("DELETE FROM web_sessions WHERE user_id = ?", (user_id,))
    store.conn.execute("UPDATE api_tokens SET revoked = 1 WHERE user_id = ?", (user_id,))
    store.conn.execute("UPDATE oauth_clients SET revoked = ? WHERE user_id = ? AND revoked IS"
                       " NULL", (now.isoformat(), user_id))
    store.conn.execute("DELETE FROM users WHERE id = ?", (user_id,))


def insert_session(store: Store, token_hash: str, csrf: str, created: datetime,
                   expires: datetime, user_id: int) -> None:
    """Store a new session of a user."""
    store.conn.execute(
        "INSERT INTO web_sessions(token_hash, csrf, created, expires, user_id)"
        " VALUES (?, ?, ?, ?, ?)",
        (token_hash, csrf, created.isoformat(), expires.isoformat(), user_id),
    )


def get_session(store: Store, token_hash: str) -> SessionRow | None:
    """The session with this digest, expired or not."""
    row = store.conn.execute(
        "SELECT token_hash, csrf, created, expires, user_id FROM web_sessions"
        " WHERE token_hash = ?", (token_hash,),
    ).fetchone()
    if row is None:
        return None
    return SessionRow(str(row[0]), str(row[1]), datetime.fromisoformat(row[2]),
                      datetime.fromisoformat(row[3]), int(row[4]))


def delete_session(store: Store, token_hash: str) -> None:
    """Forget one session."""
    store.conn.execute("DELETE FROM web_sessions WHERE token_hash = ?", (token_hash,))


def delete_sessions(store: Store, *, expired_before: datetime | None = None,
                    user_id: int | None = None) -> int:
    """Forget the sessions of a user (a password change), or those expired before a time."""
    if expired_before is None:
        cur = store.conn.execute("DELETE FROM web_sessions WHERE user_id = ?", (user_id,))
    else:
        cur = store.conn.execute("DELETE FROM web_sessions WHERE expires < ?",
                                 (expired_before.isoformat(),))
    return cur.rowcount


def insert_token(store: Store, token_hash: str, name: str, scope: str, now: datetime,
                 user_id: int) -> int:
    """Store a new API token's digest for a user; returns its id."""
    tid = next_id(store, "api_tokens")
    store.conn.execute(
        "INSERT INTO api_tokens(id, token_hash, name, scope, created, user_id)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (tid, token_hash, name, scope, now.isoformat(), user_id),
    )
    return tid


# The columns of _TOKEN_COLUMNS in order.
_TokenRecord = tuple[int, str, str, str, str | None, int, int]


def _token(row: _TokenRecord) -> TokenRow:
    return TokenRow(int(row[0]), str(row[1]), str(row[2]),
                    datetime.fromisoformat(str(row[3])),
                    datetime.fromisoformat(str(row[4])) if row[4] else None, bool(row[5]),
                    int(row[6]))


_TOKEN_COLUMNS = "id, name, scope, created, last_used, revoked, user_id"


def find_token(store: Store, token_hash: str) -> TokenRow | None:
    """The live (not revoked) token with this digest."""
    row = store.conn.execute(
        f"SELECT {_TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = ? AND revoked = 0",
        (token_hash,),
    ).fetchone()
    return _token(row) if row else None


def touch_token(store: Store, token_id: int, now: datetime) -> None:
    """Record when a token was last used."""
    store.conn.execute("UPDATE api_tokens SET last_used = ? WHERE id = ?",
                       (now.isoformat(), token_id))


def list_tokens(store: Store) -> list[TokenRow]:
    """Every token, oldest first."""
    return [_token(r) for r in store.conn.execute(
        f"SELECT {_TOKEN_COLUMNS} FROM api_tokens ORDER BY id")]


def revoke_token(store: Store, token_id: int) -> bool:
    """Revoke a token; False when there is no live token with this id."""
    cur = store.conn.execute("UPDATE api_tokens SET revoked = 1 WHERE id = ? AND revoked = 0",
                             (token_id,))
    return cur.rowcount > 0


def add_failure(store: Store, client: str, at: datetime) -> None:
    """Record a failed sign-in from `client`."""
    store.conn.execute("INSERT INTO login_failures(client, at) VALUES (?, ?)",
                       (client, at.isoformat()))


def failures(store: Store, since: datetime, client: str) -> tuple[int, datetime | None]:
    """(count, oldest time) of the failed sign-ins from `client` since a time."""
    row = store.conn.execute(
        "SELECT count(*), min(at) FROM login_failures WHERE client = ? AND at >= ?",
        (client, since.isoformat())).fetchone()
    return int(row[0]), datetime.fromisoformat(row[1]) if row[1] else None


def clear_failures(store: Store, client: str | None = None, before: datetime | None = None) -> None:
    """Forget failures of a client (after a good sign-in), or all older than a time."""
    if client is not None:
        store.conn.execute("DELETE FROM login_failures WHERE client = ?", (client,))
    if before is not None:
        store.conn.execute("DELETE FROM login_failures WHERE at < ?", (before.isoformat(),))


def insert_code(store: Store, code_hash: str, expires: datetime) -> None:
    """Store a one-time sign-in code's digest (times in UTC, as every time here)."""
    store.conn.execute("INSERT OR REPLACE INTO sign_in_codes(code_hash, expires) VALUES (?, ?)",
                       (code_hash, expires.isoformat()))


def take_code(store: Store, code_hash: str, now: datetime) -> bool:
    """Spend the live code with this digest: True once, False for an unknown, spent or expired
    one (expired codes are dropped). One statement: two processes cannot both spend it."""
    store.conn.execute("DELETE FROM sign_in_codes WHERE expires <= ?", (now.isoformat(),))
    cur = store.conn.execute("DELETE FROM sign_in_codes WHERE code_hash = ?", (code_hash,))
    return cur.rowcount > 0


def remember_nonce(store: Store, nonce: str, now: datetime, expires: datetime) -> bool:
    """Record a WSSE nonce until `expires`: False when it is already remembered (a replay).
    Nonces expired at `now` are forgotten first."""
    store.conn.execute("DELETE FROM wsse_nonces WHERE expires < ?", (now.isoformat(),))
    cur = store.conn.execute("INSERT OR IGNORE INTO wsse_nonces(nonce, expires) VALUES (?, ?)",
                             (nonce, expires.isoformat()))
    return cur.rowcount > 0


@dataclass(frozen=True)
class OAuthClientRow:
    """An OAuth 1.0a client of the AtomPub API (secrets included: HMAC needs them)."""

    id: int
    name: str
    consumer_key: str
    consumer_secret: str
    token: str
    token_secret: str
    created: datetime
    revoked: datetime | None
    user_id: int  # the account it acts as


_OAUTH = ("SELECT id, name, consumer_key, consumer_secret, token, token_secret, created, revoked,"
          " user_id FROM oauth_clients")


# The columns of _OAUTH in order.
_OAuthRecord = tuple[int, str, str, str, str, str, str, str | None, int]


def _oauth_row(r: _OAuthRecord) -> OAuthClientRow:
    return OAuthClientRow(int(str(r[0])), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]),
                          datetime.fromisoformat(str(r[6])),
                          datetime.fromisoformat(str(r[7])) if r[7] else None, int(r[8]))


def insert_oauth_client(store: Store, name: str, consumer: tuple[str, str],
                        token: tuple[str, str], now: datetime, user_id: int) -> int:
    """Store a client ((key, secret) of its consumer and of its access token) acting as the
    account `user_id`; its id."""
    cur = store.conn.execute(
        "INSERT INTO oauth_clients(name, consumer_key, consumer_secret, token, token_secret, "
        "created, user_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (name, *consumer, *token, now.isoformat(), user_id))
    return int(cur.fetchone()[0])


def list_oauth_clients(store: Store) -> list[OAuthClientRow]:
    """Every OAuth client, revoked ones included, oldest first."""
    return [_oauth_row(r) for r in store.conn.execute(_OAUTH + " ORDER BY id").fetchall()]


def find_oauth_client(store: Store, consumer_key: str) -> OAuthClientRow | None:
    """The live (not revoked) client with this consumer key."""
    r = store.conn.execute(_OAUTH + " WHERE consumer_key = ? AND revoked IS NULL",
                           (consumer_key,)).fetchone()
    return _oauth_row(r) if r else None


def revoke_oauth_client(store: Store, client_id: int, now: datetime) -> bool:
    """Revoke a live client: False when there is none with this id."""
    cur = store.conn.execute("UPDATE oauth_clients SET revoked = ? WHERE id = ? AND "
                             "revoked IS NULL", (now.isoformat(), client_id))
    return cur.rowcount > 0
