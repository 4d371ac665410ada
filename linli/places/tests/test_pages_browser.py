"""The resident list, a resident's page and the dashboard at phone width (360 px) in chromium."""

import pytest

from linli.testing.browser import fits_a_phone, log_in
from linli.testing.scenario import build_scenario


@pytest.mark.browser
def test_resident_list_and_dashboard_fit_a_phone(browser_page):
    build_scenario()
    page = browser_page
    log_in(page, "kaiwu")
    page.wait_for_selector("#chart-committees svg")
    assert page.locator("#registry-figures .figure").count() == 6
    assert fits_a_phone(page)
    page.screenshot(path="/tmp/linli-dashboard-360.png", full_page=True)

    page.goto(page.base + "/places/residents/")
    assert page.locator("table tbody tr").count() == 4
    assert fits_a_phone(page)
    # Below 600 px each row is a card: nothing scrolls sideways, every column is on screen.
    wrap = page.locator(".table-wrap").first
    assert not wrap.evaluate("e => e.scrollWidth > e.clientWidth")
    phone = page.locator("tbody tr").first.locator("td[data-label='手机号']")
    box = phone.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert "手机号" in phone.evaluate("e => getComputedStyle(e, '::before').content")
    assert not page.locator("details.filter-box").get_attribute("open")
    page.screenshot(path="/tmp/linli-residents-360.png", full_page=True)

    page.fill("input[name=q]", "zsf")
    page.click(".search-row button")
    page.wait_for_url("**q=zsf**")
    assert page.locator("table tbody tr").count() == 1


@pytest.mark.browser
def test_reveal_and_move_on_the_resident_page(browser_page):
    s = build_scenario()
    page = browser_page
    log_in(page, "kaiwu")
    page.goto(page.base + s.residents["zhang"].get_absolute_url())
    assert "138****5678" in page.inner_text("#reveal-phone")
    page.click("#reveal-phone button")
    page.wait_for_selector("text=13812345678")
    assert fits_a_phone(page)

    page.select_option("#id_building", label="香樟苑 2号楼")
    page.wait_for_selector("#id_to_household option:text('201')", state="attached")
    page.select_option("#id_to_household", label="201")
    page.click("#move button[type=submit]")
    page.wait_for_selector(".messages li.success")
    assert "香樟苑 2号楼 201" in page.inner_text(".facts")
    page.screenshot(path="/tmp/linli-resident-360.png", full_page=True)
