"""The `govchain` CLI against a real Anvil: one clear line and a non-zero exit on bad input."""

from __future__ import annotations

import json
import socket

import pytest
from brownie import web3
from typer.testing import CliRunner

from govchain.cli import app


@pytest.fixture
def env(suite_deployment, tmp_path):
    return {
        "GOVCHAIN_RPC_URL": web3.provider.endpoint_uri,
        "GOVCHAIN_DEPLOYMENT": str(suite_deployment.path),
        "GOVCHAIN_DATABASE_URL": f"sqlite:///{tmp_path / 'index.db'}",
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(args, env):
    return CliRunner().invoke(app, args, env=env)


def test_deploy_is_idempotent_from_the_cli(env):
    result = run(["deploy"], env)
    assert result.exit_code == 0, result.output
    assert "0 transaction(s) sent" in result.output and "already deployed" in result.output


def test_index_json(env):
    result = run(["index", "--json"], env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["total_events"] >= report["events"] > 0
    again = json.loads(run(["index", "--json"], env).stdout)
    assert again["events"] == 0 and again["total_events"] == report["total_events"]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"GOVCHAIN_RPC_URL": "http://127.0.0.1:{port}"}, "no chain answers"),
        ({"GOVCHAIN_CHAIN_ID": "5"}, "configuration expects 5"),
        ({"GOVCHAIN_DEPLOYMENT": "/nonexistent/deployment.json"}, "no deployment file"),
    ],
)
def test_bad_environment_is_one_clear_line(env, override, message):
    override = {k: v.format(port=_free_port()) for k, v in override.items()}
    result = run(["index"], {**env, **override})
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0]


def test_chain_status_when_nothing_runs(tmp_path):
    result = run(["chain", "status", "--json", "--port", str(_free_port())], {"GOVCHAIN_HOME": str(tmp_path)})
    assert result.exit_code == 3
    assert json.loads(result.stdout)["running"] is False


def test_chain_status_reports_the_configured_rpc_url(env, w3, tmp_path):
    """GOVCHAIN_RPC_URL (or rpc_url in the config file) is the chain reported on, not the local default."""
    url = web3.provider.endpoint_uri
    status = json.loads(run(["chain", "status", "--json"], env).stdout)
    assert status["running"] is True and status["rpc_url"] == url and status["chain_id"] == w3.eth.chain_id
    assert status["block_number"] == w3.eth.block_number
    config = tmp_path / "govchain.yaml"
    config.write_text(f"rpc_url: {url}\n")
    assert json.loads(run(["chain", "status", "--json"], {"GOVCHAIN_CONFIG": str(config)}).stdout)["rpc_url"] == url
    human = run(["chain", "status"], env)
    assert human.exit_code == 0 and human.stdout.startswith(f"running: chain {w3.eth.chain_id} at {url}, block ")


@pytest.mark.parametrize(
    ("url", "advice", "not_said"),
    [
        ("http://nowhere.invalid:8545", "check the URL", "chain start"),  # a remote node: no advice to start a local chain
        ("http://127.0.0.1:{port}", "`govchain chain start --port {port}`", "chain start`"),
    ],
)
def test_no_chain_answers_names_the_url_and_fitting_advice(url, advice, not_said):
    port = _free_port()
    url, advice = url.format(port=port), advice.format(port=port)
    result = run(["chain", "status"], {"GOVCHAIN_RPC_URL": url})
    assert result.exit_code == 3 and result.stdout.startswith(f"not running: no chain answers at {url}; ") and advice in result.stdout
    assert not_said not in result.stdout
    failed = run(["index", "--json"], {"GOVCHAIN_RPC_URL": url})
    error = json.loads(failed.stdout)
    assert failed.exit_code == 1 and error["error"] == "chain_unavailable" and url in error["message"] and advice in error["message"]


