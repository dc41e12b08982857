"""The explorer in both languages and on a phone, every page type of the test scenario, in a real
headless browser (Debian's Chromium driven by Playwright) over uvicorn, a real Anvil and the deployed suite.

In each language: no role code ("ATTESTER_ROLE"), no untranslated status code ("APPROVED"), no name of
the other language (an English page has no Chinese but the names that exist only in Chinese, e.g. an
enterprise's registered name; a Chinese page has none of the English names of departments, workflow
templates, roles and credit categories), error messages in the page's language. At 390x844 no page
is wider than the screen and the navigation wraps item by item.
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from typing import Any

import pytest
from eth_utils import keccak

from browser_support import DESKTOP, PHONE, chromium, citizen_page, served, shot
from conftest import make_sender
from govchain.deploy import SUITE, deploy_suite, load_consortium
from govchain.domain import uscc_check_character
from govchain.explorer import i18n
from web_support import NAMES, PENDING, REGISTERED, REJECTED, make_portal, seed, seed_funds

NEVER_APPLIED = "91370200000000000" + uscc_check_character("91370200000000000")

ROLE_CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_ROLE\b")
STATUS_CODE = re.compile(r"\b(?:IN_REVIEW|APPROVED|REJECTED|REGISTERED|RETURNED|EXPIRED|SUSPENDED|DEREGISTERED|APPLIED|PROPOSED|WITHDRAWN)\b")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
ENGLISH_WORDS = re.compile(r"[A-Za-z]{3,}(?: [A-Za-z]{2,}){2,}")  # three English words in a row


@pytest.fixture(scope="module")
def sites(suite_deployment, w3, artifacts, tmp_path_factory):
    """Two deployments on the chain, each with its explorer: the registries scenario (enterprises,
    cases, credit) and the fiscal-funds one (they bind the same citizen, so they cannot share a suite)."""
    scenario = seed(w3, artifacts, suite_deployment.path)
    funds_path = tmp_path_factory.mktemp("funds-deployment") / f"{w3.eth.chain_id}.json"
    funds_deployment = deploy_suite(w3, make_sender(w3, artifacts), artifacts, funds_path)
    funds = seed_funds(w3, artifacts, funds_deployment.path)
    portals = {
        "registries": make_portal(w3, suite_deployment.path, tmp_path_factory.mktemp("lang-registries") / "index.db"),
        "funds": make_portal(w3, funds_deployment.path, tmp_path_factory.mktemp("lang-funds") / "index.db"),
    }
    with ExitStack() as stack:
        urls = {name: stack.enter_context(served(portal)) for name, portal in portals.items()}
        yield {"scenario": scenario, "funds": funds, "portals": portals, "urls": urls}


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def _pages(sites: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(site, path, expected status) for every page type of the scenario."""
    scenario, funds = sites["scenario"], sites["funds"]
    registries, fund_portal = sites["portals"]["registries"], sites["portals"]["funds"]
    samr = scenario.suite.contract("WorkflowEngine").functions.getRoleMember(keccak(text="SAMR_REVIEWER_ROLE"), 0).call()
    hrss = funds["suite"].contract("Disbursements").functions.getRoleMember(keccak(text="EXECUTOR_ROLE"), 0).call()
    timelock = fund_portal.deployment.address("GovTimelock")
    role_grant = next(t.hash for b in range(1, 40) for t in registries.ledger.block(b).transactions if t.function == "grantRole")
    head = registries.ledger.head()[0]
    pages = [
        ("registries", "/", 200), ("registries", "/enterprises", 200), ("registries", "/enterprises?status=REGISTERED", 200),
        ("registries", f"/enterprise/{REGISTERED}", 200), ("registries", f"/enterprise/{REJECTED}", 200), ("registries", f"/enterprise/{PENDING}", 200),
        ("registries", "/cases", 200), ("registries", "/cases?overdue=true", 200), ("registries", "/cases?status=APPROVED", 200),
        ("registries", f"/case/{scenario.registered_case}", 200), ("registries", f"/case/{scenario.overdue_case}", 200),
        ("registries", f"/case/{scenario.rejected_case}", 200), ("registries", f"/credit/{REGISTERED}", 200), ("registries", "/verify", 200),
        ("registries", "/search?q=1", 200), ("registries", "/search?q=青岛", 200), ("registries", f"/search?q={REGISTERED[:17]}H", 200),
        ("registries", "/search?q=nothing-here", 200), ("registries", f"/block/{head}", 200), ("registries", "/block/1", 200),
        ("registries", f"/tx/{scenario.relayed_tx}", 200), ("registries", f"/tx/{role_grant}", 200),
        ("registries", f"/address/{registries.relayer.sender.account.address}", 200), ("registries", f"/address/{samr}", 200),
        ("registries", f"/address/{registries.deployment.address('EnterpriseRegistry')}", 200),
        ("registries", "/block/abc", 400), ("registries", f"/block/{head + 1000}", 404), ("registries", "/tx/0x12", 400),
        ("registries", "/tx/0x" + "ab" * 32, 404), ("registries", "/address/0x12", 400), ("registries", "/case/x", 400),
        ("registries", "/case/99999", 404), ("registries", f"/enterprise/{REGISTERED[:17]}H", 400),
        ("registries", "/enterprise/91370200MA3C4BWL4" + "X", 400), ("registries", f"/enterprise/{NEVER_APPLIED}", 404),
        ("registries", "/credit/0x12", 400), ("registries", "/no-such-page", 404), ("registries", "/cases?page=0", 400),
        ("funds", "/funds", 200), ("funds", f"/budget/{funds['budget']}", 200), ("funds", f"/program/{funds['pension']}", 200),
        ("funds", f"/program/{funds['subsidy']}", 200), ("funds", f"/address/{hrss}", 200), ("funds", f"/address/{timelock}", 200),
        ("funds", f"/tx/{funds['wallet_execution'].receipt.tx_hash}", 200), ("funds", f"/tx/{funds['execution'].receipt.tx_hash}", 200),
        ("funds", "/search?q=program 1", 200),
    ]  # fmt: skip
    return pages


