"""Worksites on top of the grid scenario (issue 12), for the worksites tests.

`build_worksites_scenario(s)` adds s.site: 安置房工地 (新凯五村, kind worksite) with two
dormitories and three workers (s.workers: 周大力 entered 3 days ago, under observation; 吴小海
and 郑强 entered 60 days ago), each with a phone 1370000000x; s.other_site: 丽水物流工地 (丽水)
with one worker. The site's person in charge has a login, `foreman` (a volunteer of 新凯五村
made second secretary of the site: that is how a person in charge gets the site's scope).
`make_site()` builds a site of any size for the report's tests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from linli.accounts.models import User
from linli.core.pinyin import initials
from linli.places.models import Building, Committee, Compound, Household, Resident
from linli.testing.scenario import PASSWORD, Scenario, make_id_number
from linli.worksites.models import WorkerInfo

_next_seq = [500]


def make_site(
    s: Scenario,
    name: str,
    workers: int,
    *,
    committee: Committee | None = None,
    entered_days_ago: int = 60,
    rooms_per_dorm: int = 20,
    people_per_room: int = 8,
) -> Compound:
    """A worksite with `workers` present workers in rooms of 8, dormitories of 20 rooms."""
    committee = committee or s.kaiwu
    site = Compound.objects.create(
        town=s.town, committee=committee, name=name, kind=Compound.Kind.WORKSITE
    )
    entered = timezone.localdate() - dt.timedelta(days=entered_days_ago)
    households: dict[tuple[int, int], Household] = {}
    buildings: dict[int, Building] = {}
    residents = []
    for i in range(workers):
        room_no, dorm_no = i // people_per_room, i // (people_per_room * rooms_per_dorm)
        if dorm_no not in buildings:
            buildings[dorm_no] = Building.objects.create(
                town=s.town, compound=site, name=f"{dorm_no + 1}号宿舍"
            )
        key = (dorm_no, room_no)
        if key not in households:
            households[key] = Household.objects.create(
                town=s.town, building=buildings[dorm_no], room=f"{room_no + 101}"
            )
        _next_seq[0] += 1
        seq = _next_seq[0]
        worker_name = f"工人{seq}"
        residents.append(
            Resident(
                town=s.town,
                household=households[key],
                name=worker_name,
                name_initials=initials(worker_name),
                id_number=make_id_number(
                    birth=f"1980{(seq // 900) % 12 + 1:02d}15", seq=seq % 900 + 100
                ),
                gender="M",
            )
        )
    Resident.objects.bulk_create(residents)
    WorkerInfo.objects.bulk_create(
        WorkerInfo(town=s.town, resident=r, employer="劳务公司", trade="木工", entered_on=entered)
        for r in Resident.objects.filter(household__building__compound=site)
    )
    return site


def _worker(
    s: Scenario, household: Household, name: str, seq: int, phone: str, entered: dt.date
) -> Resident:
    resident = Resident.objects.create(
        town=s.town,
        household=household,
        name=name,
        name_initials=initials(name),
        id_number=make_id_number(region="320321", birth="19850101", seq=seq),
        gender="M" if seq % 2 else "F",
        phone=phone,
    )
    WorkerInfo.objects.create(
        town=s.town, resident=resident, employer="建工劳务", trade="钢筋工", entered_on=entered
    )
    return resident


def build_worksites_scenario(s: Scenario) -> Scenario:
    """Needs `build_grid_scenario(s)` first."""
    from linli.duty.models import Duty, Volunteer

    today = timezone.localdate()
    site = Compound.objects.create(
        town=s.town, committee=s.kaiwu, name="安置房工地", kind=Compound.Kind.WORKSITE
    )
    d1 = Building.objects.create(town=s.town, compound=site, name="1号宿舍")
    d2 = Building.objects.create(town=s.town, compound=site, name="2号宿舍")
    r101 = Household.objects.create(town=s.town, building=d1, room="101")
    r201 = Household.objects.create(town=s.town, building=d2, room="201")
    workers: dict[str, Any] = {
        "zhou": _worker(s, r101, "周大力", 111, "13700000001", today - dt.timedelta(days=3)),
        "wu": _worker(s, r101, "吴小海", 223, "13700000002", today - dt.timedelta(days=60)),
        "zheng": _worker(s, r201, "郑强", 335, "13700000003", today - dt.timedelta(days=60)),
    }
    other = Compound.objects.create(
        town=s.town, committee=s.lishui, name="丽水物流工地", kind=Compound.Kind.WORKSITE
    )
    od = Building.objects.create(town=s.town, compound=other, name="1号宿舍")
    oh = Household.objects.create(town=s.town, building=od, room="101")
    workers["sun"] = _worker(s, oh, "孙建业", 447, "13700000004", today - dt.timedelta(days=60))
    user = User.objects.create_user(
        username="foreman", password=PASSWORD, role=User.Role.VOLUNTEER, town=s.town
    )
    s.users["foreman"] = user
    foreman = Volunteer.objects.create(
        town=s.town,
        committee=s.kaiwu,
        user=user,
        name="钱工头",
        name_initials=initials("钱工头"),
        phone="13900000066",
        source=Volunteer.Source.RESIDENT_VOLUNTEER,
    )
    s.volunteers["foreman"] = foreman
    Duty.objects.create(
        volunteer=foreman,
        kind=Duty.Kind.SECOND_SECRETARY,
        title="工地负责人",
        town=s.town,
        committee=s.kaiwu,
        compound=site,
    )
    s.site = site  # type: ignore[attr-defined]
    s.other_site = other  # type: ignore[attr-defined]
    s.workers = workers  # type: ignore[attr-defined]
    return s
