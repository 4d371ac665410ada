from __future__ import annotations

import pytest

from linli.testing.scenario import Scenario, build_grid_scenario
from linli.testing.worksites import build_worksites_scenario


@pytest.fixture
def ws(scenario) -> Scenario:
    """The grid scenario with 安置房工地 (新凯五村, three workers, `foreman` its person in
    charge) and 丽水物流工地 (丽水, one worker)."""
    return build_worksites_scenario(build_grid_scenario(scenario))
