"""The app factory: the REST API (/api/v1, alias /api; OpenAPI at /docs) and the citizen explorer in one FastAPI app."""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse

from govchain import __version__
from govchain.api.cache import IndexedResponseCache
from govchain.api.common import ApiVersionAlias, install_error_handlers
from govchain.api.routers import API_ROUTERS, PORTAL_SETUP
from govchain.config import Config
from govchain.portal import Portal

log = logging.getLogger("govchain.api")

DESCRIPTION = """\
Public data of the govchain government service chain (blocks, transactions, enterprises, approval
cases, public credit records, fiscal funds) and the write endpoints government applications integrate
with: citizens' EIP-712 signed applications (relayed, citizens pay no gas) and department actions
(authenticated per department with `X-API-Key`, signed by the department's officer key).

**Versions.** Every endpoint is under `/api/v1`; `/api/...` is an alias of the current version
(`/api/enterprises` answers as `/api/v1/enterprises`).

**Contracts.** `GET /api/v1/contracts` gives the chain id and each deployed contract's name, address
and ABI: enough to read or call the suite with any Ethereum client (web3.py, ethers), no compiler.

**Lists** are paged by offset, all the same way: `?limit=` (items per page) and `?offset=` (items to
skip) answer `{"items", "count", "total", "limit", "offset", "next_offset"}`, where `total` counts the
whole list with the same filters and `next_offset` is null on the last page. Every list is also a CSV:
`?format=csv`, or the `…/export.csv` path, paged the same way with the figures in the `X-Total-Count`,
`X-Offset`, `X-Limit` and `X-Next-Offset` headers. A CSV cell never holds JSON: nested objects become
`parent.child` columns, a list is one cell with its items joined by `; `, and a list of objects one
such cell per field (`lines.code`, `lines.amount`: the n-th item of each cell belongs together).

**Amounts and times.** Money is in fen (分, integers) and is also given in yuan, an exact string
beside it (`amount` → `amount_yuan`: `"1850.00"`; `registered_capital_fen` → `registered_capital_yuan`).
Chain times are Unix seconds, also given in ISO 8601 in China Standard Time beside them (`applied_at`
→ `applied_at_iso`: `"2026-12-04T06:44:02+08:00"`; null when the time is 0, i.e. not yet). In JSON and CSV.

**Errors** are JSON `{"error", "message", "details"}`: `error` a code (`invalid_request`, `not_found`,
`contract_refused`, ...), `message` what is wrong in words, `details` always an object (`{}` when there
is nothing more). Invalid input of every kind (a path, query or body parameter, malformed JSON, a USCC
with a wrong check character) is **400**; `details.errors` lists the invalid parameters when there are.
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
    app.add_middleware(ApiVersionAlias)  # outermost: the cache and the routes see /api/v1 paths only
    for router in API_ROUTERS:
        app.include_router(router)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]

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


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema without its 422 answers: invalid input is a 400 with the ErrorBody here."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                operation.get("responses", {}).pop("422", None)
        for name in ("HTTPValidationError", "ValidationError"):
            schema.get("components", {}).get("schemas", {}).pop(name, None)
        app.openapi_schema = schema
    return app.openapi_schema


def create_app_from_env() -> Any:
    """Factory for `uvicorn --factory govchain.api.app:create_app_from_env` (worker processes)."""
    return create_app(portal=Portal(Config.load(), owns_index=False))
