"""Issue 10's first two P0 items as a citizen meets them, against a real Anvil and the deployed suite:
every money-moving transaction (fund a program, wallet and bank executions, a wallet refund, a bank
refund confirmed) opens on /tx/... and /api/transactions/{hash} with its fiscal-yuan Transfers in yuan;
a pensioner's address page shows their fiscal-yuan balance and transfers, equal to what an independent
client (plain web3.py with only FiscalToken's ABI file) reads from the chain; an officer's page lists
the batches they approved. In a real headless browser (Playwright on Debian's Chromium), with
screenshots at desktop and phone widths."""

from __future__ import annotations

import json
import os
import re

import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from web3 import HTTPProvider, Web3

from conftest import make_sender
from govchain.api import create_app
from govchain.clients import DisbursementClient, EligibilityClient, IdentityClient, PayoutMode, PersonBinding, ProgramClient
from govchain.paths import PROJECT_ROOT
from govchain.sender import TransactionSender
from govchain.signer import dev_accounts
from browser_support import shot
from web_support import BANK, FIN, HRSS, HRSS2, PSB, get, make_portal, seed_funds

PENSION = 100_000  # fen per period (seed_funds)
TOKEN_ABI = PROJECT_ROOT / "build" / "contracts" / "FiscalToken.json"
ZERO = "0x" + "0" * 40


@pytest.fixture(scope="module")
def money(suite_deployment, w3, artifacts):
    """seed_funds, then: a second pension period paid by wallet (people 1-3 paid twice), one of
    them refunding a payout, the bank confirming the bank refund, and a program topped up."""
    funds = seed_funds(w3, artifacts, suite_deployment.path)
    suite = funds["suite"]
    hrss = make_sender(w3, artifacts, HRSS)  # one sender per account: each keeps its own nonce
    operator, approver = DisbursementClient(suite, hrss), DisbursementClient(suite, make_sender(w3, artifacts, HRSS2))
    [second] = operator.propose(funds["pension"], 1, PayoutMode.WALLET, [(c, PENSION) for c in funds["commitments"][1:4]])
    approver.approve(second)
    second_execution = operator.execute_wallet(second)
    refunder = funds["people"][2]
    token = suite.contract("FiscalToken")
    TransactionSender(w3, refunder, artifacts).transact(token.functions.approve(suite.deployment.address("Disbursements"), PENSION))
    position = next(n for n, (_, _, payee) in enumerate(second.entries()) if payee.lower() == refunder.address.lower())
    refund = operator.refund_wallet(second, position, PENSION, b"\x0f" * 32)
    confirmed = DisbursementClient(suite, make_sender(w3, artifacts, BANK)).confirm_bank_refund(funds["refund"].refund_id)
    funded = DisbursementClient(suite, make_sender(w3, artifacts, FIN)).fund(funds["pension"], 50_000)
    # 25 more pensioners paid at once: a transaction with more events than its page lists open
    crowd = [os.urandom(32) for _ in range(25)]
    IdentityClient(suite, make_sender(w3, artifacts, PSB)).bind_persons([PersonBinding(Account.create().address, c, os.urandom(32)) for c in crowd], 2)
    ProgramClient(suite, hrss).enroll(funds["pension"], crowd)
    EligibilityClient(suite, hrss).attest(crowd, b"\x0c" * 32)
    [large] = operator.propose(funds["pension"], 1, PayoutMode.WALLET, [(c, 10_000) for c in crowd])
    approver.approve(large)
    large_execution = operator.execute_wallet(large)
    transactions = {
        "fundProgram": funded.tx_hash,
        "executeWalletBatch": funds["wallet_execution"].receipt.tx_hash,
        "executeWalletBatch (second period)": second_execution.receipt.tx_hash,
        "executeBankBatch": funds["execution"].receipt.tx_hash,
        "refundWalletPayout": refund.tx_hash,
        "confirmBankRefund": confirmed.tx_hash,
        "executeWalletBatch (25 payouts)": large_execution.receipt.tx_hash,
    }
    return {**funds, "transactions": transactions, "pensioner": funds["people"][1].address, "refunder": refunder.address,
            "approver": dev_accounts(w3.eth.chain_id)[HRSS2].address}  # fmt: skip


@pytest.fixture(scope="module")
def portal(money, suite_deployment, w3, tmp_path_factory):
    return make_portal(w3, suite_deployment.path, tmp_path_factory.mktemp("address-pages") / "index.db")


