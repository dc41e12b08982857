"""Blocks, transactions and accounts as the explorer shows them: fetched in JSON-RPC batches, decoded
against the suite's ABIs, and cached where the chain cannot change them.

A mined block, its transactions and their receipts never change unless the chain reorganises. The
`Ledger` caches them for every block at or below `stable_block` (the indexer's checkpoint, whose
hash the indexer has just checked), and `invalidate()` forgets everything when the indexer reports
a rollback. Newer blocks and account state (balances, nonces) are always read fresh.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Generic, Hashable, TypeVar

from eth_abi import decode
from eth_utils import function_signature_to_4byte_selector, to_checksum_address
from web3 import Web3

from govchain.artifacts import Artifacts, _canonical_type, signature
from govchain.connection import Deployment
from govchain.events import abi_args, decode_receipt_logs
from govchain.exceptions import ChainError

HEAD_TTL_S = 0.5  # how long the head block number is reused before asking the node again
BLOCK_CACHE = 20_000  # blocks kept (with their transactions' summaries)
TX_CACHE = 20_000  # decoded transactions kept
MAX_SCAN_BLOCKS = 500  # the latest-transactions list looks this many blocks back at most
RPC_BATCH = 200  # requests per JSON-RPC batch

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A small thread-safe least-recently-used cache."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            if key not in self._data:
                return None
            self._data.move_to_end(key)
            return self._data[key]

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


def json_value(value: Any) -> Any:
    """An ABI-decoded value as JSON: bytes as 0x-hex, tuples as lists."""
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    return value


def _named(inputs: list[dict[str, Any]], values: Any) -> dict[str, Any]:
    """ABI-decoded values keyed by their parameter names (tuples become nested dicts)."""
    out: dict[str, Any] = {}
    for n, (item, value) in enumerate(zip(inputs, values)):
        out[item.get("name") or f"arg{n}"] = _shape(item, value)
    return out


def _shape(item: dict[str, Any], value: Any) -> Any:
    type_ = item["type"]
    if type_ == "tuple":
        return _named(item["components"], value)
    if type_.startswith("tuple["):
        return [_named(item["components"], v) for v in value]
    if type_ == "address":
        return to_checksum_address(value)
    if type_.startswith("address["):
        return [to_checksum_address(v) for v in value]
    return json_value(value)


def _hex_int(value: Any) -> int:
    return int(value, 16) if isinstance(value, str) else int(value or 0)


# --- decoded records ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DecodedCall:
    """A function call decoded against the suite's ABIs."""

    contract: str | None  # the suite contract at `to`, or the artifact whose ABI matched the selector
    function: str
    signature: str
    args: dict[str, Any]
    sender: str | None = None  # for a call relayed through GovForwarder: the citizen who signed it


@dataclass(frozen=True)
class TxSummary:
    """One transaction as a list row shows it (no receipt needed)."""

    hash: str
    block_number: int
    index: int
    sender: str
    to: str | None
    to_name: str | None
    function: str | None
    value: int
    timestamp: int


@dataclass(frozen=True)
class BlockInfo:
    number: int
    hash: str
    parent_hash: str
    timestamp: int
    miner: str
    gas_used: int
    gas_limit: int
    base_fee: int | None
    transactions: list[TxSummary] = field(default_factory=list)

    @property
    def tx_count(self) -> int:
        return len(self.transactions)


@dataclass(frozen=True)
class EventRecord:
    log_index: int
    address: str
    contract: str | None
    event: str | None
    args: dict[str, Any]
    topics: list[str]
    data: str


@dataclass(frozen=True)
class InternalCall:
    depth: int
    type: str
    sender: str
    to: str | None
    to_name: str | None
    function: str | None
    value: int
    gas_used: int
    error: str | None


@dataclass(frozen=True)
class RevertInfo:
    error: str
    args: dict[str, Any]
    message: str


@dataclass(frozen=True)
class TxDetail:
    hash: str
    block_number: int | None
    block_hash: str | None
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
    status: str  # "success", "reverted" or "pending"
    input: str
    call: DecodedCall | None
    inner_call: DecodedCall | None
    revert: RevertInfo | None
    events: list[EventRecord]
    internal_calls: list[InternalCall] | None  # None when the node offers no call tracer
    contract_address: str | None


@dataclass(frozen=True)
class AccountState:
    address: str
    balance: int
    nonce: int
    is_contract: bool
    contract_name: str | None


# --- the ledger --------------------------------------------------------------------------------


