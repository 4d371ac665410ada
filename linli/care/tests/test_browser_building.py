"""At phone width (360 px) in chromium: the building's hub with its call buttons, and a
resident who copies their status link and later finds the request again from the poster."""

import pytest

from linli.care.models import HelpRequest
from linli.care.selfservice import self_service_link
from linli.testing.browser import fits_a_phone, log_in
from linli.testing.scenario import build_grid_scenario, build_scenario

SHOTS = "/tmp/linli-building-{}.png"


@pytest.mark.browser
def test_the_building_hub_fits_a_phone_with_call_buttons_44px_tall(browser_page):
    s = build_grid_scenario(build_scenario())
    page = browser_page
    log_in(page, "alice")
    page.goto(page.base + s.b1.get_absolute_url())
    page.wait_for_selector("text=楼组长与楼组成员")
    assert fits_a_phone(page)
    calls = page.locator("a.call")
    assert calls.count() >= 3  # alice herself, 张三丰 in the gaps, the households
    for i in range(calls.count()):
        box = calls.nth(i).bounding_box()
        assert box is not None and box["height"] >= 44
        assert box["x"] + box["width"] <= 360
    page.screenshot(path=SHOTS.format("hub"), full_page=True)


@pytest.mark.browser
def test_a_resident_copies_the_link_and_finds_the_request_again(browser_page):
    s = build_grid_scenario(build_scenario())
    link = self_service_link(user=None, building=s.b1)
    page = browser_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(page.base + link.get_absolute_url())
    page.fill("form.care-ask input[name=room]", "102")
    page.fill("form.care-ask input[name=phone]", "13900001111")
    page.click("label.care-choice >> text=配药")
    page.fill("textarea[name=description]", "降压药")
    page.click("button.care-submit")
    page.wait_for_selector("text=已收到您的求助")
    page.click("[data-copy]")
    page.wait_for_selector("[data-copy] >> text=已复制")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "/care/status/" in copied
    # Later, the resident scans the poster again.
    page.goto(page.base + link.get_absolute_url())
    page.click("details.care-find summary")
    page.fill("details.care-find input[name=room]", "102")
    page.fill("details.care-find input[name=last4]", "1111")
    page.click("details.care-find button[type=submit]")
    page.wait_for_selector('[data-status="new"]')
    assert fits_a_phone(page)
    assert HelpRequest.objects.count() == 1
    page.screenshot(path=SHOTS.format("found"), full_page=True)
