"""Fund-flow projection: enrollments, batch entries and every payout as rows, for fast tracing.

Built from the suite's events while they are ingested, in the same database transaction; every row
carries the block of the event it comes from, so a reorg rollback (rows above the fork) and a fresh
re-index give the same tables.

- `enrollments`: (program, enrollment index) -> beneficiary commitment, from the first enrolment
  (BeneficiaryEnrolled; a beneficiary removed and enrolled again keeps its index, so a re-enrolment
  adds no row, and removals change no row: the history is in the events table)
- `batches`: batch -> program, period, mode                                 (BatchProposed)
- `batch_entries`: the accepted entries of each batch, in order, with their commitments (BatchEntriesAdded)
- `withheld_payouts`: entries not paid at execution (identity revoked, or account changed after
  approval)                                                                 (PayoutWithheld)
- `executions`: one row per executed batch (program, period, paid total and count, withheld)
                                                                            (BatchExecuted)
- `payouts`: one row per entry of an executed batch, `paid` or `withheld` (PayoutWithheld comes
  first, in the same transaction); wallet payouts when their batch executes (BatchExecuted),
  bank-settled ones with their settlement reference and their leaf's index in the batch's Merkle
  tree (BankPayoutsRecorded; withheld ones have no leaf)
- `refunds`: money back to the program, naming the batch and the beneficiary (PayoutRefunded)
- `bank_refunds`: bank-settled refunds requested (BankRefundRequested); `bank_refund_outcomes`: their
  confirmation or cancellation (BankRefundConfirmed / BankRefundCancelled). A request without an
  outcome is pending: it has not been refunded.
"""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import BigInteger, Column, Connection, Index, Integer, String, Table, func, insert, select

from govchain.events import checksum
from govchain.indexer.projection import ProjectionError
from govchain.indexer.schema import metadata

enrollments = Table(
    "enrollments",
    metadata,
    Column("program_id", BigInteger, primary_key=True, autoincrement=False),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("beneficiary", String(66), nullable=False, index=True),
    Column("block_number", BigInteger, nullable=False, index=True),
)

batches = Table(
    "batches",
    metadata,
    Column("batch_id", BigInteger, primary_key=True, autoincrement=False),
    Column("program_id", BigInteger, nullable=False, index=True),
    Column("period", BigInteger, nullable=False),
    Column("mode", String(8), nullable=False),
    Column("proposer", String(42), nullable=False),
    Column("block_number", BigInteger, nullable=False, index=True),
)

