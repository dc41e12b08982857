"""Typed clients, one per contract of the suite."""

from govchain.clients.base import ClientError, ContractClient
from govchain.clients.credit import CreditClient, CreditEntry, Sealed, SealedRecord, SealedRecordError
from govchain.clients.enterprise import ChangeKind, Enterprise, EnterpriseClient, EnterpriseStatus
from govchain.clients.funds import (
    BankPayout,
    BankRefundRequest,
    BudgetClient,
    BudgetLine,
    DisbursementClient,
    EligibilityClient,
    Execution,
    PayoutMode,
    ProgramClient,
    ProposedBatch,
    Refusal,
    RefundStatus,
    Withheld,
)
from govchain.clients.identity import Binding, IdentityClient, IdentityKind, PersonBinding
from govchain.clients.workflow import Case, CaseStatus, Decision, UnknownCase, WorkflowClient

__all__ = [
    "Binding", "Case", "CaseStatus", "ChangeKind", "ClientError", "ContractClient", "CreditClient", "CreditEntry",
    "Sealed", "SealedRecord", "SealedRecordError",
    "Decision", "Enterprise", "EnterpriseClient", "EnterpriseStatus", "IdentityClient", "IdentityKind",
    "PersonBinding", "UnknownCase", "WorkflowClient", "BudgetClient", "BudgetLine", "DisbursementClient", "EligibilityClient",
    "PayoutMode", "ProgramClient", "ProposedBatch", "Refusal", "BankPayout", "BankRefundRequest", "Execution",
    "RefundStatus", "Withheld",
]  # fmt: skip
