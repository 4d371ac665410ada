"""Duties and pairings give a login exactly its part of the registry, on the next request."""

import pytest
from django.utils import timezone

from linli.core.access import FieldAccess, scope_for
from linli.core.masking import shown
from linli.core.workflow import transition
from linli.duty import services
from linli.duty.models import Duty, Pairing, Volunteer
from linli.places.models import Building, Committee, Household, Resident

pytestmark = pytest.mark.django_db


def names(user):
    return set(Resident.objects.visible_to(user).values_list("name", flat=True))


def test_building_leader_sees_only_their_building(grid):
    assert names(grid.users["alice"]) == {"张三丰", "李秀英"}
    assert set(Building.objects.visible_to(grid.users["alice"])) == {grid.b1}


def test_second_secretary_of_a_compound_sees_the_compound(grid):
    assert names(grid.users["bob"]) == {"张三丰", "李秀英", "王建国", "赵丽华"}
    assert not Committee.objects.visible_to(grid.users["bob"]).exists()


def test_second_secretary_of_a_committee_sees_the_committee(grid):
    Duty.objects.filter(volunteer=grid.volunteers["bob"]).update(compound=None)
    assert Committee.objects.visible_to(grid.users["bob"]).get() == grid.kaiwu


def test_neighbour_keeper_sees_their_households(grid):
    assert names(grid.users["erin"]) == {"赵丽华"}
    assert set(Household.objects.visible_to(grid.users["erin"])) == {grid.households["b2_201"]}


def test_paired_volunteer_sees_their_resident_with_phone_but_masked_id(grid):
    dave = grid.users["dave"]
    chen = Resident.objects.visible_to(dave).get()
    assert chen == grid.residents["chen"]
    assert shown(dave, "phone", chen.phone) == chen.phone
    assert shown(dave, "id_number", chen.id_number) != chen.id_number
    assert not Household.objects.visible_to(dave).exists()


def test_login_without_duty_sees_nothing(grid):
    assert not names(grid.users["charlie"])
    assert scope_for(grid.users["charlie"]).phone is FieldAccess.MASKED


def test_staff_keep_their_field_access(grid):
    Volunteer.objects.filter(pk=grid.volunteers["erin"].pk).update(user=grid.users["kaiwu"])
    scope = scope_for(grid.users["kaiwu"])
    assert scope.id_number is FieldAccess.REVEALABLE
    assert scope.phone is FieldAccess.REVEALABLE  # not FULL across the whole committee
    wang = grid.residents["wang"]
    assert (
        shown(grid.users["kaiwu"], "phone", wang.phone) == wang.phone[:3] + "****" + wang.phone[-4:]
    )


def test_second_secretary_sees_numbers_masked_and_may_reveal_them(grid):
    scope = scope_for(grid.users["bob"])
    assert scope.phone is FieldAccess.REVEALABLE
    assert scope.id_number is FieldAccess.MASKED
    wang = grid.residents["wang"]
    assert (
        shown(grid.users["bob"], "phone", wang.phone) == wang.phone[:3] + "****" + wang.phone[-4:]
    )


def test_building_leader_sees_their_residents_phones_in_full(grid):
    zhang = grid.residents["zhang"]
    assert shown(grid.users["alice"], "phone", zhang.phone) == zhang.phone


def test_ended_duty_stops_giving_scope_on_the_next_request(grid):
    alice = grid.users["alice"]
    assert names(alice)
    duty = Duty.objects.get(volunteer=grid.volunteers["alice"])
    services.duty_end(user=grid.users["kaiwu"], duty=duty)
    fresh = type(alice).objects.get(pk=alice.pk)  # the next request loads the user anew
    assert not names(fresh)
    assert Duty.objects.filter(pk=duty.pk, ends_at__isnull=False).exists()


def test_duty_ending_in_the_future_still_counts(grid):
    Duty.objects.filter(volunteer=grid.volunteers["alice"]).update(
        ends_at=timezone.now() + timezone.timedelta(days=1)
    )
    assert names(grid.users["alice"]) == {"张三丰", "李秀英"}


def test_stood_down_volunteer_loses_scope_and_duties_end(grid):
    transition(grid.volunteers["dave"], "stood_down", by=grid.users["lishui"])
    assert not names(grid.users["dave"])
    assert not Pairing.objects.active().filter(volunteer=grid.volunteers["dave"]).exists()
    assert Pairing.objects.filter(volunteer=grid.volunteers["dave"]).count() == 1


def test_new_duty_gives_scope(grid):
    services.duty_assign(
        user=grid.users["kaiwu"],
        volunteer=grid.volunteers["erin"],
        kind="building_leader",
        place=grid.b2,
    )
    assert names(grid.users["erin"]) == {"王建国", "赵丽华"}


def test_volunteers_see_themselves_and_leaders_their_building_team(grid):
    alice, erin = grid.volunteers["alice"], grid.volunteers["erin"]
    assert set(Volunteer.objects.visible_to(grid.users["erin"])) == {erin}
    member = services.volunteer_create(
        user=None,
        committee=grid.kaiwu,
        name="楼组成员",
        phone="13900000009",
        source="resident_volunteer",
    )
    services.duty_assign(user=None, volunteer=member, kind="building_team_member", place=grid.b1)
    assert set(Volunteer.objects.visible_to(grid.users["alice"])) == {alice, member}
    assert set(Volunteer.objects.visible_to(grid.users["bob"])) == {
        alice,
        member,
        erin,
        grid.volunteers["bob"],
    }


def test_staff_see_their_committees_volunteers(grid):
    assert set(Volunteer.objects.visible_to(grid.users["lishui"])) == {grid.volunteers["dave"]}
    assert Volunteer.objects.visible_to(grid.users["town"]).count() == 4
    assert not Volunteer.objects.visible_to(grid.users["charlie"]).exists()


def test_pairings_visible_to_staff_leaders_and_the_volunteer(grid):
    assert Pairing.objects.visible_to(grid.users["dave"]).count() == 1
    assert Pairing.objects.visible_to(grid.users["lishui"]).count() == 1
    assert not Pairing.objects.visible_to(grid.users["kaiwu"]).exists()
    assert not Pairing.objects.visible_to(grid.users["alice"]).exists()
