"""The demo town's grid: built once, with gaps to show, and logins that see their part."""

import datetime as dt

import pytest

from linli.accounts.models import User
from linli.duty.coverage import duty_coverage_report
from linli.duty.demo import demo_grid_logins
from linli.duty.models import Duty, Pairing, Volunteer
from linli.places.demo import build_demo_town
from linli.places.models import Building, Resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return build_demo_town(seed=5, scale=0.05, as_of=dt.date(2022, 4, 1))


def test_the_demo_grid_has_every_figure_and_every_gap(town):
    logins = demo_grid_logins(town, "pw-demo-1")
    assert [login.username for login in logins] == ["leader", "paired", "secretary"]
    report = duty_coverage_report(town=town)
    assert 0 < report["committees_with_second_secretary"] < report["committees"]
    assert 0 < report["buildings_with_leader"] < report["buildings"]
    assert report["building_leaders"] < report["buildings_with_leader"] + 50
    assert 0 < report["special_residents_paired"] < report["special_residents"]
    assert all(n > 0 for n in report["volunteers_by_source"].values())
    assert Volunteer.objects.filter(town=town, status="applied").exists()


def test_demo_logins_see_their_part(town):
    demo_grid_logins(town, "pw-demo-1")
    leader = User.objects.get(username="leader")
    duty = Duty.objects.active().get(volunteer__user=leader)
    assert set(Building.objects.visible_to(leader)) == {duty.building}
    paired = User.objects.get(username="paired")
    mine = set(
        Pairing.objects.active()
        .filter(volunteer__user=paired)
        .values_list("resident_id", flat=True)
    )
    assert set(Resident.objects.visible_to(paired).values_list("id", flat=True)) == mine
    secretary = User.objects.get(username="secretary")
    assert (
        Resident.objects.visible_to(secretary).count() > Resident.objects.visible_to(leader).count()
    )


def test_running_the_demo_again_builds_nothing_new(town):
    demo_grid_logins(town, "pw-demo-1")
    counts = (Volunteer.objects.count(), Duty.objects.count(), Pairing.objects.count())
    demo_grid_logins(town, "pw-demo-2")
    assert (Volunteer.objects.count(), Duty.objects.count(), Pairing.objects.count()) == counts
    assert User.objects.get(username="leader").check_password("pw-demo-2")
