"""`feeds add|list|remove|poll|import-opml|export-opml`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from kirinuki.cli.common import fmt_date, open_from, out, print_json
from kirinuki.journal.exporting import write_atomic

# The feed reader and the fetcher are imported by each command: registering the commands (as
# every capture command does) does not load them.
if TYPE_CHECKING:
    from kirinuki.journal.feeds import PollResult

app = typer.Typer(help="Follow feeds (RSS, RDF, Atom); new items go to the inbox.",
                  no_args_is_help=True)


def _line(r: PollResult) -> Text:
    name = r.feed.title or r.feed.url
    if r.error:
        return Text.assemble(("✗ ", "bold red"), (name, "bold"), f"  {r.error}")
    state = "not modified" if r.not_modified else f"{r.new_items} new of {r.items} item(s)"
    return Text.assemble(("✓ ", "bold green"), (name, "bold"), f"  {state}")


@app.command("add")
def add_cmd(ctx: typer.Context, url: str = typer.Argument(..., help="Feed URL.")) -> None:
    """Follow a feed; its items go to the inbox."""
    from kirinuki.journal.feeds import add_feed

    with open_from(ctx) as j:
        res = add_feed(j, url)
    out.print(Text.assemble(f"following feed {res.feed.id}: ", _line(res)))


@app.command("list")
def list_cmd(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """List followed feeds with their last poll."""
    from kirinuki.journal.feeds import list_feeds

    with open_from(ctx) as j:
        feeds, tz = list_feeds(j), j.tz
    if as_json:
        print_json([{"number": f.id, "url": f.url, "title": f.title, "items": f.items,
                     "polled": f.polled.isoformat() if f.polled else None, "status": f.status}
                    for f in feeds])
        return
    table = Table("no", "feed", "items", "last poll", "status")
    for f in feeds:
        table.add_row(str(f.id), Text(f"{f.title or '-'}\n{f.url}"), str(f.items),
                      fmt_date(f.polled.astimezone(tz)) if f.polled else "never",
                      Text(f.status or "never polled"))
    out.print(table)


@app.command("remove")
def remove_cmd(ctx: typer.Context,
               ref: str = typer.Argument(..., help="Feed number or URL.")) -> None:
    """Stop following a feed (its inbox items stay)."""
    from kirinuki.journal.feeds import remove_feed

    with open_from(ctx) as j:
        feed = remove_feed(j, ref)
    out.print(f"removed feed {feed.id} ({feed.title or feed.url})", markup=False)


@app.command("poll")
def poll_cmd(
    ctx: typer.Context,
    refs: list[str] = typer.Argument(None, help="Feed numbers or URLs (default: all)."),
    jobs: int = typer.Option(4, "--jobs", "-J", min=1, max=8, help="Feeds fetched at once."),
) -> None:
    """Fetch feeds (conditionally) and put new items in the inbox; one line per feed."""
    from kirinuki.journal.feeds import poll_feeds

    with open_from(ctx) as j, Progress(TextColumn("polling"), BarColumn(), MofNCompleteColumn(),
                                       console=out, transient=True,
                                       disable=not out.is_terminal) as bar:
        task = bar.add_task("poll", total=None)

        def report(r: PollResult) -> None:
            bar.console.print(_line(r))
            bar.advance(task)

        results = poll_feeds(j, refs or None, jobs=jobs, on_result=report,
                             on_start=lambda n: bar.update(task, total=n))
    failed = sum(not r.ok for r in results)
    new = sum(r.new_items for r in results)
    out.print(f"polled {len(results)} feed(s): {new} new item(s), {failed} failed")
    if failed:
        raise typer.Exit(1)


@app.command("import-opml")
def import_cmd(ctx: typer.Context, path: str = typer.Argument(..., help="OPML file.")) -> None:
    """Follow every feed of an OPML file (polled by `feeds poll`)."""
    from kirinuki.journal.feeds import import_opml

    with open_from(ctx) as j:
        added, present = import_opml(j, path)
    out.print(f"imported {added} feed(s); {present} already followed")


@app.command("export-opml")
def export_cmd(ctx: typer.Context, output: Path = typer.Option(
        None, "--output", "-o", help="File (default: standard output).")) -> None:
    """Write the followed feeds as OPML."""
    from kirinuki.journal.feeds import export_opml

    with open_from(ctx) as j:
        data = export_opml(j)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomic(output, data)
