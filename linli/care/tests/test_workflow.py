"""The help-request workflow: the table of moves, who may make them, and the timeline."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.care.models import HelpRequest, HelpRequestTransition
from linli.care.services import help_request_assign
from linli.care.workflow import HELP_REQUEST_WORKFLOW, supervises
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.core.workflow import Conflict, NotAllowed, transition
from linli.duty.services import duty_assign
from linli.testing.workflows import check_workflow_table

from .conftest import make_request

pytestmark = pytest.mark.django_db
Status = HelpRequest.Status
ALLOWED = set(HELP_REQUEST_WORKFLOW.table)
EVERY_PAIR = [(a, b) for a in Status.values for b in Status.values]


def test_the_table_is_the_issues_workflow():
    assert {
        ("new", "accepted"),
        ("new", "cannot_do"),
        ("new", "cancelled"),
        ("accepted", "in_progress"),
        ("accepted", "done"),
        ("accepted", "cannot_do"),
        ("accepted", "cancelled"),
        ("in_progress", "done"),
        ("in_progress", "cannot_do"),
        ("in_progress", "cancelled"),
    } == ALLOWED


@pytest.mark.parametrize(("start", "to"), EVERY_PAIR)
def test_every_move_is_allowed_or_refused_by_the_table(grid, start, to):
    hr = make_request(grid)
    HelpRequest.objects.filter(pk=hr.pk).update(status=start)
    staff = grid.users["kaiwu"]
    if (start, to) in ALLOWED:
        moved = transition(hr, to, by=staff, reason="原因")
        assert moved.status == to
        assert HelpRequest.objects.get(pk=hr.pk).status == to
        assert hr.transitions.filter(from_status=start, to_status=to, by=staff).count() == 1
    else:
        with pytest.raises(Conflict) as refused:
            transition(hr, to, by=staff, reason="原因")
        assert str(HelpRequest.Status(start).label) in refused.value.zh
        assert HelpRequest.objects.get(pk=hr.pk).status == start
        assert not hr.transitions.filter(to_status=to).exclude(from_status="").exists()


def test_accepting_an_accepted_request_is_a_conflict_for_anyone(grid):
    hr = make_request(grid)
    transition(hr, "accepted", by=grid.users["alice"])
    for who in ("alice", "kaiwu", "town"):
        with pytest.raises(Conflict):
            transition(hr, "accepted", by=grid.users[who])


def test_unknown_status_is_refused(grid):
    hr = make_request(grid)
    with pytest.raises(Problem):
        transition(hr, "finished", by=grid.users["kaiwu"])


def test_cannot_do_needs_a_reason_and_keeps_it(grid):
    hr = make_request(grid)
    with pytest.raises(Problem) as missing:
        transition(hr, "cannot_do", by=grid.users["kaiwu"], reason=" ")
    assert "原因" in missing.value.zh
    moved = transition(hr, "cannot_do", by=grid.users["kaiwu"], reason="药房缺货")
    assert moved.cannot_do_reason == "药房缺货"
    assert moved.closed_at is not None


def test_timeline_records_who_and_when_of_every_move(grid):
    t0 = timezone.now().replace(microsecond=0)
    hr = make_request(grid, now=t0)
    alice = grid.users["alice"]
    transition(hr, "accepted", by=alice, at=t0 + dt.timedelta(minutes=5))
    transition(hr, "in_progress", by=alice, at=t0 + dt.timedelta(minutes=9))
    transition(hr, "done", by=alice, at=t0 + dt.timedelta(minutes=30))
    rows = list(HelpRequestTransition.objects.filter(request=hr))
    assert [(r.from_status, r.to_status) for r in rows] == [
        ("", "new"),
        ("new", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "done"),
    ]
    assert [r.at - t0 for r in rows] == [dt.timedelta(minutes=m) for m in (0, 5, 9, 30)]
    assert rows[0].by == grid.users["kaiwu"]
    assert {r.by for r in rows[1:]} == {alice}
    assert rows[1].by_volunteer == grid.volunteers["alice"]
    assert HelpRequest.objects.get(pk=hr.pk).closed_at == t0 + dt.timedelta(minutes=30)
    moves = AuditEntry.objects.filter(target_type="care.helprequest", target_id=str(hr.pk))
    assert moves.filter(action="update").count() == 3
    assert moves.filter(action="create").count() == 1


def test_the_volunteer_who_accepts_becomes_the_owner(grid):
    hr = make_request(grid)
    moved = transition(hr, "accepted", by=grid.users["alice"])
    assert moved.owner_volunteer == grid.volunteers["alice"]


def test_staff_accepting_names_no_owner(grid):
    hr = make_request(grid)
    moved = transition(hr, "accepted", by=grid.users["kaiwu"])
    assert moved.owner_volunteer is None


def test_building_team_member_helps_but_does_not_supervise(grid):
    frank = grid.users["frank"]
    duty_assign(
        user=None, volunteer=grid.volunteers["frank"], kind="building_team_member", place=grid.b1
    )
    frank = type(frank).objects.get(pk=frank.pk)  # the next request's login
    hr = make_request(grid, "zhang")  # alice leads 1号楼
    assert not supervises(frank, hr)
    assert supervises(grid.users["alice"], hr)
    with pytest.raises(NotAllowed):
        transition(hr, "cancelled", by=frank)


def test_neighbour_keeper_takes_on_and_finishes_but_may_not_cancel(grid):
    hr = make_request(grid, "zhao")  # erin keeps 2号楼 201
    erin = grid.users["erin"]
    assert HELP_REQUEST_WORKFLOW.allowed(erin, hr) == ["accepted"]
    transition(hr, "accepted", by=erin)
    hr.refresh_from_db()
    assert HELP_REQUEST_WORKFLOW.allowed(erin, hr) == ["in_progress", "done", "cannot_do"]
    with pytest.raises(NotAllowed):
        transition(hr, "cancelled", by=erin)
    transition(hr, "done", by=erin)
    assert HelpRequest.objects.get(pk=hr.pk).status == "done"


def test_a_request_owned_by_someone_else_cannot_be_taken_by_a_keeper(grid):
    hr = make_request(grid, "zhao")
    help_request_assign(
        help_request=hr, user=grid.users["kaiwu"], volunteer=grid.volunteers["frank"]
    )
    with pytest.raises(NotAllowed):
        transition(hr, "accepted", by=grid.users["erin"])
    transition(hr, "accepted", by=grid.users["frank"])
    assert HelpRequest.objects.get(pk=hr.pk).owner_volunteer == grid.volunteers["frank"]


def test_team_members_work_a_request_their_team_owns(grid):
    hr = make_request(grid, "li")
    help_request_assign(help_request=hr, user=grid.users["alice"], team=grid.team)
    transition(hr, "accepted", by=grid.users["frank"])
    transition(hr, "done", by=grid.users["frank"])
    found = HelpRequest.objects.get(pk=hr.pk)
    assert (found.status, found.owner_volunteer, found.owner_team) == (
        "done",
        grid.volunteers["frank"],
        grid.team,
    )


def test_paired_volunteer_takes_on_their_residents_request(grid):
    hr = make_request(grid, "chen", by="lishui")
    transition(hr, "accepted", by=grid.users["dave"])
    assert HelpRequest.objects.get(pk=hr.pk).owner_volunteer == grid.volunteers["dave"]


def test_assigning_is_for_leaders_and_within_the_committee(grid):
    hr = make_request(grid, "zhao")
    with pytest.raises(NotAllowed):
        help_request_assign(
            help_request=hr, user=grid.users["erin"], volunteer=grid.volunteers["erin"]
        )
    with pytest.raises(Problem):  # dave volunteers for 丽水
        help_request_assign(
            help_request=hr, user=grid.users["kaiwu"], volunteer=grid.volunteers["dave"]
        )
    help_request_assign(help_request=hr, user=grid.users["bob"], volunteer=grid.volunteers["erin"])
    assert hr.transitions.filter(reason="艾琳").exists()


def test_closed_requests_cannot_be_assigned(grid):
    hr = make_request(grid)
    transition(hr, "cancelled", by=grid.users["kaiwu"])
    with pytest.raises(Problem):
        help_request_assign(help_request=hr, user=grid.users["kaiwu"], team=grid.team)


def test_the_table_lets_each_move_be_made_by_the_right_people_only(grid):
    """erin owns the accepted and in-progress requests; alice leads the building, bob is the
    compound's second secretary; frank is a volunteer of another team; charlie has no duty."""
    erin = grid.volunteers["erin"]

    def in_state(status: str):
        def make():
            hr = make_request(grid)
            owner = erin if status != "new" else None
            HelpRequest.objects.filter(pk=hr.pk).update(status=status, owner_volunteer=owner)
            hr.refresh_from_db()
            return hr

        return make

    supervisors = {"kaiwu", "town", "alice", "bob"}
    check_workflow_table(
        HELP_REQUEST_WORKFLOW,
        {status: in_state(status) for status in Status.values},
        {name: grid.users[name] for name in (*supervisors, "erin", "frank", "charlie")},
        {
            ("new", "accepted"): supervisors | {"erin", "frank"},
            ("new", "cannot_do"): supervisors,
            "in_progress": supervisors | {"erin"},
            "done": supervisors | {"erin"},
            "cannot_do": supervisors | {"erin"},
            "cancelled": supervisors,
        },
    )
