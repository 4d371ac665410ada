"""A day with known counts in every part of the daily briefing (issue 13), on top of the grid
and medicine scenarios: `build_daily_scenario(s)` needs `build_grid_scenario(s)` and
`build_medicine_scenario(s)` first. D is today, Y yesterday; the counts are worked by hand in
linli/dashboards/tests (this file only writes the rows, straight to the tables: a test's
data, not users' actions).

Help requests (town 泗泾镇):
  hr_open    b1_101  medicine/urgent  new          created D 08:00  due D+1 08:00
  hr_late    b1_102  supplies/normal  in_progress  created Y 09:00  due Y 18:00
  hr_done    lb1_101 medical/today    done         created Y 10:00  due D 12:00  closed D 10:00
  hr_gone    b2_101  other/normal     cancelled    created D 07:00  due D+1     closed D 09:00
Visits: 张三丰 (by name) D 09:00 all well; 李秀英's household D 09:30 nobody home; 赵丽华 (by
name) Y−1 (D−2) 10:00 all well. The grid's pairing 戴维–陈国强 starts now (today).
Medicine: requests for 张三丰 (松江区中心医院, delivered) and 李秀英 (泗泾医院, planned), both due
D, on runner 冉娜's run of D.
Supplies: a round "第一轮大礼包" over 香樟苑 and 丽水苑 (6 households), delivering: 101 and 102
of 香樟苑 1号楼 delivered D 10:00, 香樟苑 2号楼 101 absent, the other 3 pending; group buys:
one open, one arrived D 11:00, one settled D 15:00; a worksite's two orders for D, one
delivered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from linli.care.models import HelpRequest, Visit
from linli.medicine.models import MedicineOrder
from linli.supplies.models import GroupBuy, GroupBuyChange, PackageDelivery, WorksiteOrder
from linli.testing.medicine import make_order, make_run
from linli.testing.scenario import Scenario


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@dataclass
class Day:
    s: Scenario
    day: dt.date
    rows: dict[str, Any] = field(default_factory=dict)


def _request(s: Scenario, household: str, **fields: Any) -> HelpRequest:
    return HelpRequest.objects.create(
        town=s.town,
        household=s.households[household],
        source=HelpRequest.Source.STAFF,
        **fields,
    )


def build_daily_scenario(s: Scenario) -> Day:
    d = timezone.localdate()
    y = d - dt.timedelta(days=1)
    R, C, U = HelpRequest.Status, HelpRequest.Category, HelpRequest.Urgency
    found = Day(s, d)
    found.rows["hr_open"] = _request(
        s, "b1_101", category=C.MEDICINE, urgency=U.URGENT, status=R.NEW,
        created_at=at(d, 8), due_at=at(d + dt.timedelta(days=1), 8),
    )  # fmt: skip
    found.rows["hr_late"] = _request(
        s, "b1_102", category=C.SUPPLIES, urgency=U.NORMAL, status=R.IN_PROGRESS,
        created_at=at(y, 9), due_at=at(y, 18),
    )  # fmt: skip
    found.rows["hr_done"] = _request(
        s, "lb1_101", category=C.MEDICAL, urgency=U.TODAY, status=R.DONE,
        created_at=at(y, 10), due_at=at(d, 12), closed_at=at(d, 10),
    )  # fmt: skip
    found.rows["hr_gone"] = _request(
        s, "b2_101", category=C.OTHER, urgency=U.NORMAL, status=R.CANCELLED,
        created_at=at(d, 7), due_at=at(d + dt.timedelta(days=1), 7), closed_at=at(d, 9),
    )  # fmt: skip
    V = Visit.Outcome
    for household, resident, when, outcome in [
        ("b1_101", "zhang", at(d, 9), V.ALL_WELL),
        ("b1_102", None, at(d, 9, 30), V.NOBODY_HOME),
        ("b2_201", "zhao", at(d - dt.timedelta(days=2), 10), V.ALL_WELL),
    ]:
        Visit.objects.create(
            town=s.town,
            household=s.households[household],
            resident=s.residents[resident] if resident else None,
            outcome=outcome,
            visited_at=when,
        )

    # Medicine: two requests on the runner's run of D, one delivered.
    first = make_order(s, "zhang", hospital="central", service_date=d)
    second = make_order(s, "li", hospital="local", department="local_general", service_date=d)
    make_run(s, [first, second], runner="runner", day=d)
    MedicineOrder.objects.filter(pk=first.pk).update(status=MedicineOrder.Status.DELIVERED)

    _supplies(s, found)
    return found


def _supplies(s: Scenario, found: Day) -> None:
    from linli.places.models import Compound
    from linli.supplies.models import PackageRound, WorksiteNeed
    from linli.supplies.services_rounds import ROUND_WORKFLOW, round_create
    from linli.testing.supplies_groupbuys import group_buy_world, make_group_buy
    from linli.testing.supplies_suppliers import make_supplier, make_worksite

    d = found.day
    package_round = round_create(
        user=s.users["town"],
        town=s.town,
        name="第一轮大礼包",
        contents="大米5公斤",
        compounds=Compound.objects.filter(pk__in=[s.xiangzhang.pk, s.lishuiyuan.pk]),
    )
    ROUND_WORKFLOW.transition(package_round, PackageRound.Status.DELIVERING, by=s.users["town"])
    deliveries = PackageDelivery.objects.filter(round=package_round)
    deliveries.filter(household__in=[s.households["b1_101"], s.households["b1_102"]]).update(
        status=PackageDelivery.Status.DELIVERED, delivered_at=at(d, 10)
    )
    deliveries.filter(household=s.households["b2_101"]).update(status=PackageDelivery.Status.ABSENT)
    found.rows["round"] = package_round

    world = group_buy_world(s)
    found.rows["gb_open"] = make_group_buy(world)
    arrived = make_group_buy(world)
    GroupBuy.objects.filter(pk=arrived.pk).update(
        status=GroupBuy.Status.ARRIVED, arrived_at=at(d, 11)
    )
    settled = make_group_buy(world)
    GroupBuy.objects.filter(pk=settled.pk).update(status=GroupBuy.Status.SETTLED)
    GroupBuyChange.objects.create(
        group_buy=settled,
        from_status=GroupBuy.Status.DISTRIBUTING,
        to_status=GroupBuy.Status.SETTLED,
        at=at(d, 15),
    )

    supplier = make_supplier(s.town, "工地粮油公司")
    for name, status in [
        ("松江枢纽工地", WorksiteOrder.Status.DELIVERED),
        ("泗泾北工地", WorksiteOrder.Status.ORDERED),
    ]:
        site = make_worksite(s, name)
        need = WorksiteNeed.objects.create(
            town=s.town, committee=s.kaiwu, compound=site, headcount=10, rice_kg=5
        )
        WorksiteOrder.objects.create(
            town=s.town,
            committee=s.kaiwu,
            compound=site,
            need=need,
            supplier=supplier,
            delivery_on=d,
            headcount=10,
            rice_kg=5,
            status=status,
        )
