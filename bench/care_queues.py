"""Benchmark: care pages of a town of 180,000 residents. Target: queues ≤ 200 ms, coverage ≤ 1 s.

    .venv/bin/python bench/care_queues.py                       # SQLite in a temporary folder
    .venv/bin/python bench/care_queues.py --backend postgres    # database linli_bench_care
    .venv/bin/python bench/care_queues.py --scale 0.5 --runs 9

Builds the demo town at `--scale` (2.25 ≈ 180,000 residents) with its grid and demo care data
(visits of the past days, help requests in every state), then renders pages through Django's
test client, `--runs` times each after a warm-up, and prints medians:

- as town staff: the requests index `/care/`, the largest committee's queue, the town's
  escalation queue, the visit coverage page (every building of the town) and the knock list;
- as a building leader: their building queue;
- baselines in the same run: the home page `/` and a bare `SELECT COUNT(*)` of the town's
  help requests.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from common import configure, drop_postgres, median_ms, page, print_row

PG_NAME = "linli_bench_care"
TARGET_MS = 200  # the queues, the index and the knock list
COVERAGE_TARGET_MS = 1000  # the whole town's coverage: four grouped queries over every resident


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scale", type=float, default=2.25, help="2.25 ≈ 180,000 residents")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        configure(args.backend, folder, PG_NAME)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.db.models import Count
        from django.test import Client

        from linli.accounts.models import User
        from linli.care.demo import build_demo_care
        from linli.care.models import HelpRequest
        from linli.duty.demo import build_demo_grid, demo_grid_logins
        from linli.places.demo import build_demo_town
        from linli.places.models import Committee, Resident

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        town = build_demo_town(seed=2022, scale=args.scale)
        build_demo_grid(town)
        counts = build_demo_care(town)
        built = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        residents = Resident.objects.filter(town=town).count()
        open_n = HelpRequest.objects.filter(status__in=HelpRequest.OPEN_STATUSES).count()
        print(
            f"{args.backend}: {town.name} with {residents:,} residents, {counts['visits']:,} "
            f"visits, {counts['help_requests']:,} help requests ({open_n:,} open) "
            f"(built in {built:.0f} s)"
        )
        staff = User.objects.create_user(
            "bench", password="bench-pw-1", role="town_staff", town=town
        )
        client = Client()
        client.force_login(staff)
        demo_grid_logins(town, "bench-pw-1")  # the demo's logins, a building leader's among them
        leader = Client()
        leader.force_login(User.objects.get(username="leader"))
        biggest = (
            Committee.objects.filter(town=town)
            .annotate(n=Count("compounds__buildings__households__help_requests"))
            .order_by("-n")
            .first()
        )
        assert biggest is not None

        def count() -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT COUNT(*) FROM care_helprequest WHERE town_id = %s", [town.pk]
                )
                cursor.fetchone()

        pages = [
            ("requests index /care/", page(client, "/care/")),
            (f"committee queue ({biggest.name})", page(client, f"/care/committees/{biggest.pk}/")),
            ("town queue /care/town/", page(client, "/care/town/")),
            ("visit coverage /care/visits/coverage/", page(client, "/care/visits/coverage/")),
            ("knock list /care/visits/ (town staff)", page(client, "/care/visits/")),
            ("building queue /care/buildings/ (leader)", page(leader, "/care/buildings/")),
        ]
        results = [(name, median_ms(fn, args.runs)) for name, fn in pages]
        home = median_ms(page(client, "/"), args.runs)
        bare = median_ms(count, args.runs)
        for name, result in [
            *results,
            ("home page / (baseline)", home),
            ("SELECT COUNT(*) help requests (baseline)", bare),
        ]:
            print_row(name, result, args.runs)
        worst_name, worst = max(results, key=lambda r: r[1][0])
        print(f"ratio slowest care page / home page: {worst[0] / home[0]:.1f} ({worst_name})")
        queues = [med for name, (med, _lo, _hi) in results if "coverage" not in name]
        coverage_ms = next(med for name, (med, _lo, _hi) in results if "coverage" in name)
        met = max(queues) <= TARGET_MS and coverage_ms <= COVERAGE_TARGET_MS
        targets = f"queues ≤ {TARGET_MS} ms, coverage ≤ {COVERAGE_TARGET_MS} ms"
        print(f"target ({targets}): {'met' if met else 'NOT met'}")
        connection.close()
    if args.backend == "postgres":
        drop_postgres(PG_NAME)


if __name__ == "__main__":
    main()
