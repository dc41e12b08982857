"""The REST API and the explorer's pages against a real Anvil, the deployed suite and the indexer.

Every read is compared with the chain; every malformed request gets a 4xx that says what is wrong and
changes nothing; department actions need their department's key and are signed by its officer.
"""

from __future__ import annotations

import csv
import io
import os

import pytest
from eth_account import Account
from fastapi.testclient import TestClient

from conftest import make_sender
from govchain.api import create_app
from govchain.clients import CaseStatus, WorkflowClient
from govchain.domain import identity_commitment, uscc_bytes
from govchain.relay import sign_request
from govchain.signer import dev_accounts
from govchain.domain import uscc_check_character
from web_support import ID_NUMBER, KEYS, OFFICERS, PENDING, REGISTERED, REJECTED, RELAYER, SALT, get, make_portal, seed


NEW_USCC = "91370211MA0000001" + uscc_check_character("91370211MA0000001")


@pytest.fixture(scope="module")
def scenario(suite_deployment, w3, artifacts):
    return seed(w3, artifacts, suite_deployment.path)


@pytest.fixture(scope="module")
def portal(scenario, w3, tmp_path_factory):
    return make_portal(w3, scenario.deployment_path, tmp_path_factory.mktemp("api") / "index.db")


@pytest.fixture(scope="module")
def client(portal):
    return TestClient(create_app(portal=portal), raise_server_exceptions=False)


@pytest.fixture(autouse=True)
def synced(portal):
    """Each test starts from the module's chain state (brownie reverts it): re-sync the index and nonces."""
    portal.resync_nonces()
    portal.sync()


def parse_csv(response):
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


# --- chain ---------------------------------------------------------------------------------------


def test_health_and_totals(client, scenario, w3):
    health = get(client, "/api/health")
    assert health["chain_id"] == w3.eth.chain_id and health["index_lag_blocks"] == 0
    stats = get(client, "/api/stats")
    assert stats["enterprises_total"] == 3 and stats["enterprises_registered"] == 1
    workflow = WorkflowClient(scenario.suite)
    cases = [workflow.case(i) for i in range(1, workflow.functions.caseCount().call() + 1)]
    assert stats["cases_total"] == len(cases)
    assert {c.status for c in cases} == {CaseStatus.IN_REVIEW, CaseStatus.RETURNED, CaseStatus.APPROVED, CaseStatus.REJECTED}
    assert stats["cases_in_progress"] == sum(c.status in (CaseStatus.IN_REVIEW, CaseStatus.RETURNED) for c in cases) == 4
    assert stats["cases_overdue"] == sum(c.overdue for c in cases) == 2  # the pending registration and the investment case
    assert stats["credit_records"] == 2 and stats["money_disbursed_fen"] == 0  # public records; no fund paid out here


def test_case_list_replayed_from_events_matches_the_chain(client, scenario):
    workflow = WorkflowClient(scenario.suite)
    listed = {c["case_id"]: c for c in get(client, "/api/cases", limit=100)["items"]}
    assert set(listed) == set(range(1, workflow.functions.caseCount().call() + 1))
    for case_id, row in listed.items():
        chain = workflow.case(case_id)
        assert (row["status"], row["step"], row["overdue"], row["applicant"]) == (chain.status.name, chain.step, chain.overdue, chain.applicant)
        assert row["deadline"] == (chain.deadline or None)
    overdue = get(client, "/api/cases", overdue="true")["items"]
    assert {c["case_id"] for c in overdue} == {scenario.pending_case, scenario.overdue_case}
    assert get(client, "/api/cases", status="APPROVED")["items"][0]["template"] == "企业设立登记"


