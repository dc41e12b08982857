"""What "verify my payment" needs besides the payouts themselves (govchain.fund_views.payouts_of):
program names and period calendars, payouts refused at proposal, a beneficiary's registration and
enrolments, and a payout as the ledger records it now, read from the chain.

Privacy: what the lookup can reveal, and why a wrong salt is told apart only this far.
  - The browser computes the identity commitment keccak256("govchain.identity.v1" ‖ salt ‖ ID number)
    and sends only the commitment. The ID-card number and the salt never leave the browser.
  - The server only sees the commitment. A wrong salt (or a mistyped ID-card number whose check
    character still fits) gives a different commitment, which matches nothing. The server cannot
    tell "wrong salt" from "never registered", and must not try to.
  - What the lookup can say is whether the commitment is bound in the e-ID registry (IdentityBound)
    and in which programs it is enrolled (BeneficiaryEnrolled). Both are public events: anyone can
    list every bound commitment. And only someone who holds both the ID number and the salt can
    produce this commitment. So "this ID number and salt match no registration: if you were told
    you are enrolled, check the salt" reveals nothing new. It is shown in the browser, which also
    reports "registered, your salt is right" when the commitment is bound.
  - The identity tag (govchain.domain.identity_tag, HMAC-SHA256 of the ID number under the identity
    authority's key) would tell "this person is registered under another salt". It is not used,
    and cannot be without a leak:
      - The server could compute the tag only from the ID number, which must never be sent.
      - The browser could compute it only with the key. ID-card numbers are guessable (region, birth
        date, sequence: about 10^9 per region and year), so a public key would let anyone turn every
        tag on chain back into an ID number. Then, through the tag's holder, anyone could read that
        person's payouts: whether a named neighbour draws a pension or a subsidy.
    The tag stays keyed and unused here. So "right ID number, wrong salt" and "not registered" look
    the same, by design.
  - The on-chain check of a wallet payout (`on_chain_payout`) is asked by batch and enrolment index.
    Both are public event data. The browser compares the beneficiary the chain returns with the
    commitment it computed itself.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from govchain.connection import Suite
from govchain.indexer.funds import batches, enrollments
from govchain.indexer.schema import blocks
from govchain.views import event_list

CHINA_TIME = dt.timezone(dt.timedelta(hours=8))  # periods and dates are those of the people paid

REFUSALS = {1: "identity_revoked", 2: "no_attestation", 3: "attestation_expired"}
"""IProgramRegistry.Refusal (PayoutRefused's `reason`) by value, as codes."""
REFUSAL_TEXT = {"identity_revoked": "identity revoked", "no_attestation": "no proof of life", "attestation_expired": "proof of life expired"}

_BILINGUAL = re.compile(r"(.*?[^\x00-\x7f])\s+([A-Za-z][\x20-\x7e]*)")


def split_bilingual(name: str) -> tuple[str, str | None]:
    """A name written "中文 English" (as the demo's programs are) as (Chinese, English); a name in one
    language as (name, None)."""
    match = _BILINGUAL.fullmatch(name.strip())
    return (match.group(1).strip(), match.group(2).strip()) if match else (name, None)


@dataclass(frozen=True)
class ProgramInfo:
    """A program's name and payment calendar, from its ProgramCreated event (IProgramRegistry.ProgramTerms)."""

    program_id: int
    name: str  # Chinese (or the only) name
    name_en: str | None
    start: int  # block timestamp when period 0 falls due
    interval: int  # seconds between periods
    period_count: int

    def due_at(self, period: int) -> int:
        """When period `period` falls due (IProgramRegistry.dueAt)."""
        return self.start + period * self.interval

    def month(self, period: int) -> str:
        """The month period `period` pays, "YYYY-MM" in China time (UTC+8)."""
        return dt.datetime.fromtimestamp(self.due_at(period), CHINA_TIME).strftime("%Y-%m")


def program_infos(engine: Engine) -> dict[int, ProgramInfo]:
    """Every program's name and calendar, by id."""
    out = {}
    for e in event_list(engine, contract="ProgramRegistry", event="ProgramCreated", limit=1_000_000, newest_first=False):
        terms = e.args["terms"]  # (lineId, department, start, interval, periodCount, periodLimit, attestationMaxAge, separateExecutor)
        name, name_en = split_bilingual(e.args["name"])
        out[e.args["programId"]] = ProgramInfo(e.args["programId"], name, name_en, int(terms[2]), int(terms[3]), int(terms[4]))
    return out


@dataclass(frozen=True)
class Refusal:
    """An entry left out of a batch at proposal (PayoutRefused): nothing reserved, nothing paid."""

    batch_id: int
    program_id: int
    period: int
    mode: str
    reason: str  # a REFUSALS code
    block_number: int
    timestamp: int
    tx_hash: str


def refusals_of(engine: Engine, commitment: str) -> list[Refusal]:
    """Every time `commitment` was left out of a batch at proposal, oldest first."""
    found = event_list(engine, contract="Disbursements", event="PayoutRefused", args={"beneficiary": commitment.lower()},
                       limit=1_000_000, newest_first=False)  # fmt: skip
    if not found:
        return []
    with engine.connect() as conn:
        ids = sorted({e.args["batchId"] for e in found})
        known = {r.batch_id: r for r in conn.execute(select(batches).where(batches.c.batch_id.in_(ids)))}
    return [
        Refusal(e.args["batchId"], known[e.args["batchId"]].program_id, known[e.args["batchId"]].period,
                known[e.args["batchId"]].mode, REFUSALS.get(int(e.args["reason"]), "unknown"), e.block_number, e.timestamp, e.tx_hash)  # fmt: skip
        for e in found
        if e.args["batchId"] in known
    ]


def enrollment_indexes(engine: Engine, commitment: str) -> dict[int, tuple[int, int]]:
    """Program -> (`commitment`'s permanent enrolment index in it, block time of its first enrolment)."""
    query = (
        select(enrollments.c.program_id, enrollments.c.idx, blocks.c.timestamp)
        .join(blocks, blocks.c.number == enrollments.c.block_number)
        .where(enrollments.c.beneficiary == commitment.lower())
    )
    with engine.connect() as conn:
        return {int(p): (int(i), int(t)) for p, i, t in conn.execute(query)}


# --- a beneficiary: registered? enrolled where? --------------------------------------------------


@dataclass(frozen=True)
class Enrolment:
    program_id: int
    program_name: str
    program_name_en: str | None
    index: int  # permanent enrolment index
    active: bool  # on the program's list now (read from the chain)
    enrolled_at: int  # block time of the first enrolment


@dataclass(frozen=True)
class BeneficiaryView:
    """What the chain says about a commitment: is it a bound e-ID, and where is it enrolled. Public
    data (see the module's notes): it tells a citizen whose lookup found nothing whether their salt
    is right, without revealing anything about anyone else."""

    commitment: str
    registered: bool  # bound in the e-ID registry (IdentityBound)
    revoked: bool  # its binding was revoked (IdentityRevoked)
    enrolments: list[Enrolment] = field(default_factory=list)


def beneficiary_view(suite: Suite, engine: Engine, commitment: str) -> BeneficiaryView:
    commitment = commitment.lower()
    identity = event_list(engine, contract="IdentityRegistry", args={"identity": commitment}, limit=1_000, newest_first=False)
    bound = any(e.event == "IdentityBound" for e in identity)
    revoked = any(e.event == "IdentityRevoked" for e in identity)
    indexes = enrollment_indexes(engine, commitment)
    infos = program_infos(engine) if indexes else {}
    registry = suite.contract("ProgramRegistry").functions
    key = bytes.fromhex(commitment[2:])
    out = []
    for program_id, (index, enrolled_at) in sorted(indexes.items()):
        info = infos.get(program_id)
        _enrolled, active, _index = registry.enrollment(program_id, key).call()
        out.append(Enrolment(program_id, info.name if info else f"#{program_id}", info.name_en if info else None, index, bool(active),
                             enrolled_at))  # fmt: skip
    return BeneficiaryView(commitment, bound, revoked, out)


# --- a payout as the ledger records it now ---------------------------------------------------------

BATCH_STATUS = ("none", "proposed", "approved", "executed", "cancelled")  # IDisbursements.BatchStatus


@dataclass(frozen=True)
class OnChainPayout:
    """Enrolment `index`'s payout in batch `batch_id`, read from the chain (not the index) at `block_number`:
    `Disbursements.isPaid(programId, period, index)` and `payoutState(batchId, beneficiary)`, with the
    beneficiary the program registry holds at that index (the browser compares it with its own commitment)."""

    batch_id: int
    program_id: int
    period: int
    index: int
    beneficiary: str  # ProgramRegistry.beneficiaryAt(programId, index)
    batch_status: str  # BATCH_STATUS
    is_paid: bool  # the (period, index) bit: paid or reserved (released when withheld)
    refunded: int  # fen refunded so far
    refund_pending: int  # fen of bank refunds requested, not yet confirmed
    withheld: bool  # withheld at execution: nothing paid
    block_number: int


class UnknownPayout(LookupError):
    pass


def on_chain_payout(suite: Suite, batch_id: int, index: int) -> OnChainPayout:
    """Raises UnknownPayout when the batch or the enrolment index does not exist."""
    block = suite.w3.eth.block_number
    ledger = suite.contract("Disbursements").functions
    batch = ledger.batch(batch_id).call(block_identifier=block)
    program_id, period, status = int(batch[1]), int(batch[2]), int(batch[5])
    if status == 0:
        raise UnknownPayout(f"no batch {batch_id} on chain")
    registry = suite.contract("ProgramRegistry").functions
    if index >= int(registry.program(program_id).call(block_identifier=block)[5]):  # Program.enrolled: the next index
        raise UnknownPayout(f"program {program_id} has no enrolment index {index}")
    beneficiary = bytes(registry.beneficiaryAt(program_id, index).call(block_identifier=block))
    refunded, pending, withheld = ledger.payoutState(batch_id, beneficiary).call(block_identifier=block)
    return OnChainPayout(
        batch_id, program_id, period, index, "0x" + beneficiary.hex(), BATCH_STATUS[status],
        bool(ledger.isPaid(program_id, period, index).call(block_identifier=block)), int(refunded), int(pending), bool(withheld), block,
    )  # fmt: skip
