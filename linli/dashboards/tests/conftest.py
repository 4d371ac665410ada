"""The day of linli/testing/daily.py on the grid and medicine scenarios, for the dashboards'
and the daily briefing's tests."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from linli.testing.daily import Day, build_daily_scenario
from linli.testing.medicine import build_medicine_scenario
from linli.testing.scenario import build_grid_scenario


@pytest.fixture
def day(scenario) -> Day:
    build_grid_scenario(scenario)
    build_medicine_scenario(scenario)
    return build_daily_scenario(scenario)


@pytest.fixture
def report_json(capsys):
    """report_json("care", "--date", "2026-12-07") → `linli report care …` as a dict."""

    def run(kind: str, *options: str) -> dict:
        capsys.readouterr()
        call_command("report", kind, "--town", "泗泾镇", "--format", "json", *options)
        return json.loads(capsys.readouterr().out)

    return run
