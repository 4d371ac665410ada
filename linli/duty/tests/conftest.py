"""Fixtures of the duty tests: the base scenario with the responsibility grid on it."""

from __future__ import annotations

import pytest

from linli.duty import services
from linli.duty.models import Volunteer
from linli.testing.scenario import Scenario, build_grid_scenario


@pytest.fixture
def grid(scenario) -> Scenario:
    return build_grid_scenario(scenario)


@pytest.fixture
def medic(grid) -> Volunteer:
    """医生, a staff volunteer of 新凯五村 with medical skills (and no duty or pairing yet)."""
    return services.volunteer_create(
        user=None,
        committee=grid.kaiwu,
        name="医生",
        phone="13700003333",
        source="staff",
        skills=["medical"],
    )
