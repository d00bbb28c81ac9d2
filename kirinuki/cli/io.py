"""`import` and `export`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.markup import escape

from kirinuki.cli.common import LazyProgress, err, open_from, out
from kirinuki.cli.hatena import write_mt
from kirinuki.errors import InputError
from kirinuki.journal import entry_text, export_jsonl, export_text_folder, import_paths
from kirinuki.journal.exporting import write_atomic


def import_cmd(
    ctx: typer.Context,
    paths: list[str] = typer.Argument(..., help="Clip text files, folders of them, .jsonl files."),
) -> None:
    """Import entries; re-importing the same input adds nothing."""
    with open_from(ctx) as j, LazyProgress("importing") as progress:
        s = import_paths(j, paths, progress)
    out.print(
        f"imported {s.files} file(s): entries {s.entries_added} added, "
        f"{s.entries_present} already present; clips {s.clips_added} added, "
        f"{s.clips_present} already present; tags {s.tags_added} added, "
        f"{s.tags_present} already present"
    )
    for problem in s.problems:
        err.print(f"[yellow]not imported:[/] {escape(problem)}")
    for change in s.changed:
        err.print(f"[yellow]changed:[/] {escape(change)}")
    for line in s.date_differs:
        err.print(f"[yellow]note:[/] {escape(line)}")


def export_cmd(
    ctx: typer.Context,
    fmt: str = typer.Option("text", "--format", "-f", help="text, jsonl or hatena (= mt)."),
    entry: str = typer.Option(None, "--entry", "-e", help="Entry id or permalink (text)."),
    output: Path = typer.Option(None, "--output", "-o", help="File or folder (default stdout)."),
) -> None:
    """Export one entry or all entries as clip text, or the whole journal as JSON Lines."""
    if fmt not in ("text", "jsonl", "hatena", "mt"):
        raise InputError(f"unknown format {fmt!r} (choose text, jsonl or hatena)")
    with open_from(ctx) as j:
        if fmt in ("hatena", "mt"):
            write_mt(j, output)
        elif fmt == "jsonl":
            if output is None:
                export_jsonl(j, sys.stdout.buffer)
            else:
                with output.open("wb") as fh:
                    export_jsonl(j, fh)
        elif entry is not None:
            data = entry_text(j, entry).encode("utf-8")
            if output is None:
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            else:
                write_atomic(output, data)
        elif output is None:
            raise InputError("exporting every entry as text needs -o FOLDER (or --entry ID)")
        else:
            n = export_text_folder(j, output)
            out.print(f"wrote {n} entries to {output}")


def register(app: typer.Typer) -> None:
    """Add these commands to `app`."""
    app.command("import")(import_cmd)
    app.command("export")(export_cmd)
