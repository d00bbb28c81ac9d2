"""Use-cases behind the Hatena-compatible AtomPub API: pages of entries, create, update, delete,
categories, and the API key clients sign WSSE requests with.

Entries keep their model; the AtomPub `content` is rendered (Markdown) and read back
(`text.hatena_syntax`), so a client that pulls, edits and pushes an entry changes only what it
edited. Entry ids in the API are the journal's entry ids (digits only, as clients expect).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from kirinuki.errors import AuthError, InputError, NotFoundError
from kirinuki.journal.accounts import User, check_token, create_token
from kirinuki.journal.core import Journal
from kirinuki.journal.editing import delete_entry
from kirinuki.journal.hatena import CitedArticles
from kirinuki.journal.importing import permalink_for
from kirinuki.journal.queries import get_entry, tag_counts
from kirinuki.model import Entry, Status
from kirinuki.store.sqlite import accounts as account_rows
from kirinuki.store.sqlite import entries as entry_rows
from kirinuki.store.sqlite import settings as settings_rows
from kirinuki.text.dates import check_date, in_zone
from kirinuki.text.hatena_origin import set_body_html, set_categories
from kirinuki.text.hatena_syntax import read_content
from kirinuki.text.normalize import as_id
from kirinuki.text.permalinks import check_permalink, permalink_of_path, with_suffix

PAGE_SIZE = 100  # gimonfu stops after 100 requests: large pages let it pull ~10,000 entries
_KEYS = "hatena_atompub_keys"
WSSE_SKEW = timedelta(minutes=5)  # how far a WSSE Created time may be from the server's clock


@dataclass
class AtomDraft:
    """What an AtomPub POST or PUT carries, already parsed from its XML."""

    title: str
    content: str
    content_type: str | None = None
    updated: datetime | None = None
    categories: list[str] = field(default_factory=list)
    draft: bool = False
    custom_url: str | None = None


def entry_page(journal: Journal, page: int | None) -> tuple[list[Entry], int | None]:
    """Entries newest first dated before epoch second `page` (None: the first page) and the
    next cursor, like Hatena's `?page=<epoch>`: the epoch of the page's last entry, None on
    the last page. Time cursors stay put when entries are added or deleted meanwhile."""
    ids, nxt = entry_rows.entries_before(journal.store, page, PAGE_SIZE)
    entries = []
    for eid in ids:
        try:
            entries.append(get_entry(journal, eid))
        except NotFoundError:  # deleted since it was listed: the page goes on without it
            continue
    return entries, nxt


def atom_title(journal: Journal, entry: Entry) -> str:
    """The title AtomPub serves: the entry's, or for an untitled entry its date
    (`2023-04-02`), as Hatena titles an entry posted without one; clients that list titles
    (`hatena-blog-api`) fail on an empty one."""
    if entry.title:
        return entry.title
    when = entry.published or entry.updated
    return in_zone(when, journal.tz).strftime("%Y-%m-%d") if when else "無題"


def atom_entry(journal: Journal, entry_id: str) -> Entry:
    """The entry with this API id. Raises NotFoundError."""
    number = as_id(entry_id)
    if number is None:
        raise NotFoundError(f"no entry {entry_id}")
    return get_entry(journal, number)


def categories(journal: Journal) -> list[str]:
    """Every tag in use, as AtomPub category terms."""
    return [t.display for t in tag_counts(journal)]


def _free_permalink(journal: Journal, wanted: str, own_id: int | None) -> str:
    link, n = wanted, 1
    while entry_rows.permalink_taken(journal.store, link, own_id):
        n += 1
        link = with_suffix(wanted, f"_{n - 1}")
    return link


def _fill(journal: Journal, entry: Entry, draft: AtomDraft) -> None:
    if not draft.title.strip() and not draft.content.strip():
        raise InputError("an entry needs a title or some content")
    fresh, body = read_content(draft.content, draft.content_type)
    entry.groups, entry.header, entry.footer = fresh.groups, fresh.header, fresh.footer
    set_body_html(entry, body)
    # The categories are the whole set sent (a PUT with fewer removes the others), as written.
    set_categories(entry, draft.categories)
    # A title is one line; its spaces (no-break spaces too) are kept as sent.
    title: str | None = draft.title.replace("\r", " ").replace("\n", " ")
    if not (title or "").strip():
        title = None
    if entry.title is None and entry.id is not None and title == atom_title(journal, entry):
        title = None  # the served stand-in coming back from a pull-edit-push: still untitled
    entry.title = title
    entry.status = Status.DRAFT if draft.draft else Status.PUBLISHED
    if draft.updated is not None:
        # Checked before the time zone moves it: year 9999 would overflow there.
        check_date(draft.updated, "the updated date")
        entry.published = draft.updated.astimezone(journal.tz).replace(microsecond=0)
    elif entry.published is None:
        entry.published = journal.now().replace(microsecond=0)
    path = (draft.custom_url or "").strip().strip("/")
    if path:
        link = check_permalink(permalink_of_path(path))
        if link != entry.permalink:
            entry.permalink = _free_permalink(journal, link, entry.id)
    elif entry.permalink is None:
        entry.permalink = _free_permalink(journal, permalink_for(entry.published, journal),
                                          entry.id)
    CitedArticles(journal).link(entry)


def create_entry(journal: Journal, draft: AtomDraft) -> Entry:
    """Store a new entry from an AtomPub POST. Raises InputError for an empty entry."""
    entry = Entry(key=f"atompub:{uuid.uuid4()}")
    with journal.store.transaction():
        _fill(journal, entry, draft)
        eid = entry_rows.insert_entry(journal.store, entry, journal.now())
    return get_entry(journal, eid)


def update_entry(journal: Journal, entry_id: str, draft: AtomDraft) -> Entry:
    """Replace an entry from an AtomPub PUT (categories replace the whole set; the permalink
    stays unless a custom URL is sent). Raises NotFoundError, InputError."""
    with journal.store.transaction():
        entry = atom_entry(journal, entry_id)
        _fill(journal, entry, draft)
        entry_rows.replace_entry(journal.store, entry, journal.now())
    return get_entry(journal, entry.id or 0)


def remove_entry(journal: Journal, entry_id: str) -> None:
    """Delete the entry with this API id. Raises NotFoundError."""
    delete_entry(journal, str(atom_entry(journal, entry_id).id))


def create_api_key(journal: Journal, name: str = "atompub", user: str | None = None) -> str:
    """A new AtomPub API key of the account `user` (None: the owner): a token limited to
    AtomPub (Basic auth checks it like any token), also kept readable so WSSE signatures,
    which need the key itself, can be checked. Raises NotFoundError for an unknown user."""
    token = create_token(journal, name, "atompub", user)
    keys = wsse_keys(journal)
    keys.append(token.secret)
    settings_rows.save_value(journal.store, _KEYS, keys)
    return token.secret


def wsse_keys(journal: Journal) -> list[str]:
    """The AtomPub keys WSSE signatures are checked against (revoked tokens left out)."""
    stored = settings_rows.load_value(journal.store, _KEYS)
    keys: list[str] = stored if isinstance(stored, list) else []
    live = []
    for key in keys:
        try:
            check_token(journal, key, "atompub")
        except AuthError:  # revoked: a WSSE signature made with it no longer counts
            continue
        live.append(key)
    return live


def check_wsse(journal: Journal, nonce: bytes, created: str, password_digest: str) -> User:
    """Accept a WSSE UsernameToken: `password_digest` is base64(SHA-1(nonce + created + key))
    for a live AtomPub key, `created` (ISO 8601 with a zone) within WSSE_SKEW of now, and the
    nonce not seen before by any process on this journal (remembered, by its bytes, until its
    `created` leaves the window). Returns the key's user. Raises AuthError."""
    try:
        when = datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError as exc:
        raise AuthError("malformed X-WSSE Created time") from exc
    now = datetime.now(UTC).replace(microsecond=0)
    if when.tzinfo is None or abs(now - when) > WSSE_SKEW:
        raise AuthError("stale X-WSSE Created time")
    if not nonce:
        raise AuthError("empty WSSE nonce")
    for key in wsse_keys(journal):
        digest = hashlib.sha1(nonce + created.encode() + key.encode()).digest()
        if hmac.compare_digest(base64.b64encode(digest), password_digest.encode()):
            break
    else:
        raise AuthError("wrong WSSE credentials")
    # Kept until the Created time is out of the window: after that, the time check refuses it.
    expires = when.astimezone(UTC).replace(microsecond=0) + WSSE_SKEW + timedelta(seconds=1)
    with journal.store.transaction():
        fresh = account_rows.remember_nonce(journal.store, hashlib.sha256(nonce).hexdigest(),
                                            now, expires)
    if not fresh:
        raise AuthError("replayed WSSE nonce")
    return check_token(journal, key, "atompub")


def check_api_key(journal: Journal, key: str) -> User:
    """Accept an AtomPub key sent in clear (Basic auth): its user. Raises AuthError."""
    return check_token(journal, key, "atompub")
