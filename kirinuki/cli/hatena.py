"""`kirinuki hatena …` and the Hatena (Movable Type) export format of `kirinuki export`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from kirinuki.cli.common import err, open_from, out
from kirinuki.journal import Journal
from kirinuki.journal.hatena import export_mt, export_mt_file
from kirinuki.journal.hatena_atompub import create_api_key

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


def register(root: typer.Typer) -> None:
    """Add the `hatena` command group to `root`."""
    root.add_typer(app, name="hatena")
