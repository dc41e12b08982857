"""What every router shares: the version prefix and its alias, the portal dependency, pagination, CSV
export of lists, error mapping."""

from __future__ import annotations

import csv
import dataclasses
import functools
import inspect
import io
import logging
import typing
from typing import Any, Callable, Sequence

import requests
from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import APIKeyHeader
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from govchain.api.models import Page
from govchain.clients import ClientError, UnknownCase
from govchain.domain import InvalidIdNumber, InvalidUSCC
from govchain.exceptions import ChainError, ContractRevert, DeploymentError, GovchainError, UnknownRevert
from govchain.portal import DepartmentCredential, NotFound, PersonalDataRefused, Portal, Unauthorized, Unavailable
from govchain.relay import RelayError

log = logging.getLogger("govchain.api")

API_PREFIX = "/api/v1"  # the current version; /api/... is an alias of it (ApiVersionAlias)
ALIAS_PREFIX = "/api"
MAX_LIMIT = 10_000
MAX_OFFSET = 10_000_000
DEFAULT_LIMIT = 50
CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_LIST_SEPARATOR = "; "  # a list in one CSV cell: its items joined (a list of objects: one column per field)


async def get_portal(request: Request) -> Portal:  # async: no thread-pool hop just to read app state
    return request.app.state.portal


PortalDep = Depends(get_portal)
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="the department's API key")


def department(request: Request, key: str | None = Depends(_api_key)) -> DepartmentCredential:
    """The department (and officer signer) the request's API key belongs to; 401 without a valid key."""
    portal: Portal = request.app.state.portal
    return portal.department_keys.check(key)


def is_api_path(path: str) -> bool:
    return path == ALIAS_PREFIX or path.startswith(ALIAS_PREFIX + "/")


class ApiVersionAlias:
    """ASGI middleware: /api/... is served as /api/v1/... (the unversioned prefix stays an alias of the
    current version, so links and integrations written before versioning keep working)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            versioned = path == API_PREFIX or path.startswith(API_PREFIX + "/")
            if not versioned and is_api_path(path):
                raw: bytes = scope.get("raw_path") or path.encode()
                scope = {**scope, "path": API_PREFIX + path[len(ALIAS_PREFIX) :], "raw_path": API_PREFIX.encode() + raw[len(ALIAS_PREFIX) :]}
        await self.app(scope, receive, send)


# --- pagination --------------------------------------------------------------------------------


class Paging:
    """Offset pagination, the one scheme of every list: `limit` items from `offset` (newest first unless
    a list says otherwise), answered as a Page with the list's `total` and the `next_offset`."""

    def __init__(
        self,
        limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="items per page"),
        offset: int = Query(0, ge=0, le=MAX_OFFSET, description="items to skip"),
    ) -> None:
        self.limit = limit
        self.offset = offset

    def page(self, items: Sequence[Any], *, total: int | None = None) -> dict[str, Any]:
        """A Page of `items`: the full list (this page is cut from it), or, with `total`, this page's
        items already (the list's store cut them)."""
        if total is None:
            total = len(items)
            chunk = list(items[self.offset : self.offset + self.limit])
        else:
            chunk = list(items[: self.limit])
        end = self.offset + len(chunk)
        return {
            "items": chunk,
            "count": len(chunk),
            "total": total,
            "limit": self.limit,
            "offset": self.offset,
            "next_offset": end if chunk and end < total else None,
        }


def paging(default: int, maximum: int) -> type[Paging]:
    """Paging with another default and maximum page size (lists read from the node, not the index)."""

    class Limited(Paging):
        def __init__(
            self,
            limit: int = Query(default, ge=1, le=maximum, description="items per page"),
            offset: int = Query(0, ge=0, le=MAX_OFFSET, description="items to skip"),
        ) -> None:
            super().__init__(limit, offset)

    return Limited


# --- CSV ---------------------------------------------------------------------------------------


def _plain(item: Any) -> dict[str, Any]:
    if isinstance(item, BaseModel):
        return item.model_dump()
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return dataclasses.asdict(item)
    return dict(item)


