"""Group buys for tests: on the grid scenario, `group_buy_world(s)` makes bob (second secretary
of 香樟苑) a resident of 香樟苑 1号楼 101 so he may organise there, gives 新凯五村 its rules and a
vetted supplier, and `make_group_buy(w, ...)` an open group buy of two items through the
services (created, submitted, approved by `kaiwu`, opened), over 香樟苑 or the compounds given.
`add_compound(s, name)` adds another compound of 新凯五村 (one building, two households with a
resident each) for group buys over several compounds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from linli.core.workflow import transition
from linli.places.models import Building, Compound, Household, Resident
from linli.supplies import services_group_buys as services
from linli.supplies.models import GroupBuy, GroupBuyRules, Supplier
from linli.testing.scenario import Scenario
from linli.testing.supplies_suppliers import make_supplier

RULES_TEXT = "一、团长须为本小区居民或居委指定人员。二、加价不超过标价的10%。"


@dataclass
class GroupBuyWorld:
    s: Scenario
    supplier: Supplier
    rules: GroupBuyRules


def group_buy_world(s: Scenario, **rules: Any) -> GroupBuyWorld:
    bob = s.volunteers["bob"]
    bob.resident = s.residents["zhang"]
    bob.save(update_fields=["resident"])
    fields: dict[str, Any] = {
        "text": RULES_TEXT,
        "organisers": GroupBuyRules.Organisers.RESIDENT_OR_NOMINATED,
        "max_markup_bp": 1000,
        "max_fee_fen": 200,
        "max_window_hours": 48,
        "min_orders": 1,
        "disinfection_required": True,
        "suspended": False,
    }
    fields.update(rules)
    saved = services.group_buy_rules_save(user=s.users["kaiwu"], committee=s.kaiwu, **fields)
    return GroupBuyWorld(s, make_supplier(s.town), saved)


def add_compound(s: Scenario, name: str, *, phone_prefix: str = "1350000") -> Compound:
    """Another compound of 新凯五村: 1号楼 with rooms 101 and 102, a present resident in each
    (phones `phone_prefix` + "0101" / "0102")."""
    compound = Compound.objects.create(town=s.town, committee=s.kaiwu, name=name)
    building = Building.objects.create(town=s.town, compound=compound, name="1号楼")
    for room in ("101", "102"):
        household = Household.objects.create(town=s.town, building=building, room=room)
        Resident.objects.create(
            town=s.town,
            household=household,
            name=f"{name}{room}",
            phone=f"{phone_prefix}0{room}",
        )
    return compound


def make_group_buy(
    w: GroupBuyWorld,
    *,
    compounds: list[Compound] | None = None,
    stock: tuple[int, int] = (100, 50),
    fee_fen: int = 100,
    status: str = GroupBuy.Status.OPEN,
    hours: int = 24,
) -> GroupBuy:
    """An open group buy of 青菜套餐 (2,000 fen, list 1,900) and 大米5kg (3,500, list 3,200)."""
    s = w.s
    now = timezone.now()
    gb = services.group_buy_create(
        user=s.users["bob"],
        compounds=compounds or [s.xiangzhang],
        organiser=s.volunteers["bob"],
        supplier=w.supplier,
        title="香樟苑蔬菜团",
        fee_fen=fee_fen,
        opens_at=now - dt.timedelta(minutes=5),
        closes_at=now + dt.timedelta(hours=hours),
        delivery_on=timezone.localdate() + dt.timedelta(days=1),
        after_sales="团长 鲍勃",
        items=[
            services.ItemIn("青菜套餐", 2000, 1900, stock[0], unit="份", pack_size="约5斤"),
            services.ItemIn("大米5kg", 3500, 3200, stock[1], unit="袋", pack_size="5kg"),
        ],
    )
    path = [GroupBuy.Status.SUBMITTED, GroupBuy.Status.APPROVED, GroupBuy.Status.OPEN]
    for to in path:
        if gb.status == status:
            break
        by = s.users["kaiwu"] if to == GroupBuy.Status.APPROVED else s.users["bob"]
        transition(gb, to, by=by)
    return gb
