"""Capture commands: `clip`, `add`, `article show|fetch|export`, `inbox` (feeds: `cli/feeds.py`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.text import Text

from kirinuki.cli import feeds
from kirinuki.cli.common import fmt_date, open_from, out, print_json
from kirinuki.errors import InputError

# What fetches and reads pages (httpx, trafilatura, the feed parser) is imported by the commands
# that fetch: `kirinuki add` and `inbox` start without it.
if TYPE_CHECKING:
    from kirinuki.journal.capture import ArticleHistory, CaptureResult, ParagraphDiff
    from kirinuki.journal.rawcopies import RawNote
    from kirinuki.model import Article

article_app = typer.Typer(help="Captured articles and their versions.", no_args_is_help=True)


def _interactive() -> bool:
    """True when a person at a terminal can be asked which paragraphs to clip."""
    return sys.stdin.isatty()


def _ask(paragraphs: list[str], title: str | None) -> list[int]:
    """Show the numbered paragraphs and ask which to clip."""
    out.print(Text(title or "(untitled)", style="bold"))
    _numbered(paragraphs)
    from kirinuki.journal.capture import parse_pick

    answer = typer.prompt("paragraphs to clip (e.g. 1,3-5; empty to cancel)", default="",
                          show_default=False)
    return parse_pick(answer, len(paragraphs)) if answer.strip() else []


def _capture_line(res: CaptureResult) -> Text:
    a = res.article
    state = ("not modified" if res.not_modified else
             "new version" if res.new_version and res.number > 1 else
             "first version" if res.new_version else "unchanged")
    line = Text.assemble((a.title or a.url, "bold"), f"  {a.url}  ",
                         (f"version {res.number} ({state})", "cyan"))
    if res.changes:
        kinds = [d.kind for d in res.changes]
        counts = ", ".join(f"{kinds.count(k)} {k}" for k in ("changed", "added", "removed")
                           if k in kinds)
        line.append(f"; paragraphs: {counts}")
    for old, new in res.figures:
        line.append("  ")
        line.append(old, "red")
        line.append(" → ")
        line.append(new, "bold green")
    if res.canonical_claim:
        line.append(f"\nnote: the page names {res.canonical_claim} as its canonical URL, on "
                    "another site: not trusted, kept under the URL fetched", "yellow")
    return line


def clip_cmd(
    ctx: typer.Context,
    target: str = typer.Argument(..., help="Article URL or inbox number."),
    pick: str = typer.Option(None, "--pick", "-p", help="Paragraph numbers, e.g. 1,3-5."),
    match: str = typer.Option(None, "--match", "-m", help="Clip paragraphs containing TEXT."),
    tag: list[str] = typer.Option(None, "--tag", "-t", help="Tag closing the group (repeat)."),
    entry: str = typer.Option(None, "--entry", "-e", help="Entry id or permalink, or today."),
) -> None:
    """Capture an article and clip paragraphs from it into an entry (default: today's draft)."""
    from kirinuki.journal.capture import clip

    chooser = _ask if not (pick or match) and _interactive() else None
    with open_from(ctx) as j:
        res = clip(j, target, pick=pick, match=match, chooser=chooser, tags=tag or [],
                   entry=entry)
    out.print(_capture_line(res.capture))
    tags = " ".join("#" + t.name for t in res.entry.groups[-1].tags)
    out.print(f"clipped {len(res.clips)} paragraph(s) into entry {res.entry.id} "
              f"({res.entry.status}, {fmt_date(res.entry.published)}) {tags}".rstrip(),
              markup=False)


def add_cmd(
    ctx: typer.Context,
    source: str = typer.Argument("-", help="Clip text file, or - for standard input."),
    entry: str = typer.Option(None, "--entry", "-e", help="Entry id or permalink, or today."),
) -> None:
    """Add pasted clip text; clips matching a captured article are linked to its version."""
    from kirinuki.journal.pasting import add_text

    if source == "-":
        data, name = sys.stdin.buffer.read(), "standard input"
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(f"{source}: no such file")
        data, name = path.read_bytes(), source
    with open_from(ctx) as j:
        res = add_text(j, data, entry=entry, name=name)
    skipped = f"; {res.skipped_groups} group(s) without clips skipped" if res.skipped_groups else ""
    out.print(f"added {res.clips} clip(s) to entry {res.entry.id}; {res.linked} linked to "
              f"captured articles{skipped}", markup=False)


def _diff_text(d: ParagraphDiff) -> Text:
    if d.kind == "added":
        return Text.assemble(("+ ", "green"), (d.new or "", "green"))
    if d.kind == "removed":
        return Text.assemble(("- ", "red"), (d.old or "", "red strike"))
    # [-removed-]{+added+} (as wdiff writes them) reads right with or without colour.
    line = Text("~ ", style="yellow")
    for span in d.spans:
        if span.kind == "same":
            line.append(span.text)
        elif span.kind == "removed":
            line.append(f"[-{span.text}-]", "bold red")
        else:
            line.append(f"{{+{span.text}+}}", "bold green")
    return line


def _numbered(paragraphs: list[str]) -> None:
    for i, p in enumerate(paragraphs, 1):
        out.print(Text.assemble((f"{i:>3} ", "cyan"), p))


def _article_json(a: Article, notes: list[RawNote]) -> dict[str, object]:
    return {"url": a.url, "title": a.title,
            "source": {"site": a.source.site, "name": a.source.name} if a.source else None,
            "versions": [{"number": n, "fetched_at": v.fetched_at.isoformat(),
                          "hash": v.content_hash, "title": v.title,
                          "published": v.published.isoformat() if v.published else None,
                          "canonical_claim": v.canonical_claim,
                          "raw_copy": note.as_json(),
                          "paragraphs": v.paragraphs}
                         for n, (v, note) in enumerate(zip(a.versions, notes, strict=True), 1)]}


def _print_versions(hist: ArticleHistory, notes: list[RawNote]) -> None:
    """Version 1 whole, then each later version as its diff from the one before."""
    for n, v in enumerate(hist.article.versions, 1):
        out.print(Text(f"\nversion {n}  fetched {fmt_date(v.fetched_at)}  {v.content_hash[:12]}",
                       style="bold cyan"))
        out.print(Text(notes[n - 1].describe(), style="dim"))
        if n == 1:
            _numbered(v.paragraphs)
            continue
        diffs = hist.diffs[n - 2]
        figures = [f for d in diffs for f in d.figures]
        if figures:
            out.print(Text("figures: ").append_text(Text(", ").join(
                Text.assemble((o, "red"), " → ", (w, "bold green")) for o, w in figures)))
        for d in diffs:
            if d.kind != "same":
                out.print(_diff_text(d))


def article_show(
    ctx: typer.Context,
    target: str = typer.Argument(..., help="Article URL (or a link to it) or inbox number."),
    versions: bool = typer.Option(False, "--versions", help="Every version with its diff."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Show a captured article: its newest text, or every version with what changed."""
    from kirinuki.journal.capture import article_history
    from kirinuki.journal.rawcopies import raw_notes

    with open_from(ctx) as j:
        hist = article_history(j, target)
        notes = raw_notes(j, hist.article.versions)
    a, last = hist.article, hist.article.versions[-1]
    if as_json:
        print_json(_article_json(a, notes))
        return
    source = a.source.name or a.source.site if a.source else "-"
    out.print(Text.assemble((last.title or a.title or a.url, "bold"), f"\n{a.url}\n{source}  "
                            f"published {fmt_date(last.published)}  modified "
                            f"{fmt_date(last.modified)}  {len(a.versions)} version(s)"))
    if last.canonical_claim:
        out.print(Text(f"claims to be {last.canonical_claim} (another site: not trusted)",
                       style="yellow"))
    if versions:
        _print_versions(hist, notes)
    else:
        _numbered(last.paragraphs)
        out.print(Text(notes[-1].describe(), style="dim"))


def article_export(
    ctx: typer.Context,
    targets: list[str] = typer.Argument(None, help="Article URLs (or links to them)."),
    warc: str = typer.Option(..., "--warc", help="WARC file to write (.warc.gz: gzip per "
                             "record; .warc: plain)."),
    all_articles: bool = typer.Option(False, "--all", help="Every captured article."),
) -> None:
    """Write articles' versions as WARC 1.1: the raw response kept for each, and what was read."""
    from kirinuki.journal.rawcopies import export_warc

    if bool(targets) == all_articles:
        raise InputError("give article URLs or --all (not both)")
    _outside_sites(Path(warc))
    with open_from(ctx) as j:
        rep = export_warc(j, warc, None if all_articles else list(targets))
    out.print(f"wrote {rep.records} WARC record(s) for {rep.versions} version(s) of "
              f"{rep.articles} article(s) to {warc}", markup=False)
    if rep.without_raw:
        out.print(f"note: {rep.without_raw} version(s) have no raw copy (stored before raw "
                  "copies were kept, imported, or dropped by capture.raw_copies): their "
                  "metadata record says so", markup=False)


def _outside_sites(path: Path) -> None:
    """Refuse a WARC inside a published site folder: a web server would hand the raw pages
    (with their headers) to every reader. Raises InputError."""
    from kirinuki.publish.state import state_path
    from kirinuki.publish.writer import looks_published

    for folder in path.resolve().parents:
        if state_path(folder).exists() or looks_published(folder):
            raise InputError(f"{path}: inside the published site {folder}; raw copies are never "
                             "written where a web server serves them (choose another folder)")


def article_fetch(
    ctx: typer.Context,
    target: str = typer.Argument(..., help="Article URL or inbox number."),
) -> None:
    """Fetch an article again; a new version is stored only when its text changed."""
    from kirinuki.journal.capture import capture

    with open_from(ctx) as j:
        res = capture(j, target)
    out.print(_capture_line(res))


def inbox_cmd(
    ctx: typer.Context,
    limit: int = typer.Option(30, "--limit", "-n", min=1),
    unclipped: bool = typer.Option(False, "--unclipped", help="Only items not clipped yet."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Articles brought in by feeds, newest first; `kirinuki clip NUMBER` clips from one."""
    from kirinuki.journal.feeds import inbox

    with open_from(ctx) as j:
        items = inbox(j, limit=limit, unclipped=unclipped)
        tz = j.tz
    if as_json:
        print_json([{"number": i.id, "url": i.url, "title": i.title, "feed": i.feed_title,
                     "published": i.published.isoformat() if i.published else None,
                     "clipped": i.clipped, "versions": i.versions} for i in items])
        return
    if not items:
        out.print("inbox is empty (add feeds with `kirinuki feeds add URL`, then `feeds poll`)")
    for i in items:
        when = fmt_date(i.published.astimezone(tz) if i.published else None)
        tick = "✓" if i.clipped else " "
        out.print(Text.assemble((f"{i.id:>5} ", "cyan"), f"{tick} {when}  ",
                                (i.title or i.url, "bold"), f"  {i.feed_title or ''}"))


def register(app: typer.Typer) -> None:
    """Add the capture commands to `app`."""
    app.command("clip")(clip_cmd)
    app.command("add")(add_cmd)
    app.command("inbox")(inbox_cmd)
    article_app.command("show")(article_show)
    article_app.command("fetch")(article_fetch)
    article_app.command("export")(article_export)
    app.add_typer(article_app, name="article")
    app.add_typer(feeds.app, name="feeds")