def test_only_the_local_default_url_is_told_to_start_the_local_chain():
    from govchain.exceptions import ChainNotRunning

    assert str(ChainNotRunning.at("http://127.0.0.1:8545")).endswith("start one with `govchain chain start`")
    assert "chain start" not in str(ChainNotRunning.at("https://rpc.gov.example:8545"))


@pytest.mark.parametrize(
    ("args", "exit_code", "code", "words"),
    [
        (["case", "show", "999999", "--json"], 1, "not_found", "no case 999999"),
        (["enterprise", "show", "91370200163562681H", "--json"], 1, "invalid_uscc", "expected 'G'"),
        (["credit", "show", "0x1234", "--json"], 1, "invalid_request", "64 hex digits"),
        (["case", "list", "--status", "LOST", "--json"], 1, "invalid_request", "IN_REVIEW"),
        (["trace", "beneficiary", "0x12", "--json"], 1, "invalid_request", "64 hex digits"),
        (["case", "show", "abc", "--json"], 2, "usage_error", "case_id"),  # rejected by the argument parser
        (["case", "show", "--json"], 2, "usage_error", "Missing argument"),
        (["chain", "start", "--json"], 2, "usage_error", "No such option: --json"),
    ],
)
def test_json_errors_are_json_on_stdout(env, args, exit_code, code, words):
    result = run(args, env)
    assert result.exit_code == exit_code, result.output
    error = json.loads(result.stdout)
    assert set(error) == {"error", "message", "details"} and error["error"] == code and words in error["message"], error
    assert isinstance(error["details"], dict) and result.stderr == ""


# --- read commands over a real scenario ---------------------------------------------------------

import os  # noqa: E402

from conftest import make_sender  # noqa: E402
from govchain.clients import CreditClient, CreditEntry, Decision, EnterpriseClient, IdentityClient, PersonBinding, WorkflowClient  # noqa: E402
from govchain.connection import Deployment, Suite  # noqa: E402
from govchain.domain import uscc_subject  # noqa: E402
from govchain.signer import DEV_IDENTITY_TAG_KEY  # noqa: E402

USCC = "91370200163562681G"


@pytest.fixture
def scenario(suite_deployment, w3, artifacts):
    suite = Suite(w3, Deployment.load(suite_deployment.path), artifacts)
    citizen = make_sender(w3, artifacts, 19)
    IdentityClient(suite, make_sender(w3, artifacts, 12)).bind_person(
        PersonBinding.of(citizen.account.address, "11010519491231002X", b"\x05" * 32, DEV_IDENTITY_TAG_KEY), 2
    )
    applied = EnterpriseClient(suite, citizen).apply(USCC, "青岛黄岛港口机械有限公司", b"\x02" * 32, 1_000_000, b"\x03" * 32)
    case_id = EnterpriseClient(suite).get(USCC).case_id
    WorkflowClient(suite, make_sender(w3, artifacts, 4)).decide(case_id, Decision.APPROVE)
    # a multi-step case left waiting past its deadline
    engine = WorkflowClient(suite, citizen)
    data = json.loads(suite_deployment.path.read_text())
    engine.open_case(data["workflows"]["INVESTMENT_PROJECT"])
    overdue_case = engine.functions.caseCount().call()
    w3.provider.make_request("evm_increaseTime", [121 * 3600])
    w3.provider.make_request("evm_mine", [])
    credit = CreditClient(suite, make_sender(w3, artifacts, 6))
    credit.append(uscc_subject(USCC), CreditEntry(1, -5, os.urandom(32)))
    credit.append(uscc_subject(USCC), CreditEntry(1, 2, os.urandom(32)))
    hrss = CreditClient(suite, make_sender(w3, artifacts, 10))  # a private category: sealed
    hrss.append_sealed([(uscc_subject(USCC), CreditEntry(5, -3, os.urandom(32)))])
    return {"case": case_id, "overdue_case": overdue_case, "applied": applied}


