"""The `govchain` command line: thin wrappers over the library, Rich output, `--json` for scripts.

Errors are one clear line on stderr and a non-zero exit code; with `--json`, every error (a bad
argument too) is instead a JSON object on stdout, {"error", "message", "details"}, as the REST API
answers, with a non-zero exit code. `--json` prints the API's own read models (amounts also in yuan,
times also in ISO 8601, codes as text); the human output shows yuan, local dates and names.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any, Sequence

import typer
from typer._click import ClickException  # typer's own click: its commands raise these, not the `click` package's
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from typer.core import TyperGroup

from govchain.artifacts import Artifacts
from govchain.chain import DEFAULT_PORT, LocalChain, local_port, status_at
from govchain.config import Config
from govchain.connection import Deployment, connect
from govchain.exceptions import ChainNotRunning, GovchainError
from govchain.formatting import duration_text, local_time, yuan_text


def _error_json(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": code, "message": message, "details": details or {}}


def _emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


class _JsonErrorsGroup(TyperGroup):
    """With `--json` on the command line, usage errors (and unexpected ones) are JSON on stdout too."""

    def main(self, args: Sequence[str] | None = None, *pos: Any, standalone_mode: bool = True, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        if "--json" not in argv:
            return super().main(argv, *pos, standalone_mode=standalone_mode, **extra)
        try:
            code = super().main(argv, *pos, standalone_mode=False, **extra)
        except ClickException as exc:
            context = getattr(exc, "ctx", None)
            _emit_json(_error_json("usage_error", exc.format_message(), {"usage": context.get_usage()} if context else {}))
            code = exc.exit_code
        except typer.Abort:
            _emit_json(_error_json("aborted", "aborted"))
            code = 1
        except Exception as exc:  # noqa: BLE001 - a script reading --json gets JSON whatever happens
            _emit_json(_error_json("internal_error", f"an unexpected {type(exc).__name__}: {exc}; this is a bug, please report it"))
            code = 1
        code = code if isinstance(code, int) else 0
        if not standalone_mode:
            return code
        sys.exit(code)


app = typer.Typer(help="govchain: the government public-service chain, from the command line.", no_args_is_help=True, cls=_JsonErrorsGroup)
chain_app = typer.Typer(help="The chain: the persistent local one (Anvil), or the configured RPC URL.", no_args_is_help=True)
app.add_typer(chain_app, name="chain")

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

PortOption = typer.Option(DEFAULT_PORT, "--port", help="RPC port of the local chain.")
JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON (errors too, on stdout).")


INDEX_FAILURES_SHOWN = 20  # projection failures `govchain index` lists (it counts all of them)


def _fail(exc: GovchainError, as_json: bool = False) -> None:
    """One clear line on stderr, or with --json the API's error object on stdout; exit code 1."""
    if as_json:
        from govchain.api.common import error_details, error_status

        _emit_json(_error_json(error_status(exc)[1], str(exc), error_details(exc)))
    else:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
    raise typer.Exit(1)


def _dump(model: Any) -> Any:
    """A read model (pydantic) as JSON values: what the REST API answers for the same record."""
    return model.model_dump(mode="json")


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
def chain_status(
    port: int | None = typer.Option(None, "--port", help="Ask the local chain on this port (default: the configured RPC URL)."),
    as_json: bool = JsonOption,
) -> None:
    """Whether a chain answers at the configured RPC URL (GOVCHAIN_RPC_URL, or rpc_url in the config
    file; default the local chain), and which; exit code 3 when none does."""
    try:
        url = LocalChain(port=port).rpc_url if port is not None else Config.load().rpc_url
    except GovchainError as exc:
        _fail(exc, as_json)
        return
    local = local_port(url)
    status = LocalChain(port=local).status() if local is not None and url.rstrip("/") == LocalChain(port=local).rpc_url else status_at(url)
    advice = None if status.running else str(ChainNotRunning.at(url))
    if as_json:
        _emit_json({**dataclasses.asdict(status), "message": advice})
    elif status.running:
        pid = f", pid {status.pid}" if status.pid else ""
        console.print(f"running: chain {status.chain_id} at {status.rpc_url}, block {status.block_number:,}{pid}", highlight=False)
    else:
        console.print(f"not running: {advice}", highlight=False)
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
        _fail(exc, as_json)
        return
    failures = indexer.failures(limit=INDEX_FAILURES_SHOWN)
    degraded = (f"the index is degraded: {result.failures} event(s) could not be projected (the raw events are all stored). "
                "Fix the projection, then run `govchain index` again: it replays the projections.")  # fmt: skip
    report = {**dataclasses.asdict(result), "total_events": indexer.count(), "database": config.database_url,
              "projection_failures": [dataclasses.asdict(f) for f in failures]}  # fmt: skip
    if as_json:
        _emit_json(_error_json("index_degraded", degraded, report) if result.failures else report)
        if result.failures:
            raise typer.Exit(1)
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
        err_console.print(f"[bold red]error:[/] {degraded}", highlight=False)
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
        "govchain case list --overdue",
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


