"""The payout lookup behind "verify my payment" (/api/payouts, /api/beneficiaries, the chain-read
/api/batches/{id}/payouts/{index}) against a real Anvil, the deployed suite and the indexer: every
outcome a citizen can meet, with the figures compared with the chain itself."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from govchain.api import create_app
from govchain.clients import ProgramClient
from govchain.domain import identity_commitment, payout_leaf, verify_merkle_proof
from govchain.payout_lookup import split_bilingual
from verify_support import (
    BANK_CONFIRMED, BANK_PAYOUT, BANK_PENDING, BANKED, PAID, PENSION, REFUNDED, REFUSED, REGISTERED, START, seed_verify,
)  # fmt: skip
from web_support import get, make_portal


@pytest.fixture(scope="module")
def scenario(suite_deployment, w3, artifacts):
    return seed_verify(w3, artifacts, suite_deployment.path)


@pytest.fixture(scope="module")
def client(scenario, suite_deployment, w3, tmp_path_factory):
    portal = make_portal(w3, suite_deployment.path, tmp_path_factory.mktemp("payout-lookup") / "index.db")
    return TestClient(create_app(portal=portal), raise_server_exceptions=False)


def payouts(client, citizen):
    return get(client, "/api/payouts", commitment=citizen.hex)["items"]


def test_a_paid_wallet_payout_has_its_program_month_date_index_and_transaction(client, scenario, w3):
    items = payouts(client, PAID)
    assert [(p["status"], p["period"], p["period_month"]) for p in items] == [("paid", 0, "2026-10"), ("paid", 1, "2026-11")]
    registry = scenario.suite.contract("ProgramRegistry").functions
    index = ProgramClient(scenario.suite).index_of(scenario.pension, PAID.commitment)
    for p, execution in zip(items, scenario.wallet_executions):
        assert (p["program_id"], p["program_name"], p["program_name_en"]) == (scenario.pension, "城乡居民基本养老保险", "basic pension")
        assert p["period_due_at"] == registry.dueAt(scenario.pension, p["period"]).call() == START + p["period"] * 30 * 24 * 3600
        assert p["tx_hash"] == execution.receipt.tx_hash and p["block_number"] == execution.receipt.block_number
        assert p["timestamp"] == w3.eth.get_block(execution.receipt.block_number)["timestamp"]
        assert (p["amount"], p["refunded"], p["refunds"], p["index"], p["mode"]) == (PENSION, 0, [], index, "wallet")
        assert p["status_text"] == "paid" and p["reason"] is None and p["paid_later_in"] is None
        assert p["account"] == PAID.account.address


def test_a_refunded_wallet_payout_is_refunded_not_paid(client, scenario):
    [p] = payouts(client, REFUNDED)  # October only: November was not proposed for them
    assert (p["status"], p["status_text"]) == ("refunded", "refunded (wallet refund)")
    assert (p["amount"], p["refunded"], p["refund_pending"]) == (PENSION, PENSION, 0)
    [refund] = p["refunds"]
    assert refund == {"kind": "wallet", "amount": PENSION, "amount_yuan": f"{PENSION // 100}.{PENSION % 100:02d}", "status": "refunded",
                      "refund_id": None, "tx_hash": scenario.refund_receipt.tx_hash, "timestamp": refund["timestamp"],
                      "timestamp_iso": refund["timestamp_iso"]}  # fmt: skip
    ledger = scenario.suite.contract("Disbursements").functions
    assert tuple(ledger.payoutState(p["batch_id"], REFUNDED.commitment).call()) == (PENSION, 0, False)


def test_a_bank_payout_with_a_confirmed_and_a_pending_refund(client, scenario):
    [p] = payouts(client, BANKED)
    assert (p["status"], p["status_text"]) == ("partly_refunded", "partly refunded (bank refund confirmed)")
    assert (p["program_name"], p["program_name_en"], p["period_month"]) == ("就业创业补贴", "employment subsidy", "2026-10")
    assert (p["amount"], p["refunded"], p["refund_pending"]) == (BANK_PAYOUT, BANK_CONFIRMED, BANK_PENDING)
    confirmed, pending = p["refunds"]
    assert (confirmed["kind"], confirmed["status"], confirmed["refund_id"], confirmed["amount"]) == ("bank", "refunded", scenario.confirmed.refund_id, BANK_CONFIRMED)
    assert confirmed["tx_hash"] == scenario.confirm_receipt.tx_hash
    assert (pending["kind"], pending["status"], pending["refund_id"], pending["amount"]) == ("bank", "pending", scenario.pending.refund_id, BANK_PENDING)
    ref = scenario.refs[BANKED.commitment]
    root = scenario.suite.contract("Disbursements").functions.merkleRoot(p["batch_id"]).call()
    assert verify_merkle_proof([bytes.fromhex(x[2:]) for x in p["proof"]], bytes(root), payout_leaf(p["batch_id"], BANKED.commitment, BANK_PAYOUT, ref))
    ledger = scenario.suite.contract("Disbursements").functions
    assert tuple(ledger.payoutState(p["batch_id"], BANKED.commitment).call()) == (BANK_CONFIRMED, BANK_PENDING, False)


def test_a_beneficiary_refused_twice_is_told_why_not_no_record(client, scenario):
    items = payouts(client, REFUSED)
    assert [(p["status"], p["reason"], p["period"], p["period_month"]) for p in items] == [
        ("refused", "no_attestation", 0, "2026-10"), ("refused", "no_attestation", 1, "2026-11")
    ]  # fmt: skip
    logs = scenario.suite.contract("Disbursements").events.PayoutRefused().get_logs(
        from_block=0, argument_filters={"beneficiary": REFUSED.commitment}
    )
    assert [p["tx_hash"] for p in items] == ["0x" + bytes(log["transactionHash"]).hex() for log in logs]
    assert [p["batch_id"] for p in items] == [b.batch_id for b in scenario.wallet_batches]
    for p in items:
        assert p["status_text"] == "refused (no proof of life)" and p["program_name"] == "城乡居民基本养老保险"
        assert (p["amount"], p["position"], p["proof"], p["refunds"]) == (None, None, None, [])
        assert p["index"] == ProgramClient(scenario.suite).index_of(scenario.pension, REFUSED.commitment)


def test_beneficiary_tells_a_wrong_salt_from_no_payout(client, scenario):
    refused = get(client, f"/api/beneficiaries/{REFUSED.hex}")
    assert (refused["registered"], refused["revoked"]) == (True, False)
    [enrolment] = refused["enrolments"]
    assert (enrolment["program_id"], enrolment["program_name_en"], enrolment["active"]) == (scenario.pension, "basic pension", True)
    assert enrolment["index"] == ProgramClient(scenario.suite).index_of(scenario.pension, REFUSED.commitment)
    registered = get(client, f"/api/beneficiaries/{REGISTERED.hex}")
    assert (registered["registered"], registered["enrolments"]) == (True, [])
    assert payouts(client, REGISTERED) == []
    wrong_salt = "0x" + identity_commitment(PAID.id_number, b"\x99" * 32).hex()
    assert get(client, f"/api/beneficiaries/{wrong_salt}") == {"commitment": wrong_salt, "registered": False, "revoked": False, "enrolments": []}
    assert get(client, "/api/payouts", commitment=wrong_salt)["items"] == []


def test_on_chain_payout_reads_is_paid_from_the_chain(client, scenario):
    ledger = scenario.suite.contract("Disbursements").functions
    for citizen, batch, refunded in ((PAID, scenario.wallet_batches[1], 0), (REFUNDED, scenario.wallet_batches[0], PENSION)):
        index = ProgramClient(scenario.suite).index_of(scenario.pension, citizen.commitment)
        read = get(client, f"/api/batches/{batch.batch_id}/payouts/{index}")
        assert read["is_paid"] is True is ledger.isPaid(scenario.pension, batch.period, index).call()
        assert (read["beneficiary"], read["batch_status"], read["program_id"], read["period"]) == (citizen.hex, "executed", scenario.pension, batch.period)
        assert (read["refunded"], read["refund_pending"], read["withheld"]) == (refunded, 0, False)
    # not proposed for November (refunded in October): the ledger's bit for that period is clear
    index = ProgramClient(scenario.suite).index_of(scenario.pension, REFUNDED.commitment)
    assert get(client, f"/api/batches/{scenario.wallet_batches[1].batch_id}/payouts/{index}")["is_paid"] is False


@pytest.mark.parametrize("path, status", [
    ("/api/batches/999/payouts/0", 404), ("/api/batches/1/payouts/999", 404), ("/api/batches/1/payouts/-1", 400),
    ("/api/beneficiaries/0x12", 400), ("/api/beneficiaries/" + "ab" * 32, 400),
])  # fmt: skip
def test_malformed_or_unknown_lookups_get_a_clear_4xx(client, scenario, path, status):
    assert client.get(path).status_code == status


def test_the_lookup_exports_as_csv(client):
    text = get(client, "/api/payouts", commitment=BANKED.hex, format="csv").content.decode()
    assert "partly refunded (bank refund confirmed)" in text and "就业创业补贴" in text


@pytest.mark.parametrize("name, expected", [
    ("城乡居民基本养老保险 basic pension", ("城乡居民基本养老保险", "basic pension")),
    ("养老金", ("养老金", None)), ("pension", ("pension", None)), ("2026 养老金 pension (rural)", ("2026 养老金", "pension (rural)")),
])  # fmt: skip
def test_bilingual_program_names_are_split(name, expected):
    assert split_bilingual(name) == expected
