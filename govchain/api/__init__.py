"""The REST API (FastAPI) for government applications, served together with the citizen explorer.

`create_app(config)` builds the app; `govchain serve` (govchain.api.command) runs it with uvicorn.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:  # imported lazily: the CLI loads this package without FastAPI
    if name == "create_app":
        from govchain.api.app import create_app

        return create_app
    raise AttributeError(name)
