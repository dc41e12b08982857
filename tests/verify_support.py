"""A "verify my payment" scenario on the brownie Anvil: citizens with known ID-card numbers and salts,
each meeting one outcome a citizen can meet (paid, refunded, bank refund confirmed and pending,
refused twice for missing proof of life, registered but not enrolled), on programs named in both
languages with a monthly calendar whose months are fixed (period 0 falls due on 15 Oct 2026)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_account import Account

from conftest import make_sender
from govchain.clients import (
    BudgetClient, BudgetLine, DisbursementClient, EligibilityClient, IdentityClient, PayoutMode, PersonBinding, ProgramClient,
)  # fmt: skip
from govchain.connection import Deployment, Suite
from govchain.domain import id_check_character, identity_commitment
from govchain.sender import Receipt, TransactionSender
from govchain.signer import DEV_IDENTITY_TAG_KEY
from web_support import BANK, DRC, FIN, FIN2, FIN3, HRSS, HRSS2, PSB

START = int(dt.datetime(2026, 10, 15, tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp())  # period 0: Oct 2026
MONTH = 30 * 24 * 3600
PENSION_NAME, SUBSIDY_NAME = "城乡居民基本养老保险 basic pension", "就业创业补贴 employment subsidy"
PENSION, BANK_PAYOUT = 185_000, 500_000  # fen: ¥1,850.00 a month, a ¥5,000.00 subsidy
BANK_CONFIRMED, BANK_PENDING = 200_000, 50_000  # of the subsidy sent back by the bank: confirmed, then awaiting confirmation


def id_number(first17: str) -> str:
    return first17 + id_check_character(first17)


@dataclass(frozen=True)
class Citizen:
    id_number: str
    salt: bytes
    account: Any  # eth_account LocalAccount bound to the commitment

    @property
    def commitment(self) -> bytes:
        return identity_commitment(self.id_number, self.salt)

    @property
    def hex(self) -> str:
        return "0x" + self.commitment.hex()


def _citizen(first17: str, n: int) -> Citizen:
    return Citizen(id_number(first17), bytes([n]) * 32, Account.from_key(bytes([0x70 + n]) * 32))


PAID = _citizen("37020219500101001", 1)  # wallet pension paid for October and November
REFUNDED = _citizen("37020219510202002", 2)  # October's wallet pension refunded in full
BANKED = _citizen("37020219800303003", 3)  # a bank-settled subsidy: part refunded (confirmed), part pending
REFUSED = _citizen("37020219400404004", 4)  # enrolled, no proof of life: left out of both batches
REGISTERED = _citizen("37020219900505005", 5)  # a registered e-ID, enrolled nowhere
CITIZENS = (PAID, REFUNDED, BANKED, REFUSED, REGISTERED)


@dataclass
class VerifyScenario:
    suite: Suite
    pension: int
    subsidy: int
    wallet_batches: list[Any]  # periods 0 and 1 (ProposedBatch)
    wallet_executions: list[Any]
    bank_batch: Any
    bank_execution: Any
    refund_receipt: Receipt  # the wallet refund of REFUNDED
    confirmed: Any  # BankRefundRequest
    confirm_receipt: Receipt
    pending: Any  # BankRefundRequest
    refs: dict[bytes, bytes] = field(default_factory=dict)


def seed_verify(w3: Any, artifacts: Any, deployment_path: Path) -> VerifyScenario:
    suite = Suite(w3, Deployment.load(deployment_path), artifacts)
    others = [Account.create() for _ in range(3)]  # two more pensioners and one more subsidy beneficiary
    other_ids = [os.urandom(32) for _ in others]
    bindings = [PersonBinding.of(c.account.address, c.id_number, c.salt, DEV_IDENTITY_TAG_KEY) for c in CITIZENS]
    bindings += [PersonBinding(a.address, c, os.urandom(32)) for a, c in zip(others, other_ids)]
    IdentityClient(suite, make_sender(w3, artifacts, PSB)).bind_persons(bindings, 2)

    budget, lines = BudgetClient(suite, make_sender(w3, artifacts, FIN)).propose(2026, b"\x0b" * 32, [
        BudgetLine("PENSION", PENSION_NAME, 10_000_000), BudgetLine("EMPLOYMENT", "就业创业补贴 employment subsidies", 5_000_000),
    ])  # fmt: skip
    for officer in (FIN2, FIN3, DRC):
        BudgetClient(suite, make_sender(w3, artifacts, officer)).approve(budget)
    admin = ProgramClient(suite, make_sender(w3, artifacts, FIN))
    pension = admin.create(PENSION_NAME, lines[0], "HRSS", START, MONTH, 12, 10**9, attestation_max_age=365 * 24 * 3600)
    subsidy = admin.create(SUBSIDY_NAME, lines[1], "HRSS", START, MONTH, 1, 10**9)
    treasury = DisbursementClient(suite, make_sender(w3, artifacts, FIN))
    treasury.fund(pension, 5_000_000)
    treasury.fund(subsidy, 2_000_000)

    hrss = make_sender(w3, artifacts, HRSS)
    pensioners = [PAID.commitment, REFUNDED.commitment, REFUSED.commitment, *other_ids[:2]]
    ProgramClient(suite, hrss).enroll(pension, pensioners)
    ProgramClient(suite, hrss).enroll(subsidy, [BANKED.commitment, other_ids[2]])
    EligibilityClient(suite, hrss).attest([c for c in pensioners if c != REFUSED.commitment], b"\x0c" * 32)  # REFUSED has none

    operator, approver = DisbursementClient(suite, hrss), DisbursementClient(suite, make_sender(w3, artifacts, HRSS2))
    batches, executions = [], []
    for period in (0, 1):
        paid = [c for c in pensioners if period == 0 or c != REFUNDED.commitment]
        [batch] = operator.propose(pension, period, PayoutMode.WALLET, [(c, PENSION) for c in paid])
        assert set(batch.refused) == {REFUSED.hex}
        approver.approve(batch)
        batches.append(batch)
        executions.append(operator.execute_wallet(batch))

    token = suite.contract("FiscalToken")
    approve = token.functions.approve(suite.deployment.address("Disbursements"), PENSION)
    TransactionSender(w3, REFUNDED.account, artifacts).transact(approve)  # the citizen consents (gas price 0)
    refund_receipt = operator.refund_wallet(batches[0], batches[0].position_of(REFUNDED.commitment), PENSION, b"\x0d" * 32)

    [bank] = operator.propose(subsidy, 0, PayoutMode.BANK, [(BANKED.commitment, BANK_PAYOUT), (other_ids[2], 300_000)])
    approver.approve(bank)
    refs = {BANKED.commitment: os.urandom(32), other_ids[2]: os.urandom(32)}
    execution = operator.execute_bank(bank, refs)
    confirmed = operator.request_bank_refund(bank.batch_id, execution.payout(BANKED.commitment), BANK_CONFIRMED, b"\x0e" * 32)
    confirm_receipt = DisbursementClient(suite, make_sender(w3, artifacts, BANK)).confirm_bank_refund(confirmed.refund_id)
    pending = operator.request_bank_refund(bank.batch_id, execution.payout(BANKED.commitment), BANK_PENDING, b"\x0f" * 32)
    return VerifyScenario(suite, pension, subsidy, batches, executions, bank, execution, refund_receipt, confirmed, confirm_receipt,
                          pending, refs)  # fmt: skip
