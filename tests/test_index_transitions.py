"""Every state transition of every contract, driven through the govchain clients against the real Anvil
and the deployed suite, with the index synced after each step: the index built that way must equal a
fresh re-index from the deployment's first block (every table), record no projection failure, and
its fund projection must agree with the chain.

The walk covers governance (schedule, execute, cancel, delay), departments (register, deactivate,
reactivate, assign and remove an officer, a regulator's flag), identity (bind one and many, an
enterprise, change a level, key recovery, revocation), templates, enterprise registration (approved,
returned and resubmitted, rejected and applied again, relayed; changed, suspended, reinstated,
deregistered), multi-step cases (approved, returned, rejected), credit (categories, append, batch,
correction, revocation), budgets (approved, withdrawn), token accounts, programs (removal and
re-enrolment), proof of life (attest, revoke, attest again, expire), payout batches (extended, four
and six eyes, refused entries of every kind, cancelled when proposed and when approved, wallet and
bank execution, refunds of both) and citizens' transfers and a bank's settlement. A last check
proves the coverage: every event the suite's contracts declare was emitted at least once.
"""

from __future__ import annotations

import json
import os
from typing import Any

from eth_account import Account
from eth_utils import keccak
from sqlalchemy import func, select

from conftest import make_sender
from govchain.clients import (
    BudgetClient, BudgetLine, ChangeKind, CreditClient, CreditEntry, Decision, DisbursementClient, EligibilityClient,
    EnterpriseClient, IdentityClient, PayoutMode, PersonBinding, ProgramClient, WorkflowClient,
)  # fmt: skip
from govchain.connection import Deployment, Suite
from govchain.domain import uscc_check_character, uscc_subject
from govchain.indexer import Indexer
from govchain.indexer.funds import enrollments, executions, refunds
from govchain.relay import sign_request
from govchain.sender import TransactionSender

SAMR, SAMR2, TAX, FIN, FIN2, FIN3, HRSS, HRSS2, PSB, PSB2, DRC, CIVIL, RELAYER, REGULATOR, BANK = (
    4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19
)  # fmt: skip
PROPOSER = 1  # a governance proposer (config/consortium.yaml)
DAY, MONTH, YEAR = 24 * 3600, 30 * 24 * 3600, 365 * 24 * 3600
REASON = b"\x0e" * 32
ZERO32 = b"\0" * 32
NEVER_EMITTED = {
    "RoleAdminChanged",  # no contract of the suite changes a role's admin
    "EIP712DomainChanged",  # GovForwarder's domain is fixed at deployment
}


def _uscc(serial: int) -> str:
    body = f"91370211MA{serial:07d}"
    return body + uscc_check_character(body)


class Walk:
    """The suite, a sender per account, governance through the timelock, and the index synced after each step."""

    def __init__(self, w3: Any, artifacts: Any, deployment: Deployment, database: str) -> None:
        self.w3 = w3
        self.artifacts = artifacts
        self.suite = Suite(w3, deployment, artifacts)
        self.index = Indexer(w3, deployment, artifacts, database, chunk=7)
        self._senders: dict[Any, TransactionSender] = {}
        self._salt = 0
        self.steps = 0

    def sender(self, who: Any) -> TransactionSender:
        """Anvil account `who` (an int), or a citizen's own key (an eth_account LocalAccount, given gas money)."""
        key = who if isinstance(who, int) else who.address
        if key not in self._senders:
            if isinstance(who, int):
                self._senders[key] = make_sender(self.w3, self.artifacts, who)
            else:
                self.w3.provider.make_request("anvil_setBalance", [who.address, hex(10**18)])
                self._senders[key] = TransactionSender(self.w3, who, self.artifacts)
        return self._senders[key]

    def fn(self, contract: str) -> Any:
        return self.suite.contract(contract).functions

    def send(self, who: Any, call: Any) -> Any:
        receipt = self.sender(who).transact(call)
        self.synced()
        return receipt

    def synced(self) -> None:
        """Sync the index (incrementally, as `govchain serve` does); no event may fail its projection."""
        result = self.index.sync()
        assert result.failures == 0, [f.describe() for f in self.index.failures()]
        self.steps += 1

    def later(self, seconds: int) -> None:
        self.w3.provider.make_request("evm_increaseTime", [seconds])
        self.w3.provider.make_request("evm_mine", [])

    # --- governance (GovTimelock) -------------------------------------------------------------

    def schedule(self, call: Any) -> tuple[Any, ...]:
        self._salt += 1
        operation = (call.address, 0, bytes.fromhex(call._encode_transaction_data()[2:]), ZERO32, self._salt.to_bytes(32, "big"))
        timelock = self.fn("GovTimelock")
        self.send(PROPOSER, timelock.schedule(*operation, timelock.getMinDelay().call()))
        return operation

    def govern(self, call: Any) -> Any:
        operation = self.schedule(call)
        self.later(self.fn("GovTimelock").getMinDelay().call() + 1)
        return self.send(PROPOSER, self.fn("GovTimelock").execute(*operation))