@pytest.fixture(scope="module")
def client(portal):
    return TestClient(create_app(portal=portal), raise_server_exceptions=False)


@pytest.fixture
def page(browser, portal):  # noqa: F811 - the shared browser fixture
    portal.sync()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


def _independent_view(w3, deployment_path, address):
    """What a third party reads with plain web3.py and only FiscalToken's ABI file: the balance, and
    every Transfer from or to `address` as (tx hash, log index, from, to, fen)."""
    abi = json.loads(TOKEN_ABI.read_text())["abi"]
    token_address = json.loads(deployment_path.read_text())["contracts"]["FiscalToken"]["address"]
    client = Web3(HTTPProvider(w3.provider.endpoint_uri))
    token = client.eth.contract(address=token_address, abi=abi)
    logs = [
        log
        for side in ("from", "to")
        for log in token.events.Transfer().get_logs(from_block=0, argument_filters={side: address})
    ]  # fmt: skip
    transfers = {("0x" + log.transactionHash.hex().removeprefix("0x"), log.logIndex, log.args["from"], log.args["to"], log.args["value"]) for log in logs}
    return token.functions.balanceOf(address).call(), transfers


def _api_view(client, address):
    info = get(client, f"/api/addresses/{address}")
    items = get(client, f"/api/addresses/{address}/transfers", limit=1000)["items"]
    return info["fiscal_balance_fen"], {(t["tx_hash"], t["log_index"], t["sender"], t["to"], t["amount_fen"]) for t in items}


# --- P0 #1: money-moving transactions ---------------------------------------------------------------


def test_every_money_moving_transaction_is_decoded_with_its_transfers_in_yuan(client, money):
    for kind, tx_hash in money["transactions"].items():
        tx = get(client, f"/api/transactions/{tx_hash}")
        transfers = [e for e in tx["events"] if e["contract"] == "FiscalToken" and e["event"] == "Transfer"]
        assert transfers, (kind, [e["event"] for e in tx["events"]])
        for event in transfers:
            assert set(event["args"]) == {"from", "to", "value"}, event  # the ABI's names, not Python's from_
            assert event["display"]["value"] == f"¥{event['args']['value'] / 100:,.2f}"
        assert tx["call"]["function"] == kind.split()[0]
        html = client.get(f"/tx/{tx_hash}")
        assert html.status_code == 200, (kind, html.text[:300])
        assert "wei" not in html.text
        block = client.get(f"/block/{tx['block_number']}").text  # the block lists its events, formatted alike
        assert f"<title>区块 {tx['block_number']} ·" in block and 'data-event="Transfer"' in block and "¥" in block


def test_an_unexpected_error_says_internal_error_not_unavailable(portal):
    app = create_app(portal=portal)

    def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/api/v1/broken", broken)  # also answers /api/broken (the alias)
    app.add_api_route("/broken", broken)
    client = TestClient(app, raise_server_exceptions=False)
    page = client.get("/broken")
    assert page.status_code == 500 and "内部错误" in page.text and "服务暂不可用" not in page.text
    assert "不是区块链或索引的故障" in page.text
    english = client.get("/broken?lang=en")
    assert "Internal error" in english.text and "unavailable" not in english.text.lower()
    api = client.get("/api/broken")
    assert api.status_code == 500 and api.json()["error"] == "internal_error" and "bug" in api.json()["message"]


# --- P0 #2: address pages -----------------------------------------------------------------------------


def test_interop_a_pensioner_paid_twice_sees_what_the_chain_holds(client, money, w3, suite_deployment):
    pensioner = money["pensioner"]
    chain_balance, chain_transfers = _independent_view(w3, suite_deployment.path, pensioner)
    assert chain_balance == 2 * PENSION and len(chain_transfers) == 2
    assert _api_view(client, pensioner) == (chain_balance, chain_transfers)
    html = client.get(f"/address/{pensioner}").text
    assert re.search(r'id="fiscal-balance" data-fen="200000"><b>¥2,000.00</b>', html)
    assert html.count('data-direction="in"') == 2 and "+¥1,000.00" in html
    assert "wei" not in html and "余额 0" not in html


