"""Hatena Blog's AtomPub API, served under `/{user}/{blog_id}/atom` (SPEC §1).

Responses are written from templates shaped like Hatena's own (Atom unprefixed, `app:` prefix,
no attributes on `<title>`, `app:control/app:draft` always, https `/entry/` alternates): real
clients (gimonfu, XML::Atom) parse them without namespace handling. Requests are parsed
namespace-blind (Atom 1.0 or 0.3, any prefix); malformed XML or values answer 400.
Authentication: WSSE (`X-WSSE`) or Basic, against an AtomPub key (`kirinuki hatena key`), or
OAuth 1.0a (`kirinuki hatena oauth add`).
Include in the app with `app.include_router(atompub.router)` before the catch-all site routes.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from lxml import etree

from kirinuki.errors import AuthError, InputError, KirinukiError
from kirinuki.journal import Journal
from kirinuki.journal.accounts import User
from kirinuki.journal.hatena_atompub import (
    AtomDraft,
    atom_entry,
    atom_title,
    categories,
    check_api_key,
    check_wsse,
    create_entry,
    entry_page,
    remove_entry,
    update_entry,
)
from kirinuki.journal.hatena_oauth import check_oauth
from kirinuki.journal.revisions import at_revision
from kirinuki.model import Entry, Status
from kirinuki.text.dates import in_zone
from kirinuki.text.hatena_html import entry_html
from kirinuki.text.hatena_origin import atom_content, entry_categories
from kirinuki.text.hatena_syntax import HTML
from kirinuki.text.links import http_url
from kirinuki.text.xmlchars import xml_text
from kirinuki.web.inputs import count_param
from kirinuki.web.limits import ATOMPUB_BODY, ATOMPUB_CHALLENGE
from kirinuki.web.revisions import etag, if_match
from kirinuki.web.security import acting
from kirinuki.web.security import journal as journal_dep

router = APIRouter(include_in_schema=False)
ENTRY_TYPE = "application/atom+xml;type=entry"
MAX_BODY = ATOMPUB_BODY
MAX_PAGE = 2**62  # a page cursor beyond SQLite's integers is malformed
_WSSE = re.compile(r'(\w+)="([^"]*)"')


def _origin(request: Request) -> str:
    host = request.headers.get("host", "127.0.0.1")
    return f"https://{host}" if host.split(":")[0] == "blog.hatena.ne.jp" else f"http://{host}"


def _signed_url(request: Request) -> str:
    """The URL as the client addressed it (what an OAuth signature covers)."""
    url = str(request.url)
    return _origin(request) + url[url.index("/", url.index("//") + 2):]


def _check_wsse(j: Journal, header: str) -> User:
    f = dict(_WSSE.findall(header))
    try:
        # Decoded: another spelling of the same nonce (padding, unused bits) is the same nonce.
        nonce = base64.b64decode(f["Nonce"], validate=True)
        created, sent = f["Created"], f["PasswordDigest"]
    except (KeyError, ValueError, binascii.Error) as exc:
        raise AuthError("malformed X-WSSE header") from exc
    return check_wsse(j, nonce, created, sent)


def authorised(request: Request, j: Journal = Depends(journal_dep)) -> Journal:
    """The journal writing as the key's user, when the request carries a valid WSSE or Basic
    AtomPub key or an OAuth signature (else 401; a reader's write is 403)."""
    try:
        user = _authorise(request, j)
    except AuthError as exc:
        raise HTTPException(401, str(exc), headers={"WWW-Authenticate": ATOMPUB_CHALLENGE},
                            ) from exc
    return acting(j, user, request.method)


def _authorise(request: Request, j: Journal) -> User:
    wsse = request.headers.get("x-wsse")
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("oauth ") or "oauth_signature" in request.query_params:
        # The client acts as the account that authorised it (`hatena oauth add --user`).
        return check_oauth(j, _signed_url(request), request.method, dict(request.headers))
    if wsse:
        return _check_wsse(j, wsse)
    if auth.lower().startswith("basic "):
        try:
            user, _, key = base64.b64decode(auth[6:].strip()).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise AuthError("malformed Basic credentials") from exc
        return check_api_key(j, key)
    raise AuthError("WSSE or Basic authentication with an AtomPub key, or OAuth, is needed")


def _iso(dt: datetime | None, j: Journal) -> str:
    return in_zone(dt or datetime.now(UTC), j.tz).replace(microsecond=0).isoformat()


def _alternate(url: str, kind: str | None = None) -> str:
    """A `rel="alternate"` link element, or nothing when `url` is no http(s) link."""
    if http_url(url) is None:
        return ""
    typed = f" type={quoteattr(kind)}" if kind else ""
    return f'<link rel="alternate"{typed} href={quoteattr(url)}/>\n'


def _entry_xml(entry: Entry, j: Journal, base: str, user: str, blog: str) -> str:
    eid = str(entry.id)
    host = j.settings.canonical_host or blog
    path = (entry.permalink or f"/entry/draft/{eid}").removeprefix("/entry/").lstrip("/")
    clips = [c.text for c in entry.clips]
    summary = (clips[0] if clips else "")
    summary = summary if len(summary) <= 140 else summary[:139] + "…"
    cats = "".join(f"<category term={quoteattr(t)} />\n" for t in entry_categories(entry))
    kind, content = atom_content(entry)
    formatted = content if kind == HTML else entry_html(entry)
    draft = "yes" if entry.status is Status.DRAFT else "no"
    return (
        f"<id>tag:blog.hatena.ne.jp,2013:blog-{escape(user)}-{escape(blog)}-{eid}</id>\n"
        f'<link rel="edit" href={quoteattr(f"{base}/{user}/{blog}/atom/entry/{eid}")}/>\n'
        f"{_alternate(f'https://{host}/entry/{path}', 'text/html')}"
        f"<author><name>{escape(user)}</name></author>\n"
        f"<title>{escape(atom_title(j, entry))}</title>\n"
        f"<updated>{_iso(entry.published or entry.updated, j)}</updated>\n"
        f"<published>{_iso(entry.published or entry.updated, j)}</published>\n"
        f"<app:edited>{_iso(entry.updated, j)}</app:edited>\n"
        f'<summary type="text">{escape(summary)}</summary>\n'
        f'<content type="{kind}">{escape(content)}</content>\n'
        f'<hatena:formatted-content type="text/html" xmlns:hatena="http://www.hatena.ne.jp/info/xmlns#">'
        f"{escape(formatted)}</hatena:formatted-content>\n"
        f"{cats}<app:control>\n  <app:draft>{draft}</app:draft>\n"
        f"  <app:preview>no</app:preview>\n</app:control>\n"
    )


_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n'
_NS = 'xmlns="http://www.w3.org/2005/Atom" xmlns:app="http://www.w3.org/2007/app"'


def _entry_doc(entry: Entry, j: Journal, base: str, user: str, blog: str) -> str:
    return f"{_HEAD}<entry {_NS}>\n{_entry_xml(entry, j, base, user, blog)}</entry>\n"


def _xml(body: str, media: str, status: int = 200, **headers: str) -> Response:
    # Every AtomPub document leaves through here: whatever the journal holds, it is XML.
    return Response(xml_text(body), status_code=status, media_type=media, headers=headers)


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(el: etree._Element) -> str:
    if len(el) and _local(el[0].tag) == "div":  # XML::Atom: xhtml / Atom 0.3 mode="xml"
        return "".join(el[0].itertext())
    return "".join(el.itertext())


def _when(text: str) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(f"bad <updated> value {text!r}") from exc


def _parse_xml(body: bytes) -> etree._Element:
    """The root element of `body`. Raises InputError for malformed XML or any DTD: entities
    are never expanded nor fetched, so a DTD could only mislead (billion laughs, XXE)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_comments=True,
                             remove_pis=True)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"malformed XML: {exc}") from exc
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise InputError("DTDs are not accepted")
    return root


def parse_draft(body: bytes, j: Journal) -> AtomDraft:
    """The fields of a posted Atom entry (any namespace prefixes, Atom 1.0 or 0.3).
    Raises InputError for malformed XML or values."""
    if len(body) > MAX_BODY:
        raise InputError("entry too large")
    root = _parse_xml(body)
    if _local(root.tag) != "entry":
        raise InputError("the body must be an Atom <entry>")
    d = AtomDraft(title="", content="")
    seen_content = False
    for el in root:
        name = _local(el.tag)
        if name == "title":
            d.title = "".join(el.itertext())
        elif name == "content":
            seen_content = True
            d.content = _text(el)
            kind = el.get("type") or ""
            # Atom's "html" is escaped HTML; an xhtml div (XML::Atom) holds plain text lines.
            d.content_type = "text/html" if kind == "html" else kind or None
        elif name == "updated" or name == "issued":
            when = _when("".join(el.itertext()))
            d.updated = when.replace(tzinfo=j.tz) if when and when.tzinfo is None else when
        elif name == "category" and el.get("term"):
            d.categories.append(el.get("term") or "")
        elif name == "control":
            for c in el:
                if _local(c.tag) == "draft":
                    d.draft = "".join(c.itertext()).strip().lower() == "yes"
        elif name == "custom-url":
            d.custom_url = "".join(el.itertext())
    if not seen_content:
        raise InputError("an entry needs <content>")
    return d


def _guard(fn: Callable[[], Response]) -> Response:
    try:
        return fn()
    except KirinukiError as exc:
        return Response(str(exc) + "\n", status_code=exc.http_status, media_type="text/plain",
                        headers={"WWW-Authenticate": ATOMPUB_CHALLENGE}
                        if isinstance(exc, AuthError) else None)


@router.get("/{user}/{blog}/atom")
def service(request: Request, user: str, blog: str,
            j: Journal = Depends(authorised)) -> Response:
    """The service document: one entry collection."""
    href = f"{_origin(request)}/{user}/{blog}/atom/entry"
    atom = 'xmlns:atom="http://www.w3.org/2005/Atom"'
    body = (f'{_HEAD}<service xmlns="http://www.w3.org/2007/app">\n  <workspace>\n'
            f"    <atom:title {atom}>{escape(j.settings.title)}</atom:title>\n"
            f"    <collection href={quoteattr(href)}>\n"
            f"      <atom:title {atom}>記事一覧</atom:title>\n"
            f"      <accept>application/atom+xml;charset=utf-8;type=entry</accept>\n"
            f"    </collection>\n  </workspace>\n</service>\n")
    return _xml(body, "application/atomsvc+xml; charset=utf-8")


@router.get("/{user}/{blog}/atom/entry")
def collection(request: Request, user: str, blog: str, page: str | None = None,
               j: Journal = Depends(authorised)) -> Response:
    """A page of entries, newest first, with `rel="next"` while more remain."""
    def run() -> Response:
        entries, nxt = entry_page(j, count_param("page", page, MAX_PAGE) if page else None)
        base = _origin(request)
        coll = f"{base}/{user}/{blog}/atom/entry"
        parts = [f'{_HEAD}<feed {_NS}>\n<link rel="first" href={quoteattr(coll)} />\n']
        if nxt is not None:
            parts.append(f'<link rel="next" href={quoteattr(f"{coll}?page={nxt}")} />\n')
        host = j.settings.canonical_host or blog
        parts.append(f"<title>{escape(j.settings.title)}</title>\n"
                     f"{_alternate(f'https://{host}/')}"
                     f"<updated>{_iso(None, j)}</updated>\n"
                     f"<author><name>{escape(user)}</name></author>\n"
                     f'<generator uri="https://blog.hatena.ne.jp/" version="kirinuki">'
                     f"Hatena::Blog</generator>\n<id>hatenablog://blog/{escape(blog)}</id>\n")
        parts += [f"<entry>\n{_entry_xml(e, j, base, user, blog)}</entry>\n" for e in entries]
        parts.append("</feed>\n")
        return _xml("".join(parts), "application/atom+xml; charset=utf-8")
    return _guard(run)


@router.post("/{user}/{blog}/atom/entry")
async def create(request: Request, user: str, blog: str,
                 j: Journal = Depends(authorised)) -> Response:
    """Create an entry: 201 with its Location and the entry."""
    body = await request.body()

    def run() -> Response:
        entry = create_entry(j, parse_draft(body, j))
        base = _origin(request)
        loc = f"{base}/{user}/{blog}/atom/entry/{entry.id}"
        return _xml(_entry_doc(entry, j, base, user, blog), ENTRY_TYPE, 201, Location=loc,
                    ETag=etag(entry))
    return _guard(run)


@router.get("/{user}/{blog}/atom/entry/{entry_id}")
def read(request: Request, user: str, blog: str, entry_id: str,
         j: Journal = Depends(authorised)) -> Response:
    """One entry, with its ETag."""
    def run() -> Response:
        entry = atom_entry(j, entry_id)
        return _xml(_entry_doc(entry, j, _origin(request), user, blog), ENTRY_TYPE,
                    ETag=etag(entry))
    return _guard(run)


@contextmanager
def _if_match(request: Request, j: Journal, entry_id: str) -> Iterator[None]:
    """One transaction in which the entry is still at the revision If-Match names (412)."""
    with j.store.transaction():
        eid = atom_entry(j, entry_id).id or 0
        with at_revision(j, eid, if_match(request, eid)):
            yield


@router.put("/{user}/{blog}/atom/entry/{entry_id}")
async def update(request: Request, user: str, blog: str, entry_id: str,
                 j: Journal = Depends(authorised)) -> Response:
    """Replace an entry (with If-Match, only while it is at that revision); answers the
    updated entry."""
    body = await request.body()

    def run() -> Response:
        draft = parse_draft(body, j)
        with _if_match(request, j, entry_id):
            entry = update_entry(j, entry_id, draft)
        return _xml(_entry_doc(entry, j, _origin(request), user, blog), ENTRY_TYPE,
                    ETag=etag(entry))
    return _guard(run)


@router.delete("/{user}/{blog}/atom/entry/{entry_id}")
def delete(request: Request, user: str, blog: str, entry_id: str,
           j: Journal = Depends(authorised)) -> Response:
    """Delete an entry (with If-Match, only while it is at that revision)."""
    def run() -> Response:
        with _if_match(request, j, entry_id):
            remove_entry(j, entry_id)
        return Response(status_code=200)
    return _guard(run)


@router.get("/{user}/{blog}/atom/category")
def category(user: str, blog: str, j: Journal = Depends(authorised)) -> Response:
    """Every category (tag) in use."""
    terms = "".join(f"  <atom:category term={quoteattr(t)} />\n" for t in categories(j))
    body = (f'{_HEAD}<app:categories xmlns:app="http://www.w3.org/2007/app"\n'
            f'                xmlns:atom="http://www.w3.org/2005/Atom" fixed="no">\n'
            f"{terms}</app:categories>\n")
    return _xml(body, "application/atomcat+xml; charset=utf-8")
