"""Fixtures of the duty tests: the base scenario with the responsibility grid on it."""

from __future__ import annotations

import pytest

from linli.testing.scenario import Scenario, build_grid_scenario


@pytest.fixture
def grid(scenario) -> Scenario:
    return build_grid_scenario(scenario)
