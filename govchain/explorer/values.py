"""Every value the explorer shows, formatted by its meaning (STYLE 17b), driven by the ABIs.

A decoded argument becomes a `Shown`: its text for a person (in Chinese or English), what kind of
value it is, an optional link and the full raw value as a tooltip. What a value means comes from its
ABI input: the type (`bool`, `address`, `bytes18` USCC, `bytes32` code or hash, arrays, structs),
the `internalType` (`enum IEnterpriseRegistry.ChangeKind`, whose members are read from the compiled
AST), the name (`…Fen`, `…At`, `deadline`, `caseId`) and the NatSpec (an event that says "`amount`
fen"). Amounts in fen are shown as yuan, epoch seconds as China time, enums as words, codes as text,
addresses with their contract or department label, hashes shortened, long arrays collapsed.

Pure functions over plain data: the explorer, the API (`Shown.plain`) and the CLI can all use it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, Protocol

from govchain.artifacts import Artifacts, signature
from govchain.clients.funds import _word_fields
from govchain.domain import is_valid_uscc
from govchain.explorer import i18n

CHINA_TIME = dt.timezone(dt.timedelta(hours=8))
INLINE_ITEMS = 5  # arrays up to this long are shown inline; longer ones collapse into <details>
SHOWN_ITEMS = 100  # items listed inside a collapsed array (the rest are counted, not listed)
ZERO_ADDRESS = "0x" + "0" * 40
WEI_PER_COIN = 10**18

# Contracts whose amounts are fiscal yuan in fen (the token has 2 decimals): their arguments named
# below are money. Any argument named …Fen is money anywhere; so is an argument the NatSpec calls "fen".
MONEY_CONTRACTS = {"FiscalToken", "Disbursements", "BudgetRegistry", "ProgramRegistry"}
MONEY_NAMES = {"amount", "value", "total", "allocation", "periodLimit", "paid", "refunded", "available"}
TIME_NAMES = {"deadline", "reservedUntil", "validFrom", "validUntil", "start", "timestamp"}
DURATION_NAMES = {"interval", "timeLimit", "attestationMaxAge", "delay", "minDelay", "returnExpiry", "newDuration", "oldDuration"}
LEVEL_NAMES = {"level", "minLevel"}
CODE_NAMES = {"code", "department", "owner", "label", "readers"}  # bytes32 codes: left-aligned ASCII
PAGES = {"caseId": "/case/{}", "programId": "/program/{}", "budgetId": "/budget/{}"}
PAYOUT_PAIRS = {("Disbursements", "entries")}  # uint256[] of (PayoutWord, beneficiary commitment) pairs
_NATSPEC_FEN = re.compile(r"`(\w+)` fen")  # "…allocates `amount` fen…"
_FEN_WORD = re.compile(r"\b(in )?fen\b")  # "@param amount the amount in fen"


# --- scalars ---------------------------------------------------------------------------------------


def yuan_text(fen: int | None) -> str:
    """Fen as yuan: ¥1,850.00 (−¥5.00 for a negative amount); — for none."""
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    return f"{sign}¥{abs(fen) / 100:,.2f}" if abs(fen) < 2**53 else f"{sign}¥{Decimal(abs(fen)) / 100:,.2f}"


def time_text(seconds: int | None) -> str:
    """Epoch seconds as China time (UTC+8): 2026-12-15 10:00:00; — for none or zero."""
    if not seconds:
        return "—"
    try:
        return dt.datetime.fromtimestamp(int(seconds), CHINA_TIME).strftime("%Y-%m-%d %H:%M:%S")
    except (OverflowError, OSError, ValueError):
        return str(seconds)


def iso_time(seconds: int | None) -> str | None:
    """Epoch seconds as ISO 8601 in China time (2026-12-15T10:00:00+08:00)."""
    if not seconds:
        return None
    return dt.datetime.fromtimestamp(int(seconds), CHINA_TIME).isoformat()


def duration_text(seconds: int | None, lang: str) -> str:
    """e.g. 9天3小时 / 9d 3h: the two largest non-zero units."""
    if seconds is None:
        return "—"
    days, rest = divmod(max(int(seconds), 0), 86_400)
    hours, rest = divmod(rest, 3600)
    units = ("天", "小时", "分钟") if lang == "zh" else ("d", "h", "min")
    parts = [f"{n}{u}" for n, u in zip((days, hours, rest // 60), units) if n][:2]
    return ("" if lang == "zh" else " ").join(parts) or ("0" + units[2])


def native_text(wei: int) -> str:
    """The chain's native coin (not fiscal money) in whole coins: 1.5 ETH."""
    coins = format((Decimal(wei) / WEI_PER_COIN).normalize(), "f")
    return f"{coins} ETH"


