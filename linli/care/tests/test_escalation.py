"""Due times and escalation up the grid, on a fake clock."""

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.care import selectors
from linli.care.models import HelpRequest
from linli.care.workflow import escalation_level
from linli.core.workflow import transition

from .conftest import make_request

pytestmark = pytest.mark.django_db
E = HelpRequest.Escalation
T0 = dt.datetime(2022, 4, 10, 9, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("urgency", "due_in"), [("urgent", 2 * H), ("today", 8 * H), ("normal", 48 * H)]
)
def test_due_time_follows_the_urgency(grid, urgency, due_in):
    hr = make_request(grid, urgency=urgency, now=T0)
    assert hr.due_at == T0 + due_in
    assert hr.created_at == T0


# (urgency, hours after creation, level): due at +2 h / +8 h / +48 h, then one level up per step
# of 1 h / 4 h / 24 h.
LADDER = [
    ("urgent", 0, E.OWNER),
    ("urgent", 2, E.OWNER),
    ("urgent", 2.5, E.BUILDING_LEADER),
    ("urgent", 3, E.BUILDING_LEADER),
    ("urgent", 3.5, E.COMMITTEE),
    ("urgent", 4, E.COMMITTEE),
    ("urgent", 4.5, E.TOWN),
    ("urgent", 100, E.TOWN),
    ("today", 7.9, E.OWNER),
    ("today", 9, E.BUILDING_LEADER),
    ("today", 13, E.COMMITTEE),
    ("today", 17, E.TOWN),
    ("normal", 47, E.OWNER),
    ("normal", 49, E.BUILDING_LEADER),
    ("normal", 73, E.COMMITTEE),
    ("normal", 97, E.TOWN),
]


@pytest.mark.parametrize(("urgency", "hours", "level"), LADDER)
def test_overdue_requests_climb_the_grid(grid, urgency, hours, level):
    hr = make_request(grid, urgency=urgency, now=T0)
    now = T0 + dt.timedelta(hours=hours)
    assert escalation_level(hr, now) == level
    # The lists compute the same level in SQL.
    assert selectors.help_requests_for(grid.users["town"], now).get(pk=hr.pk).escalation == level


def test_closed_requests_do_not_escalate(grid):
    hr = make_request(grid, urgency="urgent", now=T0)
    transition(hr, "accepted", by=grid.users["alice"], at=T0 + H)
    late = T0 + 10 * H
    assert escalation_level(HelpRequest.objects.get(pk=hr.pk), late) == E.TOWN  # accepted is open
    transition(hr, "done", by=grid.users["alice"], at=late)
    assert escalation_level(HelpRequest.objects.get(pk=hr.pk), late) == E.OWNER
    assert selectors.help_requests_for(grid.users["town"], late).get(pk=hr.pk).escalation == E.OWNER


def test_each_level_lists_what_escalated_to_it(grid):
    overdue = make_request(grid, "zhang", urgency="urgent", now=T0)
    fresh = make_request(grid, "li", urgency="normal", now=T0)
    town, kaiwu, alice = grid.users["town"], grid.users["kaiwu"], grid.users["alice"]

    at_leader = T0 + 2.5 * H
    assert list(selectors.building_queue(alice, at_leader)) == [overdue, fresh]
    assert list(selectors.town_queue(town, grid.town, at_leader)) == []

    at_committee = T0 + 3.5 * H
    rows = list(selectors.committee_queue(kaiwu, grid.kaiwu, at_committee))
    assert rows == [overdue, fresh]
    assert rows[0].escalation == E.COMMITTEE
    assert list(selectors.town_queue(town, grid.town, at_committee)) == []

    at_town = T0 + 5 * H
    assert list(selectors.town_queue(town, grid.town, at_town)) == [overdue]
    assert (
        selectors.queue_counts(selectors.committee_queue(kaiwu, grid.kaiwu, at_town)).overdue == 1
    )


def test_the_pages_read_the_clock(grid, client_for):
    """Patch django's clock: the town's page shows the request only once it reached the town."""
    hr = make_request(grid, urgency="urgent", now=T0)
    client = client_for("town")
    with mock.patch("django.utils.timezone.now", return_value=T0 + 3 * H):
        assert f'data-request="{hr.pk}"' not in client.get(reverse("care:town")).content.decode()
    with mock.patch("django.utils.timezone.now", return_value=T0 + 5 * H):
        page = client.get(reverse("care:town")).content.decode()
        assert f'data-request="{hr.pk}"' in page
        assert "已升级至镇/街道" in page
        detail = client.get(reverse("care:request", args=[hr.pk])).content.decode()
        assert "超时，升级至楼组长" in detail
        assert "超时，升级至居委" in detail
        assert "超时，升级至镇/街道" in detail


def test_default_clock_is_now(grid):
    hr = make_request(grid, urgency="urgent")
    assert abs(hr.due_at - (timezone.now() + 2 * H)) < dt.timedelta(seconds=30)
    assert escalation_level(hr) == E.OWNER
