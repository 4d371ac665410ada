"""Benchmark: the coverage page (包干覆盖) of a town of 180,000 residents. Target: ≤ 100 ms.

    .venv/bin/python bench/duty_coverage.py                       # SQLite in a temporary folder
    .venv/bin/python bench/duty_coverage.py --backend postgres    # database linli_bench_duty
    .venv/bin/python bench/duty_coverage.py --scale 0.5 --runs 9

Builds the demo town at `--scale` (2.25 ≈ 180,000 residents) with its responsibility grid, then
renders pages through Django's test client as town staff (the largest scope), `--runs` times
each after a warm-up, and prints medians:

- the coverage page `/duty/coverage/` (the figure the target is about);
- the baselines measured in the same run: the home page `/` (a page that does nothing but the
  layout, navigation and session) and a bare `SELECT COUNT(*)` of the town's residents;
- the full `duty-coverage` report (every gap listed in full, as `linli report` and the API
  return it), for information.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from common import configure, drop_postgres, median_ms, page, print_row

PG_NAME = "linli_bench_duty"


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
        from django.test import Client

        from linli.accounts.models import User
        from linli.duty.coverage import duty_coverage_report
        from linli.duty.demo import build_demo_grid
        from linli.places.demo import build_demo_town
        from linli.places.models import Resident

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        town = build_demo_town(seed=2022, scale=args.scale)
        counts = build_demo_grid(town)
        built = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        residents = Resident.objects.filter(town=town).count()
        print(
            f"{args.backend}: {town.name} with {residents:,} residents, {counts['volunteers']:,} "
            f"volunteers, {counts['duties']:,} duties, {counts['pairings']:,} pairings "
            f"(built in {built:.0f} s)"
        )
        staff = User.objects.create_user(
            "bench", password="bench-pw-1", role="town_staff", town=town
        )
        client = Client()
        client.force_login(staff)

        def count() -> None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM places_resident WHERE town_id = %s", [town.pk])
                cursor.fetchone()

        coverage = median_ms(page(client, "/duty/coverage/"), args.runs)
        home = median_ms(page(client, "/"), args.runs)
        bare = median_ms(count, args.runs)
        report = median_ms(
            lambda: duty_coverage_report(town=town, user=staff), max(3, args.runs // 2)
        )
        report_figures = duty_coverage_report(town=town)
        for name, result in [
            ("coverage page /duty/coverage/", coverage),
            ("home page / (baseline)", home),
            ("SELECT COUNT(*) residents (baseline)", bare),
            ("full duty-coverage report (all gaps listed)", report),
        ]:
            print_row(name, result, args.runs)
        print(f"ratio coverage page / home page: {coverage[0] / home[0]:.1f}")
        print(f"ratio coverage page / SELECT COUNT(*): {coverage[0] / bare[0]:.1f}")
        print(f"target ≤ 100 ms: {'met' if coverage[0] <= 100 else 'NOT met'}")
        keys = (
            "committees",
            "committees_with_second_secretary",
            "buildings",
            "buildings_with_leader",
            "special_residents",
            "special_residents_paired",
        )
        print("figures: " + ", ".join(f"{k} {report_figures[k]}" for k in keys))
        connection.close()
    if args.backend == "postgres":
        drop_postgres(PG_NAME)


if __name__ == "__main__":
    main()
