"""explorer.crawl_pages and explorer.crawl_failures (must be 0): the full Qingdao demo day, crawled.

`govchain demo` seeds the full day on a throw-away Anvil; tests/crawl_support.py then opens every
block, transaction, address, enterprise, case, credit subject, budget, program and batch page in
Chinese and English, the list pages, search and every API route (JSON and CSV), follows every
internal link, and runs every check on each answer; every explorer page is also opened at phone width
(390 px) in Chromium. One visitor at a time, so explorer.crawl_page_p50_ms / _p95_ms are the page times
a person sees. Failures are written to reports/crawl-failures.json, (url, check, detail) each.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from browser_support import served  # noqa: E402
from crawl_support import Crawler, DemoIndex, demo_day, percentile_ms, phone_width_failures  # noqa: E402
from report import REPORT, record  # noqa: E402

FAILURES = REPORT.parent / "crawl-failures.json"


def main() -> None:
    started = time.monotonic()
    with demo_day(1.0) as day:
        print(f"demo seeded and indexed in {day.seconds:.0f} s", flush=True)
        index = DemoIndex.read(day.portal, day.examples)
        with served(day.portal) as base_url:
            crawl = Crawler(base_url, index).run()
            print(f"crawled {len(crawl.pages):,} pages in {time.monotonic() - started:.0f} s; phone width of every explorer page ...", flush=True)
            html = [p for p in crawl.pages if p.html and p.status == 200]
            crawl.failures += phone_width_failures(base_url, html, report=lambda done: print(f"  {done:,} / {len(html):,}", flush=True))
    print(crawl.summary(examples=5))
    FAILURES.parent.mkdir(parents=True, exist_ok=True)
    FAILURES.write_text(json.dumps([f.__dict__ for f in crawl.failures], indent=1, ensure_ascii=False) + "\n")
    seconds = crawl.html_seconds()
    record({
        "explorer.crawl_pages": len(crawl.pages), "explorer.crawl_failures": len(crawl.failures),
        "explorer.crawl_page_p50_ms": percentile_ms(seconds, 50), "explorer.crawl_page_p95_ms": percentile_ms(seconds, 95),
    })  # fmt: skip
    if crawl.failures:
        raise SystemExit(f"{len(crawl.failures)} crawl failures (by check: {crawl.by_check()}); all of them in {FAILURES}")


if __name__ == "__main__":
    main()