def test_blocks_and_transactions(client, w3):
    head = w3.eth.block_number
    blocks = get(client, "/api/blocks", limit=3)
    assert [b["number"] for b in blocks["items"]] == [head, head - 1, head - 2] and blocks["next_offset"] == 3
    assert blocks["total"] == head + 1 and [b["number"] for b in get(client, "/api/blocks", limit=2, offset=3)["items"]] == [head - 3, head - 4]
    block = get(client, f"/api/blocks/{head}")
    chain = w3.eth.get_block(head)
    assert block["hash"] == chain["hash"].to_0x_hex() and len(block["transactions"]) == len(chain["transactions"])
    latest = get(client, "/api/transactions", limit=5)["items"]
    assert latest[0]["hash"] == w3.eth.get_block(latest[0]["block_number"])["transactions"][-1].to_0x_hex()
    assert latest[0]["to_name"] == "CreditRegistry" and latest[0]["function"] == "appendSealed"
    get(client, f"/api/blocks/{head + 1000}", 404)
    assert get(client, "/api/blocks/-1", 400)["error"] == "invalid_request"


def test_relayed_transaction_is_decoded_with_events_and_internal_calls(client, scenario):
    tx = get(client, f"/api/transactions/{scenario.relayed_tx}")
    assert tx["status"] == "success" and tx["to_name"] == "GovForwarder" and tx["call"]["function"] == "execute"
    inner = tx["inner_call"]
    assert inner["contract"] == "EnterpriseRegistry" and inner["function"] == "applyForRegistration"
    assert inner["sender"] == scenario.citizen.address and inner["args"]["uscc"] == "0x" + uscc_bytes(REGISTERED).hex()
    events = [(e["contract"], e["event"]) for e in tx["events"]]
    assert ("EnterpriseRegistry", "EnterpriseApplied") in events and ("WorkflowEngine", "CaseOpened") in events
    assert ("GovForwarder", "ExecutedForwardRequest") in events
    calls = [(c["depth"], c["to_name"], c["function"]) for c in tx["internal_calls"]]
    assert (1, "EnterpriseRegistry", "applyForRegistration") in calls and (2, "WorkflowEngine", "openCaseFor") in calls
    assert tx["gas_used"] > 21_000 and tx["revert"] is None
    get(client, "/api/transactions/0x" + "00" * 32, 404)
    get(client, "/api/transactions/0x1234", 400)


def test_reverted_transaction_shows_the_decoded_error(client, scenario, w3, artifacts, portal):
    samr = make_sender(w3, artifacts, OFFICERS["SAMR"])
    workflow = scenario.suite.contract("WorkflowEngine")
    receipt = samr.transact_many([workflow.functions.decide(scenario.registered_case, 0, b"\0" * 32)], gas=300_000, check=False)[0]
    assert receipt.status == 0
    tx = get(client, f"/api/transactions/{receipt.tx_hash}")
    assert tx["status"] == "reverted"
    assert tx["revert"]["error"] == "WorkflowEngineCaseNotInReview" and tx["revert"]["args"]["caseId"] == scenario.registered_case


def test_address_labels_roles_and_history(client, scenario, w3, portal):
    accounts = dev_accounts(w3.eth.chain_id)
    samr = get(client, f"/api/addresses/{accounts[OFFICERS['SAMR']].address}")
    assert samr["department"] == "SAMR" and samr["department_name"] == "青岛市市场监督管理局"
    assert {(r["contract"], r["role"]) for r in samr["roles"]} >= {("WorkflowEngine", "SAMR_REVIEWER_ROLE"), ("CreditRegistry", "CREDIT_WRITER_ROLE")}
    assert samr["balance"] == w3.eth.get_balance(accounts[OFFICERS["SAMR"]].address) and not samr["is_contract"]
    assert get(client, f"/api/addresses/{accounts[RELAYER].address}")["relayer"] is True
    registry = get(client, f"/api/addresses/{portal.deployment.address('EnterpriseRegistry').lower()}")
    assert registry["is_contract"] and registry["contract_name"] == "EnterpriseRegistry"
    history = get(client, f"/api/addresses/{scenario.citizen.address}/events", limit=100)["items"]
    assert {"EnterpriseApplied", "CaseOpened", "ExecutedForwardRequest", "IdentityBound"} <= {e["event"] for e in history}
    assert history == sorted(history, key=lambda e: (e["block_number"], e["log_index"]), reverse=True)
    get(client, "/api/addresses/0xnothex", 400)


