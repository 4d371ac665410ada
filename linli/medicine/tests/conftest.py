"""Fixtures of the medicine tests: the grid scenario with the medicine team on it."""

from __future__ import annotations

import pytest

from linli.testing.medicine import build_medicine_scenario
from linli.testing.scenario import Scenario, build_grid_scenario


@pytest.fixture
def med(scenario) -> Scenario:
    return build_medicine_scenario(build_grid_scenario(scenario))
