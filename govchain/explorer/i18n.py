"""Chinese (default) and English for the explorer: the language choice and the labels of codes.

Templates write both languages inline, `tr('首页', 'Home')`; codes the chain uses (statuses, decisions,
roles) are translated here.
"""

from __future__ import annotations

from starlette.requests import Request

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
COOKIE = "lang"

ENTERPRISE_STATUS = {
    "NONE": ("无记录", "none"),
    "APPLIED": ("审核中", "applied"),
    "REGISTERED": ("已登记", "registered"),
    "REJECTED": ("已驳回", "rejected"),
    "SUSPENDED": ("已暂停", "suspended"),
    "DEREGISTERED": ("已注销", "deregistered"),
}
CASE_STATUS = {
    "NONE": ("无", "none"),
    "IN_REVIEW": ("审核中", "in review"),
    "RETURNED": ("退回补正", "returned for material"),
    "APPROVED": ("已批准", "approved"),
    "REJECTED": ("不予批准", "rejected"),
    "EXPIRED": ("逾期未补正", "expired"),
}
DECISION = {"APPROVE": ("通过", "approved"), "REJECT": ("驳回", "rejected"), "RETURN": ("退回补正", "returned")}
EVENT = {
    "CaseOpened": ("受理", "case opened"),
    "StepStarted": ("环节开始", "step started"),
    "StepDecided": ("环节决定", "step decided"),
    "CaseReturned": ("退回补正", "returned to applicant"),
    "CaseResubmitted": ("补正后重新提交", "resubmitted"),
    "CaseClosed": ("办结", "case closed"),
    "CaseExpired": ("逾期未补正，办结", "expired, closed"),
    "EnterpriseApplied": ("申请设立登记", "applied for registration"),
    "EnterpriseRegistered": ("准予登记", "registered"),
    "EnterpriseRejected": ("不予登记", "rejected"),
    "EnterpriseChanged": ("变更登记", "change recorded"),
    "EnterpriseSuspended": ("暂停", "suspended"),
    "EnterpriseReinstated": ("恢复", "reinstated"),
    "EnterpriseDeregistered": ("注销", "deregistered"),
    "CreditRecordSealed": ("密封信用记录（仅承诺值公开）", "sealed credit record (only its commitment is public)"),
    "SealedCreditRecordRevoked": ("密封信用记录已撤销", "sealed credit record revoked"),
    "EnterpriseContested": ("异议申请", "application contested"),
    "EnterpriseContestDismissed": ("异议驳回", "contest dismissed"),
    "EnterpriseContestUpheld": ("异议成立", "contest upheld"),
    "EnterpriseContestLapsed": ("异议失效", "contest lapsed"),
}
ROLE = {
    "DEFAULT_ADMIN_ROLE": ("治理管理员", "governance admin"),
    "REGISTRAR_ROLE": ("身份登记员", "identity registrar"),
    "ENTERPRISE_REGISTRAR_ROLE": ("企业身份登记员", "enterprise identity registrar"),
    "MARKET_REGULATOR_ROLE": ("市场监管员", "market regulator"),
    "CREDIT_WRITER_ROLE": ("信用记录员", "credit record writer"),
    "REGULATOR_ROLE": ("监管审计", "regulator / auditor"),
    "CASE_OPENER_ROLE": ("代办受理", "case opener"),
    "SAMR_REVIEWER_ROLE": ("市场监管审核", "market regulation reviewer"),
    "TAX_REVIEWER_ROLE": ("税务审核", "tax reviewer"),
    "FIN_REVIEWER_ROLE": ("财政审核", "finance reviewer"),
    "DRC_REVIEWER_ROLE": ("发改审核", "development and reform reviewer"),
    "CIVIL_REVIEWER_ROLE": ("民政审核", "civil affairs reviewer"),
    "PROPOSER_ROLE": ("治理提案人", "governance proposer"),
    "EXECUTOR_ROLE": ("治理执行人", "governance executor"),
    "CANCELLER_ROLE": ("治理撤销人", "governance canceller"),
    "DEPARTMENT_REGISTRY_ROLE": ("部门名册（离岗收回权限）", "department registry (revokes leavers)"),
}