def _governance_and_departments(walk: Walk) -> None:
    departments, audit = walk.fn("DepartmentRegistry"), b"AUDIT".ljust(32, b"\0")
    walk.govern(departments.registerDepartment(audit, "青岛市审计局"))
    officer = Account.create().address
    walk.govern(departments.assignOfficer(officer, audit))
    walk.govern(departments.setDepartmentActive(audit, False))
    walk.govern(departments.setDepartmentActive(audit, True))
    walk.govern(departments.removeOfficer(officer))
    eligibility = walk.suite.contract("EligibilityRegistry").address
    walk.govern(departments.deregisterRoleContract(eligibility))
    walk.govern(departments.registerRoleContract(eligibility))
    cancelled = walk.schedule(departments.registerDepartment(b"TEMP".ljust(32, b"\0"), "临时"))
    walk.send(PROPOSER, walk.fn("GovTimelock").cancel(walk.fn("GovTimelock").hashOperation(*cancelled).call()))
    walk.govern(walk.fn("GovTimelock").updateDelay(walk.fn("GovTimelock").getMinDelay().call()))
    for contract, role in (("CreditRegistry", "CREDIT_WRITER_ROLE"), ("GovTimelock", "CANCELLER_ROLE")):
        walk.govern(walk.fn(contract).grantRole(keccak(text=role), officer))
        walk.govern(walk.fn(contract).revokeRole(keccak(text=role), officer))


def _identities(walk: Walk, people: list[Any], commitments: list[bytes], company: Any) -> None:
    registrar = IdentityClient(walk.suite, walk.sender(PSB))
    tags = [keccak(b"tag" + c) for c in commitments]  # stand-in uniqueness tags (domain.identity_tag in real use)
    registrar.bind_person(PersonBinding(people[0].address, commitments[0], tags[0]), 2)
    walk.synced()
    registrar.bind_persons([PersonBinding(p.address, c, t) for p, c, t in zip(people[1:], commitments[1:], tags[1:])], 2)
    walk.synced()
    IdentityClient(walk.suite, walk.sender(SAMR)).bind_enterprise(company.address, _uscc(9), 2)
    walk.synced()
    identity = walk.fn("IdentityRegistry")
    walk.send(PSB, identity.setLevel(commitments[1], 3))
    walk.send(SAMR, identity.setLevel(uscc_subject(_uscc(9)), 3))
    replacement = Account.create()  # person 2 lost their key: recovered by two registrars
    walk.send(PSB, identity.proposeRecovery(commitments[2], replacement.address))
    walk.send(PSB2, identity.confirmRecovery(commitments[2], replacement.address))
    people[2] = replacement
    walk.send(PSB, identity.revoke(commitments[7], REASON))


