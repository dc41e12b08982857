"""Human-readable output shared by the CLI and the scripts (Rich)."""

from __future__ import annotations

from rich.console import Console

from govchain.deploy import DeployResult
from govchain.paths import PROJECT_ROOT

console = Console(soft_wrap=True)


def print_deploy_result(result: DeployResult) -> None:
    try:
        where = result.path.relative_to(PROJECT_ROOT)
    except ValueError:
        where = result.path
    console.print(f"[bold]govchain suite on chain {result.chain_id}[/] ({where})")
    for name, address in result.addresses.items():
        state = "[green]deployed now[/]" if name in result.deployed else "already deployed"
        console.print(f"  {name:<22} {address}  {state}", highlight=False, soft_wrap=True)
    console.print(f"{result.transactions} transaction(s) sent")
    if result.governance_actions:
        console.print("[yellow]needs governance (propose through GovTimelock):[/]")
        for action in result.governance_actions:
            console.print(f"  - {action}")
