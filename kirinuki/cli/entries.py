"""`entries`: list, show, permalink, and the day's work on one entry (new, set, publish, edit,
delete)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import typer
from rich.markup import escape
from rich.table import Table

from kirinuki.cli.analysis import group_json, print_group, statement_json, statement_text
from kirinuki.cli.common import err, fmt_date, open_from, out, print_json
from kirinuki.errors import InputError, StaleRevisionError
from kirinuki.journal import Journal, entry_view, get_entry, list_entries
from kirinuki.journal.analysis import entry_with_analysis
from kirinuki.journal.editing import set_permalink
from kirinuki.model import Entry, Status
from kirinuki.text.cliptext import render
from kirinuki.text.permalinks import permalink_problem

app = typer.Typer(help="Write, date, publish, edit, delete and list entries.",
                  no_args_is_help=True)


class ListStatus(StrEnum):
    """What `entries list --status` can pick: drafts, published entries or the trash."""

    DRAFT = "draft"
    PUBLISHED = "published"
    TRASH = "trash"


@app.command("list")
def list_cmd(
    ctx: typer.Context,
    limit: int = typer.Option(50, "--limit", "-n", min=1),
    offset: int = typer.Option(0, "--offset", min=0),
    status: ListStatus = typer.Option(None, "--status"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List entries, newest first (`--status trash`: what is in the trash)."""
    if status is ListStatus.TRASH:
        list_trash(ctx, as_json)
        return
    with open_from(ctx) as j:
        rows = list_entries(j, limit=limit, offset=offset,
                            status=Status(status) if status else None)
    if as_json:
        print_json([
            {"id": r.id, "permalink": r.permalink, "status": str(r.status), "title": r.title,
             "published": r.published.isoformat() if r.published else None,
             "clips": r.clips, "tags": r.tags}
            for r in rows
        ])
        return
    table = Table("id", "date", "status", "clips", "tags", "first clip")
    for r in rows:
        table.add_row(str(r.id), fmt_date(r.published), str(r.status), str(r.clips),
                      " ".join("#" + t for t in r.tags), r.first_clip[:40], )
    out.print(table)


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="Entry id or permalink."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Show one entry: its clip text, then what analysis found (versions with their changed
    figures, shared background, statements by speaker)."""
    with open_from(ctx) as j:
        entry, found = entry_with_analysis(j, ref)
    if as_json:
        print_json({**entry_view(entry), "analysis": {
            "groups": [group_json(g) for g in found.groups],
            "quotes": [statement_json(q) for q in found.quotes],
            "statements": [statement_json(q) for q in found.statements]}})
        return
    out.print(f"[bold]entry {entry.id}[/]  {fmt_date(entry.published)}  {entry.status}"
              f"  {entry.permalink or ''}")
    out.print(render(entry), markup=False)
    if found.groups or found.statements:
        out.print("\n[bold]analysis[/]")
    for g in found.groups:
        print_group(g)
    for q in found.statements:
        out.print(f"  {statement_text(q)} — {q.speaker} (clip {q.clip.clip_id})", markup=False)


@app.command("permalink")
def permalink_cmd(
    ctx: typer.Context,
    ref: str = typer.Argument(..., metavar="ID", help="Entry id or permalink."),
    new: str = typer.Argument(None, metavar="NEW", help="New permalink (/entry/… or what follows /entry/)."),
) -> None:
    """Show an entry's permalink, or set it (checked against the permalink rule)."""
    with open_from(ctx) as j:
        entry = get_entry(j, ref) if new is None else set_permalink(j, ref, new)
    out.print(entry.permalink or "(none: published at its date's address)", markup=False)
    why = permalink_problem(entry.permalink) if entry.permalink else None
    if why is not None:
        err.print(f"[yellow]warning:[/] this permalink cannot be used ({escape(why)}); "
                  f"set another: kirinuki entries permalink {entry.id} NEW")


