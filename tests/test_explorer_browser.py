"""The citizen explorer in a real headless browser (Debian's Chromium driven by Playwright), served by
uvicorn over a real Anvil, the deployed suite and the indexer. Screenshots go to reports/screenshots/.

"Verify my payment" computes the identity commitment in the browser: it must equal
govchain.domain.identity_commitment bit for bit, and the ID-card number must appear in no request.
"""

from __future__ import annotations

import os
import random

import pytest
from eth_utils import keccak

from browser_support import assert_nothing_sent, citizen_page, shot
from govchain.domain import ID_CARD_CHECK, ID_CARD_WEIGHTS, MerkleTree, identity_commitment, verify_merkle_proof
from web_support import ID_NUMBER, REGISTERED, SALT, make_portal, seed


@pytest.fixture(scope="module")
def scenario(suite_deployment, w3, artifacts):
    return seed(w3, artifacts, suite_deployment.path)


@pytest.fixture(scope="module")
def portal(scenario, w3, tmp_path_factory):
    return make_portal(w3, scenario.deployment_path, tmp_path_factory.mktemp("explorer") / "index.db")


@pytest.fixture
def page(browser, portal):
    portal.sync()
    with citizen_page(browser) as page:  # page.sent: every request the page (or anything in its context) sends
        yield page


def test_home_page_shows_totals_and_latest_activity(page, base_url, portal):
    page.goto(base_url + "/")
    stats = portal.stats()
    assert page.inner_text("#total-enterprises .v") == f"{stats.enterprises_registered:,}"
    assert page.inner_text("#total-in-progress .v") == str(stats.cases_in_progress)
    assert page.inner_text("#total-overdue .v") == str(stats.cases_overdue) != "0"
    assert page.inner_text("#total-disbursed .v") == "¥0.00"  # no fund paid out in this scenario
    assert page.locator("#latest-blocks tbody tr").count() == 10
    assert page.locator("#latest-transactions tbody tr").count() == 10
    shot(page, "home")
    page.click("#lang-switch")
    assert "Enterprises registered" in page.inner_text("#total-enterprises")
    shot(page, "home-en")
    page.goto(base_url + "/cases")  # the language is remembered
    assert "Approval cases" in page.inner_text("h1")


def test_search_a_uscc_opens_the_enterprise(page, base_url):
    page.goto(base_url + "/")
    page.fill("#search-q", REGISTERED.lower())
    page.press("#search-q", "Enter")
    page.wait_for_url(f"**/enterprise/{REGISTERED}")
    assert "已登记" in page.inner_text("#enterprise-status")
    assert page.locator("#enterprise-history tbody tr").count() == 2
    assert page.locator("#credit-records tbody tr").count() == 2  # public categories only
    shot(page, "enterprise")
    page.fill("#search-q", REGISTERED[:17] + "H")
    page.press("#search-q", "Enter")
    page.wait_for_selector("#search-problem")
    assert "应为 “G”" in page.inner_text("#search-problem")
    shot(page, "search-invalid-uscc")


def test_case_timeline_marks_the_overdue_step(page, base_url, scenario):
    page.goto(base_url + f"/case/{scenario.overdue_case}")
    steps = page.locator("#case-timeline li")
    assert steps.count() == 3
    assert "overdue" in steps.nth(0).get_attribute("class") and "overdue" not in steps.nth(1).get_attribute("class")
    assert "青岛市发展和改革委员会" in steps.nth(0).inner_text() and "超期" in steps.nth(0).inner_text()
    assert "超期未办" in page.inner_text("#case-status")
    shot(page, "case-timeline")
    page.goto(base_url + f"/case/{scenario.registered_case}")
    assert "通过" in page.locator("#case-timeline li").nth(0).inner_text()
    page.goto(base_url + "/cases?overdue=true")
    assert page.locator("#case-list tbody tr.overdue").count() == 2
    shot(page, "cases-overdue")


