"""The `kirinuki` command: the app, its global options, and the one place errors are mapped."""

from __future__ import annotations

import sys

import typer

from kirinuki.cli import entries, info, io
from kirinuki.cli.common import err
from kirinuki.errors import KirinukiError

app = typer.Typer(
    name="kirinuki",
    help="A news-clipping journal: capture, clip, tag, analyse, search and publish.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(
    ctx: typer.Context,
    journal: str = typer.Option(
        None, "--journal", "-j", envvar="KIRINUKI_JOURNAL",
        help="Journal file (default ./kirinuki.db).",
    ),
) -> None:
    ctx.obj = {"journal": journal}


info.register(app)
io.register(app)
app.add_typer(entries.app, name="entries")


def main() -> None:
    """Run the CLI; map kirinuki errors to a one-line message and their exit status."""
    try:
        app()
    except KirinukiError as exc:
        err.print(f"[bold red]error:[/] {exc}", markup=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
