"""The demo care data is consistent with the workflow."""

import pytest

from linli.care import demo
from linli.care.demo import build_demo_care
from linli.care.models import HelpRequest, Visit
from linli.care.workflow import MOVES

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
            assert step.to_status in MOVES[step.from_status]
        assert (hr.closed_at is None) == hr.is_open
