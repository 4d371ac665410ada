"""The cases pages by role, a case's moves through the workflow, and the antigen self-report
door behind a building's poster (resident and proxy)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.accounts.models import User
from linli.care.selfservice import self_service_link
from linli.screening import services
from linli.screening.models import Case, CaseChange, Sample, TestRound

pytestmark = pytest.mark.django_db


def login(name):
    client = Client()
    client.force_login(User.objects.get(username=name))
    return client


def a_case(s, key="wang", day=None):
    r = s.residents[key]
    return Case.objects.create(
        town=s.town,
        resident=r,
        building=r.household.building,
        positive_on=day or timezone.localdate(),
    )


def test_cases_are_listed_by_scope_and_masked_for_volunteers(scr):
    s = scr
    a_case(s, "wang")
    a_case(s, "chen")
    url = reverse("screening:cases")
    town = login("town").get(url).content.decode()
    assert "王建国" in town and "陈国强" in town
    kaiwu = login("kaiwu").get(url).content.decode()
    assert "王建国" in kaiwu and "陈国强" not in kaiwu
    dave = login("dave").get(url).content.decode()  # paired with 陈国强
    assert "陈*强" in dave and "陈国强" not in dave and "王" not in dave
    assert login("charlie").get(url).status_code in (200, 403)
    assert "王" not in login("charlie").get(url).content.decode()


def test_the_office_moves_a_case_and_a_transfer_needs_its_destination(scr):
    s = scr
    case = a_case(s)
    url = reverse("screening:case_move", args=[case.pk])
    assert login("kaiwu").post(url, {"to": "rechecking"}).status_code == 403
    town = login("town")
    page = town.get(reverse("screening:case", args=[case.pk]))
    assert page.status_code == 200 and "香樟苑 2号楼" in page.content.decode()
    refused = town.post(url, {"to": "transferred"})
    assert refused.status_code == 400 and "去向" in refused.content.decode()
    assert town.post(url, {"to": "transferred", "destination": "市公卫中心"}).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.TRANSFERRED and case.transferred_to == "市公卫中心"
    assert town.post(url, {"to": "cleared"}).status_code == 409
    assert town.post(url, {"to": "recovered"}).status_code == 302
    assert list(CaseChange.objects.filter(case=case).values_list("to_status", flat=True)) == [
        "transferred",
        "recovered",
    ]
    assert login("lishui").get(reverse("screening:case", args=[case.pk])).status_code == 404


@pytest.fixture
def antigen(scr):
    cache.clear()
    round_ = services.round_create(
        user=scr.users["town"],
        town=scr.town,
        name="抗原第1轮",
        kind=TestRound.Kind.ANTIGEN,
        date=timezone.localdate(),
        compounds=[scr.xiangzhang],
    )
    services.round_open(user=scr.users["town"], round_=round_)
    link = self_service_link(user=scr.users["kaiwu"], building=scr.b2)
    return round_, reverse("screening:antigen", args=[link.token])


def test_a_resident_reports_an_antigen_result_from_the_poster(scr, antigen, client):
    round_, url = antigen
    assert client.get(url).status_code == 200
    step = client.post(url, {"room": "201"})
    text = step.content.decode()
    assert step.status_code == 200 and "赵*华" in text and "赵丽华" not in text
    at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    data = {
        "room": "201",
        "resident": scr.residents["zhao"].pk,
        "result": "positive",
        "tested_at": at,
    }
    done = client.post(url, data)
    assert done.status_code == 200
    sample = Sample.objects.get(round=round_)
    assert (sample.resident, sample.source, sample.result) == (
        scr.residents["zhao"], Sample.Source.SELF, "positive",
    )  # fmt: skip
    assert sample.created_by is None
    assert Case.objects.get().status == Case.Status.RECHECKING
    client.post(url, data)  # a double tap
    assert Sample.objects.filter(round=round_).count() == 1
    # A resident of another room cannot be picked from this room.
    other = {**data, "resident": scr.residents["wang"].pk}
    assert client.post(url, other).status_code == 400
    unknown = client.post(url, {"room": "999"})
    assert unknown.status_code == 400 and "未找到" in unknown.content.decode()
    future = (timezone.localtime() + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    wang = {"room": "101", "resident": scr.residents["wang"].pk, "result": "negative"}
    assert client.post(url, {**wang, "tested_at": future}).status_code == 400
    assert not Sample.objects.filter(resident=scr.residents["wang"]).exists()


def test_repeated_refusals_are_rate_limited(scr, antigen, client):
    _round, url = antigen
    codes = [client.post(url, {"room": f"9{n:02d}"}).status_code for n in range(12)]
    assert codes[0] == 400 and codes[-1] == 429


def test_a_proxy_reports_for_the_residents_they_see(scr, antigen):
    round_, url = antigen
    town = login("town")
    at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    step = town.post(url, {"room": "101"})
    assert "王建国" in step.content.decode()  # staff see the name
    data = {
        "room": "101",
        "resident": scr.residents["wang"].pk,
        "result": "negative",
        "tested_at": at,
    }
    assert town.post(url, data).status_code == 200
    sample = Sample.objects.get(round=round_)
    assert sample.source == Sample.Source.PROXY and sample.created_by == scr.users["town"]


def test_without_an_open_antigen_round_the_door_says_so(scr, client):
    link = self_service_link(user=scr.users["kaiwu"], building=scr.lb1)
    page = client.get(reverse("screening:antigen", args=[link.token]))
    assert page.status_code == 200 and "没有进行中的抗原" in page.content.decode()
    assert client.get(reverse("screening:antigen", args=["x" * 30])).status_code == 404
