"""A volunteer on a phone (chromium at 360 px) finds an unread notice on 我的任务, opens it and
taps 已读 once (htmx swaps the button for the read mark)."""

from __future__ import annotations

import os

import pytest

from linli.notices.models import Receipt
from linli.testing.browser import fits_a_phone, log_in, small_targets
from linli.testing.notices import build_notices_scenario, sent
from linli.testing.scenario import build_grid_scenario, build_scenario

SHOTS = os.environ.get("LINLI_SCREENSHOTS", "/tmp/shots")


@pytest.mark.browser
def test_a_volunteer_opens_a_notice_and_taps_read(browser_page):
    s = build_grid_scenario(build_scenario())
    build_notices_scenario(s)
    n = sent(s, urgency="critical", title="明日核酸检测安排")
    page = browser_page
    log_in(page, "alice")
    page.click(".care-waiting >> text=通知：待确认已读")
    page.wait_for_url(page.base + "/notices/mine/")
    page.click("text=明日核酸检测安排")
    page.wait_for_url(page.base + f"/notices/{n.pk}/")
    assert fits_a_phone(page), page.evaluate("document.documentElement.scrollWidth")
    assert small_targets(page) == []
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, "notice-unread.png"), full_page=True)
    page.click("button.notice-read-button")
    page.locator(".notice-done").wait_for()
    page.screenshot(path=os.path.join(SHOTS, "notice-read.png"), full_page=True)
    assert Receipt.objects.get(notice=n, user=s.users["alice"]).read_at is not None
    assert page.locator("button.notice-read-button").count() == 0


@pytest.mark.browser
def test_the_sender_sees_who_has_not_read_on_a_phone(browser_page):
    from linli.notices.models import Notice

    s = build_grid_scenario(build_scenario())
    build_notices_scenario(s)
    n = sent(s, scope=Notice.Scope.COMPOUND, compound=s.xiangzhang, building=None)
    page = browser_page
    log_in(page, "kaiwu")
    page.goto(page.base + f"/notices/{n.pk}/")
    assert page.locator("table.notice-receipts tbody tr").count() == 3
    assert fits_a_phone(page), page.evaluate("document.documentElement.scrollWidth")
    assert small_targets(page) == []
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, "notice-sender.png"), full_page=True)
