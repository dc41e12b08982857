"""Gas of approval workflows and enterprise registration.

- gas.workflow.step_decision: a non-final Approve decision on a three-step case (with an opinion hash).
- gas.enterprise.apply_plus_approve: applyForRegistration (the name in plaintext, NAME) + the approving
  decision of a ONE-step registration template (the final step: it closes the case and the hook registers the enterprise).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chain import load  # noqa: E402
from report import record  # noqa: E402

from govchain.domain import USCC_ALPHABET, uscc_bytes, uscc_check_character  # noqa: E402

DAY = 24 * 3600  # seconds
STEP_LIMIT = 5 * DAY  # seconds an officer has per step
LEVEL = 2  # identity verification level the templates require
NAME = "青岛海湾精细化工股份有限公司"  # a typical enterprise name: 14 Chinese characters, 42 bytes of UTF-8


def random_uscc() -> bytes:
    """A random valid USCC, as bytes18."""
    first = "".join(USCC_ALPHABET[b % len(USCC_ALPHABET)] for b in os.urandom(17))
    return uscc_bytes(first + uscc_check_character(first))


def main() -> None:
    project = load()
    from brownie import accounts
    from eth_utils import keccak

    admin, police, officer, applicant = accounts[0], accounts[1], accounts[2], accounts[3]
    identities = project.IdentityRegistry.deploy(admin, {"from": admin})
    identities.grantRole(identities.REGISTRAR_ROLE(), police, {"from": admin})
    identities.bindPerson(applicant, os.urandom(32), os.urandom(32), LEVEL, {"from": police})

    engine = project.WorkflowEngine.deploy(admin, identities, "0x" + "00" * 20, {"from": admin})
    registry = project.EnterpriseRegistry.deploy(admin, engine, "0x" + "00" * 20, {"from": admin})
    engine.grantRole(engine.CASE_OPENER_ROLE(), registry, {"from": admin})
    roles = [keccak(text=name) for name in ("SAMR_INTAKE_ROLE", "SAMR_REVIEWER_ROLE", "SAMR_APPROVER_ROLE")]
    for role in roles:
        engine.grantRole(role, officer, {"from": admin})

    # gas.workflow.step_decision: approve step 0 of a three-step case (the second case, so counters are warm)
    three = engine.createTemplate(keccak(text="行政许可"), [(r, STEP_LIMIT) for r in roles], "0x" + "00" * 20, LEVEL,
                                  {"from": admin}).return_value
    engine.openCase(three, os.urandom(32), {"from": applicant})
    case_id = engine.openCase(three, os.urandom(32), {"from": applicant}).return_value
    decision = engine.decide(case_id, 0, os.urandom(32), {"from": officer})
    assert engine.caseInfo(case_id)[2] == 1  # moved to step 1

    # gas.enterprise.apply_plus_approve with a one-step registration template
    one = engine.createTemplate(keccak(text="企业设立登记"), [(roles[1], STEP_LIMIT)], registry, LEVEL,
                                {"from": admin}).return_value
    registry.setRegistrationTemplate(one, {"from": admin})
    apply_tx = registry.applyForRegistration(
        random_uscc(), NAME, os.urandom(32), 50_000_000_00, os.urandom(32), {"from": applicant}
    )
    approve_tx = engine.decide(apply_tx.return_value, 0, os.urandom(32), {"from": officer})
    assert "EnterpriseRegistered" in approve_tx.events
    print(f"apply = {apply_tx.gas_used}, approve = {approve_tx.gas_used}")

    record({
        "gas.workflow.step_decision": decision.gas_used,
        "gas.enterprise.apply_plus_approve": apply_tx.gas_used + approve_tx.gas_used,
    })


if __name__ == "__main__":
    main()
