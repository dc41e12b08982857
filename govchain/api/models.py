"""Pydantic models of the REST API: what each endpoint accepts and returns (they make the OpenAPI schema)."""

from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from govchain.indexer import ProjectionFailure

T = TypeVar("T")

Address = Annotated[str, StringConstraints(pattern=r"^0x[0-9a-fA-F]{40}$"), Field(examples=["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"])]
Hash32 = Annotated[str, StringConstraints(pattern=r"^0x[0-9a-fA-F]{64}$"), Field(examples=["0x" + "ab" * 32])]
HexData = Annotated[str, StringConstraints(pattern=r"^0x([0-9a-fA-F]{2})*$", max_length=2 + 2 * 65_536)]
Signature = Annotated[str, StringConstraints(pattern=r"^0x[0-9a-fA-F]{130}$")]

UINT256_MAX = 2**256 - 1
UINT48_MAX = 2**48 - 1
UINT40_MAX = 2**40 - 1
MAX_RELAY_GAS = 10_000_000  # gas a citizen may grant the inner call of a relayed application


class Model(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(Model, Generic[T]):
    """One page of a list. Every list is also served as CSV: `?format=csv` or `…/export.csv`."""

    items: list[T]
    count: int = Field(description="items on this page")
    limit: int
    offset: int
    next_offset: int | None = Field(description="offset of the next page, or null on the last one")


class ErrorBody(Model):
    error: str = Field(description="machine-readable error code, e.g. invalid_uscc, not_found, contract_refused")
    message: str = Field(description="what is wrong, in words")
    details: Any = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "malformed input (the message says what is wrong)"},
    404: {"model": ErrorBody, "description": "no such record"},
    422: {"model": ErrorBody, "description": "a parameter or body field is invalid"},
    503: {"model": ErrorBody, "description": "the chain node or a needed service is unavailable"},
}
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    401: {"model": ErrorBody, "description": "no or a wrong department API key"},
    403: {"model": ErrorBody, "description": "the department's officer lacks the role the contract requires"},
    409: {"model": ErrorBody, "description": "the contract refused the action in its current state"},
}


# --- chain -------------------------------------------------------------------------------------


class Health(Model):
    chain_id: int
    head_block: int
    indexed_block: int | None
    index_lag_blocks: int | None
    status: Literal["ok", "degraded"] = Field(
        description="degraded: some indexed events could not be projected, so figures built from them may be incomplete"
    )
    projection_failure_count: int
    projection_failures: list[ProjectionFailure] = Field(
        description="the first failures (block, log index, tx, event, the projection and its error), oldest event first"
    )


class TxSummary(Model):
    hash: str
    block_number: int
    index: int
    sender: str
    to: str | None
    to_name: str | None = Field(description="the suite contract called, if any")
    function: str | None
    value: int
    timestamp: int


class BlockSummary(Model):
    number: int
    hash: str
    timestamp: int
    tx_count: int
    gas_used: int
    gas_limit: int


class Block(BlockSummary):
    parent_hash: str
    miner: str
    base_fee: int | None
    transactions: list[TxSummary]


class DecodedCall(Model):
    contract: str | None
    function: str
    signature: str
    args: dict[str, Any]
    sender: str | None = Field(None, description="for a relayed application: the citizen who signed it")


class EventRecord(Model):
    log_index: int
    address: str
    contract: str | None
    event: str | None
    args: dict[str, Any]
    display: dict[str, str] = Field({}, description="each argument as a person reads it: fen as ¥ yuan, times in China time, enums as words, codes as text")


class InternalCall(Model):
    depth: int
    type: str
    sender: str
    to: str | None
    to_name: str | None
    function: str | None
    value: int
    gas_used: int
    error: str | None


class RevertInfo(Model):
    error: str
    args: dict[str, Any]
    message: str


class Transaction(Model):
    hash: str
    block_number: int | None
    timestamp: int | None
    index: int | None
    sender: str
    to: str | None
    to_name: str | None
    value: int
    nonce: int
    gas_limit: int
    gas_used: int | None
    effective_gas_price: int | None
    status: Literal["success", "reverted", "pending"]
    call: DecodedCall | None
    inner_call: DecodedCall | None = Field(description="a relayed citizen application inside GovForwarder.execute")
    revert: RevertInfo | None
    events: list[EventRecord]
    internal_calls: list[InternalCall] | None = Field(description="null when the node offers no call tracer")
    contract_address: str | None


class RoleLabel(Model):
    contract: str
    role_id: str
    role: str


class AddressInfo(Model):
    address: str
    balance: int = Field(description="the native coin, in wei (not fiscal money)")
    fiscal_balance_fen: int | None = Field(description="fiscal yuan held (FiscalToken.balanceOf), in fen; null when no FiscalToken is deployed")
    nonce: int
    is_contract: bool
    contract_name: str | None
    department: str | None = Field(description="department code when the address is an officer")
    department_name: str | None
    department_name_en: str | None
    roles: list[RoleLabel]
    relayer: bool = Field(description="this app's relayer of citizens' applications")


class TokenTransfer(Model):
    """A fiscal-yuan (FiscalToken) transfer; a mint comes from, a burn goes to, the zero address."""

    block_number: int
    log_index: int
    timestamp: int
    tx_hash: str
    sender: str = Field(description="the Transfer's `from`")
    to: str
    amount_fen: int


