"""The `kirinuki` command: the app, its global options, and the one place errors are mapped.

A command's module (and what it imports) is loaded only when that command runs: `kirinuki
publish` does not import the web app, the page reader or the feed parser (that halved its
start-up; docs/publish.md, Measurements). `app`, the full
command tree, is built on first use (help, tests); Typer and Rich are imported only then, and
plain `kirinuki publish` lines run without them (`publish_quick.py`).
"""

from __future__ import annotations

import importlib
import os
import sqlite3
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kirinuki.errors import KirinukiError

if TYPE_CHECKING:
    import typer

# Command (or command group) name -> the kirinuki.cli module that registers it; in help order.
# tests/cli/test_cli_main.py checks this against what the modules register.
COMMANDS = {
    "init": "info", "tags": "info", "stats": "info",
    "import": "io", "export": "io",
    "entries": "entries",
    "clip": "capture", "add": "capture", "inbox": "capture", "article": "capture",
    "feeds": "capture", "watch": "watch", "changes": "watch",
    "search": "search", "reindex": "search",
    "dupes": "analysis", "figures": "analysis", "statements": "analysis", "quotes": "analysis",
    "related": "analysis", "hide": "analysis",
    "publish": "publish",
    "hatena": "hatena",
    "serve": "web", "user": "web", "token": "web",
    "settings": "admin", "check": "admin", "journal": "admin",
}
MODULES = tuple(dict.fromkeys(COMMANDS.values()))


@cache
def _group() -> type:
    """The root command group: the one place kirinuki errors become a message and a status.
    (Made on first use: Typer and Rich are imported only when the app is built.)"""
    import typer
    from rich.markup import escape
    from typer.core import TyperGroup

    class _Group(TyperGroup):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            from kirinuki.cli.help import tidy

            super().__init__(*args, **kwargs)
            tidy(self)

        def list_commands(self, ctx: Any) -> list[str]:
            from kirinuki.cli.help import ordered

            return ordered(list(self.commands))

        def invoke(self, ctx: Any) -> Any:
            try:
                try:
                    return super().invoke(ctx)
                except sqlite3.DatabaseError as exc:
                    # Any command can meet a damaged or busy journal file: one line, not a
                    # traceback from wherever SQLite noticed.
                    raise journal_error(exc, ctx) from exc
                except DATA_ERRORS as exc:
                    damage = damaged_journal(ctx)
                    if damage is None:
                        raise
                    raise damage from exc
            except KirinukiError as exc:
                from kirinuki.cli.common import err

                err.print(f"[bold red]error:[/] {escape(str(exc))}")
                raise typer.Exit(exc.exit_code) from None
            except KeyboardInterrupt:
                from kirinuki.cli.common import err

                err.print("interrupted")
                raise typer.Exit(130) from None

    return _Group


def journal_error(exc: sqlite3.DatabaseError, ctx: typer.Context | None = None,
                  journal: str | None = None) -> KirinukiError:
    """The one-line error for an SQLite error met while working on the chosen journal."""
    from kirinuki.config import journal_path
    from kirinuki.journal.core import database_error

    if ctx is not None:
        journal = (ctx.find_root().obj or {}).get("journal")
    return database_error(exc, journal_path(journal))


# What a value damaged inside a readable page (a bit flipped in a record) raises where it is
# used: a NULL where a number was, a date that does not parse, a key that is not there.
DATA_ERRORS = (ArithmeticError, AttributeError, LookupError, TypeError, ValueError)


def damaged_journal(ctx: typer.Context | None = None,
                    journal: str | None = None) -> KirinukiError | None:
    """After an unexpected error: a one-line JournalError when the journal shows damage, else
    None (a fault in kirinuki keeps its traceback)."""
    from kirinuki.config import journal_path
    from kirinuki.errors import JournalError
    from kirinuki.journal.maintenance import damage_found

    if ctx is not None:
        journal = (ctx.find_root().obj or {}).get("journal")
    path = journal_path(journal)
    if not Path(path).is_file():
        return None
    damage = damage_found(path)
    if damage is None:
        return None
    return JournalError(f"{path}: the journal file is damaged ({damage}); run `kirinuki check`"
                        " and restore a backup if it finds problems")


def _root(ctx: typer.Context, journal: str | None = None, author: str | None = None) -> None:
    ctx.obj = {"journal": journal, "as": author}


def build_app(modules: Sequence[str] = MODULES) -> typer.Typer:
    """The command tree with the commands of `modules` (names under kirinuki.cli)."""
    # A module global: Typer resolves the callbacks' annotations (`typer.Context`) there.
    global typer
    import typer

    def root(
        ctx: typer.Context,
        journal: str = typer.Option(
            None, "--journal", "-j", envvar="KIRINUKI_JOURNAL", metavar="PATH",
            help="Journal file (default ./kirinuki.db).",
        ),
        author: str = typer.Option(
            None, "--as", envvar="KIRINUKI_AS", metavar="USER",
            help="The account recorded as the author of what this command writes (default: "
                 "the owner).",
        ),
    ) -> None:
        _root(ctx, journal, author)

    app = typer.Typer(
        cls=_group(),
        name="kirinuki",
        help="A news-clipping journal: capture, clip, tag, analyse, search and publish.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    app.callback()(root)
    for name in modules:
        module = importlib.import_module(f"kirinuki.cli.{name}")
        if name == "entries":
            app.add_typer(module.app, name="entries")
        else:
            # Each capability registers its own commands from its own module.
            module.register(app)
    return app


def command_of(args: Sequence[str]) -> str | None:
    """The command named on a command line (after the root options), if any."""
    it = iter(args)
    for arg in it:
        if arg in ("--journal", "-j", "--as"):
            next(it, None)
        elif arg.startswith(("--journal=", "--as=")) or (arg.startswith("-j") and len(arg) > 2):
            continue
        elif arg.startswith("-"):
            return None
        else:
            return arg
    return None


_app: typer.Typer | None = None


def __getattr__(name: str) -> Any:
    global _app
    if name == "app":
        if _app is None:
            _app = build_app()
        return _app
    raise AttributeError(name)


def main() -> None:
    """Run the CLI (console script entry point): load only the module of the command run."""
    command = command_of(sys.argv[1:])
    if command == "publish":
        from kirinuki.cli.publish_quick import run

        status = run(sys.argv[1:])
        if status is not None:
            if status:
                raise SystemExit(status)
            # Done, and everything it wrote is closed: ending here skips freeing the site
            # context, the snapshot's rows and the templates object by object at the
            # interpreter's exit, a cost a one-new-entry publish feels (docs/publish.md).
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
    build_app((COMMANDS[command],) if command in COMMANDS else MODULES)()
