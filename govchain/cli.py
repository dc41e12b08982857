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

from pathlib import Path

from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from govchain.artifacts import Artifacts
from govchain.chain import DEFAULT_PORT, LocalChain
from govchain.config import Config
from govchain.connection import Deployment, connect
from govchain.exceptions import GovchainError

app = typer.Typer(help="govchain: the government public-service chain, from the command line.", no_args_is_help=True)
chain_app = typer.Typer(help="The persistent local chain (Anvil).", no_args_is_help=True)
app.add_typer(chain_app, name="chain")

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

PortOption = typer.Option(DEFAULT_PORT, "--port", help="RPC port of the local chain.")
JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON.")


INDEX_FAILURES_SHOWN = 20  # projection failures `govchain index` lists (it counts all of them)


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


ConsortiumOption = typer.Option(None, "--consortium", help="Consortium YAML (default config/consortium.yaml).")


@app.command("deploy")
def deploy(consortium: Path | None = ConsortiumOption) -> None:
    """Deploy the suite (what is missing) and set up the consortium; writes deployments/<chain-id>.json."""
    from govchain.deploy import deploy_suite, load_consortium
    from govchain.report import print_deploy_result
    from govchain.sender import TransactionSender
    from govchain.signer import signer_or_dev

    try:
        config = Config.load()
        w3 = connect(config)
        chain_id = w3.eth.chain_id
        sender = TransactionSender(w3, signer_or_dev(chain_id), Artifacts(config.build_dir))
        result = deploy_suite(w3, sender, sender.artifacts, config.deployment_path(chain_id), load_consortium(consortium))
    except GovchainError as exc:
        _fail(exc)
        return
    print_deploy_result(result)


@app.command("index")
def index(
    to_block: int | None = typer.Option(None, "--to-block", help="Stop at this block (default: the head)."),
    as_json: bool = JsonOption,
) -> None:
    """Index the suite's events into the database (resumes from its checkpoint; repairs reorgs)."""
    from govchain.indexer import Indexer

    try:
        config = Config.load()
        w3 = connect(config)
        deployment = Deployment.load(config.deployment_path(w3.eth.chain_id))
        indexer = Indexer(w3, deployment, Artifacts(config.build_dir), config.database_url)
        columns = (TextColumn("indexing"), BarColumn(), TextColumn("{task.completed}/{task.total} blocks"), TimeRemainingColumn())
        with Progress(*columns, console=err_console, transient=True, disable=as_json) as bar:
            task = bar.add_task("index", total=None)
            result = indexer.sync(to_block, progress=lambda done, total: bar.update(task, completed=done, total=total))
    except GovchainError as exc:
        _fail(exc)
        return
    failures = indexer.failures(limit=INDEX_FAILURES_SHOWN)
    if as_json:
        _emit_json({**dataclasses.asdict(result), "total_events": indexer.count(), "database": config.database_url,
                    "projection_failures": [dataclasses.asdict(f) for f in failures]})  # fmt: skip
    else:
        if result.rolled_back_to is not None:
            console.print(f"[yellow]reorg: rolled back to block {result.rolled_back_to} and re-indexed[/]")
        if result.reprojected:
            console.print("replayed the projections from the stored events (failures were recorded by an earlier run)")
        if result.from_block > result.to_block:
            console.print(f"index is up to date at block {result.to_block}; {indexer.count()} event(s) in {config.database_url}")
        else:
            console.print(
                f"indexed blocks {result.from_block}..{result.to_block}: {result.events} new event(s) "
                f"in {result.seconds:.2f}s; {indexer.count()} in {config.database_url}"
            )
    if result.failures:
        for failure in failures:
            err_console.print(f"[red]projection failure:[/] {failure.describe()}", highlight=False)
        err_console.print(
            f"[bold red]error:[/] the index is degraded: {result.failures} event(s) could not be projected (the raw events "
            "are all stored). Fix the projection, then run `govchain index` again: it replays the projections.",
            highlight=False,
        )
        raise typer.Exit(1)


