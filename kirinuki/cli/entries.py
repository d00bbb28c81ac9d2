"""`entries list` and `entries show`."""

from __future__ import annotations

import typer
from rich.table import Table

from kirinuki.cli.common import fmt_date, open_from, out, print_json
from kirinuki.journal import entry_view, get_entry, list_entries
from kirinuki.model import Status
from kirinuki.text.cliptext import render

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
    """Show one entry: its groups, clips, tags and related links."""
    with open_from(ctx) as j:
        entry = get_entry(j, ref)
    if as_json:
        print_json(entry_view(entry))
        return
    out.print(f"[bold]entry {entry.id}[/]  {fmt_date(entry.published)}  {entry.status}"
              f"  {entry.permalink or ''}")
    out.print(render(entry), markup=False)
