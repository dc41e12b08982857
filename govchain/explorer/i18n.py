"""Chinese (default) and English for the explorer: the language choice and the words for the chain's codes.

Templates write their own text in both languages inline, `tr('首页', 'Home')`. Everything the chain
or the consortium file names with a code is translated here, once: statuses, decisions, events,
change kinds, contracts, roles (per contract: the same role name can mean different things), search
hit kinds and the explorer's own error messages. Names that exist in one language only (an
enterprise's registered name) are shown as they are; a name stored as "中文 English" is shown in the
page's language only (`local_name`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
COOKIE = "lang"

Pair = tuple[str, str]  # (Chinese, English)

ENTERPRISE_STATUS: dict[str, Pair] = {
    "NONE": ("无记录", "none"),
    "APPLIED": ("审核中", "applied"),
    "REGISTERED": ("已登记", "registered"),
    "REJECTED": ("已驳回", "rejected"),
    "SUSPENDED": ("已暂停", "suspended"),
    "DEREGISTERED": ("已注销", "deregistered"),
}
CASE_STATUS: dict[str, Pair] = {
    "NONE": ("无", "none"),
    "IN_REVIEW": ("审核中", "in review"),
    "RETURNED": ("退回补正", "returned for material"),
    "APPROVED": ("已批准", "approved"),
    "REJECTED": ("不予批准", "rejected"),
    "EXPIRED": ("逾期未补正", "expired"),
}
BUDGET_STATUS: dict[str, Pair] = {  # govchain.fund_views.BudgetRow.status
    "PROPOSED": ("待审批", "proposed"),
    "APPROVED": ("已批准", "approved"),
    "WITHDRAWN": ("已撤回", "withdrawn"),
}
DECISION: dict[str, Pair] = {"APPROVE": ("通过", "approved"), "REJECT": ("驳回", "rejected"), "RETURN": ("退回补正", "returned")}
# IEnterpriseRegistry.ChangeKind, by name (govchain.clients.ChangeKind)
CHANGE_KIND: dict[str, Pair] = {
    "NAME": ("名称", "name"),
    "LEGAL_REPRESENTATIVE": ("法定代表人", "legal representative"),
    "REGISTERED_CAPITAL": ("注册资本", "registered capital"),
    "BUSINESS_SCOPE": ("经营范围", "business scope"),
    "DOMICILE": ("住所", "registered address"),
    "OTHER": ("其他事项", "other particulars"),
}
EVENT: dict[str, Pair] = {
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
    "EnterpriseNameChanged": ("变更登记：名称", "change recorded: name"),
    "EnterpriseCapitalChanged": ("变更登记：注册资本", "change recorded: registered capital"),
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
CONTRACT: dict[str, Pair] = {
    "DepartmentRegistry": ("部门名册", "department registry"),
    "IdentityRegistry": ("身份登记", "identity registry"),
    "EnterpriseRegistry": ("企业登记", "enterprise registry"),
    "WorkflowEngine": ("审批流程", "approval workflows"),
    "CreditRegistry": ("信用记录", "credit registry"),
    "EligibilityRegistry": ("资格认证", "eligibility registry"),
    "BudgetRegistry": ("预算", "budget registry"),
    "ProgramRegistry": ("资金项目", "program registry"),
    "FiscalToken": ("财政资金（元）", "fiscal yuan"),
    "Disbursements": ("资金发放", "disbursements"),
    "GovTimelock": ("治理时间锁", "governance timelock"),
    "GovForwarder": ("居民申请转发", "application forwarder"),
}

# Every role of every contract (the *_ROLE constants in contracts/, OpenZeppelin's DEFAULT_ADMIN_ROLE and
# TimelockController roles, and the WorkflowEngine step roles of config/consortium.yaml), per contract:
# the same name means different things on different contracts (EXECUTOR_ROLE executes approved payout
# batches on Disbursements, ready governance operations on GovTimelock). "*" holds the roles every
# DepartmentRoles contract shares. tests/test_explorer_language.py checks that every role has words.
ANY_CONTRACT = "*"
ROLES: dict[str, dict[str, Pair]] = {
    ANY_CONTRACT: {
        "DEFAULT_ADMIN_ROLE": ("治理（时间锁）", "governance (timelock)"),
        "DEPARTMENT_REGISTRY_ROLE": ("部门名册（收回离岗人员权限）", "department registry (revokes leavers’ roles)"),
    },
    "GovTimelock": {
        "DEFAULT_ADMIN_ROLE": ("时间锁管理员", "timelock admin"),
        "PROPOSER_ROLE": ("治理提案人", "governance proposer"),
        "EXECUTOR_ROLE": ("治理执行人", "governance executor"),
        "CANCELLER_ROLE": ("治理撤销人", "governance canceller"),
    },
    "DepartmentRegistry": {"REGULATOR_ROLE": ("监管审计", "regulator / auditor")},
    "IdentityRegistry": {
        "REGISTRAR_ROLE": ("身份登记员（公安）", "identity registrar (police)"),
        "ENTERPRISE_REGISTRAR_ROLE": ("企业身份登记员（市场监管）", "enterprise identity registrar (market regulation)"),
    },
    "EnterpriseRegistry": {"MARKET_REGULATOR_ROLE": ("市场监管员", "market regulator")},
    "CreditRegistry": {"CREDIT_WRITER_ROLE": ("信用记录员", "credit record writer")},
    "EligibilityRegistry": {"ATTESTER_ROLE": ("资格认证员", "eligibility attester")},
    "BudgetRegistry": {
        "BUDGET_PROPOSER_ROLE": ("预算编制人", "budget proposer"),
        "BUDGET_APPROVER_ROLE": ("预算审批人", "budget approver"),
    },
    "ProgramRegistry": {
        "PROGRAM_ADMIN_ROLE": ("资金项目管理员", "program administrator"),
        "PROGRAM_OPERATOR_ROLE": ("受益人名单经办人", "beneficiary-list operator"),
    },
    "FiscalToken": {
        "MINTER_ROLE": ("铸造（资金发放合约）", "minter (the disbursement ledger)"),
        "DISBURSER_ROLE": ("发放（资金发放合约）", "disburser (the disbursement ledger)"),
        "SETTLER_ROLE": ("结算（合作银行）", "settler (partner banks)"),
        "ACCOUNT_REGISTRAR_ROLE": ("收款账户登记员", "receiving-account registrar"),
    },
    "Disbursements": {
        "TREASURER_ROLE": ("财政拨款人", "treasurer"),
        "OPERATOR_ROLE": ("发放经办人", "payout operator"),
        "APPROVER_ROLE": ("发放审批人", "payout approver"),
        "EXECUTOR_ROLE": ("发放执行人", "payout executor"),
        "BANK_ROLE": ("合作银行", "partner bank"),
    },
    "WorkflowEngine": {
        "CASE_OPENER_ROLE": ("代为受理（合约）", "case opener (a contract)"),
        "SAMR_REVIEWER_ROLE": ("市场监管审核", "market regulation reviewer"),
        "TAX_REVIEWER_ROLE": ("税务审核", "tax reviewer"),
        "FIN_REVIEWER_ROLE": ("财政审核", "finance reviewer"),
        "DRC_REVIEWER_ROLE": ("发改审核", "development and reform reviewer"),
        "CIVIL_REVIEWER_ROLE": ("民政审核", "civil affairs reviewer"),
    },
}



def _by_name() -> dict[str, Pair]:
    """Role name -> words, for callers that do not know the contract: a name with one meaning has its
    words; a name with several (EXECUTOR_ROLE, DEFAULT_ADMIN_ROLE) gets neutral words. Prefer role_label."""
    meanings: dict[str, set[Pair]] = {}
    for table in ROLES.values():
        for name, pair in table.items():
            meanings.setdefault(name, set()).add(pair)
    neutral = {"EXECUTOR_ROLE": ("执行人", "executor"), "DEFAULT_ADMIN_ROLE": ("管理员（治理）", "admin (governance)")}
    return {name: next(iter(pairs)) if len(pairs) == 1 else neutral[name] for name, pairs in meanings.items()}


ROLE: dict[str, Pair] = _by_name()

# What a search hit is (govchain.portal.SearchHit.kind; modules add their kinds, e.g. program, budget)
SEARCH_KIND: dict[str, Pair] = {
    "tx": ("交易", "transaction"),
    "block": ("区块", "block"),
    "address": ("地址", "address"),
    "enterprise": ("企业", "enterprise"),
    "case": ("审批事项", "case"),
    "credit": ("身份承诺", "identity commitment"),
    "program": ("资金项目", "program"),
    "budget": ("预算", "budget"),
    "batch": ("发放批次", "payout batch"),
}


def language(request: Request) -> str:
    """?lang= (remembered in a cookie), else the cookie, else Chinese."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    cookie = request.cookies.get(COOKIE)
    return cookie if cookie in LANGUAGES else DEFAULT_LANGUAGE


