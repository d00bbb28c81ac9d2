"""Search at /search?q=…: the query language, facets (tags, months), highlighted snippets.

The search index holds drafts too: for a reader who is not signed in, hits in unpublished
entries are left out and tag facets list only published tags.
"""

from __future__ import annotations

import threading

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import QueryParams

from kirinuki.errors import KirinukiError
from kirinuki.journal import Journal
from kirinuki.journal.search import FacetCount, SearchResult, search
from kirinuki.publish import urls
from kirinuki.web.cache import Key, page_key
from kirinuki.web.render import render_page
from kirinuki.web.search_html import hit_html, month_facets_html, tag_facets_html
from kirinuki.web.security import COOKIE, journal, session_of, state
from kirinuki.web.state import WebState

router = APIRouter(include_in_schema=False)
PER_PAGE = 20
MAX_QUERY, MAX_PAGE = 500, 500
# Facets count the newest FACET_WINDOW matches (labelled so; `facets=all` counts every one):
# a broad query's exact facets cost many times the window's.
FACET_WINDOW = 1000
# Readers' searches run one at a time: they are CPU-bound under one GIL, and 40 threads taking
# turns cost more CPU a request.
_ONE_AT_A_TIME = threading.Lock()


@router.get("/search")
@router.get("/search/")
def search_page(request: Request, q: str = Query("", max_length=MAX_QUERY),
                p: int = Query(1, ge=1, le=MAX_PAGE),
                sort: str = Query("relevance", pattern="^(relevance|date)$"),
                facets: str = Query("newest", pattern="^(newest|all)$"),
                j: Journal = Depends(journal)) -> Response:
    """The search form, and results when there is a query."""
    st = state(request)
    session = session_of(request, j)
    csrf = session[0] if session is not None else None
    if csrf is not None or COOKIE in request.cookies:
        html = _results(st, j, q, p, sort, csrf, facets == "all",
                        writer=session is not None and session[1].can_write)
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})
    found = _reader_page(st, j, page_key(request.scope["path"], request.scope["query_string"]),
                         q, p, sort, facets == "all")
    return HTMLResponse(found, headers={"Cache-Control": "no-cache"})


def reader_search(st: WebState, path: str, query: bytes,
                  mark: int | None = None) -> tuple[bytes, str] | None:
    """The results page for a reader without a session cookie, as `search_page` renders it,
    or None when the parameters are not plainly valid (the route then answers, errors
    included). Called by `CachedPages` on the event loop, before routing: FastAPI's routing
    and parameter checks were a fifth of a never-seen search, and handing the search to a
    thread made the two threads take turns on the GIL. `mark`: the journal's change mark read
    since the request arrived."""
    params = QueryParams(query)
    q, sort, facets = (params.get("q", ""), params.get("sort", "relevance"),
                       params.get("facets", "newest"))
    p = params.get("p", "1")
    # Facets over every match (`facets=all`) may take 100+ ms on a broad query: that page goes
    # through the route, on the thread pool, since this one runs on the event loop.
    if (len(q) > MAX_QUERY or sort not in ("relevance", "date") or facets != "newest"
            or not (p.isascii() and p.isdigit() and len(p) <= len(str(MAX_PAGE))
                    and 1 <= int(p) <= MAX_PAGE)):
        return None
    try:
        body = _reader_page(st, st.journal(), page_key(path, query), q, int(p), sort, False,
                            mark)
    except KirinukiError:
        return None  # a malformed query: the route answers it with the error page
    return body, "text/html; charset=utf-8"


def _reader_page(st: WebState, j: Journal, key: Key, q: str, p: int, sort: str,
                 all_facets: bool, mark: int | None = None) -> bytes:
    # Readers without a session cookie all get the same page: cached until the next commit.
    with st.pages.filling(key, mark) as cached:
        hit = cached()
        if hit is not None:
            return hit[0]
        mark = st.page_mark(mark)  # before searching: the page is at least this fresh
        with _ONE_AT_A_TIME:
            body = _results(st, j, q, p, sort, None, all_facets, mark=mark).encode()
        st.pages.put(key, mark, body, "text/html; charset=utf-8")
    return body


def _results(st: WebState, j: Journal, q: str, p: int, sort: str, csrf: str | None,
             all_facets: bool, writer: bool = True, mark: int | None = None) -> str:
    # `mark`: read since the request arrived; the context and memo use it without reading
    # the journal's mark again (a round trip each on PostgreSQL).
    result = None
    owner = csrf is not None
    ctx, _ = st.site.current(j, mark)
    # Row ids per word kept in memory until the next commit: a never-seen query made of
    # words seen before costs set operations instead of FTS5 reads.
    postings = (st.postings, st.site.mark)
    if q.strip():
        # Readers get totals and facets over published entries only; the owner sees drafts.
        result = search(j, q, limit=PER_PAGE, offset=(p - 1) * PER_PAGE, sort=sort,
                        published_only=not owner, total=False, facets=False,
                        postings=postings)
        window = None if all_facets else FACET_WINDOW
        # The total and facets depend on neither the sort nor the page: paging through a
        # query or switching its sort reuses them (they are most of a never-seen query's time).
        total, faceted, tags, months = st.memo((q, not owner, window), lambda: _summary(search(
            j, q, limit=0, sort="date", published_only=not owner, facet_window=window,
            postings=postings)), kind="search", mark=mark)
        result.total, result.faceted = total, faceted
        result.tags = [FacetCount(*f) for f in tags]
        result.months = [FacetCount(*f) for f in months]
    hits = []
    for hit in result.hits if result else []:
        meta = ctx.entries[ctx.pos[hit.entry_id]] if hit.entry_id in ctx.pos else None
        if meta is None and not owner:
            continue
        url = urls.entry_url(meta.permalink) if meta else f"/edit/{hit.entry_id}"
        hits.append(hit_html(hit, url, meta is None))
    tags = [f for f in result.tags if f.key in ctx.tags or owner] if result else []
    more = bool(result and result.total is not None and result.total > p * PER_PAGE)
    return render_page(st, j, "search_results.html", f"「{q}」の検索結果" if q else "検索", csrf, writer,
                       mark, q=q,
                       sort=sort, result=result, hits=hits, tag_facets=tags, page_no=p,
                       more=more, tag_facets_html=tag_facets_html(q, tags),
                       months_html=month_facets_html(result.months if result else []))


Facets = tuple[tuple[str, str, int], ...]


def _summary(r: SearchResult) -> tuple[int | None, int | None, Facets, Facets]:
    """(total, faceted, tags, months) of a result, as plain tuples to keep: the garbage
    collector stops tracking those, where the kept results held many `FacetCount`s that
    every full collection walked (a stall of every request in flight)."""
    return (r.total, r.faceted, tuple((f.key, f.label, f.count) for f in r.tags),
            tuple((f.key, f.label, f.count) for f in r.months))