def _text(value: Any) -> str:
    """A value inside a joined cell: a nested list (e.g. a tuple argument) as its items joined by ", ",
    an object as `key=value` pairs."""
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_text(v)}" for k, v in value.items())
    return "" if value is None else ("true" if value else "false") if isinstance(value, bool) else str(value)


def _flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """One CSV row: nested objects become `parent.child` columns; a list becomes one cell with its items
    joined by "; " (a list of objects: one such cell per field, `list.field`, items in the same order;
    a list inside an item: its values joined by ", "). Never JSON in a cell."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, dict) for v in value):
            fields = list(dict.fromkeys(k for v in value for k in _flatten(v)))
            flat = [_flatten(v) for v in value]
            for field in fields:
                out[f"{name}.{field}"] = CSV_LIST_SEPARATOR.join(_text(f.get(field)) for f in flat)
        elif isinstance(value, (list, tuple)):
            out[name] = CSV_LIST_SEPARATOR.join(_text(v) for v in value)
        else:
            out[name] = value
    return out


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(CSV_FORMULA_PREFIXES):
        return "'" + value  # no spreadsheet formula injection from on-chain text
    return value


def page_headers(page: dict[str, Any]) -> dict[str, str]:
    """A page's figures as headers, for the CSV form of a list (which has no room for them)."""
    headers = {"X-Total-Count": str(page["total"]), "X-Offset": str(page["offset"]), "X-Limit": str(page["limit"])}
    if page["next_offset"] is not None:
        headers["X-Next-Offset"] = str(page["next_offset"])
    return headers


