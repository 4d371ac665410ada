"""On a 360-px phone in chromium: a resident claims from the shared basket, and a building
leader marks a household's package signed for (htmx swaps the room in place)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.care.selfservice import self_service_link
from linli.supplies.models import BasketClaim, BasketSlots, PackageDelivery
from linli.supplies.services_basket import basket_post_create
from linli.testing.browser import fits_a_phone, log_in, small_targets
from linli.testing.scenario import build_grid_scenario, build_scenario
from linli.testing.supplies_rounds import build_rounds_scenario, delivery, round_of


@pytest.mark.browser
def test_a_resident_claims_from_the_basket_on_a_phone(browser_page):
    s = build_scenario()
    token = self_service_link(user=None, building=s.b2).token
    BasketSlots.objects.create(
        town=s.town, building=s.b2, opens_at=dt.time(0, 0), closes_at=dt.time(23, 59)
    )
    basket_post_create(
        building=s.b2, room="101", item="青菜", quantity=3, unit="把", perishable=True,
        until=timezone.now() + dt.timedelta(days=1),
    )  # fmt: skip
    page = browser_page
    page.goto(f"{page.base}/supplies/basket/{token}/")
    assert "青菜" in page.locator("main").inner_text()
    page.click("text=我要领取")
    page.fill("input[name=room] >> nth=0", "201")
    page.fill("input[name=phone]", "13612345603")
    assert fits_a_phone(page)
    assert small_targets(page) == []
    page.click("button:has-text('领取') >> nth=0")
    page.wait_for_selector("text=领取成功")
    assert BasketClaim.objects.get().household == s.households["b2_201"]
    assert fits_a_phone(page)


@pytest.mark.browser
def test_a_building_leader_marks_a_package_signed_for_on_a_phone(browser_page):
    s = build_grid_scenario(build_scenario())
    x = build_rounds_scenario(s)
    made = round_of(s, x)
    page = browser_page
    log_in(page, "alice")
    page.goto(f"{page.base}/supplies/rounds/{made.pk}/buildings/{s.b1.pk}/")
    assert fits_a_phone(page)
    assert small_targets(page) == []
    target = delivery(made, s.households["b1_101"])
    room = page.locator(f"#room-{target.pk}")
    room.locator("input[name=signer]").fill("张")
    room.locator("button[value=delivered]").click()
    page.wait_for_selector(f"#room-{target.pk}.round-delivered")
    target.refresh_from_db()
    assert target.status == PackageDelivery.Status.DELIVERED and target.signer == "张"
    assert fits_a_phone(page)
