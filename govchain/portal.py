"""What the REST API and the citizen explorer serve: one `Portal` per app, shared by both.

The portal joins the chain (through `Ledger`, cached) with the index (through `govchain.views`),
answers searches, computes the home page's totals, and carries out the write actions: relaying a
citizen's signed application and department actions signed by the department's officer key.

Index-derived lists are memoised per index checkpoint: they change only when the index does.
Extension points for later modules (e.g. fiscal funds) are plain attributes set after construction:
`search_resolvers`, `stat_providers`, `money_disbursed`, `relay_targets`, `payouts_lookup_url` and
`verify_scripts`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import requests
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address
from requests.adapters import HTTPAdapter
from sqlalchemy import Engine
from web3 import HTTPProvider, Web3

from govchain.artifacts import Artifacts
from govchain.clients import CreditClient, CreditEntry, Decision, UnknownCase, WorkflowClient
from govchain.config import Config
from govchain.connection import RPC_TIMEOUT_S, Deployment, Suite, connect
from govchain.deploy import load_consortium
from govchain.domain import InvalidUSCC, contains_id_number, uscc_subject, validate_uscc
from govchain.exceptions import ConfigError, GovchainError, SignerError
from govchain.indexer import Indexer, ProjectionFailure, SyncResult
from govchain.ledger import LRU, Ledger
from govchain.relay import Relayer, RelayError, SignedRequest
from govchain.sender import Receipt, TransactionSender
from govchain.signer import DEV_CHAIN_IDS, dev_accounts, load_signer
from govchain import clock, views

log = logging.getLogger("govchain.portal")

VERSION_TTL_S = 0.5  # how long the index checkpoint is reused before reading it again
MIN_API_KEY_LENGTH = 16
HTTP_POOL = 64  # pooled connections to the chain node (one per concurrent request thread)
DETAIL_CACHE = 10_000  # detail views kept per kind (enterprise, case, credit) until the index moves
RELAYER_DEPARTMENT = "BDB"  # the big-data bureau relays citizens' applications on dev chains
HEALTH_FAILURES = 20  # projection failures listed by /api/health (the count covers all of them)
FISCAL_TOKEN = "FiscalToken"  # the fiscal yuan (2 decimals: amounts in fen)


class NotFound(GovchainError):
    """The thing asked for does not exist (404)."""


class Unauthorized(GovchainError):
    """No or a wrong department API key (401)."""


class Unavailable(GovchainError):
    """A service the request needs is not configured (503)."""


class PersonalDataRefused(GovchainError):
    """The query is (or contains) an ID-card number: refused without echoing it (400)."""


def read_web3(config: Config) -> Web3:
    """A Web3 for serving many concurrent reads: a pooled HTTP session, the chain id cached, and
    none of the middleware that costs an extra request per call (transactions are signed locally
    with their chain id by TransactionSender, so nothing relies on it)."""
    session = requests.Session()
    session.mount("http://", HTTPAdapter(pool_connections=4, pool_maxsize=HTTP_POOL))
    session.mount("https://", HTTPAdapter(pool_connections=4, pool_maxsize=HTTP_POOL))
    provider = HTTPProvider(
        config.rpc_url, request_kwargs={"timeout": RPC_TIMEOUT_S}, session=session,
        cache_allowed_requests=True, cacheable_requests={"eth_chainId", "net_version"},  # never blocks or transactions
    )  # fmt: skip
    w3 = Web3(provider)
    for name in ("validation", "ens_name_to_address", "gas_price_strategy", "gas_estimate"):
        try:
            w3.middleware_onion.remove(name)
        except (ValueError, KeyError):
            pass
    connect(config)  # checks that the chain answers and is the configured one
    return w3


# --- labels ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Labels:
    """Names the chain stores only as hashes or in one language: role ids, workflow templates (in Chinese
    and English), departments' English names and which department's officers hold each role."""

    roles: dict[str, str]  # 0x role id -> ROLE_NAME
    templates: dict[int, tuple[str, str]]  # template id -> (key, display name)
    department_names_en: dict[str, str]
    templates_en: dict[int, str] = field(default_factory=dict)  # template id -> English name (consortium `name_en`)
    role_departments: dict[tuple[str, str], str] = field(default_factory=dict)  # (contract, ROLE_NAME) -> first department granted it

    @classmethod
    def build(cls, artifacts: Artifacts, deployment: Deployment, consortium: Mapping[str, Any]) -> "Labels":
        names = {"DEFAULT_ADMIN_ROLE"}
        for artifact in artifacts.names():
            for item in artifacts.abi(artifact):
                if item["type"] == "function" and item["name"].endswith("_ROLE") and not item["inputs"]:
                    names.add(item["name"])
        for department in consortium.get("departments", []):
            for roles in (department.get("roles") or {}).values():
                names.update(roles)
        for workflow in consortium.get("workflows", []):
            names.update(step["role"] for step in workflow.get("steps", []))
        roles = {("0x" + (b"\0" * 32 if n == "DEFAULT_ADMIN_ROLE" else keccak(text=n)).hex()): n for n in names}
        data = _deployment_json(deployment)
        by_key = {w["key"]: w.get("name", w["key"]) for w in consortium.get("workflows", [])}
        templates = {int(tid): (key, by_key.get(key, key)) for key, tid in (data.get("workflows") or {}).items()}
        english = {d["code"]: d.get("name_en", d["code"]) for d in consortium.get("departments", [])}
        by_key_en = {w["key"]: w["name_en"] for w in consortium.get("workflows", []) if w.get("name_en")}
        templates_en = {tid: by_key_en[key] for tid, (key, _) in templates.items() if key in by_key_en}
        holders: dict[tuple[str, str], str] = {}
        for department in consortium.get("departments", []):
            for contract, granted in (department.get("roles") or {}).items():
                for role in granted:
                    holders.setdefault((contract, role), department["code"])
        return cls(roles, templates, english, templates_en, holders)

    def role(self, role_id: str) -> str:
        return self.roles.get(role_id.lower(), role_id)

    def template(self, template_id: int) -> str:
        """The template's name in Chinese (the consortium file's `name`; the API's `template`)."""
        return self.templates.get(template_id, ("", f"#{template_id}"))[1]

    def template_name(self, template_id: int, lang: str) -> str:
        """The template's name in `lang` ("zh" or "en"; English falls back to Chinese where none is given)."""
        return self.templates_en.get(template_id, self.template(template_id)) if lang == "en" else self.template(template_id)


