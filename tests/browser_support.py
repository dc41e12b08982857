"""The explorer in a real headless browser: the app under uvicorn on a free port, Debian's Chromium
driven by Playwright, citizens' pages at desktop (1280 px) and phone (390 px) widths, screenshots
into reports/screenshots/, and the check that nothing personal left the browser.

The `base_url` and `browser` fixtures (tests/conftest.py) use `served` and `chromium`; a test module
using them defines its own `portal`."""

from __future__ import annotations

import os
import socket
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

import uvicorn
from playwright.sync_api import sync_playwright

from govchain.api import create_app
from govchain.paths import PROJECT_ROOT

CHROMIUM = os.environ.get("GOVCHAIN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
SCREENSHOTS = PROJECT_ROOT / "reports" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(portal: Any) -> Iterator[str]:
    """The app over `portal` under uvicorn in a background thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(portal=portal), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium() -> Iterator[Any]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def citizen_page(browser: Any, viewport: dict[str, int] = DESKTOP, lang: str = "zh") -> Iterator[Any]:
    """A fresh browser context (no cookies) at `viewport`; `page.sent` collects every request it sends."""
    phone = viewport["width"] < 600
    context = browser.new_context(viewport=viewport, locale="zh-CN" if lang == "zh" else "en-US", is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.sent = []
    context.on("request", lambda request: page.sent.append(request))
    try:
        yield page
    finally:
        context.close()


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_nothing_sent(page: Any, secrets: Iterable[str]) -> None:
    """No request the page sent carries any of `secrets` (case-insensitive) in its URL, body or headers."""
    secrets = [s.lower() for s in secrets if s]
    for request in page.sent:
        sent = " ".join([request.url, request.post_data or "", *request.headers.values()]).lower()
        leaked = [s for s in secrets if s in sent]
        assert not leaked, f"{leaked} left the browser: {request.method} {request.url}"
