"""The fiscal-funds pages in a real headless browser (Debian's Chromium via Playwright) served by
uvicorn: the budget's and programs' fund-flow Sankey (labels apart, every flow adding up and equal to
an independent web3 read of the chain), batch pages, a program's bank refunds (pending until the bank
confirms), and "verify my payment" checking a bank-settled payout's Merkle proof against the on-chain
root and showing a payout withheld at execution as withheld, with the ID-card number in no request."""

from __future__ import annotations

import json

import pytest

from browser_support import PHONE, assert_nothing_sent, citizen_page, shot
from sankey_support import ChainReader, check_sankey
from web_support import CITIZEN, CITIZEN_REFUND, ID_NUMBER, SALT, make_portal, seed_funds


@pytest.fixture(scope="module")
def funds(suite_deployment, w3, artifacts):
    return seed_funds(w3, artifacts, suite_deployment.path)


@pytest.fixture(scope="module")
def portal(funds, suite_deployment, w3, tmp_path_factory):
    return make_portal(w3, suite_deployment.path, tmp_path_factory.mktemp("funds-browser") / "index.db")


@pytest.fixture(scope="module")
def reader(funds, suite_deployment, w3):
    return ChainReader(w3, suite_deployment.path)


@pytest.fixture
def page(browser, portal):
    portal.sync()
    with citizen_page(browser) as page:
        yield page


def test_program_page_draws_the_fund_flow_sankey(page, base_url, funds, reader):
    pension, subsidy = funds["pension"], funds["subsidy"]
    page.goto(base_url + "/")
    page.click("nav a[href='/funds']")
    page.wait_for_url("**/funds")
    assert page.locator("#program-list tbody tr").count() == 2
    shot(page, "funds")
    page.click(f"#budget-list a[href='/budget/{funds['budget']}']")
    page.wait_for_selector("svg#sankey")
    # budget → 2 lines → 2 programs (+ what no program was given) → their paid periods (+ what is not paid out yet);
    # every flow equals what plain web3 reads from BudgetRegistry / ProgramRegistry / Disbursements
    graph = check_sankey(page, reader, funds["budget"])
    assert graph["links"][(f"p{pension}", f"p{pension}t0")] == 300_000  # 3 paid: one refused (no proof of life), one withheld
    assert graph["links"][(f"p{pension}", f"d{pension}")] == 2_000_000 - 300_000
    assert {n["kind"] for n in graph["nodes"].values()} == {"budget", "line", "program", "unallocated", "batches", "undisbursed"}
    assert reader.ledger_holds() == reader.undisbursed() == sum(v for (s, t), v in graph["links"].items() if t.startswith("d"))
    assert page.locator("#approval-list tbody tr").count() == 3
    assert "已批准" in page.inner_text("#budget-summary") and "APPROVED" not in page.inner_text("main")
    shot(page, "budget")
    page.click(f"svg#sankey a.sankey-node[href='/program/{subsidy}']")  # nodes are links
    page.wait_for_url(f"**/program/{subsidy}")
    graph = check_sankey(page, reader, funds["budget"], focus=subsidy)
    assert graph["links"][(f"p{subsidy}", f"p{subsidy}t0")] == sum(50_000 + i for i in range(5))
    assert page.locator("#batch-list tbody tr").count() == 1
    assert page.inner_text("#program-disbursed") == "¥2,500.10"
    # the bank sent part of the citizen's subsidy back: requested, awaiting the bank's confirmation
    refund = page.locator(f"#bank-refund-list tr[data-refund='{funds['refund'].refund_id}']")
    assert refund.get_attribute("data-status") == "pending" and "待银行或第二名工作人员确认" in refund.inner_text()
    assert "¥100.00" in refund.inner_text() and "待确认退回 ¥100.00" in page.inner_text("#program-summary")
    shot(page, "program")
    page.goto(base_url + f"/program/{pension}?lang=en")
    check_sankey(page, reader, funds["budget"], focus=pension, lang="en")
    withheld = page.locator(f"#batch-list tr[data-batch='{funds['wallet'].batch_id}'] td.withheld")
    assert withheld.inner_text() == "1 · ¥1,000.00"
    assert page.inner_text("#program-withheld").startswith("¥1,000.00")
    page.click("svg#sankey a.sankey-node[href^='/batch/']")  # a month's batches → its batch page
    page.wait_for_url(f"**/batch/{funds['wallet'].batch_id}")


