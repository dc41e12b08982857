"""The `govchain` command line: thin wrappers over the library, Rich output, `--json` for scripts.

Errors are one clear line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from typing import Any

import typer
from rich.console import Console

from govchain.chain import DEFAULT_PORT, LocalChain
from govchain.exceptions import GovchainError

app = typer.Typer(help="govchain: the government public-service chain, from the command line.", no_args_is_help=True)
chain_app = typer.Typer(help="The persistent local chain (Anvil).", no_args_is_help=True)
app.add_typer(chain_app, name="chain")

console = Console()
err_console = Console(stderr=True)

PortOption = typer.Option(DEFAULT_PORT, "--port", help="RPC port of the local chain.")
JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON.")


def _fail(exc: GovchainError) -> None:
    err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
    raise typer.Exit(1)


def _emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


@chain_app.command("start")
def chain_start(port: int = PortOption) -> None:
    """Start the local chain with persistent state (reuses a running one)."""
    try:
        status, started = LocalChain(port=port).start()
    except GovchainError as exc:
        _fail(exc)
        return
    verb = "started" if started else "reusing running"
    console.print(f"{verb} chain {status.chain_id} at {status.rpc_url} (block {status.block_number}, state {status.state_file})")


@chain_app.command("stop")
def chain_stop(port: int = PortOption) -> None:
    """Stop the local chain; its state is kept for the next start."""
    try:
        stopped = LocalChain(port=port).stop()
    except GovchainError as exc:
        _fail(exc)
        return
    console.print("chain stopped; state kept" if stopped else "no chain started from this folder is running")


@chain_app.command("status")
def chain_status(port: int = PortOption, as_json: bool = JsonOption) -> None:
    """Whether the local chain is running, and at which block."""
    status = LocalChain(port=port).status()
    if as_json:
        _emit_json(dataclasses.asdict(status))
    elif status.running:
        console.print(f"running: chain {status.chain_id} at {status.rpc_url}, block {status.block_number}, pid {status.pid}")
    else:
        console.print(f"not running at {status.rpc_url}")
    if not status.running:
        raise typer.Exit(3)


if __name__ == "__main__":
    app()
