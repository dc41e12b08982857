"""Every page a citizen can reach, in Chinese and English, and every API route, over a small seeded
demo day (every kind of record the Qingdao day has, fewer of each): no 5xx, no internal link that
404s, no raw role or status code, no Python repr, no "wei" on a page about public money, Chinese
navigation in Chinese, and (one page of each kind per language, in Chromium) nothing wider than a
390 px phone. The full day is crawled, every page at phone width, by benchmarks/bench_crawl.py."""

from __future__ import annotations

import httpx
import pytest

from browser_support import served
from crawl_support import CHECKS, NO_ANSWER, Crawler, DemoIndex, Page, Target, demo_day, phone_width_failures, widest_of_each_kind

SCALE = 0.1  # of the Qingdao day: 30 enterprises, 100 pension beneficiaries, 200 credit records, every case


@pytest.fixture(scope="module")
def day():
    with demo_day(SCALE) as seeded:
        yield seeded


def test_every_page_and_api_route_of_a_seeded_day_passes_every_check(day):
    index = DemoIndex.read(day.portal, day.examples)
    with served(day.portal) as base_url:
        crawl = Crawler(base_url, index).run()
        crawl.failures += phone_width_failures(base_url, widest_of_each_kind(crawl.pages))
    print(f"\ncrawled {len(crawl.pages)} pages (demo seeded in {day.seconds:.0f} s)\n{crawl.summary(examples=5)}")
    kinds = {page.kind for page in crawl.pages}
    for kind in ("/block/{}", "/tx/{}", "/address/{}", "/enterprise/{}", "/case/{}", "/credit/{}", "/budget/{}", "/program/{}", "/batch/{}"):
        assert kind in kinds, f"no {kind} page crawled"
    if crawl.failures:
        pytest.fail(crawl.summary(examples=10), pytrace=False)


def _page(path: str, lang: str | None, body: str, status: int = 200, fiscal: bool = False, linked_from: str | None = None) -> Page:
    response = httpx.Response(status, html=body) if lang else httpx.Response(status, content=body.encode(), headers={"content-type": "application/json"})
    return Page.of(Target(path, lang, linked_from=linked_from), response, 0.01, fiscal)


def _found(page: Page) -> set[str]:
    return {check.name for check in CHECKS if check.applies(page) and list(check.find(page))}


def test_each_check_finds_its_problem_and_nothing_on_a_clean_page():
    """The crawl's checks themselves: each fires on the problem it names (so a green crawl means the
    pages are clean, not that a check went blind), and none fires on a page a person reads well."""
    clean = ('<html lang="zh-CN"><body><nav><a href="/">首页</a><a href="/docs">API 文档</a></nav><table><tr><td>状态</td>'
             '<td>已批准</td></tr><tr><td>余额</td><td>¥3,700.00</td></tr><tr><td>调用</td><td>IdentityRegistry.<b>读取角色：部门名册</b></td></tr>'
             '</table><script>const NONE = "WEI_ROLE True";</script></body></html>')  # fmt: skip
    assert _found(_page("/address/0xab", "zh", clean, fiscal=True)) == set()
    cases = [
        ("5xx", _page("/tx/0xab", "zh", "<p>internal error</p>", status=500)),
        ("broken-link", _page("/case/9", "zh", "<p>not found</p>", status=404, linked_from="/?lang=zh")),
        ("unexpected-status", _page("/case/9", "zh", "<p>not found</p>", status=404)),
        ("raw-role-code", _page("/address/0xab", "en", "<p>Roles: ATTESTER_ROLE</p>")),
        ("raw-role-code", _page("/tx/0xab", "en", "<td>IdentityRegistry.<b>DEPARTMENT_REGISTRY_ROLE</b></td>")),  # a getter, unnamed
        ("raw-status-code", _page("/budget/1", "en", "<td>Status</td><td>APPROVED</td>")),
        ("python-repr", _page("/tx/0xab", "en", "<td>success</td><td>True</td>")),
        ("wei-on-fiscal-page", _page("/address/0xab", "zh", "<td>余额</td><td>0 wei</td>", fiscal=True)),
        ("english-nav-in-chinese", _page("/", "zh", '<html lang="zh-CN"><nav><a href="/funds">Public funds</a></nav></html>')),
        ("invalid-json", _page("/api/v1/stats", None, "{not json")),
        ("invalid-csv", _page("/api/v1/cases?format=csv", None, "[1, 2]")),
        ("no-answer", Page(Target("/tx/0xab", "zh"), NO_ANSWER, "", "ReadTimeout", 60.0)),
    ]
    for check, page in cases:
        assert check in _found(page), (check, _found(page))
