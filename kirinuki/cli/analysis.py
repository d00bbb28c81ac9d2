"""`dupes`, `figures`, `statements` (alias `quotes`), `related` (with `related pin|reject`) and
`hide` (analysis results kept off the published site)."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import Any

import typer
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from kirinuki.cli.common import fmt_date, open_from, out, print_json
from kirinuki.journal.analysis import (
    DEFAULT_THRESHOLDS,
    ClipView,
    FigureChange,
    FigureView,
    GroupView,
    StatementView,
    duplicate_groups,
    figures,
    statements,
)
from kirinuki.journal.related import RelatedEntry, decide_related, related_entries
from kirinuki.journal.story import hidden, set_hidden


def _iso(c: ClipView) -> str | None:
    return c.published.isoformat() if c.published else None


def _clip_json(c: ClipView) -> dict[str, Any]:
    return {"id": c.clip_id, "entry": c.entry_id, "permalink": c.permalink,
            "published": _iso(c), "text": c.text}


def _figure_change_json(f: FigureChange) -> dict[str, Any]:
    return {"label": f.label, "old": f.old.surface if f.old else None,
            "new": f.new.surface if f.new else None, "text": f.describe()}


def group_json(g: GroupView) -> dict[str, Any]:
    return {
        "kind": g.group.kind, "similarity": round(g.group.similarity, 3),
        "reason": g.group.reason, "clips": [_clip_json(c) for c in g.clips],
        "links": [{"a": lk.a, "b": lk.b, "kind": lk.match.kind,
                   "similarity": round(lk.match.similarity, 3), "reason": lk.match.reason}
                  for lk in g.group.links],
        "changes": [{"from": a, "to": b, "text": c.describe(),
                     "figures": [_figure_change_json(f) for f in c.figures],
                     "wording": [list(w) for w in c.words]} for a, b, c in g.group.changes],
    }


def print_group(g: GroupView) -> None:
    style = {"version": "yellow", "background": "blue"}.get(g.group.kind, "red")
    out.print(Text(f"{g.group.kind}  similarity {g.group.similarity:.2f}  {g.group.reason}",
                   style=f"bold {style}"))
    for c in g.clips:
        line = Text(f"  clip {c.clip_id}  entry {c.entry_id}  {fmt_date(c.published)}  ",
                    style="cyan")
        line.append(c.text[:70] + ("…" if len(c.text) > 70 else ""), style="default")
        out.print(line)
    for change in g.changes:
        out.print(Text(f"  {change}", style="green"))


def dupes_cmd(
    ctx: typer.Context,
    entry: str = typer.Option(None, "--entry", "-e", help="Only groups with a clip of this entry."),
    version: float = typer.Option(DEFAULT_THRESHOLDS.version, "--version-threshold",
                                  min=0.0, max=1.0, help="Similarity for a version."),
    background: float = typer.Option(DEFAULT_THRESHOLDS.background, "--background-threshold",
                                     min=0.0, max=1.0, help="Similarity of a sentence shared as background."),
    as_json: bool = typer.Option(False, "--json", help="Print the groups as JSON."),
) -> None:
    """List groups of duplicate clips, versions of one passage and shared background."""
    t = replace(DEFAULT_THRESHOLDS, version=version, background=background)
    with open_from(ctx) as j:
        groups = duplicate_groups(j, entry, t)
    if as_json:
        print_json([group_json(g) for g in groups])
        return
    for g in groups:
        print_group(g)
    out.print(Text(f"{len(groups)} group(s)", style="dim"))


def _figure_json(v: FigureView) -> dict[str, Any]:
    f = v.figure
    return {"surface": f.surface, "value": f.value, "counter": f.counter,
            "qualifier": f.qualifier, "predicate": f.predicate, "label": f.label,
            "clip": v.clip.clip_id, "entry": v.clip.entry_id, "permalink": v.clip.permalink,
            "published": _iso(v.clip), "context": _context(v.clip.text, f.start, f.end)}


def _context(text: str, start: int, end: int, width: int = 20) -> str:
    return text[max(0, start - width):end + width]


def figures_cmd(
    ctx: typer.Context,
    tag: str = typer.Option(None, "--tag", "-t", help="Only clips of groups with this tag."),
    entry: str = typer.Option(None, "--entry", "-e", help="Only clips of this entry."),
    limit: int = typer.Option(200, "--limit", "-n", min=0, help="Newest N figures (0: all)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """List figures (number, counter, qualifier, predicate) found in clips, oldest first."""
    with open_from(ctx) as j:
        found = figures(j, tag=tag, entry_ref=entry, limit=limit)
    if as_json:
        print_json([_figure_json(v) for v in found])
        return
    table = Table("date", "entry", "what", "figure", "value", "context")
    for v in found:
        f = v.figure
        table.add_row(fmt_date(v.clip.published), str(v.clip.entry_id), f.label, f.surface,
                      f"{f.value:g} {f.counter}".strip(), _context(v.clip.text, f.start, f.end))
    out.print(table)


def statement_json(v: StatementView) -> dict[str, Any]:
    s = v.statement
    return {"speaker": v.speaker, "speaker_as_written": s.speaker, "speaker_key": s.speaker_key,
            "text": s.text, "mode": s.mode, "cue": s.cue, "inferred": s.inferred,
            "broken": s.broken, "start": s.start, "end": s.end, "clip": v.clip.clip_id,
            "entry": v.clip.entry_id, "permalink": v.clip.permalink, "published": _iso(v.clip)}


quote_json = statement_json  # the older name


def statement_text(v: StatementView) -> str:
    """A quote in its brackets (`「…」`); reported speech with its cue (`… (明らかにしました)`)."""
    s = v.statement
    if s.mode == "reported":
        return f"{s.text} ({s.cue})" if s.cue else s.text
    return f"「{s.text}」"


class Mode(StrEnum):
    direct = "direct"
    headline = "headline"
    reported = "reported"


def statements_cmd(
    ctx: typer.Context,
    speaker: str = typer.Option(None, "--speaker", "-s", help="Speaker (any form of the name)."),
    mode: Mode = typer.Option(None, "--mode", "-m", case_sensitive=False,
                              help="direct (quotes, headlines included), headline or reported."),
    tag: str = typer.Option(None, "--tag", "-t", help="Only clips of groups with this tag."),
    entry: str = typer.Option(None, "--entry", "-e", help="Only clips of this entry."),
    limit: int = typer.Option(200, "--limit", "-n", min=0, help="Newest N statements (0: all)."),
    as_json: bool = typer.Option(False, "--json", help="Print the statements as JSON."),
) -> None:
    """List statements with their speakers, oldest first: quotes 「…」 and reported speech
    (…と明らかにしました)."""
    with open_from(ctx) as j:
        found = statements(j, speaker=speaker, mode=mode.value if mode else None,
                           entry_ref=entry, tag=tag, limit=limit)
    if as_json:
        print_json([statement_json(v) for v in found])
        return
    table = Table("date", "entry", "speaker", "mode", "statement")
    for v in found:
        who = v.speaker or "?"
        table.add_row(fmt_date(v.clip.published), str(v.clip.entry_id),
                      who + (" *" if v.statement.inferred else ""), v.statement.mode,
                      statement_text(v))
    out.print(table)


class _DefaultShow(TyperGroup):
    """`related ENTRY` means `related show ENTRY`; `pin`, `reject`, `forget` are commands."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["show", *args]
        return list(super().parse_args(ctx, args))


