"""The app factory: the REST API (/api, OpenAPI at /docs) and the citizen explorer in one FastAPI app."""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from govchain import __version__
from govchain.api.cache import IndexedResponseCache
from govchain.api.common import install_error_handlers
from govchain.api.routers import API_ROUTERS, PORTAL_SETUP
from govchain.config import Config
from govchain.portal import Portal

log = logging.getLogger("govchain.api")

DESCRIPTION = """\
Public data of the govchain government service chain (blocks, transactions, enterprises, approval
cases, public credit records) and the write endpoints government applications integrate with:
citizens' EIP-712 signed applications (relayed, citizens pay no gas) and department actions
(authenticated per department with `X-API-Key`, signed by the department's officer key).

Every list is also available as CSV: add `?format=csv`, or use the `…/export.csv` path.
Errors are JSON `{"error", "message", "details"}` with a 4xx status that says what is wrong.
"""


def create_app(config: Config | None = None, *, portal: Portal | None = None, sync_interval: float | None = None) -> FastAPI:
    """The app for `config` (or an existing `portal`). With `sync_interval`, the app keeps the index
    synced in a background thread while it runs (one syncing process per database)."""
    portal = portal or Portal(config or Config.load())
    for setup in PORTAL_SETUP:
        setup(portal)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        thread = None
        if sync_interval is not None:
            thread = threading.Thread(
                target=portal.sync_forever, args=(sync_interval, stop, lambda exc: log.warning("index sync failed: %s", exc)),
                name="govchain-index-sync", daemon=True,
            )  # fmt: skip
            thread.start()
        try:
            yield
        finally:
            stop.set()
            portal.request_sync()
            if thread is not None:
                thread.join(timeout=10)

    app = FastAPI(
        title="govchain API",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served below from the vendored Swagger UI: nothing from a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.portal = portal
    app.add_middleware(IndexedResponseCache, portal=portal)
    for router in API_ROUTERS:
        app.include_router(router)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="govchain API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )  # fmt: skip

    from govchain.explorer import install_explorer

    html_error = install_explorer(app)
    install_error_handlers(app, html_error)
    return app


def create_app_from_env() -> Any:
    """Factory for `uvicorn --factory govchain.api.app:create_app_from_env` (worker processes)."""
    return create_app(portal=Portal(Config.load(), owns_index=False))
