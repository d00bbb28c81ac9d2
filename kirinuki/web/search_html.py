"""The repeated parts of a search results page (hits, facets), written as HTML in Python.

A results page holds ~450 escaped values (20 snippets cut into highlighted segments, up to
one facet per month of the newest 1000 matches): through Jinja each cost an attribute lookup,
a `Markup` and a `do_urlencode`, several times what joining them here costs.
Every value is escaped as the template's autoescape (`markupsafe.escape`) would, to the byte.
"""

from __future__ import annotations

from collections.abc import Iterable

from jinja2.filters import do_urlencode
from markupsafe import Markup

from kirinuki.journal.search import FacetCount, SearchHit
from kirinuki.text.links import site_url

NO_DATE = "日付なし"
DRAFT = "（下書き）"


def hit_html(hit: SearchHit, url: str, draft: bool) -> Markup:
    """One `<li>` of the results list: the snippet with its matches marked, date, tags, site."""
    snippet = "".join(f"<mark>{_esc(text)}</mark>" if matched else _esc(text)
                      for text, matched in hit.snippet)
    when = hit.published.strftime("%Y-%m-%d %H:%M") if hit.published else NO_DATE
    tags = "".join(f" #{_esc(t)}" for t in hit.tags)
    site = f" · {_esc(hit.site)}" if hit.site else ""
    label = f'{_esc(when)}{DRAFT if draft else ""}'
    link = f'<a href="{_esc(url)}">{label}</a>' if site_url(url) else label
    return Markup(f'<li class="search-hit"><p class="snippet">{snippet}</p>\n'
                  f'<p class="meta">{link}\n{tags}{site}</p></li>')


def tag_facets_html(q: str, facets: Iterable[FacetCount]) -> Markup:
    """The tag facets: each a link narrowing the query to the tag, with its count."""
    # Percent-encoding works character by character: the query's part is encoded once.
    narrowed = do_urlencode(q + " #")
    return Markup("".join(
        f'<a href="/search?q={_esc(narrowed + do_urlencode(f.label))}">#{_esc(f.label)}'
        f'</a> <span class="count">({f.count})</span> ' for f in facets))


def month_facets_html(facets: Iterable[FacetCount]) -> Markup:
    """The month facets with their counts."""
    # Labels are YYYY-MM or "undated", written by the search itself: nothing to escape.
    return Markup("".join(f'{f.label} <span class="count">({f.count})</span> '
                          for f in facets))


def _esc(text: str) -> str:
    """`markupsafe.escape` of a plain string, as a plain string (faster on short text: no
    `Markup` made and checked for each of a page's values)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("'", "&#39;"))