@app.command("demo")
def demo(
    fresh: bool = typer.Option(False, "--fresh", help="Wipe the local chain's state and seed a new demo."),
    no_serve: bool = typer.Option(False, "--no-serve/--serve", help="Stop after the summary instead of serving the explorer."),
) -> None:
    """Start the local chain, deploy, seed a realistic Qingdao day, index, print a summary, then serve the explorer."""
    from govchain.demo import run_demo

    try:
        summary = run_demo(Config.load(), lambda line: console.print(f"[dim]›[/] {line}", highlight=False), fresh=fresh)
    except GovchainError as exc:
        _fail(exc)
        return
    console.print(f"\n[bold]govchain demo[/] ({'reused' if summary.reused else 'seeded'} in {summary.seconds:.0f}s)")
    for key, value in summary.counts.items():
        console.print(f"  {value:>7,}  {key}", highlight=False)
    ex = summary.examples
    console.print("\n[bold]explore[/]")
    for command in (
        "govchain chain status",
        f"govchain enterprise show {ex.get('registered_uscc', '<USCC>')}",
        f"govchain enterprise show {ex.get('rejected_uscc', '<USCC>')}",
        f"govchain case show {ex.get('overdue_case', 1)}",
        f"govchain case show {ex.get('approved_case', 1)}",
        f"govchain credit show {ex.get('credit_subject_uscc', '<USCC>')} --public",
        f"govchain trace program {ex.get('pension_program', 1)}",
        f"govchain trace beneficiary {ex.get('beneficiary', '<commitment>')}",
        f"govchain trace payout {ex.get('bank_batch', 1)} <commitment>",
        "govchain index --json",
    ):
        console.print(f"  .venv/bin/{command}", highlight=False)
    if not no_serve:
        from govchain.api.command import serve

        serve()


enterprise_app = typer.Typer(help="Enterprises (企业登记).", no_args_is_help=True)
case_app = typer.Typer(help="Approval cases (审批).", no_args_is_help=True)
credit_app = typer.Typer(help="Credit records (信用体系).", no_args_is_help=True)
app.add_typer(enterprise_app, name="enterprise")
app.add_typer(case_app, name="case")
app.add_typer(credit_app, name="credit")
trace_app = typer.Typer(help="Fund-flow traces: every yuan from budget to beneficiary.", no_args_is_help=True)
app.add_typer(trace_app, name="trace")


def _open_index():  # noqa: ANN202 - (suite, indexer) for the read commands
    """The deployed suite and an index synced to the head (quick when already up to date)."""
    from govchain.connection import Suite
    from govchain.indexer import Indexer

    config = Config.load()
    suite = Suite.from_config(config)
    indexer = Indexer(suite.w3, suite.deployment, suite.artifacts, config.database_url)
    if indexer.sync().failures:
        err_console.print("[yellow]warning:[/] the index is degraded (see `govchain index`): fund figures may be incomplete")
    return suite, indexer


def _show(view: Any, as_json: bool, render: Any) -> None:
    if as_json:
        _emit_json(view.to_json())
    else:
        render(view)


