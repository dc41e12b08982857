"""invariant.funds_steps / invariant.funds_violations: the fiscal ledger's conservation state machine
(tests/test_disbursements_stateful.py, hostile steps included) run for at least 10,000 operations.

`make test` runs the same machine for a few hundred operations; here brownie's test runner is
started again (each time on a fresh Anvil) until the operations add up to MIN_STEPS. A violation
is an invariant that failed (the run then stops, hypothesis having shrunk it to a minimal example in
the printed log); `invariant.funds_violations` must be 0.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import ROOT, record  # noqa: E402

MIN_STEPS = 10_000
EXAMPLES_PER_RUN = "120"  # hypothesis examples per pytest run (each up to 3 x 16 operations)
TEST = "tests/test_disbursements_stateful.py"


def main() -> None:
    steps = violations = runs = 0
    started = time.perf_counter()
    while steps < MIN_STEPS and violations == 0:
        with tempfile.TemporaryDirectory() as folder:
            report = Path(folder) / "invariant.json"
            env = dict(os.environ, GOVCHAIN_INVARIANT_EXAMPLES=EXAMPLES_PER_RUN, GOVCHAIN_INVARIANT_REPORT=str(report))
            result = subprocess.run(
                [str(ROOT / ".venv" / "bin" / "brownie"), "test", TEST, "-p", "no:cacheprovider", "-q", "-W", "ignore"],
                cwd=ROOT, env=env, capture_output=True, text=True,
            )  # fmt: skip
            counts = json.loads(report.read_text()) if report.exists() else {"steps": 0, "violations": 0}
            runs += 1
            steps += counts["steps"]
            violations += counts["violations"]
            if result.returncode != 0:
                print(result.stdout[-6000:])
                violations = max(violations, 1)  # a failure that was not an invariant still counts
            print(f"run {runs}: {counts['steps']} operations, {counts['violations']} violations "
                  f"({time.perf_counter() - started:.0f} s)", flush=True)  # fmt: skip
    record({"invariant.funds_steps": steps, "invariant.funds_violations": violations})


if __name__ == "__main__":
    main()