def _deployment_json(deployment: Deployment) -> dict[str, Any]:
    try:
        return json.loads(deployment.path.read_text())
    except (OSError, ValueError):
        return {}


# --- department credentials --------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentCredential:
    """A department's API access: the officer key its actions are signed with."""

    department: str
    signer: LocalAccount


class DepartmentKeys:
    """API keys (kept as SHA-256 digests) mapped to the department and officer signer they act as.

    From the environment: GOVCHAIN_API_KEY_<CODE> (at least 16 characters) enables department CODE;
    its officer key comes from GOVCHAIN_<CODE>_PRIVATE_KEY or GOVCHAIN_<CODE>_KEYSTORE (+ password),
    or on a local dev chain from the department's first officer in the consortium file.
    """

    def __init__(self, credentials: Mapping[str, DepartmentCredential] | None = None) -> None:
        self._by_digest: dict[bytes, DepartmentCredential] = {}
        for key, credential in (credentials or {}).items():
            self.add(key, credential)

    def add(self, key: str, credential: DepartmentCredential) -> None:
        if len(key) < MIN_API_KEY_LENGTH:
            raise ConfigError(f"the API key of {credential.department} must have at least {MIN_API_KEY_LENGTH} characters")
        self._by_digest[hashlib.sha256(key.encode()).digest()] = credential

    def check(self, key: str | None) -> DepartmentCredential:
        if not key:
            raise Unauthorized("department actions need an API key: send your department's key in the X-API-Key header")
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
        for known, credential in self._by_digest.items():
            if hmac.compare_digest(known, digest):
                return credential
        raise Unauthorized("the X-API-Key is not the key of any department")

    def departments(self) -> list[str]:
        return sorted({c.department for c in self._by_digest.values()})

    def __len__(self) -> int:
        return len(self._by_digest)

    @classmethod
    def from_env(cls, env: Mapping[str, str], chain_id: int, consortium: Mapping[str, Any]) -> "DepartmentKeys":
        keys = cls()
        for department in consortium.get("departments", []):
            code = department["code"]
            key = env.get(f"GOVCHAIN_API_KEY_{code}")
            if key:
                keys.add(key, DepartmentCredential(code, _officer_signer(env, chain_id, department)))
        return keys

    @classmethod
    def generate_dev(cls, chain_id: int, consortium: Mapping[str, Any]) -> tuple["DepartmentKeys", dict[str, str]]:
        """Fresh random keys for every department, for a local dev chain only; returns (keys, code -> key)."""
        if chain_id not in DEV_CHAIN_IDS:
            raise ConfigError("generated department keys are for local dev chains only; set GOVCHAIN_API_KEY_<CODE>")
        keys, plain = cls(), {}
        for department in consortium.get("departments", []):
            if department.get("officers"):
                plain[department["code"]] = secrets.token_urlsafe(24)
                keys.add(plain[department["code"]], DepartmentCredential(department["code"], _officer_signer({}, chain_id, department)))
        return keys, plain


