"""On a 360-px phone: the town's dashboard with a section per part and its charts, the daily
briefing's page with its copy box, and a building leader's 我的楼栋 (screenshots in
/tmp/shots/daily-*.png)."""

from __future__ import annotations

import os

import pytest

from linli.testing.browser import fits_a_phone, log_in
from linli.testing.daily import build_daily_scenario
from linli.testing.medicine import build_medicine_scenario
from linli.testing.scenario import build_grid_scenario, build_scenario

SHOTS = os.environ.get("LINLI_SCREENSHOTS", "/tmp/shots")


def shoot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def build() -> None:
    s = build_scenario()
    build_grid_scenario(s)
    build_medicine_scenario(s)
    build_daily_scenario(s)


CHART_DRAWN = """(id) => {
  const el = document.getElementById(id);
  return el ? el.querySelectorAll("svg path, svg rect, svg text").length : -1;
}"""


@pytest.mark.browser
def test_the_town_dashboard_and_the_daily_page_on_a_phone(browser_page):
    build()
    page = browser_page
    log_in(page, "town")
    assert page.url == page.base + "/"
    for part in ("grid", "care", "medicine", "supplies"):
        assert page.locator(f'section[data-part="{part}"]').is_visible()
    assert page.locator('#part-care [data-figure="open"] .value').inner_text().startswith("2")
    assert page.evaluate(CHART_DRAWN, "chart-queues") > 0
    assert fits_a_phone(page)
    shoot(page, "daily-town-dashboard.png")

    page.goto(page.base + "/daily/")
    box = page.locator("#briefing-text")
    assert box.input_value().startswith("泗泾镇疫情防控工作日报")
    assert "在办诉求 2 件" in box.input_value()
    assert page.locator("text=标记为已发送").is_visible()
    assert fits_a_phone(page)
    shoot(page, "daily-page.png")
    page.click("text=标记为已发送")
    page.wait_for_url(page.base + "/daily/history/*/")
    assert "在办诉求 2 件" in page.locator("#sent-text").input_value()
    assert fits_a_phone(page)
    shoot(page, "daily-sent.png")
    # Sent today: the trend chart has a day to draw.
    page.goto(page.base + "/daily/")
    assert page.evaluate(CHART_DRAWN, "chart-trend") > 0
    shoot(page, "daily-page-after-sending.png")


@pytest.mark.browser
def test_a_building_leaders_buildings_on_a_phone(browser_page):
    build()
    page = browser_page
    log_in(page, "alice")
    page.click("text=我的楼栋")
    page.wait_for_url(page.base + "/mine/")
    assert page.locator('#part-care [data-figure="open"] .value').inner_text().startswith("2")
    assert fits_a_phone(page)
    shoot(page, "daily-mine-alice.png")