def short(value: Any, head: int = 10, tail: int = 6) -> str:
    """A long hash or address as its head and tail: 0x12345678…abcdef."""
    text = str(value or "")
    return text if len(text) <= head + tail + 1 else f"{text[:head]}…{text[-tail:]}"


def code_text(value: str) -> str | None:
    """A left-aligned bytesN code (0x-hex) as its text (HRSS, a USCC), or None if it is not one."""
    try:
        raw = bytes.fromhex(value[2:])
    except ValueError:
        return None
    text = raw.rstrip(b"\0")
    if not text or len(text) == len(raw) and len(raw) == 32:
        return None  # no padding at all: a hash, not a code
    try:
        decoded = text.decode("ascii")
    except UnicodeDecodeError:
        return None
    return decoded if decoded.isprintable() else None


def humanize(member: str) -> str:
    """An enum member or identifier as words: LegalRepresentative -> legal representative."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", member).lower()


# --- what a value is ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One value as a person reads it. `kind` says what it is (and is its CSS class `v-<kind>`):
    text, number, yuan, time, duration, bool, enum, level, address, uscc, code, role, hash, bytes,
    list or struct. Lists carry `items` (and `more` not listed), structs `fields`."""

    text: str
    kind: str = "text"
    href: str | None = None
    title: str | None = None  # the raw value, as a tooltip
    note: str | None = None  # a muted aside (an officer's department)
    items: tuple["Shown", ...] = ()
    fields: tuple[tuple[str, "Shown"], ...] = ()
    more: int = 0  # list items beyond those in `items`
    fen: int | None = None  # a yuan value's amount in fen (to total a list)
    collapsed: bool = False  # a long list: shown as a summary that expands

    def plain(self) -> str:
        """One line of text (for JSON and CSV): the list summary, a struct as name=value pairs."""
        if self.kind == "struct":
            return ", ".join(f"{name}={value.plain()}" for name, value in self.fields)
        if self.kind == "list" and not self.collapsed:
            return ", ".join(item.plain() for item in self.items)
        return self.text + (f" ({self.note})" if self.note else "")


class Labels(Protocol):
    """What the chain stores only as addresses, hashes and codes, named (the Portal provides it)."""

    def address(self, address: str, lang: str) -> tuple[str | None, str | None]:
        """(a name for the address, e.g. a contract; a note, e.g. the officer's department)."""

    def role(self, role_id: str) -> str | None:
        """The ROLE_NAME of a role id, or None."""

    def department(self, code: str, lang: str) -> str | None:
        """A department's name, or None."""

    def template(self, template_id: int, lang: str = "zh") -> str | None:
        """A workflow template's display name, or None."""


