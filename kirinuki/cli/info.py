"""`init`, `tags` (list, rename, merge), `stats`."""

from __future__ import annotations

from dataclasses import asdict

import typer
from rich.table import Table

from kirinuki.cli.common import fmt_date, journal_arg, open_from, out, print_json
from kirinuki.errors import InputError
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


tags_app = typer.Typer(help="List, rename and merge tags (`kirinuki tags` alone lists them).",
                       no_args_is_help=False)


@tags_app.callback(invoke_without_command=True)
def tags(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """List tags with how many groups and entries carry them; rename or merge them."""
    if ctx.invoked_subcommand is None:
        tags_list(ctx, as_json)


@tags_app.command("list")
def tags_list(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """List tags with how many groups and entries carry them, most used first."""
    with open_from(ctx) as j:
        rows = tag_counts(j)
    if as_json:
        print_json([asdict(r) for r in rows])
        return
    table = Table("tag", "groups", "entries")
    for r in rows:
        table.add_row("#" + r.display, str(r.groups), str(r.entries))
    out.print(table)


@tags_app.command("rename")
def tags_rename(
    ctx: typer.Context,
    old: str = typer.Argument(..., metavar="OLD", help="The tag's name (# optional)."),
    new: str = typer.Argument(..., metavar="NEW", help="Its new name; an existing tag merges."),
) -> None:
    """Rename a tag in every entry; the old name stays an alias (a later import of #OLD lands
    on NEW)."""
    from kirinuki.journal.editing import rename_tag

    with open_from(ctx) as j:
        n = rename_tag(j, old, new)
    out.print(f"renamed #{old.lstrip('#＃')} to #{new.lstrip('#＃')} in {n} places", markup=False)


@tags_app.command("merge")
def tags_merge(
    ctx: typer.Context,
    names: list[str] = typer.Argument(..., metavar="TAG",
                                      help="FROM... INTO: the tags to merge, then the tag"
                                           " they merge into."),
) -> None:
    """Merge tags into one existing tag, all or none; the merged names stay aliases."""
    from kirinuki.journal.editing import merge_tags

    if len(names) < 2:
        raise InputError("name at least one tag to merge and the tag to merge it into")
    with open_from(ctx) as j:
        n = merge_tags(j, names[:-1], names[-1])
    out.print(f"merged {len(names) - 1} tags into #{names[-1].lstrip('#＃')} in {n} places",
              markup=False)


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
    app.add_typer(tags_app, name="tags")
    app.command("stats")(stats_cmd)
