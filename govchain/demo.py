"""The demo scenario: a realistic Qingdao day on the local chain (`make demo`, `govchain demo`).

Deploys the suite (or reuses it), then seeds: the consortium's departments and officers, citizens
bound to identity commitments, 200 enterprises applying (some refused for a bad USCC, most
approved, some rejected, some changed), 30 approval cases at every stage including overdue ones,
2,000 credit records with corrections and revocations, and the fiscal programs. Everything goes
through the govchain client layer; citizens sign their applications (EIP-712) and the big-data
bureau relays them, so citizens pay no gas. The demo citizens' ID numbers and salts are written to
`.govchain/demo-citizens.json` (git-ignored) so "verify my payment" can be tried with them.
"""

from __future__ import annotations

import json
import random
import time
from urllib.parse import urlparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3 import Web3

from govchain import clock, views
from govchain.artifacts import Artifacts
from govchain.clients import (
    ChangeKind,
    CreditClient,
    CreditEntry,
    Decision,
    EnterpriseClient,
    IdentityClient,
    PersonBinding,
    WorkflowClient,
)
from govchain.config import Config
from govchain.connection import Deployment, Suite
from govchain.deploy import deploy_suite, load_consortium
from govchain.domain import ID_CARD_CHECK, ID_CARD_WEIGHTS, USCC_ALPHABET, identity_commitment, uscc_check_character, uscc_subject
from govchain.exceptions import GovchainError
from govchain.indexer import Indexer
from govchain.paths import state_dir
from govchain.relay import Relayer, SignedRequest, sign_request
from govchain.sender import TransactionSender
from govchain.signer import dev_accounts, identity_tag_key

SEED = 20261128
CITIZENS = 1_200  # 200 founders and applicants, 1,000 pension beneficiaries
ENTERPRISES = 200
BAD_USCC = 10  # of the 200 applications, refused for a wrong check character before anything is sent
CREDIT_RECORDS = 2_000
DAY = 24 * 3600
CASES = 30  # opened by the citizens after the founders (people[ENTERPRISES:]), at every stage


@dataclass(frozen=True)
class DemoSize:
    """How many of each record the demo seeds. `DemoSize.scaled(0.1)` is a smaller day with every kind
    of record still present (the crawl test in `make test` uses it); 1.0 is the Qingdao day."""

    enterprises: int = ENTERPRISES  # founders: people[:enterprises]
    bad_uscc: int = BAD_USCC
    changes: int = 25  # registered enterprises with a change recorded; the next is suspended, the next deregistered
    retirees: int = CITIZENS - ENTERPRISES  # pension beneficiaries: people[enterprises:]
    subsidy_founders: int = 150
    credit_records: int = CREDIT_RECORDS

    @classmethod
    def scaled(cls, scale: float) -> "DemoSize":
        if scale >= 1:
            return cls()

        def n(full: int, least: int) -> int:  # at least enough for every kind of record
            return max(least, round(full * scale))

        return cls(n(ENTERPRISES, 30), n(BAD_USCC, 1), n(25, 2), n(CITIZENS - ENTERPRISES, CASES), n(150, 9), n(CREDIT_RECORDS, 100))

    @property
    def citizens(self) -> int:
        return self.enterprises + self.retirees


# Officers (Anvil development accounts, as in config/consortium.yaml)
SAMR, SAMR2, TAX, FIN, FIN2, FIN3, HRSS, HRSS2, PSB, DRC, CIVIL, BDB, BANK = 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 19


@dataclass
class Citizen:
    index: int
    account: LocalAccount
    id_number: str
    salt: bytes

    @property
    def commitment(self) -> bytes:
        return identity_commitment(self.id_number, self.salt)


@dataclass
class DemoSummary:
    reused: bool = False
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, Any] = field(default_factory=dict)


