"""What the CreditRegistry test modules share: departments, categories, a bootstrapped registry."""

from __future__ import annotations

from typing import Any

from eth_utils import keccak

from conftest import dept
from govchain.clients.credit import reader_public_key

ADMIN = b"\0" * 32
TAX_DEPT, SAMR_DEPT, HRSS_DEPT, DRC_DEPT = dept("TAX"), dept("SAMR"), dept("HRSS"), dept("DRC")
DEPARTMENT_NAMES = {TAX_DEPT: "税务局", SAMR_DEPT: "市场监督管理局", HRSS_DEPT: "人力资源和社会保障局", DRC_DEPT: "发展和改革委员会"}

# categories configured at bootstrap: id, name, active, public, minDelta, maxDelta, owner
TAX, PENALTY, JUDGMENT, COMMENDATION, RETIRED, SOCIAL, CONTRACT, UNKNOWN = 1, 2, 3, 4, 5, 6, 8, 99
CATEGORIES = [
    (TAX, "纳税信用", True, True, -50, 50, TAX_DEPT),
    (PENALTY, "行政处罚", True, True, -100, 0, SAMR_DEPT),
    (JUDGMENT, "司法判决", True, True, -200, 0, SAMR_DEPT),
    (COMMENDATION, "表彰奖励", True, True, 0, 30, TAX_DEPT),
    (RETIRED, "旧分类", False, True, -10, 10, TAX_DEPT),
    (SOCIAL, "社保缴纳", True, False, -30, 10, HRSS_DEPT),  # non-public: sealed records only
    (CONTRACT, "合同履约", True, False, -50, 20, SAMR_DEPT),  # non-public, read by SAMR and TAX
]
RANGES = {c[0]: (c[4], c[5]) for c in CATEGORIES}
OWNERS = {c[0]: c[6] for c in CATEGORIES}
READERS = {SOCIAL: [HRSS_DEPT, DRC_DEPT], CONTRACT: [SAMR_DEPT, TAX_DEPT]}


def reader_secret(code: bytes) -> bytes:
    """A department's reader private key in the tests."""
    return keccak(b"test reader key " + code)


def deploy_credit(CreditRegistry: Any, DepartmentRegistry: Any, admin: Any, timelock: Any, writers: dict[bytes, Any],
                  regulator: Any) -> tuple[Any, Any]:  # fmt: skip
    """A DepartmentRegistry with TAX, SAMR, HRSS, DRC (one credit writer each in `writers`) and a
    CreditRegistry with CATEGORIES, READERS and the readers' keys, both handed to the timelock."""
    departments = DepartmentRegistry.deploy(admin, {"from": admin})
    for code, name in DEPARTMENT_NAMES.items():
        departments.registerDepartment(code, name, {"from": admin})
    for code, writer in writers.items():
        departments.assignOfficer(writer, code, {"from": admin})
    departments.grantRole(departments.REGULATOR_ROLE(), regulator, {"from": admin})
    registry = CreditRegistry.deploy(admin, departments, {"from": admin})
    for category in CATEGORIES:
        registry.configureCategory(*category, {"from": admin})
    for code in DEPARTMENT_NAMES:
        registry.setReaderKey(code, reader_public_key(reader_secret(code)), {"from": admin})
    for category, readers in READERS.items():
        registry.setCategoryReaders(category, readers, {"from": admin})
    for writer in writers.values():
        registry.grantRole(registry.CREDIT_WRITER_ROLE(), writer, {"from": admin})
    for contract in (departments, registry):
        contract.grantRole(ADMIN, timelock, {"from": admin})
        contract.renounceRole(ADMIN, admin, {"from": admin})
    return registry, departments