class _Names:
    """What codes and hashes are called, for the human output and the read models: department codes,
    role ids, workflow templates, credit categories, the English words of statuses."""

    def __init__(self, suite: Any, engine: Any) -> None:
        from govchain import views
        from govchain.deploy import load_consortium
        from govchain.exceptions import ConfigError
        from govchain.portal import Labels

        try:
            consortium = load_consortium()
        except ConfigError:
            consortium = {}
        self.labels = Labels.build(suite.artifacts, suite.deployment, consortium)
        self.departments = {d.code: d.name for d in views.department_list(engine)}
        self.officers = {o: d.code for d in views.department_list(engine) for o in d.officers}
        self._engine = engine

    def department(self, code: str | None) -> str:
        """`青岛市人力资源和社会保障局 (HRSS)`."""
        if not code:
            return "-"
        return f"{self.departments[code]} ({code})" if code in self.departments else code

    def officer(self, address: str | None) -> str:
        """An address, with the department it is an officer of."""
        if not address:
            return "-"
        code = self.officers.get(address)
        return f"{address} ({code})" if code else address

    @staticmethod
    def word(table: str, code: str | None) -> str:
        from govchain.explorer import i18n

        return i18n.label(getattr(i18n, table), code, "en")

    def category_names(self) -> dict[int, str]:
        from govchain import views

        return {c.category: c.name for c in views.credit_categories(self._engine)}


@enterprise_app.command("show")
def enterprise_show(uscc: str, as_json: bool = JsonOption) -> None:
    """An enterprise by its unified social credit code: status, times, history."""
    from govchain.api.models import Enterprise
    from govchain.views import enterprise_view

    try:
        suite, indexer = _open_index()
        view = enterprise_view(suite, indexer.engine, uscc.strip().upper())
    except GovchainError as exc:
        _fail(exc, as_json)
        return
    if as_json:
        _emit_json(_dump(Enterprise.model_validate(view)))
        return
    word = _Names.word
    console.print(f"[bold]{view.uscc}[/]  {view.name}  {word('ENTERPRISE_STATUS', view.status)}" + (f"  (case {view.case_id})" if view.case_id else ""),
                  highlight=False)  # fmt: skip
    console.print(f"registered capital {yuan_text(view.registered_capital_fen)}", highlight=False)
    took = f" (after {duration_text(view.seconds_to_decision)})" if view.seconds_to_decision is not None else ""
    console.print(f"applied {local_time(view.applied_at)} · decided {local_time(view.decided_at, 'not yet')}{took}", highlight=False)
    for entry in view.history:
        console.print(f"  {local_time(entry.timestamp)}  block {entry.block_number:<7} {word('EVENT', entry.event)}", highlight=False)


