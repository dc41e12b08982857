""""Verify my payment" as citizens use it, in a real headless browser over a real chain, in Chinese and
English, at desktop and phone widths. Each citizen types their ID-card number and salt, and must see
their outcome in words: paid (checked on chain with isPaid), refunded, a bank refund confirmed and
one pending, refused twice for want of proof of life (told why, not "no record"). A wrong salt gets
its own message. Neither the ID-card number nor the salt is in any request the page sends.
Screenshots: reports/screenshots/verify-*.png."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

import pytest

from browser_support import DESKTOP, PHONE, assert_nothing_sent, citizen_page, shot
from govchain.clients import ProgramClient
from verify_support import BANKED, PAID, REFUNDED, REFUSED, REGISTERED, Citizen, seed_verify
from web_support import make_portal

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@pytest.fixture(scope="module")
def scenario(suite_deployment, w3, artifacts):
    return seed_verify(w3, artifacts, suite_deployment.path)


@pytest.fixture(scope="module")
def portal(scenario, suite_deployment, w3, tmp_path_factory):
    return make_portal(w3, suite_deployment.path, tmp_path_factory.mktemp("verify-browser") / "index.db")


def look_up(page, base_url: str, citizen: Citizen, *, salt: bytes | None = None, lang: str = "zh") -> None:
    """Type the citizen's ID-card number and salt into /verify and wait until every check is done."""
    page.goto(f"{base_url}/verify?lang={lang}")
    page.fill("#id-number", citizen.id_number)
    page.fill("#salt", "0x" + (salt or citizen.salt).hex())
    page.click("#verify-button")
    page.wait_for_selector("#payout-list, #payouts-unknown, #payouts-none[data-registered]")
    page.wait_for_function("() => !document.querySelector('#payout-list td.check.pending')")


def cards(page) -> list:
    return page.locator("#payout-list li.payout").all()


def facts(card) -> dict[str, str]:
    """The card's "label: value" rows by their class (date, mode, tx, reason, refunds, check, ...)."""
    return {row.get_attribute("class"): row.locator("td").inner_text() for row in card.locator("table.facts tr").all()}


def china_date(w3, block_number: int, zh: bool) -> str:
    day = dt.datetime.fromtimestamp(w3.eth.get_block(block_number)["timestamp"], dt.timezone(dt.timedelta(hours=8)))
    return f"{day.year}年{day.month}月{day.day}日" if zh else f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def private(page, citizen: Citizen, salt: bytes | None = None) -> None:
    salt = salt or citizen.salt
    assert_nothing_sent(page, [citizen.id_number, citizen.id_number[:17], citizen.id_number[6:14], salt.hex()])


def fits_a_phone(page) -> None:
    """The payouts never make the page wider than the phone."""
    width, inner, right = page.evaluate("() => { const b = document.getElementById('payouts');"
                                        " return [b.scrollWidth, b.clientWidth, b.getBoundingClientRect().right]; }")  # fmt: skip
    assert width <= inner and right <= PHONE["width"], (width, inner, right)


VIEWS = [(lang, viewport) for viewport in (DESKTOP, PHONE) for lang in ("zh", "en")]


def views(browser, base_url: str, citizen: Citizen, name: str, salt: bytes | None = None) -> Iterator[tuple[Any, bool]]:
    """For each language and width, a fresh page where `citizen` has looked their payouts up:
    yields (page, Chinese?); then screenshots it (reports/screenshots/verify-<name>-<desktop|phone>[-en].png),
    checks that on a phone nothing is wider than the screen, and that neither the ID-card number
    nor the salt left the browser."""
    for lang, viewport in VIEWS:
        with citizen_page(browser, viewport, lang) as page:
            look_up(page, base_url, citizen, salt=salt, lang=lang)
            yield page, lang == "zh"
            shot(page, f"verify-{name}-{'phone' if viewport is PHONE else 'desktop'}{'' if lang == 'zh' else '-en'}")
            if viewport is PHONE:
                fits_a_phone(page)
            private(page, citizen, salt)


def test_a_paid_wallet_pension_names_program_month_date_and_is_checked_on_chain(browser, base_url, scenario, w3):
    index = ProgramClient(scenario.suite).index_of(scenario.pension, PAID.commitment)
    october, november = scenario.wallet_executions
    for page, zh in views(browser, base_url, PAID, "paid"):
        newest, oldest = cards(page)  # newest first
        assert [c.get_attribute("data-batch") for c in (newest, oldest)] == [str(november.batch_id), str(october.batch_id)]
        for card, execution, period in ((newest, november, 2), (oldest, october, 1)):
            assert card.get_attribute("data-status") == "paid" and card.get_attribute("data-verified") == "true"
            assert card.locator(".status").inner_text() == ("已支付" if zh else "paid")
            assert card.locator("a.program").inner_text() == ("城乡居民基本养老保险" if zh else "basic pension")
            assert card.locator("a.program").get_attribute("href") == f"/program/{scenario.pension}"
            month = {1: ("2026年10月", "Oct 2026"), 2: ("2026年11月", "Nov 2026")}[period][0 if zh else 1]
            assert card.locator(".period").inner_text() == (f"{month} · 第 {period} 期" if zh else f"{month} · period {period}")
            assert card.locator(".payout-amount").inner_text() == "¥1,850.00"
            row = facts(card)
            assert row["date"] == china_date(w3, execution.receipt.block_number, zh)
            assert card.locator("tr.tx a").get_attribute("href") == f"/tx/{execution.receipt.tx_hash}"
            assert row["check"].startswith("✓ 已核验：链上记录本期已支付" if zh else "✓ verified on chain: this period is paid")
            assert f"isPaid({scenario.pension}, {period - 1}, {index}) = true" in row["check"]
        summary = page.inner_text("#payouts-summary")
        assert "¥3,700.00" in summary and ("支付 2 笔" if zh else "2 paid") in summary


