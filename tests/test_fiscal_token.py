"""FiscalToken: ERC20 in fen, closed loop (registered receivers, vetted payouts, bank settlements)."""

from __future__ import annotations

import brownie
import pytest

from conftest import reverts_with, unauthorized
from fundskit import ZERO32, b32, code

LEDGER_BALANCE = 1_000_000



@pytest.fixture(scope="module")
def token(FiscalToken, admin, accounts):
    """The token with accounts[1] standing in for the ledger (minter, disburser, settler), accounts[13] a bank."""
    token = FiscalToken.deploy(admin, {"from": admin})
    ledger, bank, registrar = accounts[1], accounts[13], accounts[7]
    for role in (token.MINTER_ROLE(), token.DISBURSER_ROLE(), token.SETTLER_ROLE()):
        token.grantRole(role, ledger, {"from": admin})
    token.grantRole(token.SETTLER_ROLE(), bank, {"from": admin})
    token.grantRole(token.ACCOUNT_REGISTRAR_ROLE(), registrar, {"from": admin})
    token.registerAccount(ledger, code("LEDGER"), {"from": registrar})
    token.registerAccount(bank, code("BANK"), {"from": registrar})
    token.mint(ledger, LEDGER_BALANCE, {"from": ledger})
    return token


@pytest.fixture(scope="module")
def words(PayoutWordHarness, admin):
    return PayoutWordHarness.deploy({"from": admin})


@pytest.fixture(scope="module")
def ledger(accounts):
    return accounts[1]


@pytest.fixture(scope="module")
def bank(accounts):
    return accounts[13]


@pytest.fixture(scope="module")
def registrar(accounts):
    return accounts[7]


def test_metadata_yuan_in_fen(token):
    assert token.name() == "Qingdao Fiscal Yuan"
    assert token.symbol() == "QFY"
    assert token.decimals() == 2
    assert token.totalSupply() == LEDGER_BALANCE


def test_register_and_deregister_accounts(token, registrar, accounts):
    shop = accounts[5]
    tx = token.registerAccount(shop, code("MERCHANT"), {"from": registrar})
    assert tx.events["AccountRegistered"]["account"] == shop
    assert b32(tx.events["AccountRegistered"]["label"]) == code("MERCHANT")
    assert token.isRegistered(shop)
    with reverts_with("FiscalTokenAlreadyRegistered", shop):
        token.registerAccount(shop, code("MERCHANT"), {"from": registrar})
    with reverts_with("FiscalTokenZeroAddress"):
        token.registerAccount(brownie.ZERO_ADDRESS, code("X"), {"from": registrar})
    tx = token.deregisterAccount(shop, {"from": registrar})
    assert tx.events["AccountDeregistered"]["account"] == shop
    assert not token.isRegistered(shop)
    with reverts_with("FiscalTokenNotRegistered", shop):
        token.deregisterAccount(shop, {"from": registrar})


def test_mint_only_to_registered_accounts(token, ledger, bank, accounts):
    tx = token.mint(bank, 500, {"from": ledger})
    assert tx.events["Transfer"]["from"] == brownie.ZERO_ADDRESS and tx.events["Transfer"]["value"] == 500
    assert token.balanceOf(bank) == 500
    with reverts_with("FiscalTokenUnregisteredAccount", accounts[5]):
        token.mint(accounts[5], 500, {"from": ledger})
    with reverts_with("FiscalTokenZeroAmount"):
        token.mint(bank, 0, {"from": ledger})
    assert token.totalSupply() == LEDGER_BALANCE + 500


def test_pay_batch_reaches_unregistered_beneficiaries(token, ledger, words, accounts):
    citizens = [accounts[2], accounts[3]]
    payouts = [words.encode(7, 120_000, citizens[0]), words.encode(9, 80_000, citizens[1])]
    tx = token.payBatch(payouts, {"from": ledger})
    transfers = tx.events["Transfer"]
    assert [(t["from"], t["to"], t["value"]) for t in transfers] == [
        (ledger, citizens[0], 120_000),
        (ledger, citizens[1], 80_000),
    ]
    assert token.balanceOf(ledger) == LEDGER_BALANCE - 200_000


