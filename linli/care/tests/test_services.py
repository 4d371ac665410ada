"""Visits with needs, idempotency (double taps, replays) and request creation rules."""

import pytest

from linli.accounts.models import hash_token
from linli.care.models import HelpRequest, Visit
from linli.care.services import Need, help_request_create, visit_record
from linli.core.models import AuditEntry
from linli.core.validators import Problem

pytestmark = pytest.mark.django_db


def test_a_visit_with_needs_creates_the_requests_in_the_same_step(grid):
    recorded = visit_record(
        user=grid.users["alice"],
        household=grid.households["b1_101"],
        resident=grid.residents["zhang"],
        outcome="need_found",
        notes="独居，腿脚不便",
        needs=[Need("medicine", "today", "降压药剩2天"), Need("supplies", "normal", "米和油")],
    )
    visit = recorded.visit
    assert (visit.volunteer, visit.outcome, visit.resident) == (
        grid.volunteers["alice"],
        "need_found",
        grid.residents["zhang"],
    )
    made = [c.help_request for c in recorded.help_requests]
    assert [(r.category, r.urgency, r.source, r.status) for r in made] == [
        ("medicine", "today", "visit", "new"),
        ("supplies", "normal", "visit", "new"),
    ]
    assert all(r.visit == visit and r.household == grid.households["b1_101"] for r in made)
    assert all(
        c.status_token and hash_token(c.status_token) == c.help_request.access_token_hash
        for c in recorded.help_requests
    )
    assert AuditEntry.objects.filter(target_type="care.visit", action="create").count() == 1


def test_needs_on_an_all_well_visit_make_it_need_found(grid):
    recorded = visit_record(
        user=grid.users["alice"],
        household=grid.households["b1_101"],
        outcome="all_well",
        needs=[Need("other", "normal", "想要口罩")],
    )
    assert recorded.visit.outcome == "need_found"


def test_need_found_without_a_need_is_refused_and_nothing_is_kept(grid):
    with pytest.raises(Problem):
        visit_record(
            user=grid.users["alice"], household=grid.households["b1_101"], outcome="need_found"
        )
    assert not Visit.objects.exists()


def test_a_failing_need_rolls_back_the_whole_visit(grid):
    with pytest.raises(Problem):
        visit_record(
            user=grid.users["alice"],
            household=grid.households["b1_101"],
            outcome="need_found",
            needs=[Need("medicine"), Need("haircut")],
        )
    assert not Visit.objects.exists()
    assert not HelpRequest.objects.exists()


def test_the_resident_must_live_in_the_household(grid):
    with pytest.raises(Problem):
        visit_record(
            user=grid.users["alice"],
            household=grid.households["b1_101"],
            resident=grid.residents["li"],
            outcome="all_well",
        )


def test_a_double_tapped_visit_is_recorded_once(grid):
    kwargs = {
        "user": grid.users["alice"],
        "household": grid.households["b1_102"],
        "outcome": "need_found",
        "needs": [Need("medical", "urgent", "血透车")],
        "form_token": "tok-aaaaaaaaaaaaaaaaaaaa",
    }
    first = visit_record(**kwargs)
    second = visit_record(**kwargs)
    assert (first.created, second.created) == (True, False)
    assert second.visit == first.visit
    assert [c.help_request for c in second.help_requests] == [
        c.help_request for c in first.help_requests
    ]
    # The second answer shows the same status link as the first.
    assert [c.status_token for c in second.help_requests] == [
        c.status_token for c in first.help_requests
    ]
    assert len(first.help_requests[0].status_token) >= 43  # 256 bits
    assert Visit.objects.count() == 1
    assert HelpRequest.objects.count() == 1


def test_another_login_replaying_a_visit_token_gets_a_visit_of_its_own(grid):
    token = "tok-bbbbbbbbbbbbbbbbbbbb"
    alices = visit_record(
        user=grid.users["alice"],
        household=grid.households["b1_102"],
        outcome="need_found",
        needs=[Need("medicine", "today", "降压药")],
        form_token=token,
    )
    erins = visit_record(
        user=grid.users["erin"],
        household=grid.households["b2_201"],
        outcome="all_well",
        form_token=token,
    )
    assert erins.created
    assert erins.visit != alices.visit
    assert erins.visit.household == grid.households["b2_201"]
    assert erins.help_requests == []  # nothing of alice's visit, no status link of hers
    assert Visit.objects.count() == 2


def test_the_same_idempotency_key_returns_the_same_request(grid):
    def create():
        return help_request_create(
            user=grid.users["kaiwu"],
            resident=grid.residents["wang"],
            category="supplies",
            urgency="today",
            source="phone",
            idempotency_key="k-1",
        )

    first, second = create(), create()
    assert (first.created, second.created) == (True, False)
    assert first.help_request == second.help_request
    assert first.status_token == second.status_token
    assert HelpRequest.objects.count() == 1


def test_the_household_is_derived_from_the_resident(grid):
    made = help_request_create(
        user=grid.users["kaiwu"],
        resident=grid.residents["wang"],
        category="other",
        urgency="normal",
        source="staff",
    )
    assert made.help_request.household == grid.households["b2_101"]
    with pytest.raises(Problem):
        help_request_create(
            user=grid.users["kaiwu"],
            resident=grid.residents["wang"],
            household=grid.households["b1_101"],
            category="other",
            urgency="normal",
            source="staff",
        )


@pytest.mark.parametrize(
    ("field", "value"), [("category", "haircut"), ("urgency", "yesterday"), ("source", "rumour")]
)
def test_unknown_choices_are_refused_with_the_allowed_values(grid, field, value):
    kwargs = {"category": "other", "urgency": "normal", "source": "staff", field: value}
    with pytest.raises(Problem) as refused:
        help_request_create(user=grid.users["kaiwu"], household=grid.households["b1_101"], **kwargs)
    assert value in refused.value.en


def test_untokened_requests_get_distinct_random_links(grid):
    tokens = {
        help_request_create(
            user=grid.users["kaiwu"],
            household=grid.households["b1_101"],
            category="other",
            urgency="normal",
            source="staff",
        ).status_token
        for _ in range(3)
    }
    assert len(tokens) == 3
    assert all(len(t) >= 43 for t in tokens)
