"""The notices demo (`linli demo`, through its login provider): the town's sampling notice to
新凯五村's building leaders, filled from today's round, and the committee's notice to the
residents of the `leader`'s building, read by the leader and one household. Checked through
the pages `town`, `kaiwu` and `leader` see; a second run adds nothing."""

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
from linli.notices.demo import BUILDING_NOTICE
from linli.notices.models import Notice, Receipt, RobotChannel
from linli.places.models import Household
from linli.screening.demo import TODAY_ROUND
from linli.screening.models import TestRound

pytestmark = pytest.mark.django_db
PW = "demo-pw-1"


def demo() -> None:
    call_command("demo", "--scale", "0.02", "--password", PW, stdout=io.StringIO())


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_the_demo_sends_a_sampling_notice_and_a_building_notice_once():
    demo()
    leader = User.objects.get(username="leader")
    building = Duty.objects.active().get(volunteer__user=leader).building
    sampling = Notice.objects.get(template=Notice.Template.SAMPLING)
    today = TestRound.objects.get(name=TODAY_ROUND)
    slot = today.slots.order_by("starts_at", "building__sort_key").first()
    # Filled from today's round: its name, and its first slot's building and 7:00.
    assert TODAY_ROUND in sampling.title and "7:00" in sampling.body
    assert f"{slot.building.compound}{slot.building}" in sampling.body
    assert (sampling.status, sampling.scope, sampling.duty_kind) == (
        "sent",
        Notice.Scope.DUTY_KIND,
        Duty.Kind.BUILDING_LEADER,
    )
    assert sampling.committee.name == "新凯五村" and sampling.created_by.username == "town"
    # Its recipients: the building leaders with a login, the `leader`, unread.
    receipts = Receipt.objects.filter(notice=sampling)
    assert list(receipts.values_list("user__username", "read_at")) == [("leader", None)]
    house = Notice.objects.get(title=BUILDING_NOTICE)
    assert (house.status, house.building, house.for_residents) == ("sent", building, True)
    assert house.created_by.username == "kaiwu"
    homes = Receipt.objects.filter(notice=house, kind=Receipt.Kind.HOUSEHOLD)
    assert homes.count() == Household.objects.filter(building=building).count()
    first = Household.objects.filter(building=building).order_by("pk").first()
    assert list(homes.filter(read_at__isnull=False).values_list("household", flat=True)) == [
        first.pk
    ]
    mine = Receipt.objects.get(notice=house, user=leader)
    assert mine.read_at is not None
    assert not RobotChannel.objects.exists()

    # The pages: the leader's 我的通知 lists both, the town's and committee's notice pages.
    page = login("leader").get(reverse("notices:mine"))
    assert page.status_code == 200
    assert sampling.title in page.text and BUILDING_NOTICE in page.text
    town = login("town")
    assert town.get(reverse("notices:list")).status_code == 200
    shown = town.get(reverse("notices:notice", args=[sampling.pk]))
    assert shown.status_code == 200 and sampling.title in shown.text
    shown = login("kaiwu").get(reverse("notices:notice", args=[house.pk]))
    assert shown.status_code == 200 and BUILDING_NOTICE in shown.text

    # A second run adds nothing.
    demo()
    assert Notice.objects.count() == 2
    assert Receipt.objects.filter(read_at__isnull=False).count() == 2


def test_a_demo_built_in_the_days_last_minute_still_sends_todays_notice(monkeypatch):
    """Today's notice expires at 23:59; built after that (the clock stopped at 23:59:30), it
    expires an hour later instead of refusing an expiry in the past."""
    late = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(23, 59, 30)))
    monkeypatch.setattr(timezone, "now", lambda: late)
    demo()
    sampling = Notice.objects.get(template=Notice.Template.SAMPLING)
    assert sampling.status == "sent" and sampling.expires_at == late + dt.timedelta(hours=1)
