"""api.p95_ms and explorer.page_p95_ms: 50 concurrent clients against the served app, >= 100,000 payouts.

A throw-away Anvil gets the suite and bench_trace's seed (5,000 beneficiaries x 20 periods, bank
settled: 100,000 indexed payouts). The index is synced once, then the app is served by uvicorn with
2 worker processes (`govchain serve --workers 2` does the same) and 50 concurrent clients (asyncio), each with
its own keep-alive connection, send a mix of API requests and explorer pages for DURATION_S after a
warm-up. p95 over every measured request, per kind; any non-2xx answer fails the run.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_trace import seed  # noqa: E402
from harness import deployed_chain  # noqa: E402
from report import ROOT, record  # noqa: E402

from govchain.indexer import Indexer  # noqa: E402
from govchain.indexer.funds import batches, enrollments, payouts  # noqa: E402

CLIENTS = 50
WORKERS = 2
WARMUP_S = 8.0
DURATION_S = 20.0
SAMPLE_COMMITMENTS = 500


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def p95(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=20)[18] * 1000, 2)


def _named(name: str, make):  # noqa: ANN001, ANN202
    make.__doc__ = name
    return make


def _requests(program: int, budget: int, batch_ids: list[int], commitments: list[str]) -> tuple[list, list]:  # noqa: ANN001
    """Generators of (kind, path): the API mix and the page mix."""
    api = [
        _named("/api/stats", lambda r: "/api/stats"),
        _named("/api/health", lambda r: "/api/health"),
        _named("/api/programs/{}", lambda r: f"/api/programs/{program}"),
        _named("/api/programs", lambda r: "/api/programs"),
        _named("/api/budgets", lambda r: "/api/budgets"),
        _named("/api/batches", lambda r: f"/api/batches?program_id={program}&limit=20&offset={r.randrange(0, 80)}"),
        _named("/api/payouts", lambda r: f"/api/payouts?commitment={r.choice(commitments)}"),
        _named("/api/trace/beneficiary/{}", lambda r: f"/api/trace/beneficiary/{r.choice(commitments)}"),
        _named("/api/trace/program/{}", lambda r: f"/api/trace/program/{program}"),
        _named("/api/batches/{}/merkle-root", lambda r: f"/api/batches/{r.choice(batch_ids)}/merkle-root"),
        _named("/api/blocks", lambda r: "/api/blocks?limit=10"),
    ]
    pages = [
        _named("/", lambda r: "/"),
        _named("/funds", lambda r: "/funds"),
        _named("/budget/{}", lambda r: f"/budget/{budget}"),
        _named("/program/{}", lambda r: f"/program/{program}"),
        _named("/verify", lambda r: "/verify"),
        _named("/cases", lambda r: "/cases"),
    ]
    return api, pages


def drive(base: str, api: list, pages: list, seconds: float, seed_value: int) -> dict[str, list[float]]:  # noqa: ANN001
    """CLIENTS concurrent clients (asyncio tasks, each with its own keep-alive connection) for `seconds`:
    2 API requests for each page; returns latencies by kind. One event loop rather than 50 threads, so
    the clients' own GIL switching does not add to the latencies measured."""
    results: dict[str, list[float]] = {"api": [], "page": []}
    by_route: dict[str, list[float]] = {}
    failures: list[str] = []

    async def client(index: int, stop_at: float) -> None:
        rng = random.Random(seed_value * 1000 + index)
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
            while time.monotonic() < stop_at:
                kind = "page" if rng.random() < 1 / 3 else "api"
                route = rng.choice(pages if kind == "page" else api)
                path = route(rng)
                start = time.perf_counter()
                response = await http.get(path)
                elapsed = time.perf_counter() - start
                results[kind].append(elapsed)
                by_route.setdefault(route.__doc__ or path, []).append(elapsed)
                if response.status_code != 200:
                    failures.append(f"{response.status_code} {path}: {response.text[:200]}")

    async def run() -> None:
        stop_at = time.monotonic() + seconds
        await asyncio.gather(*(client(i, stop_at) for i in range(CLIENTS)))

    asyncio.run(run())
    if failures:
        raise SystemExit(f"{len(failures)} failed requests, e.g. {failures[:3]}")
    for route, samples in sorted(by_route.items()):
        if len(samples) > 1:
            print(f"  {route:<40} n={len(samples):>6}  p50={statistics.median(samples) * 1000:7.1f} ms  p95={p95(samples):7.1f} ms")
    return results


def main() -> None:
    with deployed_chain() as bench:
        started = time.monotonic()
        program = seed(bench)
        database = f"sqlite:///{bench.home / 'index.db'}"
        indexer = Indexer(bench.w3, bench.deployment, bench.artifacts, database)
        indexer.sync()
        with indexer.engine.connect() as conn:
            indexed = conn.execute(select(payouts.c.batch_id).where(payouts.c.program_id == program)).all()
            batch_ids = [r[0] for r in conn.execute(select(batches.c.batch_id).where(batches.c.program_id == program))]
            commitments = [r[0] for r in conn.execute(select(enrollments.c.beneficiary).where(enrollments.c.program_id == program))]
        assert len(indexed) >= 100_000, len(indexed)
        print(f"seeded and indexed {len(indexed):,} payouts in {time.monotonic() - started:.0f} s", flush=True)
        commitments = random.Random(6).sample(commitments, SAMPLE_COMMITMENTS)

        port = _free_port()
        env = {
            **os.environ, "PYTHONPATH": str(ROOT), "GOVCHAIN_RPC_URL": bench.w3.provider.endpoint_uri,
            "GOVCHAIN_DEPLOYMENT": str(bench.deployment.path), "GOVCHAIN_DATABASE_URL": database,
            "GOVCHAIN_BUILD_DIR": str(ROOT / "build" / "contracts"),
        }  # fmt: skip
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "govchain.api.app:create_app_from_env", "--host", "127.0.0.1",
             "--port", str(port), "--workers", str(WORKERS), "--log-level", "warning"],
            env=env, cwd=bench.home,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the app did not start")
                time.sleep(0.2)
            api, pages = _requests(program, 1, batch_ids, commitments)
            drive(base, api, pages, WARMUP_S, 1)  # caches (Merkle trees, memoised views) warm, as in service
            measured = drive(base, api, pages, DURATION_S, 2)
        finally:
            server.terminate()
            server.wait(timeout=20)
        total = len(measured["api"]) + len(measured["page"])
        print(f"{total:,} requests in {DURATION_S:.0f} s ({total / DURATION_S:,.0f}/s) from {CLIENTS} clients", flush=True)
        record({
            "api.p95_ms": p95(measured["api"]), "explorer.page_p95_ms": p95(measured["page"]),
            "api.load_requests_per_s": round(total / DURATION_S, 1), "api.load_indexed_payouts": len(indexed),
        })  # fmt: skip


if __name__ == "__main__":
    main()
