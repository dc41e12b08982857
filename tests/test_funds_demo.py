"""The demo's fiscal pages and figures as a citizen meets them: the seeded demo (`govchain demo`, on
its own Anvil and port) served by uvicorn and opened in Chromium at desktop and phone sizes.

- /budget/1 and every program page: no two Sankey labels overlap, every node's inflows equal its
  outflows, and every flow equals what plain web3.py (only the ABI files) reads from BudgetRegistry,
  ProgramRegistry, Disbursements and FiscalToken; the diagram scrolls inside its own box on a phone.
- every batch page, reached from its program's page.
- the demo's summary and the home page count the same overdue cases (one function), and both say
  that the demo moved the chain's clock ahead of the wall clock.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner
from web3 import Web3

from browser_support import DESKTOP, PHONE, chromium, citizen_page, free_port, served, shot
from govchain.chain import LocalChain
from govchain.cli import app
from govchain.config import Config
from govchain.paths import PROJECT_ROOT
from govchain.portal import Portal
from sankey_support import ChainReader, check_sankey


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    home = tmp_path_factory.mktemp("funds-demo")
    port = free_port()
    env = {
        "GOVCHAIN_HOME": str(home), "GOVCHAIN_RPC_URL": f"http://127.0.0.1:{port}", "GOVCHAIN_DEPLOYMENT": str(home / "deployment.json"),
        "GOVCHAIN_DATABASE_URL": f"sqlite:///{home / 'index.db'}",
    }  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        try:
            seeded = CliRunner().invoke(app, ["demo", "--no-serve"])
            assert seeded.exit_code == 0, seeded.output
            portal = Portal(Config.load(), env={})
            portal.sync()
            w3 = Web3(Web3.HTTPProvider(env["GOVCHAIN_RPC_URL"]))
            with served(portal) as url, chromium() as browser:
                yield SimpleNamespace(output=seeded.output, portal=portal, url=url, browser=browser, w3=w3,
                                      reader=ChainReader(w3, Path(env["GOVCHAIN_DEPLOYMENT"])), deployment=Path(env["GOVCHAIN_DEPLOYMENT"]))  # fmt: skip
        finally:
            LocalChain(home=home, port=port).stop()


def _summary_count(output: str, key: str) -> int:
    found = re.search(rf"^\s*([\d,]+)\s+{re.escape(key)}$", output, re.MULTILINE)
    assert found, f"{key!r} is not in the demo's summary:\n{output}"
    return int(found[1].replace(",", ""))


def test_sankey_labels_apart_and_flows_add_up_on_budget_and_program_pages(demo):
    reader = demo.reader
    programs = range(1, reader.programs.programCount().call() + 1)
    assert len(programs) >= 2
    assert reader.ledger_holds() == reader.undisbursed()  # the ledger holds exactly what no one has been paid yet
    for viewport in (DESKTOP, PHONE):
        for lang in ("zh", "en"):
            with citizen_page(demo.browser, viewport, lang) as page:
                for path, focus in [("/budget/1", None), *((f"/program/{p}", p) for p in programs)]:
                    page.goto(f"{demo.url}{path}?lang={lang}")
                    graph = check_sankey(page, reader, 1, focus, lang)
                    kinds = {n["kind"] for n in graph["nodes"].values()}
                    assert {"refunds", "undisbursed", "unallocated", "batches"} <= kinds, (path, kinds)  # every flow is drawn
                    if viewport is PHONE:  # the diagram keeps its size and scrolls inside its own box, which fits the phone
                        box = page.eval_on_selector(".sankey-wrap", "w => [w.getBoundingClientRect().right, w.scrollWidth, w.clientWidth]")
                        assert box[0] <= PHONE["width"] and box[1] > box[2], (path, box)
                    if path == "/budget/1" and lang == "zh":
                        shot(page, f"demo-budget-{'phone' if viewport is PHONE else 'desktop'}")


def test_every_batch_page_opens_from_its_program_page(demo):
    reader = demo.reader
    seen = []
    with citizen_page(demo.browser) as page:
        for program in range(1, reader.programs.programCount().call() + 1):
            page.goto(f"{demo.url}/program/{program}")
            links = page.eval_on_selector_all("#batch-list a[href^='/batch/']", "as => as.map(a => a.getAttribute('href'))")
            for link in links:
                assert page.goto(demo.url + link).status == 200, link
                batch_id = int(link.rsplit("/", 1)[1])
                on_chain = reader.ledger.batch(batch_id).call()  # (contentHash, programId, period, count, total, status, mode, ...)
                assert on_chain[1] == program and page.get_attribute("#batch-summary", "data-status") == "executed"
                assert page.inner_text("#batch-total").startswith(f"¥{on_chain[4] / 100:,.2f} · {on_chain[3]:,} 笔")
                assert reader.due_month(program, on_chain[2], "zh") in page.inner_text("h1")
                if on_chain[6] == 1:  # bank-settled
                    assert page.inner_text("#batch-merkle-root") == "0x" + bytes(reader.ledger.merkleRoot(batch_id).call()).hex()
                assert "wei" not in page.inner_text("main") and page.locator("#batch-steps a[href^='/tx/']").count() >= 3
                seen.append(batch_id)
        assert sorted(seen) == list(range(1, reader.ledger.batchCount().call() + 1))
        refunded = json.loads(demo.deployment.read_text())["demo"]["examples"]["bank_batch"]
        page.goto(f"{demo.url}/batch/{refunded}")
        statuses = page.eval_on_selector_all("#batch-refunds tbody tr", "rs => rs.map(r => r.dataset.status || 'refunded')")
        assert sorted(statuses) == ["pending", "refunded"]  # one confirmed by the bank, one awaiting it
        shot(page, "demo-batch")


def test_demo_summary_and_home_page_count_the_same_and_explain_the_time_warp(demo):
    overdue = _summary_count(demo.output, "cases overdue")
    in_progress = _summary_count(demo.output, "cases in progress")
    ahead = _summary_count(demo.output, "days the chain's clock is ahead of today (the demo fast-forwards time so that deadlines pass)")
    stats = demo.portal.stats()
    assert (stats.cases_overdue, stats.cases_in_progress, stats.chain_days_ahead) == (overdue, in_progress, ahead)
    assert ahead >= 13 and f"the demo chain's time is {ahead} days ahead of the wall clock" in demo.output
    # independently: the cases WorkflowEngine itself says are overdue (enterprise registrations included)
    addresses = json.loads(demo.deployment.read_text())["contracts"]
    abi = json.loads((PROJECT_ROOT / "build" / "contracts" / "WorkflowEngine.json").read_text())["abi"]
    engine = demo.w3.eth.contract(address=addresses["WorkflowEngine"]["address"], abi=abi).functions
    assert overdue == sum(engine.isOverdue(c).call() for c in range(1, engine.caseCount().call() + 1)) > 9
    for viewport, lang in ((DESKTOP, "zh"), (PHONE, "en")):
        with citizen_page(demo.browser, viewport, lang) as page:
            page.goto(f"{demo.url}/?lang={lang}")
            assert page.inner_text("#total-overdue .v") == f"{overdue:,}"
            assert page.inner_text("#total-in-progress .v") == f"{in_progress:,}"
            notice = page.inner_text("#chain-time-ahead")
            assert (f"演示链时间已快进 {ahead} 天" if lang == "zh" else f"Demo chain time is {ahead} days ahead") in notice
            page.click("#total-overdue a")  # the list it links to holds the same cases
            page.wait_for_url("**/cases?overdue=true")
            assert f"({overdue:,})" in page.inner_text("h1")
            shot(page, f"demo-home-{lang}")
