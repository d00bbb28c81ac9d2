"""`kirinuki hatena …` and the Hatena (Movable Type) export format of `kirinuki export`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.markup import escape

from kirinuki.cli.common import err, open_from, out
from kirinuki.journal import Journal
from kirinuki.journal.hatena import export_mt, export_mt_file
from kirinuki.journal.hatena_atompub import create_api_key
from kirinuki.journal.hatena_client import check_remote, pull, push

app = typer.Typer(help="Hatena Blog: move a blog in and out, speak its AtomPub API.",
                  no_args_is_help=True)


def write_mt(journal: Journal, output: Path | None) -> None:
    """`kirinuki export --format hatena`: the MT export to stdout or (atomically) a file."""
    if output is None:
        export_mt(journal, sys.stdout)
        sys.stdout.flush()
    else:
        n = export_mt_file(journal, output)
        out.print(f"wrote {n} entries to {output} (Movable Type format, Hatena Blog imports it)")


@app.command("key")
def key_cmd(ctx: typer.Context,
            name: str = typer.Option("atompub", "--name", help="A label for the key.")) -> None:
    """Create an AtomPub API key (WSSE and Basic), printed once: give it to your client."""
    with open_from(ctx) as j:
        secret = create_api_key(j, name)
    err.print("AtomPub key created (revoke with `kirinuki token revoke`); use it as api_key:")
    typer.echo(secret)


_USER = typer.Option(..., "--user", "-u", help="Hatena id (the blog owner).")
_BLOG = typer.Option(..., "--blog", "-b", help="Blog id, e.g. d1021.hatenadiary.jp.")
_KEY = typer.Option(..., "--key", envvar="HATENA_API_KEY", help="The blog's API key.")
_ENDPOINT = typer.Option(None, "--endpoint", help="API origin (default Hatena's).")


@app.command("pull")
def pull_cmd(ctx: typer.Context, user: str = _USER, blog: str = _BLOG, key: str = _KEY,
             endpoint: str = _ENDPOINT,
             restart: bool = typer.Option(False, "--restart", help="Ignore an interrupted pull."),
             ) -> None:
    """Bring a Hatena blog's entries in over AtomPub (resumes an interrupted pull)."""
    remote = check_remote(user, blog, key, endpoint)
    with open_from(ctx) as j:
        s = pull(j, remote, restart=restart)
    out.print(f"pulled {s.pages} page(s): entries {s.added} added, {s.updated} updated, "
              f"{s.unchanged} unchanged")
    for problem in s.problems:
        err.print(f"[yellow]not brought in:[/] {escape(problem)}")
    for change in s.changed:
        err.print(f"[yellow]changed:[/] {escape(change)}")


@app.command("push")
def push_cmd(ctx: typer.Context, user: str = _USER, blog: str = _BLOG, key: str = _KEY,
             endpoint: str = _ENDPOINT,
             entry: str = typer.Option(None, "--entry", "-e", help="Only this entry (id or "
                                       "permalink)."),
             ) -> None:
    """Publish entries to a Hatena blog over AtomPub: new ones are created, others updated."""
    remote = check_remote(user, blog, key, endpoint)
    with open_from(ctx) as j:
        s = push(j, remote, entry)
    out.print(f"pushed: entries {s.added} created, {s.updated} updated")


def register(root: typer.Typer) -> None:
    """Add the `hatena` command group to `root`."""
    root.add_typer(app, name="hatena")
