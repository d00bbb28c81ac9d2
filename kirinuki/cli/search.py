"""`search` and `reindex`."""

from __future__ import annotations

import time
from enum import StrEnum

import typer
from rich.text import Text

from kirinuki.cli.common import LazyProgress, fmt_date, open_from, out, print_json
from kirinuki.journal.search import SearchHit, SearchResult, reindex, search


class Sort(StrEnum):
    """Result order."""

    RELEVANCE = "relevance"
    DATE = "date"


def _hit_json(h: SearchHit) -> dict[str, object]:
    return {
        "clip_id": h.clip_id, "entry_id": h.entry_id, "permalink": h.permalink,
        "date": h.published.isoformat() if h.published else None, "tags": h.tags,
        "site": h.site, "text": h.text, "highlights": [list(s) for s in h.highlights],
        "snippet": "".join(s for s, _ in h.snippet), "score": h.score,
    }


def _result_json(r: SearchResult) -> dict[str, object]:
    return {
        "query": r.query, "sort": r.sort, "total": r.total, "ranked": r.ranked,
        "hits": [_hit_json(h) for h in r.hits],
        "facets": {"tags": [{"tag": f.label, "count": f.count} for f in r.tags],
                   "months": [{"month": f.key, "count": f.count} for f in r.months]},
    }


def _print(r: SearchResult) -> None:
    shown = f"showing {len(r.hits)}" if r.total and r.total > len(r.hits) else "all shown"
    out.print(Text(f"{r.total} clip(s) match {r.query!r} ({shown}, by {r.sort})", style="bold"))
    for h in r.hits:
        head = Text(f"entry {h.entry_id}  {fmt_date(h.published)}", style="cyan")
        if h.tags:
            head.append("  " + " ".join("#" + t for t in h.tags), style="green")
        if h.site:
            head.append(f"  {h.site}", style="dim")
        out.print(head)
        body = Text("  ")
        for seg, matched in h.snippet:
            body.append(seg, style="bold reverse" if matched else None)
        out.print(body)
    if r.tags:
        out.print(Text("tags: " + "  ".join(f"#{f.label} {f.count}" for f in r.tags[:10]),
                       style="dim"))
    if r.months:
        out.print(Text("months: " + "  ".join(f"{f.label} {f.count}" for f in r.months[:12]),
                       style="dim"))


def search_cmd(
    ctx: typer.Context,
    query: list[str] = typer.Argument(..., help='Words, "phrases", -word, OR, #tag, source:,'
                                      " since:, until:, entry:"),
    limit: int = typer.Option(20, "--limit", "-n", min=0, help="How many hits to show."),
    sort: Sort = typer.Option(Sort.RELEVANCE, "--sort", help="relevance or date (newest)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Search every clip: words anywhere in the text, 1-character words included."""
    with open_from(ctx) as j:
        result = search(j, " ".join(query), limit=limit, sort=str(sort))
    if as_json:
        print_json(_result_json(result))
    else:
        _print(result)


def reindex_cmd(ctx: typer.Context) -> None:
    """Rebuild the search index from every clip."""
    start = time.monotonic()
    with open_from(ctx) as j, LazyProgress("indexing") as progress:
        n = reindex(j, progress)
    out.print(f"indexed {n} clip(s) in {time.monotonic() - start:.1f} s")


def register(app: typer.Typer) -> None:
    """Add the search commands to `app`."""
    # `-word` excludes a word: let it through as part of the query, not as an unknown option.
    app.command("search", context_settings={"ignore_unknown_options": True})(search_cmd)
    app.command("reindex")(reindex_cmd)