def demo_id_number(rng: random.Random) -> str:
    """A well-formed (fictitious) Qingdao resident ID number: region, birth date, sequence, check."""
    region = rng.choice(["370202", "370203", "370211", "370212", "370213", "370214"])
    birth = f"{rng.randint(1940, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = region + birth + f"{rng.randint(0, 999):03d}"
    return body + ID_CARD_CHECK[sum(int(d) * w for d, w in zip(body, ID_CARD_WEIGHTS)) % 11]


# Invented Qingdao enterprise names: 青岛 + a trade name (字号) + an industry + an organisational form.
TRADE_NAMES = (
    "海湾", "琴岛", "崂山", "胶州湾", "蓝谷", "金沙滩", "红岛", "鳌山", "即墨", "灵山", "浮山", "汇泉", "栈桥", "海泊",
    "沧口", "李村", "城阳", "黄岛", "海晏", "信诚", "瑞丰", "恒泰", "永盛", "鼎新", "华海", "海川", "启航", "远帆",
)
INDUSTRIES = (
    "化工", "海洋食品", "港口机械", "软件", "物流", "新材料", "电子科技", "酿造", "纺织", "建筑工程", "船舶配件",
    "医疗器械", "海洋生物", "家电配件", "轨道交通设备", "环保科技", "冷链仓储", "橡胶制品", "文化传媒", "跨境电商",
)
FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司")


def demo_enterprise_name(rng: random.Random, taken: set[str]) -> str:
    """An invented, not yet taken Qingdao enterprise name, e.g. 青岛海湾化工有限公司."""
    while True:
        name = "青岛" + rng.choice(TRADE_NAMES) + rng.choice(INDUSTRIES) + rng.choice(FORMS)
        if name not in taken:
            taken.add(name)
            return name


def demo_uscc(rng: random.Random) -> str:
    """A well-formed (fictitious) USCC: 9 (industry & commerce) 1 (enterprise) + Qingdao region + code."""
    body = "91" + rng.choice(["370202", "370203", "370211", "370212"]) + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc_check_character(body)


