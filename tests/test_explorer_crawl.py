"""Every page a citizen can reach, in Chinese and English, and every API route, over a small seeded
demo day (every kind of record the Qingdao day has, fewer of each): no 5xx, no internal link that
404s, no raw role or status code, no Python repr, no "wei" on a page about public money, Chinese
navigation in Chinese, and (one page of each kind per language, in Chromium) nothing wider than a
390 px phone. The full day is crawled, every page at phone width, by benchmarks/bench_crawl.py."""

from __future__ import annotations

import pytest

from crawl_support import Crawler, DemoIndex, demo_day, phone_width_failures, served, widest_of_each_kind
from govchain.api import create_app

SCALE = 0.1  # of the Qingdao day: 30 enterprises, 100 pension beneficiaries, 200 credit records, every case


@pytest.fixture(scope="module")
def day():
    with demo_day(SCALE) as seeded:
        yield seeded


def test_every_page_and_api_route_of_a_seeded_day_passes_every_check(day):
    index = DemoIndex.read(day.portal, day.examples)
    with served(create_app(portal=day.portal)) as base_url:
        crawl = Crawler(base_url, index).run()
        crawl.failures += phone_width_failures(base_url, widest_of_each_kind(crawl.pages))
    print(f"\ncrawled {len(crawl.pages)} pages (demo seeded in {day.seconds:.0f} s)\n{crawl.summary(examples=5)}")
    kinds = {page.kind for page in crawl.pages}
    for kind in ("/block/{}", "/tx/{}", "/address/{}", "/enterprise/{}", "/case/{}", "/credit/{}", "/budget/{}", "/program/{}", "/batch/{}"):
        assert kind in kinds, f"no {kind} page crawled"
    if crawl.failures:
        pytest.fail(crawl.summary(examples=10), pytrace=False)
