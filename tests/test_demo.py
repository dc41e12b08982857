"""The demo scenario end to end on its own Anvil (a temp state folder and port): seeds, then reuses."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govchain.chain import LocalChain
from govchain.cli import app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory):
    home = tmp_path_factory.mktemp("demo")
    port = _free_port()
    env = {
        "GOVCHAIN_HOME": str(home),
        "GOVCHAIN_RPC_URL": f"http://127.0.0.1:{port}",
        "GOVCHAIN_DEPLOYMENT": str(home / "deployment.json"),
        "GOVCHAIN_DATABASE_URL": f"sqlite:///{home / 'index.db'}",
    }
    yield env
    LocalChain(home=home, port=port).stop()


def _counts(output: str) -> dict[str, int]:
    counts = {}
    for line in output.splitlines():
        parts = line.strip().split("  ", 1)
        if len(parts) == 2 and parts[0].replace(",", "").isdigit():
            counts[parts[1].strip()] = int(parts[0].replace(",", ""))
    return counts


def test_demo_seeds_a_qingdao_day_then_reuses_it(demo_env, monkeypatch):
    for key, value in demo_env.items():
        monkeypatch.setenv(key, value)
    first = CliRunner().invoke(app, ["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert "started a fresh local chain" in first.output
    counts = _counts(first.output)
    assert counts["citizens bound to identity commitments"] == 1200
    assert counts["applications refused for a bad USCC"] > 0
    assert counts["enterprise applications (citizen-signed, relayed)"] + counts["applications refused for a bad USCC"] == 200
    assert counts["enterprises registered"] > 0 and counts["enterprises rejected"] > 0 and counts["enterprise changes recorded"] > 0
    assert counts["approval cases"] == 30 and counts["cases overdue"] > 0 and counts["cases approved"] > 0
    assert counts["credit records"] == 2000
    assert counts["events indexed"] > 4000
    assert counts["bank refunds confirmed by the bank"] == 1 and counts["bank refunds awaiting the bank"] == 1

    again = CliRunner().invoke(app, ["demo", "--no-serve"])
    assert again.exit_code == 0, again.output
    assert "reusing the running local chain" in again.output and "not seeding again" in again.output
    assert _counts(again.output)["events indexed"] == counts["events indexed"]

    deployment = json.loads(Path(demo_env["GOVCHAIN_DEPLOYMENT"]).read_text())
    overdue = deployment["demo"]["examples"]["overdue_case"]
    shown = CliRunner().invoke(app, ["case", "show", str(overdue), "--json"])
    assert json.loads(shown.stdout)["overdue"] is True
    # the subsidy's bank refunds: one confirmed by the bank (refunded), one awaiting it (pending, not refunded)
    examples = deployment["demo"]["examples"]
    subsidy = json.loads(CliRunner().invoke(app, ["trace", "program", str(examples["subsidy_program"]), "--json"]).stdout)
    assert subsidy["refunded"] > 0 and subsidy["refunds_pending"] > 0
    assert subsidy["on_chain"]["program"]["refunded"] == subsidy["refunded"]
    beneficiary = CliRunner().invoke(app, ["trace", "beneficiary", examples["beneficiary"]])
    assert beneficiary.exit_code == 0 and "paid" in beneficiary.output, beneficiary.output
