"""Who a notice reaches, for each kind of scope: counts worked by hand from the scenario (the
table in linli/testing/notices.py's docstring)."""

from __future__ import annotations

import pytest

from linli.duty.models import Duty, Team
from linli.notices.models import Notice, Receipt
from linli.testing.notices import sent

pytestmark = pytest.mark.django_db

S = Notice.Scope


def _who(notice: Notice) -> tuple[set[str], int]:
    receipts = Receipt.objects.filter(notice=notice)
    people = {r.user.username for r in receipts.filter(kind="volunteer").select_related("user")}
    return people, receipts.filter(kind="household").count()


def test_town_wide_notice_reaches_every_volunteer_with_a_login_and_every_household(world):
    n = sent(world, "town", scope=S.TOWN, building=None)
    assert _who(n) == ({"alice", "bob", "dave", "erin", "gina", "ivy"}, 8)


def test_committee_notice_reaches_its_volunteers_and_households(world):
    n = sent(world, scope=S.COMMITTEE, committee=world.kaiwu, building=None)
    assert _who(n) == ({"alice", "bob", "erin", "gina", "ivy"}, 6)
    m = sent(world, "lishui", scope=S.COMMITTEE, committee=world.lishui, building=None)
    assert _who(m) == ({"dave"}, 2)


def test_compound_notice_reaches_its_duty_holders(world):
    n = sent(world, scope=S.COMPOUND, compound=world.xiangzhang, building=None)
    assert _who(n) == ({"alice", "bob", "erin"}, 4)


def test_building_notice_reaches_its_leader_and_paired_volunteers(world):
    assert _who(sent(world))[0] == {"alice"}
    assert _who(sent(world)) == ({"alice"}, 2)
    lishui = sent(world, "lishui", building=world.lb1)
    assert _who(lishui) == ({"dave"}, 2)


def test_worksite_notice_reaches_its_dormitory(world):
    n = sent(world, scope=S.WORKSITE, compound=world.extras.site, building=None)
    assert _who(n) == ({"ivy"}, 2)


def test_a_residential_compound_is_not_a_worksite(world):
    from linli.core.validators import Problem

    with pytest.raises(Problem):
        sent(world, scope=S.WORKSITE, compound=world.xiangzhang, building=None)


def test_team_notice_reaches_its_members_and_no_household(world):
    team = Team.objects.get(committee=world.kaiwu, function=Team.Function.DELIVERY)
    n = sent(world, scope=S.TEAM, team=team, building=None, for_residents=False)
    assert _who(n) == ({"gina"}, 0)


def test_team_notice_cannot_be_for_residents(world):
    from linli.core.validators import Problem

    team = Team.objects.get(committee=world.kaiwu, function=Team.Function.DELIVERY)
    with pytest.raises(Problem):
        sent(world, scope=S.TEAM, team=team, building=None, for_residents=True)


def test_duty_kind_notice_reaches_every_building_leader_of_the_committee(world):
    n = sent(
        world,
        scope=S.DUTY_KIND,
        committee=world.kaiwu,
        duty_kind=Duty.Kind.BUILDING_LEADER,
        building=None,
        for_residents=False,
    )
    assert _who(n) == ({"alice", "ivy"}, 0)


def test_a_stood_down_volunteer_and_one_without_login_are_not_reached(world):
    from linli.duty.models import Volunteer

    Volunteer.objects.filter(pk=world.volunteers["bob"].pk).update(
        status=Volunteer.Status.STOOD_DOWN
    )
    Volunteer.objects.filter(pk=world.volunteers["erin"].pk).update(user=None)
    n = sent(world, scope=S.COMPOUND, compound=world.xiangzhang, building=None)
    assert _who(n) == ({"alice"}, 4)


def test_recipients_are_fixed_when_sent(world):
    n = sent(world)
    Duty.objects.filter(volunteer=world.volunteers["alice"]).delete()
    assert _who(n) == ({"alice"}, 2)


def test_volunteers_are_counted_under_their_building(world):
    n = sent(world, scope=S.COMPOUND, compound=world.xiangzhang, building=None)
    by_user = {r.user.username: r.building_id for r in n.receipts.filter(kind="volunteer")}
    assert by_user == {"alice": world.b1.pk, "bob": None, "erin": world.b2.pk}


def test_committee_staff_may_not_send_outside_their_committee(world):
    from linli.core.validators import Problem

    with pytest.raises(Problem):
        sent(world, "kaiwu", building=world.lb1)
    with pytest.raises(Problem):
        sent(world, "kaiwu", scope=S.TOWN, building=None)
