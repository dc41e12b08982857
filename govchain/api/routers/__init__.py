"""The REST API's routers, one per domain, and the per-domain set-up of the shared Portal.

A new domain (e.g. fiscal funds) adds its router to API_ROUTERS and, if it extends the Portal
(home-page totals, search, indexed event arguments, the verify page's payout lookup), a function
to PORTAL_SETUP; create_app applies both.
"""

from __future__ import annotations

from typing import Callable

from fastapi import APIRouter

from govchain.api.routers import chain, contracts, funds, registries, relay
from govchain.portal import Portal

API_ROUTERS: list[APIRouter] = [chain.router, registries.router, relay.router, funds.router, contracts.router]
PORTAL_SETUP: list[Callable[[Portal], None]] = [funds.setup]
