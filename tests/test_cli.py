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
    assert "REGISTERED" in run(["enterprise", "show", USCC.lower()], env).stdout


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
