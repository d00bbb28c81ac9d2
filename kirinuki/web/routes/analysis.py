"""Analysis views of one entry: duplicates and versions (with their figure changes), quotes by
speaker, related earlier entries (the owner pins or rejects suggestions); as pages and API.

Readers see the analysis of published entries only, and only clips and suggestions from
published entries; the owner sees drafts too.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from kirinuki.errors import NotFoundError
from kirinuki.journal import Journal
from kirinuki.journal.analysis import ClipView, EntryAnalysis, GroupView, QuoteView, entry_analysis
from kirinuki.journal.analysis import quotes as find_quotes
from kirinuki.journal.queries import get_entry
from kirinuki.journal.related import RelatedEntry, decide_related, related_entries
from kirinuki.journal.story import hidden, set_hidden
from kirinuki.publish import urls
from kirinuki.publish.views import date_label, reader_change
from kirinuki.web.messages import REASONS_JA, t
from kirinuki.web.render import page, see_other
from kirinuki.web.security import (
    ApiRoute,
    FormRoute,
    api_owner,
    form_owner,
    journal,
    owner_csrf,
    state,
)

router = APIRouter(include_in_schema=False, route_class=FormRoute)
api = APIRouter(prefix="/api", route_class=ApiRoute, dependencies=[Depends(api_owner)])
Id = Annotated[int, Path(ge=1, le=2**62)]
Owner = Annotated[Journal, Depends(api_owner)]
KINDS = {"version": "版の更新", "background": "共通の背景", "duplicate": "同じ段落"}
Json = dict[str, Any]


def _visible(request: Request, j: Journal) -> tuple[set[int] | None, bool]:
    """The entry ids a reader may see (None: everything, for the owner), and whether owner."""
    if owner_csrf(request, j) is not None:
        return None, True
    ctx, _ = state(request).site.current(j)
    return set(ctx.pos), False


def _clip(c: ClipView) -> Json:
    return {"clip": c.clip_id, "entry": c.entry_id, "text": c.text,
            "url": urls.entry_url(c.permalink) if c.permalink else None,
            "published": c.published.isoformat() if c.published else None}


def _groups(groups: list[GroupView], seen: set[int] | None) -> list[Json]:
    out = []
    for g in groups:
        clips = [_clip(c) for c in g.clips if seen is None or c.entry_id in seen]
        if len(clips) >= 2:  # a group is only news with another clip the viewer may see
            out.append({"kind": g.group.kind, "label": KINDS.get(g.group.kind, g.group.kind),
                        "reason": g.group.reason, "changes": g.changes, "clips": clips})
    return out


def _quotes(found: list[QuoteView], seen: set[int] | None) -> list[Json]:
    """Quotes grouped by speaker, speakers in order of first appearance."""
    by: dict[str, list[Json]] = {}
    for q in found:
        if seen is None or q.clip.entry_id in seen:
            by.setdefault(q.speaker, []).append({**_clip(q.clip), "clip_text": q.clip.text,
                                                  "text": q.quote.text})
    return [{"speaker": s, "quotes": qs} for s, qs in by.items()]


def _related(found: list[RelatedEntry], seen: set[int] | None) -> list[Json]:
    return [{"entry": r.entry_id, "url": urls.entry_url(r.permalink) if r.permalink else None,
             "published": r.published.isoformat() if r.published else None,
             "title": r.title, "first_clip": r.first_clip, "score": round(r.score, 3),
             "reasons": r.reasons, "reason": r.reason, "decision": r.decision}
            for r in found if seen is None or r.entry_id in seen]


def _view(a: EntryAnalysis, rel: list[RelatedEntry], seen: set[int] | None) -> Json:
    return {"entry": a.entry_id, "groups": _groups(a.groups, seen),
            "quotes": _quotes(a.quotes, seen),
            "figures": [{"surface": f.figure.surface, "label": f.figure.label,
                         "value": f.figure.value, "clip": f.clip.clip_id} for f in a.figures],
            "related": _related(rel, seen)}


def _analysed(j: Journal, entry_id: int, limit: int, seen: set[int] | None) -> Json:
    a = entry_analysis(j, str(entry_id))
    return _view(a, related_entries(j, str(entry_id), limit, groups=a.groups), seen)


@router.get("/analysis/{entry_id}")
def analysis_page(request: Request, entry_id: Id, j: Journal = Depends(journal)) -> Response:
    """An entry's duplicates, versions, quotes by speaker and related entries."""
    seen, owner = _visible(request, j)
    if seen is not None and entry_id not in seen:
        raise NotFoundError(f"no published entry {entry_id}")
    view = state(request).memo(
        ("analysis", entry_id, owner),
        lambda: _analysed(j, entry_id, 8, seen))
    ctx, _ = state(request).site.current(j)
    meta = ctx.entries[ctx.pos[entry_id]] if entry_id in ctx.pos else None
    return page(request, "analysis.html", t("analysis.heading"), view=view, owner=owner,
                groups=[_worded(g) for g in view["groups"]],
                switches=_switches(j, view, entry_id) if owner else [],
                entry_url=urls.entry_url(meta.permalink) if meta else None)


_SHOWN = {"version": "版の更新の注記と、タグのまとめの数字", "statements": "タグのまとめの発言者"}


