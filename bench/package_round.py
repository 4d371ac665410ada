"""Benchmark: a package round (物资发放) over 30,000 households. Target: the coverage page ≤ 200 ms.

    .venv/bin/python bench/package_round.py                       # SQLite in a temporary folder
    .venv/bin/python bench/package_round.py --backend postgres    # database linli_bench_round
    .venv/bin/python bench/package_round.py --households 60000 --runs 9

Builds a town of `--households` households (5 committees, 4 compounds each, 30 households a
building), creates a round over the whole town with `round_create` (timed), marks 60 % of the
households delivered and 3 % absent, then renders pages through Django's test client as town
staff (the largest scope), `--runs` times each after a warm-up, and prints medians:

- the round's coverage page `/supplies/rounds/<id>/` (the figure the target is about);
- the baselines measured in the same run: the home page `/` (a page that does nothing but the
  layout, navigation and session) and a bare `SELECT building_id, COUNT(*) … GROUP BY` over the
  round's deliveries (the floor of any per-building count);
- a building's page (its 30 rooms with their buttons) and the full `package-round` report
  (every missing household listed), for information.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from common import configure, drop_postgres, median_ms, page, print_row

PG_NAME = "linli_bench_round"
PER_BUILDING = 30


def build_town(households: int) -> object:
    from linli.core.bulk import BATCH
    from linli.places.models import Building, Committee, Compound, Household, Town

    town = Town.objects.create(name="泗泾镇")
    buildings_needed = max(households // PER_BUILDING, 1)
    compounds = []
    for c in range(5):
        committee = Committee.objects.create(town=town, name=f"第{c + 1}居委")
        for k in range(4):
            compounds.append(
                Compound.objects.create(town=town, committee=committee, name=f"{c + 1}-{k + 1}苑")
            )
    per_compound = -(-buildings_needed // len(compounds))
    Building.objects.bulk_create(
        [
            Building(town=town, compound=compound, name=f"{b + 1}号楼")
            for compound in compounds
            for b in range(per_compound)
        ][:buildings_needed],
        batch_size=BATCH,
    )
    rows = []
    for building_id in Building.objects.filter(town=town).values_list("id", flat=True):
        for r in range(PER_BUILDING):
            floor, door = divmod(r, 4)
            rows.append(
                Household(town=town, building_id=building_id, room=f"{floor + 1}0{door + 1}")
            )
    Household.objects.bulk_create(rows[:households], batch_size=BATCH)
    return town


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--households", type=int, default=30000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        configure(args.backend, folder, PG_NAME)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.utils import timezone

        from linli.accounts.models import User
        from linli.places.models import Compound
        from linli.supplies.models import PackageDelivery, PackageRound
        from linli.supplies.selectors_rounds import package_round_report
        from linli.supplies.services_rounds import ROUND_WORKFLOW, round_create

        call_command("migrate", verbosity=0)
        town = build_town(args.households)
        staff = User.objects.create_user(
            "bench", password="bench-pw-1", role="town_staff", town=town
        )
        started = time.perf_counter()
        made = round_create(
            user=staff,
            town=town,
            name="第一轮大礼包",
            contents="大米5公斤、食用油1桶",
            compounds=Compound.objects.filter(town=town),
        )
        created = time.perf_counter() - started
        ROUND_WORKFLOW.transition(made, PackageRound.Status.DELIVERING, by=staff)
        ids = list(made.deliveries.order_by("id").values_list("id", flat=True))
        delivered = [i for n, i in enumerate(ids) if n % 100 < 60]
        absent = [i for n, i in enumerate(ids) if 60 <= n % 100 < 63]
        now = timezone.now()
        for start in range(0, len(delivered), 5000):
            PackageDelivery.objects.filter(pk__in=delivered[start : start + 5000]).update(
                status=PackageDelivery.Status.DELIVERED, signer="签收", delivered_at=now
            )
        PackageDelivery.objects.filter(pk__in=absent).update(status=PackageDelivery.Status.ABSENT)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"{args.backend}: a round over {len(ids):,} households in "
            f"{made.buildings.count():,} buildings (round_create {created * 1000:.0f} ms)"
        )
        client = Client()
        client.force_login(staff)

        def grouped() -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT building_id, COUNT(*) FROM supplies_packagedelivery "
                    "WHERE round_id = %s GROUP BY building_id",
                    [made.pk],
                )
                cursor.fetchall()

        first = made.buildings.order_by("id").first()
        assert first is not None
        building_url = f"/supplies/rounds/{made.pk}/buildings/{first.building_id}/"
        coverage = median_ms(page(client, made.get_absolute_url()), args.runs)
        home = median_ms(page(client, "/"), args.runs)
        bare = median_ms(grouped, args.runs)
        building = median_ms(page(client, building_url), args.runs)
        report = median_ms(
            lambda: package_round_report(town=town, round=made.name), max(3, args.runs // 2)
        )
        for name, result in [
            ("coverage page /supplies/rounds/<id>/", coverage),
            ("home page / (baseline)", home),
            ("GROUP BY building over the round (baseline)", bare),
            ("a building's page (30 rooms)", building),
            ("full package-round report (missing listed)", report),
        ]:
            print_row(name, result, args.runs)
        print(f"ratio coverage page / home page: {coverage[0] / home[0]:.1f}")
        print(f"ratio coverage page / GROUP BY: {coverage[0] / bare[0]:.1f}")
        print(f"target ≤ 200 ms: {'met' if coverage[0] <= 200 else 'NOT met'}")
        figures = package_round_report(town=town, round=made.name)
        keys = ("households", "delivered", "exceptions", "missing")
        print("figures: " + ", ".join(f"{k} {figures[k]}" for k in keys))
        connection.close()
    if args.backend == "postgres":
        drop_postgres(PG_NAME)


if __name__ == "__main__":
    main()
