"""EnterpriseRegistry: enterprise registration (企业登记) keyed by USCC."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from govchain.clients.base import ContractClient
from govchain.domain import uscc_bytes, validate_enterprise_name
from govchain.sender import Receipt


class EnterpriseStatus(IntEnum):
    NONE = 0
    APPLIED = 1
    REGISTERED = 2
    REJECTED = 3
    SUSPENDED = 4
    DEREGISTERED = 5


class ChangeKind(IntEnum):
    """What a recorded change changed. NAME and REGISTERED_CAPITAL are public and recorded with their new
    value (`change_name`, `change_registered_capital`); the others as a hash (`record_change`)."""

    NAME = 0
    LEGAL_REPRESENTATIVE = 1
    REGISTERED_CAPITAL = 2
    BUSINESS_SCOPE = 3
    DOMICILE = 4
    OTHER = 5


@dataclass(frozen=True)
class Enterprise:
    uscc: str
    status: EnterpriseStatus
    applied_at: int
    decided_at: int
    case_id: int
    contested: bool  # a contest of the pending application waits for an officer
    reserved_until: int  # after an upheld contest: only the claimant may apply until then; else 0


class EnterpriseClient(ContractClient):
    name = "EnterpriseRegistry"

    def get(self, uscc: str) -> Enterprise:
        """The enterprise's record (the USCC is validated first: a bad code raises InvalidUSCC)."""
        status, applied_at, decided_at, case_id, contested, reserved_until = self.functions.enterprise(uscc_bytes(uscc)).call()
        return Enterprise(uscc, EnterpriseStatus(status), applied_at, decided_at, case_id, contested, reserved_until)

    def claimant(self, uscc: str) -> str:
        """The pending contest's contestant, or whom an upheld contest reserved the code for (zero address: nobody)."""
        return str(self.functions.claimant(uscc_bytes(uscc)).call())

    def contest(self, uscc: str, evidence_hash: bytes) -> Receipt:
        """Contest the pending application for `uscc` (the caller claims the enterprise)."""
        return self._transact(self.functions.contest(uscc_bytes(uscc), evidence_hash))

    def dismiss_contest(self, uscc: str, reason_hash: bytes) -> Receipt:
        """An officer of the case's current step dismisses the pending contest."""
        return self._transact(self.functions.dismissContest(uscc_bytes(uscc), reason_hash))

    def _application(self, uscc: str, name: str, legal_rep_commitment: bytes, capital_fen: int, scope_hash: bytes) -> Any:
        validate_enterprise_name(name)  # InvalidEnterpriseName before anything is signed or sent
        return self.functions.applyForRegistration(uscc_bytes(uscc), name, legal_rep_commitment, capital_fen, scope_hash)

    def apply(self, uscc: str, name: str, legal_rep_commitment: bytes, capital_fen: int, scope_hash: bytes) -> Receipt:
        """Apply to register `uscc` under `name` (public, plaintext) with `capital_fen` registered capital."""
        return self._transact(self._application(uscc, name, legal_rep_commitment, capital_fen, scope_hash))

    def application_calldata(self, uscc: str, name: str, legal_rep_commitment: bytes, capital_fen: int, scope_hash: bytes) -> bytes:
        """The calldata a citizen signs for a relayed application (govchain.relay.sign_request)."""
        fn = self._application(uscc, name, legal_rep_commitment, capital_fen, scope_hash)
        return bytes.fromhex(fn._encode_transaction_data()[2:])

    def record_change(self, uscc: str, kind: ChangeKind, new_value_hash: bytes) -> Receipt:
        """A change whose new value is a hash or commitment (not NAME or REGISTERED_CAPITAL: those are public)."""
        return self._transact(self.functions.recordChange(uscc_bytes(uscc), int(kind), new_value_hash))

    def change_name(self, uscc: str, name: str) -> Receipt:
        validate_enterprise_name(name)
        return self._transact(self.functions.changeName(uscc_bytes(uscc), name))

    def change_registered_capital(self, uscc: str, capital_fen: int) -> Receipt:
        return self._transact(self.functions.changeRegisteredCapital(uscc_bytes(uscc), capital_fen))

    def suspend(self, uscc: str, reason_hash: bytes) -> Receipt:
        return self._transact(self.functions.suspend(uscc_bytes(uscc), reason_hash))

    def reinstate(self, uscc: str, reason_hash: bytes) -> Receipt:
        return self._transact(self.functions.reinstate(uscc_bytes(uscc), reason_hash))

    def deregister(self, uscc: str, reason_hash: bytes) -> Receipt:
        return self._transact(self.functions.deregister(uscc_bytes(uscc), reason_hash))
