"""The worksites pages on a 360-px phone (chromium): the list, the board with every part
filled, the forms, a permit, and the checkpoint's page a volunteer opens from the QR code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.testing.browser import fits_a_phone, log_in, masked_call_links, small_targets
from linli.testing.scenario import build_grid_scenario, build_scenario
from linli.testing.worksites import build_worksites_scenario
from linli.worksites import services
from linli.worksites.models import Permit


@pytest.mark.browser
def test_the_worksites_pages_fit_a_phone(browser_page):
    s = build_worksites_scenario(build_grid_scenario(build_scenario()))
    now = timezone.now()
    transport = services.transport_request_create(
        user=s.users["town"],
        compound=s.site,
        kind="people",
        plate="沪A12345",
        route="安置房工地→泗泾镇香樟苑北门围挡点",
        headcount=12,
        window_from=now,
        window_to=now + dt.timedelta(hours=2),
    )
    permit = services.permit_issue(
        user=s.users["town"],
        compound=s.site,
        kind=Permit.Kind.PERSON,
        worker=s.workers["zhou"],
        route="安置房工地→泗泾镇社区卫生服务中心",
        valid_from=now - dt.timedelta(hours=1),
        valid_until=now + dt.timedelta(days=2),
    )
    services.site_profile_save(
        user=s.users["town"],
        compound=s.site,
        manager="钱工头",
        manager_phone="13900000066",
        contractor="上海某某建设工程有限公司",
        address="泗泾镇某某路100号",
    )
    services.crew_loan_record(
        user=s.users["town"],
        compound=s.site,
        task="barriers",
        place="香樟苑北门",
        headcount=6,
        hours="5",
        date=timezone.localdate(),
    )
    page = browser_page
    log_in(page, "kaiwu")
    paths = [
        "/worksites/",
        f"/worksites/{s.site.pk}/",
        f"/worksites/{s.site.pk}/profile/",
        f"/worksites/{s.site.pk}/transport/new/",
        f"/worksites/{s.site.pk}/crews/new/",
        f"/worksites/transport/{transport.pk}/",
        f"/worksites/permits/{permit.pk}/",
    ]
    problems = []
    for path in paths:
        response = page.goto(page.base + path)
        assert response.status == 200, path
        if not fits_a_phone(page):
            problems.append(f"{path}: wider than the phone")
        problems += [f"{path}: small tap target {t}" for t in small_targets(page)]
        problems += [f"{path}: masked call link {h}" for h in masked_call_links(page)]
    checkpoint = page.context.browser.new_context(
        viewport={"width": 360, "height": 740}, locale="zh-CN"
    )
    scan = checkpoint.new_page()
    scan.goto(page.base + f"/worksites/permit/{permit.token}/")
    assert scan.locator(".permit-state").inner_text().strip() == "有效"
    if not fits_a_phone(scan):
        problems.append("checkpoint page: wider than the phone")
    problems += [f"checkpoint: small tap target {t}" for t in small_targets(scan)]
    assert "周*力" in scan.content() and "周大力" not in scan.content()
    checkpoint.close()
    assert not problems, "\n".join(problems)
