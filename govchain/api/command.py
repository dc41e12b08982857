"""`govchain serve`: the REST API and the explorer under uvicorn, with the index kept in sync.

One process syncs the index (the only writer of its database); with --workers > 1 that is the
parent process and uvicorn's workers only read. On a local dev chain with no department API keys
configured, fresh random keys are generated for this run and printed.
"""

from __future__ import annotations

import os
import threading
from typing import Callable

import typer

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_SYNC_INTERVAL_S = 2.0


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    workers: int = 1,
    sync_interval: float = DEFAULT_SYNC_INTERVAL_S,
    echo: Callable[[str], None] = print,
) -> None:
    """Serve until interrupted (Ctrl-C)."""
    import uvicorn

    from govchain.api.app import create_app
    from govchain.config import Config
    from govchain.portal import DepartmentKeys, Portal
    from govchain.signer import DEV_CHAIN_IDS

    config = Config.load()
    portal = Portal(config)
    if not len(portal.department_keys) and portal.chain_id in DEV_CHAIN_IDS:
        _, plain = DepartmentKeys.generate_dev(portal.chain_id, portal.consortium)
        for code, key in plain.items():
            os.environ[f"GOVCHAIN_API_KEY_{code}"] = key
        portal = Portal(config)
        echo("department API keys for this run (local dev chain; send as X-API-Key):")
        for code, key in plain.items():
            echo(f"  {code:<6} {key}")
    if not len(portal.department_keys):
        echo("no department API keys configured (GOVCHAIN_API_KEY_<CODE>): department actions answer 401")
    portal.sync()
    url = f"http://{host}:{port}"
    echo(f"govchain explorer at {url}/  (REST API docs at {url}/docs; Ctrl-C to stop)")
    if workers <= 1:
        uvicorn.run(create_app(portal=portal, sync_interval=sync_interval), host=host, port=port, log_level="warning")
        return
    stop = threading.Event()
    threading.Thread(target=portal.sync_forever, args=(sync_interval, stop), name="govchain-index-sync", daemon=True).start()
    try:
        uvicorn.run("govchain.api.app:create_app_from_env", factory=True, host=host, port=port, workers=workers, log_level="warning")
    finally:
        stop.set()


def serve_command(
    host: str = typer.Option(DEFAULT_HOST, "--host", help="Interface to listen on."),
    port: int = typer.Option(DEFAULT_PORT, "--port", help="HTTP port."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="uvicorn worker processes."),
    sync_interval: float = typer.Option(DEFAULT_SYNC_INTERVAL_S, "--sync-interval", min=0.1, help="Seconds between index syncs."),
) -> None:
    """Serve the REST API (/api, docs at /docs) and the citizen explorer; keeps the index in sync."""
    from govchain.exceptions import GovchainError

    try:
        serve(host, port, workers, sync_interval, echo=typer.echo)
    except GovchainError as exc:
        typer.secho(f"error: {exc}", err=True, fg="red")
        raise typer.Exit(1) from None