def test_enterprises_and_csv_export(client, scenario):
    rows = get(client, "/api/enterprises")["items"]
    assert {r["uscc"]: r["status"] for r in rows} == {REGISTERED: "REGISTERED", REJECTED: "REJECTED", PENDING: "APPLIED"}
    assert [r["uscc"] for r in get(client, "/api/enterprises", status="REJECTED")["items"]] == [REJECTED]
    for response in (get(client, "/api/enterprises", format="csv"), get(client, "/api/enterprises/export.csv")):
        exported = parse_csv(response)
        assert [(r["uscc"], r["status"], int(r["case_id"])) for r in exported] == [(r["uscc"], r["status"], r["case_id"]) for r in rows]
    one = get(client, f"/api/enterprises/{REGISTERED.lower()}")
    assert one["status"] == "REGISTERED" and [h["event"] for h in one["history"]] == ["EnterpriseApplied", "EnterpriseRegistered"]
    page = get(client, "/api/enterprises", limit=2)
    assert page["count"] == 2 and page["next_offset"] == 2 and get(client, "/api/enterprises", limit=2, offset=2)["next_offset"] is None


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        (f"/api/enterprises/{REGISTERED[:17]}H", 400, "check character is 'H', expected 'G'"),
        ("/api/enterprises/9137020016356268IG", 400, "not in the GB 32100 alphabet"),
        ("/api/enterprises/91370200MA00000002", 404, "no enterprise"),
        ("/api/cases/999999", 404, "no case 999999"),
        ("/api/cases/0", 400, "case_id"),
        ("/api/credit/0x1234", 400, "64 hex digits"),
        ("/api/enterprises?status=BOGUS", 400, "status"),
        ("/api/events?limit=0", 400, "limit"),
        ("/api/enterprises?format=xml", 400, "format"),
        ("/api/nothing", 404, "no such page or endpoint"),
    ],
)
def test_bad_input_is_a_clear_4xx(client, path, status, message):
    response = client.get(path)
    assert response.status_code == status, response.text
    body = response.json()
    assert message in body["message"] and body["error"]


def test_case_timeline(client, scenario):
    case = get(client, f"/api/cases/{scenario.overdue_case}")
    assert case["template"] == "企业投资项目备案核准" and case["status"] == "IN_REVIEW" and case["overdue"]
    assert [s["role_name"] for s in case["steps"]] == ["DRC_REVIEWER_ROLE", "FIN_REVIEWER_ROLE", "TAX_REVIEWER_ROLE"]
    assert [s["overdue"] for s in case["steps"]] == [True, False, False]
    done = get(client, f"/api/cases/{scenario.registered_case}")
    assert done["status"] == "APPROVED" and done["steps"][0]["decision"] == "APPROVE"
    assert done["steps"][0]["officer"] == dev_accounts(31337)[OFFICERS["SAMR"]].address


def test_credit_shows_public_categories_only(client):
    credit = get(client, f"/api/credit/{REGISTERED}")
    assert credit["score"] == 3 and credit["record_count"] == 2  # -5 + 8: the sealed -3 is not in the public ledger
    assert [(r["category"], r["delta"]) for r in credit["records"]] == [(1, -5), (1, 8)]
    assert credit["records"][0]["category_name"] == "纳税信用 tax compliance"
    exported = parse_csv(get(client, f"/api/credit/{REGISTERED}/records/export.csv"))
    assert [int(r["delta"]) for r in exported] == [-5, 8]
    categories = get(client, "/api/credit/categories")["items"]
    assert [c["public"] for c in categories] == [True, True, True, True, False, False]
    assert [c["owner"] for c in categories] == ["TAX", "SAMR", "DRC", "DRC", "HRSS", "DRC"]
    commitment = "0x" + identity_commitment(ID_NUMBER, SALT).hex()
    assert get(client, f"/api/credit/{commitment}")["records"] == []


