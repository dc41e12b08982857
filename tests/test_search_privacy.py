"""An ID-card number typed into the explorer's search box: recognised (govchain.domain.contains_id_number,
the twin of identity.js, compared in tests/test_explorer_browser.py) and, if one reaches the server
anyway (no JavaScript, or the API), refused with a 400 that does not echo it. Real Anvil and suite."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from govchain.api import create_app
from govchain.domain import contains_id_number, id_check_character
from web_support import ID_NUMBER, PENDING, REGISTERED, REJECTED, get, make_portal, seed

LEGACY = "110105491231002"  # 15 digits: region 110105, born 1949-12-31
MISTYPED = ID_NUMBER[:16] + "1X"  # one digit off: the check character no longer fits, still personal data
ID_LIKE = [
    ID_NUMBER, ID_NUMBER.lower(), f" {ID_NUMBER} ", "110105 19491231 002X", "110105-19491231-002x", LEGACY, MISTYPED,
    "身份证 " + ID_NUMBER, "我的身份证号是" + ID_NUMBER + "。", "１１０１０５１９４９１２３１００２Ｘ",  # full width, as a Chinese IME types it
    "11010520000229001" + id_check_character("11010520000229001"),  # born on a leap day
]
NOT_ID = [
    REGISTERED, REJECTED, PENDING,  # USCCs, one all digits
    "91110119900101101X",  # a valid USCC shaped like an ID-card number whose check character does not fit
    "12", "case 12", "案件 7", "0x" + "ab" * 32, "0x" + "12" * 20,
    "11010519491331002X",  # month 13
    "11010519490230002X",  # 30 February
    "11010518991231002X",  # born 1899
    "01010519491231002X",  # no region starts with 0
    "1101051949123100",  # 16 digits
    "110105491331002",  # legacy, month 13
    "1101051949123100299",  # 19 digits
]


@pytest.mark.parametrize("query", ID_LIKE)
def test_id_card_numbers_are_recognised(query):
    assert contains_id_number(query)


@pytest.mark.parametrize("query", NOT_ID)
def test_other_queries_are_not(query):
    assert not contains_id_number(query)


@pytest.fixture(scope="module")
def client(suite_deployment, w3, artifacts, tmp_path_factory):
    scenario = seed(w3, artifacts, suite_deployment.path)
    portal = make_portal(w3, scenario.deployment_path, tmp_path_factory.mktemp("search") / "index.db")
    return TestClient(create_app(portal=portal), raise_server_exceptions=False)


def _leaks(text: str, query: str) -> bool:
    digits = "".join(c for c in query if c.isalnum())
    return any(part and part.upper() in text.upper() for part in (query.strip(), digits, ID_NUMBER[:17], LEGACY, MISTYPED[:16]))


@pytest.mark.parametrize("query", [ID_NUMBER, "110105 19491231 002x", LEGACY, MISTYPED, "身份证 " + ID_NUMBER])
def test_the_api_refuses_an_id_number_without_echoing_it(client, query):
    response = client.get("/api/search", params={"q": query})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "id_number_refused" and "verify my payment" in body["message"] and "/verify" in body["message"]
    assert not _leaks(response.text, query)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_search_page_refuses_an_id_number_without_echoing_it(client, lang):
    response = client.get("/search", params={"q": ID_NUMBER, "lang": lang})
    assert response.status_code == 400
    assert not _leaks(response.text, ID_NUMBER)  # nor in the search box, the title or the language switch link
    assert 'id="search-refused"' in response.text and 'href="/verify"' in response.text
    assert ("这像是身份证号" if lang == "zh" else "This looks like an ID-card number") in response.text


def test_other_searches_still_work(client):
    assert get(client, "/api/search", q=REGISTERED.lower())["hits"][0]["path"] == f"/enterprise/{REGISTERED}"
    assert get(client, "/api/search", q="12")["hits"][0]["kind"] == "block"
    assert client.get("/search", params={"q": REGISTERED}, follow_redirects=False).status_code == 303


@pytest.mark.parametrize("path, params", [
    ("/api/payouts", {"commitment": ID_NUMBER}), ("/api/payouts", {"commitment": "0x" + ID_NUMBER}),
    (f"/api/beneficiaries/{ID_NUMBER}", {}), (f"/api/beneficiaries/0x{ID_NUMBER}", {}),
    ("/api/bank-refunds", {"commitment": ID_NUMBER}), (f"/api/trace/beneficiary/{ID_NUMBER}", {}),
])  # fmt: skip
def test_payout_lookups_take_only_a_commitment_and_never_echo_an_id_number(client, path, params):
    """"Verify my payment" sends the commitment; an ID-card number put where it goes is refused, not repeated."""
    response = client.get(path, params=params)
    assert 400 <= response.status_code < 500
    assert not _leaks(response.text, ID_NUMBER)
