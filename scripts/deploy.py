"""Deploy the govchain suite and set up the consortium from config/consortium.yaml.

    brownie run scripts/deploy.py --network <network>

A thin entry point: the work is done by govchain.deploy (also reachable as `govchain deploy`).
The deployer key comes from GOVCHAIN_PRIVATE_KEY or GOVCHAIN_KEYSTORE(+_PASSWORD); on a local
Anvil chain without one, Anvil's first development account deploys. Writes
deployments/<chain-id>.json; re-running deploys nothing twice.
"""

from __future__ import annotations

import os
from pathlib import Path

from brownie import web3
from web3 import HTTPProvider, Web3

from govchain.artifacts import Artifacts
from govchain.config import Config
from govchain.deploy import deploy_suite, load_consortium
from govchain.report import print_deploy_result
from govchain.sender import TransactionSender
from govchain.signer import signer_or_dev


def main() -> None:
    config = Config.load()
    w3 = Web3(HTTPProvider(web3.provider.endpoint_uri))
    chain_id = w3.eth.chain_id
    sender = TransactionSender(w3, signer_or_dev(chain_id), Artifacts(config.build_dir))
    consortium_file = os.environ.get("GOVCHAIN_CONSORTIUM")
    result = deploy_suite(
        w3,
        sender,
        sender.artifacts,
        config.deployment_path(chain_id),
        load_consortium(Path(consortium_file) if consortium_file else None),
    )
    print_deploy_result(result)
