"""reports/benchmarks.json: one flat JSON object {"metric.name": number}, merged by every benchmark."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "reports" / "benchmarks.json"


def record(metrics: dict[str, float]) -> None:
    """Merge `metrics` into the report (other benchmarks' figures are kept)."""
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    current.update(metrics)
    REPORT.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    for name, value in metrics.items():
        print(f"{name} = {value}")