def _switches(j: Journal, view: Json, entry_id: int) -> list[Json]:
    """The entry's clips with results the published site shows (a version note, statements),
    each with whether the owner hid it: the switches of the page's last panel."""
    kinds: dict[int, list[str]] = {}
    text: dict[int, str] = {}
    for g in view["groups"]:
        if g["kind"] == "version":
            # The later clips of a version group carry a version note.
            for c in g["clips"][1:]:
                if c["entry"] == entry_id:
                    kinds.setdefault(c["clip"], []).append("version")
                    text[c["clip"]] = c["text"]
    for s in view["quotes"]:
        for q in s["quotes"]:
            if q["entry"] == entry_id and "statements" not in kinds.get(q["clip"], []):
                kinds.setdefault(q["clip"], []).append("statements")
                text[q["clip"]] = q["clip_text"]
    off = {(h.clip_id, h.kind) for h in hidden(j, sorted(kinds))}
    return [{"clip": c, "text": text[c][:80],
             "kinds": [{"kind": k, "label": _SHOWN[k], "hidden": (c, k) in off} for k in ks]}
            for c, ks in sorted(kinds.items())]


@router.post("/entries/{entry_id}/hide")
def hide_result(entry_id: Id, j: Annotated[Journal, Depends(form_owner)],
                clip: int = Form(..., ge=1, le=2**62),
                kind: Literal["version", "statements"] = Form(...),
                hide: Literal["1", "0"] = Form(...)) -> Response:
    """Hide one kind of a clip's results from the published site, or show them again."""
    if clip not in {c.id for c in get_entry(j, str(entry_id)).clips}:
        raise NotFoundError(f"no clip {clip} in entry {entry_id}")
    set_hidden(j, clip, kind, hide == "1")
    return see_other(f"/analysis/{entry_id}#public")


_CHANGE = re.compile(r"([0-9]+) → ([0-9]+): (.*)", re.DOTALL)


def _worded(group: Json) -> Json:
    """A group as the page words it: the reasons in Japanese, the changes between versions
    named by the dates of their entries (never clip ids)."""
    clips = group["clips"]
    kind = group["kind"]
    head = t(f"analysis.{kind}", n=len(clips)) if kind in ("version", "duplicate",
                                                           "background") else ""
    reasons = group["reason"].rpartition(" (")[2].rstrip(")").split("; ")
    worded = "、".join(dict.fromkeys(REASONS_JA.get(r, r) for r in reasons if r))
    when = {c["clip"]: _day(c["published"]) for c in clips}
    changes = []
    for line in group["changes"]:
        m = _CHANGE.fullmatch(line)
        if m is not None:
            a, b = when.get(int(m.group(1))), when.get(int(m.group(2)))
            changes.append(f"{a or t('analysis.draft')} → {b or t('analysis.draft')}: "
                           f"{reader_change(m.group(3))}")
    return {**group, "reason": f"{head}（{worded}）" if worded else head, "changes": changes}


def _day(iso: str | None) -> str | None:
    return date_label(datetime.fromisoformat(iso)) if iso else None


@router.get("/quotes")
def quotes_page(request: Request, speaker: str = Query("", max_length=200),
                j: Journal = Depends(journal)) -> Response:
    """Quotes of one speaker across the journal (`ブリンケン長官` finds `ブリンケン国務長官`)."""
    seen, owner = _visible(request, j)
    who = speaker.strip()
    found = state(request).memo(("quotes", who, owner), lambda: _quotes(
        find_quotes(j, speaker=who, limit=200), seen)) if who else []
    return page(request, "quotes.html", f"{speaker} の発言" if speaker else "発言", q=speaker,
                speakers=found)


@router.post("/entries/{entry_id}/related")
def related_decide(entry_id: Id, j: Annotated[Journal, Depends(form_owner)],
                   other: int = Form(..., ge=1, le=2**62),
                   decision: Literal["pinned", "rejected", "forget"] = Form(...)) -> Response:
    """Pin or reject a suggested related entry, or forget the decision."""
    decide_related(j, str(entry_id), str(other), None if decision == "forget" else decision)
    return see_other(f"/analysis/{entry_id}#related")


class DecisionIn(BaseModel):
    decision: Literal["pinned", "rejected"] | None


@api.get("/entries/{entry_id}/analysis")
def analysis_api(entry_id: Id, j: Owner, limit: int = Query(8, ge=1, le=50)) -> Json:
    """Duplicate and version groups (with figure changes), quotes by speaker, figures and
    related-entry suggestions of one entry."""
    return _analysed(j, entry_id, limit, None)


@api.get("/quotes")
def quotes_api(j: Owner, speaker: Annotated[str, Query(min_length=1, max_length=200)],
               limit: int = Query(100, ge=1, le=1000)) -> list[Json]:
    """Quotes by one speaker across the journal, grouped by the speaker's fullest name."""
    return _quotes(find_quotes(j, speaker=speaker, limit=limit), None)


@api.put("/entries/{entry_id}/related/{other_id}")
def related_api(entry_id: Id, other_id: Id, body: DecisionIn, j: Owner) -> list[Json]:
    """Pin or reject `other_id` as related to `entry_id` (null forgets); the new suggestions."""
    decide_related(j, str(entry_id), str(other_id), body.decision)
    return _related(related_entries(j, str(entry_id), 8), None)