def pick(pair: Pair, lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def label(table: dict[str, Pair], code: str | None, lang: str) -> str:
    """The words for `code` in `table`; an unknown code as words made from it (never the bare code)."""
    if code is None:
        return "—"
    pair = table.get(code)
    return pick(pair, lang) if pair else _words(code)


def role_label(contract: str | None, role: str, lang: str, department: str | None = None) -> str:
    """The words for role `role` (its name, e.g. EXECUTOR_ROLE) on `contract`. A role no table knows
    (a workflow step role added by governance later) is named after the `department` holding it."""
    pair = ROLES.get(contract or "", {}).get(role) or ROLES[ANY_CONTRACT].get(role)
    if pair is None and contract is None:  # the contract is unknown: words that fit every contract using the name
        pair = ROLE.get(role)
    if pair:
        return pick(pair, lang)
    words = _words(role.removesuffix("_ROLE"))
    return f"{department} · {words}" if department else words


def _words(code: str) -> str:
    """FOO_BAR -> 'foo bar' (a code without a translation, said as words rather than shown as a code)."""
    return code.replace("_", " ").lower() if code.isupper() else code


# "城乡居民基本养老保险 basic pension": a Chinese name, a space, an English name (ASCII only).
_BILINGUAL = re.compile(r"^(?P<zh>.*[\u3400-\u9fff].*?)\s+(?P<en>[A-Za-z][\x20-\x7e]*)$")


def local_name(text: Any, lang: str) -> Any:
    """A name stored in both languages, "中文 English", in the page's language only; any other name as it is."""
    if not isinstance(text, str):
        return text
    match = _BILINGUAL.match(text.strip())
    if not match or re.search(r"[\u3400-\u9fff]", match["en"]):
        return text
    return match["zh"].strip() if lang == "zh" else match["en"].strip()


# --- the explorer's own error messages -------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """A message in both languages (an explorer error page shows the page's one)."""

    zh: str
    en: str

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


ERRORS: dict[str, Pair] = {
    "bad_block": ("区块号应为不小于 0 的整数，收到 “{value}”", "a block number is a whole number ≥ 0, got “{value}”"),
    "no_block": ("还没有第 {number} 号区块（最新区块为 {head}）", "no block {number} yet (the head is {head})"),
    "bad_tx": ("交易哈希应为 0x 加 64 位十六进制数字", "a transaction hash is 0x and 64 hex digits"),
    "no_tx": ("本链上没有交易 {hash}", "no transaction {hash} on this chain"),
    "bad_address": ("地址应为 0x 加 40 位十六进制数字", "an address is 0x and 40 hex digits"),
    "bad_case": ("案件编号应为不小于 1 的整数，收到 “{value}”", "a case id is a whole number ≥ 1, got “{value}”"),
    "no_case": ("没有编号为 {case_id} 的审批案件", "no case {case_id}"),
    "no_enterprise": ("统一社会信用代码 {uscc} 没有登记申请记录", "no enterprise {uscc} has applied for registration"),
    "uscc_length": ("统一社会信用代码应为 18 位，“{uscc}” 有 {length} 位", "a USCC has 18 characters, “{uscc}” has {length}"),
    "uscc_character": (
        "统一社会信用代码 “{uscc}” 的第 {position} 位 “{char}” 不在 GB 32100 字符集中（数字和除 I、O、S、V、Z 外的大写字母）",
        "character {position} (“{char}”) of the USCC “{uscc}” is not in the GB 32100 alphabet (digits and capital letters but I, O, S, V, Z)",
    ),
    "uscc_check": (
        "统一社会信用代码 “{uscc}” 的校验码是 “{got}”，应为 “{expected}”（可能有输入错误）",
        "the check character of the USCC “{uscc}” is “{got}”, expected “{expected}” (a typing error?)",
    ),
    "bad_subject": (
        "信用主体应为统一社会信用代码（18 位）或身份承诺（0x 加 64 位十六进制数字）",
        "a credit subject is a USCC (18 characters) or an identity commitment (0x and 64 hex digits)",
    ),
    "no_page": ("没有这个页面：{path}", "no such page: {path}"),
    "bad_request": ("请求参数有误（{params}），请检查链接", "invalid request parameters ({params}): check the link"),
    "not_found": ("没有找到您要的页面或记录", "not found"),
    "invalid": ("输入有误，请检查后重试", "invalid input"),
    "internal": ("内部错误：这是本系统的缺陷，已记入服务器日志，请向运维人员报告", "internal error: a bug in this system; it is logged on the server, please report it"),
    "unavailable": ("服务暂不可用（区块链节点没有响应），请稍后重试", "service unavailable (the chain node does not answer); try again later"),
}


def error(key: str, **values: Any) -> Message:
    zh, en = ERRORS[key]
    return Message(zh.format(**values), en.format(**values))


def uscc_error(exc: Any) -> Message:
    """An InvalidUSCC (govchain.domain) in both languages, from its fields."""
    uscc = str(exc.uscc)
    if exc.expected is not None:
        return error("uscc_check", uscc=uscc, got=uscc[17], expected=exc.expected)
    if exc.position is not None:
        return error("uscc_character", uscc=uscc, position=exc.position + 1, char=uscc[exc.position])
    return error("uscc_length", uscc=uscc, length=len(uscc))


# --- fiscal funds (engineer "funds", issue 10): statuses and codes of budgets, batches and payouts ---
BATCH_STATUS = {
    "proposed": ("待审批", "awaiting approval"),
    "approved": ("已批准，待执行", "approved, awaiting execution"),
    "executed": ("已发放", "paid out"),
    "cancelled": ("已撤销", "cancelled"),
    "expired": ("已过期未执行", "expired unexecuted"),
}
BATCH_STEP = {
    "proposed": ("提出", "proposed"),
    "extended": ("追加名单", "entries added"),
    "approved": ("审批通过", "approved"),
    "cancelled": ("撤销", "cancelled"),
    "executed": ("执行发放", "executed"),
}
PAYOUT_MODE = {"wallet": ("钱包发放", "wallet"), "bank": ("银行代发", "bank-settled")}
REFUSAL = {
    "identity_revoked": ("电子身份已注销", "e-ID revoked"),
    "no_attestation": ("无生存认证", "no proof of life"),
    "attestation_expired": ("生存认证已过期", "proof of life expired"),
}
WITHHELD_REASON = {
    "identity_revoked": ("身份已注销", "identity revoked"),
    "account_changed": ("批准后账户已变更", "account changed after approval"),
}
BANK_REFUND_STATUS = {
    "pending": ("待银行或第二名工作人员确认", "pending: awaiting the bank or a second officer"),
    "confirmed": ("已退回", "refunded"),
    "cancelled": ("已撤销", "cancelled"),
}
# --- end of fiscal funds ---


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
