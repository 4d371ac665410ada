"""The demo town: a deterministic synthetic 泗泾镇, written with bulk inserts.

`plan_town()` draws the whole town in memory from one seeded `random.Random` (so the same
seed, scale and date give the same town); `write_town()` stores a plan with one bulk insert
per table, `build_demo_town()` does both in one transaction. At scale 1 the town has 24
committees, about 1,500 buildings and 80,000 residents; tests use a small scale.

The tables it draws from (places, names, hometowns) are in `demo_data.py`, the drawing of
people, households and buildings in `demo_draw.py`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.pinyin import initials
from linli.places import demo_data as data
from linli.places.demo_draw import TAG, CommitteePlan, CompoundPlan, Drawer, TownPlan
from linli.places.models import (
    Building,
    CareTag,
    Committee,
    Compound,
    Household,
    Resident,
    Town,
)
from linli.places.services import BUILTIN_CARE_TAGS

__all__ = ["TAG", "TownPlan", "build_demo_town", "plan_town", "write_town"]


def plan_town(*, seed: int = 2022, scale: float = 1.0, as_of: dt.date | None = None) -> TownPlan:
    """Draw the demo town. Same seed, scale and date → the same town, to the last digit."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    draw = Drawer(seed=seed, as_of=as_of or dt.date.today())
    scaled = lambda n: max(1, round(n * scale))  # noqa: E731
    committees: dict[str, CommitteePlan] = {}
    for name, compounds in data.RESIDENTIAL:
        committee = committees[name] = CommitteePlan(name)
        for compound_name, era, buildings in compounds:
            compound = CompoundPlan(compound_name, Compound.Kind.RESIDENTIAL)
            compound.buildings = [
                draw.residential_building(era, n) for n in range(1, scaled(buildings) + 1)
            ]
            committee.compounds.append(compound)
    for name, hamlets in data.VILLAGES:
        committee = committees[name] = CommitteePlan(name)
        group = 0
        for hamlet, groups in hamlets:
            compound = CompoundPlan(hamlet, Compound.Kind.RESIDENTIAL)
            house = 1
            for _ in range(scaled(groups)):
                group += 1
                building = draw.village_group(group, house)
                house += sum(1 for h in building.households if "-" not in h.room)
                compound.buildings.append(building)
            committee.compounds.append(compound)
    for committee_name, site, kind, blocks, rooms in data.WORKSITES:
        compound = CompoundPlan(site, kind)
        for i in range(1, blocks + 1):
            block = {"worksite": f"{i}号宿舍", "enterprise": f"员工宿舍{'ABCD'[i - 1]}栋"}.get(
                kind, "生活区"
            )
            compound.buildings.append(draw.dormitory(kind, block, scaled(rooms)))
        committees[committee_name].compounds.append(compound)
    return TownPlan(data.TOWN_NAME, list(committees.values()))


def ensure_builtin_care_tags() -> dict[str, CareTag]:
    """The built-in care tags by name (re-created if a flush removed what migrations seeded)."""
    tags = {t.name: t for t in CareTag.objects.filter(town=None)}
    missing = [
        CareTag(name=name, code=code) for code, name in BUILTIN_CARE_TAGS if name not in tags
    ]
    for tag in CareTag.objects.bulk_create(missing):
        tags[tag.name] = tag
    return tags


def write_town(plan: TownPlan) -> Town:
    """Store a planned town: one bulk insert per table, parents first (their ids come back)."""
    town = Town.objects.create(name=plan.name)
    tid = town.pk
    committees = Committee.objects.bulk_create(
        [
            # A made-up office number per committee (021 is Shanghai's area code).
            Committee(town_id=tid, name=c.name, hotline=f"021-5762{i:04d}")
            for i, c in enumerate(plan.committees, start=1)
        ]
    )
    compound_plans = [
        (c.pk, p) for c, cp in zip(committees, plan.committees, strict=True) for p in cp.compounds
    ]
    compounds = Compound.objects.bulk_create(
        [
            Compound(town_id=tid, committee_id=cid, name=p.name, kind=p.kind)
            for cid, p in compound_plans
        ]
    )
    building_plans = [
        (c.pk, b) for c, (_, p) in zip(compounds, compound_plans, strict=True) for b in p.buildings
    ]
    buildings = Building.objects.bulk_create(
        [Building(town_id=tid, compound_id=cid, name=b.name) for cid, b in building_plans],
        batch_size=500,
    )
    household_plans = [
        (b.pk, h)
        for b, (_, bp) in zip(buildings, building_plans, strict=True)
        for h in bp.households
    ]
    households = Household.objects.bulk_create(
        [Household(town_id=tid, building_id=bid, room=h.room) for bid, h in household_plans],
        batch_size=2000,
    )
    people = [
        (h.pk, p) for h, (_, hp) in zip(households, household_plans, strict=True) for p in hp.people
    ]
    residents = Resident.objects.bulk_create(
        [
            Resident(
                town_id=tid,
                household_id=hid,
                name=p.name,
                name_initials=initials(p.name),
                gender=p.gender,
                birth_date=p.birth_date,
                id_number=p.id_number,
                phone=p.phone,
                status=p.status,
                notes=p.notes,
            )
            for hid, p in people
        ],
        batch_size=2000,
    )
    tags = ensure_builtin_care_tags()
    through = Resident.care_tags.through
    through.objects.bulk_create(
        [
            through(resident_id=r.pk, caretag_id=tags[name].pk)
            for r, (_, p) in zip(residents, people, strict=True)
            for name in p.tags
        ],
        batch_size=5000,
    )
    audit(
        user=None,
        action=AuditEntry.Action.IMPORT,
        target=town,
        summary=f"demo town: {len(residents)} residents",
        detail={
            "committees": len(committees),
            "buildings": len(buildings),
            "residents": len(residents),
        },
    )
    return town


@transaction.atomic
def build_demo_town(*, seed: int = 2022, scale: float = 1.0, as_of: dt.date | None = None) -> Town:
    """Draw and store the demo town 泗泾镇 (about 80,000 residents at scale 1)."""
    return write_town(plan_town(seed=seed, scale=scale, as_of=as_of))
