"""What every typed client shares: the suite, a sender, batching below the gas cap."""

from __future__ import annotations

from typing import Any, Iterator, Sequence, TypeVar

from web3.contract import Contract

from govchain.connection import Suite
from govchain.events import decode_receipt_logs
from govchain.exceptions import GovchainError
from govchain.sender import TX_GAS_CAP, Call, Receipt, TransactionSender

T = TypeVar("T")


class ClientError(GovchainError, ValueError):
    """Input refused by a client before anything is sent."""


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def batch_size(max_items: int, gas_per_item: int, base_gas: int = 60_000, cap: int = TX_GAS_CAP) -> int:
    """Items per transaction: the contract's limit, and few enough to stay under the gas cap."""
    return max(1, min(max_items, (cap - base_gas) // gas_per_item))


class ContractClient:
    """A typed client of one contract of the suite."""

    name: str = ""

    def __init__(self, suite: Suite, sender: TransactionSender | None = None) -> None:
        self.suite = suite
        self.sender = sender
        self.contract: Contract = suite.contract(self.name)
        self.functions = self.contract.functions

    def _sender(self) -> TransactionSender:
        if self.sender is None:
            raise ClientError(f"this {self.name} client is read-only: give it a TransactionSender to send transactions")
        return self.sender

    def _transact(self, fn: Any, label: str = "") -> Receipt:
        return self._sender().transact(Call.of(fn, label=label))

    def _transact_many(self, fns: list[Any], gas: int | None = None) -> list[Receipt]:
        return self._sender().transact_many([Call.of(fn) for fn in fns], gas=gas)

    def events(self, receipt: Receipt) -> list[Any]:
        """The receipt's events, decoded as frozen dataclasses."""
        return decode_receipt_logs(self.suite.artifacts, receipt.logs)
