"""Gas of binding identities: gas.identity.bind and gas.identity.bind_batch100_per_identity."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chain import load, per  # noqa: E402
from report import record  # noqa: E402


def main() -> None:
    project = load()
    from brownie import accounts, web3

    admin, registrar = accounts[0], accounts[12]
    registry = project.IdentityRegistry.deploy(admin, {"from": admin})
    registry.grantRole(registry.REGISTRAR_ROLE(), registrar, {"from": admin})

    def fresh_account() -> str:
        return web3.to_checksum_address(os.urandom(20))

    # warm-up bind so the measured one is a typical, not the first-ever, binding
    # (random 32 bytes stand in for commitments and tags: they cost the same as real ones)
    registry.bindPerson(fresh_account(), os.urandom(32), os.urandom(32), 2, {"from": registrar})
    single = registry.bindPerson(fresh_account(), os.urandom(32), os.urandom(32), 2, {"from": registrar})
    batch = registry.bindPersons(
        [fresh_account() for _ in range(100)], [os.urandom(32) for _ in range(100)], [os.urandom(32) for _ in range(100)], 2,
        {"from": registrar},
    )
    record({"gas.identity.bind": single.gas_used, "gas.identity.bind_batch100_per_identity": per(batch.gas_used, 100)})


if __name__ == "__main__":
    main()
