"""Fixtures of the medicine tests: the grid scenario with the medicine team on it."""

from __future__ import annotations

import pytest

from linli.testing.medicine import build_medicine_scenario
from linli.testing.scenario import Scenario, build_grid_scenario


@pytest.fixture
def med(scenario) -> Scenario:
    return build_medicine_scenario(build_grid_scenario(scenario))


@pytest.fixture(autouse=True)
def planner_package(monkeypatch):
    """The planner helper's package when it is there; until it lands, the tests' stand-in."""
    import importlib
    import sys

    try:
        importlib.import_module("linli.medicine.planner")
    except ModuleNotFoundError:
        from linli.medicine.tests import planner_standin

        monkeypatch.setitem(sys.modules, "linli.medicine.planner", planner_standin)
