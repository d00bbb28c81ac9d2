"""`init`, `tags`, `stats`."""

from __future__ import annotations

from dataclasses import asdict

import typer
from rich.table import Table

from kirinuki.cli.common import fmt_date, journal_arg, open_from, out, print_json
from kirinuki.journal import init_journal, stats, tag_counts


def init(
    ctx: typer.Context,
    title: str = typer.Option(None, "--title", help="Journal title."),
    host: list[str] = typer.Option(None, "--host", help="Host name (repeat; first is canonical)."),
    timezone: str = typer.Option(None, "--timezone", help="Time zone (default Asia/Tokyo)."),
) -> None:
    """Create a new journal."""
    path = journal_arg(ctx)
    with init_journal(path, title, host or [], timezone) as j:
        s = j.settings
        out.print(f"created journal [bold]{path}[/] ({s.title}; hosts: {', '.join(s.hosts) or '-'})")


def tags(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """List tags with how many groups and entries carry them."""
    with open_from(ctx) as j:
        rows = tag_counts(j)
    if as_json:
        print_json([asdict(r) for r in rows])
        return
    table = Table("tag", "groups", "entries")
    for r in rows:
        table.add_row("#" + r.display, str(r.groups), str(r.entries))
    out.print(table)


def stats_cmd(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Show counts for the whole journal."""
    with open_from(ctx) as j:
        s = stats(j)
        title = j.settings.title
    if as_json:
        print_json(asdict(s))
        return
    table = Table(title=title, show_header=False)
    for name, value in [
        ("entries", f"{s.entries} ({s.published} published, {s.drafts} drafts)"),
        ("groups", s.groups), ("clips", s.clips), ("tags", s.tags),
        ("articles", f"{s.articles} ({s.versions} versions)"),
        ("from", fmt_date(s.first)), ("to", fmt_date(s.last)),
    ]:
        table.add_row(name, str(value))
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add these commands to `app`."""
    app.command()(init)
    app.command()(tags)
    app.command("stats")(stats_cmd)