def test_pay_batch_rejects_bad_batches(token, ledger, words, accounts):
    with reverts_with("FiscalTokenEmptyBatch"):
        token.payBatch([], {"from": ledger})
    with reverts_with("ERC20InvalidReceiver", brownie.ZERO_ADDRESS):
        token.payBatch([words.encode(1, 5, accounts[2]), words.encode(2, 5, brownie.ZERO_ADDRESS)], {"from": ledger})
    with reverts_with("ERC20InsufficientBalance", ledger, LEDGER_BALANCE, LEDGER_BALANCE + 1):
        token.payBatch([words.encode(1, LEDGER_BALANCE + 1, accounts[2])], {"from": ledger})
    assert token.balanceOf(accounts[2]) == 0 and token.balanceOf(ledger) == LEDGER_BALANCE


def test_holders_may_only_send_to_registered_accounts(token, ledger, bank, words, registrar, accounts):
    citizen, friend = accounts[2], accounts[3]
    token.payBatch([words.encode(0, 1_000, citizen)], {"from": ledger})
    with reverts_with("FiscalTokenUnregisteredAccount", friend):
        token.transfer(friend, 10, {"from": citizen})
    token.approve(friend, 10, {"from": citizen})
    with reverts_with("FiscalTokenUnregisteredAccount", friend):
        token.transferFrom(citizen, friend, 10, {"from": friend})
    tx = token.transfer(bank, 400, {"from": citizen})
    assert tx.events["Transfer"]["to"] == bank
    # a deregistered account keeps and may spend its balance but receives nothing more
    token.deregisterAccount(bank, {"from": registrar})
    with reverts_with("FiscalTokenUnregisteredAccount", bank):
        token.transfer(bank, 1, {"from": citizen})
    token.transfer(ledger, 400, {"from": bank})
    assert token.balanceOf(citizen) == 600 and token.balanceOf(bank) == 0


def test_settle_burns_with_the_bank_reference(token, ledger, bank, words, accounts):
    citizen = accounts[2]
    token.payBatch([words.encode(0, 1_000, citizen)], {"from": ledger})
    token.transfer(bank, 1_000, {"from": citizen})
    reference = b"\x42" * 32
    tx = token.settle(700, reference, {"from": bank})
    assert tx.events["Transfer"]["to"] == brownie.ZERO_ADDRESS and tx.events["Transfer"]["value"] == 700
    settled = tx.events["Settled"]
    assert settled["account"] == bank and settled["amount"] == 700 and b32(settled["settlementRef"]) == reference
    assert token.totalSupply() == LEDGER_BALANCE - 700
    with reverts_with("FiscalTokenZeroAmount"):
        token.settle(0, reference, {"from": bank})
    with reverts_with("FiscalTokenZeroReference"):
        token.settle(1, ZERO32, {"from": bank})
    with reverts_with("ERC20InsufficientBalance", bank, 300, 301):
        token.settle(301, reference, {"from": bank})


def test_unauthorized_callers_are_rejected(token, ledger, words, accounts, FiscalToken):
    outsider = accounts[19]
    calls = [
        (token.ACCOUNT_REGISTRAR_ROLE(), lambda: token.registerAccount(outsider, code("X"), {"from": outsider})),
        (token.ACCOUNT_REGISTRAR_ROLE(), lambda: token.deregisterAccount(ledger, {"from": outsider})),
        (token.MINTER_ROLE(), lambda: token.mint(ledger, 1, {"from": outsider})),
        (token.SETTLER_ROLE(), lambda: token.settle(1, b"\x01" * 32, {"from": outsider})),
        (token.DISBURSER_ROLE(), lambda: token.payBatch([words.encode(0, 1, outsider)], {"from": outsider})),
    ]
    for role, call in calls:
        with reverts_with(*unauthorized(outsider, role)):
            call()
    assert token.totalSupply() == LEDGER_BALANCE and token.balanceOf(outsider) == 0
    with reverts_with("FiscalTokenZeroAddress"):
        FiscalToken.deploy(brownie.ZERO_ADDRESS, {"from": accounts[0]})
