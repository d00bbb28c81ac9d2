"""`settings` (show and set the journal's settings), `check` (is the journal sound?) and
`journal copy` (between SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import typer
from rich.markup import escape
from rich.table import Table

from kirinuki.cli.analysis_progress import AnalysisLines
from kirinuki.cli.common import LazyProgress, err, journal_arg, open_from, out, print_json
from kirinuki.config import ALLOW_PRIVATE_ENV, allow_private_from_env
from kirinuki.errors import JournalError
from kirinuki.journal.copying import copy_journal, shown_journal
from kirinuki.journal.maintenance import check_path
from kirinuki.journal.settings import SETTINGS, set_setting, settings_view

settings_app = typer.Typer(help="Show the journal's settings, or set one.",
                           no_args_is_help=False)


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(map(str, value)) or "(none)"
    return "(none)" if value is None else str(value)


@settings_app.callback(invoke_without_command=True)
def settings_show(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Show every setting (set one with `kirinuki settings set KEY VALUE...`)."""
    if ctx.invoked_subcommand is not None:
        return
    with open_from(ctx) as j:
        view = settings_view(j)
    if as_json:
        print_json(view)
        return
    table = Table("setting", "value", "what it is")
    for key, value in view.items():
        info = SETTINGS[key]
        note = info.help + (" [security: never imported]" if info.security else "")
        table.add_row(key, escape(_shown(value)), escape(note))
    out.print(table)
    if allow_private_from_env():
        out.print(f"{ALLOW_PRIVATE_ENV} is set: private addresses are allowed for this process"
                  " whatever fetch.allow_private says", markup=False)


@settings_app.command("set")
def settings_set(
    ctx: typer.Context,
    key: str = typer.Argument(..., help=f"One of: {', '.join(SETTINGS)}."),
    values: list[str] = typer.Argument(..., help="The value (several for hosts, header_links;"
                                       " an empty string clears the footer)."),
) -> None:
    """Set one setting."""
    with open_from(ctx) as j:
        value = set_setting(j, key, values)
    out.print(f"{key} = {_shown(value)}", markup=False)


def check(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Check the journal file (SQLite's integrity and foreign key checks) and its indexes
    (search index against the clips, id marks). Exit status 1 when anything is wrong."""
    path = journal_arg(ctx)
    report = check_path(path)
    if as_json:
        typer.echo(json.dumps({"journal": path, "ok": not report.problems,
                               "problems": report.problems}, ensure_ascii=False))
    else:
        for problem in report.problems:
            err.print(f"  {problem}", markup=False, highlight=False)
    if report.problems:
        n = len(report.problems)
        raise JournalError(f"{path}: {n} problem{'s' if n > 1 else ''} found (listed above)")
    if not as_json:
        out.print(f"ok: {path}: SQLite integrity and foreign keys, search index "
                  f"({report.clips} clips of {report.entries} entries) and id marks checked",
                  markup=False)


journal_app = typer.Typer(help="Move a journal between a SQLite file and PostgreSQL.",
                          no_args_is_help=True)


@journal_app.command("copy")
def copy(
    src: str = typer.Argument(..., metavar="SRC", help="The journal to copy (file or URL)."),
    dst: str = typer.Argument(..., metavar="DST",
                              help="A new journal: a file, or postgresql://user@host:port/db."),
    analyse: bool = typer.Option(True, "--analyse/--no-analyse",
                                 help="Bring the copy's analysis up to date (default), or leave"
                                      " it to the first serve or publish."),
    jobs: int = typer.Option(None, "--jobs", help="Analysis worker processes (default: one per"
                                                  " CPU; SQLite only)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No analysis progress lines."),
) -> None:
    """Copy a journal into a new one, SQLite or PostgreSQL, losslessly (its JSON Lines export
    stays identical), then bring the copy's analysis up to date. Sessions, API tokens and the
    trash stay behind."""
    lines = None if quiet else AnalysisLines()
    try:
        with LazyProgress("copying") as progress:
            s = copy_journal(src, dst, progress, analyse=analyse, analysis_progress=lines,
                             jobs=jobs)
    finally:
        if lines is not None:
            lines.close()
    out.print(f"copied {s.entries_added} entries ({s.clips_added} clips) and {s.articles} "
              f"articles to {shown_journal(dst)}", markup=False)


def register(app: typer.Typer) -> None:
    """Add these commands to `app`."""
    app.add_typer(settings_app, name="settings")
    app.add_typer(journal_app, name="journal")
    app.command("check")(check)
