"""A positive pool's follow-up through its pages: members by building and room (names masked
for volunteers), a single-tube retest at home whose lab result lands by the lab import, a
retest result entered by hand, the follow-up closing itself; a member positive is a case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.accounts.models import User
from linli.core.imports import run_import
from linli.core.workflow import transition
from linli.screening.models import (
    Case,
    CoverageCount,
    PoolFollowUp,
    PoolFollowUpChange,
    Result,
    Sample,
    Tube,
)
from linli.testing.rosters import write_roster_xlsx
from linli.testing.screening import open_tube, sample

pytestmark = pytest.mark.django_db
LAB = "松江区疾控中心"


def login(s, name):
    client = Client()
    client.force_login(User.objects.get(username=name))
    return client


def lab_sheet(tmp_path, rows, name):
    headers = ["采样管条码", "检测机构", "结果", "报告时间"]
    return write_roster_xlsx(tmp_path / name, rows, headers=headers, title=None)


def when(hours_ago):
    return timezone.localtime(timezone.now() - dt.timedelta(hours=hours_ago)).strftime(
        "%Y-%m-%d %H:%M"
    )


@pytest.fixture
def pool(scr, tmp_path):
    taken = timezone.now() - dt.timedelta(hours=5)
    tube = open_tube(scr, "POOL01")
    for key in ("li", "wang", "zhao"):
        sample(scr, key, tube, at=taken)
    transition(tube, Tube.Status.SEALED, by=scr.users["town"])
    result = run_import(
        "lab-results",
        lab_sheet(tmp_path, [["POOL01", LAB, "阳性", when(3)]], "a.xlsx"),
        town=scr.town,
        user=scr.users["town"],
    )
    assert result.written
    return PoolFollowUp.objects.get(tube=tube)


def test_the_follow_up_lists_members_by_building_and_room_masked_for_volunteers(scr, pool):
    staff = login(scr, "kaiwu").get(reverse("screening:follow_up", args=[pool.pk]))
    text = staff.content.decode()
    assert staff.status_code == 200
    assert "李秀英" in text and "王建国" in text and "102" in text and "201" in text
    listing = login(scr, "town").get(reverse("screening:follow_ups")).content.decode()
    assert "POOL01" in listing
    # alice leads 香樟苑 1号楼: she sees 李秀英 (1号楼 102), masked, and not 2号楼's members.
    page = login(scr, "alice").get(reverse("screening:follow_up", args=[pool.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "李*英" in text and "李秀英" not in text and "王" not in text
    assert "上门单采" not in text  # she may not record retests
    # 丽水's staff see none of its members: not found.
    assert (
        login(scr, "lishui").get(reverse("screening:follow_up", args=[pool.pk])).status_code == 404
    )


def test_retests_close_the_follow_up_and_a_positive_member_becomes_a_case(scr, pool, tmp_path):
    s = scr
    town = login(s, "town")
    members = {m.resident_id: m for m in pool.members.all()}
    li, wang, zhao = (members[s.residents[k].pk] for k in ("li", "wang", "zhao"))
    url = reverse("screening:follow_up_retest", args=[pool.pk])
    assert town.post(url, {"member": li.pk, "barcode": "RE0001"}).status_code == 302
    retest = Sample.objects.get(resident=s.residents["li"], attempt=2)
    assert retest.reason == "混管阳性复核" and retest.source == Sample.Source.DOOR
    assert retest.tube.capacity == 1 and retest.tube.status == Tube.Status.SEALED
    # A second retest of the same member is refused with a reason, not a 500.
    again = town.post(url, {"member": li.pk, "barcode": "RE0002"})
    assert again.status_code == 409
    # The lab reports the retest tube (sampled an hour ago): 李秀英 negative.
    Sample.objects.filter(pk=retest.pk).update(taken_at=timezone.now() - dt.timedelta(hours=1))
    reported = run_import(
        "lab-results",
        lab_sheet(tmp_path, [["RE0001", LAB, "阴性", when(0)]], "b.xlsx"),
        town=s.town,
        user=s.users["town"],
    )
    assert reported.written
    li.refresh_from_db()
    assert li.result == Result.NEGATIVE
    result_url = reverse("screening:follow_up_result", args=[pool.pk])
    town.post(result_url, {"member": wang.pk, "result": "negative"})
    pool.refresh_from_db()
    assert pool.status == PoolFollowUp.Status.OPEN  # 赵丽华 still waits
    town.post(result_url, {"member": zhao.pk, "result": "positive"})
    pool.refresh_from_db()
    assert pool.status == PoolFollowUp.Status.CLOSED and pool.closed_at is not None
    assert PoolFollowUpChange.objects.filter(follow_up=pool, to_status="closed").count() == 1
    case = Case.objects.get()
    assert case.resident == s.residents["zhao"] and case.building == s.b2
    results = dict(
        Sample.objects.filter(round=s.round, attempt=1).values_list("resident__name", "result")
    )
    assert results == {"李秀英": "negative", "王建国": "negative", "赵丽华": "positive"}
    positives = dict(
        CoverageCount.objects.filter(round=s.round).values_list("building", "positives")
    )
    assert positives[s.b2.pk] == 1 and positives[s.b1.pk] == 0


def test_a_volunteer_may_not_post_a_result_and_a_bad_post_is_a_4xx(scr, pool):
    member = pool.members.first()
    url = reverse("screening:follow_up_result", args=[pool.pk])
    assert (
        login(scr, "alice").post(url, {"member": member.pk, "result": "negative"}).status_code
        == 403
    )
    town = login(scr, "town")
    assert town.post(url, {"member": member.pk, "result": "弱阳"}).status_code == 400
    assert town.post(url, {"member": 999999, "result": "negative"}).status_code == 404
