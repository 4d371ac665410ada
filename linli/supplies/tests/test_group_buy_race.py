"""Concurrent orders for the last units, on real database connections (one per thread): of 50
households ordering one unit each of the last 10, exactly 10 get one and 40 are refused with a
Conflict (409); the stock is never oversold. On PostgreSQL the calls run in threads released at
once; on SQLite one after another (see linli/care/tests/test_concurrency.py for why)."""

from __future__ import annotations

import pytest
from django.db import connection

from linli.accounts.models import User
from linli.care.tests.test_concurrency import run_together
from linli.core.workflow import Conflict
from linli.places.models import Building, Household
from linli.supplies import services_group_buy_orders as order_services
from linli.supplies.models import GroupBuy, GroupBuyItem, GroupBuyLine, GroupBuyOrder
from linli.testing.scenario import build_grid_scenario, build_scenario
from linli.testing.supplies_groupbuys import group_buy_world, make_group_buy

ORDERS = 50
MODE = pytest.mark.parametrize(
    "mode", ["threads" if connection.vendor == "postgresql" else "one-by-one"]
)


@MODE
def test_fifty_concurrent_orders_for_the_last_ten_units_allocate_exactly_ten(
    transactional_db, mode
):
    w = group_buy_world(build_grid_scenario(build_scenario()))
    s = w.s
    gb = make_group_buy(w, stock=(10, 10))
    building = Building.objects.create(town=s.town, compound=s.xiangzhang, name="9号楼")
    households = [
        Household.objects.create(town=s.town, building=building, room=f"{100 + i}")
        for i in range(ORDERS)
    ]
    veg = gb.items.order_by("id").first()
    kaiwu = User.objects.get(username="kaiwu")

    def order(i):
        order_services.order_place(
            user=kaiwu,
            group_buy=GroupBuy(pk=gb.pk),
            household=Household.objects.select_related("building").get(pk=households[i].pk),
            items=[(veg.pk, 1)],
            source=GroupBuyOrder.Source.API,
            idempotency_key=f"race-{i}",
        )
        return "ok"

    results = run_together(ORDERS, order)
    assert results.count("ok") == 10, results
    assert sum(isinstance(r, Conflict) for r in results) == ORDERS - 10, results
    assert GroupBuyItem.objects.get(pk=veg.pk).ordered == 10
    assert GroupBuyLine.objects.filter(item=veg).count() == 10
    assert GroupBuyOrder.objects.filter(group_buy=gb).count() == 10
