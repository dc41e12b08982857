"""The citizen block explorer: server-rendered pages (Chinese by default, English on request) over the
same Portal as the REST API. JavaScript only where it helps: "verify my payment" computes the
identity commitment in the browser, so the ID-card number never leaves it."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from govchain.explorer import funds_pages
from govchain.explorer.pages import NAV_ITEMS, NavItem, html_error, router

STATIC = Path(__file__).resolve().parent / "static"

# Extension point: a module with pages (e.g. fiscal funds) appends its router here (and to NAV_ITEMS).
PAGE_ROUTERS: list[APIRouter] = [router, funds_pages.router]
NAV_ITEMS.insert(3, NavItem("/funds", "财政资金", "Public funds"))

__all__ = ["NAV_ITEMS", "PAGE_ROUTERS", "install_explorer"]


class CachedStatic(StaticFiles):
    """Static files with a day's browser cache (they change only with a release)."""

    async def get_response(self, path: str, scope):  # type: ignore[no-untyped-def]
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=86400"
        return response


def install_explorer(app: FastAPI) -> Callable[[Request, int, str], Response]:
    """Mount the explorer's pages and static files on `app`; returns its HTML error page renderer."""
    app.mount("/static", CachedStatic(directory=STATIC), name="static")
    for page_router in PAGE_ROUTERS:
        app.include_router(page_router)
    return html_error