def _officer_signer(env: Mapping[str, str], chain_id: int, department: Mapping[str, Any]) -> LocalAccount:
    code = department["code"]
    try:
        return load_signer(env, prefix=f"GOVCHAIN_{code}")
    except SignerError:
        if chain_id not in DEV_CHAIN_IDS:
            raise ConfigError(f"GOVCHAIN_API_KEY_{code} is set but no officer key: set GOVCHAIN_{code}_PRIVATE_KEY or _KEYSTORE") from None
    officers = [o for o in department.get("officers", []) if "account" in o]
    if not officers:
        raise ConfigError(f"department {code} has no development officer account in the consortium file")
    index = int(officers[0]["account"])
    return dev_accounts(chain_id, index + 1)[index]


def relayer_signer(env: Mapping[str, str], chain_id: int, consortium: Mapping[str, Any]) -> LocalAccount | None:
    """GOVCHAIN_RELAYER_PRIVATE_KEY / _KEYSTORE, else on a dev chain the big-data bureau's first officer."""
    try:
        return load_signer(env, prefix="GOVCHAIN_RELAYER")
    except SignerError:
        if chain_id not in DEV_CHAIN_IDS:
            return None
    for department in consortium.get("departments", []):
        if department["code"] == RELAYER_DEPARTMENT:
            return _officer_signer({}, chain_id, department)
    return None


# --- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    kind: str  # tx, block, address, enterprise, case, credit
    id: str
    label: str
    path: str  # the explorer page


@dataclass(frozen=True)
class Stats:
    head_block: int
    head_timestamp: int
    indexed_block: int | None
    events_indexed: int
    enterprises_total: int
    enterprises_registered: int
    cases_total: int
    cases_in_progress: int
    cases_overdue: int
    credit_records: int
    money_disbursed_fen: int | None  # None until a module provides it (fiscal funds)
    extra: dict[str, int] = field(default_factory=dict)
    chain_days_ahead: int = 0  # whole days the head block's time is ahead of the wall clock (the demo fast-forwards time)


@dataclass(frozen=True)
class IndexHealth:
    degraded: bool  # some indexed events could not be projected: figures built from them may be incomplete
    failure_count: int
    failures: list[ProjectionFailure]  # the first HEALTH_FAILURES, oldest event first


@dataclass(frozen=True)
class WriteResult:
    tx_hash: str
    block_number: int
    status: str
    gas_used: int
    events: list[dict[str, Any]]


@dataclass(frozen=True)
class RoleLabel:
    contract: str
    role_id: str
    role: str


@dataclass(frozen=True)
class AddressInfo:
    address: str
    balance: int  # native coin, in wei (not fiscal money; zero on the consortium chain for most accounts)
    fiscal_balance_fen: int | None  # FiscalToken.balanceOf: the fiscal yuan held, in fen (None: no FiscalToken deployed)
    nonce: int
    is_contract: bool
    contract_name: str | None
    department: str | None
    department_name: str | None
    department_name_en: str | None
    roles: list[RoleLabel]
    relayer: bool


