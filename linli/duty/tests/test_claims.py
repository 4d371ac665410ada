"""Claims: one transition() with a table of moves and a history; two approvals of claims on the
same place never both succeed, even at the same moment."""

import threading
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection, connections

from linli.core.validators import Problem
from linli.core.workflow import transition
from linli.duty import services
from linli.duty.claims import CLAIM_WORKFLOW, claim_create
from linli.duty.models import Claim, ClaimChange, Duty
from linli.testing.scenario import build_grid_scenario, build_scenario
from linli.testing.workflows import check_workflow_table


def volunteer(s, n, committee=None):
    return services.volunteer_create(
        user=None,
        committee=committee or s.kaiwu,
        name=f"志愿者{n}",
        phone=f"1370000{n:04d}",
        source="reported_party_member",
    )


@pytest.mark.django_db
def test_approving_a_claim_creates_the_duty_and_refuses_the_others(grid):
    first, second = volunteer(grid, 1), volunteer(grid, 2)
    a = claim_create(user=None, volunteer=first, place=grid.b2)
    b = claim_create(user=None, volunteer=second, place=grid.b2)
    transition(a, "approved", by=grid.users["kaiwu"])
    a.refresh_from_db()
    b.refresh_from_db()
    assert (
        a.status == "approved" and a.duty.kind == "building_leader" and a.duty.building == grid.b2
    )
    assert b.status == "refused"
    assert [c.to_status for c in ClaimChange.objects.filter(claim=a)] == ["pending", "approved"]


@pytest.mark.django_db
def test_a_covered_place_cannot_be_claimed(grid):
    with pytest.raises(Problem):
        claim_create(user=None, volunteer=volunteer(grid, 1), place=grid.b1)  # alice leads it


@pytest.mark.django_db
def test_a_double_claim_is_one_pending_claim(grid):
    claimant = volunteer(grid, 5)
    claim_create(user=None, volunteer=claimant, place=grid.b2)
    with pytest.raises(Problem):
        claim_create(user=None, volunteer=claimant, place=grid.b2)
    assert Claim.objects.filter(volunteer=claimant, status="pending").count() == 1


@pytest.mark.django_db
def test_claims_are_for_the_volunteers_own_committee(grid):
    with pytest.raises(Problem):
        claim_create(user=None, volunteer=volunteer(grid, 1), place=grid.lb1)


@pytest.mark.django_db
def test_moves_not_in_the_table_are_refused(grid):
    claim = claim_create(user=None, volunteer=volunteer(grid, 1), place=grid.b2)
    transition(claim, "refused", by=grid.users["kaiwu"])
    with pytest.raises(Problem):
        transition(claim, "approved", by=grid.users["kaiwu"])
    assert ClaimChange.objects.filter(claim=claim).count() == 2


@pytest.mark.django_db
def test_only_staff_of_the_committee_decide_and_only_the_claimant_withdraws(grid):
    helper = volunteer(grid, 1)
    helper.user = grid.users["charlie"]
    helper.save()
    claim = claim_create(user=None, volunteer=helper, place=grid.b2)
    for outsider in ("lishui", "bob", "charlie"):
        with pytest.raises(PermissionDenied):
            transition(claim, "approved", by=grid.users[outsider])
    with pytest.raises(PermissionDenied):
        transition(claim, "withdrawn", by=grid.users["kaiwu"])
    transition(claim, "withdrawn", by=grid.users["charlie"])
    assert Claim.objects.get(pk=claim.pk).status == "withdrawn"


@pytest.mark.django_db
def test_ending_the_duty_ends_the_claim_and_frees_the_place(grid):
    claim = claim_create(user=None, volunteer=volunteer(grid, 1), place=grid.b2)
    transition(claim, "approved", by=grid.users["kaiwu"])
    claim.refresh_from_db()
    services.duty_end(user=grid.users["kaiwu"], duty=claim.duty)
    assert Claim.objects.get(pk=claim.pk).status == "ended"
    again = claim_create(user=None, volunteer=volunteer(grid, 2), place=grid.b2)
    transition(again, "approved", by=grid.users["kaiwu"])
    assert Claim.objects.filter(building=grid.b2, status="approved").count() == 1


@pytest.mark.django_db
def test_household_claims_make_neighbour_keepers(grid):
    claim = claim_create(user=None, volunteer=volunteer(grid, 1), place=grid.households["b1_101"])
    transition(claim, "approved", by=grid.users["kaiwu"])
    claim.refresh_from_db()
    assert claim.duty.kind == "neighbour_keeper"
    assert claim.duty.household == grid.households["b1_101"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_of_claims_on_one_building_let_exactly_one_through():
    s = build_grid_scenario(build_scenario())
    n = 6
    claims = [claim_create(user=None, volunteer=volunteer(s, i), place=s.b2) for i in range(n)]
    staff = s.users["kaiwu"]
    barrier = threading.Barrier(n)
    outcomes: list[str] = []

    def approve(claim):
        barrier.wait()
        try:
            for _attempt in range(200):
                try:
                    transition(claim, "approved", by=staff)
                    outcomes.append("ok")
                    return
                except Problem:
                    outcomes.append("refused")
                    return
                except OperationalError as exc:
                    # The in-memory SQLite test database reports "table is locked" at once
                    # where a file database (busy_timeout) would wait: wait here instead.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
            outcomes.append("gave up")
        except Exception as exc:  # anything else shows in the assertion below
            outcomes.append(f"error {type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(c,)) for c in claims]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] + ["refused"] * (n - 1), (connection.vendor, outcomes)
    assert Claim.objects.filter(building=s.b2, status="approved").count() == 1
    assert Duty.objects.active().filter(building=s.b2, kind="building_leader").count() == 1


@pytest.mark.django_db
def test_the_table_lets_staff_decide_and_the_claimant_withdraw(grid):
    helper = volunteer(grid, 1)
    helper.user = grid.users["charlie"]
    helper.save()

    def claimed():
        return claim_create(user=None, volunteer=helper, place=grid.b2)

    def moved(*statuses):
        def make():
            claim = claimed()
            for status in statuses:
                transition(claim, status, by=None, system=True)
            return claim

        return make

    check_workflow_table(
        CLAIM_WORKFLOW,
        {
            "pending": claimed,
            "approved": moved("approved"),
            "refused": moved("refused"),
            "withdrawn": moved("withdrawn"),
            "ended": moved("approved", "ended"),
        },
        {name: grid.users[name] for name in ("kaiwu", "town", "lishui", "alice", "bob", "charlie")},
        {
            "approved": {"kaiwu", "town"},
            "refused": {"kaiwu", "town"},
            "ended": {"kaiwu", "town"},
            "withdrawn": {"charlie"},
        },
    )
