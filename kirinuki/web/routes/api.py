"""The JSON API (documented at /api/openapi.json). Every call needs an API token or the
owner's session; errors are JSON bodies {"error": {"type", "message"}} with their status."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import AfterValidator, AwareDatetime, BaseModel, Field

from kirinuki.errors import InputError
from kirinuki.journal import Journal, entry_view, get_entry, list_entries, tag_counts
from kirinuki.journal.capture import capture, parse_tags
from kirinuki.journal.composing import new_entry, publish_entry, set_entry, unpublish_entry
from kirinuki.journal.editing import (
    add_group,
    delete_clip,
    delete_entry,
    edit_clip,
    rename_tag,
)
from kirinuki.journal.revisions import at_revision, clip_entry_id
from kirinuki.journal.search import search as search_clips
from kirinuki.journal.workbench import clip_version, suggest_tags
from kirinuki.model import Clip, Entry, Group, Item, Status, TagLine
from kirinuki.text.spaces import clip_text_problem
from kirinuki.web.inputs import capture_target
from kirinuki.web.revisions import if_match, with_etag
from kirinuki.web.security import ApiRoute, api_owner, state

router = APIRouter(prefix="/api", route_class=ApiRoute, dependencies=[Depends(api_owner)])
Owner = Annotated[Journal, Depends(api_owner)]
MAX_ID = 2**62
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Json = dict[str, Any]


def _text(value: str) -> str:
    """Reject lone surrogates, which cannot be stored as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode") from exc
    return value


def _clip_line(value: str) -> str:
    """A clip's text: one line with visible text (the rule of `text.spaces`)."""
    problem = clip_text_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


Text = Annotated[str, AfterValidator(_text)]
Line = Annotated[str, AfterValidator(_text), AfterValidator(_clip_line),
                 Field(min_length=1, max_length=20000, pattern=r"^[^\r\n]*\S[^\r\n]*$")]


class Page(BaseModel):
    """A page of a listing: `next_offset` is null on the last page."""

    items: list[Json]
    limit: int
    offset: int
    next_offset: int | None


class GroupIn(BaseModel):
    """A group to add: clip paragraphs (one line each) and tag names."""

    clips: list[Line] = Field(min_length=1, max_length=500)
    tags: list[Text] = Field(default_factory=list, max_length=100)


class EntryIn(BaseModel):
    """An entry's fields: a date with its offset (ISO 8601), a title, draft or published."""

    status: Status | None = None
    published: AwareDatetime | None = Field(None, description="ISO 8601 with an offset.")
    title: Annotated[str, AfterValidator(_text), Field(max_length=500)] | None = None


class ClipIn(BaseModel):
    text: Line


class RenameIn(BaseModel):
    old: Text = Field(min_length=1, max_length=500)
    new: Text = Field(min_length=1, max_length=500)


class CaptureIn(BaseModel):
    url: Text = Field(min_length=1, max_length=4000, description="A URL or an inbox number.")


class ClipFromIn(BaseModel):
    version: int = Field(ge=1, le=MAX_ID, description="Article version id from /api/capture.")
    pick: list[int] = Field(min_length=1, max_length=1000, description="1-based paragraphs.")
    tags: list[Text] = Field(default_factory=list, max_length=100)
    entry: Text = Field("today", max_length=200)


@router.get("/entries", response_model=Page)
def entries(j: Owner, limit: int = Query(20, ge=1, le=200), offset: int = Query(0, ge=0, le=MAX_ID),
            status: Status | None = None) -> Json:
    """Entries newest first, drafts included unless `status` says otherwise."""
    rows = list_entries(j, limit=limit + 1, offset=offset, status=status)
    items = [{"id": r.id, "permalink": r.permalink, "status": str(r.status), "title": r.title,
              "published": r.published.isoformat() if r.published else None,
              "clips": r.clips, "tags": r.tags, "first_clip": r.first_clip} for r in rows[:limit]]
    return {"items": items, "limit": limit, "offset": offset,
            "next_offset": offset + limit if len(rows) > limit else None}


def _view(response: Response, entry: Entry) -> Json:
    """The entry's JSON, its ETag on the response."""
    with_etag(response, entry)
    return entry_view(entry)


@router.get("/entries/{entry_id}")
def entry(entry_id: Id, j: Owner, response: Response) -> Json:
    """One entry: groups with clips (ids, text, source), tags and related links; its ETag
    (`"ID.REVISION"`) goes back in If-Match with a change."""
    return _view(response, get_entry(j, entry_id))


@router.post("/entries/{entry_ref}/groups", status_code=201)
def add(entry_ref: Annotated[str, Path(max_length=200, pattern=r"^(today|\d{1,18})$")],
        body: GroupIn, j: Owner, request: Request, response: Response) -> Json:
    """Append a group to an entry (`today`: today's draft, created if missing); with
    If-Match, only while a numbered entry is at that revision (else 412)."""
    tags = parse_tags(body.tags)
    items: list[Item] = [Clip(text=t) for t in body.clips]
    group = Group(items=items, tag_lines=[TagLine(tags)] if tags else [])
    if entry_ref == "today":
        return _view(response, add_group(j, entry_ref, group))
    with at_revision(j, int(entry_ref), if_match(request, int(entry_ref))):
        return _view(response, add_group(j, entry_ref, group))


