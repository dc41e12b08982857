"""Decoded events as frozen dataclasses with explicit fields, generated from the ABIs.

Every event class has `block_number`, `log_index`, `tx_hash`, `address` and the event's own
arguments (bytes as 0x-hex strings, addresses checksummed), e.g.
`IdentityBound(block_number=12, log_index=0, tx_hash='0x..', address='0x..', account='0x..', identity='0x..', kind=1, level=2, tag='0x..')`.
"""

from __future__ import annotations

import dataclasses
import keyword
from functools import lru_cache
from typing import Any, Callable, Iterator

from eth_abi import decode
from web3 import Web3

from govchain.artifacts import Artifacts, _canonical_type


def _json_value(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return value


@lru_cache(maxsize=65_536)
def checksum(address_hex: str) -> str:
    return Web3.to_checksum_address(address_hex)


def _signed_word(word: str) -> int:
    value = int(word, 16)
    return value - (1 << 256) if value >= 1 << 255 else value


def _address_walker(item: dict[str, Any]) -> Callable[[Any], Iterator[str]] | None:
    """For an ABI input whose type holds addresses (address, address[], tuples and arrays of them), a
    function yielding the addresses of a decoded value; None when the type holds no address."""
    type_ = item["type"]
    if type_.endswith("]"):
        inner = _address_walker({**item, "type": type_[: type_.rindex("[")]})
        if inner is None:
            return None
        return lambda values: (a for value in values for a in inner(value))
    if type_ == "address":
        return lambda value: iter((value,))
    if type_ == "tuple":
        parts = [(n, w) for n, w in enumerate(_address_walker(c) for c in item["components"]) if w is not None]
        if not parts:
            return None
        return lambda value: (a for n, walk in parts for a in walk(value[n]))
    return None


def _word_decoder(type_: str) -> Callable[[str], Any] | None:
    """A fast decoder of one 32-byte ABI word given as 64 hex chars, for static elementary types."""
    if "[" in type_ or "(" in type_:
        return None  # arrays and tuples: eth_abi
    if type_ == "address":
        return lambda word: checksum("0x" + word[24:])
    if type_ == "bool":
        return lambda word: word[-1] != "0"
    if type_.startswith("uint"):
        return lambda word: int(word, 16)
    if type_.startswith("int"):
        return _signed_word  # ABI sign-extends every intN to 256 bits
    if type_.startswith("bytes") and type_[5:].isdigit():
        size = int(type_[5:])
        return lambda word: "0x" + word[: 2 * size]
    return None


class EventDecoder:
    """Decodes raw logs of one event ABI (indexed arguments from topics, the rest from data).

    Static elementary arguments are sliced straight from the hex words (the indexer's hot path);
    anything dynamic goes through eth_abi.
    """

    def __init__(self, contract: str, abi: dict[str, Any]) -> None:
        self.contract = contract
        self.name = abi["name"]
        self.indexed = []
        for item in (i for i in abi["inputs"] if i["indexed"]):
            type_ = _canonical_type(item)
            # dynamic indexed values (string, bytes, arrays, tuples) are only their hash
            self.indexed.append((item["name"], _word_decoder(type_) or (lambda word: "0x" + word)))
        self.plain = [(i["name"], _canonical_type(i)) for i in abi["inputs"] if not i["indexed"]]
        self.plain_types = [t for _, t in self.plain]
        words = [_word_decoder(t) for t in self.plain_types]
        self.plain_words = words if all(w is not None for w in words) else None
        # arguments holding addresses, by their ABI types (an indexed array or tuple is only a hash)
        self.address_args = [
            (i["name"], walk) for i in abi["inputs"]
            if (walk := _address_walker(i)) is not None and not (i["indexed"] and i["type"] != "address")
        ]  # fmt: skip

    def decode(self, topics: list[str], data: str) -> dict[str, Any]:
        args: dict[str, Any] = {}
        for (name, decode_word), topic in zip(self.indexed, topics[1:]):
            args[name] = decode_word(topic[2:])
        if self.plain_words is not None:
            for n, ((name, _), decode_word) in enumerate(zip(self.plain, self.plain_words)):
                args[name] = decode_word(data[2 + 64 * n : 66 + 64 * n])  # type: ignore[misc]
        elif self.plain_types:
            values = decode(self.plain_types, bytes.fromhex(data[2:]))
            for (name, type_), value in zip(self.plain, values):
                args[name] = checksum(value) if type_ == "address" else _json_value(value)
        return args

    def addresses(self, args: dict[str, Any]) -> Iterator[tuple[str, str]]:
        """(argument name, checksummed address) for every address in the decoded `args`, arrays and
        structs included; an argument naming an address twice yields it once."""
        for name, walk in self.address_args:
            seen = set()
            for address in walk(args[name]):
                key = address.lower()
                if key not in seen:
                    seen.add(key)
                    # decode() checksummed plain addresses already (checksumming costs a keccak); arrays
                    # and structs decoded by eth_abi are lower case, keyed as decode() keys its cache
                    yield name, checksum(key) if address == key else address


@lru_cache(maxsize=None)
def _event_class(contract: str, name: str, fields: tuple[str, ...]) -> type:
    base = [("block_number", int), ("log_index", int), ("tx_hash", str), ("address", str)]
    cls = dataclasses.make_dataclass(name, base + [(f, Any) for f in fields], frozen=True)
    cls.__module__ = "govchain.events"
    cls.__qualname__ = name
    cls.contract = contract  # type: ignore[attr-defined]
    cls.abi_names = {f: f[:-1] if f.endswith("_") and keyword.iskeyword(f[:-1]) else f for f in fields}  # type: ignore[attr-defined]
    return cls


def abi_args(event: Any) -> dict[str, Any]:
    """A decoded event's own arguments under their ABI names (Transfer's `from_` field as `from`)."""
    names = type(event).abi_names
    return {names[f.name]: getattr(event, f.name) for f in dataclasses.fields(event) if f.name in names}


def decode_receipt_logs(artifacts: Artifacts, logs: list[dict[str, Any]]) -> list[Any]:
    """Every log of a raw receipt that belongs to a known event, as its frozen dataclass."""

    decoded = []
    for log in logs:
        topics = [t if isinstance(t, str) else "0x" + bytes(t).hex() for t in log["topics"]]
        if not topics:
            continue
        found = artifacts.events.get(bytes.fromhex(topics[0][2:]))
        if found is None:
            continue
        contract, abi = found
        data = log["data"] if isinstance(log["data"], str) else "0x" + bytes(log["data"]).hex()
        args = {(f"{k}_" if keyword.iskeyword(k) else k): v for k, v in _decoder(contract, abi).decode(topics, data).items()}
        cls = _event_class(contract, abi["name"], tuple(args))  # a keyword argument name gets a "_" (Transfer's from_)
        decoded.append(
            cls(
                block_number=_int(log["blockNumber"]),
                log_index=_int(log["logIndex"]),
                tx_hash=log["transactionHash"] if isinstance(log["transactionHash"], str) else "0x" + bytes(log["transactionHash"]).hex(),
                address=log["address"],
                **args,
            )
        )
    return decoded


_DECODERS: dict[tuple[str, str], EventDecoder] = {}


def _decoder(contract: str, abi: dict[str, Any]) -> EventDecoder:
    key = (contract, abi["name"])
    if key not in _DECODERS:
        _DECODERS[key] = EventDecoder(contract, abi)
    return _DECODERS[key]


def _int(value: Any) -> int:
    return int(value, 16) if isinstance(value, str) else int(value)