def test_generic_events_filters_and_csv(client, scenario):
    opened = get(client, "/api/events", contract="WorkflowEngine", event="CaseOpened", limit=100)["items"]
    assert [e["args"]["caseId"] for e in opened] == sorted((e["args"]["caseId"] for e in opened), reverse=True)
    by_tx = get(client, "/api/events", tx_hash=scenario.relayed_tx)["items"]
    assert {e["event"] for e in by_tx} >= {"EnterpriseApplied", "CaseOpened"}
    exported = parse_csv(get(client, "/api/events/export.csv", contract="WorkflowEngine", event="CaseOpened", limit=100))
    assert [int(r["args.caseId"]) for r in exported] == [e["args"]["caseId"] for e in opened]
    assert parse_csv(get(client, "/api/events/export.csv", contract="Nothing")) == []


def test_search(client, scenario, w3, portal):
    def kinds(q):
        return [(h["kind"], h["path"]) for h in get(client, "/api/search", q=q)["hits"]]

    assert kinds(scenario.relayed_tx.upper().replace("0X", "0x")) == [("tx", f"/tx/{scenario.relayed_tx}")]
    assert kinds(REGISTERED.lower()) == [("enterprise", f"/enterprise/{REGISTERED}")]
    assert kinds(f"case {scenario.overdue_case}") == [("case", f"/case/{scenario.overdue_case}")]
    assert ("block", "/block/1") in kinds("1") and ("case", "/case/1") in kinds("1")
    address = portal.deployment.address("WorkflowEngine")
    assert kinds(address.lower()) == [("address", f"/address/{address}")]
    commitment = "0x" + identity_commitment(ID_NUMBER, SALT).hex()
    assert kinds(commitment) == [("credit", f"/credit/{commitment}")]
    assert kinds(REGISTERED[:17] + "H") == [] and kinds("nothing at all") == []
    get(client, "/api/search", 400, q="")


# --- writes --------------------------------------------------------------------------------------


def _signed_application(scenario, w3, portal, uscc, nonce=None, signer=None):
    registry = scenario.suite.contract("EnterpriseRegistry")
    data = registry.functions.applyForRegistration(uscc_bytes(uscc), "青岛西海岸电子商务有限公司", os.urandom(32), 1_000_000, os.urandom(32))._encode_transaction_data()
    forwarder = portal.deployment.address("GovForwarder")
    signer = signer or scenario.citizen
    nonce = portal.relay_nonce(signer.address) if nonce is None else nonce
    deadline = w3.eth.get_block("latest")["timestamp"] + 3600  # chain time runs ahead of the clock here
    request = sign_request(signer, forwarder, w3.eth.chain_id, registry.address, bytes.fromhex(data[2:]), nonce, deadline=deadline)
    return request.to_json()


