"""The fiscal-funds API (budgets, programs, batches, payouts with Merkle proofs, traces) against a real
Anvil, the deployed suite and the indexer; every figure is compared with the chain."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from conftest import make_sender
from govchain.api import create_app
from govchain.clients import DisbursementClient, RefundStatus
from govchain.domain import payout_leaf, verify_merkle_proof
from web_support import BANK, CITIZEN, CITIZEN_REFUND, get, make_portal, seed_funds

@pytest.fixture(scope="module")
def funds(suite_deployment, w3, artifacts):
    return seed_funds(w3, artifacts, suite_deployment.path)


@pytest.fixture(scope="module")
def portal(funds, suite_deployment, w3, tmp_path_factory):
    return make_portal(w3, suite_deployment.path, tmp_path_factory.mktemp("funds-api") / "index.db")


@pytest.fixture(scope="module")
def client(portal):
    return TestClient(create_app(portal=portal), raise_server_exceptions=False)


@pytest.fixture(autouse=True)
def synced(portal):
    portal.resync_nonces()
    portal.sync()


def test_budgets_with_lines_and_approvals(client, funds):
    [budget] = get(client, "/api/budgets")["items"]
    assert budget["budget_id"] == funds["budget"] and budget["status"] == "APPROVED" and budget["fiscal_year"] == 2026
    assert [(l["line_id"], l["code"], l["amount"]) for l in budget["lines"]] == [
        (funds["lines"][0], "PENSION", 10_000_000), (funds["lines"][1], "SUBSIDY", 5_000_000)
    ]  # fmt: skip
    assert len(budget["approvals"]) == 3
    assert get(client, f"/api/budgets/{funds['budget']}") == budget
    csv_text = get(client, "/api/budgets", format="csv").content.decode()
    assert "养老金" in csv_text and "budget_id" in csv_text


def test_programs_match_the_chain(client, funds):
    ledger = funds["suite"].contract("Disbursements").functions
    listed = {p["program_id"]: p for p in get(client, "/api/programs")["items"]}
    assert set(listed) == {funds["pension"], funds["subsidy"]}
    for pid, row in listed.items():
        line_id, disbursed, _reserved, refunded, _allocation, _separate, _dept = ledger.programAccount(pid).call()
        assert (row["line_id"], row["disbursed"], row["refunded"]) == (line_id, disbursed, refunded)
    # the citizen's pension was withheld (key recovered after approval): neither paid nor counted
    assert listed[funds["pension"]]["payouts"] == 3 and listed[funds["subsidy"]]["payouts"] == 5
    assert (listed[funds["pension"]]["withheld"], listed[funds["subsidy"]]["withheld"]) == (100_000, 0)
    detail = get(client, f"/api/programs/{funds['pension']}")
    assert detail["trace"]["by_period"] == [
        {"period": 0, "disbursed": 300_000, "disbursed_yuan": "3000.00", "payouts": 3, "batches": 1, "refunded": 0, "refunded_yuan": "0.00",
         "withheld": 100_000, "withheld_yuan": "1000.00"}
    ]  # fmt: skip
    assert detail["trace"]["on_chain"]["program"]["disbursed"] == 300_000
    assert get(client, "/api/programs", budget_id=funds["budget"])["count"] == 2
    assert get(client, "/api/programs/export.csv").text.count("\n") == 3


def test_batches_and_merkle_root(client, funds):
    rows = get(client, "/api/batches")["items"]
    assert [r["batch_id"] for r in rows] == [funds["bank"].batch_id, funds["wallet"].batch_id]
    assert all(r["executed"] for r in rows)
    assert [(r["total"], r["count"], r["withheld"], r["withheld_amount"]) for r in rows] == [
        (sum(50_000 + i for i in range(5)), 5, 0, 0), (300_000, 3, 1, 100_000)
    ]  # fmt: skip
    assert get(client, "/api/batches", program_id=funds["subsidy"])["items"][0]["mode"] == "bank"
    root = get(client, f"/api/batches/{funds['bank'].batch_id}/merkle-root")["merkle_root"]
    assert root == "0x" + funds["tree"].root.hex()
    assert get(client, "/api/batches/export.csv").status_code == 200  # not taken for a batch id


def test_batch_detail_matches_the_chain(client, funds):
    ledger = funds["suite"].contract("Disbursements").functions
    wallet = get(client, f"/api/batches/{funds['wallet'].batch_id}")
    _hash, program, period, count, total, status, mode, *_ = ledger.batch(funds["wallet"].batch_id).call()
    assert (wallet["program_id"], wallet["period"], wallet["entries"], wallet["total"]) == (program, period, count, total)
    assert wallet["status"] == "executed" and status == 3 and wallet["mode"] == "wallet" == ("wallet", "bank")[mode]
    assert wallet["paid"] == total - ledger.batchFunds(funds["wallet"].batch_id).call()[0] == 300_000 and wallet["recipients"] == 3
    assert [w["reason"] for w in wallet["withheld"]] == ["account_changed"] and wallet["refused"] == {"no_attestation": 1}
    assert [s["step"] for s in wallet["steps"]] == ["proposed", "approved", "executed"] and all(s["by"] for s in wallet["steps"])
    assert wallet["steps"][1]["department"] == "HRSS" and wallet["merkle_root"] is None
    bank = get(client, f"/api/batches/{funds['bank'].batch_id}")
    assert bank["merkle_root"] == "0x" + funds["tree"].root.hex()
    assert [(r["refund_id"], r["status"]) for r in bank["bank_refunds"]] == [(funds["refund"].refund_id, "pending")] and bank["refunds"] == []
    assert get(client, "/api/batches/999", expect=404)["message"] == "no batch 999 in the index"


def test_payouts_carry_proofs_the_chain_accepts(client, funds):
    bank_id = funds["bank"].batch_id
    [_withheld, payout] = get(client, "/api/payouts", commitment="0x" + CITIZEN.hex())["items"]
    assert payout["mode"] == "bank" and payout["batch_id"] == bank_id and payout["amount"] == 50_004
    assert payout["status"] == "paid" and payout["status_text"] == "paid"
    ref = funds["refs"][CITIZEN]
    assert payout["settlement_ref"] == "0x" + ref.hex()
    proof = [bytes.fromhex(p[2:]) for p in payout["proof"]]
    assert payout["leaf"] == "0x" + payout_leaf(bank_id, CITIZEN, 50_004, ref).hex()
    assert verify_merkle_proof(proof, funds["tree"].root, payout_leaf(bank_id, CITIZEN, 50_004, ref))
    assert DisbursementClient(funds["suite"]).verify_bank_payout(bank_id, CITIZEN, 50_004, ref, proof)
    wallet_person = funds["commitments"][1]
    [wallet] = get(client, "/api/payouts", commitment="0x" + wallet_person.hex())["items"]
    assert wallet["mode"] == "wallet" and wallet["proof"] is None and wallet["amount"] == 100_000
    [refused] = get(client, "/api/payouts", commitment="0x" + funds["commitments"][0].hex())["items"]  # no proof of life
    assert (refused["status"], refused["reason"], refused["amount"], refused["batch_id"]) == ("refused", "no_attestation", None, funds["wallet"].batch_id)


def test_traces(client, funds):
    bank_id = funds["bank"].batch_id
    trace = get(client, f"/api/trace/payout/{bank_id}/0x{CITIZEN.hex()}")
    assert trace["budget"]["budget_id"] == funds["budget"] and trace["program"]["program_id"] == funds["subsidy"]
    assert get(client, f"/api/trace/program/{funds['subsidy']}")["payouts"] == 5
    beneficiary = get(client, f"/api/trace/beneficiary/0x{CITIZEN.hex()}")
    assert (beneficiary["received"], beneficiary["withheld"], beneficiary["refunded"]) == (50_004, 100_000, 0)
    withheld = get(client, f"/api/trace/payout/{funds['wallet'].batch_id}/0x{CITIZEN.hex()}")
    assert withheld["payout"]["status_text"] == "withheld (account changed after approval)"
    assert withheld["batch"]["withheld"] == 1 and withheld["batch"]["total"] == 300_000


def test_a_payout_withheld_at_execution_shows_as_withheld_never_as_paid(client, funds):
    """The citizen's key was recovered between approval and execution: the ledger withheld the payout."""
    wallet_id = funds["wallet"].batch_id
    [withheld] = funds["wallet_execution"].withheld
    assert (withheld.beneficiary, withheld.amount, withheld.current) == (CITIZEN, 100_000, funds["recovered"])
    assert withheld.reason == "account changed after approval"
    items = get(client, "/api/payouts", commitment="0x" + CITIZEN.hex())["items"]
    [row] = [i for i in items if i["batch_id"] == wallet_id]
    assert row["status"] == "withheld" and row["withheld_reason"] == row["reason"] == "account_changed"
    assert row["status_text"] == "withheld (account changed after approval)"
    assert row["current_account"] == funds["recovered"] and row["account"] != funds["recovered"]
    assert row["proof"] is None and row["amount"] == 100_000
    token = funds["suite"].contract("FiscalToken").functions
    assert token.balanceOf(row["account"]).call() == 0 and token.balanceOf(funds["recovered"]).call() == 0  # nobody was paid
    ledger = funds["suite"].contract("Disbursements").functions
    assert tuple(ledger.payoutState(wallet_id, CITIZEN).call()) == (0, 0, True)
    assert get(client, "/api/stats")["money_disbursed_fen"] == 300_000 + sum(50_000 + i for i in range(5))
    csv_text = get(client, "/api/payouts", commitment="0x" + CITIZEN.hex(), format="csv").content.decode()
    assert "withheld (account changed after approval)" in csv_text


