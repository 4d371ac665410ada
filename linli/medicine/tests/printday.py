"""A printed day for the tests of labels, run sheets, hand-over lists and the day's report:
12 April 2022 in 泗泾镇, two runs saved with the ORM (the desk's plan writes the same rows).

runner (冉娜) visits 泗泾医院 then 松江区中心医院, and the gates of 丽水 then 新凯五村:
    A-03 李秀英 (新凯五村)  泗泾医院 全科             green, delivered
    A-02 陈国强 (丽水)      中心医院 内分泌科          red, confirmed; a confidential line
    A-01 张三丰 (新凯五村)  中心医院 内科              yellow; insulin, cold chain
    A-04 王建国 (新凯五村)  中心医院 内科              yellow; carried over that afternoon
runner2 (冉二) visits 泗泾医院 and 丽水's gate:
    B-01 刘小红 (丽水)      泗泾医院 全科              yellow, bagged
Not on a run: U-1 刘小红 due that day (verified), C-1 赵丽华 cancelled, G-9 赵丽华 and one
request of hers without a form number that the day's plan carried to the 13th, and Y-1 on a run
of the 11th.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from linli.medicine.models import DayPlan, MedicineOrder, MedicineOrderChange, MedicineRun
from linli.testing.medicine import make_order
from linli.testing.scenario import Scenario

DAY = dt.date(2022, 4, 12)
S = MedicineOrder.Status


@dataclass
class Day:
    s: Scenario
    run: MedicineRun
    run2: MedicineRun
    orders: dict[str, MedicineOrder]
    no_number: MedicineOrder


def make_run(
    s: Scenario, runner: str, day: dt.date, *, hospitals: list[str], gates: list[Any], km: str
) -> MedicineRun:
    plan, _ = DayPlan.objects.get_or_create(
        town=s.town, date=day, defaults={"total_km": Decimal("0")}
    )
    return MedicineRun.objects.create(
        town=s.town,
        plan=plan,
        date=day,
        runner=s.volunteers[runner].medicine_post,
        hospital_order=[s.hospitals[h].pk for h in hospitals],  # type: ignore[attr-defined]
        gate_order=[c.pk for c in gates],
        km=Decimal(km),
    )


def build_day(s: Scenario) -> Day:
    run = make_run(
        s, "runner", DAY, hospitals=["local", "central"], gates=[s.lishui, s.kaiwu], km="48.20"
    )
    run2 = make_run(s, "runner2", DAY, hospitals=["local"], gates=[s.lishui], km="12.50")
    metformin = {"generic_name": "二甲双胍", "strength": "0.5g×20片", "boxes": 2, "maker": "施贵宝"}
    orders = {
        "A-01": make_order(
            s,
            "zhang",
            form_number="A-01",
            service_date=DAY,
            status=S.PLANNED,
            lines=[
                metformin,
                {
                    "generic_name": "门冬胰岛素",
                    "trade_name": "诺和锐",
                    "strength": "3ml:300单位",
                    "boxes": 1,
                    "cold_chain": True,
                    "any_maker": True,
                },
            ],
        ),
        "A-02": make_order(
            s,
            "chen",
            department="central_endo",
            urgency=MedicineOrder.Urgency.RED,
            form_number="A-02",
            service_date=DAY,
            status=S.CONFIRMED,
            lines=[
                {"generic_name": "奥氮平", "strength": "5mg×28片", "confidential": True},
                {"generic_name": "阿卡波糖", "strength": "50mg×30片"},
            ],
        ),
        "A-03": make_order(
            s,
            "li",
            hospital="local",
            department="local_general",
            urgency=MedicineOrder.Urgency.GREEN,
            form_number="A-03",
            service_date=DAY,
            status=S.DELIVERED,
        ),
        "A-04": make_order(s, "wang", form_number="A-04", service_date=DAY, status=S.CARRIED_OVER),
        "B-01": make_order(
            s,
            "liu",
            hospital="local",
            department="local_general",
            form_number="B-01",
            service_date=DAY,
            status=S.BAGGED,
        ),
    }
    for key in ("A-01", "A-02", "A-03", "A-04"):
        orders[key].run = run
    orders["B-01"].run = run2
    for order in orders.values():
        order.save(update_fields=["run"])
    afternoon = timezone.make_aware(dt.datetime(2022, 4, 12, 15, 0))
    MedicineOrderChange.objects.create(
        order=orders["A-04"], from_status=S.AT_HOSPITAL, to_status=S.CARRIED_OVER, at=afternoon
    )
    tomorrow = DAY + dt.timedelta(days=1)
    orders["U-1"] = make_order(s, "liu", form_number="U-1", service_date=DAY)
    orders["C-1"] = make_order(s, "zhao", form_number="C-1", service_date=DAY, status=S.CANCELLED)
    orders["G-9"] = make_order(s, "zhao", form_number="G-9", service_date=tomorrow)
    no_number = make_order(s, "zhao", service_date=tomorrow)
    DayPlan.objects.filter(town=s.town, date=DAY).update(
        carried_over=["G-9", str(no_number.pk)], total_km=Decimal("60.70")
    )
    yesterday = DAY - dt.timedelta(days=1)
    old_run = make_run(s, "runner", yesterday, hospitals=["central"], gates=[s.kaiwu], km="30")
    orders["Y-1"] = make_order(
        s, "zhang", form_number="Y-1", service_date=yesterday, status=S.DELIVERED
    )
    orders["Y-1"].run = old_run
    orders["Y-1"].save(update_fields=["run"])
    return Day(s, run, run2, orders, no_number)
