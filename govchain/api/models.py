"""Pydantic models of the REST API: what each endpoint accepts and returns (they make the OpenAPI schema).

They are also the read models the CLI prints with `--json`, so both say the same. A field typed `Fen`
(an amount in fen, 分) is also served as a yuan string beside it (`amount` -> `amount_yuan`,
`registered_capital_fen` -> `registered_capital_yuan`: "1850.00"); a field typed `Time` (chain
seconds) also as ISO 8601 in China Standard Time (`applied_at` -> `applied_at_iso`:
"2026-12-04T06:44:02+08:00"). A companion is null when its value is (a time also when it is 0: not
yet, or no bound).
"""

from __future__ import annotations

import dataclasses
import functools
from types import UnionType
from typing import Annotated, Any, Callable, ClassVar, Generic, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, StringConstraints, model_serializer
from pydantic.json_schema import GetJsonSchemaHandler, JsonSchemaValue
from pydantic_core import CoreSchema

from govchain import formatting
from govchain.domain import uscc_of_subject
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


class Unit:
    """Marks an integer field that is also served formatted, in a companion field beside it."""

    def __init__(self, suffix: str, strip: str, format: Callable[[Any], str | None], schema: dict[str, Any], *, zero_is_null: bool = False) -> None:  # noqa: A002
        self.suffix, self.strip, self.schema, self.zero_is_null = suffix, strip, schema, zero_is_null
        self.format = functools.lru_cache(maxsize=1 << 16)(format)  # a page repeats its times (events of one block)

    def companion(self, name: str) -> str:
        return (name[: -len(self.strip)] if self.strip and name.endswith(self.strip) else name) + self.suffix


FEN = Unit("_yuan", "_fen", formatting.yuan, {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "examples": ["1850.00"],
                                             "description": "the amount in yuan (元), exact, two decimals"})  # fmt: skip
TIME = Unit("_iso", "", formatting.iso_time, {"type": "string", "format": "date-time", "examples": ["2026-12-04T06:44:02+08:00"],
                                             "description": "the time in ISO 8601, China Standard Time (+08:00); null when "
                                             "the seconds are null or 0 (not yet, no bound)"}, zero_is_null=True)  # fmt: skip
Fen = Annotated[int, FEN, Field(description="fen (分, 1/100 yuan); also as yuan in the `…_yuan` field beside it")]
Time = Annotated[int, TIME, Field(description="chain time, Unix seconds; also as ISO 8601 in the `…_iso` field beside it")]


def _unit_of(annotation: Any, metadata: list[Any] = ()) -> Unit | None:  # type: ignore[assignment]
    """The Unit marking a field, also inside `Fen | None`."""
    for item in metadata:
        if isinstance(item, Unit):
            return item
    if get_origin(annotation) is Annotated:
        return _unit_of(None, list(get_args(annotation)[1:]))
    for arg in get_args(annotation) if get_origin(annotation) in (Union, UnionType) else ():
        unit = _unit_of(arg)
        if unit is not None:
            return unit
    return None


class Model(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    _companions: ClassVar[dict[str, tuple[str, Unit]]] = {}  # field -> (companion field, its unit)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._companions = {}
        for name, info in cls.model_fields.items():
            unit = _unit_of(info.annotation, info.metadata)
            if unit is not None:
                cls._companions[name] = (unit.companion(name), unit)

    @model_serializer(mode="wrap")
    def _with_companions(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]  # no return type: the schema stays the model's
        data = handler(self)
        if not self._companions or not isinstance(data, dict):
            return data
        out: dict[str, Any] = {}
        for key, value in data.items():
            out[key] = value
            if key in self._companions:  # each companion right after its field (CSV columns read amount, amount_yuan)
                companion, unit = self._companions[key]
                out[companion] = unit.format(value)
        return out

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core_schema)
        if handler.mode == "serialization" and cls._companions:
            target = handler.resolve_ref_schema(schema)
            properties = target.setdefault("properties", {})
            for name, (companion, unit) in cls._companions.items():
                nullable = unit.zero_is_null or "null" in str(properties.get(name, {}))
                properties[companion] = {"anyOf": [unit.schema, {"type": "null"}]} if nullable else dict(unit.schema)
                target.setdefault("required", []).append(companion)
        return schema


class Page(Model, Generic[T]):
    """One page of a list (offset pagination). Every list is also served as CSV (`?format=csv` or
    `…/export.csv`), paged the same way, with the page's figures in X-Total-Count, X-Offset, X-Limit
    and X-Next-Offset headers."""

    items: list[T]
    count: int = Field(description="items on this page")
    total: int = Field(description="items in the whole list (with the same filters)")
    limit: int
    offset: int
    next_offset: int | None = Field(description="offset of the next page, or null on the last one")


class ErrorBody(Model):
    error: str = Field(description="machine-readable error code, e.g. invalid_request, invalid_uscc, not_found, contract_refused")
    message: str = Field(description="what is wrong, in words")
    details: dict[str, Any] = Field(
        description="more about it, always an object (empty when there is nothing more): e.g. `errors` for invalid "
        "parameters, `contract_error` and `arguments` for a refusal by a contract"
    )


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "malformed or invalid input: a parameter, a body field, a USCC, ... (the message says what)"},
    404: {"model": ErrorBody, "description": "no such record"},
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
    timestamp: Time


