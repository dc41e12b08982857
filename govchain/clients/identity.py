"""IdentityRegistry: bind citizens (by commitment) and enterprises (by USCC) to accounts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from govchain.clients.base import ClientError, ContractClient, batch_size, chunks
from govchain.domain import uscc_bytes
from govchain.sender import Receipt

BIND_GAS_PER_IDENTITY = 50_000  # measured: gas.identity.bind_batch100_per_identity


class IdentityKind(IntEnum):
    NONE = 0
    PERSON = 1
    ENTERPRISE = 2


@dataclass(frozen=True)
class Binding:
    identity: str
    account: str
    kind: IdentityKind
    level: int
    revoked: bool


class IdentityClient(ContractClient):
    name = "IdentityRegistry"

    def bind_person(self, account: str, commitment: bytes, level: int) -> Receipt:
        return self._transact(self.functions.bindPerson(account, commitment, level))

    def bind_persons(self, pairs: list[tuple[str, bytes]], level: int) -> list[Receipt]:
        """Bind many, split into transactions below the contract's MAX_BATCH and the gas cap, pipelined."""
        if not pairs:
            raise ClientError("nothing to bind")
        size = batch_size(self.functions.MAX_BATCH().call(), BIND_GAS_PER_IDENTITY)
        calls = [self.functions.bindPersons([a for a, _ in chunk], [c for _, c in chunk], level) for chunk in chunks(pairs, size)]
        return self._transact_many(calls)

    def bind_enterprise(self, account: str, uscc: str, level: int) -> Receipt:
        return self._transact(self.functions.bindEnterprise(account, uscc_bytes(uscc), level))

    def binding(self, identity: bytes) -> Binding:
        account, kind, level, revoked = self.functions.binding(identity).call()
        return Binding("0x" + identity.hex(), account, IdentityKind(kind), level, revoked)

    def identity_of(self, account: str) -> bytes:
        return bytes(self.functions.identityOf(account).call())

    def is_verified(self, account: str, min_level: int = 1) -> bool:
        return self.functions.isVerified(account, min_level).call()
