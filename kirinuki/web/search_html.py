"""The repeated parts of a search results page (hits, facets), written as HTML in Python.

A results page holds ~450 escaped values (20 snippets cut into highlighted segments, up to
one facet per month of the newest 1000 matches): through Jinja each cost an attribute lookup,
a `Markup` and a `do_urlencode`, several times what joining them here costs. Every value goes
through `markupsafe.escape`, the templates' own autoescape.
"""

from __future__ import annotations

from collections.abc import Iterable

from jinja2.filters import do_urlencode
from markupsafe import Markup, escape

from kirinuki.journal.search import FacetCount, SearchHit
from kirinuki.text.links import site_url
from kirinuki.text.snippets import Segment

NO_DATE = "日付なし"
DRAFT = "（下書き）"


def hit_html(hit: SearchHit, url: str, draft: bool) -> Markup:
    """One `<li>` of the results list: the snippet with its matches marked, date, tags, site."""
    snippet = _snippet_html(hit.snippet)
    when = hit.published.strftime("%Y-%m-%d %H:%M") if hit.published else NO_DATE
    tags = "".join(f" #{escape(t)}" for t in hit.tags)
    site = f" · {escape(hit.site)}" if hit.site else ""
    label = f'{escape(when)}{DRAFT if draft else ""}'
    link = f'<a href="{escape(url)}">{label}</a>' if site_url(url) else label
    return Markup(f'<li class="search-hit"><p class="snippet">{snippet}</p>\n'
                  f'<p class="meta">{link}\n{tags}{site}</p></li>')


def tag_facets_html(q: str, facets: Iterable[FacetCount]) -> Markup:
    """The tag facets: each a link narrowing the query to the tag, with its count."""
    # Percent-encoding works character by character: the query's part is encoded once.
    narrowed = do_urlencode(q + " #")
    return Markup("".join(
        f'<a href="/search?q={escape(narrowed + do_urlencode(f.label))}">#{escape(f.label)}'
        f'</a> <span class="count">({f.count})</span> ' for f in facets))


def month_facets_html(facets: Iterable[FacetCount]) -> Markup:
    """The month facets with their counts."""
    # Labels are YYYY-MM or "undated", written by the search itself: nothing to escape.
    return Markup("".join(f'{f.label} <span class="count">({f.count})</span> '
                          for f in facets))


def _snippet_html(segments: list[Segment]) -> str:
    """The snippet's segments escaped, the matched ones in `<mark>`."""
    texts = [text for text, _ in segments]
    joined = _SEP.join(texts)
    if joined.count(_SEP) != len(texts) - 1:  # a segment holds the separator itself
        parts = [str(escape(text)) for text in texts]
    else:
        # One escape call per snippet instead of one per segment: a page has ~20 snippets of
        # ~10 segments, and the calls, not the characters, are what cost.
        parts = str.split(escape(joined), _SEP)
    return "".join([f"<mark>{part}</mark>" if matched else part
                    for part, (_, matched) in zip(parts, segments, strict=True)])


_SEP = "\x00"
