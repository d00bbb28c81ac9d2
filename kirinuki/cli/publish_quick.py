"""`kirinuki publish` run without building the Typer app, for its plain forms.

Typer coerces every parameter through a Pydantic adapter: importing Typer, Pydantic and Rich
was over a third of a no-change publish of a big journal (docs/publish.md, Measurements).
`[--journal J | -j J] publish OUT [--full] [--jobs N] [--quiet | -q]`
is run here, with the same output, errors and exit statuses; any other form (help, other
options, an address Rich would read as markup) is left to the Typer app (`main.py`).
"""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def report_line(r: Any, out_dir: Path) -> str:
    """What `kirinuki publish` prints for the report `r` of a publish into `out_dir`."""
    if not r.written and not r.removed:
        return (f"published {r.entries} entries as {r.pages} files in {out_dir}: "
                f"nothing changed in {r.seconds:.2f} s")
    how = "staged and swapped in" if r.staged else "in place"
    return (f"published {r.entries} entries, {r.tags} tags as {r.pages} files in {out_dir}: "
            f"{r.written} written, {r.removed} removed ({how}) in {r.seconds:.2f} s")


def drafts_line(drafts: int) -> str | None:
    """The reminder of drafts left out of a publish, or None."""
    if not drafts:
        return None
    return (f"下書き {drafts} 件は公開されていません (drafts not published; see them with"
            " `kirinuki entries list --status draft`)")


def parse(args: Sequence[str]) -> tuple[str | None, Path, bool, int | None, bool] | None:
    """(journal, out dir, full, jobs, quiet) of a plain publish command line, else None."""
    journal: str | None = None
    out: str | None = None
    full, jobs, command, quiet = False, None, False, False
    it = iter(args)
    for arg in it:
        if not command:
            if arg in ("--journal", "-j"):
                journal = next(it, None)
                if journal is None or journal.startswith("-"):
                    return None
            elif arg.startswith("--journal="):
                journal = arg.removeprefix("--journal=")
            elif arg == "publish":
                command = True
            else:
                return None
        elif arg == "--full":
            full = True
        elif arg in ("--quiet", "-q"):
            quiet = True
        elif arg == "--jobs":
            value = next(it, "")
            if not value.isdigit():
                return None
            jobs = int(value)
        elif arg.startswith("-") or out is not None:
            return None
        else:
            out = arg
    # Rich reads `[...]` as markup and `:name:` as an emoji in what it prints: leave those to it.
    if not command or not out or any(c in out for c in "[]:"):
        return None
    return journal, Path(out), full, jobs, quiet


BAR_MIN = 500  # files to write before a bar is worth showing


class _Progress:
    """Rich's bar (`common.LazyProgress`), imported only once a build of `BAR_MIN` files or
    more has lasted 0.5 s."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            # A few dozen files are written in a blink: importing Rich for them would take longer.
            if total < BAR_MIN or time.monotonic() - self.start < 0.5:
                return
            from kirinuki.cli.common import LazyProgress

            self.bar = LazyProgress("publishing", delay=0)
        self.bar(done, total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def run(args: Sequence[str]) -> int | None:
    """Run a plain publish command line: its exit status, or None when it is not one."""
    parsed = parse(args)
    if parsed is None:
        return None
    journal, out_dir, full, jobs, quiet = parsed
    from kirinuki.cli.analysis_progress import AnalysisLines
    from kirinuki.cli.main import DATA_ERRORS, damaged_journal, journal_error
    from kirinuki.config import journal_path
    from kirinuki.errors import KirinukiError
    from kirinuki.journal import open_journal
    from kirinuki.journal.queries import draft_count
    from kirinuki.publish.quick import nothing_to_do

    progress = _Progress()
    lines = None if quiet else AnalysisLines()
    try:
        try:
            with open_journal(journal_path(journal)) as j:
                # Nothing to do is answered before the renderer and the analysis are imported.
                r, mark, version = (None, None, None) if full else nothing_to_do(j, out_dir)
                if r is None:
                    from kirinuki.publish import publish

                    r = publish(j, out_dir, full=full, jobs=jobs, progress=progress,
                                analysis_progress=lines, mark=mark, version=version)
                drafts = draft_count(j)
        except sqlite3.DatabaseError as exc:
            raise journal_error(exc, journal=journal) from exc
        except DATA_ERRORS as exc:
            damage = damaged_journal(journal=journal)
            if damage is None:
                raise
            raise damage from exc
    except KirinukiError as exc:
        from rich.markup import escape

        from kirinuki.cli.common import err

        err.print(f"[bold red]error:[/] {escape(str(exc))}")
        return exc.exit_code
    except KeyboardInterrupt:
        from kirinuki.cli.common import err

        err.print("interrupted")
        return 130
    finally:
        progress.close()
        if lines is not None:
            lines.close()
    sys.stdout.write(report_line(r, out_dir) + "\n")
    if r.warnings:
        from rich.markup import escape

        from kirinuki.cli.common import err

        for line in r.warnings:
            err.print(f"[yellow]warning:[/] {escape(line)}")
    left = drafts_line(drafts)
    if left:
        sys.stdout.write(left + "\n")
    return 0