def test_relay_a_citizens_signed_application(client, scenario, w3, portal):
    domain = get(client, "/api/relay/domain")
    assert domain["domain"]["verifyingContract"] == portal.deployment.address("GovForwarder") and domain["primary_type"] == "ForwardRequest"
    assert get(client, f"/api/relay/nonce/{scenario.citizen.address}")["nonce"] == 3
    body = _signed_application(scenario, w3, portal, NEW_USCC)
    response = client.post("/api/relay", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["status"] == "success" and "EnterpriseApplied" in {e["event"] for e in result["events"]}
    assert get(client, f"/api/relay/nonce/{scenario.citizen.address}")["nonce"] == 4
    replay = client.post("/api/relay", json=body)
    assert replay.status_code == 400 and "already relayed" in replay.json()["message"]


def test_relay_refusals_change_nothing(client, scenario, w3, portal):
    head = w3.eth.block_number
    body = _signed_application(scenario, w3, portal, NEW_USCC)
    cases = [
        ({**body, "data": body["data"][:-2] + ("01" if body["data"].endswith("00") else "00")}, 400, "signed by"),  # tampered after signing
        ({**body, "to": portal.deployment.address("CreditRegistry")}, 400, "forwards applications only to"),
        ({**body, "value": 1}, 400, "value"),
        ({**body, "signature": "0x12"}, 400, "signature"),
        ({k: v for k, v in body.items() if k != "gas"}, 400, "gas"),
        (_signed_application(scenario, w3, portal, REGISTERED), 409, "EnterpriseRegistryTransitionNotAllowed"),
        (_signed_application(scenario, w3, portal, NEW_USCC, nonce=0, signer=Account.create()), 409, "WorkflowEngineApplicantNotVerified"),
    ]
    for payload, status, message in cases:
        response = client.post("/api/relay", json=payload)
        assert response.status_code == status and message in response.text, (message, response.status_code, response.text)
    assert client.post("/api/relay", content=b"{not json", headers={"content-type": "application/json"}).status_code == 400
    assert w3.eth.block_number == head


def test_department_decision_needs_the_right_department(client, scenario, w3):
    path = f"/api/cases/{scenario.pending_case}/decision"
    head = w3.eth.block_number
    missing = client.post(path, json={"decision": "APPROVE"})
    assert missing.status_code == 401 and "X-API-Key" in missing.json()["message"]
    assert client.post(path, json={"decision": "APPROVE"}, headers={"X-API-Key": "wrong-key-0123456789"}).status_code == 401
    tax = client.post(path, json={"decision": "APPROVE"}, headers={"X-API-Key": KEYS["TAX"]})
    assert tax.status_code == 403 and tax.json()["details"]["contract_error"] == "AccessControlUnauthorizedAccount"
    no_reason = client.post(path, json={"decision": "REJECT"}, headers={"X-API-Key": KEYS["SAMR"]})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["message"]
    assert client.post(path, json={"decision": "MAYBE"}, headers={"X-API-Key": KEYS["SAMR"]}).status_code == 400
    assert client.post("/api/cases/999999/decision", json={"decision": "APPROVE"}, headers={"X-API-Key": KEYS["SAMR"]}).status_code == 404
    assert w3.eth.block_number == head

    approved = client.post(path, json={"decision": "APPROVE"}, headers={"X-API-Key": KEYS["SAMR"]})
    assert approved.status_code == 200, approved.text
    assert {"StepDecided", "CaseClosed", "EnterpriseRegistered"} <= {e["event"] for e in approved.json()["events"]}
    again = client.post(path, json={"decision": "APPROVE"}, headers={"X-API-Key": KEYS["SAMR"]})
    assert again.status_code == 409 and again.json()["details"]["contract_error"] == "WorkflowEngineCaseNotInReview"
    assert get(client, f"/api/enterprises/{PENDING}")["status"] == "REGISTERED"
    me = client.get("/api/departments/me", headers={"X-API-Key": KEYS["SAMR"]}).json()
    assert me["department"] == "SAMR" and me["officer"] == dev_accounts(31337)[OFFICERS["SAMR"]].address


def test_a_sealed_credit_record_is_not_readable_anywhere_public(client, scenario):
    """The review read a non-public record's subject, category and delta from /api/transactions,
    /api/events and /tx/ although the credit list hid it. Now its content is not on chain in plaintext:
    every public view of its transaction shows the sealed record's commitment, nothing of the record."""
    record = scenario.sealed.record
    assert (record.entry.category, record.entry.delta) == (5, -3)
    secrets = {
        "subject": record.subject.hex(), "USCC": REGISTERED, "evidence": record.entry.evidence_hash.hex(),
        "delta word": (2**256 - 3).to_bytes(32, "big").hex(),
    }  # fmt: skip
    tx = client.get(f"/api/transactions/{scenario.sealed_tx}")
    events = client.get(f"/api/events?tx_hash={scenario.sealed_tx}")
    sealed_events = client.get("/api/events?contract=CreditRegistry&event=CreditRecordSealed")
    page = client.get(f"/tx/{scenario.sealed_tx}")
    for response in (tx, events, sealed_events, page):
        assert response.status_code == 200
        text = response.text.lower()
        assert record.commitment.hex() in text  # the sealed record is there, as its commitment
        for what, secret in secrets.items():
            assert secret.lower() not in text, f"the {what} of a sealed record is public at {response.url}"
    decoded = tx.json()
    assert decoded["call"]["function"] == "appendSealed" and decoded["events"][0]["event"] == "CreditRecordSealed"
    assert set(decoded["events"][0]["args"]) == {"sealedId", "category", "writer", "commitment", "readers", "ciphertexts"}
    assert "密封信用记录" in page.text  # the page says what it is
    assert [r["category"] for r in get(client, f"/api/credit/{REGISTERED}")["records"]] == [1, 1]


def test_department_appends_a_sealed_credit_record_through_the_api(client, w3, portal):
    record = {"category": 5, "delta": -7, "evidence_hash": "0x" + "cd" * 32}
    written = client.post(f"/api/credit/{REJECTED}/records", json=record, headers={"X-API-Key": KEYS["HRSS"]})
    assert written.status_code == 200, written.text
    assert [e["event"] for e in written.json()["events"]] == ["CreditRecordSealed"]
    assert "cd" * 32 not in written.text.lower()
    assert get(client, f"/api/credit/{REJECTED}")["records"] == []
    # a department that does not own the category is refused by the contract
    refused = client.post(f"/api/credit/{REJECTED}/records", json=record, headers={"X-API-Key": KEYS["TAX"]})
    assert refused.status_code == 409 and refused.json()["details"]["contract_error"] == "CreditRegistryNotCategoryOwner"


def test_department_appends_a_credit_record(client, w3, portal):
    path = f"/api/credit/{REJECTED}/records"
    record = {"category": 1, "delta": -10, "evidence_hash": "0x" + "ab" * 32}
    head = w3.eth.block_number
    out_of_range = client.post(path, json={**record, "delta": -500}, headers={"X-API-Key": KEYS["TAX"]})
    assert out_of_range.status_code == 409 and out_of_range.json()["details"]["contract_error"] == "CreditRegistryDeltaOutOfRange"
    assert client.post(path, json={**record, "evidence_hash": "0x12"}, headers={"X-API-Key": KEYS["TAX"]}).status_code == 400
    assert client.post(path, json={**record, "delta": 10**9}, headers={"X-API-Key": KEYS["TAX"]}).status_code == 400
    assert client.post(f"/api/credit/{REJECTED[:17]}X/records", json=record, headers={"X-API-Key": KEYS["TAX"]}).status_code == 400
    assert client.post(path, json=record).status_code == 401
    assert w3.eth.block_number == head
    written = client.post(path, json=record, headers={"X-API-Key": KEYS["TAX"]})
    assert written.status_code == 200, written.text
    assert written.json()["events"][0]["event"] == "CreditRecorded"
    assert [r["delta"] for r in get(client, f"/api/credit/{REJECTED}")["records"]] == [-10]


# --- caches and reorgs ---------------------------------------------------------------------------


def test_a_reorganised_block_is_not_served_from_the_cache(client, portal, w3, artifacts, scenario):
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]
    samr = make_sender(w3, artifacts, OFFICERS["SAMR"])
    first = samr.transact(scenario.suite.contract("WorkflowEngine").functions.decide(scenario.pending_case, 0, b"\0" * 32))
    portal.sync()
    cached = get(client, f"/api/blocks/{first.block_number}")
    assert cached["transactions"][0]["hash"] == first.tx_hash
    w3.provider.make_request("evm_revert", [snapshot])
    samr.resync_nonce()
    second = samr.transact(scenario.suite.contract("WorkflowEngine").functions.decide(scenario.pending_case, 1, b"\x07" * 32))
    assert second.block_number == first.block_number
    assert portal.sync().rolled_back_to is not None
    assert get(client, f"/api/blocks/{first.block_number}")["transactions"][0]["hash"] == second.tx_hash
    assert get(client, f"/api/enterprises/{PENDING}")["status"] == "REJECTED"