_HEX64 = re.compile(r"0x[0-9a-fA-F]{64}")
_HEX40 = re.compile(r"0x[0-9a-fA-F]{40}")
_CASE = re.compile(r"(?:case|案件|#)\s*(\d{1,18})", re.IGNORECASE)
_HEX_PREFIX = re.compile(r"0x", re.IGNORECASE)
MIN_NAME_QUERY = 2  # characters of an enterprise name a search needs (two Chinese characters say a lot)
NAME_HITS = 20  # enterprises listed for a name search


class Portal:
    """The services behind the REST API and the explorer, for one chain, deployment and index."""

    def __init__(
        self,
        config: Config,
        *,
        w3: Web3 | None = None,
        department_keys: DepartmentKeys | None = None,
        relayer: LocalAccount | None = None,
        consortium: Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
        owns_index: bool = True,
    ) -> None:
        env = os.environ if env is None else env
        self.owns_index = owns_index  # the one process that syncs this database (uvicorn workers only read)
        self.config = config
        self.w3 = w3 or read_web3(config)
        self.suite = Suite.from_config(config, self.w3)
        self.artifacts = self.suite.artifacts
        self.deployment = self.suite.deployment
        self.chain_id = self.deployment.chain_id
        try:
            self.consortium = dict(consortium if consortium is not None else load_consortium())
        except ConfigError:
            self.consortium = {}
        self.indexer = Indexer(self.w3, self.deployment, self.artifacts, config.database_url)
        self.engine: Engine = self.indexer.engine
        views.ensure_query_indexes(self.engine)
        self.ledger = Ledger(self.w3, self.artifacts, self.deployment)
        self.labels = Labels.build(self.artifacts, self.deployment, self.consortium)
        self.department_keys = department_keys if department_keys is not None else DepartmentKeys.from_env(env, self.chain_id, self.consortium)
        relayer = relayer if relayer is not None else relayer_signer(env, self.chain_id, self.consortium)
        self._senders: dict[str, TransactionSender] = {}
        self._senders_lock = threading.Lock()
        self.relayer = Relayer(self.sender(relayer), self.suite.contract("GovForwarder")) if relayer else None
        # extension points
        self.relay_targets = {"EnterpriseRegistry", "WorkflowEngine"}
        self.search_resolvers: list[Callable[[Portal, str], list[SearchHit]]] = [_search_chain, _search_registries]
        self.stat_providers: dict[str, Callable[[Portal], int]] = {}
        self.money_disbursed: Callable[[Portal], int] | None = None  # the home page's "money disbursed"
        self.payouts_lookup_url: str | None = None  # "verify my payment": e.g. "/api/payouts?commitment={commitment}"
        self.verify_scripts: list[str] = []  # extra scripts on the verify page (they hear `govchain:commitment`)
        # index version and memo
        self._version: tuple[float, tuple[int, str, int] | None] = (0.0, None)
        self._version_lock = threading.Lock()
        self._memo: dict[str, tuple[Any, Any]] = {}
        self._details: dict[str, LRU[Any, tuple[Any, Any]]] = {}
        self._memo_lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._sync_wanted = threading.Event()
        self._failures_logged = 0

    # --- index ------------------------------------------------------------------------------

    def sync(self) -> SyncResult:
        """Bring the index up to the chain head (one at a time), then refresh caches."""
        with self._sync_lock:
            result = self.indexer.sync()
            if result.failures != self._failures_logged:  # a log line each time the count changes, not each sync
                self._failures_logged = result.failures
                for failure in self.indexer.failures(limit=HEALTH_FAILURES) if result.failures else []:
                    log.error("index degraded: %s", failure.describe())
                if not result.failures:
                    log.warning("index healthy again: every indexed event is projected")
        if result.rolled_back_to is not None:
            self._forget()
        self.version(refresh=True)
        return result

    def request_sync(self) -> None:
        """Ask the background sync loop (if one runs) to sync now."""
        self._sync_wanted.set()

    def sync_forever(self, interval: float, stop: threading.Event, on_error: Callable[[Exception], None] | None = None) -> None:
        """Sync every `interval` seconds (or when asked) until `stop` is set."""
        while not stop.is_set():
            try:
                self.sync()
            except Exception as exc:  # noqa: BLE001 - keep serving; the next round retries
                if on_error:
                    on_error(exc)
            self._sync_wanted.wait(interval)
            self._sync_wanted.clear()

    def version(self, refresh: bool = False) -> tuple[int, str, int] | None:
        """The index checkpoint and projection generation (re-read at most every VERSION_TTL_S). When
        it moved, checks that the previous checkpoint block is still on the chain and forgets the
        caches if not (a reorg handled by another process's indexer)."""
        with self._version_lock:
            fetched, current = self._version
            if not refresh and time.monotonic() - fetched < VERSION_TTL_S:
                return current
        latest = self.indexer.version()
        if current is not None and latest != current:
            if not latest or latest[0] < current[0] or self.ledger.chain_hash(current[0]) != current[1]:
                self._forget()
        with self._version_lock:
            self._version = (time.monotonic(), latest)
        self.ledger.stable_block = latest[0] if latest else -1
        return latest

    def _forget(self) -> None:
        """Drop every cache (the chain reorganised)."""
        self.ledger.invalidate()
        with self._memo_lock:
            self._memo.clear()
        for cache in list(self._details.values()):
            cache.clear()

    def memo(self, name: str, compute: Callable[[], Any]) -> Any:
        """`compute()`, reused until the index checkpoint moves."""
        version = self.version()
        with self._memo_lock:
            hit = self._memo.get(name)
            if hit and hit[0] == version:
                return hit[1]
        value = compute()
        with self._memo_lock:
            self._memo[name] = (version, value)
        return value

    def index_health(self) -> IndexHealth:
        """Whether every indexed event is projected; the recorded projection failures if not."""

        def compute() -> IndexHealth:
            count = self.indexer.failure_count()
            return IndexHealth(count > 0, count, self.indexer.failures(limit=HEALTH_FAILURES) if count else [])

        return self.memo("index_health", compute)

    def now(self) -> int:
        """Chain time: the latest block's timestamp (cases are overdue by chain time, as on chain)."""
        return self.ledger.head()[1]

    # --- lists ------------------------------------------------------------------------------

    def enterprises(self) -> list[views.EnterpriseRow]:
        return self.memo("enterprises", lambda: views.enterprise_list(self.engine))

    def cases(self) -> list[views.CaseRow]:
        rows = self.memo("cases", lambda: views.case_list(self.engine, 0))
        now = self.now()
        for row in rows:  # overdue is a matter of chain time, which moves without events
            row.overdue = views.case_overdue(row, now)
        return rows

    def departments(self) -> list[views.DepartmentRow]:
        return self.memo("departments", lambda: views.department_list(self.engine))

    def department_names(self) -> dict[str, str]:
        return {d.code: d.name for d in self.departments()}

    def credit_categories(self) -> list[views.CreditCategoryRow]:
        return self.memo("credit_categories", lambda: views.credit_categories(self.engine))

    def public_categories(self) -> set[int]:
        return {c.category for c in self.credit_categories() if c.public}

    def stats(self) -> Stats:
        head, timestamp = self.ledger.head()
        checkpoint = self.version()
        enterprises = self.enterprises()
        counted = views.case_counts(self.cases(), timestamp)
        counts = self.memo(
            "counts",
            lambda: (self.indexer.count(), views.count_events(self.engine, "CreditRegistry", "CreditRecorded")),
        )
        return Stats(
            head_block=head,
            head_timestamp=timestamp,
            indexed_block=checkpoint[0] if checkpoint else None,
            events_indexed=counts[0],
            enterprises_total=len(enterprises),
            enterprises_registered=sum(1 for e in enterprises if e.status in ("REGISTERED", "SUSPENDED")),
            cases_total=counted.total,
            cases_in_progress=counted.in_progress,
            cases_overdue=counted.overdue,
            credit_records=counts[1],
            money_disbursed_fen=self.money_disbursed(self) if self.money_disbursed else None,
            extra={name: provider(self) for name, provider in self.stat_providers.items()},
            chain_days_ahead=clock.days_ahead(timestamp),
        )

    # --- single records ---------------------------------------------------------------------

    def detail(self, kind: str, key: Any, compute: Callable[[], Any]) -> Any:
        """A detail view, reused until the index checkpoint moves (its records change only with events;
        chain time moves with blocks, which move the checkpoint too)."""
        version = self.version()
        cache = self._details.setdefault(kind, LRU(DETAIL_CACHE))
        hit = cache.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
        value = compute()
        cache.put(key, (version, value))
        return value

    def enterprise(self, uscc: str) -> views.EnterpriseView:
        view = self.detail("enterprise", uscc, lambda: views.enterprise_view(self.suite, self.engine, uscc))
        if view.status == "NONE":
            raise NotFound(f"no enterprise {uscc} has applied for registration")
        return view

    def case(self, case_id: int) -> views.CaseView:
        def compute() -> views.CaseView:
            try:
                return views.case_view(self.suite, self.engine, case_id, now=self.now())
            except UnknownCase as exc:
                raise NotFound(str(exc)) from None

        return self.detail("case", case_id, compute)

    def credit(self, subject: bytes) -> views.CreditView:
        """A subject's public credit records (the explorer and the public API show no other)."""
        return self.detail("credit", subject, lambda: views.credit_view(self.suite, self.engine, subject, public_only=True))

    def address(self, address: str) -> AddressInfo:
        address = to_checksum_address(address)
        state = self.ledger.account(address)
        department = views.department_of(self.engine, address)
        names = self.department_names()
        roles = [RoleLabel(h.contract, h.role, self.labels.role(h.role)) for h in views.roles_of(self.engine, address)]
        fiscal = self.suite.contract(FISCAL_TOKEN).functions.balanceOf(address).call() if FISCAL_TOKEN in self.deployment.contracts else None
        return AddressInfo(
            address, state.balance, fiscal, state.nonce, state.is_contract, state.contract_name, department,
            names.get(department) if department else None,
            self.labels.department_names_en.get(department) if department else None,
            roles, bool(self.relayer and self.relayer.sender.account.address == address),
        )  # fmt: skip

    # --- search -----------------------------------------------------------------------------

    def search(self, query: str) -> list[SearchHit]:
        """Everything `query` can name: a tx hash, block number or hash, address, USCC, case id, commitment."""
        query = query.strip()
        if not query:
            return []
        if contains_id_number(query):
            raise PersonalDataRefused(
                "this looks like an ID-card number: it is not searched, stored or echoed. To check your payments, "
                "use “verify my payment” (/verify): it computes your identity commitment in your browser"
            )
        hits: list[SearchHit] = []
        for resolver in self.search_resolvers:
            hits += resolver(self, query)
        return hits

    # --- writes -----------------------------------------------------------------------------

    def sender(self, account: LocalAccount) -> TransactionSender:
        with self._senders_lock:
            if account.address not in self._senders:
                self._senders[account.address] = TransactionSender(self.w3, account, self.artifacts)
            return self._senders[account.address]

    def resync_nonces(self) -> None:
        """Forget every signer's local nonce (after the chain was reset or rolled back)."""
        with self._senders_lock:
            for sender in self._senders.values():
                sender.resync_nonce()

    def _result(self, receipt: Receipt) -> WriteResult:
        if self.owns_index:
            self.sync()  # a client that writes and then reads sees its write
        else:
            self.request_sync()
        detail = self.ledger.transaction(receipt.tx_hash)
        events = [
            {"contract": e.contract, "event": e.event, "args": e.args, "log_index": e.log_index} for e in (detail.events if detail else [])
        ]
        return WriteResult(receipt.tx_hash, receipt.block_number, "success" if receipt.status == 1 else "reverted", receipt.gas_used, events)

    def relay(self, request: SignedRequest) -> WriteResult:
        """Check a citizen's signed application and submit it through GovForwarder."""
        if self.relayer is None:
            raise Unavailable("no relayer is configured: set GOVCHAIN_RELAYER_PRIVATE_KEY (or _KEYSTORE)")
        target = self.ledger.name_of(request.to)
        if target not in self.relay_targets:
            allowed = ", ".join(f"{n} ({self.deployment.address(n)})" for n in sorted(self.relay_targets))
            raise RelayError(f"the relayer forwards applications only to {allowed}, not to {request.to}")
        if request.value != 0:
            raise RelayError("a relayed application carries no value: `value` must be 0")
        return self._result(self.relayer.relay(request))

    def relay_nonce(self, address: str) -> int:
        if self.relayer is None:
            return int(self.suite.contract("GovForwarder").functions.nonces(address).call())
        return self.relayer.nonce(address)

    def decide(self, credential: DepartmentCredential, case_id: int, decision: str, reason_hash: bytes) -> WriteResult:
        """The department's officer decides the current step of case `case_id`."""
        client = WorkflowClient(self.suite, self.sender(credential.signer))
        try:
            client.case(case_id)
        except UnknownCase as exc:
            raise NotFound(str(exc)) from None
        return self._result(client.decide(case_id, Decision[decision], reason_hash))

    def append_credit(self, credential: DepartmentCredential, subject: bytes, entry: CreditEntry) -> WriteResult:
        """The department's officer appends a credit record about `subject`: in plaintext for a public
        category, sealed to the category's reader departments otherwise (nothing readable on chain)."""
        client = CreditClient(self.suite, self.sender(credential.signer))
        if client.is_public(entry.category) or not client.functions.getCategory(entry.category).call()[0]:
            return self._result(client.append(subject, entry))  # an unknown category: the contract says so
        return self._result(client.append_sealed([(subject, entry)])[1][0])