batch_entries = Table(
    "batch_entries",
    metadata,
    Column("batch_id", BigInteger, primary_key=True, autoincrement=False),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("idx", BigInteger, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("account", String(42), nullable=False),
    Column("beneficiary", String(66), nullable=False),
    Column("block_number", BigInteger, nullable=False, index=True),
)

PAID, WITHHELD = "paid", "withheld"

withheld_payouts = Table(
    "withheld_payouts",
    metadata,
    Column("batch_id", BigInteger, primary_key=True, autoincrement=False),
    Column("beneficiary", String(66), primary_key=True),
    Column("idx", BigInteger, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("account", String(42), nullable=False),  # the account approved
    Column("current", String(42), nullable=False),  # the account bound at execution (zero: revoked)
    Column("block_number", BigInteger, nullable=False, index=True),
    Column("tx_hash", String(66), nullable=False),
)

payouts = Table(
    "payouts",
    metadata,
    Column("batch_id", BigInteger, primary_key=True, autoincrement=False),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("program_id", BigInteger, nullable=False),
    Column("period", BigInteger, nullable=False),
    Column("mode", String(8), nullable=False),
    Column("beneficiary", String(66), nullable=False),
    Column("account", String(42), nullable=True),  # wallet payouts
    Column("settlement_ref", String(66), nullable=True),  # bank-settled payouts
    Column("amount", BigInteger, nullable=False),
    Column("status", String(8), nullable=False),  # PAID or WITHHELD
    Column("current", String(42), nullable=True),  # withheld: the account bound at execution (zero: revoked)
    Column("leaf_index", Integer, nullable=True),  # recorded bank payouts: the leaf's index in the batch's tree
    Column("block_number", BigInteger, nullable=False, index=True),
    Column("tx_hash", String(66), nullable=False),
    Index("ix_payouts_program_period", "program_id", "period"),
    Index("ix_payouts_beneficiary", "beneficiary"),
)

executions = Table(
    "executions",
    metadata,
    Column("batch_id", BigInteger, primary_key=True, autoincrement=False),
    Column("program_id", BigInteger, nullable=False, index=True),
    Column("period", BigInteger, nullable=False),
    Column("mode", String(8), nullable=False),
    Column("total", BigInteger, nullable=False),  # fen paid
    Column("count", Integer, nullable=False),  # payouts paid
    Column("withheld", Integer, nullable=False),  # entries withheld
    Column("withheld_amount", BigInteger, nullable=False),  # fen withheld (not paid)
    Column("block_number", BigInteger, nullable=False, index=True),
    Column("tx_hash", String(66), nullable=False),
)
"""One row per executed batch (BatchExecuted): a program's flows by period are sums over a few rows."""

refunds = Table(
    "refunds",
    metadata,
    Column("block_number", BigInteger, primary_key=True, autoincrement=False),
    Column("log_index", Integer, primary_key=True, autoincrement=False),
    Column("batch_id", BigInteger, nullable=False, index=True),
    Column("program_id", BigInteger, nullable=False, index=True),
    Column("beneficiary", String(66), nullable=False, index=True),
    Column("amount", BigInteger, nullable=False),
    Column("reason_hash", String(66), nullable=False),
    Column("tx_hash", String(66), nullable=False),
)

bank_refunds = Table(
    "bank_refunds",
    metadata,
    Column("refund_id", BigInteger, primary_key=True, autoincrement=False),
    Column("batch_id", BigInteger, nullable=False, index=True),
    Column("program_id", BigInteger, nullable=False, index=True),
    Column("beneficiary", String(66), nullable=False, index=True),
    Column("amount", BigInteger, nullable=False),
    Column("settlement_ref", String(66), nullable=False),
    Column("requester", String(42), nullable=False),
    Column("reason_hash", String(66), nullable=False),
    Column("block_number", BigInteger, nullable=False, index=True),
    Column("tx_hash", String(66), nullable=False),
)

CONFIRMED, CANCELLED, PENDING = "confirmed", "cancelled", "pending"

bank_refund_outcomes = Table(
    "bank_refund_outcomes",
    metadata,
    Column("refund_id", BigInteger, primary_key=True, autoincrement=False),
    Column("outcome", String(10), nullable=False),  # CONFIRMED or CANCELLED; no row: PENDING
    Column("by", String(42), nullable=False),  # the bank or officer who confirmed or cancelled it
    Column("reason_hash", String(66), nullable=True),  # cancellations
    Column("block_number", BigInteger, nullable=False, index=True),
    Column("tx_hash", String(66), nullable=False),
)

TABLES = (enrollments, batches, batch_entries, withheld_payouts, payouts, executions, refunds, bank_refunds, bank_refund_outcomes)
MODES = {0: "wallet", 1: "bank"}
_MASK64 = (1 << 64) - 1
_MASK160 = (1 << 160) - 1


HANDLERS = {
    ("ProgramRegistry", "BeneficiaryEnrolled"): "enrolled",
    ("Disbursements", "BatchProposed"): "proposed",
    ("Disbursements", "BatchEntriesAdded"): "entries_added",
    ("Disbursements", "PayoutWithheld"): "withheld",
    ("Disbursements", "BatchExecuted"): "executed",
    ("Disbursements", "BankPayoutsRecorded"): "bank_recorded",
    ("Disbursements", "PayoutRefunded"): "refunded",
    ("Disbursements", "BankRefundRequested"): "bank_refund_requested",
    ("Disbursements", "BankRefundConfirmed"): "bank_refund_resolved",
    ("Disbursements", "BankRefundCancelled"): "bank_refund_resolved",
}


class FundsProjection:
    """Turns a chunk of decoded events (in log order) into projection rows (govchain.indexer.projection)."""

    name = "funds"
    tables = TABLES
    events = frozenset(HANDLERS)

    def apply(self, conn: Connection, decoded: Iterable[Any]) -> None:
        chunk = _Chunk(conn)
        for event in decoded:
            getattr(chunk, HANDLERS[(event.contract, event.event)])(event)
        for table in TABLES:
            if chunk.rows[table]:
                conn.execute(insert(table), chunk.rows[table])


class _Chunk:
    """Rows of one chunk, with what earlier events of the same chunk established (not yet in the DB)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.rows: dict[Table, list[dict[str, Any]]] = {table: [] for table in TABLES}
        self.enrollment: dict[tuple[int, int], str] = {}
        self.next_index: dict[int, int] = {}  # program -> one past its highest enrollment index projected
        self.batches: dict[int, dict[str, Any]] = {}
        self.entries: dict[int, list[dict[str, Any]]] = {}
        self.withheld_in: dict[int, dict[str, dict[str, Any]]] = {}  # batch -> beneficiary -> withheld_payouts row

    def enrolled(self, event: Any) -> None:
        program_id, idx, beneficiary = event.args["programId"], event.args["index"], event.args["beneficiary"]
        known = self._enrolled_at(program_id, idx)
        if known is not None:
            if known != beneficiary:
                raise ProjectionError(f"enrollment {idx} of program {program_id} is {known}, the event enrols {beneficiary} there")
            return  # enrolled again after a removal: same index, same beneficiary, nothing new to project
        row = {"program_id": program_id, "idx": idx, "beneficiary": beneficiary, "block_number": event.block_number}
        self.rows[enrollments].append(row)
        self.enrollment[(program_id, idx)] = beneficiary
        self.next_index[program_id] = max(self.next_index[program_id], idx + 1)

    def _enrolled_at(self, program_id: int, idx: int) -> str | None:
        """The beneficiary projected at (program, index), if any (one query per program and chunk for new ones)."""
        if (program_id, idx) in self.enrollment:
            return self.enrollment[(program_id, idx)]
        if program_id not in self.next_index:
            highest = self.conn.execute(select(func.max(enrollments.c.idx)).where(enrollments.c.program_id == program_id)).scalar()
            self.next_index[program_id] = 0 if highest is None else highest + 1
        if idx >= self.next_index[program_id]:
            return None
        query = select(enrollments.c.beneficiary).where(enrollments.c.program_id == program_id, enrollments.c.idx == idx)
        return self.conn.execute(query).scalar_one_or_none()

    def proposed(self, event: Any) -> None:
        row = {"batch_id": event.args["batchId"], "program_id": event.args["programId"], "period": event.args["period"],
               "mode": MODES[event.args["mode"]], "proposer": event.args["proposer"], "block_number": event.block_number}  # fmt: skip
        self.rows[batches].append(row)
        self.batches[row["batch_id"]] = row

    def entries_added(self, event: Any) -> None:
        batch_id = event.args["batchId"]
        self._batch(batch_id)
        stored = self._entries(batch_id)
        content = event.args["entries"]  # (PayoutWord, beneficiary commitment) pairs
        for word, who in zip(content[0::2], content[1::2]):
            row = {"batch_id": batch_id, "position": len(stored), "idx": word >> 224,
                   "amount": (word >> 160) & _MASK64, "account": checksum("0x" + (word & _MASK160).to_bytes(20, "big").hex()),
                   "beneficiary": "0x" + who.to_bytes(32, "big").hex(), "block_number": event.block_number}  # fmt: skip
            stored.append(row)
            self.rows[batch_entries].append(row)

    def withheld(self, event: Any) -> None:
        args = event.args
        row = {"batch_id": args["batchId"], "beneficiary": args["beneficiary"], "idx": args["index"], "amount": args["amount"],
               "account": args["account"], "current": args["current"], "block_number": event.block_number, "tx_hash": event.tx_hash}  # fmt: skip
        self.rows[withheld_payouts].append(row)
        self._withheld(row["batch_id"])[row["beneficiary"]] = row

    def executed(self, event: Any) -> None:
        args = event.args
        withheld = self._withheld(args["batchId"])
        self.rows[executions].append({
            "batch_id": args["batchId"], "program_id": args["programId"], "period": args["period"], "mode": MODES[args["mode"]],
            "total": args["total"], "count": args["count"] - len(withheld), "withheld": len(withheld),
            "withheld_amount": sum(w["amount"] for w in withheld.values()), "block_number": event.block_number,
            "tx_hash": event.tx_hash,
        })  # fmt: skip
        if MODES[args["mode"]] != "wallet":
            return  # bank-settled payouts come with their settlement references (BankPayoutsRecorded)
        entries = self._entries(args["batchId"])
        paid = [e for e in entries if e["beneficiary"] not in withheld]
        if len(entries) != args["count"] or sum(e["amount"] for e in paid) != args["total"]:
            raise ProjectionError(f"batch {args['batchId']} executed {args['count']} entries ({args['total']} fen paid), "
                                  f"but {len(entries)} entries ({sum(e['amount'] for e in paid)} fen not withheld) are projected")  # fmt: skip
        batch = {"program_id": args["programId"], "period": args["period"]}
        for e in entries:
            self.rows[payouts].append(_payout(event, batch, e["position"], e["beneficiary"], e["amount"], withheld.get(e["beneficiary"]),
                                              account=e["account"]))  # fmt: skip

    def bank_recorded(self, event: Any) -> None:
        batch_id = event.args["batchId"]
        batch = self._batch(batch_id)
        withheld = self._withheld(batch_id)
        leaf_index = 0
        for position, (_idx, amount, who, ref) in enumerate(event.args["records"]):
            held = withheld.get(who)
            row = _payout(event, batch, position, who, amount, held, settlement_ref=None if held else ref)
            if not held:
                row["leaf_index"] = leaf_index
                leaf_index += 1
            self.rows[payouts].append(row)

    def refunded(self, event: Any) -> None:
        args = event.args
        self.rows[refunds].append({
            "block_number": event.block_number, "log_index": event.log_index, "batch_id": args["batchId"],
            "program_id": args["programId"], "beneficiary": args["beneficiary"], "amount": args["amount"],
            "reason_hash": args["reasonHash"], "tx_hash": event.tx_hash,
        })  # fmt: skip

    def bank_refund_requested(self, event: Any) -> None:
        args = event.args
        self.rows[bank_refunds].append({
            "refund_id": args["refundId"], "batch_id": args["batchId"], "program_id": self._batch(args["batchId"])["program_id"],
            "beneficiary": args["beneficiary"], "amount": args["amount"], "settlement_ref": args["settlementRef"],
            "requester": args["requester"], "reason_hash": args["reasonHash"], "block_number": event.block_number,
            "tx_hash": event.tx_hash,
        })  # fmt: skip

    def bank_refund_resolved(self, event: Any) -> None:
        args = event.args
        confirmed = event.event == "BankRefundConfirmed"
        self.rows[bank_refund_outcomes].append({
            "refund_id": args["refundId"], "outcome": CONFIRMED if confirmed else CANCELLED,
            "by": args["confirmer"] if confirmed else args["officer"], "reason_hash": None if confirmed else args["reasonHash"],
            "block_number": event.block_number, "tx_hash": event.tx_hash,
        })  # fmt: skip

    def _withheld(self, batch_id: int) -> dict[str, dict[str, Any]]:
        """The batch's withheld entries by beneficiary: projected ones, and this chunk's (PayoutWithheld
        precedes BatchExecuted and BankPayoutsRecorded in the same transaction)."""
        if batch_id not in self.withheld_in:
            query = select(withheld_payouts).where(withheld_payouts.c.batch_id == batch_id)
            self.withheld_in[batch_id] = {row.beneficiary: dict(row._mapping) for row in self.conn.execute(query)}
        return self.withheld_in[batch_id]

    def _batch(self, batch_id: int) -> dict[str, Any]:
        if batch_id not in self.batches:
            row = self.conn.execute(select(batches).where(batches.c.batch_id == batch_id)).one_or_none()
            if row is None:
                raise ProjectionError(f"batch {batch_id} has no projected BatchProposed")
            self.batches[batch_id] = dict(row._mapping)
        return self.batches[batch_id]

    def _entries(self, batch_id: int) -> list[dict[str, Any]]:
        if batch_id not in self.entries:
            query = select(batch_entries).where(batch_entries.c.batch_id == batch_id).order_by(batch_entries.c.position)
            self.entries[batch_id] = [dict(row._mapping) for row in self.conn.execute(query)]
        return self.entries[batch_id]


def _payout(event: Any, batch: dict[str, Any], position: int, beneficiary: str, amount: int, withheld: dict[str, Any] | None, *,
            account: str | None = None, settlement_ref: str | None = None) -> dict[str, Any]:  # fmt: skip
    """A payout row: wallet when `account` is given, else bank-settled; withheld when `withheld` (its PayoutWithheld)."""
    return {
        "batch_id": event.args["batchId"], "position": position, "program_id": batch["program_id"], "period": batch["period"],
        "mode": "wallet" if account else "bank", "beneficiary": beneficiary, "account": account,
        "settlement_ref": settlement_ref, "amount": amount, "status": WITHHELD if withheld else PAID,
        "current": withheld["current"] if withheld else None, "leaf_index": None, "block_number": event.block_number,
        "tx_hash": event.tx_hash,
    }  # fmt: skip
