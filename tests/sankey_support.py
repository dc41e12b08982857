"""Checks of the fund-flow Sankey as a browser shows it, against an independent read of the chain.

The independent read uses plain web3.py with only the ABI files and the deployment's addresses (no
govchain code): BudgetRegistry for budgets and lines, ProgramRegistry for programs and due dates,
Disbursements for what each program was allocated, paid, refunded, and each batch's money, and
FiscalToken for what the ledger holds.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from web3 import Web3

from govchain.paths import PROJECT_ROOT

EXECUTED = 3  # IDisbursements.BatchStatus.Executed
CHINA = dt.timezone(dt.timedelta(hours=8))
SOURCES = {"budget", "refunds"}  # money enters the diagram here
SINKS = {"batches", "undisbursed", "unallocated", "other_programs"}  # and stays here


def read_sankey(page: Any) -> dict[str, Any]:
    """The diagram on `page`: nodes (id -> kind, value, href, label text), links {(source, target): value}, and title."""
    nodes = page.eval_on_selector_all(
        "svg#sankey a.sankey-node",
        """as => as.map(a => { const r = a.querySelector('rect.node'); const t = a.querySelector('text.label');
            return [r.dataset.node, r.dataset.kind, +r.dataset.value, a.getAttribute('href'), t.textContent]; })""",
    )
    links = page.eval_on_selector_all("svg#sankey path.link", "ps => ps.map(p => [p.dataset.source, p.dataset.target, +p.dataset.value])")
    return {
        "nodes": {n[0]: {"kind": n[1], "value": n[2], "href": n[3], "text": n[4]} for n in nodes},
        "links": {(s, t): v for s, t, v in links},
        "title": page.get_attribute("svg#sankey", "aria-label"),
    }


def assert_labels_apart(page: Any) -> int:
    """No two node labels overprint (their bounding boxes, as the browser laid them out, do not
    intersect), and every label lies inside the diagram. Returns the number of labels."""
    boxes = page.eval_on_selector_all(
        "svg#sankey text.label",
        "ts => ts.map(t => { const b = t.getBoundingClientRect(); return [t.dataset.node, b.left, b.top, b.right, b.bottom]; })",
    )
    svg = page.eval_on_selector("svg#sankey", "s => { const b = s.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; }")
    for i, (a, *p) in enumerate(boxes):
        assert p[0] >= svg[0] and p[1] >= svg[1] and p[2] <= svg[2] + 0.5 and p[3] <= svg[3] + 0.5, f"label {a} leaves the diagram: {p} {svg}"
        for b, *q in boxes[i + 1 :]:
            apart = p[2] <= q[0] or q[2] <= p[0] or p[3] <= q[1] or q[3] <= p[1]
            assert apart, f"labels {a} {p} and {b} {q} overlap"
    return len(boxes)


def assert_adds_up(graph: dict[str, Any]) -> None:
    """Per node: what flows in equals what flows out (a remainder is a node of its own), and the node
    shows that amount, in yuan, in its label. Without a budget node (a program's page) the line is where money enters."""
    sources = SOURCES | ({"line"} if not any(n["kind"] == "budget" for n in graph["nodes"].values()) else set())
    for node, info in graph["nodes"].items():
        inflow = sum(v for (s, t), v in graph["links"].items() if t == node)
        outflow = sum(v for (s, t), v in graph["links"].items() if s == node)
        if info["kind"] in sources:
            assert inflow == 0 and outflow == info["value"], (node, inflow, outflow, info)
        elif info["kind"] in SINKS:
            assert outflow == 0 and inflow == info["value"], (node, inflow, outflow, info)
        else:
            assert inflow == outflow == info["value"], (node, inflow, outflow, info)
        assert f"¥{info['value'] / 100:,.2f}" in info["text"], (node, info)


class ChainReader:
    """Plain web3.py over the ABI files and the deployment file (nothing from govchain but the project path)."""

    def __init__(self, w3: Web3, deployment_path: Path) -> None:
        addresses = json.loads(Path(deployment_path).read_text())["contracts"]

        def contract(name: str) -> Any:
            abi = json.loads((PROJECT_ROOT / "build" / "contracts" / f"{name}.json").read_text())["abi"]
            return w3.eth.contract(address=addresses[name]["address"], abi=abi).functions

        self.budgets, self.programs = contract("BudgetRegistry"), contract("ProgramRegistry")
        self.ledger, self.token = contract("Disbursements"), contract("FiscalToken")
        self.ledger_address = addresses["Disbursements"]["address"]

    def expected_flows(self, budget_id: int, focus: int | None = None) -> dict[tuple[str, str], int]:
        """The flows the diagram of budget `budget_id` (or of program `focus`'s line) must draw."""
        budget = self.budgets.budget(budget_id).call()
        first_line, line_count = budget[5], budget[4]
        lines = range(first_line, first_line + line_count)
        programs = {p: self.programs.program(p).call() for p in range(1, self.programs.programCount().call() + 1)}
        if focus is not None:
            lines = [programs[focus][0]]
        flows: dict[tuple[str, str], int] = {}
        executed = self.executed_batches()
        for line in lines:
            amount = self.budgets.line(line).call()[1]
            if focus is None:
                flows[(f"b{budget_id}", f"l{line}")] = amount
            assigned = self.ledger.lineFigures(line).call()[1]
            flows[(f"l{line}", f"u{budget_id}")] = amount - assigned
            others = 0
            for p, terms in programs.items():
                if terms[0] != line:
                    continue
                account = self.ledger.programAccount(p).call()  # (lineId, disbursed, reserved, refunded, allocation, ...)
                disbursed, refunded, allocation = account[1], account[3], account[4]
                if focus is not None and p != focus:
                    others += allocation
                    continue
                flows[(f"l{line}", f"p{p}")] = allocation
                flows[(f"r{p}", f"p{p}")] = refunded
                flows[(f"p{p}", f"d{p}")] = allocation + refunded - disbursed
                for (program, period), paid in executed.items():
                    if program == p:
                        flows[(f"p{p}", f"p{p}t{period}")] = paid
                assert sum(v for (program, _), v in executed.items() if program == p) == disbursed
            flows[(f"l{line}", f"o{line}")] = others
        return {k: v for k, v in flows.items() if v > 0}

    def executed_batches(self) -> dict[tuple[int, int], int]:
        """(program, period) -> fen paid by its executed batches (withheld entries excluded)."""
        out: dict[tuple[int, int], int] = {}
        for batch_id in range(1, self.ledger.batchCount().call() + 1):
            b = self.ledger.batch(batch_id).call()  # (contentHash, programId, period, count, total, status, ...)
            if b[5] == EXECUTED:
                withheld = self.ledger.batchFunds(batch_id).call()[0]
                out[(b[1], b[2])] = out.get((b[1], b[2]), 0) + b[4] - withheld
        return out

    def ledger_holds(self) -> int:
        """Fen the ledger holds: every program's allocation + refunds - payouts, if the books are right."""
        return self.token.balanceOf(self.ledger_address).call()

    def undisbursed(self) -> int:
        total = 0
        for p in range(1, self.programs.programCount().call() + 1):
            account = self.ledger.programAccount(p).call()
            total += account[4] + account[3] - account[1]
        return total

    def due_month(self, program_id: int, period: int, lang: str) -> str:
        """The month a period falls due (ProgramRegistry.dueAt), as the page writes it."""
        day = dt.datetime.fromtimestamp(self.programs.dueAt(program_id, period).call(), CHINA)
        return f"{day.year}年{day.month}月" if lang == "zh" else f"{day.strftime('%b')} {day.year}"


def check_sankey(page: Any, reader: ChainReader, budget_id: int, focus: int | None = None, lang: str = "zh") -> dict[str, Any]:
    """Every check of a page's diagram: labels apart, flows adding up, flows equal to the chain's,
    batch groups labelled with their month and linked to a batch page, title in the page's language."""
    assert_labels_apart(page)
    graph = read_sankey(page)
    assert_adds_up(graph)
    assert graph["links"] == reader.expected_flows(budget_id, focus)
    for node, info in graph["nodes"].items():
        if info["kind"] == "batches":
            program, period = (int(x) for x in node[1:].split("t"))
            assert info["text"].startswith(reader.due_month(program, period, lang)), info
            assert info["href"].startswith("/batch/"), info
        assert info["href"], node
        assert "×" not in info["text"] and "P0" not in info["text"], info
    assert ("资金流向" in graph["title"]) == (lang == "zh") and ("fund flows" in graph["title"]) == (lang == "en")
    return graph
