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