class BlockSummary(Model):
    number: int
    hash: str
    timestamp: Time
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
    timestamp: Time | None
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
    timestamp: Time
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
    head_timestamp: Time
    indexed_block: int | None
    events_indexed: int
    enterprises_total: int
    enterprises_registered: int = Field(description="registered or suspended (not deregistered)")
    cases_total: int
    cases_in_progress: int = Field(description="in review or returned to the applicant")
    cases_overdue: int = Field(description="in review past the current step's deadline (chain time)")
    credit_records: int
    money_disbursed_fen: Fen | None = Field(description="null until the fiscal-funds module is deployed")
    extra: dict[str, int]


class DeployedContract(Model):
    name: str = Field(examples=["FiscalToken"])
    address: str
    deployed_block: int | None = Field(description="the block it was deployed in (index events from there)")
    abi: list[dict[str, Any]] = Field(description="the contract's ABI (JSON), as the compiler wrote it")


class Contracts(Model):
    """What an integrator needs to read and call the suite with any Ethereum client, no compiler."""

    chain_id: int
    contracts: list[DeployedContract] = Field(description="every deployed contract of the suite, by name")


# --- registries --------------------------------------------------------------------------------


class HistoryEntry(Model):
    block_number: int
    log_index: int
    timestamp: Time
    tx_hash: str
    event: str
    args: dict[str, Any]


class EnterpriseRow(Model):
    uscc: str
    name: str = Field(description="the registered name (public registration data): the latest application's or the latest change's")
    status: str
    case_id: int
    applicant: str
    registered_capital_fen: Fen = Field(description="registered capital in fen (0.01 yuan), as the name: latest application or change")
    applied_at: Time
    decided_at: Time | None
    updated_at: Time
    changes: int


class Enterprise(Model):
    uscc: str
    name: str = Field(description="the registered name (public registration data): the latest application's or the latest change's")
    registered_capital_fen: Fen = Field(description="registered capital in fen (0.01 yuan)")
    applicant: str = Field(description="who made the latest application")
    status: str
    applied_at: Time
    decided_at: Time
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
    deadline: Time | None
    overdue: bool
    opened_at: Time
    updated_at: Time
    closed_at: Time | None
    last_officer: str | None
    subject_uscc: str | None = Field(description="the enterprise the case is about, when its subject is a USCC")

    @classmethod
    def of(cls, row: Any, labels: Any) -> "CaseRow":
        """A case list row (govchain.views.CaseRow) with its template's name and the USCC its subject names."""
        return cls.model_validate({**dataclasses.asdict(row), "template": labels.template(row.template_id), "subject_uscc": uscc_of_subject(row.subject)})


class Step(Model):
    step: int
    role: str
    role_name: str
    department: str | None = Field(description="code of the department whose officers hold the step's role, e.g. DRC")
    department_name: str | None
    started_at: Time | None
    deadline: Time | None
    decided_at: Time | None
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
    subject_uscc: str | None = Field(description="the enterprise the case is about, when its subject is a USCC")

    @classmethod
    def of(cls, view: Any, labels: Any, department_names: dict[str, str]) -> "Case":
        """A case view (govchain.views.CaseView) with its names: template, step roles and departments, the subject's USCC."""
        steps = [
            {**dataclasses.asdict(s), "role_name": labels.role(s.role), "department_name": department_names.get(s.department or "")}
            for s in view.steps
        ]  # fmt: skip
        named = {"template": labels.template(view.template_id), "steps": steps, "subject_uscc": uscc_of_subject(view.subject)}
        return cls.model_validate({**dataclasses.asdict(view), **named})


class CreditRecord(Model):
    index: int
    category: int
    category_name: str
    delta: int
    writer: str
    evidence_hash: str
    valid_from: Time
    valid_until: Time
    timestamp: Time
    tx_hash: str
    revoked: bool
    amends: int | None


def _named_records(records: Any, category_names: dict[int, str]) -> list[dict[str, Any]]:
    return [{**dataclasses.asdict(r), "category_name": category_names.get(r.category, str(r.category))} for r in records]


class Credit(Model):
    subject: str
    score: int = Field(description="the on-chain score: the sum of the subject's public records (sealed records never enter it)")
    record_count: int = Field(description="the subject's public records, amendments included")
    records: list[CreditRecord] = Field(description="public categories only (non-public ones are sealed on chain)")

    @classmethod
    def of(cls, view: Any, category_names: dict[int, str]) -> Any:
        """A credit view (govchain.views.CreditView) with its categories' names."""
        return cls.model_validate({**dataclasses.asdict(view), "records": _named_records(view.records, category_names)})


class SealedCreditRecord(Model):
    record: CreditRecord
    commitment: str = Field(description="the record's on-chain commitment, which the opened record was checked against")


class CreditReport(Credit):
    """A subject's credit as a department sees it (`govchain credit show --department`): the public
    record, and the sealed records the department's reader key opens."""

    sealed_records: list[SealedCreditRecord]
    reader: str | None = Field(description="the department whose key opened `sealed_records`")

    @classmethod
    def of(cls, view: Any, category_names: dict[int, str]) -> Any:
        sealed = [{"record": _named_records([s.record], category_names)[0], "commitment": s.commitment} for s in view.sealed_records]
        return cls.model_validate({**dataclasses.asdict(view), "records": _named_records(view.records, category_names), "sealed_records": sealed})


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
    registered_at: Time


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
