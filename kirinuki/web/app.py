"""The FastAPI application factory."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from kirinuki import __version__
from kirinuki.web import atompub, errors
from kirinuki.web.cache import CachedPages
from kirinuki.web.limits import BodyLimit
from kirinuki.web.routes.analysis import api as analysis_api
from kirinuki.web.routes.analysis import router as analysis_routes
from kirinuki.web.routes.api import router as api_routes
from kirinuki.web.routes.auth import router as auth_routes
from kirinuki.web.routes.changes import router as changes_routes
from kirinuki.web.routes.composer import router as composer_routes
from kirinuki.web.routes.entries import router as entry_routes
from kirinuki.web.routes.manage import router as manage_routes
from kirinuki.web.routes.reading import router as reading_routes
from kirinuki.web.routes.search import reader_search
from kirinuki.web.routes.search import router as search_routes
from kirinuki.web.routes.share import router as share_routes
from kirinuki.web.security import SecurityHeaders
from kirinuki.web.state import STATIC_DIR, Fetcher, WebState

JOURNAL_ENV = "KIRINUKI_SERVE_JOURNAL"  # how `serve --workers N` hands the path to each worker


def create_app(journal_path: str, *, fetcher: Callable[[], Fetcher] | None = None) -> FastAPI:
    """The web app over the journal at `journal_path`.

    `fetcher` makes the capture fetcher (tests pass one with a mock transport); by default
    the journal's settings and environment decide. Raises JournalError when the journal
    cannot be opened.
    """
    web = WebState(journal_path, fetcher)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Build the site context before taking requests: on 100k entries it takes seconds,
        # and a worker process that took requests first kept all of them waiting for it.
        await anyio.to_thread.run_sync(lambda: web.site.current(web.journal()))
        yield
        web.close()

    app = FastAPI(
        title="kirinuki",
        version=__version__,
        description="The JSON API of a kirinuki journal. Authenticate with "
                    "`Authorization: Bearer <token>` (`kirinuki token create`).",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.web = web
    errors.install(app)
    app.mount("/_web", StaticFiles(directory=STATIC_DIR), name="web-static")
    app.include_router(api_routes)
    app.include_router(analysis_api)
    app.include_router(analysis_routes)
    app.include_router(auth_routes)
    app.include_router(composer_routes)
    app.include_router(share_routes)
    app.include_router(changes_routes)
    app.include_router(entry_routes)
    app.include_router(manage_routes)
    app.include_router(search_routes)
    # Hatena AtomPub lives under /{user}/{blog_id}/atom: before the reading catch-all.
    app.include_router(atompub.router)
    # Last: the published site's addresses are matched by one catch-all route.
    app.include_router(reading_routes)
    # Inside SecurityHeaders: pages answered here get them too.
    app.add_middleware(CachedPages, cache=web.pages, render=web.quick_page,
                       search=lambda path, query, mark: reader_search(web, path, query, mark))
    # Outside the cache and FastAPI, inside SecurityHeaders: no body is read past its cap.
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    return app


def app_from_environment() -> FastAPI:
    """The app over the journal named by $KIRINUKI_SERVE_JOURNAL: the factory each worker
    process of `kirinuki serve --workers N` calls. Every state the app shares between
    requests (sessions, CSRF tokens, sign-in throttling, tokens) lives in the journal, and each
    process's caches follow the journal's commits, so any worker may answer any request."""
    return create_app(os.environ[JOURNAL_ENV])
