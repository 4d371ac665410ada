"""A building leader on a phone: logs in, and sees exactly their building."""

import os

import pytest

from linli.testing.browser import fits_a_phone, log_in
from linli.testing.scenario import build_grid_scenario, build_scenario


@pytest.mark.browser
def test_building_leader_sees_exactly_their_building_at_phone_width(browser_page):
    s = build_grid_scenario(build_scenario())
    page = browser_page
    log_in(page, "alice")
    page.click("text=我的包干")
    page.wait_for_url(page.base + "/duty/mine/")
    buildings = page.locator("section.building")
    assert buildings.count() == 1
    assert buildings.first.get_attribute("data-building") == str(s.b1.pk)
    people = page.locator("section.building .person > a:first-child").all_inner_texts()
    assert sorted(people) == sorted(["张三丰", "李秀英"])
    call = page.locator("a.call").first  # a leader calls them
    assert call.get_attribute("href") == "tel:13812345678"
    assert call.bounding_box()["height"] >= 44
    assert fits_a_phone(page)
    if os.environ.get("LINLI_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["LINLI_SCREENSHOTS"], "mine.png"), full_page=True
        )
    page.goto(page.base + "/places/residents/")
    body = page.locator("main").inner_text()
    assert "张三丰" in body and "李秀英" in body
    for outsider in ("王建国", "赵丽华", "陈国强", "刘小红"):
        assert outsider not in body
