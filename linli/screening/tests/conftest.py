from __future__ import annotations

import pytest

from linli.testing.scenario import Scenario, build_grid_scenario
from linli.testing.screening import build_screening_scenario


@pytest.fixture
def scr(scenario) -> Scenario:
    return build_screening_scenario(build_grid_scenario(scenario))
