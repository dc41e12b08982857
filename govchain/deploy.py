"""Deploy the suite and set up the consortium (config/consortium.yaml), idempotently.

Used by `govchain deploy` and by `brownie run scripts/deploy.py`. Every contract already listed in
the deployment file with code on chain is reused; every grant already in place is skipped. While
the deployer still holds each contract's DEFAULT_ADMIN_ROLE it makes the bootstrap grants itself,
then hands governance to the timelock and renounces it; grants the configuration adds after that
are returned as governance actions to propose through the timelock (they are not made).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml
from eth_abi import encode
from eth_utils import keccak
from web3 import Web3

from govchain.artifacts import Artifacts
from govchain.clients.credit import dev_reader_key, reader_public_key
from govchain.exceptions import ConfigError, DeploymentError
from govchain.paths import PROJECT_ROOT
from govchain.sender import Call, TransactionSender
from govchain.signer import dev_accounts

DEFAULT_CONSORTIUM = PROJECT_ROOT / "config" / "consortium.yaml"
ADMIN_ROLE = b"\0" * 32
ZERO_ADDRESS = "0x" + "00" * 20


def code32(text: str) -> bytes:
    """A short code (department, template, category...) as bytes32, left-aligned."""
    raw = text.encode()
    if not raw or len(raw) > 32:
        raise ConfigError(f"code {text!r} must be 1 to 32 bytes")
    return raw.ljust(32, b"\0")


def role_id(name: str) -> bytes:
    return ADMIN_ROLE if name == "DEFAULT_ADMIN_ROLE" else keccak(text=name)


@dataclass(frozen=True)
class Component:
    """A deployable contract of the suite: its artifact name and how to build its constructor arguments."""

    name: str
    constructor: Callable[["DeployContext"], list[Any]]
    governed: bool = True  # has AccessControl with DEFAULT_ADMIN_ROLE handed to the timelock


@dataclass
class DeployContext:
    config: dict[str, Any]
    deployer: str
    addresses: dict[str, str]
    resolve: Callable[[Any], str]


def _timelock_args(ctx: DeployContext) -> list[Any]:
    gov = ctx.config["governance"]
    proposers = [ctx.resolve(p) for p in gov["proposers"]]
    return [int(gov["min_delay_seconds"]), proposers, proposers, ZERO_ADDRESS]


SUITE: tuple[Component, ...] = (
    Component("GovTimelock", _timelock_args, governed=False),
    Component("GovForwarder", lambda ctx: [], governed=False),
    Component("DepartmentRegistry", lambda ctx: [ctx.deployer]),
    Component("IdentityRegistry", lambda ctx: [ctx.deployer]),
    Component("CreditRegistry", lambda ctx: [ctx.deployer, ctx.addresses["DepartmentRegistry"]]),
    Component(
        "WorkflowEngine",
        lambda ctx: [ctx.deployer, ctx.addresses["IdentityRegistry"], ctx.addresses["GovForwarder"]],
    ),
    Component(
        "EnterpriseRegistry",
        lambda ctx: [ctx.deployer, ctx.addresses["WorkflowEngine"], ctx.addresses["GovForwarder"]],
    ),
    # fiscal funds: token, budgets (multi-party approval policy from the consortium file), proof of
    # life, programs, the disbursement ledger
    Component("FiscalToken", lambda ctx: [ctx.deployer]),
    Component("BudgetRegistry", lambda ctx: _budget_args(ctx)),
    Component("EligibilityRegistry", lambda ctx: [ctx.deployer, ctx.addresses["IdentityRegistry"]]),
    Component(
        "ProgramRegistry",
        lambda ctx: [ctx.deployer] + [ctx.addresses[n] for n in ("DepartmentRegistry", "IdentityRegistry", "EligibilityRegistry", "BudgetRegistry")],
    ),
    Component(
        "Disbursements",
        lambda ctx: [ctx.deployer]
        + [ctx.addresses[n] for n in ("FiscalToken", "BudgetRegistry", "ProgramRegistry", "DepartmentRegistry", "IdentityRegistry")],
    ),
)


def _budget_args(ctx: DeployContext) -> list[Any]:
    policy = ctx.config.get("budget_approval", {})
    return [
        ctx.deployer,
        ctx.addresses["DepartmentRegistry"],
        code32(policy.get("finance_department", "FIN")),
        int(policy.get("finance_approvals", 2)),
        int(policy.get("other_department_approvals", 1)),
    ]

HOURS = 3600


@dataclass
class DeployResult:
    chain_id: int
    path: Path
    addresses: dict[str, str]
    deployed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    transactions: int = 0
    governance_actions: list[str] = field(default_factory=list)


def load_consortium(path: Path | None = None) -> dict[str, Any]:
    path = path or DEFAULT_CONSORTIUM
    try:
        config = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read consortium file {path}: {exc}") from exc
    for key in ("governance", "departments"):
        if key not in config:
            raise ConfigError(f"{path} has no '{key}' section")
    return config


class Deployer:
    def __init__(self, w3: Web3, sender: TransactionSender, artifacts: Artifacts, consortium: dict[str, Any], path: Path) -> None:
        self.w3 = w3
        self.sender = sender
        self.artifacts = artifacts
        self.consortium = consortium
        self.path = path
        self.chain_id = sender.chain_id
        self.data: dict[str, Any] = {"chainId": self.chain_id, "contracts": {}}
        if path.exists():
            self.data = json.loads(path.read_text())
            if int(self.data.get("chainId", -1)) != self.chain_id:
                raise DeploymentError(f"{path} belongs to chain {self.data.get('chainId')}, not {self.chain_id}")
        self.result = DeployResult(self.chain_id, path, {})

    # accounts in the YAML: {address: 0x..} anywhere, {account: N} on local dev chains
    def resolve(self, entry: Any) -> str:
        if isinstance(entry, dict) and "address" in entry:
            return Web3.to_checksum_address(entry["address"])
        if isinstance(entry, dict) and "account" in entry:
            return dev_accounts(self.chain_id, int(entry["account"]) + 1)[int(entry["account"])].address
        raise ConfigError(f"an officer entry needs 'address' (or 'account' on a dev chain): {entry!r}")

    def contract(self, name: str) -> Any:
        return self.w3.eth.contract(address=self.data["contracts"][name]["address"], abi=self.artifacts.abi(name))

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.data, indent=2) + "\n")

    def deploy_contracts(self) -> None:
        ctx = DeployContext(self.consortium, self.sender.account.address, {}, self.resolve)
        for component in SUITE:
            known = self.data["contracts"].get(component.name)
            if known and self._still_deployed(known):
                ctx.addresses[component.name] = known["address"]
                self.result.reused.append(component.name)
                continue
            abi = self.artifacts.abi(component.name)
            ctor = next((i for i in abi if i["type"] == "constructor"), {"inputs": []})
            args = component.constructor(ctx)
            types = [i["type"] for i in ctor["inputs"]]
            data = bytes.fromhex(self.artifacts.bytecode(component.name)[2:]) + encode(types, args)
            receipt = self.sender.transact(Call(None, data, label=f"deploy {component.name}"))
            self.result.transactions += 1
            ctx.addresses[component.name] = receipt.contract_address
            self.data["contracts"][component.name] = {
                "address": receipt.contract_address,
                "block": receipt.block_number,
                "tx": receipt.tx_hash,
            }
            self.data.setdefault("deployer", self.sender.account.address)
            self._save()
            self.result.deployed.append(component.name)
        self.result.addresses = dict(ctx.addresses)

    def _still_deployed(self, known: dict[str, Any]) -> bool:
        """The recorded deployment transaction is on this chain and created this address (a reset
        chain can hold another contract at the same address)."""
        if "tx" not in known:
            return bool(self.w3.eth.get_code(known["address"]))
        try:
            receipt = self.w3.eth.get_transaction_receipt(known["tx"])
        except Exception:  # noqa: BLE001 - web3 raises TransactionNotFound
            return False
        return receipt["contractAddress"] == known["address"] and bool(self.w3.eth.get_code(known["address"]))

    def _send(self, calls: list[Call]) -> None:
        if calls:
            self.sender.transact_many(calls)
            self.result.transactions += len(calls)

    def _admin(self, name: str) -> bool:
        return self.contract(name).functions.hasRole(ADMIN_ROLE, self.sender.account.address).call()

    def _or_governance(self, name: str, call: Call, calls: list[Call]) -> None:
        if self._admin(name):
            calls.append(call)
        else:
            self.result.governance_actions.append(f"{name}.{call.label}")

    def setup_consortium(self) -> None:
        departments = self.contract("DepartmentRegistry")
        fn = departments.functions
        registrations: list[Call] = []
        for entry in self.consortium["departments"]:
            code = code32(entry["code"])
            if not any(bytes(c) == code for c in fn.departmentCodes().call()):
                call = Call.of(fn.registerDepartment(code, entry["name"]), label=f"registerDepartment({entry['code']})")
                self._or_governance("DepartmentRegistry", call, registrations)
        self._send(registrations)

        grants: list[Call] = []
        for entry in self.consortium["departments"]:
            code = code32(entry["code"])
            officers = [self.resolve(o) for o in entry.get("officers", [])]
            for officer in officers:
                if bytes(fn.departmentOf(officer).call()) != code:
                    call = Call.of(fn.assignOfficer(officer, code), label=f"assignOfficer({officer}, {entry['code']})")
                    self._or_governance("DepartmentRegistry", call, grants)
            for contract_name, roles in (entry.get("roles") or {}).items():
                self._grant_roles(contract_name, roles, officers, grants)
        regulators = [self.resolve(r) for r in self.consortium.get("regulators", [])]
        self._grant_roles("DepartmentRegistry", ["REGULATOR_ROLE"], regulators, grants)
        self._send(grants)

    def _grant_roles(self, contract_name: str, roles: list[str], holders: list[str], calls: list[Call]) -> None:
        if contract_name not in self.data["contracts"]:
            raise ConfigError(f"the consortium grants roles on {contract_name}, which is not part of the suite")
        contract = self.contract(contract_name)
        for role in roles:
            for holder in holders:
                if not contract.functions.hasRole(role_id(role), holder).call():
                    call = Call.of(contract.functions.grantRole(role_id(role), holder), label=f"grantRole({role}, {holder})")
                    self._or_governance(contract_name, call, calls)

    def setup_workflows(self) -> None:
        """Case openers, approval templates (by name, so re-runs add only new ones), registration template."""
        engine = self.contract("WorkflowEngine")
        registry = self.contract("EnterpriseRegistry")
        opener = role_id("CASE_OPENER_ROLE")
        calls: list[Call] = []
        if not engine.functions.hasRole(opener, registry.address).call():
            self._or_governance("WorkflowEngine", Call.of(engine.functions.grantRole(opener, registry.address), label="grantRole(CASE_OPENER_ROLE, EnterpriseRegistry)"), calls)
        self._send(calls)

        existing = {
            bytes(engine.functions.templateInfo(i).call()[0]): i for i in range(1, engine.functions.templateCount().call() + 1)
        }
        templates: list[tuple[dict[str, Any], bytes]] = []
        calls = []
        for entry in self.consortium.get("workflows", []):
            name_hash = keccak(text=entry["name"])
            templates.append((entry, name_hash))
            if name_hash in existing:
                continue
            steps = [(role_id(step["role"]), int(step["time_limit_hours"]) * HOURS) for step in entry["steps"]]
            hook = self.data["contracts"][entry["hook"]]["address"] if entry.get("hook") else ZERO_ADDRESS
            call = Call.of(engine.functions.createTemplate(name_hash, steps, hook, int(entry.get("min_level", 1))), label=f"createTemplate({entry['key']})")
            self._or_governance("WorkflowEngine", call, calls)
        self._send(calls)  # templates get ids in order, after the existing ones

        ids = {
            bytes(engine.functions.templateInfo(i).call()[0]): i for i in range(1, engine.functions.templateCount().call() + 1)
        }
        self.data["workflows"] = {entry["key"]: ids[h] for entry, h in templates if h in ids}
        self._save()
        registration = self.data["workflows"].get("ENTERPRISE_REGISTRATION")
        if registration and registry.functions.registrationTemplate().call() != registration:
            calls = []
            self._or_governance("EnterpriseRegistry", Call.of(registry.functions.setRegistrationTemplate(registration), label="setRegistrationTemplate"), calls)
            self._send(calls)

    def setup_credit(self) -> None:
        """Credit categories with their owner departments, the reader keys of the departments entitled
        to non-public categories, and those categories' readers (each set when missing or different)."""
        credit = self.contract("CreditRegistry").functions
        calls: list[Call] = []
        categories = self.consortium.get("credit_categories", [])
        for entry in categories:
            wanted = (True, bool(entry.get("active", True)), bool(entry["public"]), int(entry["min_delta"]), int(entry["max_delta"]), code32(entry["owner"]))
            if tuple(credit.getCategory(int(entry["id"])).call()) == wanted:
                continue
            call = Call.of(
                credit.configureCategory(int(entry["id"]), entry["name"], *wanted[1:]),
                label=f"configureCategory({entry['id']}, {entry['name']})",
            )
            self._or_governance("CreditRegistry", call, calls)
        departments = {d["code"]: d for d in self.consortium["departments"]}
        for code in dict.fromkeys(r for entry in categories for r in entry.get("readers", [])):
            if code not in departments:
                raise ConfigError(f"credit category reader {code} is not a department of the consortium")
            configured = departments[code].get("credit_reader_key")
            key = bytes.fromhex(configured.removeprefix("0x")) if configured else reader_public_key(dev_reader_key(self.chain_id, code))
            if bytes(credit.readerKey(code32(code)).call()) != key:
                self._or_governance("CreditRegistry", Call.of(credit.setReaderKey(code32(code), key), label=f"setReaderKey({code})"), calls)
        self._send(calls)
        calls = []
        for entry in categories:
            readers = [code32(r) for r in entry.get("readers", [])]
            if readers and [bytes(r) for r in credit.categoryReaders(int(entry["id"])).call()] != readers:
                call = Call.of(credit.setCategoryReaders(int(entry["id"]), readers), label=f"setCategoryReaders({entry['id']})")
                self._or_governance("CreditRegistry", call, calls)
        self._send(calls)

    def setup_funds(self) -> None:
        """The ledger may mint, pay and settle; it and the banks' settlement accounts are registered holders.
        The banks confirm bank-settled refunds (BANK_ROLE); `payouts.separate_executor` makes every batch
        need an executor who neither proposed nor approved it."""
        token = self.contract("FiscalToken")
        ledger = self.data["contracts"]["Disbursements"]["address"]
        calls: list[Call] = []
        for role in ("MINTER_ROLE", "DISBURSER_ROLE", "SETTLER_ROLE"):
            self._grant_roles("FiscalToken", [role], [ledger], calls)
        banks = [(self.resolve(b), b["name"]) for b in self.consortium.get("banks", [])]
        self._grant_roles("FiscalToken", ["SETTLER_ROLE"], [a for a, _ in banks], calls)
        self._grant_roles("Disbursements", ["BANK_ROLE"], [a for a, _ in banks], calls)
        separate = bool((self.consortium.get("payouts") or {}).get("separate_executor", False))
        disbursements = self.contract("Disbursements").functions
        if disbursements.executorSeparation().call() != separate:
            call = Call.of(disbursements.setExecutorSeparation(separate), label=f"setExecutorSeparation({separate})")
            self._or_governance("Disbursements", call, calls)
        self._send(calls)
        holders = [(ledger, "LEDGER")] + banks
        missing = [(a, label) for a, label in holders if not token.functions.isRegistered(a).call()]
        if not missing:
            return
        if not self._admin("FiscalToken"):
            self.result.governance_actions += [f"FiscalToken.registerAccount({a}, {label})" for a, label in missing]
            return
        # the deployer registers them itself while it still governs the token, then gives the role up
        registrar, me = role_id("ACCOUNT_REGISTRAR_ROLE"), self.sender.account.address
        fn = token.functions
        self._send([Call.of(fn.grantRole(registrar, me), label="bootstrap ACCOUNT_REGISTRAR_ROLE")])
        self._send([Call.of(fn.registerAccount(a, code32(label[:32])), label=f"registerAccount({label})") for a, label in missing])
        self._send([Call.of(fn.renounceRole(registrar, me), label="renounce ACCOUNT_REGISTRAR_ROLE")])

    def setup_officer_revocation(self) -> None:
        """Every contract with department roles (IDepartmentRoles: it has `revokeOfficer`) grants the
        DepartmentRegistry its DEPARTMENT_REGISTRY_ROLE and is registered with it, so an officer who
        leaves a department loses its roles in the same governance action."""
        departments = self.contract("DepartmentRegistry")
        names = [c.name for c in SUITE if any(i.get("name") == "revokeOfficer" for i in self.artifacts.abi(c.name))]
        grants: list[Call] = []
        for name in names:
            self._grant_roles(name, ["DEPARTMENT_REGISTRY_ROLE"], [departments.address], grants)
        self._send(grants)
        registered = {Web3.to_checksum_address(a) for a in departments.functions.roleContracts().call()}
        calls: list[Call] = []
        for name in names:
            address = Web3.to_checksum_address(self.data["contracts"][name]["address"])
            if address not in registered:
                call = Call.of(departments.functions.registerRoleContract(address), label=f"registerRoleContract({name})")
                self._or_governance("DepartmentRegistry", call, calls)
        self._send(calls)

    def hand_over(self) -> None:
        """Give every governed contract's DEFAULT_ADMIN_ROLE to the timelock, then renounce it."""
        timelock = self.data["contracts"]["GovTimelock"]["address"]
        grants, renounces = [], []
        for component in SUITE:
            if not component.governed:
                continue
            fn = self.contract(component.name).functions
            if not fn.hasRole(ADMIN_ROLE, timelock).call():
                grants.append(Call.of(fn.grantRole(ADMIN_ROLE, timelock), label=f"{component.name} admin -> timelock"))
            if fn.hasRole(ADMIN_ROLE, self.sender.account.address).call():
                renounces.append(Call.of(fn.renounceRole(ADMIN_ROLE, self.sender.account.address), label=f"{component.name} renounce"))
        self._send(grants)
        self._send(renounces)


def deploy_suite(
    w3: Web3,
    sender: TransactionSender,
    artifacts: Artifacts,
    path: Path,
    consortium: dict[str, Any] | None = None,
    extra_setup: Callable[[Deployer], None] | None = None,
) -> DeployResult:
    """Deploy what is missing, set up the consortium, hand governance to the timelock."""
    deployer = Deployer(w3, sender, artifacts, consortium or load_consortium(), path)
    deployer.deploy_contracts()
    deployer.setup_consortium()
    deployer.setup_workflows()
    deployer.setup_credit()
    deployer.setup_funds()
    deployer.setup_officer_revocation()
    if extra_setup:
        extra_setup(deployer)
    deployer.hand_over()
    return deployer.result