class EventRow(Model):
    block_number: int
    log_index: int
    timestamp: int
    tx_hash: str
    address: str
    contract: str
    event: str
    args: dict[str, Any]
    display: dict[str, str] = Field({}, description="each argument as a person reads it: fen as ¥ yuan, times in China time, enums as words, codes as text")


class SearchHit(Model):
    kind: Literal["tx", "block", "address", "enterprise", "case", "credit"] | str
    id: str
    label: str
    path: str


class SearchResult(Model):
    query: str
    hits: list[SearchHit]


class Stats(Model):
    head_block: int
    head_timestamp: int
    indexed_block: int | None
    events_indexed: int
    enterprises_total: int
    enterprises_registered: int = Field(description="registered or suspended (not deregistered)")
    cases_total: int
    cases_in_progress: int = Field(description="in review or returned to the applicant")
    cases_overdue: int = Field(description="in review past the current step's deadline (chain time)")
    credit_records: int
    money_disbursed_fen: int | None = Field(description="null until the fiscal-funds module is deployed")
    extra: dict[str, int]


# --- registries --------------------------------------------------------------------------------


class HistoryEntry(Model):
    block_number: int
    log_index: int
    timestamp: int
    tx_hash: str
    event: str
    args: dict[str, Any]


class EnterpriseRow(Model):
    uscc: str
    name: str = Field(description="the registered name (public registration data): the latest application's or the latest change's")
    status: str
    case_id: int
    applicant: str
    registered_capital_fen: int = Field(description="registered capital in fen (0.01 yuan), as the name: latest application or change")
    applied_at: int
    decided_at: int | None
    updated_at: int
    changes: int


class Enterprise(Model):
    uscc: str
    name: str = Field(description="the registered name (public registration data): the latest application's or the latest change's")
    registered_capital_fen: int = Field(description="registered capital in fen (0.01 yuan)")
    applicant: str = Field(description="who made the latest application")
    status: str
    applied_at: int
    decided_at: int
    case_id: int
    seconds_to_decision: int | None
    history: list[HistoryEntry]


class CaseRow(Model):
    case_id: int
    template_id: int
    template: str
    applicant: str
    subject: str
    status: str
    step: int
    step_count: int
    deadline: int | None
    overdue: bool
    opened_at: int
    updated_at: int
    closed_at: int | None
    last_officer: str | None


class Step(Model):
    step: int
    role: str
    role_name: str
    started_at: int | None
    deadline: int | None
    decided_at: int | None
    decision: str | None
    officer: str | None
    overdue: bool


class Case(Model):
    case_id: int
    template_id: int
    template: str
    applicant: str
    status: str
    subject: str
    current_step: int
    step_count: int
    overdue: bool
    steps: list[Step]
    history: list[HistoryEntry]


class CreditRecord(Model):
    index: int
    category: int
    category_name: str
    delta: int
    writer: str
    evidence_hash: str
    valid_from: int
    valid_until: int
    timestamp: int
    tx_hash: str
    revoked: bool
    amends: int | None


class Credit(Model):
    subject: str
    score: int = Field(description="the on-chain score: the sum of the subject's public records (sealed records never enter it)")
    record_count: int = Field(description="the subject's public records, amendments included")
    records: list[CreditRecord] = Field(description="public categories only (non-public ones are sealed on chain)")


class CreditCategory(Model):
    category: int
    name: str
    active: bool
    public: bool
    min_delta: int
    max_delta: int
    owner: str = Field(description="code of the department that writes, corrects and revokes the category's records")


class Department(Model):
    code: str
    name: str
    name_en: str | None
    active: bool
    officers: list[str]
    registered_at: int


# --- writes ------------------------------------------------------------------------------------


class SignedRequestBody(Model):
    """A citizen's EIP-712 ForwardRequest and signature (see GET /api/relay/domain)."""

    sender: Address = Field(description="`from` of the typed data: the citizen")
    to: Address
    value: int = Field(0, ge=0, le=UINT256_MAX, description="must be 0")
    gas: int = Field(ge=21_000, le=MAX_RELAY_GAS)
    nonce: int = Field(ge=0, le=UINT256_MAX)
    deadline: int = Field(ge=0, le=UINT48_MAX)
    data: HexData
    signature: Signature


class RelayDomain(Model):
    domain: dict[str, Any]
    types: dict[str, list[dict[str, str]]]
    primary_type: str
    relay_targets: dict[str, str]


class Nonce(Model):
    address: str
    nonce: int


class WriteResult(Model):
    tx_hash: str
    block_number: int
    status: str
    gas_used: int
    events: list[dict[str, Any]]


class DecisionBody(Model):
    decision: Literal["APPROVE", "REJECT", "RETURN"]
    reason_hash: Hash32 | None = Field(None, description="hash of the reason document; required to reject or return")


class CreditRecordBody(Model):
    category: int = Field(ge=1, le=65_535)
    delta: int = Field(ge=-32_768, le=32_767)
    evidence_hash: Hash32
    valid_from: int = Field(0, ge=0, le=UINT40_MAX)
    valid_until: int = Field(0, ge=0, le=UINT40_MAX)


class Whoami(Model):
    department: str
    department_name: str | None
    officer: str
