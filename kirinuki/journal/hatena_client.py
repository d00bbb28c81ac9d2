"""The AtomPub client side: bring a live Hatena blog in (`pull`) and publish entries (`push`).

Requests are signed with WSSE (SPEC §1.3). `pull` walks the entry collection page by page, each
page in its own transaction, and remembers where it stopped, so an interrupted pull resumes
from that page; entries already present are updated only when the blog's copy is newer.
`push` POSTs entries the blog does not have yet (remembering the blog's id for them) and PUTs
the others. The HTTP client is injectable (tests pass one bound to kirinuki's own server).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from kirinuki.capture.atompub import AtomPubSession
from kirinuki.errors import FetchError, InputError
from kirinuki.journal.capture import make_fetcher
from kirinuki.journal.core import Journal
from kirinuki.journal.hatena import CitedArticles
from kirinuki.journal.importing import entry_name, permalink_for
from kirinuki.journal.queries import get_entry
from kirinuki.model import Entry, Status
from kirinuki.store.sqlite import entries as entry_rows
from kirinuki.store.sqlite import settings as settings_rows
from kirinuki.text.dates import date_problem, in_zone
from kirinuki.text.hatena_origin import (
    atom_content,
    carry_origin,
    entry_categories,
    set_body_html,
    set_categories,
)
from kirinuki.text.hatena_syntax import HTML, read_content
from kirinuki.text.permalinks import safe_permalink, shown
from kirinuki.text.xmlchars import xml_text

A = "{http://www.w3.org/2005/Atom}"
P = "{http://www.w3.org/2007/app}"


@dataclass(frozen=True)
class Remote:
    """A Hatena blog's API: endpoint origin, hatena id, blog id and API key."""

    user: str
    blog: str
    key: str
    endpoint: str = "https://blog.hatena.ne.jp"

    @property
    def collection(self) -> str:
        """The entry collection URL."""
        return f"{self.endpoint.rstrip('/')}/{self.user}/{self.blog}/atom/entry"


@dataclass
class SyncSummary:
    """What a pull or push did."""

    pages: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)  # entries of the blog not brought in
    changed: list[str] = field(default_factory=list)  # brought in, but not as the blog had them


def _setting(journal: Journal, key: str) -> object:
    return settings_rows.load_value(journal.store, key)


def _save(journal: Journal, key: str, value: object) -> None:
    settings_rows.save_value(journal.store, key, value)


def _remote_entry(el: ElementTree.Element, journal: Journal, blog: str,
                  s: SyncSummary | None = None) -> tuple[Entry, datetime] | None:
    """An entry of a feed or entry document, and the blog's last edit time of it; None (and a
    line in `s.problems`) when its date breaks the rule of `text.dates`. A permalink that
    breaks the rule of `text.permalinks` is renamed (a line in `s.changed`)."""
    s = s if s is not None else SyncSummary()
    rid = (el.findtext(f"{A}id") or "").rsplit("-", 1)[-1]
    content = el.find(f"{A}content")
    text = content.text or "" if content is not None else ""
    kind = content.get("type") if content is not None else None
    if not text.strip():
        text, kind = el.findtext("{http://www.hatena.ne.jp/info/xmlns#}formatted-content") or "", HTML
    entry, body = read_content(text, kind)
    set_body_html(entry, body)
    set_categories(entry, [c.get("term") or "" for c in el.findall(f"{A}category")])
    entry.key = f"hatena-atom:{blog}:{rid}"
    entry.title = el.findtext(f"{A}title") or None
    when = el.findtext(f"{A}updated") or el.findtext(f"{A}published")
    try:
        published = datetime.fromisoformat(when or "")
        edited = datetime.fromisoformat(el.findtext(f"{P}edited") or when or "")
    except ValueError as exc:
        raise FetchError(f"entry {rid}: unreadable date {when!r}") from exc
    why = date_problem(published) or date_problem(edited)
    if why is not None:  # checked before the time zone moves it: year 9999 would overflow
        s.problems.append(f"entry {rid} {entry_name(entry)}: date {when!r} ({why})")
        return None
    entry.published = published.astimezone(journal.tz)
    draft = el.findtext(f"{P}control/{P}draft") or "no"
    entry.status = Status.DRAFT if draft.strip() == "yes" else Status.PUBLISHED
    for link in el.findall(f"{A}link"):
        href = link.get("href") or ""
        # The address as the blog serves it: no query or fragment, percent-decoded.
        path = unquote(urlsplit(href).path)
        if link.get("rel") == "alternate" and "/entry/" in path:
            wanted = "/entry/" + path.split("/entry/", 1)[1]
            entry.permalink, why = safe_permalink(wanted, permalink_for(entry.published,
                                                                       journal))
            if why is not None:
                s.changed.append(f"entry {rid} {entry_name(entry)}: permalink {shown(wanted)} "
                                 f"cannot be used ({why}); stored as {entry.permalink}")
    return entry, edited