def test_enterprise_show(env, scenario):
    result = run(["enterprise", "show", USCC, "--json"], env)
    assert result.exit_code == 0, result.output
    view = json.loads(result.stdout)
    assert view["status"] == "REGISTERED" and view["case_id"] == scenario["case"]
    assert [h["event"] for h in view["history"]] == ["EnterpriseApplied", "EnterpriseRegistered"]
    assert view["seconds_to_decision"] == view["decided_at"] - view["applied_at"] >= 0
    assert view["applied_at_iso"].endswith("+08:00") and view["history"][0]["timestamp_iso"] == view["applied_at_iso"]
    assert "registered" in run(["enterprise", "show", USCC.lower()], env).stdout


def test_case_show_names_the_departments(env, scenario):
    view = json.loads(run(["case", "show", str(scenario["overdue_case"]), "--json"], env).stdout)
    assert [(s["department"], s["department_name"]) for s in view["steps"]] == [
        ("DRC", "青岛市发展和改革委员会"), ("FIN", "青岛市财政局"), ("TAX", "国家税务总局青岛市税务局")
    ]  # fmt: skip
    assert view["template"] == "企业投资项目备案核准" and view["steps"][0]["started_at_iso"].endswith("+08:00")
    human = run(["case", "show", str(scenario["overdue_case"])], env).stdout
    assert "青岛市发展和改革委员会 (DRC)" in human and "development and reform reviewer" in human and "overdue by " in human
    done = run(["case", "show", str(scenario["case"])], env).stdout
    assert "approved" in done and "(SAMR)" in done and f"about enterprise {USCC}" in done and "None" not in done and "True" not in done


def test_case_list_overdue(env, scenario):
    everything = json.loads(run(["case", "list", "--json"], env).stdout)
    assert everything["total"] == 2 and {c["case_id"] for c in everything["items"]} == {scenario["case"], scenario["overdue_case"]}
    overdue = json.loads(run(["case", "list", "--overdue", "--json"], env).stdout)
    assert [c["case_id"] for c in overdue["items"]] == [scenario["overdue_case"]] and overdue["total"] == 1
    assert overdue["items"][0]["template"] == "企业投资项目备案核准" and overdue["items"][0]["deadline_iso"].endswith("+08:00")
    approved = json.loads(run(["case", "list", "--status", "approved", "--not-overdue", "--json"], env).stdout)
    assert [c["case_id"] for c in approved["items"]] == [scenario["case"]]
    page = json.loads(run(["case", "list", "--limit", "1", "--json"], env).stdout)
    assert page["count"] == 1 and page["total"] == 2 and page["next_offset"] == 1
    human = run(["case", "list", "--overdue"], env).stdout
    assert human.startswith("1 overdue cases") and f"case {scenario['overdue_case']}" in human
    assert "in review at 青岛市发展和改革委员会 (DRC)" in human and "overdue by " in human


def test_case_show_marks_overdue_steps(env, scenario):
    view = json.loads(run(["case", "show", str(scenario["overdue_case"]), "--json"], env).stdout)
    assert view["status"] == "IN_REVIEW" and view["overdue"] is True
    assert [s["overdue"] for s in view["steps"]] == [True, False, False]
    done = json.loads(run(["case", "show", str(scenario["case"]), "--json"], env).stdout)
    assert done["status"] == "APPROVED" and done["steps"][0]["decision"] == "APPROVE"
    assert [h["event"] for h in done["history"]] == ["CaseOpened", "StepStarted", "StepDecided", "CaseClosed"]


def test_credit_show_public_only(env, scenario):
    everything = json.loads(run(["credit", "show", USCC, "--json"], env).stdout)
    assert everything["score"] == -3 and [r["delta"] for r in everything["records"]] == [-5, 2]
    assert everything["sealed_records"] == [] and everything["reader"] is None
    public = json.loads(run(["credit", "show", USCC, "--public", "--json"], env).stdout)
    assert [r["category"] for r in public["records"]] == [1, 1]
    assert public["records"][0]["category_name"] == "纳税信用 tax compliance" and public["records"][0]["timestamp_iso"].endswith("+08:00")
    human = run(["credit", "show", USCC, "--public"], env).stdout
    assert f"{USCC}  score -3 · 2 public records (of 2)" in human and "纳税信用 tax compliance  -5" in human