def language(request: Request) -> str:
    """?lang= (remembered in a cookie), else the cookie, else Chinese."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    cookie = request.cookies.get(COOKIE)
    return cookie if cookie in LANGUAGES else DEFAULT_LANGUAGE


def label(table: dict[str, tuple[str, str]], code: str | None, lang: str) -> str:
    if code is None:
        return "—"
    pair = table.get(code)
    if pair is None:
        return code
    return pair[0] if lang == "zh" else pair[1]


# --- addr (issue 10): enum members of the ABIs, by the enum's canonical name (govchain.explorer.values) ---

ENUM: dict[str, dict[str, tuple[str, str]]] = {
    "IIdentityRegistry.Kind": {"None": ("无", "none"), "Person": ("个人", "person"), "Enterprise": ("企业", "enterprise")},
    "ICreditRegistry.AmendmentKind": {"Correction": ("更正", "correction"), "Revocation": ("撤销", "revocation")},
    "IWorkflowEngine.Decision": {"Approve": ("通过", "approve"), "Reject": ("驳回", "reject"), "Return": ("退回补正", "return for material")},
    "IWorkflowEngine.CaseStatus": {
        "None": ("无", "none"), "InReview": ("审核中", "in review"), "Returned": ("退回补正", "returned for material"),
        "Approved": ("已批准", "approved"), "Rejected": ("不予批准", "rejected"), "Expired": ("逾期未补正", "expired"),
    },
    "IEnterpriseRegistry.Status": {
        "None": ("无记录", "none"), "Applied": ("审核中", "applied"), "Registered": ("已登记", "registered"),
        "Rejected": ("已驳回", "rejected"), "Suspended": ("已暂停", "suspended"), "Deregistered": ("已注销", "deregistered"),
    },
    "IEnterpriseRegistry.Action": {
        "Apply": ("申请设立", "apply"), "Approve": ("准予登记", "approve"), "Reject": ("不予登记", "reject"),
        "RecordChange": ("变更登记", "record a change"), "Suspend": ("暂停", "suspend"), "Reinstate": ("恢复", "reinstate"),
        "Deregister": ("注销", "deregister"), "Contest": ("异议", "contest"),
    },
    "IEnterpriseRegistry.ChangeKind": {
        "Name": ("企业名称", "name"), "LegalRepresentative": ("法定代表人", "legal representative"),
        "RegisteredCapital": ("注册资本", "registered capital"), "BusinessScope": ("经营范围", "business scope"),
        "Domicile": ("住所", "registered address"), "Other": ("其他事项", "other"),
    },
    "IBudgetRegistry.BudgetStatus": {
        "None": ("无", "none"), "Proposed": ("待审批", "proposed"), "Approved": ("已批准", "approved"), "Withdrawn": ("已撤回", "withdrawn"),
    },
    "IDisbursements.PayoutMode": {"Wallet": ("钱包发放", "wallet"), "Bank": ("银行代发", "bank-settled")},
    "IDisbursements.BatchStatus": {
        "None": ("无", "none"), "Proposed": ("待审批", "proposed"), "Approved": ("已批准", "approved"),
        "Executed": ("已发放", "paid"), "Cancelled": ("已取消", "cancelled"),
    },
    "IDisbursements.RefundStatus": {
        "None": ("无", "none"), "Pending": ("待确认", "pending"), "Confirmed": ("已确认", "confirmed"), "Cancelled": ("已取消", "cancelled"),
    },
    "IProgramRegistry.Refusal": {
        "None": ("符合条件", "eligible"), "IdentityRevoked": ("身份已注销", "identity revoked"),
        "NoAttestation": ("无生存认证", "no proof of life"), "AttestationExpired": ("生存认证已过期", "proof of life expired"),
    },
    "TimelockController.OperationState": {
        "Unset": ("未安排", "unset"), "Waiting": ("等待中", "waiting"), "Ready": ("可执行", "ready"), "Done": ("已执行", "done"),
    },
}  # fmt: skip