def test_transaction_block_address_and_docs_pages(page, base_url, scenario, portal):
    page.goto(base_url + f"/tx/{scenario.relayed_tx}")
    assert "applyForRegistration" in page.inner_text("#tx-inner-call")
    assert "openCaseFor" in page.inner_text("#tx-internal-calls")
    shot(page, "transaction")
    page.click("#tx-summary a[href^='/block/']")
    assert page.locator("#block-transactions tbody tr").count() >= 1
    shot(page, "block")
    page.goto(base_url + "/address/" + portal.relayer.sender.account.address)
    assert "居民申请代付中继" in page.inner_text("#address-labels")
    samr_reviewer = scenario.suite.contract("WorkflowEngine").functions.getRoleMember(keccak(text="SAMR_REVIEWER_ROLE"), 0).call()
    page.goto(base_url + f"/address/{samr_reviewer}")
    assert "青岛市市场监督管理局 工作人员" in page.inner_text("#address-labels")
    shot(page, "address-officer")
    page.goto(base_url + f"/credit/{REGISTERED}")
    shot(page, "credit")
    page.goto(base_url + "/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)  # the vendored Swagger UI works offline
    shot(page, "api-docs")
    assert all(r.url.startswith(base_url) for r in page.sent), [r.url for r in page.sent if not r.url.startswith(base_url)]


def _random_id(rng: random.Random) -> str:
    body = "370202" + f"{rng.randint(1940, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + ID_CARD_CHECK[sum(int(d) * w for d, w in zip(body, ID_CARD_WEIGHTS)) % 11]


def test_verify_my_payment_computes_the_commitment_in_the_browser(page, base_url):
    page.goto(base_url + "/verify")
    page.fill("#id-number", ID_NUMBER.lower())  # a lower-case x is the same person
    page.fill("#salt", "0x" + SALT.hex())
    page.click("#verify-button")
    page.wait_for_selector("#commitment:not(:empty)")
    expected = "0x" + identity_commitment(ID_NUMBER, SALT).hex()
    assert page.inner_text("#commitment") == expected
    page.wait_for_selector("#payouts-none")  # the funds module looked the commitment up: no payouts here
    shot(page, "verify-my-payment")

    rng = random.Random(6)
    vectors = [(_random_id(rng), os.urandom(32)) for _ in range(25)]
    computed = page.evaluate(
        "vs => vs.map(([id, salt]) => govchainIdentity.commitment(id, salt))", [[i, s.hex()] for i, s in vectors]
    )
    assert computed == ["0x" + identity_commitment(i, s).hex() for i, s in vectors]

    page.fill("#id-number", ID_NUMBER[:17] + "1")  # wrong check character
    page.click("#verify-button")
    assert page.is_visible("#verify-error") and "校验码" in page.inner_text("#verify-error")
    page.fill("#id-number", ID_NUMBER)
    page.fill("#salt", "0x1234")
    page.click("#verify-button")
    assert "盐值" in page.inner_text("#verify-error")

    page.fill("#salt", SALT.hex())
    page.click("#verify-button")
    page.click("#commitment-credit")  # follow the commitment (not the ID) to its public credit records
    page.wait_for_url(f"**/credit/{expected}")

    assert_nothing_sent(page, [ID_NUMBER, ID_NUMBER[:17], SALT.hex()])  # neither the ID-card number nor the salt
    assert any(expected in r.url for r in page.sent)  # the recording works: the commitment itself was requested


def test_merkle_proofs_verify_in_the_browser_as_in_python(page, base_url):
    page.goto(base_url + "/verify")
    leaves = [os.urandom(32) for _ in range(7)]
    tree = MerkleTree.build(leaves)
    root = "0x" + tree.root.hex()
    for index, leaf in enumerate(leaves):
        proof = ["0x" + p.hex() for p in tree.proof(index)]
        assert verify_merkle_proof(tree.proof(index), tree.root, leaf)
        assert page.evaluate("([p, r, l]) => govchainIdentity.verifyMerkleProof(p, r, l)", [proof, root, "0x" + leaf.hex()]) is True
        other = "0x" + leaves[(index + 1) % len(leaves)].hex()
        assert page.evaluate("([p, r, l]) => govchainIdentity.verifyMerkleProof(p, r, l)", [proof, root, other]) is False


# --- an ID-card number typed into the search box never leaves the browser ---------------------------


def test_an_id_number_typed_into_search_is_stopped_in_the_browser(page, base_url):
    page.goto(base_url + "/cases")
    for typed in (ID_NUMBER, "110105 19491231 002x", "身份证 " + ID_NUMBER.lower(), "１１０１０５４９１２３１００２"):
        page.fill("#search-q", typed)
        page.press("#search-q", "Enter")
        page.wait_for_selector("#search-id-notice", state="visible")
        assert "这像是身份证号" in page.inner_text("#search-id-notice") and page.url == base_url + "/cases"
    shot(page, "search-id-number")
    page.fill("#search-q", "12")  # typing hides the notice again
    assert page.is_hidden("#search-id-notice")
    page.fill("#search-q", ID_NUMBER)
    page.click("form.search button")
    page.click("#search-id-verify")  # the way it offers: verify my payment, computed in the browser
    page.wait_for_url("**/verify")

    page.goto(base_url + "/?lang=en")
    page.fill("#search-q", ID_NUMBER)
    page.click("form.search button")
    page.wait_for_selector("#search-id-notice", state="visible")
    assert "This looks like an ID-card number" in page.inner_text("#search-id-notice")
    assert page.get_attribute("#search-id-verify", "href") == "/verify"

    assert not any(r.url.split("?")[0].endswith("/search") for r in page.sent)  # the form was never submitted
    leaks = [ID_NUMBER, ID_NUMBER.lower(), ID_NUMBER[:17], "19491231", "491231002"]
    for request in page.sent:
        sent = " ".join([request.url, request.post_data or "", *request.headers.values()])
        assert not any(leak in sent for leak in leaks), f"the ID-card number left the browser: {request.method} {request.url}"
    page.fill("#search-q", REGISTERED)  # anything else is searched as before
    page.press("#search-q", "Enter")
    page.wait_for_url(f"**/enterprise/{REGISTERED}")


def test_the_browser_recognises_id_numbers_as_python_does(page, base_url):
    from govchain.domain import contains_id_number, uscc_check_character

    rng = random.Random(9)
    queries = []
    for _ in range(150):
        valid = _random_id(rng)
        digits = list(valid)
        digits[rng.randrange(18)] = str(rng.randrange(10))  # a typo, anywhere
        body = "".join(str(rng.randrange(10)) for _ in range(17))
        queries += [
            valid, valid.lower(), "".join(digits), valid[:6] + " " + valid[6:14] + "-" + valid[14:], "身份证号：" + valid,
            valid[:6] + valid[8:17],  # the legacy 15-digit form
            body + rng.choice("0123456789X"), body[:15], body + uscc_check_character(body),
            "".join(chr(ord(c) + 0xFEE0) for c in valid),  # full width
        ]
    queries += [REGISTERED, "12", "case 12", "0x" + "ab" * 32, "91110119900101101X"]
    page.goto(base_url + "/")
    in_browser = page.evaluate("qs => qs.map(q => govchainIdentity.containsIdNumber(q))", queries)
    in_python = [contains_id_number(q) for q in queries]
    assert in_browser == in_python
    assert 300 < sum(in_python) < len(queries) - 300  # both answers are well represented
