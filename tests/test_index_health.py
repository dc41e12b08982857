"""A degraded index is never silent: when an event cannot be projected, /api/health says "degraded" with
the failures, the explorer shows a notice on every page, and `govchain index` lists them and exits
non-zero; a run that replays the projections (after a fix) heals it. Real Anvil, suite and indexer."""

from __future__ import annotations

import json
import logging

from brownie import web3
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from govchain.api import create_app
from govchain.cli import app
from index_support import drop_entries, pay_pension
from web_support import get, make_portal, seed_funds


def test_health_and_every_page_report_a_degraded_index_until_a_restart_replays_it(tmp_path, w3, artifacts, suite_deployment, caplog):
    funds = seed_funds(w3, artifacts, suite_deployment.path)
    portal = make_portal(w3, suite_deployment.path, tmp_path / "index.db")
    client = TestClient(create_app(portal=portal), raise_server_exceptions=False)
    health = get(client, "/api/health")
    assert (health["status"], health["projection_failure_count"], health["projection_failures"]) == ("ok", 0, [])
    assert 'id="index-degraded"' not in get(client, "/").text

    # the batch's entries are projected, then lost, as a projection bug that lost them would
    paid = pay_pension(w3, artifacts, funds, 1, lambda batch_id: (portal.sync(), drop_entries(portal.engine, batch_id)))
    with caplog.at_level(logging.ERROR, logger="govchain.portal"):
        portal.sync()
    assert f"index degraded: block {paid.block_number}" in caplog.text  # the server's log says so too
    health = get(client, "/api/health")
    assert health["status"] == "degraded" and health["projection_failure_count"] == 1
    assert health["indexed_block"] == w3.eth.block_number  # the index is not stuck (head_block is cached for 0.5 s)
    [failure] = health["projection_failures"]
    assert (failure["projection"], failure["block_number"], failure["tx_hash"], failure["contract"], failure["event"]) == (
        "funds", paid.block_number, paid.tx_hash, "Disbursements", "BatchExecuted"
    )  # fmt: skip
    assert "are projected" in failure["error"] and failure["log_index"] >= 0
    for path in ("/", "/funds", f"/program/{funds['pension']}"):
        page = get(client, path).text
        assert 'id="index-degraded"' in page and f"首个在区块 {paid.block_number}" in page, path
    assert "Index degraded: 1 on-chain event(s) could not be projected" in get(client, "/", lang="en").text

    restarted = make_portal(w3, suite_deployment.path, tmp_path / "index.db")  # a new process: it replays the projections
    client = TestClient(create_app(portal=restarted), raise_server_exceptions=False)
    assert get(client, "/api/health")["status"] == "ok"
    assert 'id="index-degraded"' not in get(client, "/funds").text


def test_govchain_index_lists_the_failures_and_exits_non_zero(tmp_path, w3, artifacts, suite_deployment):
    funds = seed_funds(w3, artifacts, suite_deployment.path)
    env = {
        "GOVCHAIN_RPC_URL": web3.provider.endpoint_uri,
        "GOVCHAIN_DEPLOYMENT": str(suite_deployment.path),
        "GOVCHAIN_DATABASE_URL": f"sqlite:///{tmp_path / 'index.db'}",
    }
    runner = CliRunner()
    assert runner.invoke(app, ["index"], env=env).exit_code == 0
    from sqlalchemy import create_engine

    def lose_entries(batch_id: int) -> None:
        assert runner.invoke(app, ["index"], env=env).exit_code == 0
        drop_entries(create_engine(env["GOVCHAIN_DATABASE_URL"]), batch_id)

    paid = pay_pension(w3, artifacts, funds, 1, lose_entries)

    result = runner.invoke(app, ["index"], env=env)
    assert result.exit_code == 1
    assert f"projection failure: block {paid.block_number} log" in result.output and paid.tx_hash in result.output
    assert "Disbursements.BatchExecuted" in result.output and "the index is degraded: 1 event(s)" in result.output

    healed = runner.invoke(app, ["index", "--json"], env=env)  # the next run replays the projections
    assert healed.exit_code == 0, healed.output
    report = json.loads(healed.stdout)
    assert report["reprojected"] is True and report["failures"] == 0 and report["projection_failures"] == []
