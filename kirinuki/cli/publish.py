"""`kirinuki publish OUT_DIR`: the journal as a static site."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from kirinuki.cli.analysis_progress import AnalysisLines
from kirinuki.cli.common import LazyProgress, err, open_from, out
from kirinuki.cli.publish_quick import drafts_line, report_line
from kirinuki.journal.queries import draft_count
from kirinuki.publish import publish


def publish_cmd(
    ctx: typer.Context,
    out_dir: Path = typer.Argument(..., help="Folder to write the site into (created if new)."),
    full: bool = typer.Option(False, "--full", help="Render every page, ignoring the last build."),
    jobs: int = typer.Option(None, "--jobs", help="Worker processes (default: one per CPU)."),
    quiet: bool = typer.Option(False, "--quiet", "-q",
                               help="No progress lines (the first publish after an import)."),
) -> None:
    """Publish the journal as a static site; only pages that changed are written."""
    lines = None if quiet else AnalysisLines()
    try:
        with open_from(ctx) as j, LazyProgress("publishing") as progress:
            r = publish(j, out_dir, full=full, jobs=jobs, progress=progress,
                        analysis_progress=lines)
            drafts = draft_count(j)
    finally:
        if lines is not None:
            lines.close()
    out.print(report_line(r, out_dir))
    for line in r.warnings:
        err.print(f"[yellow]warning:[/] {escape(line)}")
    left = drafts_line(drafts)
    if left:
        out.print(left, markup=False)


def register(app: typer.Typer) -> None:
    """Add the publish command to `app`."""
    app.command("publish")(publish_cmd)
