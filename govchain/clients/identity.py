"""IdentityRegistry: bind citizens (by commitment and uniqueness tag) and enterprises (by USCC) to accounts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from govchain.clients.base import ClientError, ContractClient, batch_size, chunks
from govchain.domain import identity_commitment, identity_tag, uscc_bytes
from govchain.sender import Receipt

BIND_GAS_PER_IDENTITY = 73_000  # measured: gas.identity.bind_batch100_per_identity


class IdentityKind(IntEnum):
    NONE = 0
    PERSON = 1
    ENTERPRISE = 2


@dataclass(frozen=True)
class PersonBinding:
    """One person to bind: the account, the identity commitment (domain.identity_commitment) and the
    uniqueness tag (domain.identity_tag, under the identity authority's key)."""

    account: str
    commitment: bytes
    tag: bytes

    @classmethod
    def of(cls, account: str, id_number: str, salt: bytes, tag_key: bytes) -> "PersonBinding":
        """The binding of the person with `id_number`: commitment under `salt`, tag under `tag_key`."""
        return cls(account, identity_commitment(id_number, salt), identity_tag(id_number, tag_key))


@dataclass(frozen=True)
class Binding:
    identity: str
    account: str
    kind: IdentityKind
    level: int
    revoked: bool


class IdentityClient(ContractClient):
    name = "IdentityRegistry"

    def bind_person(self, person: PersonBinding, level: int) -> Receipt:
        return self._transact(self.functions.bindPerson(person.account, person.commitment, person.tag, level))

    def bind_persons(self, people: list[PersonBinding], level: int) -> list[Receipt]:
        """Bind many, split into transactions below the contract's MAX_BATCH and the gas cap, pipelined."""
        if not people:
            raise ClientError("nothing to bind")
        size = batch_size(self.functions.MAX_BATCH().call(), BIND_GAS_PER_IDENTITY)
        calls = [
            self.functions.bindPersons([p.account for p in chunk], [p.commitment for p in chunk], [p.tag for p in chunk], level)
            for chunk in chunks(people, size)
        ]
        return self._transact_many(calls)

    def bind_enterprise(self, account: str, uscc: str, level: int) -> Receipt:
        return self._transact(self.functions.bindEnterprise(account, uscc_bytes(uscc), level))

    def binding(self, identity: bytes) -> Binding:
        account, kind, level, revoked = self.functions.binding(identity).call()
        return Binding("0x" + identity.hex(), account, IdentityKind(kind), level, revoked)

    def tag_holder(self, tag: bytes) -> bytes:
        """The person identity registered with uniqueness tag `tag`, or 32 zero bytes."""
        return bytes(self.functions.tagHolder(tag).call())

    def identity_of(self, account: str) -> bytes:
        return bytes(self.functions.identityOf(account).call())

    def is_verified(self, account: str, min_level: int = 1) -> bool:
        return self.functions.isVerified(account, min_level).call()