@router.post("/entries", status_code=201)
def create(body: EntryIn, j: Owner, response: Response) -> Json:
    """Create an entry (a draft unless `status` says published), dated `published` (default
    now)."""
    entry = new_entry(j, title=body.title, at=_local(j, body.published))
    if body.status is Status.PUBLISHED:
        entry = publish_entry(j, str(entry.id))
    return _view(response, entry)


@router.patch("/entries/{entry_id}")
def status(entry_id: Id, body: EntryIn, j: Owner, request: Request, response: Response) -> Json:
    """Change an entry's date, title or status (publish or unpublish): only the fields
    given, in one transaction; with If-Match, only while the entry is at that revision (else
    412). A published entry moved to another date keeps its old address as a redirect."""
    ref = str(entry_id)
    if body.status is None and body.published is None and body.title is None:
        get_entry(j, ref)  # an unknown entry is 404 even with nothing to change
        raise InputError("give status, published or title")
    with at_revision(j, entry_id, if_match(request, entry_id)):
        if body.published is not None or body.title is not None:
            set_entry(j, ref, title=body.title, at=_local(j, body.published))
        if body.status is Status.PUBLISHED:
            publish_entry(j, ref)
        elif body.status is Status.DRAFT:
            unpublish_entry(j, ref)
    return _view(response, get_entry(j, ref))


def _local(j: Journal, when: datetime | None) -> datetime | None:
    return when.astimezone(j.tz).replace(microsecond=0) if when is not None else None


@router.delete("/entries/{entry_id}", status_code=204)
def remove(entry_id: Id, j: Owner, request: Request) -> Response:
    """Delete an entry (to the trash); with If-Match, only while it is at that revision."""
    with at_revision(j, entry_id, if_match(request, entry_id)):
        delete_entry(j, str(entry_id))
    return Response(status_code=204)


@router.put("/clips/{clip_id}")
def clip_put(clip_id: Id, body: ClipIn, j: Owner, request: Request, response: Response) -> Json:
    """Replace a clip's text; returns its entry. If-Match names the entry's revision."""
    with j.store.transaction():
        eid = clip_entry_id(j, clip_id)
        with at_revision(j, eid, if_match(request, eid)):
            return _view(response, edit_clip(j, clip_id, body.text))


@router.delete("/clips/{clip_id}")
def clip_delete(clip_id: Id, j: Owner, request: Request, response: Response) -> Json:
    """Delete a clip; returns its entry. If-Match names the entry's revision."""
    with j.store.transaction():
        eid = clip_entry_id(j, clip_id)
        with at_revision(j, eid, if_match(request, eid)):
            return _view(response, delete_clip(j, clip_id))


@router.get("/tags")
def tags(j: Owner) -> list[Json]:
    """Every tag with its counts, most used first."""
    return [{"key": t.key, "name": t.display, "groups": t.groups, "entries": t.entries}
            for t in tag_counts(j)]


@router.get("/tags/suggest")
def suggest(j: Owner, text: Annotated[Text, Query(max_length=20000)] = "",
            site: Annotated[Text | None, Query(max_length=300)] = None) -> list[Json]:
    """Tags of this journal fitting a text (and a source site); never new tags."""
    return [{"name": s.name, "score": s.score, "reason": s.reason}
            for s in suggest_tags(j, [text], site)]


@router.post("/tags/rename")
def rename(body: RenameIn, j: Owner) -> Json:
    """Rename a tag or merge it into an existing one; the old name stays an alias."""
    return {"changed": rename_tag(j, body.old, body.new)}


@router.post("/capture")
def capture_article(request: Request, body: CaptureIn, j: Owner) -> Json:
    """Fetch an article (URL or inbox number); returns its newest version's paragraphs."""
    make = state(request).fetcher
    fetcher = make() if make else None
    try:
        r = capture(j, capture_target(body.url), fetcher=fetcher)
    finally:
        if fetcher is not None:
            fetcher.close()
    return {"url": r.article.url, "title": r.version.title or r.article.title,
            "version": r.version.id, "number": r.number, "new_version": r.new_version,
            "paragraphs": r.version.paragraphs,
            "figures": [{"old": a, "new": b} for a, b in r.figures]}


@router.post("/clip", status_code=201)
def clip(body: ClipFromIn, j: Owner, response: Response) -> Json:
    """Add paragraphs of a captured version as one group to an entry."""
    updated = clip_version(j, body.version, [p - 1 for p in body.pick], body.tags,
                           body.entry)
    return _view(response, updated)


@router.get("/search")
def search(j: Owner, q: Annotated[Text, Query(min_length=1, max_length=500)],
           limit: int = Query(20, ge=1, le=200), offset: int = Query(0, ge=0, le=100_000),
           sort: str = Query("relevance", pattern="^(relevance|date)$")) -> Json:
    """Search clips (drafts included): hits with snippets, total, tag and month facets."""
    r = search_clips(j, q, limit=limit, offset=offset, sort=sort)
    hits = [{"clip": h.clip_id, "entry": h.entry_id, "permalink": h.permalink,
             "published": h.published.isoformat() if h.published else None, "text": h.text,
             "tags": h.tags, "site": h.site,
             "snippet": [{"text": t, "match": m} for t, m in h.snippet]} for h in r.hits]
    return {"query": r.query, "total": r.total, "limit": limit, "offset": offset,
            "next_offset": offset + limit if r.total is not None and r.total > offset + limit
            else None, "hits": hits,
            "facets": {"tags": [{"key": f.key, "label": f.label, "count": f.count} for f in r.tags],
                       "months": [{"key": f.key, "label": f.label, "count": f.count}
                                  for f in r.months]}}