def _only_chinese_names(sites: dict[str, Any]) -> set[str]:
    """Names that exist in Chinese only (registered enterprise names, budget lines and programs named in
    Chinese only): an English page shows them as they are."""
    names = {e.name for p in sites["portals"].values() for e in p.enterprises()} | set(NAMES.values())
    return names | {"养老金", "补贴", "青岛"}  # web_support.seed_funds's budget lines; a search for 青岛 echoes it


def _english_names(consortium: dict[str, Any]) -> set[str]:
    """Names with a Chinese version that a Chinese page must not show in English."""
    names = {d["name_en"] for d in consortium["departments"] if d.get("name_en")}
    names |= {w["name_en"] for w in consortium["workflows"] if w.get("name_en")}
    names |= {i18n.local_name(c["name"], "en") for c in consortium["credit_categories"]} - {c["name"] for c in consortium["credit_categories"]}
    names |= {pair[1] for table in i18n.ROLES.values() for pair in table.values() if " " in pair[1]}
    return names


def _chinese_names(consortium: dict[str, Any]) -> set[str]:
    names = {d["name"] for d in consortium["departments"]} | {w["name"] for w in consortium["workflows"]}
    names |= {i18n.local_name(c["name"], "zh") for c in consortium["credit_categories"]}
    names |= {pair[0] for table in (*i18n.ROLES.values(), i18n.CASE_STATUS, i18n.ENTERPRISE_STATUS, i18n.CONTRACT) for pair in table.values()}
    return names


def test_every_page_in_both_languages_and_on_a_phone(sites, browser):
    consortium = load_consortium()
    names = (_only_chinese_names(sites), _english_names(consortium), _chinese_names(consortium))
    problems: list[str] = []
    for lang in ("zh", "en"):
        for viewport in (PHONE, DESKTOP):
            with citizen_page(browser, viewport, lang) as page:
                problems += _page_problems(sites, page, lang, viewport, names)
                if viewport is PHONE and lang == "zh":
                    for name, path in (("phone-home", "/"), ("phone-enterprises", "/enterprises"),
                                       ("phone-case", f"/case/{sites['scenario'].overdue_case}"), ("phone-tx", f"/tx/{sites['scenario'].relayed_tx}")):  # fmt: skip
                        page.goto(sites["urls"]["registries"] + path)
                        shot(page, name)
    assert len(_pages(sites)) > 40
    assert not problems, "\n".join(problems[:60])


