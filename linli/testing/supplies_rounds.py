"""Test scenario for package rounds and the shared basket (issue 11, the rounds part).

On top of the grid scenario (`build_grid_scenario`): a worksite 城建工地 of 新凯五村 with a
dormitory (宿舍1号楼, rooms 101 and 102, workers' rooms with no resident registered), the
committee's delivery team with volunteer `gina` (login) and its transport team (老年物资运输队),
and `round_of(s)`: a round over the whole town, delivering, the delivery team on 香樟苑 1号楼.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linli.accounts.models import User
from linli.core.pinyin import initials
from linli.duty.models import Team, Volunteer
from linli.places.models import Building, Compound, Household
from linli.supplies.models import PackageRound, RoundBuilding, RoundTeam
from linli.supplies.services_rounds import ROUND_WORKFLOW, round_create, round_team_add
from linli.testing.scenario import PASSWORD, Scenario


@dataclass
class Extras:
    """What the rounds scenario adds to the grid scenario."""

    site: Compound
    dorm: Building
    delivery_team: Team
    transport_team: Team


def build_rounds_scenario(s: Scenario) -> Extras:
    """The worksite, its dormitory and the teams (see the module docstring); needs the grid."""
    site = Compound.objects.create(
        town=s.town, committee=s.kaiwu, name="城建工地", kind=Compound.Kind.WORKSITE
    )
    dorm = Building.objects.create(town=s.town, compound=site, name="宿舍1号楼")
    for room in ("101", "102"):
        s.households[f"dorm_{room}"] = Household.objects.create(
            town=s.town, building=dorm, room=room
        )
    x = Extras(
        site=site,
        dorm=dorm,
        delivery_team=Team.objects.create(
            town=s.town, committee=s.kaiwu, function=Team.Function.DELIVERY
        ),
        transport_team=Team.objects.create(
            town=s.town, committee=s.kaiwu, function=Team.Function.TRANSPORT
        ),
    )
    user = User.objects.create_user(
        username="gina", password=PASSWORD, role=User.Role.VOLUNTEER, town=s.town
    )
    s.users["gina"] = user
    s.volunteers["gina"] = Volunteer.objects.create(
        town=s.town,
        committee=s.kaiwu,
        user=user,
        team=x.delivery_team,
        name="吉娜",
        name_initials=initials("吉娜"),
        phone="13900000007",
        source=Volunteer.Source.RESIDENT_VOLUNTEER,
    )
    return x


def round_of(
    s: Scenario, x: Extras, *, name: str = "第一轮大礼包", delivering: bool = True
) -> PackageRound:
    """A town-wide round; delivering, with the delivery team assigned to 香樟苑 1号楼."""
    made = round_create(
        user=s.users["town"],
        town=s.town,
        name=name,
        contents="大米5公斤、食用油1桶",
        compounds=Compound.objects.filter(town=s.town),
    )
    team = round_team_add(
        user=s.users["town"],
        package_round=made,
        kind=RoundTeam.Kind.SERVICE_TEAM,
        team=x.delivery_team,
    )
    RoundBuilding.objects.filter(round=made, building=s.b1).update(team=team)
    if delivering:
        ROUND_WORKFLOW.transition(made, PackageRound.Status.DELIVERING, by=s.users["town"])
        made.refresh_from_db()
    return made


def delivery(package_round: PackageRound, household: Household) -> Any:
    return package_round.deliveries.get(household=household)