def _templates_and_enterprises(walk: Walk, people: list[Any], workflows: dict[str, int]) -> None:
    engine = walk.fn("WorkflowEngine")
    hook = walk.suite.contract("EnterpriseRegistry").address
    walk.govern(engine.createTemplate(keccak(text="临时许可"), [(keccak(text="CIVIL_REVIEWER_ROLE"), 3600)], hook, 1))
    walk.govern(engine.deactivateTemplate(engine.templateCount().call()))
    walk.govern(walk.fn("EnterpriseRegistry").setRegistrationTemplate(workflows["ENTERPRISE_REGISTRATION"]))

    founder, samr = people[0], WorkflowClient(walk.suite, walk.sender(SAMR))
    registry = EnterpriseClient(walk.suite, walk.sender(founder))
    regulator = EnterpriseClient(walk.suite, walk.sender(SAMR))

    def apply(uscc: str) -> int:
        registry.apply(uscc, f"青岛测试企业{uscc[-4:]}有限公司", os.urandom(32), 1_000_000, os.urandom(32))
        walk.synced()
        return registry.get(uscc).case_id

    def decide(case_id: int, decision: Decision) -> None:
        samr.decide(case_id, decision, REASON)
        walk.synced()

    decide(apply(_uscc(1)), Decision.APPROVE)  # registered, changed, suspended, reinstated, deregistered
    for step in (lambda: regulator.record_change(_uscc(1), ChangeKind.DOMICILE, os.urandom(32)), lambda: regulator.change_name(_uscc(1), "青岛测试更名有限公司"),
                 lambda: regulator.change_registered_capital(_uscc(1), 3_000_000), lambda: regulator.suspend(_uscc(1), REASON),
                 lambda: regulator.reinstate(_uscc(1), REASON), lambda: regulator.deregister(_uscc(1), REASON)):  # fmt: skip
        step()
        walk.synced()
    case = apply(_uscc(2))  # returned for material, resubmitted, rejected, applied again, registered, suspended, deregistered
    decide(case, Decision.RETURN)
    WorkflowClient(walk.suite, walk.sender(founder)).resubmit(case, os.urandom(32))
    walk.synced()
    decide(case, Decision.REJECT)
    decide(apply(_uscc(2)), Decision.APPROVE)
    regulator.suspend(_uscc(2), REASON)
    walk.synced()
    regulator.deregister(_uscc(2), REASON)
    walk.synced()
    # a squatter's applications: the owner contests; one contest dismissed then upheld (the case
    # rejected), another left returned until it expires (the contest lapses)
    walk.govern(engine.setReturnExpiry(7 * DAY))
    squatter = EnterpriseClient(walk.suite, walk.sender(people[4]))
    owner = EnterpriseClient(walk.suite, walk.sender(people[5]))
    squatter.apply(_uscc(4), "青岛抢注贸易有限公司", os.urandom(32), 1_000_000, os.urandom(32))
    walk.synced()
    owner.contest(_uscc(4), os.urandom(32))
    walk.synced()
    regulator.dismiss_contest(_uscc(4), REASON)
    walk.synced()
    owner.contest(_uscc(4), os.urandom(32))
    walk.synced()
    decide(squatter.get(_uscc(4)).case_id, Decision.REJECT)
    squatter.apply(_uscc(5), "青岛抢注物流有限公司", os.urandom(32), 1_000_000, os.urandom(32))
    walk.synced()
    lapsing = squatter.get(_uscc(5)).case_id
    owner.contest(_uscc(5), os.urandom(32))
    walk.synced()
    decide(lapsing, Decision.RETURN)
    walk.later(8 * DAY)
    WorkflowClient(walk.suite, walk.sender(people[6])).expire(lapsing)
    walk.synced()
    forwarder = walk.suite.contract("GovForwarder")  # a citizen's signed application, relayed (left pending)
    data = registry.application_calldata(_uscc(3), "青岛中继申请有限公司", os.urandom(32), 500_000, os.urandom(32))
    deadline = walk.w3.eth.get_block("latest")["timestamp"] + DAY  # chain time: governance moved it on
    request = sign_request(people[1], forwarder.address, walk.w3.eth.chain_id, registry.contract.address, data, 0, deadline=deadline)
    walk.send(RELAYER, forwarder.functions.execute(request.request_data()))

    applicant = WorkflowClient(walk.suite, walk.sender(people[1]))
    officers = {name: WorkflowClient(walk.suite, walk.sender(n)) for name, n in {"DRC": DRC, "FIN": FIN, "TAX": TAX, "CIVIL": CIVIL}.items()}

    def run(template: str, decisions: list[tuple[str, Decision]]) -> None:
        applicant.open_case(workflows[template])
        walk.synced()
        case_id = engine.caseCount().call()
        for who, decision in decisions:
            if who == "applicant":
                applicant.resubmit(case_id, os.urandom(32))
            else:
                officers[who].decide(case_id, decision, REASON)
            walk.synced()

    run("INVESTMENT_PROJECT", [("DRC", Decision.APPROVE), ("FIN", Decision.RETURN), ("applicant", Decision.APPROVE),
                               ("FIN", Decision.APPROVE), ("TAX", Decision.APPROVE)])  # fmt: skip
    run("INVESTMENT_PROJECT", [("DRC", Decision.REJECT)])
    run("SUBSISTENCE_ALLOWANCE", [("CIVIL", Decision.APPROVE), ("FIN", Decision.REJECT)])