def _page_problems(sites: dict[str, Any], page: Any, lang: str, viewport: dict[str, int], names: tuple[set[str], set[str], set[str]]) -> list[str]:
    """What is wrong on the scenario's pages in `lang` at `viewport`: on a phone, the width; on a
    desktop, codes and names of the other language."""
    only_chinese, english_names, chinese_names = names
    problems: list[str] = []
    for site, path, status in _pages(sites):
        response = page.goto(sites["urls"][site] + path + ("&" if "?" in path else "?") + f"lang={lang}")
        where = f"{lang} {viewport['width']}px {path}"
        if response.status != status:
            problems.append(f"{where}: status {response.status}, expected {status}")
        if viewport is PHONE:
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                problems.append(f"{where}: {width} px wide")
            tall = page.evaluate("Math.max(...[...document.querySelectorAll('nav a')].map(a => a.getBoundingClientRect().height))")
            if tall > 40:
                problems.append(f"{where}: a navigation item is {tall} px tall (wrapped inside)")
            continue
        text = page.inner_text("main") + "\n" + page.inner_text("header nav") + "\n" + page.title()
        problems += [f"{where}: role code {m}" for m in set(ROLE_CODE.findall(text))]
        problems += [f"{where}: status code {m}" for m in set(STATUS_CODE.findall(text))]
        if lang == "en":
            rest = text
            for name in sorted(only_chinese, key=len, reverse=True):
                rest = rest.replace(name, "")
            problems += [f"{where}: Chinese text {m!r}" for m in set(CJK.findall(rest))]
            problems += [f"{where}: Chinese name {n!r}" for n in chinese_names - only_chinese if n in text]
        else:
            problems += [f"{where}: English name {n!r}" for n in english_names if n in text]
        if status >= 400:
            message = page.inner_text("#error-message")
            if lang == "zh" and (not CJK.search(message) or ENGLISH_WORDS.search(message)):
                problems.append(f"{where}: error message not in Chinese: {message!r}")
            if lang == "en" and CJK.search(message):
                problems.append(f"{where}: error message not in English: {message!r}")
    return problems


def test_enterprise_names_capital_and_what_changed(sites, browser, w3, artifacts):
    """The list and the page show the name and the registered capital in yuan; a recorded change says
    what changed, with the new value where it is public."""
    from govchain.clients import ChangeKind, EnterpriseClient

    scenario, portal = sites["scenario"], sites["portals"]["registries"]
    regulator = EnterpriseClient(scenario.suite, make_sender(w3, artifacts, 5))  # a SAMR officer (MARKET_REGULATOR_ROLE)
    regulator.change_name(REGISTERED, "青岛海湾新材料股份有限公司")
    regulator.change_registered_capital(REGISTERED, 80_000_000 * 100)
    regulator.record_change(REGISTERED, ChangeKind.LEGAL_REPRESENTATIVE, b"\x07" * 32)
    portal.sync()
    with citizen_page(browser) as page:
        _see_the_changes(page, sites["urls"]["registries"], scenario)
    api = portal.enterprise(REGISTERED)
    assert (api.name, api.registered_capital_fen) == ("青岛海湾新材料股份有限公司", 80_000_000 * 100)


def _see_the_changes(page: Any, base: str, scenario: Any) -> None:
    page.goto(base + "/enterprises?lang=zh")
    row = page.locator("#enterprise-list tbody tr", has_text=REGISTERED)
    assert "青岛海湾新材料股份有限公司" in row.inner_text() and "¥80,000,000.00" in row.inner_text()
    assert "青岛崂山云端软件有限公司" in page.inner_text("#enterprise-list") and "¥5,000,000.00" in page.inner_text("#enterprise-list")
    page.click(f"#enterprise-list a[href='/enterprise/{REGISTERED}']")
    assert page.inner_text("#enterprise-name") == "青岛海湾新材料股份有限公司"
    assert page.inner_text("#enterprise-capital") == "¥80,000,000.00"
    history = page.inner_text("#enterprise-history")
    assert "申请设立登记：青岛海湾化工有限公司 · 注册资本 ¥5,000,000.00" in history
    assert "变更登记：名称 → 青岛海湾新材料股份有限公司" in history and "变更登记：注册资本 → ¥80,000,000.00" in history
    assert "变更登记：法定代表人 (新值为身份承诺)" in history
    shot(page, "enterprise-changes")
    page.goto(base + f"/enterprise/{REGISTERED}?lang=en")
    history = page.inner_text("#enterprise-history")
    assert "change recorded: name → 青岛海湾新材料股份有限公司" in history and "change recorded: legal representative" in history
    page.goto(base + f"/case/{scenario.registered_case}?lang=zh")  # the registration case names its enterprise
    assert "青岛海湾新材料股份有限公司" in page.inner_text("#case-subject")
    page.goto(base + "/search?q=海湾新材料&lang=zh")  # a name search finds it
    page.wait_for_url(f"**/enterprise/{REGISTERED}")