class DemoRun:
    def __init__(self, suite: Suite, report: Callable[[str], None], size: DemoSize = DemoSize()) -> None:
        self.suite = suite
        self.size = size
        self.w3 = suite.w3
        self.report = report
        self.rng = random.Random(SEED)
        self.names_rng = random.Random(SEED + 1)  # its own stream: names leave every other seeded figure as it was
        self.officers = dev_accounts(self.w3.eth.chain_id)
        self.summary = DemoSummary()
        self.relayer = Relayer(self.sender(BDB), suite.contract("GovForwarder"))

    def sender(self, index: int) -> TransactionSender:
        return TransactionSender(self.w3, self.officers[index], self.suite.artifacts)

    def count(self, key: str, n: int = 1) -> None:
        self.summary.counts[key] = self.summary.counts.get(key, 0) + n

    def hash(self, *parts: Any) -> bytes:
        return keccak(text="|".join(str(p) for p in parts))

    def seed(self) -> DemoSummary:
        """Every step of the day, in order."""
        self.report("binding citizens' identity commitments ...")
        people = self.citizens()
        self.report("enterprises applying and being reviewed ...")
        registered = self.enterprises(people)
        self.report("approval cases at every stage ...")
        self.cases(people)
        self.report("credit records ...")
        self.credit(registered, people)
        self.report("budget, programs and payouts ...")
        self.funds(people)
        return self.summary

    # --- citizens ---------------------------------------------------------------------------------

    def citizens(self) -> list[Citizen]:
        people = []
        for i in range(self.size.citizens):
            key = keccak(text=f"govchain-demo-citizen-{SEED}-{i}")
            people.append(Citizen(i, Account.from_key(key), demo_id_number(self.rng), keccak(text=f"salt-{SEED}-{i}")))
        identity = IdentityClient(self.suite, self.sender(PSB))
        tag_key = identity_tag_key(self.w3.eth.chain_id)
        identity.bind_persons([PersonBinding.of(c.account.address, c.id_number, c.salt, tag_key) for c in people], 2)
        self.count("citizens bound to identity commitments", len(people))
        path = state_dir() / "demo-citizens.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(
            [{"index": c.index, "account": c.account.address, "id_number": c.id_number, "salt": "0x" + c.salt.hex(),
              "commitment": "0x" + c.commitment.hex()} for c in people], ensure_ascii=False, indent=1))  # fmt: skip
        self.summary.examples["citizens_file"] = str(path)
        return people

    def signed(self, citizen: Citizen, to: str, data: bytes, nonce: int) -> SignedRequest:
        chain_time = self.w3.eth.get_block("latest")["timestamp"]
        return sign_request(citizen.account, self.relayer.forwarder.address, self.w3.eth.chain_id, to, data, nonce, deadline=chain_time + DAY)

    # --- enterprises ------------------------------------------------------------------------------

    def enterprises(self, people: list[Citizen]) -> list[str]:
        enterprises = EnterpriseClient(self.suite)
        registry = enterprises.contract.address
        requests, codes = [], []
        names: set[str] = set()
        for i in range(self.size.enterprises):
            uscc = demo_uscc(self.rng)
            founder = people[i]
            if i < self.size.bad_uscc:  # a typo in the last character: govchain refuses it before anything is signed
                wrong = uscc[:17] + next(c for c in USCC_ALPHABET if c != uscc[17])
                try:
                    enterprises.application_calldata(wrong, "青岛笔误贸易有限公司", b"", 0, b"")
                except GovchainError:
                    self.count("applications refused for a bad USCC")
                continue
            legal_rep = people[(i + 1) % self.size.enterprises].commitment
            capital_fen = self.rng.randint(10, 5000) * 1_000_000  # 100,000 to 50 million yuan
            data = enterprises.application_calldata(uscc, demo_enterprise_name(self.names_rng, names), legal_rep, capital_fen, self.hash("scope", uscc))
            requests.append(self.signed(founder, registry, data, 0))
            codes.append(uscc)
        self.relayer.relay_many(requests)
        self.count("enterprise applications (citizen-signed, relayed)", len(requests))

        workflow = WorkflowClient(self.suite, self.sender(SAMR))
        cases = [enterprises.get(u).case_id for u in codes]
        decisions = []
        outcome: dict[str, str] = {}
        for uscc, case_id in zip(codes, cases):
            roll = self.rng.random()
            if roll < 0.08:
                outcome[uscc] = "pending"
                continue
            approve = roll >= 0.2
            outcome[uscc] = "registered" if approve else "rejected"
            reason = b"\0" * 32 if approve else self.hash("rejection", uscc)
            decisions.append(workflow.functions.decide(case_id, int(Decision.APPROVE if approve else Decision.REJECT), reason))
        workflow._transact_many(decisions)
        for state in ("registered", "rejected", "pending"):
            self.count(f"enterprises {state}", sum(1 for v in outcome.values() if v == state))

        registered = [u for u in codes if outcome[u] == "registered"]
        regulator = EnterpriseClient(self.suite, self.sender(SAMR2))
        changes = [self.change(regulator, u, names) for u in registered[: self.size.changes]]
        regulator._transact_many(changes)
        self.count("enterprise changes recorded", len(changes))
        suspended, deregistered = registered[self.size.changes : self.size.changes + 2]
        regulator.suspend(suspended, self.hash("suspension", suspended))
        regulator.deregister(deregistered, self.hash("deregistration", deregistered))
        self.count("enterprises suspended")
        self.count("enterprises deregistered")
        self.summary.examples["registered_uscc"] = registered[0]
        self.summary.examples["changed_uscc"] = registered[1]
        self.summary.examples["rejected_uscc"] = next(u for u in codes if outcome[u] == "rejected")
        return registered

    def change(self, regulator: EnterpriseClient, uscc: str, names: set[str]) -> Any:
        """A registered enterprise's change of a random kind: a new name or capital in plaintext, anything else as a hash."""
        kind = self.rng.choice(list(ChangeKind))
        if kind == ChangeKind.NAME:
            return regulator.functions.changeName(uscc.encode(), demo_enterprise_name(self.names_rng, names))
        if kind == ChangeKind.REGISTERED_CAPITAL:
            return regulator.functions.changeRegisteredCapital(uscc.encode(), self.names_rng.randint(10, 5000) * 1_000_000)
        return regulator.functions.recordChange(uscc.encode(), int(kind), self.hash("change", uscc))

    # --- approval cases ---------------------------------------------------------------------------

    def cases(self, people: list[Citizen]) -> None:
        data = json.loads(self.suite.deployment.path.read_text())["workflows"]
        engine = WorkflowClient(self.suite).contract
        investment, allowance = data["INVESTMENT_PROJECT"], data["SUBSISTENCE_ALLOWANCE"]
        applicants = people[self.size.enterprises : self.size.enterprises + CASES]
        nonce = {c.index: self.relayer.nonce(c.account.address) for c in applicants}

        def open_cases(group: list[Citizen], template: int) -> list[int]:
            first = engine.functions.caseCount().call() + 1
            requests = [self.signed(c, engine.address, bytes.fromhex(engine.functions.openCase(template, self.hash("subject", c.index))._encode_transaction_data()[2:]), nonce[c.index]) for c in group]  # fmt: skip
            for c in group:
                nonce[c.index] += 1
            self.relayer.relay_many(requests)
            return list(range(first, first + len(group)))

        drc, fin, tax, civil = (WorkflowClient(self.suite, self.sender(i)) for i in (DRC, FIN, TAX, CIVIL))
        # Cases opened "two weeks ago": some stayed with their first department past the time limit.
        old_investment = open_cases(applicants[0:6], investment)
        old_allowance = open_cases(applicants[6:10], allowance)
        self.w3.provider.make_request("evm_increaseTime", [14 * DAY])
        self.w3.provider.make_request("evm_mine", [])
        # Today's cases, brought to every stage.
        new_investment = open_cases(applicants[10:24], investment)
        new_allowance = open_cases(applicants[24:30], allowance)
        a = new_investment
        drc._transact_many([drc.functions.decide(c, 0, b"\0" * 32) for c in a[0:10]])  # step 1 done
        fin._transact_many([fin.functions.decide(c, 0, b"\0" * 32) for c in a[0:6]])  # step 2 done
        tax._transact_many([tax.functions.decide(c, 0, b"\0" * 32) for c in a[0:3]])  # approved
        tax.decide(a[3], Decision.REJECT, self.hash("reject", a[3]))  # rejected at the last step
        drc.decide(a[10], Decision.RETURN, self.hash("more material", a[10]))  # waiting for the applicant
        drc.decide(a[11], Decision.RETURN, self.hash("more material", a[11]))
        returned_by = applicants[10 + 11]
        resubmit = self.signed(returned_by, engine.address, bytes.fromhex(engine.functions.resubmit(a[11], self.hash("material", a[11]))._encode_transaction_data()[2:]), nonce[returned_by.index])  # fmt: skip
        self.relayer.relay(resubmit)
        b = new_allowance
        civil._transact_many([civil.functions.decide(c, 0, b"\0" * 32) for c in b[0:4]])
        fin._transact_many([fin.functions.decide(c, 0, b"\0" * 32) for c in b[0:2]])
        civil.decide(b[4], Decision.REJECT, self.hash("reject", b[4]))
        drc.decide(old_investment[0], Decision.APPROVE)  # late, but decided
        cases = WorkflowClient(self.suite)
        every = old_investment + old_allowance + new_investment + new_allowance
        states = [cases.case(c) for c in every]
        self.count("approval cases", len(every))  # cases in progress and overdue are counted after indexing, as the home page does
        self.count("cases approved", sum(1 for s in states if s.status.name == "APPROVED"))
        self.count("cases rejected", sum(1 for s in states if s.status.name == "REJECTED"))
        self.summary.examples["overdue_case"] = next(s.case_id for s in states if s.overdue)
        self.summary.examples["approved_case"] = a[0]

    # --- credit -----------------------------------------------------------------------------------

    def credit(self, registered: list[str], people: list[Citizen]) -> None:
        # each writer in the categories its department owns (config/consortium.yaml); 5 and 6 are
        # non-public: their records are sealed to the categories' reader departments
        writers = {TAX: [1], SAMR: [2], HRSS: [5], DRC: [4, 6]}
        ranges = {1: (-20, 10), 2: (-60, -5), 4: (5, 30), 5: (-10, 5), 6: (-20, 10)}
        sealed = {5, 6}
        per_writer: dict[int, list[tuple[bytes, CreditEntry]]] = {w: [] for w in writers}
        now = self.w3.eth.get_block("latest")["timestamp"]
        for n in range(self.size.credit_records):
            writer = self.rng.choice(list(writers))
            category = self.rng.choice(writers[writer])
            subject = uscc_subject(self.rng.choice(registered)) if category != 5 else self.rng.choice(people[: self.size.enterprises]).commitment
            low, high = ranges[category]
            delta = self.rng.randint(low, high)
            entry = CreditEntry(category, delta, self.hash("evidence", n), now - self.rng.randint(0, 300) * DAY, 0)
            per_writer[writer].append((subject, entry))
        for writer, records in per_writer.items():
            client = CreditClient(self.suite, self.sender(writer))
            public = [(subject, entry) for subject, entry in records if entry.category not in sealed]
            private = [(subject, entry) for subject, entry in records if entry.category in sealed]
            if public:
                client.append_many(public)
            if private:
                client.append_sealed(private)
            self.count("credit records sealed (non-public categories)", len(private))
        self.count("credit records", self.size.credit_records)
        tax = CreditClient(self.suite, self.sender(TAX))
        amended = per_writer[TAX][:10]
        for k, (subject, entry) in enumerate(amended):
            index = self._index_of(subject, entry)
            if k < 5:
                tax.correct(subject, index, CreditEntry(entry.category, max(entry.delta // 2, -20), self.hash("correction", k), entry.valid_from, 0))
            else:
                tax.revoke(subject, index, self.hash("revocation", k))
        self.count("credit corrections", 5)
        self.count("credit revocations", 5)
        self.summary.examples["credit_subject_uscc"] = registered[0]

    def _index_of(self, subject: bytes, entry: CreditEntry) -> int:
        """Index of the record with this evidence hash (records are found by their event order)."""
        logs = self.suite.contract("CreditRegistry").events.CreditRecorded().get_logs(
            from_block=0, argument_filters={"subject": subject}
        )
        for index, log in enumerate(logs):
            if bytes(log["args"]["evidenceHash"]) == entry.evidence_hash:
                return index
        raise GovchainError("credit record not found")


    # --- fiscal funds -----------------------------------------------------------------------------

    def funds(self, people: list[Citizen]) -> None:
        from govchain.clients import (
            BudgetClient, BudgetLine, DisbursementClient, EligibilityClient, PayoutMode, ProgramClient,
        )  # fmt: skip

        yuan = 100  # fen per yuan
        year = 2026
        budget, line_ids = BudgetClient(self.suite, self.sender(FIN)).propose(year, self.hash("budget", year), [
            BudgetLine("PENSION", "城乡居民基本养老保险 basic pension", 6_000_000 * yuan),
            BudgetLine("EMPLOYMENT", "就业创业补贴 employment subsidies", 2_000_000 * yuan),
            BudgetLine("MEDICAL", "城乡居民医疗保险 medical insurance", 9_000_000 * yuan),
            BudgetLine("PROCUREMENT", "政府采购 procurement", 4_000_000 * yuan),
        ])  # fmt: skip
        for approver in (FIN2, FIN3, DRC):  # two finance officers and a second department
            BudgetClient(self.suite, self.sender(approver)).approve(budget)
        self.count("budget lines approved (2 finance + 1 DRC approvals)", len(line_ids))

        now = self.w3.eth.get_block("latest")["timestamp"]
        month = 30 * DAY
        admin = ProgramClient(self.suite, self.sender(FIN))
        pension = admin.create("城乡居民基本养老保险 basic pension", line_ids[0], "HRSS", now - month, month, 12,
                               1_000 * 2_000 * yuan, attestation_max_age=365 * DAY)  # fmt: skip
        subsidy = admin.create("就业创业补贴 employment subsidy", line_ids[1], "HRSS", now, month, 1, 200 * 5_000 * yuan)
        treasury = DisbursementClient(self.suite, self.sender(FIN))
        treasury.fund(pension, 4_000_000 * yuan)
        treasury.fund(subsidy, 1_000_000 * yuan)

        retirees, founders = people[self.size.enterprises :], people[: self.size.subsidy_founders]
        hrss, hrss2 = self.sender(HRSS), self.sender(HRSS2)
        ProgramClient(self.suite, hrss).enroll(pension, [c.commitment for c in retirees])
        ProgramClient(self.suite, hrss).enroll(subsidy, [c.commitment for c in founders])
        # annual proof of life, recorded by social security; one retiree has none this year
        missing = retirees[len(retirees) // 2]
        EligibilityClient(self.suite, hrss).attest([c.commitment for c in retirees if c is not missing], self.hash("proof-of-life", year))
        self.count("pension beneficiaries enrolled", len(retirees))

        operator, approver = DisbursementClient(self.suite, hrss), DisbursementClient(self.suite, hrss2)
        pension_amount = 1_850 * yuan
        paid_batches = []
        for period in (0, 1):
            batches = operator.propose(pension, period, PayoutMode.WALLET, [(c.commitment, pension_amount) for c in retirees])
            for batch in batches:
                approver.approve(batch)  # four eyes: a second HRSS officer
                operator.execute_wallet(batch)
            paid_batches += batches
            refused = {k: v for b in batches for k, v in b.refused.items()}
            self.count("pension payouts (wallet)", sum(len(b.words) for b in batches))
            self.count("pension payouts refused: no proof of life", len(refused))
        # an erroneous payout goes back to the program, naming the original (never edited)
        position = 3
        last = next(b for b in reversed(paid_batches) if len(b.words) > position)
        index, amount, payee = last.entries()[position]
        refunder = next(c for c in retirees if c.account.address.lower() == payee.lower())
        token = self.suite.contract("FiscalToken")
        approve_call = token.functions.approve(self.suite.deployment.address("Disbursements"), amount)
        TransactionSender(self.w3, refunder.account, self.suite.artifacts).transact(approve_call)  # the citizen signs (gas price 0)
        operator.refund_wallet(last, position, amount, self.hash("refund", "duplicate account", index))
        self.count("payouts refunded")

        batches = operator.propose(subsidy, 0, PayoutMode.BANK, [(c.commitment, self.rng.choice([3_000, 5_000, 8_000]) * yuan) for c in founders])
        refs = {c.commitment: self.hash("bank-settlement", "BOQ", c.index) for c in founders}
        executions = []
        for batch in batches:
            approver.approve(batch)
            executions.append(operator.execute_bank(batch, refs))
        self.count("subsidy payouts (bank-settled, Merkle root)", sum(len(b.words) for b in batches))
        # two subsidies came back from the bank (accounts closed): a bank refund is requested against the
        # payout's Merkle proof and re-minted to the program only when the bank confirms it
        bank_batch = executions[0]
        returned = [bank_batch.payout(founders[i].commitment) for i in (7, 8)]
        requests = [operator.request_bank_refund(bank_batch.batch_id, payout, payout.amount, self.hash("bank return", "BOQ", i))
                    for i, payout in enumerate(returned)]  # fmt: skip
        DisbursementClient(self.suite, self.sender(BANK)).confirm_bank_refund(requests[0].refund_id)
        self.count("bank refunds confirmed by the bank")
        self.count("bank refunds awaiting the bank")
        self.summary.examples.update({
            "pension_program": pension, "subsidy_program": subsidy, "budget": budget,
            "pension_batch": paid_batches[0].batch_id, "bank_batch": batches[0].batch_id,
            "beneficiary": "0x" + retirees[0].commitment.hex(), "refused_beneficiary": "0x" + missing.commitment.hex(),
        })  # fmt: skip


def run_demo(config: Config, report: Callable[[str], None], *, fresh: bool = False, size: DemoSize = DemoSize()) -> DemoSummary:
    """Start or reuse the local chain, deploy, seed (once per chain), index. Returns the summary."""
    from govchain.chain import DEFAULT_PORT, LocalChain

    started = time.perf_counter()
    chain = LocalChain(port=urlparse(config.rpc_url).port or DEFAULT_PORT)
    if fresh:
        chain.stop()
        chain.state_file.unlink(missing_ok=True)
        config.deployment_path(chain.chain_id).unlink(missing_ok=True)  # it described the wiped chain
        Path(config.database_url.removeprefix("sqlite:///")).unlink(missing_ok=True) if config.database_url.startswith("sqlite:///") else None
    status, started_now = chain.start()
    report(("started a fresh" if started_now and status.block_number == 0 else "started the saved" if started_now else "reusing the running")
           + f" local chain {status.chain_id} at {status.rpc_url} (block {status.block_number})")  # fmt: skip
    w3 = Web3(Web3.HTTPProvider(status.rpc_url, request_kwargs={"timeout": 60}))
    artifacts = Artifacts(config.build_dir)
    path = config.deployment_path(w3.eth.chain_id)
    result = deploy_suite(w3, TransactionSender(w3, dev_accounts(w3.eth.chain_id)[0], artifacts), artifacts, path, load_consortium())
    report(f"suite: {len(result.deployed)} contract(s) deployed, {len(result.reused)} reused ({path})")
    for name, address in result.addresses.items():
        report(f"  {name:<20} {address}")
    suite = Suite(w3, Deployment.load(path), artifacts)
    data = json.loads(path.read_text())
    summary: DemoSummary
    if "demo" in data:
        summary = DemoSummary(reused=True, counts=data["demo"]["counts"], examples=data["demo"]["examples"])
        report("the demo data is already on this chain: not seeding again (use --fresh for a new demo chain)")
    else:
        summary = DemoRun(suite, report, size).seed()
        data = json.loads(path.read_text())
        data["demo"] = {"counts": summary.counts, "examples": summary.examples}
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    report("indexing ...")
    indexer = Indexer(w3, suite.deployment, artifacts, config.database_url)
    sync = indexer.sync()
    summary.counts["events indexed"] = indexer.count()
    chain_time = w3.eth.get_block("latest")["timestamp"]
    counted = views.case_counts(views.case_list(indexer.engine, chain_time), chain_time)  # as the home page counts them
    summary.counts["cases of every kind (approvals and enterprise registrations)"] = counted.total
    summary.counts["cases in progress"] = counted.in_progress
    summary.counts["cases overdue"] = counted.overdue
    ahead = clock.days_ahead(chain_time)
    summary.counts["days the chain's clock is ahead of today (the demo fast-forwards time so that deadlines pass)"] = ahead
    if ahead:
        report(f"the demo chain's time is {ahead} days ahead of the wall clock: the demo moved it forward so that deadlines "
               "pass and cases become overdue; block times are later than today")  # fmt: skip
    summary.examples["index_database"] = config.database_url
    summary.seconds = time.perf_counter() - started
    report(f"indexed {sync.events} new event(s)")
    return summary
