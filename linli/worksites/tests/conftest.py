from __future__ import annotations

import pytest
from django.core.cache import cache

from linli.testing.scenario import Scenario, build_grid_scenario
from linli.testing.worksites import build_worksites_scenario


@pytest.fixture
def ws(scenario) -> Scenario:
    """The grid scenario with 安置房工地 (新凯五村, three workers, `foreman` its person in
    charge) and 丽水物流工地 (丽水, one worker)."""
    return build_worksites_scenario(build_grid_scenario(scenario))


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counts live in the cache: the probe and the checkpoint tests use up the
    addresses' allowances, which must not leak into the next test (of any app)."""
    cache.clear()
    yield
    cache.clear()
