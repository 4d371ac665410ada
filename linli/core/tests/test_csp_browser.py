"""The pages work under the Content-Security-Policy: the behaviours that were inline handlers
(confirm, select all, select a link, charts) run from linli.js, and chromium reports no
violation (the `browser_page` fixture fails any browser test on one)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.care.selfservice import self_service_link
from linli.testing.browser import log_in
from linli.testing.scenario import build_grid_scenario, build_scenario

pytestmark = pytest.mark.browser


def test_an_injected_inline_script_is_refused_and_reported(browser_page):
    build_scenario()
    page = browser_page
    page.goto(page.base + reverse("login"))
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = 1'; document.head.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected") is None
    assert page.csp_violations and "script-src" in page.csp_violations[0]
    page.csp_violations.clear()  # this test's violation was the point


def test_staff_pages_work_under_the_policy(browser_page):
    s = build_grid_scenario(build_scenario())
    page = browser_page
    log_in(page, "kaiwu")
    page.wait_for_selector("#chart-committees svg")
    page.hover("#chart-committees svg", position={"x": 150, "y": 30})
    page.wait_for_timeout(300)

    page.goto(page.base + reverse("duty:committee", args=[s.kaiwu.pk]))
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("button[data-confirm]")
    assert asked and "旧海报将失效" in asked[0]
    assert page.url.endswith(reverse("duty:committee", args=[s.kaiwu.pk]))

    page.goto(page.base + reverse("duty:suggestions", args=[s.kaiwu.pk]))
    boxes = page.locator("input[name=pair]")
    assert boxes.count() and all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.click("input[data-check-all]")
    assert not any(boxes.nth(i).is_checked() for i in range(boxes.count()))


def test_a_residents_pages_work_under_the_policy(browser_page):
    s = build_grid_scenario(build_scenario())
    page = browser_page
    page.goto(
        page.base + reverse("care:ask", args=[self_service_link(user=None, building=s.b1).token])
    )
    page.fill("input[name=room]", "102")
    page.fill("input[name=phone]", "13900001111")
    page.click("label.care-choice >> text=就医/转运")
    page.click("label.care-choice.urgent")
    page.fill("textarea[name=description]", "明天血透，需要车")
    page.click("button.care-submit")
    page.wait_for_selector("text=已收到您的求助")
    page.click("input.care-url")
    selected = page.evaluate(
        "() => { const i = document.querySelector('input.care-url');"
        " return i.selectionEnd - i.selectionStart; }"
    )
    assert selected > 20