def test_a_pending_bank_refund_shows_as_pending_then_refunded_once_the_bank_confirms(client, funds, portal, w3, artifacts):
    bank_id, refund = funds["bank"].batch_id, funds["refund"]
    assert refund.status == RefundStatus.PENDING and refund.amount == CITIZEN_REFUND
    [pending] = get(client, "/api/bank-refunds", status="pending")["items"]
    assert (pending["refund_id"], pending["batch_id"], pending["beneficiary"]) == (refund.refund_id, bank_id, "0x" + CITIZEN.hex())
    assert pending["status"] == "pending" and pending["resolved_by"] is None
    assert pending["settlement_ref"] == "0x" + funds["refs"][CITIZEN].hex() and pending["program_id"] == funds["subsidy"]
    [payout] = [i for i in get(client, "/api/payouts", commitment="0x" + CITIZEN.hex())["items"] if i["batch_id"] == bank_id]
    assert (payout["refunded"], payout["refund_pending"]) == (0, CITIZEN_REFUND)
    subsidy = get(client, f"/api/programs/{funds['subsidy']}")
    assert subsidy["program"]["refunded"] == 0 and subsidy["trace"]["refunds_pending"] == CITIZEN_REFUND
    assert get(client, f"/api/trace/beneficiary/0x{CITIZEN.hex()}")["refunded"] == 0
    assert get(client, "/api/bank-refunds", status="confirmed")["items"] == []

    DisbursementClient(funds["suite"], make_sender(w3, artifacts, BANK)).confirm_bank_refund(refund.refund_id)
    portal.sync()
    [confirmed] = get(client, "/api/bank-refunds", batch_id=bank_id)["items"]
    assert confirmed["status"] == "confirmed" and confirmed["resolved_by"] == make_sender(w3, artifacts, BANK).account.address
    [payout] = [i for i in get(client, "/api/payouts", commitment="0x" + CITIZEN.hex())["items"] if i["batch_id"] == bank_id]
    assert (payout["refunded"], payout["refund_pending"]) == (CITIZEN_REFUND, 0)
    ledger = funds["suite"].contract("Disbursements").functions
    subsidy = get(client, f"/api/programs/{funds['subsidy']}")
    assert subsidy["program"]["refunded"] == ledger.programAccount(funds["subsidy"]).call()[3] == CITIZEN_REFUND
    assert subsidy["trace"]["refunds_pending"] == 0
    assert get(client, f"/api/trace/beneficiary/0x{CITIZEN.hex()}")["refunded"] == CITIZEN_REFUND
    assert get(client, "/api/bank-refunds", status="pending")["items"] == []