def test_the_transaction_link_opens_the_transaction(browser, base_url, scenario):
    november = scenario.wallet_executions[1]
    with citizen_page(browser) as page:
        look_up(page, base_url, PAID)
        with page.expect_navigation():
            page.click(f"#payout-list li[data-batch='{november.batch_id}'] tr.tx a")
        assert page.url.endswith(f"/tx/{november.receipt.tx_hash}")
        assert november.receipt.tx_hash in page.inner_text("main") and "executeWalletBatch" in page.inner_text("main")
        private(page, PAID)


def test_a_refunded_wallet_payout_says_refunded_and_why_never_paid(browser, base_url, scenario):
    for page, zh in views(browser, base_url, REFUNDED, "refunded"):
        [card] = cards(page)
        assert card.get_attribute("data-status") == "refunded" and card.get_attribute("data-verified") == "true"
        assert card.locator(".status").inner_text() == ("已退回" if zh else "refunded")
        assert ("已支付" if zh else "paid") not in card.locator(".payout-head").inner_text()  # never shown as paid
        row = facts(card)
        assert row["refunds"].startswith("钱包退回：已从领取账户收回 ¥1,850.00" if zh else "wallet refund: taken back from the payee's account ¥1,850.00")
        assert card.locator("tr.refunds a").get_attribute("href") == f"/tx/{scenario.refund_receipt.tx_hash}"
        assert row["check"].startswith("✓ 已核验：链上记录本期已支付，已退回 ¥1,850.00" if zh else "✓ verified on chain: paid, then refunded ¥1,850.00")
        assert ("实得 ¥0.00" if zh else "¥0.00 received after refunds") in page.inner_text("#payouts-summary")


def test_a_bank_payout_shows_the_confirmed_refund_and_the_pending_one(browser, base_url, scenario):
    for page, zh in views(browser, base_url, BANKED, "bank-refund"):
        [card] = cards(page)
        assert card.get_attribute("data-status") == "partly_refunded" and card.get_attribute("data-verified") == "true"
        assert card.locator(".status").inner_text() == ("部分退回" if zh else "partly refunded")
        assert card.locator("a.program").inner_text() == ("就业创业补贴" if zh else "employment subsidy")
        confirmed, pending = card.locator("tr.refunds .refund").all()
        assert confirmed.get_attribute("data-status") == "refunded" and pending.get_attribute("data-status") == "pending"
        assert confirmed.inner_text().startswith("银行退回（已确认）¥2,000.00" if zh else "bank refund (confirmed) ¥2,000.00")
        assert confirmed.locator("a").get_attribute("href") == f"/tx/{scenario.confirm_receipt.tx_hash}"
        assert pending.inner_text().startswith("银行退回 ¥500.00，待银行或第二名工作人员确认（尚未退回）" if zh
                                               else "bank refund of ¥500.00 awaiting the bank's or a second officer's confirmation (not refunded yet)")  # fmt: skip
        assert facts(card)["check"] == ("✓ 已核验：与链上默克尔根一致" if zh else "✓ verified against the on-chain Merkle root")


def test_a_pensioner_refused_twice_is_told_why_not_that_there_is_no_record(browser, base_url, scenario):
    for page, zh in views(browser, base_url, REFUSED, "refused"):
        assert page.locator("#payouts-unknown, #payouts-none").count() == 0
        found = cards(page)
        assert [c.get_attribute("data-batch") for c in found] == [str(b.batch_id) for b in reversed(scenario.wallet_batches)]
        for card, month in zip(found, ("2026年11月", "2026年10月") if zh else ("Nov 2026", "Oct 2026")):
            assert card.get_attribute("data-status") == "refused" and card.get_attribute("data-verified") is None
            assert card.locator(".status").inner_text() == ("未列入发放，未支付" if zh else "refused, not paid")
            assert card.locator(".period").inner_text().startswith(month)
            assert card.locator(".payout-amount").inner_text() == "—"
            assert facts(card)["reason"].startswith("未列入发放批次：没有您的生存认证" if zh else "Left out of the batch: there is no proof of life for you on record")
        assert ("未支付 2 次" if zh else "2 not paid") in page.inner_text("#payouts-summary")


def test_a_wrong_salt_gets_its_own_message(browser, base_url, scenario):
    for page, zh in views(browser, base_url, PAID, "wrong-salt", salt=bytes.fromhex("99" * 32)):  # a paid pensioner, a mistyped salt
        assert page.locator("#payout-list").count() == 0
        unknown = page.inner_text("#payouts-unknown")
        assert ("请核对盐值" in unknown and "无法判断是哪一项有误" in unknown) if zh else ("check the salt" in unknown and "cannot tell which one is wrong" in unknown)


def test_the_right_salt_without_payouts_is_told_so(browser, base_url, scenario):
    for page, zh in views(browser, base_url, REGISTERED, "registered"):  # a registered e-ID, enrolled nowhere
        assert page.locator("#payouts-unknown, #payout-list").count() == 0
        none = page.inner_text("#payouts-none")
        assert none.startswith("✓ 您的电子身份已在链上登记" if zh else "✓ Your e-ID is registered on chain")
        assert ("未参加任何补贴项目" in none) if zh else ("not enrolled in any program" in none)