related_app = typer.Typer(cls=_DefaultShow, no_args_is_help=True,
                          help="Earlier related entries: `related ENTRY`, `related pin|reject "
                               "ENTRY OTHER`.")


def _related_json(r: RelatedEntry) -> dict[str, Any]:
    return {"entry": r.entry_id, "permalink": r.permalink, "title": r.title,
            "published": r.published.isoformat() if r.published else None,
            "score": r.score, "reason": r.reason, "reasons": r.reasons,
            "decision": r.decision or None,
            "first_clip": r.first_clip}


@related_app.command("show", hidden=True)
def related_show(
    ctx: typer.Context,
    entry: str = typer.Argument(..., help="Entry id or permalink."),
    limit: int = typer.Option(5, "--limit", "-n", min=1),
    as_json: bool = typer.Option(False, "--json", help="Print the suggestions as JSON."),
) -> None:
    """Suggest earlier entries on the same story, with reasons."""
    with open_from(ctx) as j:
        found = related_entries(j, entry, limit)
    if as_json:
        print_json([_related_json(r) for r in found])
        return
    for r in found:
        score = "pinned" if r.decision else f"score {r.score:.1f}"
        out.print(Text(f"entry {r.entry_id}  {fmt_date(r.published)}  {r.permalink or ''}  "
                       f"{score}", style="bold cyan"))
        out.print(Text(f"  {r.title or r.first_clip[:60]}"))
        if r.reason:
            out.print(Text(f"  {r.reason}"))
        for reason in r.reasons:
            out.print(Text(f"  - {reason}", style="green"))
    if not found:
        out.print(Text("no related earlier entries found", style="dim"))


