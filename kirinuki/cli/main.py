"""The `kirinuki` command: the app, its global options, and the one place errors are mapped."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape
from typer.core import TyperGroup

from kirinuki.cli import analysis, capture, entries, hatena, info, io, publish, search, web
from kirinuki.cli.common import err
from kirinuki.errors import KirinukiError


class _Group(TyperGroup):
    """The root command group: the one place kirinuki errors become a message and a status."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KirinukiError as exc:
            err.print(f"[bold red]error:[/] {escape(str(exc))}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(130) from None


app = typer.Typer(
    cls=_Group,
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
# Each capability registers its own commands from its own module.
capture.register(app)
search.register(app)
analysis.register(app)
publish.register(app)
hatena.register(app)
web.register(app)


def main() -> None:
    """Run the CLI (console script entry point)."""
    app()
