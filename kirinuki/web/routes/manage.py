"""/manage: every entry in a table, filtered (state, tag, month, words), with bulk publish,
unpublish and delete; the tags with rename and merge."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from kirinuki.journal import Journal, list_entries, tag_counts
from kirinuki.journal.composing import bulk
from kirinuki.journal.editing import rename_tag
from kirinuki.journal.trash import trash_list
from kirinuki.model import Status
from kirinuki.web.messages import t
from kirinuki.web.render import done_redirect, page
from kirinuki.web.routes.changes import current_changes
from kirinuki.web.routes.entries import entry_label
from kirinuki.web.security import FormRoute, form_owner, journal, page_owner

router = APIRouter(include_in_schema=False, route_class=FormRoute)
Owner = Annotated[Journal, Depends(form_owner)]
Viewer = Annotated[str, Depends(page_owner)]
PER_PAGE = 50
MAX_BULK = 500
_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")


@router.get("/manage")
def manage(request: Request, _: Viewer, p: int = Query(1, ge=1, le=1_000_000),
           status: str = Query("", max_length=20), tag: str = Query("", max_length=200),
           month: str = Query("", max_length=7), q: str = Query("", max_length=200),
           j: Journal = Depends(journal)) -> Response:
    """Entries newest first, filtered; the trash when `status=trash`."""
    month_ok = month if _MONTH.fullmatch(month) else ""
    filters = {"status": status, "tag": tag.strip().lstrip("#＃"), "month": month_ok,
               "q": q.strip()}
    if status == "trash":
        rows = []
        trashed = trash_list(j)
    else:
        trashed = []
        state = Status(status) if status in ("draft", "published") else None
        rows = list_entries(j, limit=PER_PAGE + 1, offset=(p - 1) * PER_PAGE, status=state,
                            tag=filters["tag"] or None, month=month_ok or None,
                            text=filters["q"] or None)
    return page(request, "manage.html", t("manage.heading"), rows=rows[:PER_PAGE],
                labels={r.id: entry_label(r) for r in rows}, trashed=trashed, page_no=p,
                more=len(rows) > PER_PAGE, tags=tag_counts(j), filters=filters,
                month_problem=bool(month) and not month_ok,
                changed=current_changes(request, j).entry_ids)


@router.post("/manage/bulk")
def manage_bulk(j: Owner, action: str = Form(...), ids: list[str] = Form([]),
                back: str = Form("/manage")) -> Response:
    """Publish, unpublish or delete (to the trash) the ticked entries."""
    chosen = [int(i) for i in ids[:MAX_BULK] if i.isascii() and i.isdigit() and len(i) < 19]
    target = back if back.startswith("/manage") and "//" not in back else "/manage"
    n = bulk(j, chosen, action)
    return done_redirect(target, "bulk", n)


@router.post("/tags/rename")
def tags_rename(j: Owner, old: str = Form(...), new: str = Form(...)) -> Response:
    """Rename a tag, or merge it into another (the old name stays an alias)."""
    rename_tag(j, old.strip(), new.strip())
    return done_redirect("/manage#tags", "tags")
