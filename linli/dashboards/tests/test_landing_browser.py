"""On a 360-px phone: each person lands on their work, the navigation is one row, and the
适老化 switch enlarges the pages and stays with the login."""

from __future__ import annotations

import os

import pytest

from linli.testing.browser import fits_a_phone, log_in
from linli.testing.scenario import build_grid_scenario, build_scenario

NAV_ROW = """() => {
  const nav = document.querySelector("nav.nav");
  const links = [...nav.querySelectorAll("a")].map(a => a.getBoundingClientRect());
  return {
    tops: [...new Set(links.map(r => Math.round(r.top)))],
    heights: links.map(r => r.height),
    overflow: nav.scrollWidth - nav.clientWidth,
    labels: [...nav.querySelectorAll("a")].map(a => a.innerText),
  };
}"""


def shoot(page, name: str) -> None:
    if os.environ.get("LINLI_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["LINLI_SCREENSHOTS"], name), full_page=True)


@pytest.mark.browser
def test_a_building_leader_lands_on_their_tasks_with_a_one_row_nav(browser_page):
    build_grid_scenario(build_scenario())
    page = browser_page
    log_in(page, "alice")
    assert page.url == page.base + "/care/tasks/"
    nav = page.evaluate(NAV_ROW)
    assert nav["labels"] == ["我的包干", "认领", "我的任务", "走访"]
    assert len(nav["tops"]) == 1, nav  # one row
    assert nav["overflow"] <= 0, nav  # all of it visible: nothing scrolled away
    assert min(nav["heights"]) >= 44, nav
    assert fits_a_phone(page)
    shoot(page, "landing-alice.png")


@pytest.mark.browser
def test_town_staff_keep_the_overview_and_their_longer_nav_stays_one_row(browser_page):
    build_grid_scenario(build_scenario())
    page = browser_page
    log_in(page, "town")
    assert page.url == page.base + "/"
    nav = page.evaluate(NAV_ROW)
    assert len(nav["tops"]) == 1, nav  # scrolls sideways rather than wrapping
    assert min(nav["heights"]) >= 44, nav
    assert fits_a_phone(page)


@pytest.mark.browser
def test_the_elder_switch_enlarges_the_page_and_survives_a_new_login(browser_page):
    build_grid_scenario(build_scenario())
    page = browser_page
    log_in(page, "alice")
    size = "parseFloat(getComputedStyle(document.documentElement).fontSize)"
    normal = page.evaluate(size)
    page.click("form.elder-switch button")
    page.wait_for_url(page.base + "/care/tasks/")
    assert page.evaluate("document.documentElement.classList.contains('elder')")
    assert page.evaluate(size) > normal
    assert fits_a_phone(page)
    shoot(page, "landing-alice-elder.png")
    page.click("text=退出")
    log_in(page, "alice")
    assert page.evaluate("document.documentElement.classList.contains('elder')")