@case_app.command("show")
def case_show(case_id: int, as_json: bool = JsonOption) -> None:
    """A case's timeline: every step, its department, decision, times and overdue mark."""
    from govchain.api.models import Case
    from govchain.views import case_view

    try:
        suite, indexer = _open_index()
        view = case_view(suite, indexer.engine, case_id)
        names = _Names(suite, indexer.engine)
    except GovchainError as exc:
        _fail(exc, as_json)
        return
    case = Case.of(view, names.labels, names.departments)
    if as_json:
        _emit_json(_dump(case))
        return
    now = suite.w3.eth.get_block("latest")["timestamp"]
    console.print(f"[bold]case {case.case_id}[/] · {case.template} · {names.word('CASE_STATUS', case.status)}"
                  + ("  [red]OVERDUE[/]" if case.overdue else ""), highlight=False)  # fmt: skip
    console.print(f"applicant {case.applicant}" + (f" · about enterprise {case.subject_uscc}" if case.subject_uscc else ""), highlight=False)
    for step in case.steps:
        console.print(f"  step {step.step + 1}/{case.step_count}  {names.department(step.department)} · {names.word('ROLE', step.role_name)}",
                      highlight=False)  # fmt: skip
        if step.started_at is None:
            console.print("      not started", highlight=False)
            continue
        late = f"  [red]overdue by {duration_text(now - step.deadline)}[/]" if step.overdue and step.deadline else ""
        console.print(f"      started {local_time(step.started_at)} · deadline {local_time(step.deadline)}{late}", highlight=False)
        if step.decision:
            console.print(f"      {names.word('DECISION', step.decision)} {local_time(step.decided_at)} by {names.officer(step.officer)}",
                          highlight=False)  # fmt: skip


@case_app.command("list")
def case_list_cmd(
    status: str | None = typer.Option(None, "--status", help="IN_REVIEW, RETURNED, APPROVED, REJECTED or EXPIRED."),
    overdue: bool | None = typer.Option(None, "--overdue/--not-overdue", help="Only cases overdue (past the current step's deadline, chain time), or only those not."),
    limit: int = typer.Option(50, "--limit", min=1, max=10_000, help="Cases to show."),
    offset: int = typer.Option(0, "--offset", min=0, help="Cases to skip."),
    as_json: bool = JsonOption,
) -> None:
    """Approval cases, newest first, with the department each one waits at; `--overdue` for the late ones."""
    from govchain import views
    from govchain.api.models import CaseRow

    statuses = ("IN_REVIEW", "RETURNED", "APPROVED", "REJECTED", "EXPIRED")
    try:
        if status is not None and status.upper() not in statuses:
            raise GovchainError(f"a case status is one of {', '.join(statuses)}, got {status!r}")
        suite, indexer = _open_index()
        now = suite.w3.eth.get_block("latest")["timestamp"]
        rows = [
            r for r in reversed(views.case_list(indexer.engine, now))
            if (status is None or r.status == status.upper()) and (overdue is None or r.overdue == overdue)
        ]  # fmt: skip
        names = _Names(suite, indexer.engine)
        templates = {t.template_id: t.step_roles for t in views.template_list(indexer.engine)}
        holders = views.role_departments(indexer.engine, "WorkflowEngine")
    except GovchainError as exc:
        _fail(exc, as_json)
        return
    shown = [CaseRow.of(r, names.labels) for r in rows[offset : offset + limit]]
    if as_json:
        end = offset + len(shown)
        _emit_json({"items": [_dump(c) for c in shown], "count": len(shown), "total": len(rows), "limit": limit, "offset": offset,
                    "next_offset": end if shown and end < len(rows) else None})  # fmt: skip
        return
    what = "overdue cases" if overdue else "cases"
    console.print(f"{len(rows):,} {what}" + (f", showing {offset + 1}–{offset + len(shown)} (--limit, --offset)" if len(shown) < len(rows) else ""),
                  highlight=False)  # fmt: skip
    for c in shown:
        roles = templates.get(c.template_id, [])
        waiting = c.status == "IN_REVIEW" and c.step < len(roles)
        at = f" at {names.department(holders.get(roles[c.step]))}" if waiting else ""
        late = f", overdue by {duration_text(now - c.deadline)}" if c.overdue and c.deadline else ""
        console.print(f"  case {c.case_id:<6} {c.template} · {names.word('CASE_STATUS', c.status)}{at}"
                      f" · opened {local_time(c.opened_at)}{late}", highlight=False)  # fmt: skip


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
    from govchain.api.models import CreditReport
    from govchain.clients.credit import reader_key
    from govchain.views import credit_view

    try:
        key = _subject_key(subject)
        suite, indexer = _open_index()
        reader = (department.upper(), reader_key(suite.w3.eth.chain_id, department.upper())) if department else None
        view = credit_view(suite, indexer.engine, key, public_only, reader)
        categories = _Names(suite, indexer.engine).category_names()
    except GovchainError as exc:
        _fail(exc, as_json)
        return
    report = CreditReport.of(view, categories)
    if as_json:
        _emit_json(_dump(report))
        return
    shown = len(report.records)
    kind = "public record" if public_only else "record"
    count = f"{shown} {kind}{'' if shown == 1 else 's'}" + (f" (of {report.record_count})" if public_only or shown != report.record_count else "")
    console.print(f"[bold]{subject}[/]  score {report.score:+d} · {count}", highlight=False)

    def line(r: Any, prefix: str = "") -> str:
        state = " (revoked)" if r.revoked else ""
        return f"  {prefix}#{r.index:<4} {local_time(r.timestamp)}  {r.category_name}  {r.delta:+d}{state}"

    for r in report.records:
        console.print(line(r), highlight=False)
    if report.reader:
        console.print(f"sealed records {report.reader} can read: {len(report.sealed_records)} (not in the public score)", highlight=False)
    for sealed in report.sealed_records:
        console.print(line(sealed.record, "sealed "), highlight=False)


