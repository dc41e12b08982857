"""Sending transactions: nonce management, gas estimation, retries, receipts and pipelining.

`TransactionSender.transact` sends one call and waits for it. `transact_many` pipelines: it signs
every call with consecutive nonces, sends them as JSON-RPC batches (many transactions in flight),
then gathers the receipts. A revert is raised as the contract's custom error, decoded
(`ContractRevert` subclasses named after the error), never as a bare hex blob.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

import requests
from eth_account.signers.local import LocalAccount
from hexbytes import HexBytes
from web3 import Web3
from web3.exceptions import ContractCustomError, ContractLogicError, ContractPanicError

from govchain.artifacts import Artifacts
from govchain.exceptions import ChainNotRunning, ContractRevert, TransactionError, UnknownRevert
from govchain.signer import DEV_CHAIN_IDS

TRANSIENT = (requests.ConnectionError, requests.Timeout, ConnectionError, TimeoutError)
DEFAULT_BATCH = 200  # transactions per JSON-RPC batch
MAX_IN_FLIGHT = 600  # unconfirmed transactions at most: Anvil's automine misses bursts beyond ~1,000
MAX_BATCH_BYTES = 1_000_000  # and at most this much raw transaction data per batch (nodes cap request size)
REBROADCAST_AFTER_S = 10.0  # and re-broadcast every unconfirmed transaction after this long
LOST_CHECK_AFTER_S = 2.0  # without a new receipt for this long, check whether the node lost transactions
DEV_NUDGE_AFTER_S = 1.0  # on a local dev chain, mine a block after this long without a new receipt
TX_GAS_CAP = 16_777_216  # per-transaction gas cap of current Ethereum rules (EIP-7825)
GAS_HEADROOM = 1.2  # estimated gas x this = gas limit (state can change between estimate and inclusion)


@dataclass(frozen=True)
class Call:
    """One contract call to send: target address, calldata and an optional fixed gas limit."""

    to: str | None  # None deploys a contract (data = bytecode + constructor arguments)
    data: bytes
    gas: int | None = None
    label: str = ""

    @classmethod
    def of(cls, fn: Any, gas: int | None = None, label: str = "") -> "Call":
        """From a web3.py bound contract function, e.g. `Call.of(registry.functions.bind(a, b))`."""
        return cls(fn.address, HexBytes(fn._encode_transaction_data()), gas, label or fn.fn_name)


@dataclass(frozen=True)
class Receipt:
    """What a mined transaction left: status, gas, block and its raw logs."""

    tx_hash: str
    block_number: int
    gas_used: int
    status: int
    logs: list[dict[str, Any]] = field(repr=False)
    label: str = ""
    contract_address: str | None = None


class TransactionSender:
    """Sends transactions from one local account; safe to share between threads."""

    def __init__(
        self,
        w3: Web3,
        account: LocalAccount,
        artifacts: Artifacts,
        *,
        priority_fee: int = 0,
        retries: int = 5,
        receipt_timeout: float = 120.0,
        batch_size: int = DEFAULT_BATCH,
        max_in_flight: int = MAX_IN_FLIGHT,
        reconnect_timeout: float = 60.0,
    ) -> None:
        self.w3 = w3
        self.account = account
        self.artifacts = artifacts
        self.priority_fee = priority_fee
        self.retries = retries
        self.receipt_timeout = receipt_timeout
        self.batch_size = batch_size
        self.max_in_flight = max_in_flight
        self.reconnect_timeout = reconnect_timeout
        self.chain_id = self._retry(lambda: w3.eth.chain_id)
        self.resent: list[str] = []  # hashes this sender had to send again (after a node restart)
        self._lock = threading.Lock()
        self._next_nonce: int | None = None

    # --- nonces and fees -------------------------------------------------------------------

    def _reserve_nonces(self, count: int) -> int:
        with self._lock:
            if self._next_nonce is None:
                self._next_nonce = self._retry(lambda: self.w3.eth.get_transaction_count(self.account.address, "pending"))
            first = self._next_nonce
            self._next_nonce += count
            return first

    def resync_nonce(self) -> None:
        """Forget the local nonce; the next transaction asks the node again."""
        with self._lock:
            self._next_nonce = None

    def _fees(self) -> dict[str, int]:
        base = self._retry(lambda: self.w3.eth.get_block("latest")).get("baseFeePerGas", 0)
        return {"maxFeePerGas": 2 * base + self.priority_fee, "maxPriorityFeePerGas": self.priority_fee}

    # --- gas -------------------------------------------------------------------------------

    def estimate(self, call: Call) -> int:
        """Gas limit for `call` (estimate x headroom); raises the decoded revert if it would fail."""
        tx: dict[str, Any] = {"from": self.account.address, "data": call.data}
        if call.to is not None:
            tx["to"] = call.to
        try:
            return int(self._retry(lambda: self.w3.eth.estimate_gas(tx)) * GAS_HEADROOM)
        except (ContractCustomError, ContractLogicError, ContractPanicError) as exc:
            raise self._decode_exception(exc) from None

    def _decode_exception(self, exc: Exception) -> ContractRevert | UnknownRevert:
        data = getattr(exc, "data", None)
        if isinstance(data, str) and data.startswith("0x"):
            return self.artifacts.decode_revert(bytes.fromhex(data[2:]))
        if isinstance(data, (bytes, bytearray)):
            return self.artifacts.decode_revert(bytes(data))
        return UnknownRevert(str(exc))

    # --- sending ---------------------------------------------------------------------------

    def transact(self, call: Call | Any, gas: int | None = None) -> Receipt:
        """Send one call and wait for it; raises ContractRevert if the contract refuses."""
        return self.transact_many([call], gas=gas)[0]

    def transact_many(
        self,
        calls: Iterable[Call | Any],
        gas: int | Callable[[Call], int] | None = None,
        *,
        check: bool = True,
        progress: Callable[[int], None] | None = None,
    ) -> list[Receipt]:
        """Pipeline `calls`: sign all, send in batches, then gather every receipt (in order).

        Gas: a fixed limit, a function of the call, the call's own `gas`, or (default) an estimate
        per call made before anything is sent, so a call that would revert stops the whole
        submission with its decoded error and nothing is sent. With `check`, a call that reverted
        on chain anyway raises its decoded error after all receipts are in.
        """
        prepared = [c if isinstance(c, Call) else Call.of(c) for c in calls]
        if not prepared:
            return []
        limits = [self._gas_for(c, gas) for c in prepared]
        resent_before = len(self.resent)
        fees = self._fees()
        first = self._reserve_nonces(len(prepared))
        signed = []
        for offset, (call, limit) in enumerate(zip(prepared, limits)):
            tx = {
                "chainId": self.chain_id,
                "nonce": first + offset,
                **({"to": call.to} if call.to is not None else {}),
                "data": call.data,
                "value": 0,
                "gas": limit,
                "type": 2,
                **fees,
            }
            signed.append(self.account.sign_transaction(tx))
        hashes = ["0x" + bytes(s.hash).hex() for s in signed]
        # every signed transaction of this call, kept until the call returns: if the node restarts
        # from an older state, whatever it lost (mined or not) is re-sent exactly as signed
        raws: dict[str, str] = {}  # filled as batches are sent, in nonce order
        labels = [c.label for c in prepared]
        receipts: list[Receipt] = []
        start = 0
        while start < len(signed):
            end, size = start, 0
            while end < len(signed) and end - start < self.batch_size:
                size += len(signed[end].raw_transaction)
                if end > start and size > MAX_BATCH_BYTES:
                    break
                end += 1
            self._send_raw_batch(signed[start:end], hashes[start:end])
            raws.update((h, "0x" + bytes(tx.raw_transaction).hex()) for h, tx in zip(hashes[start:end], signed[start:end]))
            start = end
            if start - len(receipts) > self.max_in_flight:  # bound what the node must hold at once
                done = start - self.max_in_flight // 2
                receipts += self.wait_for_receipts(hashes[len(receipts) : done], labels[len(receipts) : done], raws=raws)
                if progress:
                    progress(len(receipts))
        receipts += self.wait_for_receipts(
            hashes[len(receipts) :],
            labels[len(receipts) :],
            progress=(lambda n, base=len(receipts): progress(base + n)) if progress else None,
            raws=raws,
        )
        if len(self.resent) > resent_before and self._any_receipt_lost(hashes):
            # receipts seen before a node restart that the restarted node no longer has: wait again
            receipts = self.wait_for_receipts(hashes, labels, raws=raws)
        if check:
            for receipt in receipts:
                if receipt.status != 1:
                    raise self.revert_reason(receipt)
        return receipts

    def _gas_for(self, call: Call, gas: int | Callable[[Call], int] | None) -> int:
        if callable(gas):
            return gas(call)
        if gas is not None:
            return gas
        # the headroom never takes a limit past the per-transaction cap (EIP-7825)
        return call.gas if call.gas is not None else min(self.estimate(call), TX_GAS_CAP)

    def _send_raw_batch(self, signed: Sequence[Any], hashes: Sequence[str]) -> None:
        self._send_raws(["0x" + bytes(s.raw_transaction).hex() for s in signed], hashes)

    def _send_raws(self, raws: Sequence[str], hashes: Sequence[str], tolerate_known: bool = False) -> None:
        requests_ = [("eth_sendRawTransaction", [raw]) for raw in raws]
        responses = self._retry(lambda: self.w3.provider.make_batch_request(requests_))
        if not isinstance(responses, list):  # the node refused the whole batch
            raise TransactionError(f"the node refused the batch: {responses.get('error')}")
        for response, tx_hash in zip(responses, hashes):
            error = response.get("error")
            if error and not tolerate_known and not self._already_known(error, tx_hash):
                raise TransactionError(f"transaction {tx_hash} was refused: {error.get('message', error)}", tx_hash)

    def _already_known(self, error: dict[str, Any], tx_hash: str) -> bool:
        # A retried send whose first attempt got through: the node already has this exact transaction.
        message = str(error.get("message", "")).lower()
        if "already known" in message or "already imported" in message:
            return True
        return "nonce too low" in message and self._retry(lambda: self._has_tx(tx_hash))

    def _has_tx(self, tx_hash: str) -> bool:
        try:
            return self.w3.eth.get_transaction(tx_hash) is not None
        except Exception:  # noqa: BLE001 - web3 raises TransactionNotFound
            return False

    def wait_for_receipts(
        self,
        hashes: Sequence[str],
        labels: Sequence[str] | None = None,
        progress: Callable[[int], None] | None = None,
        raws: dict[str, str] | None = None,
    ) -> list[Receipt]:
        """Poll (in JSON-RPC batches) until every transaction has a receipt; fail only when no new
        receipt arrived for `receipt_timeout` seconds (a long pipeline may take longer in total)."""
        labels = labels or [""] * len(hashes)
        found: dict[str, Receipt] = {}
        deadline = time.monotonic() + self.receipt_timeout
        stalled_since = nudged_at = lost_checked_at = rebroadcast_at = time.monotonic()
        pause = 0.005
        while len(found) < len(hashes):
            pending = [h for h in hashes if h not in found]
            before = len(found)
            for start in range(0, len(pending), self.batch_size):
                chunk = pending[start : start + self.batch_size]
                try:
                    responses = self._retry(
                        lambda: self.w3.provider.make_batch_request([("eth_getTransactionReceipt", [h]) for h in chunk])
                    )
                except ChainNotRunning:
                    self._await_node()  # the node went away: wait for it, then re-send what it lost
                    for lost in self._resend_lost(list(raws or {}) or hashes, raws or {}):
                        found.pop(lost, None)
                    break
                for tx_hash, response in zip(chunk, responses if isinstance(responses, list) else []):
                    raw = response.get("result")
                    if raw:
                        found[tx_hash] = Receipt(
                            tx_hash,
                            int(raw["blockNumber"], 16),
                            int(raw["gasUsed"], 16),
                            int(raw["status"], 16),
                            raw["logs"],
                            contract_address=raw.get("contractAddress") and Web3.to_checksum_address(raw["contractAddress"]),
                        )
                if progress:
                    progress(len(found))
            now = time.monotonic()
            if len(found) > before:
                deadline = now + self.receipt_timeout
                stalled_since = nudged_at = now
            else:
                if now - stalled_since > LOST_CHECK_AFTER_S and now - lost_checked_at > LOST_CHECK_AFTER_S:
                    lost_checked_at = now
                    for lost in self._resend_lost(list(raws or {}) or hashes, raws or {}):
                        found.pop(lost, None)
                if raws and now - stalled_since > REBROADCAST_AFTER_S and now - rebroadcast_at > REBROADCAST_AFTER_S:
                    # still nothing: broadcast every unconfirmed transaction again, as wallets do; a node
                    # that has one answers "already known", one that dropped it from its pool takes it back
                    rebroadcast_at = now
                    waiting = [h for h in raws if h not in found]
                    self._send_raws([raws[h] for h in waiting], waiting, tolerate_known=True)
                if self.chain_id in DEV_CHAIN_IDS and now - nudged_at > DEV_NUDGE_AFTER_S:
                    # Anvil's automine mines when transactions arrive; a pipeline larger than a block
                    # leaves the rest waiting for the next arrival. On a local dev chain, mine one.
                    self._retry(lambda: self.w3.provider.make_request("evm_mine", []))
                    nudged_at = now
            if len(found) < len(hashes):
                if time.monotonic() > deadline:
                    missing = len(hashes) - len(found)
                    raise TransactionError(
                        f"{missing} transaction(s) not mined: no receipt for {self.receipt_timeout:.0f}s", pending[0]
                    )
                time.sleep(pause)
                pause = min(pause * 2, 0.5)
        return [Receipt(**{**found[h].__dict__, "label": label}) for h, label in zip(hashes, labels)]

    def _await_node(self) -> None:
        deadline = time.monotonic() + self.reconnect_timeout
        while time.monotonic() < deadline:
            try:
                self.w3.provider.make_request("eth_blockNumber", [])
                return
            except TRANSIENT:
                time.sleep(0.25)
        raise ChainNotRunning(f"the node did not come back within {self.reconnect_timeout:.0f}s")

    def _resend_lost(self, hashes: Sequence[str], raws: dict[str, str]) -> list[str]:
        """Re-send, unchanged (same nonce, same hash), every transaction of `hashes` the node no longer
        knows, e.g. after it restarted from an older state; in nonce order. The same signed
        transaction cannot execute twice. Returns the re-sent hashes (also added to `self.resent`)."""
        lost = []
        known = [h for h in hashes if h in raws]
        for start in range(0, len(known), self.batch_size):
            chunk = known[start : start + self.batch_size]
            replies = self._retry(
                lambda: self.w3.provider.make_batch_request([("eth_getTransactionByHash", [h]) for h in chunk])
            )
            lost += [h for h, reply in zip(chunk, replies) if reply.get("result") is None]
        for start in range(0, len(lost), self.batch_size):
            chunk = lost[start : start + self.batch_size]
            self._send_raws([raws[h] for h in chunk], chunk)
        self.resent.extend(lost)
        return lost

    def _any_receipt_lost(self, hashes: Sequence[str]) -> bool:
        for start in range(0, len(hashes), self.batch_size):
            chunk = hashes[start : start + self.batch_size]
            replies = self._retry(
                lambda: self.w3.provider.make_batch_request([("eth_getTransactionReceipt", [h]) for h in chunk])
            )
            if any(reply.get("result") is None for reply in replies):
                return True
        return False

    def revert_reason(self, receipt: Receipt) -> ContractRevert | UnknownRevert:
        """Decode why a mined transaction reverted: from the node's trace when it offers
        debug_traceTransaction (Anvil, geth), else by replaying it on the state before its block."""
        try:
            trace = self.w3.provider.make_request("debug_traceTransaction", [receipt.tx_hash, {"tracer": "callTracer"}])
            output = (trace.get("result") or {}).get("output")
        except Exception:  # noqa: BLE001 - the method may not exist on this node
            output = None
        if output and output != "0x":
            return self.artifacts.decode_revert(bytes.fromhex(output[2:]), receipt.tx_hash)
        tx = self._retry(lambda: self.w3.eth.get_transaction(receipt.tx_hash))
        call = {"from": tx["from"], "data": tx["input"], "gas": tx["gas"], **({"to": tx["to"]} if tx["to"] else {})}
        try:
            self.w3.eth.call(call, block_identifier=receipt.block_number - 1)
        except (ContractCustomError, ContractLogicError, ContractPanicError) as exc:
            decoded = self._decode_exception(exc)
            decoded.tx_hash = receipt.tx_hash
            return decoded
        return UnknownRevert(f"transaction {receipt.tx_hash} reverted (out of gas or state changed within its block)", receipt.tx_hash)

    # --- retries ---------------------------------------------------------------------------

    def _retry(self, action: Callable[[], Any]) -> Any:
        """Run an RPC action, retrying transient connection errors with exponential back-off."""
        delay = 0.2
        for attempt in range(self.retries + 1):
            try:
                return action()
            except TRANSIENT as exc:
                if attempt == self.retries:
                    raise ChainNotRunning(f"the node at {getattr(self.w3.provider, 'endpoint_uri', '?')} is unreachable: {exc}") from exc
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
        raise AssertionError("unreachable")