# --- search resolvers --------------------------------------------------------------------------


def _search_chain(portal: Portal, query: str) -> list[SearchHit]:
    hits = []
    if _HEX64.fullmatch(query):
        key = query.lower()
        tx, block = portal.ledger.batch([("eth_getTransactionByHash", [key]), ("eth_getBlockByHash", [key, False])])
        if tx:
            hits.append(SearchHit("tx", key, f"transaction {key[:10]}…", f"/tx/{key}"))
        if block:
            number = int(block["number"], 16)
            hits.append(SearchHit("block", str(number), f"block {number}", f"/block/{number}"))
        if not hits:
            hits.append(SearchHit("credit", key, f"identity commitment {key[:10]}…", f"/credit/{key}"))
    elif _HEX40.fullmatch(query):
        address = to_checksum_address(query)
        name = portal.ledger.name_of(address)
        hits.append(SearchHit("address", address, name or address, f"/address/{address}"))
    elif query.isdigit() and len(query) <= 18:
        number = int(query)
        if number <= portal.ledger.head()[0]:
            hits.append(SearchHit("block", query, f"block {number}", f"/block/{number}"))
    return hits


def _search_registries(portal: Portal, query: str) -> list[SearchHit]:
    hits = []
    case = _CASE.fullmatch(query)
    digits = query if query.isdigit() and len(query) <= 18 else case.group(1) if case else None
    if digits is not None:
        case_id = int(digits)
        if any(c.case_id == case_id for c in portal.cases()):
            hits.append(SearchHit("case", str(case_id), f"case {case_id}", f"/case/{case_id}"))
    if len(query) == 18 and query.isascii() and query.isalnum():
        uscc = query.upper()
        try:
            validate_uscc(uscc)
        except InvalidUSCC:
            return hits
        name = next((e.name for e in portal.enterprises() if e.uscc == uscc), "")
        hits.append(SearchHit("enterprise", uscc, f"{name} {uscc}".strip(), f"/enterprise/{uscc}"))
    elif len(query) >= MIN_NAME_QUERY and not query.isdigit() and not _HEX_PREFIX.match(query) and not case:
        wanted = query.casefold()
        named = [e for e in reversed(portal.enterprises()) if wanted in e.name.casefold()][:NAME_HITS]
        hits += [SearchHit("enterprise", e.uscc, f"{e.name} {e.uscc}", f"/enterprise/{e.uscc}") for e in named]
    return hits


def subject_key(subject: str) -> bytes:
    """A credit subject from its text: an enterprise's USCC, or a person's 0x identity commitment."""
    subject = subject.strip()
    if subject[:2].lower() == "0x":
        if not _HEX64.fullmatch(subject):
            raise GovchainError(f"an identity commitment is 0x and 64 hex digits, got {len(subject) - 2} character(s) after 0x")
        return bytes.fromhex(subject[2:])
    return uscc_subject(subject.upper())
