"""Checks of the REST API's conventions, run over every list endpoint the OpenAPI schema declares, so a
new list is held to them without a test of its own: one offset pagination with a total, the same page
as CSV (figures in headers, no JSON in any cell), and amounts and times also in yuan and ISO 8601."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

PAGE_KEYS = {"items", "count", "total", "limit", "offset", "next_offset"}
CHINA = dt.timezone(dt.timedelta(hours=8))


def list_paths(client: Any) -> dict[str, tuple[list[str], int]]:
    """Every GET path answering a Page, with the names of its required query parameters and its largest page."""
    schema = client.get("/openapi.json").json()
    found = {}
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None or path.endswith("/export.csv"):
            continue
        ref = get["responses"]["200"]["content"]["application/json"]["schema"].get("$ref", "")
        if ref.split("/")[-1].startswith("Page_"):
            parameters = {p["name"]: p for p in get.get("parameters", [])}
            limit = parameters["limit"]["schema"]["maximum"]
            found[path] = ([name for name, p in parameters.items() if p["in"] == "query" and p.get("required")], limit)
    return found


def parse_csv(response: Any) -> list[dict[str, str]]:
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def _yuan(fen: int) -> str:
    return f"{'-' if fen < 0 else ''}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def check_companions(item: dict[str, Any]) -> int:
    """Every `x_yuan` / `x_iso` beside its value says the same (recursively); returns how many were checked."""
    checked = 0
    for key, value in item.items():
        if isinstance(value, dict):
            checked += check_companions(value)
        elif isinstance(value, list):
            checked += sum(check_companions(v) for v in value if isinstance(v, dict))
        elif key.endswith("_yuan"):
            source = key[: -len("_yuan")]
            fen = item[source] if source in item else item[source + "_fen"]
            assert value == (None if fen is None else _yuan(fen)), (key, value, fen)
            checked += 1
        elif key.endswith("_iso"):
            seconds = item[key[: -len("_iso")]]
            expected = dt.datetime.fromtimestamp(seconds, CHINA).isoformat() if seconds else None
            assert value == expected and (value is None or value.endswith("+08:00")), (key, value, seconds)
            checked += 1
    return checked


def assert_every_list_is_paged(client: Any, values: dict[str, str], *, page: int = 2) -> dict[str, int]:
    """Walk every list (path and required query parameters filled from `values`) page by page, as JSON
    and as CSV (`page` items); returns each list's total (the caller says which must have items)."""
    totals = {}
    companions = 0
    for path, (required, largest) in list_paths(client).items():
        url = path.format(**values)
        params = {name: values[name] for name in required}
        everything = client.get(url, params={**params, "limit": largest}).json()
        assert set(everything) == PAGE_KEYS, (path, everything)
        total = everything["total"]
        assert total == everything["count"] == len(everything["items"]), (path, total)  # the scenario fits in one page
        size = max(page, -(-total // 6))  # at most ~6 pages per list
        walked, offset = [], 0
        while True:
            body = client.get(url, params={**params, "limit": size, "offset": offset}).json()
            assert set(body) == PAGE_KEYS and body["total"] == total and body["offset"] == offset and body["limit"] == size, (path, body)
            assert body["count"] == len(body["items"]) == max(0, min(size, total - offset)), (path, body)
            walked += body["items"]
            if body["next_offset"] is None:
                assert offset + body["count"] == total, (path, body)
                break
            assert body["next_offset"] == offset + size, (path, body)
            offset = body["next_offset"]
        assert walked == everything["items"], path
        companions += sum(check_companions(item) for item in walked)
        paged = client.get(url, params={**params, "limit": page, "format": "csv"})
        assert len(parse_csv(paged)) == min(page, total) and paged.headers["X-Total-Count"] == str(total), path
        assert paged.headers["X-Offset"] == "0" and paged.headers["X-Limit"] == str(page), path
        assert paged.headers.get("X-Next-Offset") == (str(page) if total > page else None), path
        full = client.get(url + "/export.csv", params={**params, "limit": largest})
        rows = parse_csv(full)
        assert len(rows) == total and full.headers["X-Total-Count"] == str(total) and "X-Next-Offset" not in full.headers, path
        for row in rows:
            for column, cell in row.items():
                assert not _is_json_container(cell), (path, column, cell)
                if column.endswith("_yuan") and cell and ";" not in cell:
                    assert cell.lstrip("-").replace(".", "", 1).isdigit() and cell[-3] == ".", (path, column, cell)
                if column.endswith("_iso") and cell and ";" not in cell:
                    assert dt.datetime.fromisoformat(cell).utcoffset() == dt.timedelta(hours=8), (path, column, cell)
        totals[path] = total
    assert companions > 0
    return totals


def _is_json_container(cell: str) -> bool:
    try:
        return isinstance(json.loads(cell), (list, dict))
    except ValueError:
        return False
