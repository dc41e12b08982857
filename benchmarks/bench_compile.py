"""compile.seconds: wall time of a full `brownie compile --all` through the offline solc bridge."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import ROOT, record  # noqa: E402


def main() -> None:
    brownie = Path(sys.executable).parent / "brownie"
    start = time.perf_counter()
    subprocess.run([str(brownie), "compile", "--all"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    record({"compile.seconds": round(time.perf_counter() - start, 2)})


if __name__ == "__main__":
    main()
