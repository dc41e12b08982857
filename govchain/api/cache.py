"""Whole-response cache for public GET requests, valid until the index checkpoint moves.

Every public page and read endpoint is a function of the index (and of chain time, which moves with
the blocks that move the checkpoint), so a response can be served again, byte for byte, until the
indexer commits new blocks. Keyed by path, query, language (cookie and Accept-Language) and the
checkpoint (number and hash: a reorg changes the key too). Only 200 responses without Set-Cookie
are kept; writes (POST) and authenticated requests always go through.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Awaitable, Callable

from govchain.api.common import API_PREFIX
from govchain.portal import Portal

Scope = dict[str, Any]
Message = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

MAX_ENTRIES = 4_096
_VARY = (b"cookie", b"accept-language", b"accept")


class IndexedResponseCache:
    def __init__(self, app: ASGIApp, portal: Portal, max_entries: int = MAX_ENTRIES) -> None:
        self.app = app
        self.portal = portal
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[Any, ...], tuple[int, list[tuple[bytes, bytes]], bytes]] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] in (API_PREFIX + "/health", "/docs", "/openapi.json"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if b"x-api-key" in headers or b"authorization" in headers:
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope["query_string"], *(headers.get(h, b"") for h in _VARY), self.portal.version())
        hit = self._entries.get(key)
        if hit is not None:
            self._entries.move_to_end(key)
            status, response_headers, body = hit
            await send({"type": "http.response.start", "status": status, "headers": response_headers})
            await send({"type": "http.response.body", "body": body})
            return

        started: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    self._store(key, started, b"".join(chunks))
            await send(message)

        await self.app(scope, receive, capture)

    def _store(self, key: tuple[Any, ...], started: dict[str, Any], body: bytes) -> None:
        response_headers = list(started.get("headers", []))
        if started.get("status") != 200 or any(name.lower() == b"set-cookie" for name, _ in response_headers):
            return
        self._entries[key] = (200, response_headers, body)
        if len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