def csv_response(items: Sequence[Any], filename: str, item_model: type[BaseModel] | None = None,
                 headers: dict[str, str] | None = None) -> Response:  # fmt: skip
    """`items` as a UTF-8 CSV (with BOM, so spreadsheet programs read Chinese text right)."""
    rows = [_flatten(_plain(item_model.model_validate(i) if item_model else i)) for i in items]
    columns: list[str] = []
    if item_model is not None and not rows:
        columns = list(item_model.model_fields)
    for row in rows:
        columns += [c for c in row if c not in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return Response(
        "\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"', **(headers or {})},
    )


def list_route(router: APIRouter, path: str, item_model: type[BaseModel], *, name: str, summary: str, **kwargs: Any) -> Callable:
    """Register a list endpoint at `path` (JSON Page, or CSV with ?format=csv) and at `path`/export.csv.

    The endpoint returns a dict as built by `Paging.page`; this wrapper renders it. The CSV is the
    same page (same limit, offset and filters), its figures in the X-Total-Count etc. headers.
    """

    def decorator(endpoint: Callable[..., dict[str, Any]]) -> Callable[..., Any]:
        hints = typing.get_type_hints(endpoint)  # resolve string annotations in the endpoint's own module
        signature = inspect.signature(endpoint)
        signature = signature.replace(
            parameters=[p.replace(annotation=hints.get(p.name, p.annotation)) for p in signature.parameters.values()],
            return_annotation=inspect.Signature.empty,
        )
        fmt = inspect.Parameter(
            "format", inspect.Parameter.KEYWORD_ONLY, default=Query("json", pattern="^(json|csv)$", description="json, or csv for a spreadsheet"),
            annotation=str,
        )  # fmt: skip

        def as_csv_page(page: dict[str, Any]) -> Response:
            return csv_response(page["items"], name, item_model, page_headers(page))

        @functools.wraps(endpoint)
        def as_json_or_csv(*args: Any, format: str = "json", **kw: Any) -> Any:  # noqa: A002 - the query parameter's name
            page = endpoint(*args, **kw)
            return as_csv_page(page) if format == "csv" else page

        as_json_or_csv.__signature__ = signature.replace(parameters=[*signature.parameters.values(), fmt])  # type: ignore[attr-defined]

        @functools.wraps(endpoint)
        def as_csv(*args: Any, **kw: Any) -> Response:
            return as_csv_page(endpoint(*args, **kw))

        as_csv.__signature__ = signature  # type: ignore[attr-defined]
        csv_content = {"text/csv": {"schema": {"type": "string"}}}
        router.add_api_route(
            path, as_json_or_csv, methods=["GET"], response_model=Page[item_model], name=name, summary=summary,
            responses={200: {"content": csv_content}}, **kwargs,
        )  # fmt: skip
        router.add_api_route(
            path.rstrip("/") + "/export.csv", as_csv, methods=["GET"], response_class=Response, name=f"{name}_csv",
            summary=f"{summary} (CSV)", responses={200: {"content": csv_content}}, **kwargs,
        )  # fmt: skip
        return endpoint

    return decorator


# --- errors ------------------------------------------------------------------------------------


def error_status(exc: Exception) -> tuple[int, str]:
    """HTTP status and error code for a govchain error."""
    if isinstance(exc, ContractRevert):
        return (403, "unauthorized_officer") if exc.error == "AccessControlUnauthorizedAccount" else (409, "contract_refused")
    table: list[tuple[type[Exception], int, str]] = [
        (NotFound, 404, "not_found"),
        (UnknownCase, 404, "not_found"),
        (Unauthorized, 401, "unauthorized"),
        (Unavailable, 503, "unavailable"),
        (InvalidUSCC, 400, "invalid_uscc"),
        (InvalidIdNumber, 400, "invalid_id_number"),
        (PersonalDataRefused, 400, "id_number_refused"),
        (RelayError, 400, "invalid_signed_request"),
        (ClientError, 400, "invalid_request"),
        (UnknownRevert, 409, "contract_refused"),
        (ChainError, 503, "chain_unavailable"),
        (DeploymentError, 503, "deployment_unavailable"),
    ]
    for kind, status, code in table:
        if isinstance(exc, kind):
            return status, code
    return 400, "invalid_request"


def error_details(exc: Exception) -> dict[str, Any]:
    if isinstance(exc, ContractRevert):
        return {"contract_error": exc.error, "arguments": jsonable_encoder(exc.arguments, custom_encoder={bytes: lambda b: "0x" + b.hex()})}
    if isinstance(exc, InvalidUSCC):
        return {"position": exc.position, "expected": exc.expected}
    return {}


VALIDATION_STATUS = 400  # every kind of invalid input: parameters, bodies and values the library refuses (USCC, ...)


def validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "request"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "the request is invalid"


def json_error(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> JSONResponse:
    """The one error body of the API: {"error": code, "message": words, "details": {...}} (details always an object)."""
    return JSONResponse({"error": code, "message": message, "details": jsonable_encoder(details or {})}, status_code=status)


def install_error_handlers(app: Any, html_error: Callable[[Request, int, str], Response] | None = None) -> None:
    """JSON errors under /api; explorer pages get `html_error` pages. Never a bare 500 for bad input."""

    def wants_html(request: Request) -> bool:
        return html_error is not None and not is_api_path(request.url.path)

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> Response:
        message = validation_message(exc)
        if wants_html(request):
            return html_error(request, VALIDATION_STATUS, message)  # type: ignore[misc]
        errors = [{k: e.get(k) for k in ("loc", "msg", "type")} for e in exc.errors()]
        return json_error(VALIDATION_STATUS, "invalid_request", message, {"errors": errors})

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail) if exc.detail else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such page or endpoint: {request.url.path}"
        if wants_html(request):
            return html_error(request, exc.status_code, message)  # type: ignore[misc]
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}.get(exc.status_code, "http_error")
        return json_error(exc.status_code, code, message)

    @app.exception_handler(GovchainError)
    async def on_govchain(request: Request, exc: GovchainError) -> Response:
        status, code = error_status(exc)
        if wants_html(request):
            return html_error(request, status, str(exc))  # type: ignore[misc]
        return json_error(status, code, str(exc), error_details(exc))

    @app.exception_handler(requests.RequestException)
    async def on_node_down(request: Request, exc: requests.RequestException) -> Response:
        message = f"the chain node did not answer: {type(exc).__name__}"
        if wants_html(request):
            return html_error(request, 503, message)  # type: ignore[misc]
        return json_error(503, "chain_unavailable", message)

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        if wants_html(request):
            return html_error(request, 500, "internal error")  # type: ignore[misc]
        return json_error(500, "internal_error", f"an unexpected {type(exc).__name__}; this is a bug, please report it")
