"""Benchmark: group buys. Target: the supplier's order sheet and the pick lists ≤ 1 s each; 50
concurrent orders for the last 10 units: exactly 10 allocated.

    .venv/bin/python bench/group_buy.py                       # SQLite in a temporary folder
    .venv/bin/python bench/group_buy.py --backend postgres    # database linli_bench_group_buy
    .venv/bin/python bench/group_buy.py --group-buys 30 --orders 6000 --runs 3

Builds a town of 30 compounds (10 buildings of 26 households each: 7,800 households) with 300
group buys of 4 items and 60,000 household orders (200 per group buy, 1 to 4 lines each),
written in bulk; then, as the committee's staff through Django's test client, `--runs` times
each after a warm-up, downloads one group buy's supplier order sheet, pick list per building
and pick list per household (xlsx and PDF), its orders page and the town's group-buy list, and
prints medians. Baseline in the same run: a bare SELECT of that group buy's order lines.

Then 50 threads, released at once, each order one unit of an item with 10 left (through the
same service the API calls); it prints how many were allocated and refused. On SQLite writers
queue on the database lock; on PostgreSQL they race for the row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import threading
import time

from common import configure, drop_postgres, median_ms, page, print_row

PG_NAME = "linli_bench_group_buy"
TARGET_MS = 1000
COMPOUNDS, BUILDINGS, ROOMS = 30, 10, 26
RACERS, LAST_UNITS = 50, 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--group-buys", type=int, default=300)
    parser.add_argument("--orders", type=int, default=60000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        configure(args.backend, folder, PG_NAME)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        gb, client = build(args.group_buys, args.orders)
        built = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        from linli.supplies.models import GroupBuyLine, GroupBuyOrder

        print(
            f"{args.backend}: {args.group_buys} group buys, "
            f"{GroupBuyOrder.objects.count():,} orders, {GroupBuyLine.objects.count():,} lines "
            f"(built in {built:.0f} s); one group buy: {gb.orders.count()} orders"
        )

        def bare() -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT l.item_id, l.qty FROM supplies_groupbuyline l JOIN "
                    "supplies_groupbuyorder o ON o.id = l.order_id WHERE o.group_buy_id = %s",
                    [gb.pk],
                )
                cursor.fetchall()

        base = f"/supplies/group-buys/{gb.pk}/"
        pages = [
            ("supplier order sheet xlsx", page(client, base + "supplier.xlsx")),
            ("supplier order sheet pdf", page(client, base + "supplier.pdf")),
            ("pick list per building xlsx", page(client, base + "buildings.xlsx")),
            ("pick list per building pdf", page(client, base + "buildings.pdf")),
            ("pick list per household xlsx", page(client, base + "households.xlsx")),
            ("pick list per household pdf", page(client, base + "households.pdf")),
            ("orders and money page", page(client, base + "orders/")),
            ("group buy page", page(client, base)),
            ("town's group-buy list", page(client, "/supplies/group-buys/")),
        ]
        results = [(name, median_ms(fn, args.runs)) for name, fn in pages]
        baseline = median_ms(bare, args.runs)
        for name, result in [*results, ("SELECT one group buy's lines (baseline)", baseline)]:
            print_row(name, result, args.runs)
        outputs = [r for r in results if "xlsx" in r[0] or "pdf" in r[0]]
        worst_name, worst = max(outputs, key=lambda r: r[1][0])
        print(f"ratio slowest output / bare SELECT: {worst[0] / baseline[0]:.1f} ({worst_name})")
        print(f"target (outputs ≤ {TARGET_MS} ms): {'met' if worst[0] <= TARGET_MS else 'NOT met'}")
        allocated, refused = race(gb)
        verdict = "exactly 10: met" if allocated == LAST_UNITS else "NOT met"
        print(
            f"{RACERS} concurrent orders for the last {LAST_UNITS} units: {allocated} allocated, "
            f"{refused} refused (409) — {verdict}"
        )
        connection.close()
    if args.backend == "postgres":
        drop_postgres(PG_NAME)


def build(group_buys: int, orders: int):
    """The town, its group buys and orders, bulk-written; the committee's logged-in client and
    the middle group buy."""
    from django.test import Client
    from django.utils import timezone

    from linli.accounts.models import User
    from linli.duty.models import Volunteer
    from linli.places.models import Building, Committee, Compound, Household, Town
    from linli.supplies.models import (
        GroupBuy,
        GroupBuyItem,
        GroupBuyLine,
        GroupBuyOrder,
        Supplier,
    )

    rng = random.Random(2022)
    town = Town.objects.create(name="泗泾镇")
    committee = Committee.objects.create(town=town, name="新凯五村")
    compounds = [
        Compound.objects.create(town=town, committee=committee, name=f"小区{i + 1}")
        for i in range(COMPOUNDS)
    ]
    Building.objects.bulk_create(
        Building(town=town, compound=c, name=f"{b + 1}号楼", sort_key=f"{b + 1:06d}")
        for c in compounds
        for b in range(BUILDINGS)
    )
    buildings = list(Building.objects.filter(town=town))
    Household.objects.bulk_create(
        Household(town=town, building=b, room=f"{(r // 4 + 1)}0{r % 4 + 1}")
        for b in buildings
        for r in range(ROOMS)
    )
    by_compound: dict[int, list[int]] = {}
    for pk, compound_id in Household.objects.values_list("pk", "building__compound_id"):
        by_compound.setdefault(compound_id, []).append(pk)
    supplier = Supplier.objects.create(town=town, name="保供公司", vetting="vetted")
    organiser = Volunteer.objects.create(town=town, committee=committee, name="团长")
    now = timezone.now()
    GroupBuy.objects.bulk_create(
        GroupBuy(
            town=town,
            committee=committee,
            organiser=organiser,
            supplier=supplier,
            title=f"团购{i + 1}",
            fee_fen=100,
            status=GroupBuy.Status.ORDERED,
            opens_at=now - dt.timedelta(days=1),
            closes_at=now - dt.timedelta(hours=1),
            delivery_on=now.date(),
        )
        for i in range(group_buys)
    )
    gbs = list(GroupBuy.objects.filter(town=town).order_by("id"))
    # Each group buy covers one compound, every third one the next compound too.
    covered = {
        g.pk: [compounds[i % COMPOUNDS].pk]
        + ([compounds[(i + 1) % COMPOUNDS].pk] if i % 3 == 0 else [])
        for i, g in enumerate(gbs)
    }
    Through = GroupBuy.compounds.through
    Through.objects.bulk_create(
        (Through(groupbuy_id=g, compound_id=c) for g, cs in covered.items() for c in cs),
        batch_size=5000,
    )
    GroupBuyItem.objects.bulk_create(
        GroupBuyItem(
            group_buy=g,
            name=name,
            unit="份",
            list_price_fen=price,
            unit_price_fen=price + price // 20,
            stock=100000,
        )
        for g in gbs
        for name, price in (
            ("青菜套餐", 1900),
            ("大米5kg", 3200),
            ("鸡蛋30枚", 2500),
            ("食用油", 6000),
        )
    )
    items: dict[int, list[int]] = {}
    for pk, gb_id in GroupBuyItem.objects.values_list("pk", "group_buy_id").order_by("id"):
        items.setdefault(gb_id, []).append(pk)
    per_gb = orders // group_buys
    GroupBuyOrder.objects.bulk_create(
        (
            GroupBuyOrder(
                group_buy=g,
                household_id=household,
                source="self_service",
                placed_at=now - dt.timedelta(hours=20, seconds=n),
                fee_fen=100,
            )
            for g in gbs
            for n, household in enumerate(
                rng.sample([h for c in covered[g.pk] for h in by_compound[c]], per_gb)
            )
        ),
        batch_size=5000,
    )
    prices = dict(GroupBuyItem.objects.values_list("pk", "unit_price_fen"))
    lines = []
    ordered: dict[int, int] = {}
    for order_id, gb_id in GroupBuyOrder.objects.values_list("pk", "group_buy_id").iterator():
        for item in rng.sample(items[gb_id], rng.randint(1, 4)):
            qty = rng.randint(1, 3)
            ordered[item] = ordered.get(item, 0) + qty
            lines.append(
                GroupBuyLine(order_id=order_id, item_id=item, qty=qty, unit_price_fen=prices[item])
            )
    GroupBuyLine.objects.bulk_create(lines, batch_size=5000)
    GroupBuyItem.objects.bulk_update(
        [GroupBuyItem(pk=pk, ordered=n) for pk, n in ordered.items()], ["ordered"], batch_size=2000
    )
    staff = User.objects.create_user(
        "bench", password="bench-pw-1", role="committee_staff", town=town, committee=committee
    )
    client = Client()
    client.force_login(staff)
    return gbs[len(gbs) // 2], client


def race(gb) -> tuple[int, int]:
    """RACERS threads order one unit each of an item with LAST_UNITS left."""
    from django.db import connection
    from django.utils import timezone

    from linli.accounts.models import User
    from linli.core.validators import Problem
    from linli.places.models import Household
    from linli.supplies import services_group_buy_orders as order_services
    from linli.supplies.models import GroupBuy, GroupBuyItem, GroupBuyOrder

    now = timezone.now()
    GroupBuy.objects.filter(pk=gb.pk).update(
        status=GroupBuy.Status.OPEN, closes_at=now + dt.timedelta(hours=1)
    )
    item = GroupBuyItem.objects.filter(group_buy=gb).order_by("id").first()
    assert item is not None
    GroupBuyItem.objects.filter(pk=item.pk).update(stock=item.ordered + LAST_UNITS)
    taken = set(GroupBuyOrder.objects.filter(group_buy=gb).values_list("household_id", flat=True))
    free = list(
        Household.objects.filter(building__compound__in=gb.compounds.all())
        .exclude(pk__in=taken)
        .select_related("building")[:RACERS]
    )
    assert len(free) == RACERS, "the compounds need 50 households without an order"
    user = User.objects.get(username="bench")
    barrier = threading.Barrier(RACERS)
    outcome: list[str] = []

    def run(household: Household) -> None:
        try:
            barrier.wait(timeout=30)
            order_services.order_place(
                user=user,
                group_buy=GroupBuy(pk=gb.pk),
                household=household,
                items=[(item.pk, 1)],
                source="api",
            )
            outcome.append("ok")
        except Problem:
            outcome.append("refused")
        except Exception as exc:
            outcome.append(f"error {type(exc).__name__}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(h,)) for h in free]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    stock = GroupBuyItem.objects.get(pk=item.pk)
    assert stock.ordered <= stock.stock
    errors = [o for o in outcome if o.startswith("error")]
    if errors:
        print(f"  {len(errors)} orders failed with a database error: {sorted(set(errors))}")
    return outcome.count("ok"), outcome.count("refused")


if __name__ == "__main__":
    main()