def _commitment(text: str) -> str:
    text = text.strip().lower()
    if not (text.startswith("0x") and len(text) == 66 and all(c in "0123456789abcdef" for c in text[2:])):
        raise GovchainError(f"a beneficiary is a 0x identity commitment of 64 hex digits, got {text!r}")
    return text


class _Periods:
    """When each program's period falls due (ProgramRegistry.dueAt), read once per period."""

    def __init__(self, suite: Any) -> None:
        self._registry = suite.contract("ProgramRegistry").functions
        self._due: dict[tuple[int, int], int] = {}

    def text(self, program_id: int, period: int) -> str:
        if (program_id, period) not in self._due:
            self._due[(program_id, period)] = self._registry.dueAt(program_id, period).call()
        return f"period {period} (due {local_time(self._due[(program_id, period)])[:10]})"


def _approvers(approvals: list[Any], names: _Names) -> str:
    return ", ".join(names.officer(a.approver) for a in approvals) or "nobody yet"


@trace_app.command("payout")
def trace_payout_cmd(batch_id: int, beneficiary: str, as_json: bool = JsonOption) -> None:
    """A payout back to its batch, program, budget line, budget and every approval on the way."""
    from govchain.api.routers.funds import PayoutTrace
    from govchain.tracer import trace_payout

    try:
        commitment = _commitment(beneficiary)
        suite, indexer = _open_index()
        v = PayoutTrace.model_validate(trace_payout(indexer.engine, batch_id, commitment).to_json())
        names, periods = _Names(suite, indexer.engine), _Periods(suite)
    except GovchainError as exc:
        _fail(exc, as_json)
        return
    if as_json:
        _emit_json(_dump(v))
        return
    p, b, prog, line, budget = v.payout, v.batch, v.program, v.line, v.budget
    where = f", account {p.account}" if p.account else f", bank ref {p.settlement_ref}" if p.settlement_ref else ""
    console.print(f"[bold]payout[/] {yuan_text(p.amount)} to {p.beneficiary} ({p.mode}{where}), {p.status_text}, tx {p.tx_hash}", highlight=False)
    console.print(f"  ← batch {b.batch_id}, {periods.text(prog.program_id, b.period)}: proposed by {names.officer(b.proposer)}, "
                  f"approved by {_approvers(b.approvals, names)}; executed in {b.executed_tx or 'not yet'}", highlight=False)  # fmt: skip
    console.print(f"  ← program {prog.program_id} {prog.name}, run by {names.department(prog.department)}", highlight=False)
    console.print(f"  ← budget line {line.line_id} {line.code} {line.name} ({yuan_text(line.amount)})", highlight=False)
    console.print(f"  ← budget {budget.budget_id}, fiscal year {budget.fiscal_year} ({yuan_text(budget.total)}), "
                  f"approved by {_approvers(budget.approvals, names)}", highlight=False)  # fmt: skip
    for refund in v.refunds:
        console.print(f"  refunded {yuan_text(refund.amount)} in {refund.tx_hash}", highlight=False)
    for request in v.bank_refunds:
        if request.status != "confirmed":
            console.print(f"  bank refund #{request.refund_id} of {yuan_text(request.amount)}: {request.status}", highlight=False)