def _credit(walk: Walk) -> None:
    credit = walk.fn("CreditRegistry")
    walk.govern(credit.configureCategory(7, "志愿服务 volunteering", True, True, 0, 10, b"CIVIL".ljust(32, b"\0")))
    walk.govern(credit.configureCategory(7, "志愿服务 volunteering", False, True, 0, 10, b"CIVIL".ljust(32, b"\0")))
    subject = uscc_subject(_uscc(9))
    tax = CreditClient(walk.suite, walk.sender(TAX))
    tax.append(subject, CreditEntry(1, -5, os.urandom(32)))
    walk.synced()
    CreditClient(walk.suite, walk.sender(SAMR)).append_many([(subject, CreditEntry(2, -10, os.urandom(32))),
                                                            (uscc_subject(_uscc(1)), CreditEntry(2, -20, os.urandom(32)))])  # fmt: skip
    walk.synced()
    tax.correct(subject, 0, CreditEntry(1, -3, os.urandom(32)))
    walk.synced()
    tax.revoke(subject, 2, os.urandom(32))  # the correction (record 2) revoked
    walk.synced()
    # a non-public record, sealed to the departments entitled to read it, then revoked by its owner
    hrss = CreditClient(walk.suite, walk.sender(HRSS))
    [sealed], _ = hrss.append_sealed([(subject, CreditEntry(5, -3, os.urandom(32)))])
    walk.synced()
    hrss.revoke_sealed(sealed.record.sealed_id, os.urandom(32))
    walk.synced()
    registry = walk.suite.contract("CreditRegistry").address
    walk.send(REGULATOR, walk.fn("DepartmentRegistry").flagRecord(registry, credit.recordId(subject, 1).call(), REASON))


