"""The one address scheme (`publish/urls.py`): every page the publisher plans sits at an address
of `urls.ROUTES`, reads back to the same route and values, and the plan asked for that one
address (`Planner.plan_at`, what the web app serves) gives the very page the full plan has."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from kirinuki.journal import Journal, import_paths, init_journal
from kirinuki.publish import context as context_mod
from kirinuki.publish import urls
from kirinuki.publish.context import build_context
from kirinuki.publish.keys import LazyFingerprints
from kirinuki.publish.plan import Planner
from kirinuki.publish.quick import asset_version
from tests.conftest import ROOT, examples
from tests.publish.conftest import make_journal
from tests.publish.test_publish_property import Story, step

DEMO = ROOT / "demo" / "entries"


def url_of(path: str) -> str:
    """The decoded address of a planned file (`a/b/index.html` -> `/a/b/`)."""
    return "/" + path.removesuffix("index.html")


def check_routes(j: Journal) -> set[urls.Route]:
    """Every planned page round-trips through the routes and `plan_at`; returns the routes
    the pages used."""
    ctx = build_context(j)
    version = asset_version()
    pages = Planner(ctx, version).plan()
    assert pages
    used: set[urls.Route] = set()
    lazy = LazyFingerprints(ctx)
    for page in pages:
        parsed = urls.parse(url_of(page.path))
        assert parsed is not None, page.path
        route, values = parsed
        used.add(route)
        assert urls.file_of(route.url(*values)) == page.path  # path -> values -> path
        alone = Planner(ctx, version, fps=lazy).plan_at(route, values)
        if page.kind == "moved":  # an old address: no page of its own now (the app redirects)
            assert alone is None, page.path
            continue
        assert route.kind == page.kind
        assert alone == page, page.path  # same kind, arguments, entries and signature
    return used


def test_every_route_is_used_by_the_demo_and_every_page_round_trips(tmp_path: Path) -> None:
    if not DEMO.is_dir():
        pytest.skip("demo/entries is not present")
    j = init_journal(str(tmp_path / "demo.db"), "切り抜き帳（デモ）", ["demo.kirinuki.example"])
    try:
        import_paths(j, [str(DEMO)])
        assert check_routes(j) == set(urls.ROUTES)
    finally:
        j.close()


def test_addresses_read_back_as_written() -> None:
    cases: list[tuple[urls.Route, tuple[Any, ...]]] = [
        (urls.ENTRY, ("/entry/2022/01/08/120000",)),
        (urls.ENTRY_TEXT, ("/entry/2024/ukraine",)),
        (urls.TAG_PAGE, ("反ロシア&100%x?#", 12)),
        (urls.DAY, (2024, 1, 8)),
        (urls.SEARCH_CHUNK, (2024, 12)),
        (urls.STATIC, ("style.css",)),
        (urls.INDEX_PAGE, (999999999,)),
    ]
    for route, values in cases:
        url = route.url(*values)
        assert urls.parse(url_of(urls.file_of(url))) == (route, values)


def test_what_is_no_address_of_the_site_reads_as_none() -> None:
    for path in ("/page/0x1/", "/page/１/", "/page/١/", "/page/1234567890/", "/archive/24/",
                 "/archive/2024/1/", "/entry", "/entry/", "/nope", "/archive/category/a/b/",
                 "/search/2024-1.json", "/static/", "/archive/category//"):
        assert urls.parse(path) is None, path


def test_media_types_come_with_the_routes() -> None:
    assert urls.STATIC.media_of(("style.css",)).startswith("text/css")
    assert urls.STATIC.media_of(("search.js",)).startswith("text/javascript")
    assert urls.TAG_FEED.media.startswith("application/atom+xml")
    assert urls.ENTRY_TEXT.media.startswith("text/plain")


@settings(max_examples=examples(4), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, min_size=1, max_size=4), st.integers(1, 3))
def test_pages_of_random_small_journals_round_trip(changes: list[tuple[Any, ...]],
                                                   per_page: int) -> None:
    """After renames (old tag names get redirect pages), date changes (old permalinks too),
    deletions and new entries, with 1 to 3 entries a list page."""
    old = context_mod.PER_PAGE
    context_mod.PER_PAGE = per_page
    try:
        with tempfile.TemporaryDirectory(prefix="kirinuki-routes-") as tmp:
            j = make_journal(Path(tmp))
            try:
                story = Story(j, Path(tmp))
                for n, change in enumerate(changes):
                    note(f"step {n}: {change}")
                    story.apply(change)
                    check_routes(j)
            finally:
                j.close()
    finally:
        context_mod.PER_PAGE = old
