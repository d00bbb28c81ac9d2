"""The composer (a new entry, capture, paste with its preview) and the older one-action forms
of the edit page (signed-in owner only; every form carries the CSRF token)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import Response

from kirinuki.errors import InputError
from kirinuki.journal import Journal, list_entries
from kirinuki.journal.capture import capture
from kirinuki.journal.checking import preview_paste
from kirinuki.journal.composing import new_entry, parse_when
from kirinuki.journal.editing import delete_clip, edit_clip, set_status
from kirinuki.journal.feeds import inbox
from kirinuki.journal.pasting import add_text
from kirinuki.journal.trash import trash_entry
from kirinuki.journal.workbench import (
    clip_version,
    delete_group,
    move_group,
    move_group_to,
    suggest_tags,
)
from kirinuki.model import Status
from kirinuki.text.hashtags import split_tag_field
from kirinuki.web.inputs import capture_target
from kirinuki.web.messages import t
from kirinuki.web.render import done_redirect, page, see_other
from kirinuki.web.routes.entries import drafts
from kirinuki.web.security import FormRoute, form_owner, journal, page_writer, state

router = APIRouter(include_in_schema=False, route_class=FormRoute)
Owner = Annotated[Journal, Depends(form_owner)]
Viewer = Annotated[str, Depends(page_writer)]  # pages for writing: not a reader's
PER_PAGE = 50
# Ids beyond SQLite's integer range are refused as malformed (400), not looked up.
Id = Annotated[int, Path(ge=1, le=2**62)]


def _edit(entry_id: int | None, anchor: str = "") -> Response:
    return see_other(f"/edit/{entry_id}{anchor}")


def compose_page(request: Request, j: Journal, *, status: int = 200,
                 **data: Any) -> Response:
    """The composer, with the new-entry and paste forms' typed values and problems."""
    values = {"new_title": "", "new_when": "", "new_problem": None, "paste_text": "",
              "paste_problem": None, **data}
    return page(request, "compose.html", t("compose.heading"), status,
                inbox=inbox(j, limit=20, unclipped=True), drafts=drafts(j), **values)


@router.get("/compose")
def compose(request: Request, _: Viewer, j: Journal = Depends(journal)) -> Response:
    """Start here: a new entry, a URL, the feed inbox, pasted clip text, the drafts."""
    return compose_page(request, j)


@router.post("/entries/new")
def entry_new(request: Request, j: Owner, title: str = Form(""),
              when: str = Form("")) -> Response:
    """A new draft with the typed title and date (now when empty)."""
    if "\n" in title or "\r" in title:
        return compose_page(request, j, status=400, new_title=title, new_when=when,
                            new_problem=t("error.title"))
    try:
        at = parse_when(when, j) if when.strip() else None
    except InputError:
        return compose_page(request, j, status=400, new_title=title, new_when=when,
                            new_problem=t("error.date", tz=j.settings.timezone))
    try:
        entry = new_entry(j, title=title.strip() or None, at=at)
    except InputError:
        return compose_page(request, j, status=400, new_title=title, new_when=when,
                            new_problem=t("error.date_range"))
    return done_redirect(f"/edit/{entry.id}", "created")


@router.post("/compose/capture")
def compose_capture(request: Request, j: Owner, url: str = Form(...)) -> Response:
    """Fetch the article and show its paragraphs, numbered, to tick."""
    make = state(request).fetcher
    fetcher = make() if make else None
    try:
        result = capture(j, capture_target(url), fetcher=fetcher)
    finally:
        if fetcher is not None:
            fetcher.close()
    source = result.article.source
    pick = {"url": result.article.url, "title": result.version.title or result.article.title,
            "source": (source.name or source.site) if source else None,
            "number": result.number, "updated": result.new_version and result.number > 1,
            "figures": result.figures, "paragraphs": result.version.paragraphs, "ticked": [],
            "action": "/compose/clip", "hidden": {"version": result.version.id},
            "notice": None}
    return page(request, "pick.html", t("pick.heading"), pick=pick,
                suggestions=suggest_tags(j, result.version.paragraphs,
                                         source.site if source else None),
                drafts=list_entries(j, limit=10, status=Status.DRAFT))


