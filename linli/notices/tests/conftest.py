from __future__ import annotations

import pytest

from linli.testing.notices import build_notices_scenario
from linli.testing.scenario import Scenario, build_grid_scenario


@pytest.fixture
def world(scenario, settings) -> Scenario:
    """The grid scenario with the worksite, the delivery team (gina) and ivy (linli/testing/
    notices.py); robots' retries come at once (no wait between tries)."""
    settings.LINLI_ROBOT_BACKOFF_SECONDS = 0
    settings.LINLI_SITE_URL = "https://linli.example.cn"
    s = build_grid_scenario(scenario)
    s.extras = build_notices_scenario(s)  # type: ignore[attr-defined]
    return s
