"""`watch list|add|remove|run` and `changes`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from kirinuki.cli.common import fmt_date, open_from, out, print_json
from kirinuki.journal.changes import Changes, find_changes, parse_since
from kirinuki.journal.watch import (
    CheckResult,
    WatchRow,
    add_watch,
    list_watches,
    remove_watch,
    run_watch,
)

app = typer.Typer(help="Watch clipped articles: re-fetch them on a schedule and keep a new "
                       "version when their text changes.", no_args_is_help=True)

_SYMBOLS = {"unchanged": ("=", "dim"), "changed": ("~", "bold yellow"), "gone": ("✗", "bold red"),
          "moved": ("→", "bold cyan"), "error": ("!", "red")}


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None


def _watch_json(w: WatchRow) -> dict[str, Any]:
    return {"article": w.article_id, "url": w.url, "title": w.title, "how": w.how,
            "watching": w.active, "next_check": _iso(w.next_check),
            "last_check": _iso(w.last_check), "checks": w.checks,
            "last_outcome": w.last_outcome}


@app.command("list")
def list_cmd(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """List watched articles (every article with clips, and those added), soonest due first."""
    with open_from(ctx) as j:
        watches, tz = list_watches(j), j.tz
    if as_json:
        print_json([_watch_json(w) for w in watches])
        return
    table = Table("no", "article", "next check", "last check", "outcome")
    for w in watches:
        table.add_row(str(w.article_id), Text(f"{w.title or '-'}\n{w.url}"),
                      fmt_date(w.next_check.astimezone(tz)) if w.next_check else "-",
                      fmt_date(w.last_check.astimezone(tz)) if w.last_check else "never",
                      Text(w.last_outcome or "-"))
    out.print(table)
    out.print(f"{len(watches)} article(s) watched")


@app.command("add")
def add_cmd(ctx: typer.Context, url: str = typer.Argument(..., help="Article URL.")) -> None:
    """Watch an article (it is captured now) even if nothing of it is clipped."""
    with open_from(ctx) as j:
        w, tz = add_watch(j, url), j.tz
    when = fmt_date(w.next_check.astimezone(tz)) if w.next_check else "-"
    out.print(f"watching {w.url} (next check {when})", markup=False)


@app.command("remove")
def remove_cmd(ctx: typer.Context, url: str = typer.Argument(..., help="Article URL.")) -> None:
    """Stop watching an article (its clips stay; `watch add` watches it again)."""
    with open_from(ctx) as j:
        w = remove_watch(j, url)
    out.print(f"no longer watching {w.url}", markup=False)


def _line(r: CheckResult) -> Text:
    symbol, style = _SYMBOLS[r.outcome]
    parts: list[Any] = [(f"{symbol} ", style), (r.outcome, style), f"  {r.watch.url}"]
    if r.url:
        parts.append(f"  → {r.url}")
    if r.status and r.outcome in ("gone", "error"):
        parts.append(f"  (HTTP {r.status})")
    elif r.detail:
        parts.append(f"  ({r.detail})")
    for old, new in r.figures:
        parts.append(f"\n    {old} → {new}")
    return Text.assemble(*parts)


@app.command("run")
def run_cmd(
    ctx: typer.Context,
    jobs: int = typer.Option(4, "--jobs", "-J", min=1, max=16,
                             help="Hosts fetched from at once (one request at a time each)."),
    everything: bool = typer.Option(False, "--all", help="Check every watched article now, "
                                    "not only those due."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only changes, moves, "
                               "pages gone and errors."),
) -> None:
    """Re-fetch the watched articles that are due; a line per article, then a summary.
    Exit status 1 when any check failed."""
    with open_from(ctx) as j, Progress(TextColumn("watching"), BarColumn(),
                                       MofNCompleteColumn(), console=out, transient=True,
                                       disable=not out.is_terminal) as bar:
        task = bar.add_task("watch", total=None)

        def report(r: CheckResult) -> None:
            if not quiet or r.outcome != "unchanged":
                bar.console.print(_line(r))
            bar.advance(task)

        summary = run_watch(j, jobs=jobs, everything=everything, on_result=report,
                            on_start=lambda n: bar.update(task, total=n))
    counts = summary.counts
    parts = [f"{counts[o]} {o}" for o in ("unchanged", "changed", "moved", "gone", "error")
             if counts[o]]
    if summary.postponed:
        parts.append(f"{summary.postponed} postponed (busy host)")
    out.print(f"checked {len(summary.results)} article(s) in {summary.seconds:.1f} s"
              + (": " + ", ".join(parts) if parts else ""))
    if counts["error"]:
        raise typer.Exit(1)


def _changes_json(ch: Changes) -> dict[str, Any]:
    def clip(c: Any) -> dict[str, Any]:
        return {"entry": c.entry_id, "clip": c.clip_id, "text": c.text,
                "permalink": c.permalink, "published": c.published}

    return {
        "changed": [{**clip(p.clip), "article": p.article_id, "url": p.url, "title": p.title,
                     "changed_at": _iso(p.changed_at), "old": p.old, "new": p.new,
                     "removed": p.new is None, "figures": p.figures,
                     "clipped_version": p.clipped_version, "new_version": p.new_version}
                    for p in ch.passages],
        "gone": [{"article": g.article_id, "url": g.url, "title": g.title,
                  "since": _iso(g.since), "status": g.status,
                  "clips": [clip(c) for c in g.clips]} for g in ch.gone],
    }


def changes_cmd(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json"),
    since: str = typer.Option(None, "--since", metavar="WHEN",
                              help="Only changes noticed since: 24h, 7d, 2w or a date "
                                   '"YYYY-MM-DD [HH:MM]".'),
) -> None:
    """Clipped passages whose article changed after they were clipped (old and new paragraph,
    changed figures), and clipped articles that disappeared."""
    with open_from(ctx) as j:
        when = parse_since(since, j) if since else None
        ch, tz = find_changes(j, since=when), j.tz
    if as_json:
        print_json(_changes_json(ch))
        return
    for p in ch.passages:
        head = f"entry {p.clip.entry_id}, clip {p.clip.clip_id}: {p.title or p.url}"
        out.print(Text.assemble(("~ ", "bold yellow"), (head, "bold"),
                                f"  ({fmt_date(p.changed_at.astimezone(tz))})"))
        out.print(f"  {p.url}", markup=False)
        out.print(Text.assemble(("  - ", "red"), p.old))
        out.print(Text.assemble(("  + ", "green"), p.new) if p.new is not None
                  else Text("  + (paragraph removed)", style="green"))
        for f in p.figures:
            out.print(f"  figures: {f}", markup=False)
    for g in ch.gone:
        status = f"HTTP {g.status}" if g.status else "gone"
        out.print(Text.assemble(("✗ ", "bold red"), (g.title or g.url, "bold"),
                                f"  ({status} since {fmt_date(g.since.astimezone(tz))})"))
        out.print(f"  {g.url}", markup=False)
        for c in g.clips:
            out.print(f"  entry {c.entry_id}, clip {c.clip_id}: {c.text[:60]}", markup=False)
    out.print(f"{len(ch.passages)} changed passage(s), {len(ch.gone)} article(s) gone")


def register(root: typer.Typer) -> None:
    """Add `watch` and `changes` to the root app."""
    root.add_typer(app, name="watch")
    root.command("changes")(changes_cmd)