class Ledger:
    """Reads and decodes what the chain holds; one per app, shared between request threads."""

    def __init__(self, w3: Web3, artifacts: Artifacts, deployment: Deployment) -> None:
        self.w3 = w3
        self.artifacts = artifacts
        self.deployment = deployment
        self.names = {info["address"].lower(): name for name, info in deployment.contracts.items()}
        self.stable_block = -1  # blocks up to this one are cached (set by the index sync)
        self._head: tuple[float, int, int] | None = None  # (fetched at, number, timestamp)
        self._head_lock = threading.Lock()
        self._blocks: LRU[int, BlockInfo] = LRU(BLOCK_CACHE)
        self._txs: LRU[str, TxDetail] = LRU(TX_CACHE)
        self._selectors = self._selector_index()
        self._trace_supported: bool | None = None

    # --- plumbing ---------------------------------------------------------------------------

    def batch(self, requests: list[tuple[str, list[Any]]]) -> list[Any]:
        """Results of JSON-RPC requests sent in batches (None for a request the node refused)."""
        results: list[Any] = []
        for start in range(0, len(requests), RPC_BATCH):
            chunk = requests[start : start + RPC_BATCH]
            try:
                replies = self.w3.provider.make_batch_request(chunk)
            except Exception as exc:  # noqa: BLE001 - connection errors of any kind
                raise ChainError(f"the chain node did not answer: {exc}") from exc
            if not isinstance(replies, list):
                raise ChainError(f"the chain node refused a batch request: {replies}")
            results += [reply.get("result") for reply in replies]
        return results

    def _request(self, method: str, params: list[Any]) -> Any:
        return self.batch([(method, params)])[0]

    def chain_hash(self, number: int) -> str | None:
        """The hash of block `number` on the chain now (never cached)."""
        block = self._request("eth_getBlockByNumber", [hex(number), False])
        return block["hash"] if block else None

    def invalidate(self) -> None:
        """Forget every cached block and transaction (the chain reorganised)."""
        self._blocks.clear()
        self._txs.clear()
        with self._head_lock:
            self._head = None

    def name_of(self, address: str | None) -> str | None:
        return self.names.get(address.lower()) if address else None

    # --- head -------------------------------------------------------------------------------

    def head(self) -> tuple[int, int]:
        """(number, timestamp) of the latest block, reused for HEAD_TTL_S."""
        with self._head_lock:
            if self._head and time.monotonic() - self._head[0] < HEAD_TTL_S:
                return self._head[1], self._head[2]
        block = self._request("eth_getBlockByNumber", ["latest", False])
        if not block:
            raise ChainError("the chain node returned no latest block")
        number, timestamp = _hex_int(block["number"]), _hex_int(block["timestamp"])
        with self._head_lock:
            self._head = (time.monotonic(), number, timestamp)
        return number, timestamp

    # --- blocks -----------------------------------------------------------------------------

    def blocks(self, numbers: list[int]) -> dict[int, BlockInfo]:
        """The blocks that exist among `numbers`, fetched in one batch for those not cached."""
        found: dict[int, BlockInfo] = {}
        missing = []
        for number in numbers:
            cached = self._blocks.get(number)
            if cached is not None:
                found[number] = cached
            else:
                missing.append(number)
        if missing:
            replies = self.batch([("eth_getBlockByNumber", [hex(n), True]) for n in missing])
            for number, raw in zip(missing, replies):
                if raw:
                    block = self._block_info(raw)
                    found[number] = block
                    if number <= self.stable_block:
                        self._blocks.put(number, block)
        return found

    def block(self, number: int) -> BlockInfo | None:
        return self.blocks([number]).get(number)

    def latest_blocks(self, limit: int, before: int | None = None) -> list[BlockInfo]:
        """Up to `limit` blocks below `before` (default: up to the head), newest first."""
        head, _ = self.head()
        top = head if before is None else min(head, before - 1)
        numbers = list(range(top, max(top - limit, -1), -1))
        found = self.blocks(numbers)
        return [found[n] for n in numbers if n in found]

    def latest_transactions(self, limit: int) -> list[TxSummary]:
        """The latest `limit` transactions, looking back at most MAX_SCAN_BLOCKS blocks."""
        head, _ = self.head()
        txs: list[TxSummary] = []
        top = head
        step = max(10, limit)
        while len(txs) < limit and top >= 0 and head - top < MAX_SCAN_BLOCKS:
            numbers = list(range(top, max(top - step, -1), -1))
            found = self.blocks(numbers)
            for number in numbers:
                if number in found:
                    txs += reversed(found[number].transactions)
            top -= step
        return txs[:limit]

    def recent_transactions(self, offset: int, limit: int) -> tuple[list[TxSummary], int]:
        """Transactions of the latest MAX_SCAN_BLOCKS blocks, newest first: `limit` of them from `offset`,
        and how many there are (counted per block; only the blocks holding the page are fetched)."""
        head, _ = self.head()
        numbers = list(range(head, max(head - MAX_SCAN_BLOCKS, -1), -1))
        counts = [_hex_int(c) if c else 0 for c in self.batch([("eth_getBlockTransactionCountByNumber", [hex(n)]) for n in numbers])]
        wanted: list[int] = []
        before = seen = 0  # transactions in the blocks above the first wanted one; in the blocks walked so far
        for number, count in zip(numbers, counts):
            if seen + count > offset and seen < offset + limit:
                before = seen if not wanted else before
                wanted.append(number)
            seen += count
        found = self.blocks(wanted)
        txs = [tx for number in wanted if number in found for tx in reversed(found[number].transactions)]
        return txs[offset - before : offset - before + limit], sum(counts)

    def _block_info(self, raw: dict[str, Any]) -> BlockInfo:
        number = _hex_int(raw["number"])
        timestamp = _hex_int(raw["timestamp"])
        txs = []
        for tx in raw.get("transactions", []):
            if isinstance(tx, str):  # a node that ignored full=true
                txs.append(TxSummary(tx, number, len(txs), "", None, None, None, 0, timestamp))
                continue
            to = to_checksum_address(tx["to"]) if tx.get("to") else None
            call = self.decode_call(to, tx.get("input", "0x"), full=False)
            txs.append(
                TxSummary(
                    tx["hash"], number, _hex_int(tx.get("transactionIndex", len(txs))), to_checksum_address(tx["from"]),
                    to, self.name_of(to), call.function if call else None, _hex_int(tx.get("value")), timestamp,
                )  # fmt: skip
            )
        return BlockInfo(
            number, raw["hash"], raw["parentHash"], timestamp, to_checksum_address(raw["miner"]),
            _hex_int(raw["gasUsed"]), _hex_int(raw["gasLimit"]),
            _hex_int(raw["baseFeePerGas"]) if raw.get("baseFeePerGas") is not None else None, txs,
        )  # fmt: skip

    # --- calls ------------------------------------------------------------------------------

    def _selector_index(self) -> dict[bytes, tuple[str, dict[str, Any]]]:
        index: dict[bytes, tuple[str, dict[str, Any]]] = {}
        names = sorted(self.artifacts.names(), key=lambda n: (not self.artifacts.artifact(n).get("bytecode"), n))
        for name in names:
            for item in self.artifacts.abi(name):
                if item["type"] == "function":
                    index.setdefault(function_signature_to_4byte_selector(signature(item)), (name, item))
        return index

    def _function_abi(self, to: str | None, selector: bytes) -> tuple[str | None, dict[str, Any]] | None:
        name = self.name_of(to)
        if name:
            for item in self.artifacts.abi(name):
                if item["type"] == "function" and function_signature_to_4byte_selector(signature(item)) == selector:
                    return name, item
        found = self._selectors.get(selector)
        return (name or found[0], found[1]) if found else None

    def decode_call(self, to: str | None, data: str | bytes, *, full: bool = True) -> DecodedCall | None:
        """The function called by calldata `data` on `to`; with `full`, its arguments too (and a
        relayed application's inner call). None for a plain transfer or an unknown selector."""
        raw = bytes.fromhex(data[2:]) if isinstance(data, str) else bytes(data)
        if to is None or len(raw) < 4:
            return None
        found = self._function_abi(to, raw[:4])
        if found is None:
            return None
        contract, item = found
        args: dict[str, Any] = {}
        if full:
            try:
                args = _named(item["inputs"], decode([_canonical_type(i) for i in item["inputs"]], raw[4:]))
            except Exception:  # noqa: BLE001 - calldata that does not match the ABI: show the name only
                args = {}
        return DecodedCall(contract, item["name"], signature(item), args)

    def inner_call(self, call: DecodedCall | None) -> DecodedCall | None:
        """For GovForwarder.execute: the citizen's signed call inside it, decoded."""
        if call is None or call.contract != "GovForwarder" or call.function != "execute":
            return None
        request = call.args.get("request") or {}
        if not isinstance(request, dict) or "to" not in request:
            return None
        inner = self.decode_call(request["to"], request.get("data", "0x"))
        if inner is None:
            return None
        return DecodedCall(inner.contract, inner.function, inner.signature, inner.args, request.get("from"))

    # --- transactions -----------------------------------------------------------------------

    def transaction(self, tx_hash: str) -> TxDetail | None:
        """A transaction with its decoded call, events, status, gas and internal calls; None if unknown."""
        key = tx_hash.lower()
        cached = self._txs.get(key)
        if cached is not None:
            return cached
        tx, receipt = self.batch([("eth_getTransactionByHash", [key]), ("eth_getTransactionReceipt", [key])])
        if not tx:
            return None
        to = to_checksum_address(tx["to"]) if tx.get("to") else None
        call = self.decode_call(to, tx.get("input", "0x"))
        block_number = _hex_int(tx["blockNumber"]) if tx.get("blockNumber") else None
        timestamp = None
        events: list[EventRecord] = []
        status = "pending"
        trace = None
        revert = None
        if receipt:
            status = "success" if _hex_int(receipt["status"]) == 1 else "reverted"
            events = self._events(receipt["logs"])
            block = self.block(block_number) if block_number is not None else None
            timestamp = block.timestamp if block else None
            trace = self._trace(key)
            if status == "reverted":
                revert = self._revert(trace)
        detail = TxDetail(
            hash=tx["hash"],
            block_number=block_number,
            block_hash=tx.get("blockHash"),
            timestamp=timestamp,
            index=_hex_int(tx["transactionIndex"]) if tx.get("transactionIndex") is not None else None,
            sender=to_checksum_address(tx["from"]),
            to=to,
            to_name=self.name_of(to),
            value=_hex_int(tx.get("value")),
            nonce=_hex_int(tx.get("nonce")),
            gas_limit=_hex_int(tx.get("gas")),
            gas_used=_hex_int(receipt["gasUsed"]) if receipt else None,
            effective_gas_price=_hex_int(receipt.get("effectiveGasPrice")) if receipt else None,
            status=status,
            input=tx.get("input", "0x"),
            call=call,
            inner_call=self.inner_call(call),
            revert=revert,
            events=events,
            internal_calls=self._internal_calls(trace) if trace else None,
            contract_address=to_checksum_address(receipt["contractAddress"]) if receipt and receipt.get("contractAddress") else None,
        )
        if block_number is not None and block_number <= self.stable_block:
            self._txs.put(key, detail)
        return detail

    def _events(self, logs: list[dict[str, Any]]) -> list[EventRecord]:
        decoded = {(e.log_index): e for e in decode_receipt_logs(self.artifacts, logs)}
        records = []
        for log in logs:
            index = _hex_int(log["logIndex"])
            event = decoded.get(index)
            args: dict[str, Any] = {}
            if event is not None:
                args = abi_args(event)  # ABI names: Transfer's `from`, as every other client reads it
            address = to_checksum_address(log["address"])
            records.append(
                EventRecord(index, address, self.name_of(address) or (event.contract if event else None),
                            type(event).__name__ if event is not None else None, args, list(log["topics"]), log["data"])
            )  # fmt: skip
        return records

    def _trace(self, tx_hash: str) -> dict[str, Any] | None:
        if self._trace_supported is False:
            return None
        try:
            reply = self.w3.provider.make_request("debug_traceTransaction", [tx_hash, {"tracer": "callTracer"}])
        except Exception:  # noqa: BLE001 - a node without tracing may also just fail the request
            return None
        if "error" in reply:
            message = str(reply["error"].get("message", "")).lower()
            if "not found" in message or "not supported" in message or "method" in message:
                self._trace_supported = False
            return None
        self._trace_supported = True
        return reply.get("result")

    def _revert(self, trace: dict[str, Any] | None) -> RevertInfo | None:
        output = (trace or {}).get("output")
        if not output or output == "0x":
            return RevertInfo("UnknownRevert", {}, "reverted without data (out of gas or a bare revert)")
        error = self.artifacts.decode_revert(bytes.fromhex(output[2:]))
        return RevertInfo(getattr(error, "error", "UnknownRevert"), json_value_dict(getattr(error, "arguments", {})), str(error))

    def _internal_calls(self, trace: dict[str, Any]) -> list[InternalCall]:
        calls: list[InternalCall] = []

        def walk(frame: dict[str, Any], depth: int) -> None:
            to = to_checksum_address(frame["to"]) if frame.get("to") else None
            decoded = self.decode_call(to, frame.get("input", "0x"), full=False)
            calls.append(
                InternalCall(depth, frame.get("type", "CALL"), to_checksum_address(frame["from"]), to, self.name_of(to),
                             decoded.function if decoded else None, _hex_int(frame.get("value")),
                             _hex_int(frame.get("gasUsed")), frame.get("error"))
            )  # fmt: skip
            for child in frame.get("calls", []) or []:
                walk(child, depth + 1)

        for child in trace.get("calls", []) or []:
            walk(child, 1)
        return calls

    # --- accounts ---------------------------------------------------------------------------

    def account(self, address: str) -> AccountState:
        balance, nonce, code = self.batch(
            [("eth_getBalance", [address, "latest"]), ("eth_getTransactionCount", [address, "latest"]), ("eth_getCode", [address, "latest"])]
        )
        return AccountState(address, _hex_int(balance), _hex_int(nonce), bool(code and code != "0x"), self.name_of(address))


def json_value_dict(values: dict[str, Any]) -> dict[str, Any]:
    return {k: json_value(v) for k, v in values.items()}
