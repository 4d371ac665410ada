"""The screening demo (`linli demo`, through its login provider): yesterday's round closed with
its tubes resulted, one pool positive and followed up, a case and the zones; today's round open
at a point with slots by building, the `sampler` posted there, part of the residents sampled.
Checked through the pages the logins see; a second run adds nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from linli.accounts.models import User
from linli.places.models import Compound, Resident
from linli.screening.demo import (
    SAMPLED_SITE,
    TODAY_BUILDINGS,
    TODAY_ROUND,
    YESTERDAY_BUILDINGS,
    YESTERDAY_ROUND,
)
from linli.screening.models import (
    Case,
    LabResult,
    PoolFollowUp,
    Result,
    Sample,
    TestRound,
    TimeSlot,
    TransportBox,
    Tube,
    ZoneAssignment,
)

pytestmark = pytest.mark.django_db
PW = "demo-pw-1"


def demo() -> None:
    call_command("demo", "--scale", "0.02", "--password", PW, stdout=io.StringIO())


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def present(compound: Compound, buildings: int) -> list[int]:
    ids = list(compound.buildings.order_by("id").values_list("id", flat=True)[:buildings])
    return list(
        Resident.objects.filter(
            household__building_id__in=ids, status=Resident.Status.PRESENT
        ).values_list("pk", flat=True)
    )


def test_the_demo_has_yesterdays_round_resulted_and_todays_round_under_way_once():
    demo()
    yesterday = TestRound.objects.get(name=YESTERDAY_ROUND)
    today = TestRound.objects.get(name=TODAY_ROUND)
    assert (yesterday.status, today.status) == ("closed", "open")
    assert (today.date - yesterday.date).days == 1
    kaiwu = list(Compound.objects.filter(committee__name="新凯五村").order_by("id"))
    site = Compound.objects.get(name=SAMPLED_SITE)
    # Yesterday: the first building of each of 新凯五村's compounds and the site's every
    # present worker, one sample each (by hand: the same rows the demo chose).
    expected = {r for c in kaiwu for r in present(c, YESTERDAY_BUILDINGS)} | set(present(site, 9))
    first = Sample.objects.filter(round=yesterday, attempt=1)
    assert set(first.values_list("resident_id", flat=True)) == expected
    tubes = Tube.objects.filter(round=yesterday, capacity=10)
    assert tubes.count() == -(-len(expected) // 10)  # tens, the last one short
    assert set(tubes.values_list("status", flat=True)) == {"resulted"}
    assert TransportBox.objects.get(round=yesterday).sealed_at is not None
    assert LabResult.objects.filter(tube__round=yesterday).count() == tubes.count()
    assert list(tubes.filter(result=Result.POSITIVE).values_list("barcode", flat=True)) == [
        tubes.order_by("id")[2].barcode
    ]
    follow_up = PoolFollowUp.objects.get(round=yesterday)
    assert follow_up.status == "open"
    members = list(follow_up.members.order_by("id"))
    assert len(members) == 10
    assert [m.retest_id is not None for m in members] == [True] * 4 + [False] * 6
    assert [m.result for m in members[:2]] == [Result.POSITIVE, Result.PENDING]
    case = Case.objects.get()
    assert case.resident_id == members[0].resident_id and case.positive_on == yesterday.date
    assert ZoneAssignment.objects.filter(compound_id=case.building.compound_id).exists()
    # Today: one point in 新凯五村's first compound, a slot per building, the sampler posted
    # there; 6 of every 7 of its first building's people and of the site's sampled.
    point = today.points.get()
    assert point.compound == kaiwu[0]
    assert TimeSlot.objects.filter(round=today).count() == kaiwu[0].buildings.count()
    sampler = User.objects.get(username="sampler")
    assert list(point.volunteers.values_list("user", flat=True)) == [sampler.pk]
    assert point.volunteers.get().committee.name == "新凯五村"
    people = present(kaiwu[0], TODAY_BUILDINGS) + present(site, 9)
    sampled = Sample.objects.filter(round=today).count()
    assert sampled == len(people) - len(people) // 7 and sampled < len(people)
    assert Tube.objects.filter(round=today, status="open").count() == 1

    # The pages the demo logins open.
    town = login("town")
    page = town.get(reverse("screening:coverage_round", args=[today.pk]))
    assert page.status_code == 200 and TODAY_ROUND in page.text
    missing = town.get(reverse("screening:coverage_people", args=[today.pk, "missing"]))
    assert missing.status_code == 200
    # 1 of every 7 of the first building, its other buildings, the other compound and sites
    assert missing.context["figure"] > 0
    follow_ups = town.get(reverse("screening:follow_ups"))
    assert follow_ups.status_code == 200 and YESTERDAY_ROUND in follow_ups.text
    case = Case.objects.get()
    cases = town.get(reverse("screening:cases"))
    assert cases.status_code == 200
    assert town.get(reverse("screening:case", args=[case.pk])).status_code == 200
    zones = town.get(reverse("screening:zone_board"))
    assert zones.status_code == 200 and case.building.compound.name in zones.text
    assert town.get(reverse("screening:coverage_round", args=[yesterday.pk])).status_code == 200
    # The sampler reaches today's desk from 我的任务 and the desk opens.
    sampler = login("sampler")
    point = today.points.get()
    desk = reverse("screening:desk", args=[point.pk])
    assert desk in sampler.get("/", follow=True).text
    assert sampler.get(desk).status_code == 200
    # The leader (新凯五村's building leader) has no desk there.
    assert login("leader").get(desk).status_code in (302, 403, 404)

    # A second run adds nothing.
    counts = (Sample.objects.count(), Tube.objects.count(), Case.objects.count())
    demo()
    assert (Sample.objects.count(), Tube.objects.count(), Case.objects.count()) == counts
    assert TestRound.objects.count() == 2
