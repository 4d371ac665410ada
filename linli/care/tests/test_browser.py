"""The door-knock to done flow at phone width (360 px) in chromium: a volunteer records a visit
with a need, the building leader finds it in her queue, accepts it and marks it done, and the
resident's status link shows it done."""

import pytest

from linli.accounts.models import User
from linli.care.models import HelpRequest
from linli.core.pinyin import initials
from linli.duty.models import Duty, Volunteer
from linli.testing.browser import fits_a_phone, log_in
from linli.testing.scenario import PASSWORD, build_grid_scenario, build_scenario

SHOTS = "/tmp/linli-care-{}.png"


def phone(browser_page):
    """Another phone: a fresh browser context of the same size."""
    context = browser_page.context.browser.new_context(
        viewport={"width": 360, "height": 740}, locale="zh-CN", device_scale_factor=2
    )
    page = context.new_page()
    page.base = browser_page.base
    return page


@pytest.mark.browser
def test_a_need_found_at_the_door_is_followed_to_done(browser_page):
    s = build_grid_scenario(build_scenario())
    # gina keeps 香樟苑 1号楼 101 (张三丰); alice leads the building.
    user = User.objects.create_user(
        username="gina", password=PASSWORD, role=User.Role.VOLUNTEER, town=s.town
    )
    gina = Volunteer.objects.create(
        town=s.town,
        committee=s.kaiwu,
        user=user,
        name="吉娜",
        name_initials=initials("吉娜"),
        phone="13900000007",
        source=Volunteer.Source.REPORTED_PARTY_MEMBER,
    )
    Duty.objects.create(
        town=s.town,
        volunteer=gina,
        kind=Duty.Kind.NEIGHBOUR_KEEPER,
        committee=s.kaiwu,
        compound=s.xiangzhang,
        building=s.b1,
        household=s.households["b1_101"],
    )

    # 1. gina knocks on 张三丰's door: need found, medicine, today.
    page = browser_page
    log_in(page, "gina")
    page.click("nav.nav >> text=走访")
    page.wait_for_selector(f'[data-resident="{s.residents["zhang"].pk}"]')
    assert fits_a_phone(page)
    page.screenshot(path=SHOTS.format("1-knock-list"), full_page=True)
    page.click(f'[data-resident="{s.residents["zhang"].pk}"] >> text=敲门')
    page.click("label.care-choice.need_found")
    page.check("input[name=need_medicine]")
    page.select_option("select[name=urgency_medicine]", "today")
    page.fill("input[name=text_medicine]", "降压药只剩两天")
    assert fits_a_phone(page)
    page.screenshot(path=SHOTS.format("2-visit-form"), full_page=True)
    page.click("button.care-submit")
    page.wait_for_selector("text=走访已记录")
    status_url = page.input_value("input.care-url")
    assert "/care/status/" in status_url
    assert fits_a_phone(page)
    page.screenshot(path=SHOTS.format("3-visit-done"), full_page=True)
    hr = HelpRequest.objects.get()
    assert (hr.category, hr.urgency, hr.status) == ("medicine", "today", "new")

    # 2. alice, the building leader, finds it in her queue, accepts it and marks it done.
    leader = phone(browser_page)
    log_in(leader, "alice")
    leader.goto(leader.base + "/care/buildings/")
    row = leader.locator(f'[data-request="{hr.pk}"]')
    assert "降压药只剩两天" in row.inner_text()
    assert fits_a_phone(leader)
    leader.screenshot(path=SHOTS.format("4-leader-queue"), full_page=True)
    row.click()
    leader.click("button[data-to=accepted]")
    leader.wait_for_selector('[data-status="accepted"]')
    leader.screenshot(path=SHOTS.format("5-accepted"), full_page=True)
    leader.click("button[data-to=done]")
    leader.wait_for_selector('[data-status="done"]')
    assert "艾丽丝" in leader.inner_text(".care-timeline")
    assert fits_a_phone(leader)
    leader.screenshot(path=SHOTS.format("6-done"), full_page=True)

    # 3. The resident opens the link gina showed them: done, by "艾志愿者".
    resident = phone(browser_page)
    resident.goto(status_url)
    resident.wait_for_selector('[data-status="done"]')
    text = resident.inner_text("main")
    assert "已完成" in text and "艾志愿者" in text
    assert "艾丽丝" not in text and "张三丰" not in text
    assert fits_a_phone(resident)
    resident.screenshot(path=SHOTS.format("7-resident-status"), full_page=True)
    assert HelpRequest.objects.get(pk=hr.pk).status == "done"


@pytest.mark.browser
def test_a_resident_asks_from_the_poster_link(browser_page):
    from linli.care.selfservice import self_service_link

    s = build_grid_scenario(build_scenario())
    link = self_service_link(user=None, building=s.b1)
    page = browser_page
    page.goto(page.base + link.get_absolute_url())
    page.fill("input[name=room]", "102")
    page.fill("input[name=phone]", "13900001111")
    page.click("label.care-choice >> text=就医/转运")
    page.click("label.care-choice.urgent")
    page.fill("textarea[name=description]", "明天血透，需要车")
    assert fits_a_phone(page)
    page.screenshot(path=SHOTS.format("8-ask"), full_page=True)
    page.click("button.care-submit")
    page.wait_for_selector("text=已收到您的求助")
    page.screenshot(path=SHOTS.format("9-ask-done"), full_page=True)
    page.click("text=查看进度")
    page.wait_for_selector('[data-status="new"]')
    assert fits_a_phone(page)
    page.screenshot(path=SHOTS.format("10-status-new"), full_page=True)
    hr = HelpRequest.objects.get()
    assert (hr.category, hr.urgency, hr.source) == ("medical", "urgent", "self_service")


@pytest.mark.browser
def test_staff_queues_and_coverage_fit_a_phone(browser_page):
    from linli.care.services import help_request_create, visit_record

    s = build_grid_scenario(build_scenario())
    for key, urgency in [("zhang", "urgent"), ("li", "today"), ("wang", "normal")]:
        help_request_create(
            user=s.users["kaiwu"],
            resident=s.residents[key],
            category="supplies",
            urgency=urgency,
            source="phone",
            description="米、油、蔬菜",
        )
    visit_record(user=s.users["alice"], household=s.households["b1_101"], outcome="all_well")
    page = browser_page
    log_in(page, "kaiwu")
    page.click("nav.nav >> text=诉求")
    page.wait_for_selector(".care-queue-card")
    assert fits_a_phone(page)
    page.screenshot(path=SHOTS.format("11-index"), full_page=True)
    page.click(".care-queue-card >> text=新凯五村")
    page.click("details.care-filters summary")
    assert page.locator(".care-row").count() == 3
    assert fits_a_phone(page)
    page.screenshot(path=SHOTS.format("12-committee-queue"), full_page=True)
    page.goto(page.base + "/care/visits/coverage/")
    assert page.locator("table.care-coverage tbody tr").count() == 2
    assert fits_a_phone(page)
    page.screenshot(path=SHOTS.format("13-coverage"), full_page=True)
