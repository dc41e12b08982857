"""Signing keys: from the environment or an encrypted keystore, never from the repository.

    GOVCHAIN_PRIVATE_KEY                       a hex private key, or
    GOVCHAIN_KEYSTORE + GOVCHAIN_KEYSTORE_PASSWORD (or GOVCHAIN_KEYSTORE_PASSWORD_FILE)
                                               an encrypted JSON keystore (geth/eth-account format)

On a local development chain (Anvil, chain id 31337) `dev_accounts` derives Anvil's funded accounts
from its public test mnemonic; it refuses any other chain.

    GOVCHAIN_IDENTITY_TAG_KEY                  the identity authority's HMAC key for uniqueness tags
                                               (hex, at least 32 bytes; govchain.domain.identity_tag);
                                               a fixed, public key stands in on local dev chains only
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from functools import lru_cache
from typing import Mapping

from eth_account import Account
from eth_account.signers.local import LocalAccount

from govchain.domain import IDENTITY_TAG_KEY_BYTES
from govchain.exceptions import SignerError

DEV_CHAIN_IDS = frozenset({31337, 1337})
ANVIL_TEST_MNEMONIC = "test test test test test test test test test test test junk"  # Anvil's public default
IDENTITY_TAG_KEY_VARIABLE = "GOVCHAIN_IDENTITY_TAG_KEY"
DEV_IDENTITY_TAG_KEY = b"govchain public dev identity-tag key, local chains"  # public: dev chains only


def load_signer(env: Mapping[str, str] | None = None, prefix: str = "GOVCHAIN") -> LocalAccount:
    """The signer named by `<prefix>_PRIVATE_KEY` or `<prefix>_KEYSTORE` (+ password)."""
    env = os.environ if env is None else env
    if key := env.get(f"{prefix}_PRIVATE_KEY"):
        try:
            return Account.from_key(key)
        except (ValueError, TypeError) as exc:
            raise SignerError(f"{prefix}_PRIVATE_KEY is not a valid private key") from exc
    if keystore := env.get(f"{prefix}_KEYSTORE"):
        password = env.get(f"{prefix}_KEYSTORE_PASSWORD")
        if password is None and (password_file := env.get(f"{prefix}_KEYSTORE_PASSWORD_FILE")):
            password = Path(password_file).read_text().rstrip("\n")
        if password is None:
            raise SignerError(f"{prefix}_KEYSTORE is set but neither {prefix}_KEYSTORE_PASSWORD nor _PASSWORD_FILE is")
        return load_keystore(Path(keystore), password)
    raise SignerError(f"no signer: set {prefix}_PRIVATE_KEY, or {prefix}_KEYSTORE and {prefix}_KEYSTORE_PASSWORD")


def load_keystore(path: Path, password: str) -> LocalAccount:
    try:
        encrypted = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise SignerError(f"cannot read keystore {path}: {exc}") from exc
    try:
        return Account.from_key(Account.decrypt(encrypted, password))
    except ValueError as exc:
        raise SignerError(f"cannot decrypt keystore {path}: wrong password or corrupt file") from exc


def dev_accounts(chain_id: int, count: int = 20) -> list[LocalAccount]:
    """Anvil's funded development accounts (index 0 = deployer), for local dev chains only."""
    if chain_id not in DEV_CHAIN_IDS:
        raise SignerError(f"development accounts exist only on local dev chains, not on chain {chain_id}")
    return [_dev_account(i) for i in range(count)]


@lru_cache(maxsize=None)
def _dev_account(index: int) -> LocalAccount:
    Account.enable_unaudited_hdwallet_features()
    return Account.from_mnemonic(ANVIL_TEST_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")


def signer_or_dev(chain_id: int, env: Mapping[str, str] | None = None, dev_index: int = 0) -> LocalAccount:
    """The configured signer; on a local dev chain with none configured, Anvil account `dev_index`."""
    env = os.environ if env is None else env
    if env.get("GOVCHAIN_PRIVATE_KEY") or env.get("GOVCHAIN_KEYSTORE") or chain_id not in DEV_CHAIN_IDS:
        return load_signer(env)
    return _dev_account(dev_index)


def identity_tag_key(chain_id: int, env: Mapping[str, str] | None = None) -> bytes:
    """The identity authority's tag key from GOVCHAIN_IDENTITY_TAG_KEY; on a local dev chain with none
    set, the public development key. Anywhere else a missing or short key is an error, never a default."""
    env = os.environ if env is None else env
    if value := env.get(IDENTITY_TAG_KEY_VARIABLE):
        try:
            key = bytes.fromhex(value.strip().removeprefix("0x"))
        except ValueError as exc:
            raise SignerError(f"{IDENTITY_TAG_KEY_VARIABLE} is not hex") from exc
        if len(key) < IDENTITY_TAG_KEY_BYTES:
            raise SignerError(f"{IDENTITY_TAG_KEY_VARIABLE} must be at least {IDENTITY_TAG_KEY_BYTES} bytes, got {len(key)}")
        return key
    if chain_id in DEV_CHAIN_IDS:
        return DEV_IDENTITY_TAG_KEY
    raise SignerError(f"no identity tag key: set {IDENTITY_TAG_KEY_VARIABLE} (the identity authority's key) for chain {chain_id}")
