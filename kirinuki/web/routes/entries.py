"""The owner's entry pages: a new entry, the edit page and its one form, preview, publishing
(with a confirmation when the entry has warnings), the trash with undo.

Every write is a form posted with the CSRF token; it answers with a redirect to a page that
says what was done (`render.done_redirect`) or, when the input is wrong, with the
same form again, holding what was typed and a message beside the field (400).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from kirinuki.errors import ConflictError, InputError, NotFoundError
from kirinuki.journal import Journal, get_entry, list_entries
from kirinuki.journal.arranging import FormError, arrange
from kirinuki.journal.checking import entry_warnings, suggest_for_clips
from kirinuki.journal.composing import parse_when, publish_entry, unpublish_entry
from kirinuki.journal.queries import resolve_entry_id
from kirinuki.journal.trash import purge, restore, trash_list
from kirinuki.journal.workbench import move_group_of_clip
from kirinuki.model import Entry, Status
from kirinuki.publish.templating import View
from kirinuki.publish.views import date_label
from kirinuki.web.edit_form import Posted, apply_move, form_view, read_form
from kirinuki.web.messages import t
from kirinuki.web.render import done_redirect, page, see_other
from kirinuki.web.routes.changes import current_changes
from kirinuki.web.security import (
    FormRoute,
    can_write,
    form_owner,
    journal,
    page_owner,
    page_writer,
    state,
)

router = APIRouter(include_in_schema=False, route_class=FormRoute)
Owner = Annotated[Journal, Depends(form_owner)]
Viewer = Annotated[str, Depends(page_owner)]
Writer = Annotated[str, Depends(page_writer)]
Id = Annotated[int, Path(ge=1, le=2**62)]
DRAFTS = 10


async def posted_form(request: Request) -> FormData:
    """The whole posted form (read once by FastAPI already; this returns it again)."""
    return await request.form()


Posted_ = Annotated[FormData, Depends(posted_form)]


def when_text(d: datetime | None) -> str:
    """A date as the date fields show it: `2025-07-01 08:00`."""
    return d.strftime("%Y-%m-%d %H:%M") if d is not None else ""


def _when(j: Journal, text: str) -> datetime | None:
    """The typed date, None when empty. Raises InputError (worded by `_date_problem`)."""
    return parse_when(text, j) if text.strip() else None


def _date_problem(j: Journal) -> str:
    return t("error.date", tz=j.settings.timezone)


# ---- the edit page ----------------------------------------------------------------------


def _suggestions(j: Journal, entry: Entry) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for g in entry.groups:
        texts = [c.text for c in g.clips]
        if texts:
            have = {tag.name for tag in g.tags}
            out[g.id or 0] = [s for s in suggest_for_clips(
                j, texts, entry_id=entry.id, before=entry.published) if s.name not in have][:8]
    return out


def edit_page(request: Request, j: Journal, entry: Entry, *, status: int = 200,
              posted: Posted | None = None,
              problems: dict[str, tuple[str, dict[str, object]]] | None = None,
              message: str | None = None) -> Response:
    """The edit page of `entry`, from the stored entry or from what was posted."""
    groups = form_view(entry, posted, problems)
    suggestions = _suggestions(j, entry)
    for g in groups:
        g.suggestions = suggestions.get(g.id, [])
    return page(request, "edit.html", t("edit.heading"), status, entry=entry, groups=groups,
                move_targets=[d for d in drafts(j) if d.id != entry.id],
                title_value=posted.title if posted else (entry.title or ""),
                when_value=posted.when if posted else when_text(entry.published),
                label=entry_label(entry), message=message, problems=problems or {},
                revision=entry.revision,
                source_changed=entry.id in current_changes(request, j).entry_ids)


def entry_label(entry: Any) -> str:
    """How an entry is named on the owner's pages: its title, else its date, else the start
    of its first clip (never its id)."""
    if entry.title:
        return str(entry.title)
    if entry.published is not None:
        return date_label(entry.published)
    first = getattr(entry, "first_clip", "") or next((c.text for c in getattr(entry, "clips", [])),
                                                     "")
    return first[:30] or t("entry.untitled")


@router.get("/edit")
def edit_by_link(_: Viewer, link: str = Query("", max_length=1100),
                 j: Journal = Depends(journal)) -> Response:
    """The edit page of the entry at a public address (the edit link of a public page)."""
    if not link.startswith("/entry/"):
        raise NotFoundError("no entry at that address")
    return see_other(f"/edit/{resolve_entry_id(j, link)}")


@router.get("/edit/{entry_id}")
def edit(request: Request, entry_id: Id, _: Viewer, j: Journal = Depends(journal)) -> Response:
    """One entry in one form: title, date, every clip, each group's tags, their order (a
    reader, who cannot save it, is shown the preview)."""
    entry = get_entry(j, entry_id)
    if not can_write(request, j):
        return see_other(f"/preview/{entry_id}")
    return edit_page(request, j, entry)


@router.post("/edit/{entry_id}")
def edit_save(request: Request, entry_id: Id, j: Owner, form: Posted_,
              revision: int | None = Form(None, ge=1), move: str = Form(""),
              do: str = Form("save"), anchor: str = Form(""), moveto: str = Form("")) -> Response:
    """Save the whole form in one transaction; `move` (a ↑↓ button without JavaScript)
    moves one item first; `moveto` (a group's 保存して移す) then moves that group to the
    entry chosen beside it; `do=preview` goes on to the preview."""
    entry = get_entry(j, entry_id)
    try:
        posted = read_form(form, form.getlist("item"), form.getlist("delete"))
        if move:
            posted.order = apply_move(posted.order, move)
        moving = _moving_clip(posted, moveto) if moveto else None
    except InputError:
        return edit_page(request, j, entry, status=400, message=t("error.form"))
    if moveto and moving is None:
        return edit_page(request, j, entry, status=400, posted=posted,
                         message=t("error.move_empty"))
    try:
        at = _when(j, posted.when)
    except InputError:
        return edit_page(request, j, entry, status=400, posted=posted,
                         problems={"when": ("date", {})}, message=_date_problem(j))
    if "\n" in posted.title or "\r" in posted.title:
        return edit_page(request, j, entry, status=400, posted=posted,
                         problems={"title": ("title", {})}, message=t("error.title"))
    try:
        arrange(j, entry_id, posted.groups(), posted.texts, posted.deleted, revision=revision,
                title=posted.title.strip(), at=at)
    except FormError as exc:
        message = t("error.form") if "form" in exc.problems else t("fix_below")
        return edit_page(request, j, entry, status=400, posted=posted, problems=exc.problems,
                         message=message)
    except ConflictError:
        return edit_page(request, j, entry, status=409, posted=posted,
                         message=t("error.conflict"))
    except InputError:  # a date the store refuses (out of range)
        return edit_page(request, j, entry, status=400, posted=posted,
                         problems={"when": ("date", {})}, message=t("error.date_range"))
    if moving is not None:
        try:
            move_group_of_clip(j, moving, str(form.get(f"target:{moveto}", "today")))
        except InputError:  # the chosen entry is this one
            return edit_page(request, j, get_entry(j, entry_id), status=400,
                             message=t("error.move_same"))
        return done_redirect(f"/edit/{entry_id}", "moved")
    if do == "preview":
        return see_other(f"/preview/{entry_id}")
    target = anchor if anchor[:1] in ("c", "g") and anchor[1:].isdigit() else ""
    return done_redirect(f"/edit/{entry_id}" + (f"#{target}" if target else ""), "saved")


def _moving_clip(posted: Posted, moveto: str) -> int | None:
    """The first clip kept in the group `moveto` names (its id on the page), or None when it
    keeps none. Raises InputError for a group the form does not hold."""
    if not (moveto.isascii() and moveto.isdigit()) or ("g", int(moveto)) not in posted.order:
        raise InputError("not a group of this form")
    for g in posted.groups():
        if g.group_id == int(moveto):
            return next((n for kind, n in g.items
                         if kind == "c" and ("c", n) not in posted.deleted), None)
    return None


# ---- preview and publishing -------------------------------------------------------------


def preview_view(request: Request, j: Journal, entry: Entry) -> View:
    """The entry as its page will show it (the published page's view, built for any entry)."""
    _, renderer = state(request).site.current(j)
    return renderer.views.unpublished(entry, entry.published or j.now())


def preview_page(request: Request, j: Journal, entry: Entry, *, status: int = 200,
                 message: str | None = None, when: str | None = None) -> Response:
    """The preview page of `entry`, with `message` and the typed date when publishing failed."""
    return page(request, "preview.html", t("entry.preview"), status,
                entry=preview_view(request, j, entry), stored=entry,
                warnings=entry_warnings(j, entry), message=message,
                when_value=when if when is not None else when_text(entry.published),
                label=entry_label(entry))


@router.get("/preview/{entry_id}")
def preview(request: Request, entry_id: Id, _: Viewer, j: Journal = Depends(journal)) -> Response:
    """The entry exactly as it will be published, with its warnings and the publish form."""
    return preview_page(request, j, get_entry(j, entry_id))


@router.post("/entries/{entry_id}/publish")
def entry_publish(request: Request, entry_id: Id, j: Owner, when: str = Form(""),
                  confirm: str = Form("")) -> Response:
    """Publish at the typed date (the entry's own when empty); an entry with warnings needs
    the confirmation box ticked."""
    entry = get_entry(j, entry_id)
    try:
        at = _when(j, when)
    except InputError:
        return preview_page(request, j, entry, status=400, message=_date_problem(j), when=when)
    if entry_warnings(j, entry) and not confirm:
        return preview_page(request, j, entry, status=400, when=when,
                            message=t("warn.heading"))
    try:
        publish_entry(j, str(entry_id), at)
    except InputError:
        return preview_page(request, j, entry, status=400, when=when,
                            message=t("error.date_range"))
    return done_redirect(f"/edit/{entry_id}", "published")


@router.post("/entries/{entry_id}/unpublish")
def entry_unpublish(entry_id: Id, j: Owner) -> Response:
    """Make the entry a draft again."""
    unpublish_entry(j, str(entry_id))
    return done_redirect(f"/edit/{entry_id}", "unpublished")


# ---- the trash --------------------------------------------------------------------------


@router.get("/trash")
def trash_page(request: Request, _: Writer, j: Journal = Depends(journal)) -> Response:
    """What the trash holds, newest first, each with a restore button."""
    return page(request, "trash.html", t("trash.heading"), items=trash_list(j))


@router.post("/trash/{entry_id}/restore")
def trash_restore(entry_id: Id, j: Owner) -> Response:
    """Bring back an entry (or its deleted groups and clips) with its ids and address."""
    try:
        restore(j, entry_id)
    except NotFoundError:
        return see_other("/trash")
    return done_redirect(f"/edit/{entry_id}", "restored")


@router.post("/trash/purge")
def trash_purge(j: Owner, days: str = Form("")) -> Response:
    """Delete for good what is in the trash (only what is older than `days` when given)."""
    older = int(days) if days.isascii() and days.isdigit() and len(days) < 6 else None
    n = purge(j, older)
    return done_redirect("/trash", "purged", n)


def drafts(j: Journal) -> list[Any]:
    """The newest drafts, for the composer and the entry choices."""
    return list_entries(j, limit=DRAFTS, status=Status.DRAFT)