def list_trash(ctx: typer.Context, as_json: bool) -> None:
    """Print what the trash holds."""
    from kirinuki.journal.trash import trash_list

    with open_from(ctx) as j:
        rows = trash_list(j)
    if as_json:
        print_json([{"id": r.entry_id, "whole": r.whole, "permalink": r.permalink,
                     "title": r.title, "deleted": r.deleted.isoformat(),
                     "published": r.published.isoformat() if r.published else None,
                     "groups": r.groups, "clips": r.clips, "first_clip": r.first_clip}
                    for r in rows])
        return
    table = Table("id", "deleted", "what", "date", "first clip")
    for r in rows:
        what = ("entry" if r.whole else
                f"{r.groups} groups, {r.clips} clips" if r.groups else f"{r.clips} clips")
        table.add_row(str(r.entry_id), fmt_date(r.deleted), what, fmt_date(r.published),
                      r.first_clip[:40])
    out.print(table)
    if rows:
        out.print("restore one with `kirinuki entries restore ID`; empty the trash with"
                  " `kirinuki entries purge`")


WHEN_HELP = 'Date and time, "YYYY-MM-DD HH:MM" in the journal\'s time zone.'


def _when(j: Journal, text: str | None) -> datetime | None:
    from kirinuki.journal.composing import parse_when

    return parse_when(text, j) if text is not None else None


def _said(e: Entry) -> str:
    return f"entry {e.id}  {fmt_date(e.published)}  {e.status}  {e.permalink or ''}".rstrip()


@app.command("new")
def new_cmd(
    ctx: typer.Context,
    title: str = typer.Option(None, "--title", metavar="TEXT", help="The entry's title."),
    at: str = typer.Option(None, "--at", metavar="WHEN", help=WHEN_HELP + " Default: now."),
) -> None:
    """Start a new draft entry and print its id (add clips with `add --entry ID` or
    `entries edit ID`)."""
    from kirinuki.journal.composing import new_entry

    with open_from(ctx) as j:
        entry = new_entry(j, title=title, at=_when(j, at))
    typer.echo(entry.id)


@app.command("set")
def set_cmd(
    ctx: typer.Context,
    ref: str = typer.Argument(..., metavar="ID", help="Entry id or permalink."),
    title: str = typer.Option(None, "--title", metavar="TEXT", help='New title ("" removes it).'),
    at: str = typer.Option(None, "--at", metavar="WHEN", help=WHEN_HELP),
) -> None:
    """Change an entry's title or date. A published entry moved to another date gets the
    permalink of that date; its old address redirects to the new one."""
    from kirinuki.journal.composing import set_entry

    if title is None and at is None:
        raise InputError("nothing to change: give --title or --at")
    with open_from(ctx) as j:
        entry = set_entry(j, ref, title=title, at=_when(j, at))
    out.print(_said(entry), markup=False)


@app.command("publish")
def publish_cmd(
    ctx: typer.Context,
    ref: str = typer.Argument(..., metavar="ID", help="Entry id or permalink."),
    at: str = typer.Option(None, "--at", metavar="WHEN", help=WHEN_HELP + " Default: its date."),
) -> None:
    """Publish an entry (it appears on the site at the next `kirinuki publish`)."""
    from kirinuki.journal.composing import publish_entry

    with open_from(ctx) as j:
        entry = publish_entry(j, ref, _when(j, at))
    out.print(_said(entry), markup=False)


@app.command("unpublish")
def unpublish_cmd(
    ctx: typer.Context,
    ref: str = typer.Argument(..., metavar="ID", help="Entry id or permalink."),
) -> None:
    """Make a published entry a draft again; it keeps its date and permalink."""
    from kirinuki.journal.composing import unpublish_entry

    with open_from(ctx) as j:
        entry = unpublish_entry(j, ref)
    out.print(_said(entry), markup=False)


@app.command("delete")
def delete_cmd(
    ctx: typer.Context,
    ref: str = typer.Argument(..., metavar="ID", help="Entry id or permalink."),
) -> None:
    """Move an entry to the trash (`entries restore ID` brings it back)."""
    from kirinuki.journal.trash import trash_entry

    with open_from(ctx) as j:
        entry = trash_entry(j, ref)
    out.print(f"entry {entry.id} moved to the trash; `kirinuki entries restore {entry.id}`"
              " brings it back", markup=False)


