"""The fiscal-funds pages in a real headless browser (Debian's Chromium via Playwright) served by
uvicorn: a program's fund-flow Sankey and its bank refunds (pending until the bank confirms), and
"verify my payment" checking a bank-settled payout's Merkle proof against the on-chain root and
showing a payout withheld at execution as withheld, with the ID-card number in no request the page sends."""

from __future__ import annotations

import json

import pytest

from browser_support import assert_nothing_sent, citizen_page, shot
from web_support import CITIZEN, CITIZEN_REFUND, ID_NUMBER, SALT, make_portal, seed_funds


@pytest.fixture(scope="module")
def funds(suite_deployment, w3, artifacts):
    return seed_funds(w3, artifacts, suite_deployment.path)


@pytest.fixture(scope="module")
def portal(funds, suite_deployment, w3, tmp_path_factory):
    return make_portal(w3, suite_deployment.path, tmp_path_factory.mktemp("funds-browser") / "index.db")


@pytest.fixture
def page(browser, portal):
    portal.sync()
    with citizen_page(browser) as page:
        yield page


def test_program_page_draws_the_fund_flow_sankey(page, base_url, funds):
    page.goto(base_url + "/")
    page.click("nav a[href='/funds']")
    page.wait_for_url("**/funds")
    assert page.locator("#program-list tbody tr").count() == 2
    shot(page, "funds")
    page.click(f"#budget-list a[href='/budget/{funds['budget']}']")
    page.wait_for_selector("svg#sankey")
    # budget → 2 lines → 2 programs → 2 executed periods: 6 bands, 7 nodes
    assert page.locator("svg#sankey path.link").count() == 6
    assert page.locator("svg#sankey rect.node").count() == 7
    assert page.locator("#approval-list tbody tr").count() == 3
    shot(page, "budget")
    page.click(f"#program-list a[href='/program/{funds['subsidy']}']")
    page.wait_for_selector("svg#sankey")
    values = page.eval_on_selector_all("svg#sankey path.link", "ps => ps.map(p => [p.dataset.source, p.dataset.target, +p.dataset.value])")
    assert [f"p{funds['subsidy']}", f"p{funds['subsidy']}t0", sum(50_000 + i for i in range(5))] in values
    assert page.locator("#batch-list tbody tr").count() == 1
    assert page.inner_text("#program-disbursed") == "¥2,500.10"
    # the bank sent part of the citizen's subsidy back: requested, awaiting the bank's confirmation
    refund = page.locator(f"#bank-refund-list tr[data-refund='{funds['refund'].refund_id}']")
    assert refund.get_attribute("data-status") == "pending" and "待银行或第二名工作人员确认" in refund.inner_text()
    assert "¥100.00" in refund.inner_text() and "待确认退回 ¥100.00" in page.inner_text("#program-summary")
    shot(page, "program")
    page.goto(base_url + f"/program/{funds['pension']}?lang=en")
    withheld = page.locator(f"#batch-list tr[data-batch='{funds['wallet'].batch_id}'] td.withheld")
    assert withheld.inner_text() == "1 · ¥1,000.00"
    assert page.inner_text("#program-withheld").startswith("¥1,000.00")


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
