"""The runner's checklist on a phone (chromium at 360 px): it fits, every tap target is big
enough, one tap marks a line in place (htmx), and a payment in yuan shows in the balance."""

from __future__ import annotations

import os

import pytest

from linli.medicine.models import AdvanceEntry, MedicineOrder
from linli.medicine.money import float_issue
from linli.testing.browser import fits_a_phone, log_in, small_targets
from linli.testing.medicine import build_medicine_scenario, make_order, make_run
from linli.testing.scenario import build_grid_scenario, build_scenario


def _shot(page, name: str) -> None:
    folder = os.environ.get("LINLI_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


@pytest.mark.browser
def test_the_runners_checklist_works_at_phone_width(browser_page):
    s = build_medicine_scenario(build_grid_scenario(build_scenario()))
    metformin = {
        "generic_name": "二甲双胍缓释片",
        "trade_name": "格华止",
        "strength": "0.5g×30片",
        "maker": "中美上海施贵宝制药有限公司",
        "boxes": 3,
    }
    insulin = {
        "generic_name": "门冬胰岛素注射液",
        "strength": "300单位/3ml",
        "any_maker": True,
        "boxes": 2,
        "cold_chain": True,
    }
    first = make_order(s, "zhang", form_number="HW-0001", urgency="red", lines=[metformin, insulin])
    second = make_order(
        s,
        "li",
        hospital="local",
        department="local_general",
        form_number="HW-0002",
        lines=[metformin],
    )
    make_run(s, [first, second], hospitals=["local", "central"])
    float_issue(user=s.users["desk"], runner=s.volunteers["runner"].medicine_post, amount_fen=20000)
    page = browser_page
    log_in(page, "runner")
    # A runner lands on 我的任务, where today's run waits (their bar stays one row).
    page.click(".care-waiting >> text=外场：今日路线")
    page.wait_for_url(page.base + "/medicine/runner/")
    headings = page.locator(".med-stop > h2").all_inner_texts()
    assert "泗泾医院" in headings[0] and "松江区中心医院" in headings[1]
    assert fits_a_phone(page), page.evaluate("document.documentElement.scrollWidth")
    assert small_targets(page) == []
    _shot(page, "runner-day")

    card = page.locator(f"#order-{first.pk}")
    card.locator("button:has-text('已挂号')").click()
    page.locator(f"#order-{first.pk} .med-steps > li.done").first.wait_for()
    card.locator(".med-line").first.locator("button:has-text('已取')").click()
    page.locator(f"#order-{first.pk} .med-line.line-fetched").wait_for()
    partial = page.locator(f"#order-{first.pk} .med-line").nth(1)
    partial.locator("input[name=boxes_fetched]").fill("1")
    partial.locator("button:has-text('部分取到')").click()
    page.locator(f"#order-{first.pk} .med-status:has-text('部分取药')").wait_for()
    page.locator(f"#order-{first.pk} .med-pay-box > summary").click()
    pay = page.locator(f"#order-{first.pk} form.med-pay")
    pay.locator("input[name=amount]").fill("12.50")
    pay.locator("button").click()
    page.locator(f"#order-{first.pk} .med-steps > li.done:has-text('¥12.50')").wait_for()
    assert AdvanceEntry.objects.get(kind="payment").amount_fen == 1250
    assert MedicineOrder.objects.get(pk=first.pk).status == "partly_fetched"
    assert fits_a_phone(page) and small_targets(page) == []
    _shot(page, "runner-after-taps")

    page.reload()
    assert "¥187.50" in page.locator(".med-summary").inner_text()
