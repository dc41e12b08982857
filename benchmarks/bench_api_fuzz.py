"""api.fuzz_5xx: schemathesis fuzzes the REST API's OpenAPI schema; every 5xx the server answers counts.

A throw-away Anvil gets the suite and the demo's Qingdao day (govchain.demo), the app is served by
uvicorn, and schemathesis (in .venv-fuzz, see tools/install-fuzz.sh) sends generated requests to
every operation, the write endpoints included, with a department API key so authenticated paths are
reached too. The server counts the responses itself (an ASGI wrapper), so the figure does not depend
on how schemathesis reports. Must be 0.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import deployed_chain  # noqa: E402
from report import ROOT, record  # noqa: E402

MAX_EXAMPLES = 60  # generated cases per API operation and phase
SEED = 6
SCHEMATHESIS = ROOT / ".venv-fuzz" / "bin" / "schemathesis"


class StatusCounter:
    """ASGI middleware counting HTTP responses by status class."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.total = 0
        self.server_errors: list[str] = []
        self._lock = threading.Lock()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def counting_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                with self._lock:
                    self.total += 1
                    if message["status"] >= 500:
                        self.server_errors.append(f"{message['status']} {scope['method']} {scope['path']}?{scope['query_string'].decode(errors='replace')}")
            await send(message)

        await self.app(scope, receive, counting_send)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    if not SCHEMATHESIS.exists():
        subprocess.run(["bash", str(ROOT / "tools" / "install-fuzz.sh")], check=True)
    import uvicorn

    from govchain.api import create_app
    from govchain.config import Config
    from govchain.connection import Suite
    from govchain.demo import DemoRun
    from govchain.portal import DepartmentKeys, Portal

    with deployed_chain() as bench:
        os.environ["GOVCHAIN_HOME"] = str(bench.home)  # the demo writes its citizens' file there
        demo = DemoRun(Suite(bench.w3, bench.deployment, bench.artifacts), lambda line: None)
        people = demo.citizens()
        registered = demo.enterprises(people)
        demo.cases(people)
        demo.credit(registered, people)
        config = Config(rpc_url=bench.w3.provider.endpoint_uri, deployment_file=bench.deployment.path,
                        database_url=f"sqlite:///{bench.home / 'index.db'}", build_dir=ROOT / "build" / "contracts")  # fmt: skip
        keys, plain = DepartmentKeys.generate_dev(bench.w3.eth.chain_id, Portal(config, w3=bench.w3, env={}).consortium)
        portal = Portal(config, w3=bench.w3, department_keys=keys, env={})
        portal.sync()
        app = StatusCounter(create_app(portal=portal, sync_interval=1.0))
        port = _free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        started = time.perf_counter()
        try:
            result = subprocess.run(
                [
                    str(SCHEMATHESIS), "run", f"http://127.0.0.1:{port}/openapi.json",
                    "--checks", "not_a_server_error", "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED),
                    "--workers", "1",  # 2 threads hit a CPython 3.11.7 ast.parse race in hypothesis
                    "--generation-database", "none", "--no-color", "--request-timeout", "30",
                    "--header", f"X-API-Key: {plain['SAMR']}",
                ],
                capture_output=True, text=True, timeout=600, cwd=bench.home,  # its .schemathesis/ state stays out of the tree
            )  # fmt: skip
        finally:
            server.should_exit = True
            thread.join(timeout=10)
        seconds = time.perf_counter() - started
        tail = "\n".join(result.stdout.strip().splitlines()[-60:])
        print(tail)
        for line in app.server_errors[:20]:
            print("5xx:", line)
        record({"api.fuzz_5xx": len(app.server_errors), "api.fuzz_requests": app.total, "api.fuzz_seconds": round(seconds, 1)})
        if result.returncode not in (0, 1):  # 1 = schemathesis found failures (counted above); anything else = it broke
            raise SystemExit(f"schemathesis failed to run (exit {result.returncode}):\n{result.stderr[-2000:]}")


if __name__ == "__main__":
    main()
