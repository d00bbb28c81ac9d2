"""The composer and the edit forms (signed-in owner only; every form carries the CSRF token)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import Response

from kirinuki.journal import Journal, get_entry, list_entries, tag_counts
from kirinuki.journal.capture import capture
from kirinuki.journal.editing import delete_clip, delete_entry, edit_clip, rename_tag, set_status
from kirinuki.journal.feeds import inbox
from kirinuki.journal.pasting import add_text
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
from kirinuki.web.render import page, see_other
from kirinuki.web.routes.changes import current_changes
from kirinuki.web.security import FormRoute, form_owner, journal, page_owner, state

router = APIRouter(include_in_schema=False, route_class=FormRoute)
Owner = Annotated[Journal, Depends(form_owner)]
Viewer = Annotated[str, Depends(page_owner)]
PER_PAGE = 50
# Ids beyond SQLite's integer range are refused as malformed (400), not looked up.
Id = Annotated[int, Path(ge=1, le=2**62)]


def _edit(entry_id: int | None, anchor: str = "") -> Response:
    return see_other(f"/edit/{entry_id}{anchor}")


@router.get("/compose")
def compose(request: Request, _: Viewer, j: Journal = Depends(journal)) -> Response:
    """Start here: paste a URL, pick from the feed inbox, or paste clip text."""
    return page(request, "compose.html", "切り抜く", inbox=inbox(j, limit=20, unclipped=True),
                drafts=list_entries(j, limit=10, status=Status.DRAFT))


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
    return page(request, "pick.html", "段落を選ぶ", pick=pick,
                suggestions=suggest_tags(j, result.version.paragraphs,
                                         source.site if source else None),
                drafts=list_entries(j, limit=10, status=Status.DRAFT))


@router.post("/compose/clip")
def compose_clip(j: Owner, version: int = Form(..., ge=1, le=2**62), pick: list[int] = Form([]),
                 tags: str = Form(""), entry: str = Form("today")) -> Response:
    """Add the ticked paragraphs, closed by the tags, to the chosen entry."""
    updated = clip_version(j, version, [p - 1 for p in pick], split_tag_field(tags),
                           entry or None)
    return _edit(updated.id, "#end")


@router.post("/compose/paste")
def compose_paste(j: Owner, text: str = Form(...), entry: str = Form("today")) -> Response:
    """Add pasted clip text (paragraphs closed by hashtag lines)."""
    result = add_text(j, text.encode("utf-8"), entry=entry or None, name="pasted text")
    return _edit(result.entry.id, "#end")


@router.get("/manage")
def manage(request: Request, _: Viewer, p: int = Query(1, ge=1, le=1_000_000),
           j: Journal = Depends(journal)) -> Response:
    """Every entry, drafts included, newest first; tags with rename/merge."""
    rows = list_entries(j, limit=PER_PAGE + 1, offset=(p - 1) * PER_PAGE)
    return page(request, "manage.html", "管理", rows=rows[:PER_PAGE], page_no=p,
                more=len(rows) > PER_PAGE, tags=tag_counts(j),
                changed=current_changes(request, j).entry_ids)


@router.get("/edit/{entry_id}")
def edit(request: Request, entry_id: Id, _: Viewer, j: Journal = Depends(journal)) -> Response:
    """One entry with a form for every clip and group."""
    return page(request, "edit.html", f"記事 {entry_id} の編集", entry=get_entry(j, entry_id),
                drafts=list_entries(j, limit=10, status=Status.DRAFT),
                source_changed=entry_id in current_changes(request, j).entry_ids)


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
def entry_delete(entry_id: Id, j: Owner) -> Response:
    """Delete an entry."""
    delete_entry(j, str(entry_id))
    return see_other("/manage")


@router.post("/tags/rename")
def tags_rename(j: Owner, old: str = Form(...), new: str = Form(...)) -> Response:
    """Rename a tag, or merge it into another (the old name stays an alias)."""
    rename_tag(j, old.strip(), new.strip())
    return see_other("/manage#tags")