@app.command("restore")
def restore_cmd(
    ctx: typer.Context,
    entry_id: int = typer.Argument(..., metavar="ID", help="The id of the deleted entry."),
) -> None:
    """Bring an entry back from the trash with its id and permalink; for an entry that is not
    in the trash, bring back its groups and clips that are."""
    from kirinuki.journal.trash import restore

    with open_from(ctx) as j:
        entry, pieces = restore(j, entry_id)
    what = f"{pieces} deleted groups or clips of entry" if pieces else "entry"
    out.print(f"restored {what} {entry.id}  {entry.permalink or ''}".rstrip(), markup=False)


@app.command("purge")
def purge_cmd(
    ctx: typer.Context,
    older_than: int = typer.Option(None, "--older-than", metavar="DAYS", min=0,
                                   help="Only what was deleted more than DAYS days ago."),
) -> None:
    """Empty the trash for good: deleted entries, groups and clips cannot come back after."""
    from kirinuki.journal.trash import purge

    with open_from(ctx) as j:
        n = purge(j, older_than)
    out.print(f"purged {n} items from the trash")


def run_editor(path: object) -> str | None:
    """Open `path` in $VISUAL or $EDITOR (else vi), through the shell as git does (the
    variable may hold options: `code --wait`). Returns what went wrong, or None."""
    import os
    import shlex
    import subprocess

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        status = subprocess.run(f"{editor} {shlex.quote(str(path))}", shell=True,
                                check=False).returncode
    except OSError as exc:
        return f"the editor {editor!r} could not be started ({exc.strerror})"
    if status == 127:
        return f"the editor {editor!r} was not found (set $EDITOR)"
    if status:
        return f"the editor {editor!r} failed (exit status {status})"
    return None


EDIT_NOTE = "#|"  # lines starting so at the top of the edited file are notes, not clip text


def _notes(problems: list[str]) -> str:
    lines = [f"{EDIT_NOTE} not saved: {p}" for p in problems]
    lines.append(f"{EDIT_NOTE} correct the text and save; quit without saving to give up."
                 f" Lines starting {EDIT_NOTE} are dropped.")
    return "\n".join(lines) + "\n"


def _strip_notes(text: str) -> str:
    while text.startswith(EDIT_NOTE):
        end = text.find("\n")
        text = "" if end < 0 else text[end + 1:]
    return text


@app.command("edit")
def edit_cmd(
    ctx: typer.Context,
    ref: str = typer.Argument(..., metavar="ID", help="Entry id or permalink."),
) -> None:
    """Edit an entry's clip text in $EDITOR. On save it is checked, summarised (groups, clips,
    tags) and stored in one go; a problem reopens the editor with it noted on top. Quitting
    without saving changes nothing; removed clips go to the trash."""
    import shutil
    import tempfile
    from pathlib import Path

    from kirinuki.journal.composing import apply_text, check_text, entry_clip_text

    with open_from(ctx) as j:
        entry = get_entry(j, ref)
    eid, original = entry.id, entry_clip_text(entry)
    folder = Path(tempfile.mkdtemp(prefix="kirinuki-edit-"))
    path = folder / f"entry-{eid}.txt"
    shown, keep = original, False
    problems: list[str] = []
    try:
        while True:
            written = (_notes(problems) if problems else "") + shown
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(written)
            failed = run_editor(path)
            if failed:
                keep = bool(problems)
                raise InputError(f"{failed}; nothing saved")
            try:
                with open(path, encoding="utf-8", newline="") as f:
                    raw = f.read()
            except UnicodeDecodeError:
                keep = True
                raise InputError("the edited text is not UTF-8; nothing saved") from None
            if raw == written:  # quit without saving
                if problems:
                    keep = True
                    raise InputError("not saved: " + "; ".join(problems))
                out.print(f"entry {eid}: no change, nothing saved", markup=False)
                return
            text = _strip_notes(raw)
            if text == original:
                out.print(f"entry {eid}: no change, nothing saved", markup=False)
                return
            with open_from(ctx) as j:
                problems = check_text(j, str(eid), text).problems
                if not problems:
                    try:
                        edit = apply_text(j, str(eid), text, expected=entry.revision)
                    except StaleRevisionError:  # written meanwhile: what was typed stays
                        keep = True
                        raise
                    out.print(f"entry {eid} saved: {edit.summary}", markup=False)
                    return
            for p in problems:
                err.print(f"not saved: {p}", markup=False)
            shown = text
    except BaseException:
        if keep:
            err.print(f"your edited text is kept in {path}", markup=False)
        raise
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
