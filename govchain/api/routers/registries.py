"""Enterprises (企业登记), approval cases (审批), credit records (信用体系) and departments: reads, and the
department actions (API key per department, signed by the department's officer)."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter, Body, Depends, Path, Query

from govchain.api.common import API_PREFIX, Paging, PortalDep, department, list_route
from govchain.api.models import (
    ERROR_RESPONSES, WRITE_RESPONSES, Case, CaseRow, Credit, CreditCategory, CreditRecord, CreditRecordBody,
    DecisionBody, Department, Enterprise, EnterpriseRow, Whoami, WriteResult,
)  # fmt: skip
from govchain.clients import CreditEntry
from govchain.domain import validate_uscc
from govchain.portal import DepartmentCredential, Portal, subject_key

router = APIRouter(prefix=API_PREFIX, responses=ERROR_RESPONSES)

UsccPath = Path(min_length=1, max_length=64, description="unified social credit code (统一社会信用代码), 18 characters")
CaseId = Path(ge=1, le=2**63 - 1, description="case id")
SubjectPath = Path(min_length=1, max_length=80, description="an enterprise's USCC, or a person's 0x identity commitment")
ZERO32 = b"\0" * 32


def uscc_param(uscc: str) -> str:
    return validate_uscc(uscc.strip().upper())


# --- enterprises -------------------------------------------------------------------------------

ENTERPRISE_STATUSES = "^(APPLIED|REGISTERED|REJECTED|SUSPENDED|DEREGISTERED)$"


@list_route(router, "/enterprises", EnterpriseRow, name="enterprises", summary="Enterprises, newest application first", tags=["enterprises"])
def enterprises(
    status: str | None = Query(None, pattern=ENTERPRISE_STATUSES), paging: Paging = Depends(), portal: Portal = PortalDep
) -> dict[str, Any]:
    rows = [r for r in reversed(portal.enterprises()) if status is None or r.status == status]
    return paging.page(rows)


@router.get("/enterprises/{uscc}", response_model=Enterprise, tags=["enterprises"], summary="An enterprise: status and history")
def enterprise(uscc: str = UsccPath, portal: Portal = PortalDep) -> Any:
    return portal.enterprise(uscc_param(uscc))


# --- cases -------------------------------------------------------------------------------------

CASE_STATUSES = "^(IN_REVIEW|RETURNED|APPROVED|REJECTED|EXPIRED)$"


@list_route(router, "/cases", CaseRow, name="cases", summary="Approval cases, newest first", tags=["cases"])
def cases(
    status: str | None = Query(None, pattern=CASE_STATUSES),
    overdue: bool | None = Query(None, description="only overdue (true) or only not overdue (false)"),
    applicant: str | None = Query(None, pattern=r"^0x[0-9a-fA-F]{40}$"),
    paging: Paging = Depends(),
    portal: Portal = PortalDep,
) -> dict[str, Any]:
    rows = [
        r for r in reversed(portal.cases())
        if (status is None or r.status == status) and (overdue is None or r.overdue == overdue)
        and (applicant is None or r.applicant.lower() == applicant.lower())
    ]  # fmt: skip
    page = paging.page(rows)
    page["items"] = [CaseRow.of(r, portal.labels) for r in page["items"]]
    return page


@router.get("/cases/{case_id}", response_model=Case, tags=["cases"], summary="A case's timeline: steps, departments, decisions, overdue marks")
def case(case_id: int = CaseId, portal: Portal = PortalDep) -> Any:
    return Case.of(portal.case(case_id), portal.labels, portal.department_names())


@router.post(
    "/cases/{case_id}/decision", response_model=WriteResult, tags=["department actions"], responses=WRITE_RESPONSES,
    summary="Decide the current step of a case (the department's officer signs)",
)  # fmt: skip
def decide(
    case_id: int = CaseId,
    body: DecisionBody = Body(),
    credential: DepartmentCredential = Depends(department),
    portal: Portal = PortalDep,
) -> Any:
    reason = bytes.fromhex(body.reason_hash[2:]) if body.reason_hash else ZERO32
    return portal.decide(credential, case_id, body.decision, reason)


# --- credit ------------------------------------------------------------------------------------


def _credit(portal: Portal, subject: str) -> Credit:
    return Credit.of(portal.credit(subject_key(subject)), {c.category: c.name for c in portal.credit_categories()})


@list_route(router, "/credit/categories", CreditCategory, name="credit_categories", summary="Credit record categories", tags=["credit"])
def credit_categories(paging: Paging = Depends(), portal: Portal = PortalDep) -> dict[str, Any]:
    return paging.page(portal.credit_categories())


@router.get("/credit/{subject}", response_model=Credit, tags=["credit"], summary="A subject's score and public credit records")
def credit(subject: str = SubjectPath, portal: Portal = PortalDep) -> Any:
    return _credit(portal, subject)


@list_route(router, "/credit/{subject}/records", CreditRecord, name="credit_records", summary="A subject's public credit records", tags=["credit"])
def credit_records(subject: str = SubjectPath, paging: Paging = Depends(), portal: Portal = PortalDep) -> dict[str, Any]:
    return paging.page(_credit(portal, subject).records)


@router.post(
    "/credit/{subject}/records", response_model=WriteResult, tags=["department actions"], responses=WRITE_RESPONSES,
    summary="Append a credit record (the department's officer signs; a non-public category's record is sealed)",
)  # fmt: skip
def append_credit(
    subject: str = SubjectPath,
    body: CreditRecordBody = Body(),
    credential: DepartmentCredential = Depends(department),
    portal: Portal = PortalDep,
) -> Any:
    entry = CreditEntry(body.category, body.delta, bytes.fromhex(body.evidence_hash[2:]), body.valid_from, body.valid_until)
    return portal.append_credit(credential, subject_key(subject), entry)


# --- departments -------------------------------------------------------------------------------


@list_route(router, "/departments", Department, name="departments", summary="Departments of the consortium and their officers", tags=["departments"])
def departments(paging: Paging = Depends(), portal: Portal = PortalDep) -> dict[str, Any]:
    english = portal.labels.department_names_en
    return paging.page([{**dataclasses.asdict(d), "name_en": english.get(d.code)} for d in portal.departments()])


@router.get("/departments/me", response_model=Whoami, tags=["department actions"], responses=WRITE_RESPONSES,
            summary="The department and officer an API key acts as")  # fmt: skip
def whoami(credential: DepartmentCredential = Depends(department), portal: Portal = PortalDep) -> Any:
    return {"department": credential.department, "department_name": portal.department_names().get(credential.department),
            "officer": credential.signer.address}  # fmt: skip