class Meaning:
    """What the ABIs of a build say about values: the ABI of each event and function, the members of
    each enum (from the AST), and which arguments the NatSpec calls fen."""

    def __init__(self, artifacts: Artifacts) -> None:
        self.events: dict[tuple[str, str], dict[str, Any]] = {}
        self.functions: dict[tuple[str, str], dict[str, Any]] = {}
        self.enums: dict[str, list[str]] = {}
        self.fen: set[tuple[str, str]] = set()  # (event or function name, argument)
        for name in artifacts.names():
            artifact = artifacts.artifact(name)
            for item in artifact.get("abi", []):
                if item["type"] == "event":
                    self.events.setdefault((name, item["name"]), item)
                    self.events.setdefault(("", item["name"]), item)
                elif item["type"] == "function":
                    self.functions.setdefault((name, signature(item)), item)
                    self.functions.setdefault(("", signature(item)), item)
            natspec = artifact.get("natspec") or {}
            for kind in ("events", "methods"):
                for sig, doc in (natspec.get(kind) or {}).items():
                    where = sig.split("(")[0]
                    text = " ".join(str(doc.get(k, "")) for k in ("notice", "details"))
                    self.fen.update((where, arg) for arg in _NATSPEC_FEN.findall(text))
                    self.fen.update((where, arg) for arg, about in (doc.get("params") or {}).items() if _FEN_WORD.search(str(about)))
            for node in (artifact.get("ast") or {}).get("nodes", []):
                for inner in [node, *node.get("nodes", [])] if isinstance(node, dict) else []:
                    if inner.get("nodeType") == "EnumDefinition":
                        self.enums[inner["canonicalName"]] = [m["name"] for m in inner["members"]]

    def event(self, contract: str | None, name: str) -> dict[str, Any] | None:
        return self.events.get((contract or "", name)) or self.events.get(("", name))

    def function(self, contract: str | None, sig: str) -> dict[str, Any] | None:
        return self.functions.get((contract or "", sig)) or self.functions.get(("", sig))


@lru_cache(maxsize=8)
def meaning_of(artifacts: Artifacts) -> Meaning:
    """The Meaning of a build, read once per Artifacts."""
    return Meaning(artifacts)