def test_batch_pages_show_each_batch_in_words_and_yuan(page, base_url, funds, reader):
    wallet, bank = funds["wallet"].batch_id, funds["bank"].batch_id
    page.goto(base_url + f"/program/{funds['pension']}")
    page.click(f"#batch-list a[href='/batch/{wallet}']")
    page.wait_for_url(f"**/batch/{wallet}")
    summary = page.inner_text("#batch-summary")
    assert page.get_attribute("#batch-summary", "data-status") == "executed" and "已发放" in page.inner_text("#batch-status")
    assert "钱包发放" in summary and reader.due_month(funds["pension"], 0, "zh") in summary
    assert page.inner_text("#batch-total") == "¥4,000.00 · 4 笔"  # 5 proposed, one refused for no proof of life
    assert page.inner_text("#batch-paid") == "¥3,000.00 · 收款人 3"  # the citizen's was withheld (key recovered after approval)
    assert "1 · ¥1,000.00" in page.inner_text("#batch-withheld")
    assert "无生存认证 1" in page.inner_text("#batch-refused")
    assert [page.get_attribute(f"#batch-steps tbody tr:nth-child({i})", "data-step") for i in (1, 2, 3)] == ["proposed", "approved", "executed"]
    assert page.locator("#batch-steps a[href^='/tx/0x']").count() == 3 and page.locator("#batch-approvers a[href^='/address/']").count() == 1
    assert "wei" not in page.inner_text("main")
    shot(page, "batch-wallet")
    page.goto(base_url + f"/batch/{bank}?lang=en")
    assert page.inner_text("#batch-merkle-root") == "0x" + bytes(reader.ledger.merkleRoot(bank).call()).hex()
    assert "bank-settled" in page.inner_text("#batch-summary") and "paid out" in page.inner_text("#batch-status")
    pending = page.locator(f"#batch-refunds tr[data-bank-refund='{funds['refund'].refund_id}']")
    assert pending.get_attribute("data-status") == "pending" and "¥100.00" in pending.inner_text()
    assert page.inner_text("#batch-paid") == "¥2,500.10 · recipients 5"
    page.set_viewport_size(PHONE)
    shot(page, "batch-bank-phone")
    assert page.goto(base_url + "/batch/999").status == 404
    assert page.goto(base_url + "/batch/x").status == 400
    page.goto(base_url + f"/search?q=batch+{bank}")
    page.wait_for_url(f"**/batch/{bank}")


def test_verify_my_payment_checks_the_proof_against_the_chain(page, base_url, funds):
    page.goto(base_url + "/verify")
    page.fill("#id-number", ID_NUMBER)
    page.fill("#salt", "0x" + SALT.hex())
    page.click("#verify-button")
    page.wait_for_selector("#payout-list li[data-mode='bank'][data-verified]")
    row = page.locator(f"#payout-list li[data-batch='{funds['bank'].batch_id}']")
    assert row.get_attribute("data-verified") == "true" and row.get_attribute("data-status") == "paid"
    assert "已核验" in row.inner_text()
    assert row.locator("tr.refunds td").get_attribute("data-pending") == str(CITIZEN_REFUND)  # requested, not refunded
    assert "银行退回 ¥100.00，待银行或第二名工作人员确认（尚未退回）" in row.inner_text() and "已确认" not in row.inner_text()
    # the pension approved before the citizen's key was recovered was withheld: shown so, never as paid, and the chain agrees
    withheld = page.locator(f"#payout-list li[data-batch='{funds['wallet'].batch_id}']")
    assert withheld.get_attribute("data-status") == "withheld"
    assert "暂停发放，未支付" in withheld.inner_text() and "批准后账户已变更" in withheld.inner_text()
    page.wait_for_selector(f"#payout-list li[data-batch='{funds['wallet'].batch_id}'][data-verified='true']")
    assert "链上记录为暂停发放" in withheld.locator("tr.check").inner_text()
    shot(page, "verify-my-payment-verified")

    # a tampered proof (as a lying server would send) is not verified: the browser checks the chain's root
    page.route("**/api/payouts?*", lambda route: route.fulfill(
        status=200, content_type="application/json", body=_tampered(route.fetch().json())
    ))  # fmt: skip
    page.click("#verify-button")
    page.wait_for_selector("#payout-list li[data-verified='false']")
    assert "未通过" in page.inner_text("#payout-list")

    assert_nothing_sent(page, [ID_NUMBER, ID_NUMBER[:17], SALT.hex()])  # neither the ID-card number nor the salt
    commitment = "0x" + CITIZEN.hex()
    assert any(commitment in r.url for r in page.sent)
    assert any(r.url.endswith(f"/api/batches/{funds['bank'].batch_id}/merkle-root") for r in page.sent)


def _tampered(page_json):
    for item in page_json["items"]:
        if item["proof"]:
            item["amount"] += 1  # claims one fen more than was paid
    return json.dumps(page_json)