def _store_pulled(journal: Journal, entry: Entry, edited: datetime, s: SyncSummary) -> None:
    store = journal.store
    eid = entry_rows.find_entry_id(store, key=entry.key)
    if eid is None and entry.permalink:
        eid = entry_rows.find_entry_id(store, permalink=entry.permalink)
    CitedArticles(journal).link(entry)
    if eid is None:
        entry_rows.insert_entry(store, entry, journal.now())
        s.added += 1
        return
    old = get_entry(journal, eid)
    if old.updated is not None and old.updated >= edited:
        s.unchanged += 1
        return
    entry.id, entry.key, entry.revision = eid, old.key, old.revision
    carry_origin(old, entry)
    entry_rows.replace_entry(store, entry, journal.now())
    s.updated += 1


@contextmanager
def _session(journal: Journal, remote: Remote, client: Any) -> Iterator[AtomPubSession]:
    """A session through `client`, else through the journal's guarded fetcher."""
    if client is not None:
        with AtomPubSession(remote.user, remote.key, client) as http:
            yield http
        return
    with make_fetcher(journal) as fetcher, AtomPubSession(remote.user, remote.key,
                                                           fetcher) as http:
        yield http


def pull(journal: Journal, remote: Remote, client: Any = None,
         restart: bool = False) -> SyncSummary:
    """Bring the blog's entries in; resumes an interrupted pull unless `restart`.
    Raises FetchError when the blog cannot be read."""
    resume_key = f"hatena_pull:{remote.blog}"
    url = None if restart else _setting(journal, resume_key)
    url = url if isinstance(url, str) else remote.collection
    s = SyncSummary()
    with _session(journal, remote, client) as http:
        while url:
            feed = http.request("GET", url)
            nxt = next((ln.get("href") for ln in feed.findall(f"{A}link")
                        if ln.get("rel") == "next"), None)
            with journal.store.transaction():
                for el in feed.findall(f"{A}entry"):
                    got = _remote_entry(el, journal, remote.blog, s)
                    if got is not None:
                        _store_pulled(journal, *got, s)
                _save(journal, resume_key, nxt)
            s.pages += 1
            url = nxt
    return s


def _entry_xml(entry: Entry, journal: Journal) -> bytes:
    when = in_zone(entry.published or journal.now(), journal.tz).isoformat()
    cats = "".join(f'<category term="{escape(t, {chr(34): "&quot;"})}"/>'
                   for t in entry_categories(entry))
    kind, content = atom_content(entry, sanitise=False)
    url = (entry.permalink or "").removeprefix("/entry/")
    draft = "yes" if entry.status is Status.DRAFT else "no"
    return xml_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<entry xmlns="http://www.w3.org/2005/Atom"'
        ' xmlns:app="http://www.w3.org/2007/app">'
        f"<title>{escape(entry.title or '')}</title><author><name></name></author>"
        f'<content type="{kind}">{escape(content)}</content>'
        f"<updated>{when}</updated>{cats}<app:control><app:draft>{draft}</app:draft>"
        "</app:control>"
        + (f'<custom-url xmlns="http://www.hatena.ne.jp/info/xmlns#hatenablog">{escape(url)}'
           "</custom-url>" if url else "")
        + "</entry>").encode("utf-8")


def push(journal: Journal, remote: Remote, entry_ref: str | None = None,
         client: Any = None) -> SyncSummary:
    """Publish one entry (`entry_ref`) or every entry to the blog: new ones are POSTed, those
    the blog has are PUT. Raises NotFoundError, FetchError."""
    resume_key = f"hatena_push:{remote.blog}"
    ids = _setting(journal, resume_key)
    known: dict[str, str] = ids if isinstance(ids, dict) else {}
    refs = [get_entry(journal, entry_ref).id] if entry_ref else entry_rows.entry_ids(journal.store)
    s = SyncSummary()
    prefix = f"hatena-atom:{remote.blog}:"
    with _session(journal, remote, client) as http:
        for eid in refs:
            entry = get_entry(journal, eid or 0)
            rid = known.get(str(eid)) or (entry.key.removeprefix(prefix)
                                          if entry.key and entry.key.startswith(prefix) else None)
            body = _entry_xml(entry, journal)
            if rid:
                http.request("PUT", f"{remote.collection}/{rid}", body)
                s.updated += 1
            else:
                answer = http.request("POST", remote.collection, body)
                new_id = (answer.findtext(f"{A}id") or "").rsplit("-", 1)[-1]
                if not new_id:
                    raise FetchError("the blog answered a POST without an entry id")
                known[str(eid)] = new_id
                _save(journal, resume_key, known)
                s.added += 1
    return s


def check_remote(user: str, blog: str, key: str, endpoint: str | None) -> Remote:
    """A Remote from command-line values. Raises InputError for a missing value."""
    if not (user and blog and key):
        raise InputError("--user, --blog and --key (or $HATENA_API_KEY) are all needed")
    return Remote(user, blog, key, endpoint or "https://blog.hatena.ne.jp")
