"""govchain.config and govchain.signer: settings from file and environment, keys never from the repo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_account import Account

from govchain.config import Config
from govchain.exceptions import ConfigError, SignerError
from govchain.signer import DEV_IDENTITY_TAG_KEY, dev_accounts, identity_tag_key, load_signer, signer_or_dev


def test_defaults_file_then_environment(tmp_path):
    file = tmp_path / "govchain.yaml"
    file.write_text("rpc_url: http://node:8545\nchain_id: 7\ndatabase_url: sqlite:///x.db\n")
    config = Config.load(file, env={})
    assert (config.rpc_url, config.chain_id, config.database_url) == ("http://node:8545", 7, "sqlite:///x.db")
    config = Config.load(file, env={"GOVCHAIN_RPC_URL": "http://other:1", "GOVCHAIN_DEPLOYMENT": "/tmp/d.json"})
    assert config.rpc_url == "http://other:1" and config.chain_id == 7
    assert config.deployment_path(7) == Path("/tmp/d.json")
    assert Config.load(env={}).deployment_path(31337).name == "31337.json"


def test_bad_settings_are_named(tmp_path):
    file = tmp_path / "govchain.yaml"
    file.write_text("rpc_urll: http://typo\n")
    with pytest.raises(ConfigError, match="unknown setting.*rpc_urll"):
        Config.load(file, env={})
    with pytest.raises(ConfigError, match="chain_id must be an integer"):
        Config.load(env={"GOVCHAIN_CHAIN_ID": "mainnet"})
    with pytest.raises(ConfigError, match="cannot read config file"):
        Config.load(tmp_path / "missing.yaml", env={})


def test_signer_from_environment_and_keystore(tmp_path):
    account = Account.create()
    key = account.key.hex()
    assert load_signer({"GOVCHAIN_PRIVATE_KEY": key}).address == account.address
    keystore = tmp_path / "officer.json"
    keystore.write_text(json.dumps(Account.encrypt(account.key, "s3cret", iterations=2)))
    signer = load_signer({"GOVCHAIN_KEYSTORE": str(keystore), "GOVCHAIN_KEYSTORE_PASSWORD": "s3cret"})
    assert signer.address == account.address
    password_file = tmp_path / "password"
    password_file.write_text("s3cret\n")
    signer = load_signer({"GOVCHAIN_KEYSTORE": str(keystore), "GOVCHAIN_KEYSTORE_PASSWORD_FILE": str(password_file)})
    assert signer.address == account.address


def test_signer_errors_say_what_to_set(tmp_path):
    with pytest.raises(SignerError, match="set GOVCHAIN_PRIVATE_KEY"):
        load_signer({})
    with pytest.raises(SignerError, match="not a valid private key"):
        load_signer({"GOVCHAIN_PRIVATE_KEY": "0x1234"})
    keystore = tmp_path / "k.json"
    keystore.write_text(json.dumps(Account.encrypt(Account.create().key, "right", iterations=2)))
    with pytest.raises(SignerError, match="wrong password"):
        load_signer({"GOVCHAIN_KEYSTORE": str(keystore), "GOVCHAIN_KEYSTORE_PASSWORD": "wrong"})
    with pytest.raises(SignerError, match="PASSWORD"):
        load_signer({"GOVCHAIN_KEYSTORE": str(keystore)})


def test_dev_accounts_only_on_dev_chains():
    accounts = dev_accounts(31337, 2)
    assert accounts[0].address == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"  # Anvil's well-known account 0
    with pytest.raises(SignerError, match="only on local dev chains"):
        dev_accounts(1)
    assert signer_or_dev(31337, env={}).address == accounts[0].address
    with pytest.raises(SignerError):
        signer_or_dev(1, env={})


def test_identity_tag_key_from_the_environment_and_a_dev_key_only_on_dev_chains():
    key = bytes(range(32))
    assert identity_tag_key(1, {"GOVCHAIN_IDENTITY_TAG_KEY": "0x" + key.hex()}) == key
    assert identity_tag_key(31337, {"GOVCHAIN_IDENTITY_TAG_KEY": key.hex()}) == key  # the authority's key wins everywhere
    assert identity_tag_key(31337, {}) == DEV_IDENTITY_TAG_KEY
    with pytest.raises(SignerError, match="set GOVCHAIN_IDENTITY_TAG_KEY"):
        identity_tag_key(1, {})
    with pytest.raises(SignerError, match="at least 32 bytes, got 16"):
        identity_tag_key(1, {"GOVCHAIN_IDENTITY_TAG_KEY": "ab" * 16})
    with pytest.raises(SignerError, match="not hex"):
        identity_tag_key(1, {"GOVCHAIN_IDENTITY_TAG_KEY": "not-a-key"})