def test_a_node_that_does_not_answer_is_a_503(client, portal, monkeypatch):
    import socket

    from web3 import HTTPProvider, Web3

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setattr(portal.ledger, "w3", Web3(HTTPProvider(dead, request_kwargs={"timeout": 2})))
    portal.ledger.invalidate()
    response = client.get("/api/blocks")
    assert response.status_code == 503 and "did not answer" in response.json()["message"]
    assert client.get("/").status_code == 503


# --- OpenAPI and pages ---------------------------------------------------------------------------


def test_openapi_and_docs_are_served_without_a_cdn(client):
    schema = get(client, "/openapi.json")
    paths = set(schema["paths"])
    assert {"/api/v1/relay", "/api/v1/cases/{case_id}/decision", "/api/v1/enterprises/export.csv", "/api/v1/events"} <= paths
    assert all(p.startswith("/api/v1/") for p in paths)  # the versioned paths; /api/... is an alias, not listed
    assert not any(p.startswith("/case") or p == "/" for p in paths)  # pages are not API
    docs = get(client, "/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs and "cdn" not in docs and "https://" not in docs
    assert get(client, "/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", ["已登记企业", "最新区块", "已拨付资金"]),
        (f"/enterprise/{REGISTERED}", [REGISTERED, "已登记", "纳税信用"]),
        ("/enterprises?status=REJECTED", [REJECTED]),
        ("/cases?overdue=true", ["超期"]),
        (f"/credit/{REGISTERED}", ["纳税信用", "+8"]),
        ("/verify", ["核验我的补贴", "/static/identity.js"]),
        ("/search", ["可以搜索"]),
    ],
)
def test_pages_render(client, path, expected):
    response = get(client, path)
    assert "connect-src 'self'" in response.headers["content-security-policy"]
    html = response.text
    for text in expected:
        assert text in html, text
    assert "社保缴纳" not in html  # never a private credit category