def test_credit_show_opens_sealed_records_for_an_entitled_department(env, scenario):
    hrss = json.loads(run(["credit", "show", USCC, "--department", "HRSS", "--json"], env).stdout)
    assert hrss["reader"] == "HRSS" and hrss["score"] == -3  # sealed records are not in the public score
    assert [(r["record"]["category"], r["record"]["delta"], r["record"]["revoked"]) for r in hrss["sealed_records"]] == [(5, -3, False)]
    assert hrss["sealed_records"][0]["commitment"].startswith("0x")
    assert "sealed #0" in run(["credit", "show", USCC, "--department", "drc"], env).stdout
    # a department the category is not sealed to sees none of it
    tax = json.loads(run(["credit", "show", USCC, "--department", "TAX", "--json"], env).stdout)
    assert tax["sealed_records"] == [] and tax["reader"] == "TAX"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["enterprise", "show", "91370200163562681H"], "expected 'G'"),
        (["enterprise", "show", "9137020016356268IG"], "not in the GB 32100 alphabet"),
        (["case", "show", "999999"], "no case 999999"),
        (["credit", "show", "0x1234"], "64 hex digits"),
    ],
)
def test_bad_input_is_one_clear_line(env, args, message):
    result = run(args, env)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], result.output


def test_trace_json_is_the_api_read_model_with_codes_as_text(env, suite_deployment, w3, artifacts, tmp_path):
    """`trace … --json` prints what the REST API answers: codes as text, amounts also in yuan, times also ISO."""
    from fastapi.testclient import TestClient

    from govchain.api import create_app
    from web_support import CITIZEN, make_portal, seed_funds

    funds = seed_funds(w3, artifacts, suite_deployment.path)
    client = TestClient(create_app(portal=make_portal(w3, suite_deployment.path, tmp_path / "api.db")))
    program = json.loads(run(["trace", "program", str(funds["pension"]), "--json"], env).stdout)
    assert program == client.get(f"/api/v1/trace/program/{funds['pension']}").json()
    assert (program["program"]["department"], program["line"]["code"], program["on_chain"]["program"]["department"]) == ("HRSS", "PENSION", "HRSS")
    assert (program["disbursed"], program["disbursed_yuan"], program["line"]["amount_yuan"]) == (300_000, "3000.00", "100000.00")
    assert program["program"]["created_at_iso"].endswith("+08:00")
    payout = ["trace", "payout", str(funds["bank"].batch_id), "0x" + CITIZEN.hex()]
    traced = json.loads(run([*payout, "--json"], env).stdout)
    assert traced == client.get(f"/api/v1/trace/payout/{funds['bank'].batch_id}/0x{CITIZEN.hex()}").json()
    assert [a["department"] for a in traced["budget"]["approvals"]] == ["FIN", "FIN", "DRC"]
    beneficiary = ["trace", "beneficiary", "0x" + CITIZEN.hex()]
    assert json.loads(run([*beneficiary, "--json"], env).stdout) == client.get(f"/api/v1/trace/beneficiary/0x{CITIZEN.hex()}").json()

    human = "\n".join(run(args, env).stdout for args in (["trace", "program", str(funds["pension"])], payout, beneficiary))
    assert "run by 青岛市人力资源和社会保障局 (HRSS)" in human and "budget line" in human and "PENSION 养老金 (¥100,000.00)" in human
    assert "period 0 (due 20" in human and "¥3,000.00" in human and "withheld ¥1,000.00 (not paid)" in human
    assert "approved by 0x" in human and "(FIN)" in human
    for raw in ("0x4852", "None", "True", "{'", "[]"):  # no hex codes, no Python reprs
        assert raw not in human, raw