def _when(timestamp: int | None) -> str:
    import datetime as dt

    if not timestamp:
        return "-"
    return dt.datetime.fromtimestamp(timestamp, dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M:%S")


@enterprise_app.command("show")
def enterprise_show(uscc: str, as_json: bool = JsonOption) -> None:
    """An enterprise by its unified social credit code: status, times, history."""
    from govchain.views import enterprise_view

    try:
        suite, indexer = _open_index()
        view = enterprise_view(suite, indexer.engine, uscc.strip().upper())
    except GovchainError as exc:
        _fail(exc)
        return

    def render(v: Any) -> None:
        console.print(f"[bold]{v.uscc}[/]  {v.name}  status {v.status}  case {v.case_id or '-'}")
        console.print(f"applied {_when(v.applied_at)}  decided {_when(v.decided_at)}"
                      + (f"  ({v.seconds_to_decision} s)" if v.seconds_to_decision is not None else ""))
        for entry in v.history:
            console.print(f"  {_when(entry.timestamp)}  block {entry.block_number:<6} {entry.event}")

    _show(view, as_json, render)


@case_app.command("show")
def case_show(case_id: int, as_json: bool = JsonOption) -> None:
    """A case's timeline: every step, department role, decision, time and overdue mark."""
    from govchain.views import case_view

    try:
        suite, indexer = _open_index()
        view = case_view(suite, indexer.engine, case_id)
    except GovchainError as exc:
        _fail(exc)
        return

    def render(v: Any) -> None:
        console.print(f"[bold]case {v.case_id}[/]  template {v.template_id}  status {v.status}"
                      + ("  [red]OVERDUE[/]" if v.overdue else "") + f"  applicant {v.applicant}")
        for step in v.steps:
            mark = " [red]overdue[/]" if step.overdue else ""
            console.print(f"  step {step.step + 1}/{v.step_count}  started {_when(step.started_at)}  deadline {_when(step.deadline)}"
                          f"  decided {_when(step.decided_at)} {step.decision or ''}{mark}")

    _show(view, as_json, render)


@credit_app.command("show")
def credit_show(
    subject: str = typer.Argument(..., help="An enterprise's USCC, or a person's 0x identity commitment."),
    public_only: bool = typer.Option(False, "--public", help="Only public categories."),
    department: str | None = typer.Option(
        None, "--department", help="Also open the sealed (non-public) records this department may read, with its "
        "reader key from $GOVCHAIN_<CODE>_CREDIT_KEY (on a local dev chain: the development key).",
    ),  # fmt: skip
    as_json: bool = JsonOption,
) -> None:
    """A subject's credit score and records (corrections and revocations included)."""
    from govchain.clients.credit import reader_key
    from govchain.views import credit_view

    try:
        key = _subject_key(subject)
        suite, indexer = _open_index()
        reader = (department.upper(), reader_key(suite.w3.eth.chain_id, department.upper())) if department else None
        view = credit_view(suite, indexer.engine, key, public_only, reader)
    except GovchainError as exc:
        _fail(exc)
        return

    def render(v: Any) -> None:
        console.print(f"[bold]{subject}[/]  score {v.score}  records {v.record_count}")
        for r in v.records:
            state = " (revoked)" if r.revoked else ""
            console.print(f"  #{r.index:<4} {_when(r.timestamp)}  category {r.category}  delta {r.delta:+d}{state}")
        if v.reader:
            console.print(f"sealed records {v.reader} can read: {len(v.sealed_records)} (not in the public score)")
        for r in (s.record for s in v.sealed_records):
            state = " (revoked)" if r.revoked else ""
            console.print(f"  sealed #{r.index:<4} {_when(r.timestamp)}  category {r.category}  delta {r.delta:+d}{state}")

    _show(view, as_json, render)


def _commitment(text: str) -> str:
    text = text.strip().lower()
    if not (text.startswith("0x") and len(text) == 66 and all(c in "0123456789abcdef" for c in text[2:])):
        raise GovchainError(f"a beneficiary is a 0x identity commitment of 64 hex digits, got {text!r}")
    return text


def _yuan(fen: int | None) -> str:
    return "-" if fen is None else f"¥{fen / 100:,.2f}"


@trace_app.command("payout")
def trace_payout_cmd(batch_id: int, beneficiary: str, as_json: bool = JsonOption) -> None:
    """A payout back to its batch, program, budget line, budget and every approval on the way."""
    from govchain.tracer import trace_payout

    try:
        commitment = _commitment(beneficiary)
        _suite, indexer = _open_index()
        view = trace_payout(indexer.engine, batch_id, commitment)
    except GovchainError as exc:
        _fail(exc)
        return

    def render(v: Any) -> None:
        p, b, prog, line, budget = v.payout, v.batch, v.program, v.line, v.budget
        where = f", account {p['account']}" if p["account"] else f", bank ref {p['settlement_ref']}" if p["settlement_ref"] else ""
        console.print(f"[bold]payout[/] {_yuan(p['amount'])} to {p['beneficiary']} ({p['mode']}{where}) tx {p['tx_hash']}: {p['status_text']}")
        console.print(f"  ← batch {b['batch_id']} period {b['period']}: proposed by {b['proposer']}, "
                      f"approved by {', '.join(a['approver'] for a in b['approvals'])}; executed in {b['executed_tx']}")
        console.print(f"  ← program {prog['program_id']} {prog['name']}")
        console.print(f"  ← budget line {line['line_id']} {line['name']} ({_yuan(line['amount'])})")
        console.print(f"  ← budget {budget['budget_id']} FY{budget['fiscal_year']} ({_yuan(budget['total'])}), "
                      f"approved by {', '.join(a['approver'] for a in budget['approvals'])}")
        for refund in v.refunds:
            console.print(f"  refunded {_yuan(refund['amount'])} in {refund['tx_hash']}")
        for request in v.bank_refunds:
            if request["status"] != "confirmed":
                console.print(f"  bank refund #{request['refund_id']} of {_yuan(request['amount'])}: {request['status']}")

    _show(view, as_json, render)


@trace_app.command("program")
def trace_program_cmd(program_id: int, as_json: bool = JsonOption) -> None:
    """A program's totals and flows by period, with the ledger's own figures."""
    from govchain.tracer import trace_program

    try:
        suite, indexer = _open_index()
        view = trace_program(indexer.engine, program_id, suite)
    except GovchainError as exc:
        _fail(exc)
        return

    def render(v: Any) -> None:
        console.print(f"[bold]program {program_id}[/] {v.program['name']} — line {v.line['line_id']} {v.line['name']}")
        console.print(f"  disbursed {_yuan(v.disbursed)} in {v.payouts:,} payouts, refunded {_yuan(v.refunded)}")
        for period in v.by_period:
            console.print(f"  period {period['period']:>3}  {_yuan(period['disbursed']):>16}  {period['payouts']:>6,} payouts  refunded {_yuan(period['refunded'])}")
        if v.on_chain:
            line = v.on_chain["line"]
            console.print(f"  line on chain: allocated {_yuan(line['allocated'])} = disbursed {_yuan(line['disbursed'])}"
                          f" + remaining {_yuan(line['remaining'])} − refunded {_yuan(line['refunded'])}")

    _show(view, as_json, render)


@trace_app.command("beneficiary")
def trace_beneficiary_cmd(beneficiary: str, as_json: bool = JsonOption) -> None:
    """Every payment a beneficiary (identity commitment) received, and every refund."""
    from govchain.tracer import trace_beneficiary

    try:
        commitment = _commitment(beneficiary)
        _suite, indexer = _open_index()
        view = trace_beneficiary(indexer.engine, commitment)
    except GovchainError as exc:
        _fail(exc)
        return

    def render(v: Any) -> None:
        paid = sum(1 for p in v.payouts if p["status"] == "paid")
        console.print(f"[bold]{v.beneficiary}[/] received {_yuan(v.received)} in {paid} payout(s), refunded {_yuan(v.refunded)}"
                      + (f", withheld {_yuan(v.withheld)} (not paid)" if v.withheld else ""))
        for p in v.payouts:
            console.print(f"  batch {p['batch_id']:>4} program {p['program_id']} period {p['period']}  {_yuan(p['amount'])}  {p['mode']}  {p['status_text']}")

    _show(view, as_json, render)


def _subject_key(subject: str) -> bytes:
    from govchain.domain import uscc_subject

    subject = subject.strip()
    if subject.startswith("0x"):
        try:
            key = bytes.fromhex(subject[2:])
        except ValueError:
            key = b""
        if len(key) != 32:
            raise GovchainError(f"a commitment is 0x and 64 hex digits, got {subject!r}")
        return key
    return uscc_subject(subject.upper())


from govchain.api.command import serve_command  # noqa: E402

app.command("serve")(serve_command)

if __name__ == "__main__":
    app()