def test_home_page_money_disbursed(client):
    assert get(client, "/api/stats")["money_disbursed_fen"] == 300_000 + sum(50_000 + i for i in range(5))


@pytest.mark.parametrize(
    "path, status, words",
    [
        ("/api/payouts?commitment=0x12", 400, "commitment"),
        ("/api/payouts", 400, "commitment"),
        ("/api/budgets/0", 400, "budget_id"),
        ("/api/budgets/abc", 400, "budget_id"),
        ("/api/budgets/999", 404, "no budget 999"),
        ("/api/programs/999", 404, "no program 999"),
        ("/api/batches?program_id=-1", 400, "program_id"),
        ("/api/batches/99999999999999999999/merkle-root", 400, "batch_id"),
        ("/api/trace/payout/1/0xzz", 400, "commitment"),
        ("/api/trace/payout/999/0x" + "11" * 32, 404, "no payout"),
        ("/api/trace/program/999", 404, "no program 999"),
        ("/api/bank-refunds?status=refunded", 400, "status"),
        ("/api/bank-refunds?commitment=0x12", 400, "commitment"),
    ],
)
def test_malformed_requests_get_a_clear_4xx(client, path, status, words):
    response = client.get(path)
    assert response.status_code == status, response.text
    assert words in response.json()["message"]