@router.post("/compose/clip")
def compose_clip(j: Owner, version: int = Form(..., ge=1, le=2**62), pick: list[int] = Form([]),
                 tags: str = Form(""), entry: str = Form("today")) -> Response:
    """Add the ticked paragraphs, closed by the tags, to the chosen entry."""
    updated = clip_version(j, version, [p - 1 for p in pick], split_tag_field(tags),
                           entry or None)
    return done_redirect(f"/edit/{updated.id}#end", "clipped")


def _paste_problem(exc: InputError) -> str:
    return t("paste.no_clips" if "no clips" in str(exc) else "paste.bad_text")


@router.post("/compose/preview")
def compose_preview(request: Request, j: Owner, text: str = Form(...),
                    entry: str = Form("today")) -> Response:
    """Pasted clip text shown as it will be read (clips, tag lines, related links, header
    and footer) with its warnings; nothing is stored until its save button is pressed."""
    try:
        preview = preview_paste(j, text.encode("utf-8"))
    except InputError as exc:
        return compose_page(request, j, status=400, paste_text=text,
                            paste_problem=_paste_problem(exc))
    return page(request, "paste.html", t("paste.heading"), preview=preview, text=text,
                entry=entry, drafts=drafts(j))


@router.post("/compose/paste")
def compose_paste(request: Request, j: Owner, text: str = Form(...),
                  entry: str = Form("today")) -> Response:
    """Add pasted clip text (paragraphs closed by hashtag lines)."""
    try:
        result = add_text(j, text.encode("utf-8"), entry=entry or None, name="pasted text")
    except InputError as exc:
        return compose_page(request, j, status=400, paste_text=text,
                            paste_problem=_paste_problem(exc))
    return done_redirect(f"/edit/{result.entry.id}#end", "pasted", result.clips)


@router.post("/clips/{clip_id}/edit")
def clip_edit(clip_id: Id, j: Owner, text: str = Form(...)) -> Response:
    """Replace a clip's text (one paragraph). Only line breaks a textarea adds at the ends go:
    a paragraph indented with U+3000 keeps its indentation."""
    return _edit(edit_clip(j, clip_id, text.strip("\r\n")).id, f"#c{clip_id}")


@router.post("/clips/{clip_id}/delete")
def clip_delete(clip_id: Id, j: Owner) -> Response:
    """Delete a clip."""
    return _edit(delete_clip(j, clip_id).id)


@router.post("/groups/{group_id}/move")
def group_move(group_id: Id, j: Owner, step: int = Form(..., ge=-1000, le=1000)) -> Response:
    """Move a group up or down within its entry."""
    return _edit(move_group(j, group_id, step).id)


@router.post("/groups/{group_id}/delete")
def group_delete(group_id: Id, j: Owner) -> Response:
    """Delete a group with its clips and tags."""
    return _edit(delete_group(j, group_id).id)


@router.post("/groups/{group_id}/moveto")
def group_move_to(group_id: Id, j: Owner, target: str = Form(...)) -> Response:
    """Move a group to the end of another entry."""
    return _edit(move_group_to(j, group_id, target).id, "#end")


@router.post("/entries/{entry_id}/status")
def entry_status(entry_id: Id, j: Owner, status: Status = Form(...)) -> Response:
    """Publish or unpublish an entry."""
    return _edit(set_status(j, str(entry_id), status).id)


@router.post("/entries/{entry_id}/delete")
def entry_delete(entry_id: Id, j: Owner, back: str = Form("/manage")) -> Response:
    """Move the entry to the trash; the page after says so, with an undo button."""
    trash_entry(j, str(entry_id))
    target = back if back in ("/manage", "/compose", "/trash") else "/manage"
    return done_redirect(target, "trashed", undo=entry_id)