def test_case_tx_block_and_address_pages(client, scenario, w3):
    assert "超期" in get(client, f"/case/{scenario.overdue_case}").text
    tx = get(client, f"/tx/{scenario.relayed_tx}").text
    assert "applyForRegistration" in tx and "openCaseFor" in tx and "EnterpriseApplied" in tx
    assert scenario.relayed_tx in get(client, f"/block/{w3.eth.get_transaction(scenario.relayed_tx)['blockNumber']}").text
    officer = get(client, f"/address/{dev_accounts(31337)[OFFICERS['SAMR']].address}").text
    assert "青岛市市场监督管理局 工作人员" in officer and "SAMR_REVIEWER_ROLE" in officer


def test_language_switch_and_error_pages(client):
    english = client.get("/?lang=en")
    assert "Enterprises registered" in english.text and english.cookies.get("lang") == "en"
    assert "Enterprises registered" in client.get("/", cookies={"lang": "en"}).text
    assert "已登记企业" in client.get("/", cookies={"lang": "zh"}).text
    response = client.get(f"/search?q={REGISTERED[:17]}H&lang=zh")
    assert response.status_code == 200 and "校验码是 “H”，应为 “G”" in response.text  # the page's language
    assert "expected “G”" in client.get(f"/search?q={REGISTERED[:17]}H&lang=en").text
    assert client.get(f"/search?q={REGISTERED}", follow_redirects=False).headers["location"] == f"/enterprise/{REGISTERED}"
    for path, status in [("/case/abc", 400), ("/case/999999", 404), ("/block/99999999", 404), ("/tx/0x12", 400), ("/nope", 404),
                         (f"/enterprise/{REGISTERED[:17]}H", 400)]:  # fmt: skip
        response = client.get(path)
        assert response.status_code == status and "<html" in response.text, path


def test_cached_responses_follow_the_index(client, portal, w3, artifacts):
    """Public GETs are served from a cache keyed on the index checkpoint: a new block indexed, a new answer."""
    from conftest import make_sender
    from govchain.clients import CreditClient, CreditEntry
    from govchain.domain import uscc_subject

    first = get(client, f"/api/credit/{REGISTERED}")
    assert get(client, f"/api/credit/{REGISTERED}") == first  # served again (from the cache)
    CreditClient(portal.suite, make_sender(w3, artifacts, 6)).append(uscc_subject(REGISTERED), CreditEntry(1, -7, b"\x77" * 32))
    portal.sync()
    portal.version(refresh=True)
    after = get(client, f"/api/credit/{REGISTERED}")
    assert after["record_count"] == first["record_count"] + 1 and after["score"] == first["score"] - 7
    english = client.get("/", headers={"Accept-Language": "en"}, cookies={"lang": "en"})
    chinese = client.get("/", cookies={"lang": "zh"})
    assert english.text != chinese.text  # the language is part of the key