def test_search_hits_and_roles_are_in_the_pages_language(sites, browser):
    base, funds_base = sites["urls"]["registries"], sites["urls"]["funds"]
    hrss = sites["funds"]["suite"].contract("Disbursements").functions.getRoleMember(keccak(text="EXECUTOR_ROLE"), 0).call()
    timelock = sites["portals"]["funds"].deployment.address("GovTimelock")
    with citizen_page(browser) as page:
        _see_the_roles(page, base, funds_base, hrss, _grant_tx(sites["portals"]["funds"], timelock))


def _see_the_roles(page: Any, base: str, funds_base: str, hrss: str, grant_tx: str) -> None:
    for lang, kinds in (("zh", {"区块", "审批事项"}), ("en", {"block", "case"})):
        page.goto(base + f"/search?q=1&lang={lang}")
        assert {page.inner_text(f"#search-hits [data-kind='{k}'] .badge") for k in ("block", "case")} == kinds
    page.goto(funds_base + f"/address/{hrss}?lang=zh")
    labels = page.inner_text("#address-labels")
    assert "资金发放 · 发放执行人" in labels and "治理执行人" not in labels
    page.goto(funds_base + f"/address/{hrss}?lang=en")
    assert "disbursements · payout executor" in page.inner_text("#address-labels")
    page.goto(funds_base + f"/tx/{grant_tx}?lang=zh")
    assert "治理执行人" in page.inner_text("#tx-events") or "治理提案人" in page.inner_text("#tx-events")
    shot(page, "roles")


def _grant_tx(portal: Any, contract: str) -> str:
    """A transaction in which `contract` granted a role (the timelock's roles at deployment)."""
    for number in range(1, portal.ledger.head()[0] + 1):
        for tx in portal.ledger.block(number).transactions:
            found = portal.ledger.transaction(tx.hash)
            if any(e.event == "RoleGranted" and e.address == contract for e in found.events):
                return tx.hash
    raise AssertionError("no role grant of the timelock")


# --- the tables: every role of every contract, per contract -------------------------------------------


def test_every_role_of_every_contract_has_words_in_both_languages(artifacts):
    consortium = load_consortium()
    missing = []
    for component in SUITE:
        for item in artifacts.abi(component.name):
            if item["type"] == "function" and item["name"].endswith("_ROLE") and not item["inputs"]:
                pair = i18n.ROLES.get(component.name, {}).get(item["name"]) or i18n.ROLES[i18n.ANY_CONTRACT].get(item["name"])
                if pair is None or not all(pair) or ROLE_CODE.search(" ".join(pair)):
                    missing.append(f"{component.name}.{item['name']}")
    for workflow in consortium["workflows"]:
        missing += [f"WorkflowEngine.{s['role']}" for s in workflow["steps"] if s["role"] not in i18n.ROLES["WorkflowEngine"]]
    assert not missing, missing
    # the same name, different duties: the payout executor is not the governance executor
    assert i18n.role_label("Disbursements", "EXECUTOR_ROLE", "zh") == "发放执行人"
    assert i18n.role_label("GovTimelock", "EXECUTOR_ROLE", "zh") == "治理执行人"
    assert i18n.role_label("GovTimelock", "DEFAULT_ADMIN_ROLE", "en") != i18n.role_label("CreditRegistry", "DEFAULT_ADMIN_ROLE", "en")
    # a role no table knows is named after its department, never shown as a code
    assert i18n.role_label("WorkflowEngine", "SAMR_INTAKE_ROLE", "zh", "青岛市市场监督管理局") == "青岛市市场监督管理局 · samr intake"


def test_bilingual_names_show_one_language():
    assert i18n.local_name("城乡居民基本养老保险 basic pension", "zh") == "城乡居民基本养老保险"
    assert i18n.local_name("城乡居民基本养老保险 basic pension", "en") == "basic pension"
    assert i18n.local_name("纳税信用 tax compliance", "en") == "tax compliance"
    for single in ("青岛海湾化工有限公司", "pension", "BANK OF QINGDAO", "青岛 A 区 2 号"):
        assert i18n.local_name(single, "zh") == i18n.local_name(single, "en") == single
