"""The worksites demo (`linli demo`, through its login provider): each worksite's profile, its
workers' employment, and on the pipe-works site beside 新凯五村 a valid vehicle permit, a pass
expiring in two days, a transport request awaiting approval, a crew lent tomorrow, and its
person in charge as the `foreman` login (the site's second secretary). Checked through the
pages `foreman` and `town` see; a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.accounts.models import User
from linli.duty.models import Duty
from linli.places.models import Compound, Resident
from linli.screening.demo import TODAY_ROUND, YESTERDAY_ROUND
from linli.worksites.demo import FOREMAN_SITE, PROFILES
from linli.worksites.models import CrewLoan, Permit, SiteProfile, TransportRequest, WorkerInfo

pytestmark = pytest.mark.django_db
PW = "demo-pw-1"


def demo() -> None:
    call_command("demo", "--scale", "0.02", "--password", PW, stdout=io.StringIO())


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_the_demo_has_site_profiles_permits_a_request_a_crew_and_the_foreman_once():
    demo()
    sites = Compound.objects.filter(kind=Compound.Kind.WORKSITE)
    assert sites.count() == 4
    assert {p.compound.name: p.contractor for p in SiteProfile.objects.all()} == {
        name: contractor for name, (_m, _p, contractor, _a) in PROFILES.items()
    }
    # Every resident of a worksite has employment facts; the others none.
    on_sites = Resident.objects.filter(household__building__compound__in=sites)
    assert WorkerInfo.objects.count() == on_sites.count() > 0
    assert set(WorkerInfo.objects.values_list("resident_id", flat=True)) == set(
        on_sites.values_list("pk", flat=True)
    )
    site = Compound.objects.get(name=FOREMAN_SITE)
    now = timezone.now()
    vehicle = Permit.objects.get(kind=Permit.Kind.VEHICLE)
    assert vehicle.compound == site and vehicle.valid_from < now < vehicle.valid_until
    person = Permit.objects.get(kind=Permit.Kind.PERSON)
    left = person.valid_until - now
    assert dt.timedelta(days=1, hours=23) < left <= dt.timedelta(days=2)
    transport = TransportRequest.objects.get()
    assert transport.compound == site and transport.status == "requested"
    crew = CrewLoan.objects.get()
    assert crew.date == timezone.localdate() + dt.timedelta(days=1)
    assert crew.workers.count() == 3 and crew.headcount == 4
    foreman = User.objects.get(username="foreman")
    duty = Duty.objects.active().get(volunteer__user=foreman)
    assert (duty.kind, duty.compound) == (Duty.Kind.SECOND_SECRETARY, site)
    assert duty.volunteer.name == SiteProfile.objects.get(compound=site).manager

    # The foreman's board: roster vs tested in both rounds, the expiring pass, the request.
    board = login("foreman").get(reverse("worksites:board", args=[site.pk]))
    assert board.status_code == 200
    figures = {r["name"]: r for r in board.context["board"].rounds}
    roster = Resident.objects.filter(
        household__building__compound=site, status=Resident.Status.PRESENT
    ).count()
    assert set(figures) >= {YESTERDAY_ROUND, TODAY_ROUND}
    done = figures[YESTERDAY_ROUND]
    assert done["expected"] == done["sampled"] == roster  # each worker sampled yesterday
    assert 0 < figures[TODAY_ROUND]["sampled"] <= figures[TODAY_ROUND]["expected"] == roster
    assert [p.pk for p in board.context["board"].expiring] == [person.pk]
    assert [t.pk for t in board.context["board"].transports] == [transport.pk]
    assert board.context["board"].workers == roster
    # The foreman sees only their site; the town sees the four.
    listed = login("foreman").get(reverse("worksites:list"))
    assert FOREMAN_SITE in listed.text and "泗泾站综合开发项目工地" not in listed.text
    town = login("town").get(reverse("worksites:list"))
    assert all(name in town.text for name in PROFILES)
    assert login("town").get(reverse("worksites:transport", args=[transport.pk])).status_code == 200

    # A second run adds nothing.
    demo()
    assert (Permit.objects.count(), TransportRequest.objects.count()) == (2, 1)
    assert CrewLoan.objects.count() == 1 and SiteProfile.objects.count() == 4
    assert WorkerInfo.objects.count() == on_sites.count()
    assert Duty.objects.filter(kind=Duty.Kind.SECOND_SECRETARY, compound=site).count() == 1
