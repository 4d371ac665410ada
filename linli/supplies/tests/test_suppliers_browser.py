"""The registry and a worksite's pages on a 360-px phone in chromium: nothing wider than the
screen, no tap target under 44 px; and the desk confirms a match by tapping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.supplies.models import Complaint, WorksiteOrder
from linli.supplies.services_worksites import worksite_need_save
from linli.testing.browser import page_width, small_targets
from linli.testing.scenario import PASSWORD, build_scenario
from linli.testing.supplies_suppliers import make_supplier, make_worksite


def sign_in(page, username):
    page.goto(page.base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.browser
def test_the_registry_and_a_worksites_pages_fit_a_phone_and_a_match_is_one_tap(browser_page):
    s = build_scenario()
    supplier = make_supplier(s.town, "泗泾农副产品保供中心有限公司", lat="31.10", lon="121.25")
    make_supplier(s.town, "过期供应商", valid_until=dt.date(2022, 4, 1))
    Complaint.objects.create(town=s.town, supplier=supplier, summary="青菜缺斤短两")
    need = worksite_need_save(
        user=None,
        compound=make_worksite(s),
        headcount=120,
        rice_kg=60,
        other_categories=["vegetables"],
    )
    page = browser_page
    sign_in(page, "town")
    problems = []
    for path in (
        "/supplies/suppliers/",
        f"/supplies/suppliers/{supplier.pk}/",
        f"/supplies/suppliers/{supplier.pk}/edit/",
        "/supplies/suppliers/new/",
        "/supplies/complaints/",
        "/supplies/worksites/",
        f"/supplies/worksites/need/?compound={need.compound_id}",
        f"/supplies/worksite-needs/{need.pk}/",
    ):
        response = page.goto(page.base + path)
        assert response.status == 200, path
        if page_width(page) > 360:
            problems.append(f"{path}: {page_width(page)} px wide")
        problems += [f"{path}: {t}" for t in small_targets(page)]
    assert not problems, "\n".join(problems)
    page.goto(page.base + f"/supplies/worksite-needs/{need.pk}/")
    page.click(f"tr[data-supplier='{supplier.pk}'] button[type=submit]")
    page.wait_for_load_state()
    order = WorksiteOrder.objects.get()
    assert order.delivery_on == timezone.localdate() + dt.timedelta(days=1)
    assert f"/supplies/worksite-orders/{order.pk}/" in page.url
    assert page_width(page) <= 360 and small_targets(page) == []
