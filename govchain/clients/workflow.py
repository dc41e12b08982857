"""WorkflowEngine: approval cases (审批) — open, decide, resubmit, follow."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from govchain.clients.base import ClientError, ContractClient
from govchain.sender import Receipt


class Decision(IntEnum):
    APPROVE = 0
    REJECT = 1
    RETURN = 2


class CaseStatus(IntEnum):
    NONE = 0
    IN_REVIEW = 1
    RETURNED = 2
    APPROVED = 3
    REJECTED = 4
    EXPIRED = 5


@dataclass(frozen=True)
class Case:
    case_id: int
    applicant: str
    template_id: int
    step: int
    step_count: int
    status: CaseStatus
    step_started_at: int
    deadline: int
    role: str
    subject: str
    overdue: bool
    expires_at: int  # while RETURNED: the last moment to resubmit (then anyone may expire it); else 0


class UnknownCase(ClientError):
    pass


class WorkflowClient(ContractClient):
    name = "WorkflowEngine"

    def case(self, case_id: int) -> Case:
        count = self.functions.caseCount().call()
        if case_id <= 0 or case_id > count:
            raise UnknownCase(f"no case {case_id} ({f'cases are numbered 1..{count}' if count else 'no case was opened yet'})")
        info = self.functions.caseInfo(case_id).call()
        return Case(
            case_id, info[0], info[1], info[2], info[3], CaseStatus(info[4]), info[5], info[6],
            "0x" + bytes(info[7]).hex(), "0x" + bytes(info[8]).hex(), self.functions.isOverdue(case_id).call(), info[9],
        )  # fmt: skip

    def open_case(self, template_id: int, subject: bytes = b"\0" * 32) -> Receipt:
        return self._transact(self.functions.openCase(template_id, subject))

    def decide(self, case_id: int, decision: Decision, reason_hash: bytes = b"\0" * 32) -> Receipt:
        if decision != Decision.APPROVE and reason_hash == b"\0" * 32:
            raise ClientError("a rejection or return needs the hash of its reason document")
        return self._transact(self.functions.decide(case_id, int(decision), reason_hash))

    def resubmit(self, case_id: int, material_hash: bytes) -> Receipt:
        return self._transact(self.functions.resubmit(case_id, material_hash))

    def expire(self, case_id: int) -> Receipt:
        """Closes a returned case whose applicant let the return expiry pass (anyone may)."""
        return self._transact(self.functions.expireCase(case_id))