def _decide(ctx: typer.Context, entry: str, other: str, decision: str | None) -> None:
    with open_from(ctx) as j:
        decide_related(j, entry, other, decision)
    out.print(f"entry {other}: {decision or 'decision forgotten'} for entry {entry}")


@related_app.command("pin")
def related_pin(ctx: typer.Context, entry: str = typer.Argument(...),
                other: str = typer.Argument(..., help="The earlier entry to keep.")) -> None:
    """Always list OTHER as related to ENTRY."""
    _decide(ctx, entry, other, "pinned")


@related_app.command("reject")
def related_reject(ctx: typer.Context, entry: str = typer.Argument(...),
                   other: str = typer.Argument(..., help="The entry not to suggest.")) -> None:
    """Never suggest OTHER as related to ENTRY."""
    _decide(ctx, entry, other, "rejected")


@related_app.command("forget")
def related_forget(ctx: typer.Context, entry: str = typer.Argument(...),
                   other: str = typer.Argument(...)) -> None:
    """Forget a pin or reject decision."""
    _decide(ctx, entry, other, None)


hide_app = typer.Typer(no_args_is_help=True,
                       help="Keep a clip's analysis results off the published site: its version "
                            "note (and its figures in tag stories) or its statements.")


class HiddenKind(StrEnum):
    version = "version"
    statements = "statements"


def _hide(ctx: typer.Context, kind: HiddenKind, clip: int, on: bool) -> None:
    with open_from(ctx) as j:
        changed = set_hidden(j, clip, kind.value, on)
    state = "hidden" if on else "shown"
    out.print(f"clip {clip}: {kind.value} {state}" + ("" if changed else " (already)"))


@hide_app.command("add")
def hide_add(ctx: typer.Context,
             kind: HiddenKind = typer.Argument(..., help="version or statements."),
             clip: int = typer.Argument(..., help="Clip id (as `dupes` and `statements --json` "
                                                  "print it).")) -> None:
    """Hide a clip's version note or statements from the published site."""
    _hide(ctx, kind, clip, True)


@hide_app.command("remove")
def hide_remove(ctx: typer.Context,
                kind: HiddenKind = typer.Argument(..., help="version or statements."),
                clip: int = typer.Argument(..., help="Clip id.")) -> None:
    """Show a hidden result again."""
    _hide(ctx, kind, clip, False)


@hide_app.command("list")
def hide_list(ctx: typer.Context,
              as_json: bool = typer.Option(False, "--json", help="Print them as JSON.")) -> None:
    """List the hidden results."""
    with open_from(ctx) as j:
        found = hidden(j)
    if as_json:
        print_json([{"clip": h.clip_id, "kind": h.kind, "entry": h.entry_id, "text": h.text}
                    for h in found])
        return
    for h in found:
        out.print(Text(f"clip {h.clip_id}  entry {h.entry_id}  {h.kind}  {h.text[:50]}"))
    if not found:
        out.print(Text("nothing hidden", style="dim"))


def register(app: typer.Typer) -> None:
    """Add the analysis commands to `app`."""
    app.command("dupes")(dupes_cmd)
    app.command("figures")(figures_cmd)
    app.command("statements")(statements_cmd)
    app.command("quotes", help="Alias of `statements`.")(statements_cmd)
    app.add_typer(related_app, name="related")
    app.add_typer(hide_app, name="hide")
