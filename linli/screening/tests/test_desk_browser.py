"""The desk's scan flow on a 360-px phone in chromium: a volunteer posted at the point finds it
on 我的任务, opens a tube, scans two people by typing their ID numbers (what a card reader
types), and seals the tube."""

from __future__ import annotations

import os

import pytest

from linli.screening.models import Sample, Tube
from linli.testing.browser import fits_a_phone, log_in, small_targets
from linli.testing.scenario import build_grid_scenario, build_scenario
from linli.testing.screening import build_screening_scenario

SHOTS = "/tmp/shots"


def shot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/desk-{name}.png", full_page=True)


@pytest.mark.browser
def test_a_volunteer_opens_a_tube_scans_two_people_and_seals_it_on_a_phone(browser_page):
    s = build_screening_scenario(build_grid_scenario(build_scenario()))
    page = browser_page
    log_in(page, "erin")
    # erin lands on 我的任务, where her desk waits.
    page.click("text=采样点：香樟苑采样点")
    page.wait_for_selector("input[name=barcode]")
    assert fits_a_phone(page)
    assert small_targets(page) == []
    shot(page, "1-open")
    page.fill("input[name=barcode]", "SJ0000123")
    page.click("button:has-text('开管')")
    page.wait_for_selector("#tube-count")
    assert page.inner_text("#tube-count").strip() == "0 / 10"
    for key in ("wang", "zhao"):
        page.fill("input[name=q]", s.residents[key].id_number)
        page.click("button:has-text('确定')")
        page.wait_for_load_state()
    assert page.inner_text("#tube-count").strip() == "2 / 10"
    main = page.inner_text("main")
    assert "王*国" in main and "赵*华" in main and "王建国" not in main
    assert fits_a_phone(page)
    assert small_targets(page) == []
    shot(page, "2-scanned")
    page.click("button:has-text('封管')")
    page.wait_for_selector("text=已封管：SJ0000123")
    assert fits_a_phone(page)
    shot(page, "3-sealed")
    tube = Tube.objects.get(barcode="SJ0000123")
    assert tube.status == Tube.Status.SEALED and tube.filled == 2
    assert set(Sample.objects.filter(tube=tube).values_list("resident_id", flat=True)) == {
        s.residents["wang"].pk,
        s.residents["zhao"].pk,
    }
