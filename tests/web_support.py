"""Shared by the API and explorer tests: a realistic scenario on the brownie Anvil, and the app over it."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_account import Account

from conftest import make_sender
from govchain.clients import (
    BudgetClient, BudgetLine, CreditClient, CreditEntry, Decision, DisbursementClient, EligibilityClient, EnterpriseClient,
    IdentityClient, PayoutMode, PersonBinding, ProgramClient, WorkflowClient,
)  # fmt: skip
from govchain.config import Config
from govchain.connection import Deployment, Suite
from govchain.domain import identity_commitment, identity_tag, uscc_subject
from govchain.paths import PROJECT_ROOT
from govchain.portal import DepartmentCredential, DepartmentKeys, Portal
from govchain.relay import sign_request
from govchain.signer import DEV_IDENTITY_TAG_KEY, dev_accounts

REGISTERED = "91370200163562681G"
REJECTED = "91370203MA3C8LJQ0C"
PENDING = "913702007180261443"
ID_NUMBER = "11010519491231002X"
NAMES = {REGISTERED: "青岛海湾化工有限公司", REJECTED: "青岛琴岛海洋食品有限公司", PENDING: "青岛崂山云端软件有限公司"}
CAPITAL_FEN = 5_000_000 * 100  # 5 million yuan
SALT = bytes(range(32))
KEYS = {"SAMR": "samr-key-0123456789abcdef", "TAX": "tax-key-0123456789abcdef", "HRSS": "hrss-key-0123456789abcdef"}
OFFICERS = {"SAMR": 4, "TAX": 6, "HRSS": 10}
RELAYER = 16
DRC = 14


@dataclass
class Scenario:
    suite: Suite
    deployment_path: Path
    citizen: Any  # eth_account LocalAccount, bound with ID_NUMBER / SALT
    registered_case: int
    rejected_case: int
    pending_case: int
    overdue_case: int
    relayed_tx: str
    sealed: Any = None  # the sealed (non-public) credit record about REGISTERED (govchain.clients.Sealed)
    sealed_tx: str = ""


def seed(w3: Any, artifacts: Any, deployment_path: Path) -> Scenario:
    """Enterprises registered (one relayed from a citizen's signature), rejected and pending; a
    multi-step case left past its deadline; public and private credit records."""
    suite = Suite(w3, Deployment.load(deployment_path), artifacts)
    citizen = Account.from_key(b"\x42" * 32)
    founder = Account.from_key(b"\x43" * 32)
    IdentityClient(suite, make_sender(w3, artifacts, 12)).bind_persons(
        [PersonBinding.of(citizen.address, ID_NUMBER, SALT, DEV_IDENTITY_TAG_KEY), PersonBinding.of(founder.address, "370202199001011237", SALT, DEV_IDENTITY_TAG_KEY)], 2
    )
    registry = EnterpriseClient(suite)
    relay_sender = make_sender(w3, artifacts, RELAYER)
    forwarder = suite.contract("GovForwarder")
    relayed = []
    for nonce, (who, uscc) in enumerate([(citizen, REGISTERED), (citizen, REJECTED), (citizen, PENDING)]):
        data = registry.application_calldata(uscc, NAMES[uscc], identity_commitment("370202199001011237", SALT), CAPITAL_FEN, os.urandom(32))
        request = sign_request(who, forwarder.address, w3.eth.chain_id, registry.contract.address, data, nonce)
        relayed.append(relay_sender.transact(forwarder.functions.execute(request.request_data())))
    samr = WorkflowClient(suite, make_sender(w3, artifacts, OFFICERS["SAMR"]))
    registered_case, rejected_case, pending_case = (registry.get(u).case_id for u in (REGISTERED, REJECTED, PENDING))
    samr.decide(registered_case, Decision.APPROVE)
    samr.decide(rejected_case, Decision.REJECT, b"\x09" * 32)
    data = json.loads(deployment_path.read_text())
    engine = WorkflowClient(suite, make_sender(w3, artifacts, 19))
    IdentityClient(suite, make_sender(w3, artifacts, 12)).bind_person(PersonBinding.of(dev_accounts(w3.eth.chain_id)[19].address, "370202198501011239", SALT, DEV_IDENTITY_TAG_KEY), 2)
    engine.open_case(data["workflows"]["INVESTMENT_PROJECT"])
    overdue_case = engine.functions.caseCount().call()
    w3.provider.make_request("evm_increaseTime", [121 * 3600])
    w3.provider.make_request("evm_mine", [])
    drc = WorkflowClient(suite, make_sender(w3, artifacts, DRC))  # one case returned for material, one resubmitted
    for _ in range(2):
        engine.open_case(data["workflows"]["INVESTMENT_PROJECT"])
        drc.decide(engine.functions.caseCount().call(), Decision.RETURN, b"\x0b" * 32)
    engine.resubmit(engine.functions.caseCount().call(), b"\x0c" * 32)
    tax = CreditClient(suite, make_sender(w3, artifacts, OFFICERS["TAX"]))
    tax.append(uscc_subject(REGISTERED), CreditEntry(1, -5, os.urandom(32)))
    tax.append(uscc_subject(REGISTERED), CreditEntry(1, 8, os.urandom(32)))
    hrss = CreditClient(suite, make_sender(w3, artifacts, OFFICERS["HRSS"]))  # a non-public category: sealed
    sealed, receipts = hrss.append_sealed([(uscc_subject(REGISTERED), CreditEntry(5, -3, os.urandom(32), 1_735_689_600, 0))])
    return Scenario(suite, deployment_path, citizen, registered_case, rejected_case, pending_case, overdue_case,
                    relayed[0].tx_hash, sealed[0], receipts[0].tx_hash)  # fmt: skip


def make_portal(w3: Any, deployment_path: Path, database: Path) -> Portal:
    config = Config(rpc_url=w3.provider.endpoint_uri, deployment_file=deployment_path, database_url=f"sqlite:///{database}",
                    build_dir=PROJECT_ROOT / "build" / "contracts")  # fmt: skip
    accounts = dev_accounts(w3.eth.chain_id)
    keys = DepartmentKeys({KEYS[d]: DepartmentCredential(d, accounts[OFFICERS[d]]) for d in KEYS})
    portal = Portal(config, department_keys=keys, relayer=accounts[RELAYER], env={})
    portal.sync()
    return portal


# --- fiscal funds ----------------------------------------------------------------------------------

FIN, FIN2, FIN3, HRSS, HRSS2, PSB, PSB2, BANK = 7, 8, 9, 10, 11, 12, 13, 19
MONTH = 30 * 24 * 3600
CITIZEN = identity_commitment(ID_NUMBER, SALT)
CITIZEN_REFUND = 10_000  # fen of the citizen's bank payout the bank sent back: requested, not yet confirmed


def seed_funds(w3, artifacts, deployment_path):
    """A budget with two lines; a wallet pension (paid one period, one person refused for no proof
    of life, and the citizen of web_support withheld: their key was recovered between approval and
    execution) and a bank-settled subsidy paid to 5 people including the citizen, part of whose
    payout the bank sent back (a refund requested, awaiting the bank's confirmation)."""
    suite = Suite(w3, Deployment.load(deployment_path), artifacts)
    people = [Account.create() for _ in range(9)]
    commitments = [os.urandom(32) for _ in range(8)] + [CITIZEN]
    tags = [os.urandom(32) for _ in range(8)] + [identity_tag(ID_NUMBER, DEV_IDENTITY_TAG_KEY)]
    IdentityClient(suite, make_sender(w3, artifacts, PSB)).bind_persons([PersonBinding(p.address, c, t) for p, c, t in zip(people, commitments, tags)], 2)
    budget, lines = BudgetClient(suite, make_sender(w3, artifacts, FIN)).propose(
        2026, b"\x0b" * 32, [BudgetLine("PENSION", "养老金", 10_000_000), BudgetLine("SUBSIDY", "补贴", 5_000_000)]
    )
    for officer in (FIN2, FIN3, DRC):
        BudgetClient(suite, make_sender(w3, artifacts, officer)).approve(budget)
    now = w3.eth.get_block("latest")["timestamp"]
    admin = ProgramClient(suite, make_sender(w3, artifacts, FIN))
    pension = admin.create("pension", lines[0], "HRSS", now - MONTH, MONTH, 6, 10**9, attestation_max_age=365 * 24 * 3600)
    subsidy = admin.create("subsidy", lines[1], "HRSS", now, MONTH, 1, 10**9)
    treasury = DisbursementClient(suite, make_sender(w3, artifacts, FIN))
    treasury.fund(pension, 2_000_000)
    treasury.fund(subsidy, 1_000_000)
    hrss = make_sender(w3, artifacts, HRSS)
    ProgramClient(suite, hrss).enroll(pension, commitments[:4] + [CITIZEN])
    ProgramClient(suite, hrss).enroll(subsidy, commitments[4:])
    EligibilityClient(suite, hrss).attest(commitments[1:4] + [CITIZEN], b"\x0c" * 32)  # person 0 has no proof of life
    operator, approver = DisbursementClient(suite, hrss), DisbursementClient(suite, make_sender(w3, artifacts, HRSS2))
    [wallet] = operator.propose(pension, 0, PayoutMode.WALLET, [(c, 100_000) for c in commitments[:4] + [CITIZEN]])
    approver.approve(wallet)
    recovered = recover_key(suite, w3, artifacts, CITIZEN)  # after approval: the approved account is a lost key
    wallet_execution = operator.execute_wallet(wallet)
    [bank] = operator.propose(subsidy, 0, PayoutMode.BANK, [(c, 50_000 + i) for i, c in enumerate(commitments[4:])])
    approver.approve(bank)
    refs = {c: os.urandom(32) for c in commitments[4:]}
    execution = operator.execute_bank(bank, refs)
    refund = operator.request_bank_refund(bank.batch_id, execution.payout(CITIZEN), CITIZEN_REFUND, b"\x0e" * 32)
    return {"suite": suite, "budget": budget, "lines": lines, "pension": pension, "subsidy": subsidy, "wallet": wallet,
            "bank": bank, "refs": refs, "tree": execution.tree, "execution": execution, "wallet_execution": wallet_execution,
            "commitments": commitments, "recovered": recovered, "refund": refund, "people": people}  # fmt: skip


def recover_key(suite: Suite, w3: Any, artifacts: Any, commitment: bytes) -> str:
    """Two police registrars move `commitment` to a new key (a lost phone); returns the new account."""
    new = Account.create().address
    identity = suite.contract("IdentityRegistry").functions
    make_sender(w3, artifacts, PSB).transact(identity.proposeRecovery(commitment, new))
    make_sender(w3, artifacts, PSB2).transact(identity.confirmRecovery(commitment, new))
    return new


def get(client: Any, path: str, expect: int = 200, **params: Any) -> Any:
    """GET `path` from a TestClient, assert the status, and return the JSON (or the response)."""
    response = client.get(path, params=params)
    assert response.status_code == expect, (path, response.status_code, response.text[:500])
    return response.json() if response.headers["content-type"].startswith("application/json") else response