def test_payout_leaf_is_abi_encode_double_hashed(funds):
    """payout_leaf writes abi.encode out by hand (speed): it must equal eth_abi's encoding, and the chain."""
    import os

    from govchain.domain import merkle_leaf

    for batch_id, amount in [(0, 0), (1, 1), (2**256 - 1, 2**64 - 1), (funds["bank"].batch_id, 50_004)]:
        who, ref = os.urandom(32), os.urandom(32)
        expected = merkle_leaf(["uint256", "bytes32", "uint64", "bytes32"], [batch_id, who, amount, ref])
        assert payout_leaf(batch_id, who, amount, ref) == expected


def test_search_finds_programs_and_budgets(client, funds):
    hits = get(client, "/api/search", q=f"program {funds['subsidy']}")["hits"]
    assert [(h["kind"], h["path"]) for h in hits] == [("program", f"/program/{funds['subsidy']}")]
    assert get(client, "/api/search", q=f"budget #{funds['budget']}")["hits"][0]["path"] == f"/budget/{funds['budget']}"
    assert get(client, "/api/search", q="program 999")["hits"] == []
    assert get(client, "/api/search", q=f"batch {funds['bank'].batch_id}")["hits"][0]["path"] == f"/batch/{funds['bank'].batch_id}"


def test_transactions_that_move_money_are_decoded_not_500(client, funds):
    """Issue 10's first P0, as the review met it: every money-moving transaction's API answer and page
    (ERC20 Transfer's `from` is a Python keyword) is served, with its token transfers."""
    for receipt in (funds["wallet_execution"].receipt, funds["execution"].receipt):
        tx = get(client, f"/api/transactions/{receipt.tx_hash}")
        transfers = [e for e in tx["events"] if e["event"] == "Transfer"]
        assert transfers, tx["events"]
        assert client.get(f"/tx/{receipt.tx_hash}").status_code == 200


def test_every_funds_list_is_paged_the_same_way(client, funds):
    from api_support import assert_every_list_is_paged

    totals = assert_every_list_is_paged(client, {"address": funds["recovered"], "subject": "0x" + CITIZEN.hex(), "commitment": "0x" + CITIZEN.hex()})
    assert all(totals[f"/api/v1/{name}"] > 0 for name in ("budgets", "programs", "batches", "payouts", "bank-refunds")), totals
    assert get(client, "/api/v1/batches", program_id=funds["subsidy"])["total"] == 1


def test_an_integrator_reads_the_chain_with_only_the_contracts_endpoint(client, funds, w3):
    """Plain web3.py, no artifacts and no compiler: the addresses and ABIs served are enough."""
    from web3 import HTTPProvider, Web3

    served = get(client, "/api/v1/contracts")
    independent = Web3(HTTPProvider(w3.provider.endpoint_uri))
    assert served["chain_id"] == independent.eth.chain_id
    contracts = {c["name"]: c for c in served["contracts"]}
    assert {"FiscalToken", "Disbursements", "EnterpriseRegistry", "GovForwarder"} <= set(contracts)
    token_info = contracts["FiscalToken"]
    token = independent.eth.contract(address=token_info["address"], abi=token_info["abi"])
    [paid] = get(client, "/api/v1/payouts", commitment="0x" + funds["commitments"][1].hex())["items"]
    assert token.functions.balanceOf(paid["account"]).call() == paid["amount"] == 100_000 and paid["amount_yuan"] == "1000.00"
    ledger_info = contracts["Disbursements"]
    ledger = independent.eth.contract(address=ledger_info["address"], abi=ledger_info["abi"])
    assert ledger.functions.programAccount(funds["pension"]).call()[1] == get(client, f"/api/v1/programs/{funds['pension']}")["program"]["disbursed"]
    assert all(independent.eth.get_code(c["address"]) and c["deployed_block"] is not None for c in served["contracts"])
