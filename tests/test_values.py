"""govchain.explorer.values: each kind of event argument formatted by its meaning, from the compiled
ABIs (types, internalType enums, names, NatSpec), in Chinese and English."""

from __future__ import annotations

import pytest

from govchain.domain import uscc_bytes, uscc_subject
from govchain.explorer.values import Formatter, Meaning, code_text, native_text, time_text, yuan_text

OFFICER = "0x" + "ab" * 20
LEDGER = "0x" + "cd" * 20
ROLE = "0x" + "12" * 32


class Labels:
    def address(self, address, lang):
        if address.lower() == LEDGER:
            return "Disbursements", None
        return None, ("人社局" if lang == "zh" else "Human Resources and Social Security") if address.lower() == OFFICER else None

    def role(self, role_id):
        return "EXECUTOR_ROLE" if role_id == ROLE else None

    def department(self, code, lang):
        return {"HRSS": "人社局"}.get(code)

    def template(self, template_id):
        return "企业设立登记" if template_id == 1 else None


@pytest.fixture(scope="module")
def meaning(artifacts):
    return Meaning(artifacts)


@pytest.fixture(scope="module")
def zh(meaning):
    return Formatter(meaning, Labels(), "zh")


@pytest.fixture(scope="module")
def en(meaning):
    return Formatter(meaning, Labels(), "en")


def shown(pairs):
    return {name: (s.kind, s.text) for name, s in pairs}


def test_scalars():
    assert yuan_text(185_000) == "¥1,850.00" and yuan_text(-500) == "-¥5.00" and yuan_text(None) == "—"
    assert time_text(1_796_337_842) == "2026-12-04 06:44:02" and time_text(0) == "—"  # China time (UTC+8)
    assert native_text(15 * 10**17) == "1.5 ETH" and "wei" not in native_text(1)
    assert code_text("0x" + b"HRSS".hex().ljust(64, "0")) == "HRSS"
    assert code_text("0x" + "ab" * 32) is None and code_text("0x" + "ab" * 31 + "00") is None  # hashes


def test_fen_is_yuan_and_the_token_transfer_names_its_parties(zh, en):
    transfer = zh.event("FiscalToken", "Transfer", {"from": LEDGER, "to": OFFICER, "value": 185_000})
    assert shown(transfer) == {"from": ("address", "Disbursements"), "to": ("address", OFFICER[:10] + "…" + OFFICER[-6:]), "value": ("yuan", "¥1,850.00")}
    assert dict(transfer)["to"].note == "人社局" and dict(transfer)["from"].href == f"/address/{LEDGER}"
    assert dict(en.event("FiscalToken", "Transfer", {"from": "0x" + "0" * 40, "to": OFFICER, "value": 1}))["from"].text == "zero address"
    applied = dict(zh.event("EnterpriseRegistry", "EnterpriseApplied", {"registeredCapitalFen": 4_424_000_000}))
    assert applied["registeredCapitalFen"].text == "¥44,240,000.00"  # a …Fen name
    funded = dict(en.event("Disbursements", "ProgramFunded", {"programId": 2, "lineId": 1, "amount": 50_000, "allocation": 150_000}))
    assert (funded["amount"].text, funded["allocation"].text) == ("¥500.00", "¥1,500.00")
    assert funded["programId"].href == "/program/2" and funded["lineId"].text == "1"