@trace_app.command("program")
def trace_program_cmd(program_id: int, as_json: bool = JsonOption) -> None:
    """A program's totals and flows by period, with the ledger's own figures."""
    from govchain.api.routers.funds import ProgramTrace
    from govchain.tracer import trace_program

    try:
        suite, indexer = _open_index()
        v = ProgramTrace.model_validate(trace_program(indexer.engine, program_id, suite).to_json())
        names, periods = _Names(suite, indexer.engine), _Periods(suite)
    except GovchainError as exc:
        _fail(exc, as_json)
        return
    if as_json:
        _emit_json(_dump(v))
        return
    console.print(f"[bold]program {program_id}[/] {v.program.name}, run by {names.department(v.program.department)}", highlight=False)
    console.print(f"  budget line {v.line.line_id} {v.line.code} {v.line.name} ({yuan_text(v.line.amount)}) of budget {v.line.budget_id}", highlight=False)
    console.print(f"  disbursed {yuan_text(v.disbursed)} in {v.payouts:,} payouts, refunded {yuan_text(v.refunded)}"
                  + (f", withheld {yuan_text(v.withheld)} (not paid)" if v.withheld else "")
                  + (f", refunds pending {yuan_text(v.refunds_pending)}" if v.refunds_pending else ""), highlight=False)  # fmt: skip
    for period in v.by_period:
        console.print(f"  {periods.text(program_id, period.period):<26} {yuan_text(period.disbursed):>16}  {period.payouts:>6,} payouts"
                      f"  refunded {yuan_text(period.refunded)}", highlight=False)  # fmt: skip
    if v.on_chain:
        line = v.on_chain.line
        console.print(f"  line on chain: allocated {yuan_text(line.allocated)} = disbursed {yuan_text(line.disbursed)}"
                      f" + remaining {yuan_text(line.remaining)} − refunded {yuan_text(line.refunded)}", highlight=False)  # fmt: skip


@trace_app.command("beneficiary")
def trace_beneficiary_cmd(beneficiary: str, as_json: bool = JsonOption) -> None:
    """Every payment a beneficiary (identity commitment) received, and every refund."""
    from govchain.api.routers.funds import BeneficiaryTrace
    from govchain.tracer import trace_beneficiary

    try:
        commitment = _commitment(beneficiary)
        suite, indexer = _open_index()
        v = BeneficiaryTrace.model_validate(trace_beneficiary(indexer.engine, commitment).to_json())
        periods = _Periods(suite)
        programs = {p.program_id: p.name for p in _program_rows(indexer.engine)}
    except GovchainError as exc:
        _fail(exc, as_json)
        return
    if as_json:
        _emit_json(_dump(v))
        return
    paid = sum(1 for p in v.payouts if p.status == "paid")
    console.print(f"[bold]{v.beneficiary}[/] received {yuan_text(v.received)} in {paid} payout(s), refunded {yuan_text(v.refunded)}"
                  + (f", withheld {yuan_text(v.withheld)} (not paid)" if v.withheld else ""), highlight=False)  # fmt: skip
    for p in v.payouts:
        program = programs.get(p.program_id, f"program {p.program_id}")
        console.print(f"  batch {p.batch_id:>4}  {program}, {periods.text(p.program_id, p.period)}  {yuan_text(p.amount)}  {p.mode}  {p.status_text}",
                      highlight=False)  # fmt: skip


def _program_rows(engine: Any) -> list[Any]:
    from govchain.fund_views import program_list

    return program_list(engine)


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
