"""The REST API's conventions, held by every endpoint (real Anvil, deployed suite, indexer):

- one version prefix, /api/v1, with /api an alias of it (pages link to both, both work);
- one pagination (offset, with a total) for every list, in JSON and in CSV;
- one error body {"error", "message", "details"} with details always an object, and one status (400)
  for every kind of invalid input;
- amounts also as yuan strings, times also as ISO 8601 (+08:00), in JSON and CSV; no JSON in CSV cells;
- typed responses in the OpenAPI, which lists v1 only and no 422.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api_support import assert_every_list_is_paged, check_companions, parse_csv
from govchain.api import create_app
from govchain.domain import identity_commitment
from govchain.signer import dev_accounts
from web_support import ID_NUMBER, KEYS, OFFICERS, PENDING, REGISTERED, SALT, get, make_portal, seed

ERROR_KEYS = {"error", "message", "details"}


@pytest.fixture(scope="module")
def scenario(suite_deployment, w3, artifacts):
    return seed(w3, artifacts, suite_deployment.path)


@pytest.fixture(scope="module")
def portal(scenario, w3, tmp_path_factory):
    return make_portal(w3, scenario.deployment_path, tmp_path_factory.mktemp("conventions") / "index.db")


@pytest.fixture(scope="module")
def client(portal):
    return TestClient(create_app(portal=portal), raise_server_exceptions=False)


@pytest.fixture(autouse=True)
def synced(portal):
    portal.resync_nonces()
    portal.sync()


# --- pagination ----------------------------------------------------------------------------------


def test_every_list_is_paged_the_same_way_in_json_and_csv(client, w3):
    officer = dev_accounts(31337)[OFFICERS["SAMR"]].address
    commitment = "0x" + identity_commitment(ID_NUMBER, SALT).hex()
    totals = assert_every_list_is_paged(client, {"address": officer, "subject": REGISTERED, "commitment": commitment})
    filled = {
        "/api/v1/blocks", "/api/v1/transactions", "/api/v1/events", "/api/v1/addresses/{address}/events", "/api/v1/enterprises",
        "/api/v1/cases", "/api/v1/credit/categories", "/api/v1/credit/{subject}/records", "/api/v1/departments",
    }  # fmt: skip
    assert filled <= set(totals) and all(totals[p] > 0 for p in filled), totals
    assert totals["/api/v1/blocks"] == w3.eth.block_number + 1
    assert totals["/api/v1/cases"] == len(get(client, "/api/v1/cases", limit=10_000)["items"])


def test_totals_follow_the_filters(client, scenario):
    every = get(client, "/api/v1/cases", limit=10_000)["items"]
    overdue = get(client, "/api/v1/cases", overdue="true", limit=1)
    assert overdue["total"] == sum(c["overdue"] for c in every) >= 1 and overdue["items"][0]["overdue"]
    assert overdue["next_offset"] == (1 if overdue["total"] > 1 else None)
    assert scenario.overdue_case in [c["case_id"] for c in get(client, "/api/v1/cases", overdue="true")["items"]]
    opened = get(client, "/api/v1/events", contract="WorkflowEngine", event="CaseOpened", limit=1)
    assert opened["total"] == len(every) and opened["next_offset"] == 1
    beyond = get(client, "/api/v1/enterprises", offset=1_000)
    assert beyond["items"] == [] and beyond["total"] == 3 and beyond["next_offset"] is None


# --- errors --------------------------------------------------------------------------------------

INVALID = [  # (method, path, request keyword arguments, error code): every kind of invalid input
    ("GET", "/api/v1/cases/0", {}, "invalid_request"),  # path parameter out of range
    ("GET", "/api/v1/blocks/abc", {}, "invalid_request"),  # path parameter of the wrong type
    ("GET", "/api/v1/transactions/0x12", {}, "invalid_request"),  # path parameter not matching its pattern
    ("GET", "/api/v1/enterprises?status=BOGUS", {}, "invalid_request"),  # query parameter not matching its pattern
    ("GET", "/api/v1/events?limit=0", {}, "invalid_request"),  # query parameter out of range
    ("GET", "/api/v1/events?offset=-1", {}, "invalid_request"),
    ("GET", "/api/v1/events?from_block=x", {}, "invalid_request"),  # query parameter of the wrong type
    ("GET", "/api/v1/payouts", {}, "invalid_request"),  # required query parameter missing
    ("GET", "/api/v1/enterprises?format=xml", {}, "invalid_request"),
    ("GET", "/api/v1/search?q=", {}, "invalid_request"),  # too short
    ("POST", "/api/v1/relay", {"json": {}}, "invalid_request"),  # body fields missing
    ("POST", "/api/v1/relay", {"json": {"sender": "0x12"}}, "invalid_request"),  # body field malformed
    ("POST", "/api/v1/relay", {"content": b"{not json", "headers": {"content-type": "application/json"}}, "invalid_request"),
    ("POST", "/api/v1/relay", {"json": [1, 2]}, "invalid_request"),  # body of the wrong type
    ("POST", "/api/v1/cases/1/decision", {"json": {"decision": "MAYBE"}, "headers": {"X-API-Key": KEYS["SAMR"]}}, "invalid_request"),
    ("POST", "/api/v1/credit/" + REGISTERED + "/records",
     {"json": {"category": 1, "delta": 10**9, "evidence_hash": "0x" + "00" * 32}, "headers": {"X-API-Key": KEYS["TAX"]}}, "invalid_request"),
    ("GET", f"/api/v1/enterprises/{REGISTERED[:17]}H", {}, "invalid_uscc"),  # refused by the library, not by FastAPI
    ("GET", "/api/v1/credit/0x1234", {}, "invalid_request"),
    ("GET", f"/api/v1/search?q={ID_NUMBER}", {}, "id_number_refused"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "kwargs", "code"), INVALID, ids=[f"{m} {p}" for m, p, _, _ in INVALID])
def test_every_kind_of_invalid_input_is_a_400_with_the_one_error_body(client, method, path, kwargs, code):
    for url in (path, path.replace("/api/v1/", "/api/", 1)):  # the alias answers the same
        response = client.request(method, url, **kwargs)
        assert response.status_code == 400, (url, response.status_code, response.text)
        body = response.json()
        assert set(body) == ERROR_KEYS and body["error"] == code and body["message"] and isinstance(body["details"], dict), body
    if code == "invalid_request" and "0x1234" not in path:
        errors = body["details"]["errors"]
        assert errors and all(set(e) == {"loc", "msg", "type"} for e in errors)
    if code == "invalid_uscc":
        assert body["details"] == {"position": 17, "expected": "G"}


def test_other_errors_have_the_same_body(client, scenario):
    answers = [
        (client.get("/api/v1/nothing"), 404, "not_found"),
        (client.get("/api/v1/cases/999999"), 404, "not_found"),
        (client.delete("/api/v1/enterprises"), 405, "method_not_allowed"),
        (client.post(f"/api/v1/cases/{scenario.pending_case}/decision", json={"decision": "APPROVE"}), 401, "unauthorized"),
        (client.post(f"/api/v1/cases/{scenario.registered_case}/decision", json={"decision": "APPROVE"}, headers={"X-API-Key": KEYS["SAMR"]}),
         409, "contract_refused"),
    ]  # fmt: skip
    for response, status, code in answers:
        body = response.json()
        assert response.status_code == status and set(body) == ERROR_KEYS and body["error"] == code, (status, body)
        assert isinstance(body["details"], dict)
    refused = answers[-1][0].json()["details"]
    assert refused["contract_error"] == "WorkflowEngineCaseNotInReview" and refused["arguments"]["caseId"] == scenario.registered_case


# --- version prefix ------------------------------------------------------------------------------


def test_api_is_an_alias_of_v1(client, scenario):
    for path in ("/enterprises", f"/cases/{scenario.overdue_case}", "/stats", f"/credit/{REGISTERED}", "/departments", "/contracts"):
        assert get(client, "/api" + path) == get(client, "/api/v1" + path), path
    assert get(client, "/api/enterprises/export.csv").content == get(client, "/api/v1/enterprises/export.csv").content
    assert get(client, "/api/nothing", 404)["error"] == get(client, "/api/v1/nothing", 404)["error"] == "not_found"
    assert get(client, "/api/v2/enterprises", 404)["error"] == "not_found"  # no other version


def test_the_explorers_api_links_work(client, scenario):
    links = set()
    for page in ("/", "/enterprises", "/cases", f"/credit/{REGISTERED}", f"/case/{scenario.overdue_case}"):
        links |= set(re.findall(r'href="(/api/[^"]+)"', get(client, page).text))
    assert any("export.csv" in link for link in links), links
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link


# --- values --------------------------------------------------------------------------------------


def test_amounts_in_yuan_and_times_in_iso_8601(client, scenario):
    [row] = [r for r in get(client, "/api/v1/enterprises")["items"] if r["uscc"] == REGISTERED]
    assert (row["registered_capital_fen"], row["registered_capital_yuan"]) == (500_000_000, "5000000.00")
    assert row["applied_at_iso"].endswith("+08:00") and check_companions(row) == 4
    [csv_row] = [r for r in parse_csv(get(client, "/api/v1/enterprises/export.csv")) if r["uscc"] == REGISTERED]
    assert csv_row["registered_capital_yuan"] == "5000000.00" and csv_row["applied_at_iso"] == row["applied_at_iso"]
    columns = list(csv_row)
    assert columns.index("registered_capital_yuan") == columns.index("registered_capital_fen") + 1  # side by side
    case = get(client, f"/api/v1/cases/{scenario.overdue_case}")
    assert check_companions(case) > 5
    assert case["steps"][1]["started_at"] is None and case["steps"][1]["started_at_iso"] is None
    assert get(client, "/api/v1/stats")["head_timestamp_iso"].endswith("+08:00")
    assert get(client, f"/api/v1/enterprises/{REGISTERED}")["decided_at_iso"].endswith("+08:00")
    assert get(client, f"/api/v1/enterprises/{PENDING}")["decided_at_iso"] is None  # 0 on chain: not decided yet


def test_csv_joins_lists_instead_of_json(client):
    departments = {d["code"]: d for d in get(client, "/api/v1/departments")["items"]}
    rows = {r["code"]: r for r in parse_csv(get(client, "/api/v1/departments/export.csv"))}
    for code, department in departments.items():
        assert rows[code]["officers"] == "; ".join(department["officers"])
    templates = parse_csv(get(client, "/api/v1/events/export.csv", contract="WorkflowEngine", event="TemplateCreated"))
    steps = templates[0]["args.steps"]  # a list of (role, time limit) tuples
    assert "; " in steps and not steps.startswith("[") and re.fullmatch(r"(0x[0-9a-f]{64}, \d+)(; 0x[0-9a-f]{64}, \d+)*", steps)


def test_case_steps_name_their_departments(client, scenario):
    steps = get(client, f"/api/v1/cases/{scenario.overdue_case}")["steps"]
    assert [s["department"] for s in steps] == ["DRC", "FIN", "TAX"]
    assert [s["department_name"] for s in steps] == ["青岛市发展和改革委员会", "青岛市财政局", "国家税务总局青岛市税务局"]


def test_a_case_about_an_enterprise_names_its_uscc(client, scenario):
    assert get(client, f"/api/v1/cases/{scenario.registered_case}")["subject_uscc"] == REGISTERED
    rows = {c["case_id"]: c for c in get(client, "/api/v1/cases")["items"]}
    assert rows[scenario.registered_case]["subject_uscc"] == REGISTERED and rows[scenario.overdue_case]["subject_uscc"] is None


# --- OpenAPI -------------------------------------------------------------------------------------


def test_openapi_lists_v1_with_typed_answers_and_no_422(client):
    schema = get(client, "/openapi.json")
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    components = schema["components"]["schemas"]
    assert "HTTPValidationError" not in components and "ValidationError" not in components
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "422" not in operation["responses"], (method, path)
            if operation.get("parameters") or operation.get("requestBody"):
                assert operation["responses"]["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody"), (method, path)
    assert components["ErrorBody"]["properties"]["details"]["type"] == "object"
    for path, model in [("/api/v1/trace/payout/{batch_id}/{commitment}", "PayoutTrace"), ("/api/v1/trace/program/{program_id}", "ProgramTrace"),
                        ("/api/v1/trace/beneficiary/{commitment}", "BeneficiaryTrace"), ("/api/v1/contracts", "Contracts")]:  # fmt: skip
        assert schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/" + model)
    assert {"amount", "amount_yuan"} <= set(components["TraceLine"]["properties"])
    assert components["ProgramTrace"]["properties"]["disbursed_yuan"]["type"] == "string"
    enterprise = components["EnterpriseRow"]["properties"]
    assert enterprise["registered_capital_yuan"]["pattern"] and enterprise["applied_at_iso"]["anyOf"][0]["format"] == "date-time"
    assert "total" in components["Page_EnterpriseRow_"]["required"]
    description = schema["info"]["description"]
    assert all(words in description for words in ("/api/v1", "offset", "X-Total-Count", "amount_yuan", "+08:00", "**400**", "/contracts"))
