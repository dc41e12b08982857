"""Generic chain endpoints: health, totals, blocks, transactions, addresses, search, indexed events."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter, Depends, Path, Query

from eth_utils import to_checksum_address

from govchain import views
from govchain.api.common import API_PREFIX, Paging, PortalDep, list_route, paging
from govchain.api.models import (
    ERROR_RESPONSES, AddressInfo, Block, BlockSummary, EventRow, Health, SearchResult, Stats, TokenTransfer, Transaction, TxSummary,
)  # fmt: skip
from govchain.explorer.values import Formatter, portal_formatter
from govchain.ledger import MAX_SCAN_BLOCKS
from govchain.portal import NotFound, Portal

router = APIRouter(prefix=API_PREFIX, tags=["chain"], responses=ERROR_RESPONSES)
NodePaging = paging(20, 200)  # lists read from the node, not the index: smaller pages

BlockNumber = Path(ge=0, le=2**63 - 1, description="block number")
TxHash = Path(pattern=r"^0x[0-9a-fA-F]{64}$", description="transaction hash")
AddressPath = Path(pattern=r"^0x[0-9a-fA-F]{40}$", description="account or contract address")


@router.get("/health", response_model=Health, summary="Chain and index status")
def health(portal: Portal = PortalDep) -> dict[str, Any]:
    head, _ = portal.ledger.head()
    checkpoint = portal.version()
    index = portal.index_health()
    return {
        "chain_id": portal.chain_id,
        "head_block": head,
        "indexed_block": checkpoint[0] if checkpoint else None,
        "index_lag_blocks": head - checkpoint[0] if checkpoint else None,
        "status": "degraded" if index.degraded else "ok",
        "projection_failure_count": index.failure_count,
        "projection_failures": index.failures,
    }


@router.get("/stats", response_model=Stats, summary="Totals shown on the explorer's home page")
def stats(portal: Portal = PortalDep) -> Any:
    return portal.stats()


def _block_summary(block: Any) -> dict[str, Any]:
    return {
        "number": block.number, "hash": block.hash, "timestamp": block.timestamp, "tx_count": block.tx_count,
        "gas_used": block.gas_used, "gas_limit": block.gas_limit,
    }  # fmt: skip


@list_route(router, "/blocks", BlockSummary, name="blocks", summary="Blocks, newest first (offset 0 is the head)")
def blocks(paging: Paging = Depends(NodePaging), portal: Portal = PortalDep) -> dict[str, Any]:
    head, _ = portal.ledger.head()
    found = portal.ledger.latest_blocks(paging.limit, head - paging.offset + 1) if paging.offset <= head else []
    return paging.page([_block_summary(b) for b in found], total=head + 1)


@router.get("/blocks/{number}", response_model=Block, summary="A block with its transactions")
def block(number: int = BlockNumber, portal: Portal = PortalDep) -> Any:
    found = portal.ledger.block(number)
    if found is None:
        raise NotFound(f"no block {number} yet (the head is {portal.ledger.head()[0]})")
    return {**_block_summary(found), "parent_hash": found.parent_hash, "miner": found.miner, "base_fee": found.base_fee,
            "transactions": found.transactions}  # fmt: skip


@list_route(router, "/transactions", TxSummary, name="transactions",
            summary=f"Transactions of the latest {MAX_SCAN_BLOCKS} blocks, newest first")  # fmt: skip
def transactions(paging: Paging = Depends(NodePaging), portal: Portal = PortalDep) -> dict[str, Any]:
    items, total = portal.ledger.recent_transactions(paging.offset, paging.limit)
    return paging.page(items, total=total)


@router.get("/transactions/{tx_hash}", response_model=Transaction, summary="A transaction: decoded call, events, status, gas, internal calls")
def transaction(tx_hash: str = TxHash, portal: Portal = PortalDep) -> Any:
    found = portal.ledger.transaction(tx_hash)
    if found is None:
        raise NotFound(f"no transaction {tx_hash} on this chain")
    detail = dataclasses.asdict(found)
    fmt = _formatter(portal)
    for event in detail["events"]:
        event["display"] = fmt.plain(fmt.event(event["contract"], event["event"], event["args"])) if event["event"] else {}
    return detail


def _formatter(portal: Portal) -> Formatter:
    return portal_formatter(portal, "en")


def _displayed(portal: Portal, rows: list[views.EventRow]) -> list[dict[str, Any]]:
    """Event rows with each argument also as a person reads it (`display`)."""
    fmt = _formatter(portal)
    return [{**dataclasses.asdict(r), "display": fmt.plain(fmt.event(r.contract, r.event, r.args))} for r in rows]


@router.get("/addresses/{address}", response_model=AddressInfo, summary="An address: fiscal yuan balance, contract, department, roles")
def address(address: str = AddressPath, portal: Portal = PortalDep) -> Any:
    return portal.address(address)


@list_route(
    router, "/addresses/{address}/events", EventRow, name="address_events",
    summary="Indexed events naming an address in any address argument (or emitted by it), newest first",
)  # fmt: skip
def address_events(address: str = AddressPath, paging: Paging = Depends(), portal: Portal = PortalDep) -> dict[str, Any]:
    address = to_checksum_address(address)
    rows = views.address_history(portal.engine, address, paging.limit, paging.offset)
    return paging.page(_displayed(portal, rows), total=views.address_history_count(portal.engine, address))


@list_route(
    router, "/addresses/{address}/transfers", TokenTransfer, name="address_transfers",
    summary="Fiscal yuan (FiscalToken) transfers from or to an address, newest first; amounts in fen",
)  # fmt: skip
def address_transfers(address: str = AddressPath, paging: Paging = Depends(), portal: Portal = PortalDep) -> dict[str, Any]:
    address = to_checksum_address(address)
    rows = views.token_transfers(portal.engine, address, paging.limit, paging.offset)
    return paging.page(rows, total=views.token_transfer_count(portal.engine, address))


@router.get("/search", response_model=SearchResult, summary="Find a tx hash, block, address, USCC, case id or commitment")
def search(q: str = Query(min_length=1, max_length=200, description="what to look for"), portal: Portal = PortalDep) -> Any:
    return {"query": q, "hits": [dataclasses.asdict(h) for h in portal.search(q)]}


@list_route(router, "/events", EventRow, name="events", summary="Indexed events of the suite, filtered, newest first")
def event_list(
    contract: str | None = Query(None, max_length=64, description="contract name, e.g. WorkflowEngine"),
    event: str | None = Query(None, max_length=64, description="event name, e.g. CaseOpened"),
    tx_hash: str | None = Query(None, pattern=r"^0x[0-9a-fA-F]{64}$"),
    from_block: int | None = Query(None, ge=0, le=2**63 - 1),
    to_block: int | None = Query(None, ge=0, le=2**63 - 1),
    paging: Paging = Depends(),
    portal: Portal = PortalDep,
) -> dict[str, Any]:
    filters = {"contract": contract, "event": event, "tx_hash": tx_hash, "from_block": from_block, "to_block": to_block}
    rows = views.event_list(portal.engine, **filters, limit=paging.limit, offset=paging.offset)
    return paging.page(_displayed(portal, rows), total=views.event_count(portal.engine, **filters))