def _funds(walk: Walk, people: list[Any], commitments: list[bytes]) -> dict[str, Any]:
    fin = BudgetClient(walk.suite, walk.sender(FIN))
    lines_in = [BudgetLine("PENSION", "养老金", 5_000_000), BudgetLine("SUBSIDY", "补贴", 1_000_000)]
    budget, lines = fin.propose(2027, os.urandom(32), lines_in)
    walk.synced()
    for officer in (FIN2, FIN3, DRC):
        BudgetClient(walk.suite, walk.sender(officer)).approve(budget)
        walk.synced()
    withdrawn, _ = fin.propose(2028, os.urandom(32), [BudgetLine("DRAFT", "草案", 1_000)])
    walk.synced()
    walk.send(FIN, walk.fn("BudgetRegistry").withdrawBudget(withdrawn, REASON))
    walk.govern(walk.fn("Disbursements").setExecutorSeparation(False))
    token, merchant = walk.fn("FiscalToken"), Account.create().address
    walk.send(FIN, token.registerAccount(merchant, b"MERCHANT".ljust(32, b"\0")))
    walk.send(FIN, token.deregisterAccount(merchant))

    now = walk.w3.eth.get_block("latest")["timestamp"]
    admin = ProgramClient(walk.suite, walk.sender(FIN))
    pension = admin.create("pension", lines[0], "HRSS", now - 4 * MONTH, MONTH, 6, 250_000, attestation_max_age=YEAR)
    subsidy = admin.create("subsidy", lines[1], "HRSS", now - MONTH, MONTH, 2, 10**9)
    walk.synced()
    treasury = DisbursementClient(walk.suite, walk.sender(FIN))
    treasury.fund(pension, 3_000_000)
    treasury.fund(subsidy, 500_000)
    walk.synced()
    programs = ProgramClient(walk.suite, walk.sender(HRSS))
    programs.enroll(pension, commitments[:7])
    programs.enroll(subsidy, commitments[:4])
    walk.synced()
    proof_of_life = EligibilityClient(walk.suite, walk.sender(HRSS))
    proof_of_life.attest([c for i, c in enumerate(commitments[:7]) if i != 5], os.urandom(32))  # person 5 never attested
    walk.synced()
    walk.send(HRSS, walk.fn("EligibilityRegistry").revokeAttestation(commitments[4], REASON))
    walk.send(PSB, walk.fn("IdentityRegistry").revoke(commitments[6], REASON))  # enrolled, then revoked

    operator, approver = DisbursementClient(walk.suite, walk.sender(HRSS)), DisbursementClient(walk.suite, walk.sender(HRSS2))
    disbursements = walk.fn("Disbursements")

    def approved(batch: Any, finance: bool = False) -> Any:
        approver.approve(batch)
        walk.synced()
        if finance:  # above the period limit: two finance officers too
            for officer in (FIN2, FIN3):
                DisbursementClient(walk.suite, walk.sender(officer)).approve(batch)
                walk.synced()
        return batch

    # period 0: proposed in two parts, persons 4 (attestation revoked), 5 (none) and 6 (revoked) refused; over the limit
    [first] = operator.propose(pension, 0, PayoutMode.WALLET, [(c, 100_000) for c in commitments[:2]] + [(commitments[5], 100_000)])
    walk.synced()
    rest = [(commitments[i], 100_000) for i in (2, 3, 4, 6)]
    extension = walk.send(HRSS, disbursements.extendBatch(first.batch_id, rest))
    operator._absorb(first, extension)  # the client's own bookkeeping of a proposal's parts
    operator.execute_wallet(approved(first, finance=True))
    walk.synced()
    walk.send(people[0], walk.fn("FiscalToken").approve(walk.suite.contract("Disbursements").address, 30_000))
    operator.refund_wallet(first, 0, 30_000, REASON)
    walk.synced()
    walk.send(people[1], walk.fn("FiscalToken").transfer(walk.w3.to_checksum_address(walk.sender(BANK).account.address), 10_000))
    walk.send(BANK, walk.fn("FiscalToken").settle(10_000, os.urandom(32)))  # the bank pays it out in cash

    # person 1 removed, period 1 paid without them; enrolled again (same index), attested again, period 2 pays them
    walk.send(HRSS, walk.fn("ProgramRegistry").removeBeneficiary(pension, commitments[1], REASON))
    [second] = operator.propose(pension, 1, PayoutMode.WALLET, [(c, 50_000) for c in (commitments[0], commitments[2], commitments[3])])
    walk.synced()
    operator.execute_wallet(approved(second))
    walk.synced()
    programs.enroll(pension, [commitments[1]])
    proof_of_life.attest([commitments[4]], os.urandom(32))
    walk.synced()
    [third] = operator.propose(pension, 2, PayoutMode.WALLET, [(c, 40_000) for c in commitments[:5]])
    walk.synced()
    third = approved(third)
    # person 3's key is recovered after the approval: their entry is withheld, never paid to the old key
    identity, replacement = walk.fn("IdentityRegistry"), Account.create()
    walk.send(PSB, identity.proposeRecovery(commitments[3], replacement.address))
    walk.send(PSB2, identity.confirmRecovery(commitments[3], replacement.address))
    people[3] = replacement
    walk.synced()
    assert [w.beneficiary for w in operator.execute_wallet(third).withheld] == [commitments[3]]
    walk.synced()

    # period 3: cancelled when proposed, cancelled when approved, then paid
    for approve_first in (False, True):
        [doomed] = operator.propose(pension, 3, PayoutMode.WALLET, [(c, 20_000) for c in commitments[:2]])
        walk.synced()
        if approve_first:
            approved(doomed)
        walk.send(HRSS, disbursements.cancelBatch(doomed.batch_id, doomed.content, REASON))
    [fourth] = operator.propose(pension, 3, PayoutMode.WALLET, [(commitments[0], 20_000)])
    walk.synced()
    operator.execute_wallet(approved(fourth))
    walk.synced()

    # bank-settled subsidy, one payout partly refunded
    [bank] = operator.propose(subsidy, 0, PayoutMode.BANK, [(c, 60_000 + i) for i, c in enumerate(commitments[:4])])
    walk.synced()
    refs = {c: os.urandom(32) for c in commitments[:4]}
    execution = operator.execute_bank(approved(bank), refs)
    walk.synced()
    payout = execution.payout(commitments[1])
    requested = operator.request_bank_refund(bank.batch_id, payout, 1_000, REASON)
    walk.synced()
    DisbursementClient(walk.suite, walk.sender(HRSS2)).confirm_bank_refund(requested.refund_id)
    walk.synced()
    cancelled = operator.request_bank_refund(bank.batch_id, payout, 500, REASON)
    walk.send(HRSS, disbursements.cancelBankRefund(cancelled.refund_id, REASON))

    # a year on, proof of life has expired for all but a freshly attested person
    walk.later(YEAR)
    proof_of_life.attest([commitments[0]], os.urandom(32))
    walk.synced()
    [late] = operator.propose(pension, 4, PayoutMode.WALLET, [(commitments[0], 20_000), (commitments[3], 20_000)])
    walk.synced()
    operator.execute_wallet(approved(late))
    walk.synced()
    return {"pension": pension, "subsidy": subsidy, "refused": {**first.refused, **late.refused}}