class Formatter:
    """Formats decoded arguments for one language with one set of labels."""

    def __init__(self, meaning: Meaning, labels: Labels, lang: str) -> None:
        self.meaning = meaning
        self.labels = labels
        self.lang = lang

    def tr(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    # --- records ----------------------------------------------------------------------------

    def event(self, contract: str | None, name: str | None, args: dict[str, Any]) -> list[tuple[str, Shown]]:
        """An event's arguments, in ABI order, each formatted by its meaning."""
        abi = self.meaning.event(contract, name) if name else None
        return self._named(abi["inputs"] if abi else None, args, contract or "", name or "")

    def call(self, contract: str | None, sig: str, args: dict[str, Any]) -> list[tuple[str, Shown]]:
        """A function call's arguments (as govchain.ledger decodes them), formatted."""
        abi = self.meaning.function(contract, sig)
        return self._named(abi["inputs"] if abi else None, args, contract or "", sig.split("(")[0])

    def plain(self, pairs: list[tuple[str, Shown]]) -> dict[str, str]:
        return {name: shown.plain() for name, shown in pairs}

    def _named(self, inputs: list[dict[str, Any]] | None, args: dict[str, Any], contract: str, where: str) -> list[tuple[str, Shown]]:
        if inputs is None:  # unknown ABI: by the values alone
            return [(k, self.value({"name": k, "type": _guess_type(v)}, v, contract, where)) for k, v in args.items()]
        out = []
        for n, item in enumerate(inputs):
            name = item.get("name") or f"arg{n}"
            if name in args:
                out.append((name, self.value(item, args[name], contract, where)))
        return out

    # --- one value --------------------------------------------------------------------------

    def value(self, item: dict[str, Any], value: Any, contract: str = "", where: str = "") -> Shown:
        type_, name = item["type"], item.get("name") or ""
        internal = item.get("internalType") or ""
        if value is None:
            return Shown("—")
        if type_.endswith("]"):
            return self._array(item, value, contract, where)
        if type_ == "tuple":
            return self._struct(item["components"], value, contract, where)
        if internal.startswith("enum "):
            return self._enum(internal[5:], value)
        if type_ == "bool":
            return Shown(self.tr("是", "yes") if _truthy(value) else self.tr("否", "no"), "bool")
        if type_ == "address":
            return self.address(str(value))
        if type_.startswith("bytes") and type_ != "bytes":
            return self._fixed_bytes(name, str(value))
        if type_ == "bytes":
            size = max(len(str(value)) - 2, 0) // 2
            return Shown(short(str(value)) if size else "—", "bytes", title=f"{size} bytes: {value}" if size else None)
        if type_.startswith(("uint", "int")):
            return self._number(name, int(value), contract, where)
        return Shown(self._words(str(value)))

    def _words(self, text: str) -> str:
        """A string argument in the page's language: a name stored as "中文 English" shows one half, and a
        workflow template's Chinese name its consortium `name_en` on an English page."""
        from govchain.explorer.i18n import local_name

        if self.lang == "en":
            english = getattr(self.labels, "english_name", lambda _: None)(text)
            if english:
                return english
        return local_name(text, self.lang)

    def address(self, address: str) -> Shown:
        if int(address, 16) == 0:
            return Shown(self.tr("零地址", "zero address"), "address", title=address)
        label, note = self.labels.address(address, self.lang)
        return Shown(label or short(address), "address", href=f"/address/{address}", title=address, note=note)

    def _number(self, name: str, value: int, contract: str, where: str) -> Shown:
        raw = str(value)
        money = name.endswith(("Fen", "fen")) or (contract in MONEY_CONTRACTS and name in MONEY_NAMES)
        if money or (where, name) in self.meaning.fen:
            return Shown(yuan_text(value), "yuan", title=self.tr(f"{value:,} 分", f"{value:,} fen"), fen=value)
        if name.endswith("At") or name in TIME_NAMES:
            return Shown(time_text(value), "time", title=raw if value else None)
        if name in DURATION_NAMES or name.endswith(("Duration", "MaxAge")):
            text = duration_text(value, self.lang) if value else self.tr("不限", "none")
            return Shown(text, "duration", title=self.tr(f"{value} 秒", f"{value} s"))
        if name in LEVEL_NAMES:
            return Shown(self.tr(f"{value} 级", f"level {value}"), "level")
        if name in PAGES:
            return Shown(raw, "number", href=PAGES[name].format(value))
        if name == "templateId":
            template = self.labels.template(value, self.lang)
            return Shown(template or raw, "text", title=self.tr(f"模板 {value}", f"template {value}"))
        return Shown(raw, "number")

    def _enum(self, enum: str, value: Any) -> Shown:
        members = self.meaning.enums.get(enum, [])
        number = int(value)
        if number >= len(members):
            return Shown(str(number), "enum", title=enum)
        member = members[number]
        pair = i18n.ENUM.get(enum, {}).get(member)
        text = (pair[0] if self.lang == "zh" else pair[1]) if pair else humanize(member)
        return Shown(text, "enum", title=f"{enum}.{member} ({number})")

    def _fixed_bytes(self, name: str, value: str) -> Shown:
        if name == "role" or name.endswith("Role"):
            role = self.labels.role(value)
            if role:
                return Shown(i18n.label(i18n.ROLE, role, self.lang), "role", title=f"{role} {value}")
        text = code_text(value)
        if text is not None and is_valid_uscc(text):
            return Shown(text, "uscc", href=f"/enterprise/{text}", title=value)
        if text is not None and (name in CODE_NAMES or len(text) >= 2):
            department = self.labels.department(text, self.lang)
            return Shown(text, "code", title=f"{department} · {value}" if department else value)
        return Shown(short(value), "hash", title=value)

    def _array(self, item: dict[str, Any], values: list[Any], contract: str, where: str) -> Shown:
        element = {**item, "type": item["type"][: item["type"].rindex("[")]}
        if "internalType" in item:
            element["internalType"] = re.sub(r"\[\d*\]$", "", item["internalType"])
        name = item.get("name") or ""
        if (contract, name) in PAYOUT_PAIRS and element["type"] == "uint256" and len(values) % 2 == 0:
            return self._payout_pairs(values)
        items = tuple(self.value(element, v, contract, where) for v in values[:SHOWN_ITEMS])
        summary = self.tr(f"{len(values)} 项", f"{len(values)} entries")
        money = [v.fen for s in items for _, v in s.fields if v.fen is not None]
        if money and len(values) <= SHOWN_ITEMS:
            summary += self.tr(f"，合计 {yuan_text(sum(money))}", f", total {yuan_text(sum(money))}")
        if not values:
            return Shown(self.tr("无", "none"), "list")
        return Shown(summary, "list", items=items, more=max(len(values) - SHOWN_ITEMS, 0), collapsed=len(values) > INLINE_ITEMS)

    def _payout_pairs(self, values: list[Any]) -> Shown:
        """Disbursements' batch content: (PayoutWord, beneficiary commitment) pairs."""
        items = []
        total = 0
        for word, commitment in zip(values[0::2], values[1::2]):
            index, amount, account = _word_fields(int(word))
            total += amount
            if len(items) < SHOWN_ITEMS:
                payee = self.address(account) if int(account, 16) else Shown(self.tr("银行代发", "bank-settled"))
                beneficiary = f"0x{int(commitment):064x}"
                items.append(Shown(f"#{index}", "struct", fields=(
                    (self.tr("序号", "index"), Shown(str(index), "number")),
                    (self.tr("金额", "amount"), Shown(yuan_text(amount), "yuan", fen=amount)),
                    (self.tr("账户", "account"), payee),
                    (self.tr("受益人承诺值", "beneficiary"), Shown(short(beneficiary), "hash", title=beneficiary)),
                )))  # fmt: skip
        count = len(values) // 2
        summary = self.tr(f"{count} 笔发放，合计 {yuan_text(total)}", f"{count} payouts, total {yuan_text(total)}")
        return Shown(summary, "list", items=tuple(items), more=max(count - SHOWN_ITEMS, 0), collapsed=count > 1)

    def _struct(self, components: list[dict[str, Any]], value: Any, contract: str, where: str) -> Shown:
        fields = []
        for n, component in enumerate(components):
            name = component.get("name") or f"field{n}"
            raw = value.get(name) if isinstance(value, dict) else value[n]
            fields.append((name, self.value(component, raw, contract, where)))
        return Shown("", "struct", fields=tuple(fields))


def _truthy(value: Any) -> bool:
    return value is True or value in (1, "true", "True")


def _guess_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "uint256"
    if isinstance(value, str) and re.fullmatch(r"0x[0-9a-fA-F]{40}", value):
        return "address"
    if isinstance(value, str) and re.fullmatch(r"0x[0-9a-fA-F]{64}", value):
        return "bytes32"
    return "string"



class PortalLabels:
    """Labels from a Portal: suite contracts by name, officers with their department, roles, templates."""

    def __init__(self, portal: Any) -> None:
        self.portal = portal
        self.officers: dict[str, str] = portal.memo(
            "officer_codes", lambda: {o.lower(): d.code for d in portal.departments() for o in d.officers}
        )  # fmt: skip

    def address(self, address: str, lang: str) -> tuple[str | None, str | None]:
        code = self.officers.get(address.lower())
        return self.portal.ledger.name_of(address), self.department(code, lang) if code else None

    def role(self, role_id: str) -> str | None:
        return self.portal.labels.roles.get(role_id.lower())

    def department(self, code: str, lang: str) -> str | None:
        if lang == "en" and code in self.portal.labels.department_names_en:
            return self.portal.labels.department_names_en[code]
        return self.portal.department_names().get(code)

    def template(self, template_id: int, lang: str = "zh") -> str | None:
        if template_id not in self.portal.labels.templates:
            return None
        return self.portal.labels.template_name(template_id, lang)

    def english_name(self, text: str) -> str | None:
        """The English name of a workflow template whose Chinese name is `text` (from the consortium file)."""
        labels = self.portal.labels
        for template_id, (_, name) in labels.templates.items():
            if name == text and template_id in labels.templates_en:
                return labels.templates_en[template_id]
        return None


def portal_formatter(portal: Any, lang: str) -> Formatter:
    """A Formatter over `portal`'s ABIs and labels, in `lang`."""
    return Formatter(meaning_of(portal.artifacts), PortalLabels(portal), lang)
