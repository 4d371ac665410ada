"""Writes to the grid: validated, idempotent where they should be, history kept, audited."""

import pytest
from django.db import IntegrityError, transaction

from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.core.workflow import transition
from linli.duty import services
from linli.duty.models import Duty, Pairing, Volunteer

pytestmark = pytest.mark.django_db


def new_volunteer(s, phone="13700004444", **kwargs):
    return services.volunteer_create(
        user=None, committee=s.kaiwu, name="新人", phone=phone, source="staff", **kwargs
    )


def test_phone_is_the_identity_within_a_town(grid):
    new_volunteer(grid)
    with pytest.raises(Problem):
        new_volunteer(grid, phone="137-0000-4444")


def test_a_volunteer_living_in_the_town_is_linked_to_their_resident_record(grid):
    zhao = grid.residents["zhao"]
    volunteer = services.volunteer_create(
        user=None,
        committee=grid.kaiwu,
        name=zhao.name,
        phone=zhao.phone,
        source="resident_volunteer",
    )
    assert volunteer.resident == zhao


def test_bad_values_are_refused_with_a_reason(grid):
    with pytest.raises(Problem, match="身份证号"):
        new_volunteer(grid, id_number="123")
    with pytest.raises(Problem, match="技能"):
        new_volunteer(grid, skills=["flying"])


def test_duty_kind_must_fit_the_place(grid):
    volunteer = new_volunteer(grid)
    with pytest.raises(Problem):
        services.duty_assign(
            user=None, volunteer=volunteer, kind="building_leader", place=grid.kaiwu
        )
    with pytest.raises(Problem):
        services.duty_assign(user=None, volunteer=volunteer, kind="neighbour_keeper", place=grid.b1)


def test_the_database_refuses_a_duty_whose_place_does_not_fit(grid):
    with pytest.raises(IntegrityError), transaction.atomic():
        Duty.objects.create(
            town=grid.town,
            volunteer=grid.volunteers["bob"],
            kind="building_leader",
            committee=grid.kaiwu,
        )


def test_assigning_twice_returns_the_same_duty(grid):
    volunteer = new_volunteer(grid)
    first = services.duty_assign(
        user=None, volunteer=volunteer, kind="building_leader", place=grid.b2
    )
    again = services.duty_assign(
        user=None, volunteer=volunteer, kind="building_leader", place=grid.b2
    )
    assert first == again


def test_one_leader_may_hold_several_buildings_and_a_building_a_second_leader(grid):
    alice = grid.volunteers["alice"]
    services.duty_assign(user=None, volunteer=alice, kind="building_leader", place=grid.b2)
    services.duty_assign(
        user=None,
        volunteer=new_volunteer(grid),
        kind="building_leader",
        place=grid.b1,
        title="党员第二楼组长",
    )
    assert Duty.objects.active().filter(volunteer=alice).count() == 2
    assert Duty.objects.active().filter(building=grid.b1, kind="building_leader").count() == 2


def test_handing_a_duty_over_keeps_the_history(grid):
    old = Duty.objects.get(volunteer=grid.volunteers["alice"])
    successor = new_volunteer(grid)
    new = services.duty_hand_over(user=grid.users["kaiwu"], duty=old, to_volunteer=successor)
    old.refresh_from_db()
    assert old.ends_at is not None and new.ends_at is None
    assert list(Duty.objects.filter(building=grid.b1).order_by("starts_at", "id")) == [old, new]
    assert AuditEntry.objects.filter(target_type="duty.duty").count() >= 2


def test_ending_twice_is_refused(grid):
    duty = Duty.objects.get(volunteer=grid.volunteers["alice"])
    services.duty_end(user=None, duty=duty)
    with pytest.raises(Problem):
        services.duty_end(user=None, duty=duty)


def test_volunteers_waiting_for_approval_get_no_duty(grid):
    volunteer = new_volunteer(grid, status="applied")
    with pytest.raises(Problem):
        services.duty_assign(user=None, volunteer=volunteer, kind="building_leader", place=grid.b2)


def test_pairings_are_for_special_care_residents(grid):
    with pytest.raises(Problem):
        services.pairing_create(
            user=None, volunteer=grid.volunteers["dave"], resident=grid.residents["liu"]
        )
    pairing = services.pairing_create(
        user=None, volunteer=grid.volunteers["alice"], resident=grid.residents["zhang"]
    )
    assert (
        services.pairing_create(
            user=None, volunteer=grid.volunteers["alice"], resident=grid.residents["zhang"]
        )
        == pairing
    )


def test_status_moves_follow_the_table(grid):
    volunteer = new_volunteer(grid, status="applied")
    with pytest.raises(Problem):
        transition(volunteer, "applied", by=grid.users["kaiwu"])
    transition(volunteer, "active", by=grid.users["kaiwu"])
    assert Volunteer.objects.get(pk=volunteer.pk).status == "active"


def test_standing_down_ends_pairings_and_keeps_them(grid):
    dave = grid.volunteers["dave"]
    transition(dave, "stood_down", by=grid.users["lishui"])
    pairing = Pairing.objects.get(volunteer=dave)
    assert pairing.ends_at is not None