def test_interop_a_refunded_payout_shows_the_refund(client, money, w3, suite_deployment):
    refunder = money["refunder"]
    chain_balance, chain_transfers = _independent_view(w3, suite_deployment.path, refunder)
    assert chain_balance == PENSION and len(chain_transfers) == 3  # paid twice, one payout sent back
    assert _api_view(client, refunder) == (chain_balance, chain_transfers)
    ledger = money["suite"].deployment.address("Disbursements")
    assert any(t[2] == refunder and t[3] == ledger for t in chain_transfers)
    html = client.get(f"/address/{refunder}").text
    assert 'data-direction="out"' in html and "−¥1,000.00" in html and "Disbursements" in html
    history = {e["event"] for e in get(client, f"/api/addresses/{refunder}/events", limit=100)["items"]}
    assert {"Transfer", "Approval", "IdentityBound"} <= history


def test_an_officer_sees_the_batches_they_approved(client, money):
    approvals = [e for e in get(client, f"/api/addresses/{money['approver']}/events", limit=200)["items"] if e["event"] == "BatchApproved"]
    batches = {money["wallet"].batch_id, money["bank"].batch_id}
    assert {e["args"]["batchId"] for e in approvals} >= batches
    assert all(e["args"]["approver"] == money["approver"] and e["display"]["department"].startswith("HRSS") for e in approvals)
    html = client.get(f"/address/{money['approver']}").text
    assert html.count('data-event="BatchApproved"') >= 2


def test_contract_pages_collapse_long_packed_entries(client, money):
    ledger = money["suite"].deployment.address("Disbursements")
    html = client.get(f"/address/{ledger}").text
    assert '<details class="entries">' in html and "笔发放，合计" in html
    assert "Transfer" in html and 'id="token-transfers"' in html


# --- in the browser -------------------------------------------------------------------------------------


def _content_width(page) -> int:
    """How wide the page is laid out (what scrolls sideways on a phone)."""
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_citizen_opens_every_money_moving_transaction(page, base_url, money):  # noqa: F811
    for kind, tx_hash in money["transactions"].items():
        response = page.goto(f"{base_url}/tx/{tx_hash}")
        assert response.status == 200, kind
        transfers = page.locator("#tx-events tr[data-event='Transfer']")
        assert transfers.count() >= 1, kind
        assert "¥" in transfers.first.inner_text() and "wei" not in page.inner_text("body")
        api = page.request.get(f"{base_url}/api/transactions/{tx_hash}")
        assert api.status == 200 and any(e["event"] == "Transfer" for e in api.json()["events"])
    page.goto(f"{base_url}/tx/{money['transactions']['executeWalletBatch (25 payouts)']}")  # 26 events: 20 listed, 6 folded
    assert page.locator("#tx-events > tbody > tr").count() == 20 and not page.is_visible("#tx-events-more table")
    page.click("#tx-events-more summary")
    assert page.locator("#tx-events-more table.list > tbody > tr[data-event='Transfer']").count() == 6
    page.goto(f"{base_url}/tx/{money['transactions']['executeWalletBatch (second period)']}")
    assert page.inner_text("#tx-fiscal").endswith("¥3,000.00")
    shot(page, "tx-wallet-execution")
    page.set_viewport_size({"width": 390, "height": 844})
    assert _content_width(page) <= 390
    page.click("#tx-call details.entries summary")  # the batch's packed entries, expanded: scrolled, not wider
    assert page.locator("#tx-call details.entries tbody tr").count() == 3 and _content_width(page) <= 390
    shot(page, "tx-wallet-execution-phone")


def test_a_pensioner_opens_their_address_page(page, base_url, money):  # noqa: F811
    page.goto(f"{base_url}/address/{money['pensioner']}")
    assert page.inner_text("#fiscal-balance") == "¥2,000.00"
    rows = page.locator("#token-transfers tbody tr")
    assert rows.count() == 2 and all(r == "in" for r in rows.evaluate_all("rs => rs.map(r => r.dataset.direction)"))
    assert "+¥1,000.00" in rows.first.inner_text()
    rows.first.locator("a[href^='/tx/']").click()
    page.wait_for_url("**/tx/**")
    assert page.locator("#tx-events tr[data-event='Transfer']").count() >= 1
    page.go_back()
    shot(page, "address-pensioner")
    page.set_viewport_size({"width": 390, "height": 844})
    assert _content_width(page) <= 390
    shot(page, "address-pensioner-phone")
    page.goto(f"{base_url}/address/{money['pensioner']}?lang=en")
    assert page.inner_text("#fiscal-balance") == "¥2,000.00" and "Fiscal yuan transfers" in page.inner_text("body")
