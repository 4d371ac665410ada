"""The demo care data is consistent with the workflow."""

import datetime as dt

import pytest

from linli.care import demo
from linli.care.demo import build_demo_care
from linli.care.models import HelpRequest, Visit
from linli.care.workflow import HELP_REQUEST_WORKFLOW
from linli.core.demo_logins import ensure_demo_logins
from linli.places.demo import build_demo_town

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_demo_care_data_follows_the_workflow(grid, monkeypatch, seed):
    monkeypatch.setattr(demo, "REQUEST_SHARE", 1.0)  # a request for every household
    counts = build_demo_care(grid.town, seed=seed)
    assert counts["visits"] == Visit.objects.count() > 0
    assert counts["help_requests"] == HelpRequest.objects.count() == len(grid.households)
    for hr in HelpRequest.objects.prefetch_related("transitions"):
        steps = list(hr.transitions.all())
        assert steps[0].from_status == "" and steps[-1].to_status == hr.status
        for step in steps[1:]:
            assert (step.from_status, step.to_status) in HELP_REQUEST_WORKFLOW.table
        assert (hr.closed_at is None) == hr.is_open


def test_the_demo_builds_care_data_once_after_the_grid():
    town = build_demo_town(seed=5, scale=0.02, as_of=dt.date(2022, 4, 1))
    logins = ensure_demo_logins(town, "pw-demo-1")
    assert {"leader", "paired", "secretary"} <= {login.username for login in logins}
    visits = Visit.objects.filter(town=town)
    assert visits.exists() and HelpRequest.objects.filter(town=town).exists()
    assert not visits.filter(volunteer__isnull=True).exists()  # knocked by the grid's helpers
    counts = (visits.count(), HelpRequest.objects.count())
    ensure_demo_logins(town, "pw-demo-2")
    assert (visits.count(), HelpRequest.objects.count()) == counts