def test_every_transition_is_indexed_as_a_fresh_reindex_would(tmp_path, w3, artifacts, suite_deployment):
    deployment = Deployment.load(suite_deployment.path)
    walk = Walk(w3, artifacts, deployment, f"sqlite:///{tmp_path / 'incremental.db'}")
    walk.synced()
    people = [Account.create() for _ in range(8)]
    commitments = [os.urandom(32) for _ in range(8)]
    company = Account.create()

    _governance_and_departments(walk)
    _identities(walk, people, commitments, company)
    _templates_and_enterprises(walk, people, json.loads(suite_deployment.path.read_text())["workflows"])
    _credit(walk)
    funds = _funds(walk, people, commitments)

    assert {r.value for r in funds["refused"].values()} == {1, 2, 3}  # identity revoked, no attestation, attestation expired
    fresh = Indexer(w3, deployment, artifacts, f"sqlite:///{tmp_path / 'fresh.db'}")
    fresh.sync(to_block=walk.index.checkpoint()[0])
    assert walk.index.failures() == [] and fresh.failures() == []
    incremental, rebuilt = walk.index.dump(), fresh.dump()
    assert incremental.keys() == rebuilt.keys()
    for table in incremental:
        assert incremental[table] == rebuilt[table], table
    assert walk.index.reproject() == 0 and walk.index.dump() == rebuilt  # a replay from the stored events, too

    emitted = {(r[4], r[5]) for r in incremental["events"]}
    declared = {
        (name, item["name"]) for name in deployment.contracts for item in artifacts.abi(name)
        if item["type"] == "event" and item["name"] not in NEVER_EMITTED
    }  # fmt: skip
    assert declared - emitted == set(), "transitions the walk does not cover"

    # the fund projection agrees with the chain: enrolments by index, money paid and refunded per program
    registry, ledger = walk.fn("ProgramRegistry"), walk.fn("Disbursements")
    with walk.index.engine.connect() as conn:
        for program in (funds["pension"], funds["subsidy"]):
            enrolled = registry.program(program).call()[5]
            rows = conn.execute(select(enrollments.c.idx, enrollments.c.beneficiary).where(enrollments.c.program_id == program)).all()
            assert sorted(rows) == [(i, "0x" + bytes(registry.beneficiaryAt(program, i).call()).hex()) for i in range(enrolled)]
            account = ledger.programAccount(program).call()
            paid = conn.execute(select(func.sum(executions.c.total)).where(executions.c.program_id == program)).scalar()
            refunded = conn.execute(select(func.sum(refunds.c.amount)).where(refunds.c.program_id == program)).scalar()
            assert (paid, refunded) == (account[1], account[3])
    assert walk.steps > 100
