"""`entries list`, `entries show` and `entries permalink`."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from kirinuki.cli.analysis import group_json, print_group, statement_json, statement_text
from kirinuki.cli.common import err, fmt_date, open_from, out, print_json
from kirinuki.journal import entry_view, get_entry, list_entries
from kirinuki.journal.analysis import entry_with_analysis
from kirinuki.journal.editing import set_permalink
from kirinuki.model import Status
from kirinuki.text.cliptext import render
from kirinuki.text.permalinks import permalink_problem

app = typer.Typer(help="List and show entries.", no_args_is_help=True)


@app.command("list")
def list_cmd(
    ctx: typer.Context,
    limit: int = typer.Option(50, "--limit", "-n", min=1),
    offset: int = typer.Option(0, "--offset", min=0),
    status: Status = typer.Option(None, "--status"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List entries, newest first."""
    with open_from(ctx) as j:
        rows = list_entries(j, limit=limit, offset=offset, status=status)
    if as_json:
        print_json([
            {"id": r.id, "permalink": r.permalink, "status": str(r.status), "title": r.title,
             "published": r.published.isoformat() if r.published else None,
             "clips": r.clips, "tags": r.tags}
            for r in rows
        ])
        return
    table = Table("id", "date", "status", "clips", "tags", "first clip")
    for r in rows:
        table.add_row(str(r.id), fmt_date(r.published), str(r.status), str(r.clips),
                      " ".join("#" + t for t in r.tags), r.first_clip[:40], )
    out.print(table)


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="Entry id or permalink."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Show one entry: its clip text, then what analysis found (versions with their changed
    figures, shared background, statements by speaker)."""
    with open_from(ctx) as j:
        entry, found = entry_with_analysis(j, ref)
    if as_json:
        print_json({**entry_view(entry), "analysis": {
            "groups": [group_json(g) for g in found.groups],
            "quotes": [statement_json(q) for q in found.quotes],
            "statements": [statement_json(q) for q in found.statements]}})
        return
    out.print(f"[bold]entry {entry.id}[/]  {fmt_date(entry.published)}  {entry.status}"
              f"  {entry.permalink or ''}")
    out.print(render(entry), markup=False)
    if found.groups or found.statements:
        out.print("\n[bold]analysis[/]")
    for g in found.groups:
        print_group(g)
    for q in found.statements:
        out.print(f"  {statement_text(q)} — {q.speaker} (clip {q.clip.clip_id})", markup=False)


@app.command("permalink")
def permalink_cmd(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="Entry id or permalink."),
    new: str = typer.Argument(None, help="New permalink (/entry/… or what follows /entry/)."),
) -> None:
    """Show an entry's permalink, or set it (checked against the permalink rule)."""
    with open_from(ctx) as j:
        entry = get_entry(j, ref) if new is None else set_permalink(j, ref, new)
    out.print(entry.permalink or "(none: published at its date's address)", markup=False)
    why = permalink_problem(entry.permalink) if entry.permalink else None
    if why is not None:
        err.print(f"[yellow]warning:[/] this permalink cannot be used ({escape(why)}); "
                  f"set another: kirinuki entries permalink {entry.id} NEW")
