"""A household orders in a group buy on a phone (chromium at 360 px): from the building's
self-service link to the group buy, picks quantities and sees the total as it picks, gives the
room and phone, and lands on its own order page with the total; then changes it."""

import os

import pytest

from linli.care.selfservice import self_service_link
from linli.supplies.models import GroupBuyOrder
from linli.testing.browser import fits_a_phone, small_targets
from linli.testing.scenario import build_grid_scenario, build_scenario
from linli.testing.supplies_groupbuys import group_buy_world, make_group_buy


@pytest.mark.browser
def test_a_household_orders_on_a_phone_and_sees_its_total(browser_page):
    w = group_buy_world(build_grid_scenario(build_scenario()))
    gb = make_group_buy(w)
    veg, rice = gb.items.order_by("id")
    token = self_service_link(user=None, building=w.s.b1).token
    page = browser_page
    page.goto(f"{page.base}/supplies/group-buys/door/{token}/")
    assert "香樟苑蔬菜团" in page.locator("main").inner_text()
    assert fits_a_phone(page)
    page.click("text=去下单")
    page.fill(f"input[name=qty_{veg.pk}]", "2")
    page.fill(f"input[name=qty_{rice.pk}]", "1")
    # 2 × 20.00 + 35.00 + the 1.00 fee, added up on the phone as the household types
    assert page.locator("[data-gb-sum]").inner_text() == "¥76.00"
    page.fill("input[name=room]", "101")
    page.fill("input[name=phone]", "13812345678")
    assert fits_a_phone(page)
    assert not small_targets(page), small_targets(page)
    if os.environ.get("LINLI_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["LINLI_SCREENSHOTS"], "group-buy-order.png"),
            full_page=True,
        )
    page.click("button.gb-submit")
    page.wait_for_url("**/supplies/group-buys/my/**")
    assert page.locator(".gb-due").inner_text() == "¥76.00"
    assert fits_a_phone(page)
    page.fill(f".gb-order input[name=qty_{veg.pk}]", "1")
    assert page.locator(".gb-order [data-gb-sum]").inner_text() == "¥56.00"
    page.click("button[value=change]")
    page.wait_for_load_state()
    assert page.locator(".gb-due").inner_text() == "¥56.00"
    order = GroupBuyOrder.objects.get()
    assert [(line.item_id, line.qty) for line in order.lines.order_by("item_id")] == [
        (veg.pk, 1),
        (rice.pk, 1),
    ]
