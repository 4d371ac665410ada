"""Fixtures of the care tests: the grid scenario (alice leads 香樟苑 1号楼, bob is second
secretary of 香樟苑, dave is paired with 陈国强, erin keeps 2号楼 201), a medicine team of
新凯五村 with frank in it, and a helper to make requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from linli.accounts.models import ApiToken, User
from linli.care.models import HelpRequest
from linli.care.services import help_request_create
from linli.core.pinyin import initials
from linli.duty.models import Team, Volunteer
from linli.testing.scenario import PASSWORD, Scenario, build_grid_scenario


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def add_team(s: Scenario) -> Team:
    """新凯五村's medicine team, led by frank (a volunteer with a login)."""
    user = User.objects.create_user(
        username="frank", password=PASSWORD, role=User.Role.VOLUNTEER, town=s.town
    )
    s.users["frank"] = user
    team = Team.objects.create(town=s.town, committee=s.kaiwu, function=Team.Function.MEDICINE)
    frank = Volunteer.objects.create(
        town=s.town,
        committee=s.kaiwu,
        user=user,
        team=team,
        name="方克",
        name_initials=initials("方克"),
        phone="13900000006",
        source=Volunteer.Source.RESIDENT_VOLUNTEER,
    )
    s.volunteers["frank"] = frank
    return team


@pytest.fixture
def grid(scenario) -> Scenario:
    s = build_grid_scenario(scenario)
    s.team = add_team(s)  # type: ignore[attr-defined]
    return s


def make_request(
    s: Scenario,
    who: str = "zhang",
    *,
    category: str = "medicine",
    urgency: str = "normal",
    now: dt.datetime | None = None,
    by: str = "kaiwu",
    **kwargs: Any,
) -> HelpRequest:
    """A request for a scenario resident (`who`), recorded by a staff login."""
    return help_request_create(
        user=s.users[by],
        resident=s.residents[who],
        category=category,
        urgency=urgency,
        source=HelpRequest.Source.STAFF,
        description="降压药",
        now=now,
        **kwargs,
    ).help_request


@pytest.fixture
def api_for(grid):
    """api_for("alice") → a Client sending alice's bearer token."""

    def make(username: str) -> Client:
        key = ApiToken.issue(grid.users[username])
        return Client(headers={"authorization": f"Bearer {key}"})

    return make
