"""Logging in at phone width in chromium."""

import pytest

from linli.testing.scenario import PASSWORD, build_scenario


@pytest.mark.browser
def test_staff_logs_in_at_phone_width(browser_page):
    build_scenario()
    page = browser_page
    page.goto(page.base + "/accounts/login/")
    page.fill("input[name=username]", "kaiwu")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(page.base + "/")
    assert page.locator(".username").inner_text() == "kaiwu"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