def test_times_bools_enums_levels_in_both_languages(zh, en):
    step = dict(zh.event("WorkflowEngine", "StepStarted", {"caseId": 7, "step": 0, "deadline": 1_796_337_842}))
    assert (step["deadline"].kind, step["deadline"].text, step["caseId"].href) == ("time", "2026-12-04 06:44:02", "/case/7")
    assert dict(zh.event("GovForwarder", "ExecutedForwardRequest", {"signer": OFFICER, "nonce": 0, "success": True}))["success"].text == "是"
    assert dict(en.event("GovForwarder", "ExecutedForwardRequest", {"signer": OFFICER, "nonce": 0, "success": False}))["success"].text == "no"
    changed = {"uscc": "0x" + uscc_bytes("91370200163562681G").hex(), "caseId": 3, "kind": 2, "newValueHash": "0x" + "34" * 32}
    assert dict(zh.event("EnterpriseRegistry", "EnterpriseChanged", changed))["kind"].text == "注册资本"
    assert dict(en.event("EnterpriseRegistry", "EnterpriseChanged", changed))["kind"].text == "registered capital"
    bound = dict(zh.event("IdentityRegistry", "IdentityBound", {"account": OFFICER, "identity": "0x" + "56" * 32, "kind": 1, "level": 2, "tag": "0x" + "78" * 32}))
    assert (bound["kind"].text, bound["level"].text) == ("个人", "2 级")
    assert dict(en.event("Disbursements", "PayoutRefused", {"batchId": 1, "beneficiary": "0x" + "9a" * 32, "reason": 2}))["reason"].text == "no proof of life"


def test_codes_usccs_roles_and_hashes(zh):
    changed = dict(zh.event("EnterpriseRegistry", "EnterpriseChanged", {"uscc": "0x" + uscc_bytes("91370200163562681G").hex(), "newValueHash": "0x" + "34" * 32}))
    assert (changed["uscc"].text, changed["uscc"].href) == ("91370200163562681G", "/enterprise/91370200163562681G")
    assert changed["newValueHash"].kind == "hash" and changed["newValueHash"].title == "0x" + "34" * 32 and "…" in changed["newValueHash"].text
    recorded = dict(zh.event("CreditRegistry", "CreditRecorded", {"subject": "0x" + uscc_subject("91370200163562681G").hex()}))
    assert recorded["subject"].href == "/enterprise/91370200163562681G"  # an enterprise's credit subject
    approved = dict(zh.event("Disbursements", "BatchApproved", {"batchId": 1, "approver": OFFICER, "department": "0x" + b"HRSS".hex().ljust(64, "0"), "complete": True}))
    assert (approved["department"].text, approved["department"].title.split(" · ")[0]) == ("HRSS", "人社局")
    granted = dict(zh.event("Disbursements", "RoleGranted", {"role": ROLE, "account": OFFICER, "sender": LEDGER}))
    assert granted["role"].kind == "role" and granted["role"].text != ROLE


def test_long_arrays_and_packed_payout_entries_collapse(zh, en):
    words = []
    for i in range(200):  # PayoutWord: [index 32][fen 64][account 160], then the beneficiary commitment
        words += [(i << 224) | (185_000 << 160) | int(OFFICER, 16), i + 1]
    entries = dict(zh.event("Disbursements", "BatchEntriesAdded", {"batchId": 1, "entries": words, "total": 200 * 185_000, "count": 200}))["entries"]
    assert entries.collapsed and entries.text == "200 笔发放，合计 ¥370,000.00" and len(entries.items) == 100 and entries.more == 100
    first = dict(entries.items[0].fields)
    assert (first["金额"].text, first["账户"].note) == ("¥1,850.00", "人社局")
    readers = dict(en.event("CreditRegistry", "CategoryReadersSet", {"category": 5, "readers": ["0x" + c.encode().hex().ljust(64, "0") for c in ("TAX", "HRSS")]}))
    assert not readers["readers"].collapsed and [s.text for s in readers["readers"].items] == ["TAX", "HRSS"]
    assert readers["readers"].plain() == "TAX, HRSS"


def test_structs_and_calls(zh):
    terms = [1, "0x" + b"HRSS".hex().ljust(64, "0"), 1_796_337_842, 30 * 86_400, 12, 10**9, 0, False]
    created = dict(zh.event("ProgramRegistry", "ProgramCreated", {"programId": 1, "name": "养老金", "terms": terms}))["terms"]
    assert created.plain() == "lineId=1, department=HRSS, start=2026-12-04 06:44:02, interval=30天, periodCount=12, periodLimit=¥10,000,000.00, attestationMaxAge=不限, separateExecutor=否"
    call = dict(zh.call("Disbursements", "fundProgram(uint256,uint256)", {"programId": 1, "amount": 50_000}))
    assert call["amount"].text == "¥500.00"
