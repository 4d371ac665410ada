"""Benchmark: a lab's file of 100,000 tube results through `linli import lab-results`' code path.
Target: ≤ 5 s.

    .venv/bin/python bench/lab_import.py                       # SQLite in a temporary folder
    .venv/bin/python bench/lab_import.py --backend postgres    # database linli_bench_lab
    .venv/bin/python bench/lab_import.py --tubes 100000 --per-tube 3 --runs 3

Builds a town with one PCR round: `--tubes` sealed tubes (5-in-1 tubes holding `--per-tube`
residents each, one resident per tube of them in single tubes for `--positives` of them), one
sample per resident, taken 6 hours before. Writes the lab's CSV (采样管条码, 检测机构, 结果,
报告时间): every tube negative but `--positives` (half single tubes → cases, half pools →
follow-ups). Then runs `linli.core.imports.run_import("lab-results", …)` (what the command and
the upload page call) `--runs` times, resetting the results between runs (untimed; on
PostgreSQL followed by VACUUM, as autovacuum would have run since sampling), and prints the
median, the 5 s target and the ratio to it, and two baselines measured in the same run:

- the re-import of the same file (every row already there: the floor of reading and checking
  100,000 rows, nothing written);
- a naive per-row path (for each row: find the tube, insert its LabResult, move it through
  the workflow's `transition()`, update its samples), on `--naive` rows, scaled to the file.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

from common import configure, drop_postgres

PG_NAME = "linli_bench_lab"
PER_BUILDING = 60
LAB = "松江区疾控中心"


def build(tubes: int, per_tube: int, positives: int) -> tuple[object, object, object]:
    from django.db import connection
    from django.utils import timezone

    from linli.accounts.models import User
    from linli.core.bulk import BATCH, insert_rows
    from linli.places.models import Building, Committee, Compound, Household, Resident, Town
    from linli.screening.models import CoverageCount, Sample, TestRound, Tube

    town = Town.objects.create(name="泗泾镇")
    staff = User.objects.create_user("bench", password="bench-pw-1", role="town_staff", town=town)
    singles = positives // 2
    people = (tubes - singles) * per_tube + singles
    buildings_needed = -(-people // PER_BUILDING)
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
    building_ids = list(Building.objects.filter(town=town).values_list("id", flat=True))
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    stamp = adapt(now)
    household_ids = insert_rows(
        Household,
        ["town_id", "building_id", "room"],
        [
            (town.pk, b, f"{r // 4 + 1}0{r % 4 + 1}")
            for b in building_ids
            for r in range(PER_BUILDING)
        ][:people],
    )
    per_room = [b for b in building_ids for _ in range(PER_BUILDING)][: len(household_ids)]
    households = dict(zip(household_ids, per_room, strict=True))
    resident_ids = insert_rows(
        Resident,
        ["town_id", "household_id", "name", "name_initials", "status", "notes", "phone",
         "gender", "created_at", "updated_at"],
        [(town.pk, h, f"居民{n}", "jm", "present", "", "", "", stamp, stamp)
         for n, h in enumerate(household_ids)],
    )  # fmt: skip
    round_ = TestRound.objects.create(
        town=town, name="第1轮核酸", kind="pcr", date=timezone.localdate(), status="open"
    )
    round_.compounds.set(compounds)
    taken = adapt(now - dt.timedelta(hours=6))
    capacities = [1] * singles + [5] * (tubes - singles)
    tube_ids = insert_rows(
        Tube,
        ["round_id", "town_id", "desk", "barcode", "capacity", "filled", "status", "result",
         "opened_at", "sealed_at"],
        [(round_.pk, town.pk, 1, f"SJ{n:08d}", cap, 1 if cap == 1 else per_tube, "sealed",
          "pending", taken, taken) for n, cap in enumerate(capacities)],
    )  # fmt: skip
    rows = []
    people_iter = iter(zip(resident_ids, household_ids, strict=True))
    for tube_id, cap in zip(tube_ids, capacities, strict=True):
        for _ in range(1 if cap == 1 else per_tube):
            resident_id, household_id = next(people_iter)
            rows.append(
                (round_.pk, town.pk, resident_id, households[household_id], tube_id, 1, "",
                 "import", taken, "pending", stamp)
            )  # fmt: skip
    insert_rows(
        Sample,
        ["round_id", "town_id", "resident_id", "building_id", "tube_id", "attempt", "reason",
         "source", "taken_at", "result", "created_at"],
        rows, returning=False,
    )  # fmt: skip
    from linli.screening import counters

    counters.seed(round_)
    CoverageCount.objects.filter(round=round_).update(sampled=PER_BUILDING)
    settle()
    return town, staff, round_


def settle() -> None:
    """On PostgreSQL, what autovacuum does in the hours between sampling and the lab's file:
    the new (or reset) rows' visibility settled, their dead versions gone, statistics fresh."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def write_csv(path: Path, tubes: int, positives: int) -> None:
    from django.utils import timezone

    singles = positives // 2
    reported = timezone.localtime() - dt.timedelta(hours=1)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["采样管条码", "检测机构", "结果", "报告时间"])
        # positives: the single tubes (the first `singles`) and as many pools after them.
        for n in range(tubes):
            word = "阳性" if n < positives else "阴性"
            at = (reported - dt.timedelta(minutes=n % 50)).strftime("%Y-%m-%d %H:%M")
            out.writerow([f"SJ{n:08d}", LAB, word, at])
    assert singles <= positives


def reset(round_: object) -> None:
    from linli.screening.models import (
        Case,
        CoverageCount,
        LabResult,
        PoolFollowUp,
        Sample,
        Tube,
        TubeChange,
        ZoneAssignment,
    )

    Case.objects.all().delete()
    PoolFollowUp.objects.all().delete()
    ZoneAssignment.objects.all().delete()
    LabResult.objects.all().delete()
    TubeChange.objects.all().delete()
    Tube.objects.filter(round=round_).update(status="sealed", result="pending", resulted_at=None)
    Sample.objects.filter(round=round_).update(result="pending", result_at=None)
    CoverageCount.objects.filter(round=round_).update(positives=0)
    settle()


def naive(rows: list[list[str]], town: object, staff: object) -> float:
    """The per-row path the import replaces: a query and a transition per tube."""
    from django.db import transaction
    from django.utils import timezone

    from linli.core.workflow import transition
    from linli.screening.importers.common import parse_when
    from linli.screening.models import LabResult, Sample, Tube

    started = time.perf_counter()
    with transaction.atomic():
        for barcode, lab, word, at in rows:
            tube = Tube.objects.get(town=town, barcode=barcode)
            when = parse_when(at)
            result = "negative" if word == "阴性" else "positive"
            LabResult.objects.create(tube=tube, lab=lab, result=result, reported_at=when)
            transition(tube, Tube.Status.RESULTED, by=staff, system=True)
            Tube.objects.filter(pk=tube.pk).update(result=result, resulted_at=when)
            Sample.objects.filter(tube=tube).update(result=result, result_at=timezone.now())
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--tubes", type=int, default=100_000)
    parser.add_argument("--per-tube", type=int, default=3)
    parser.add_argument("--positives", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--naive", type=int, default=2000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        configure(args.backend, folder, PG_NAME)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from linli.core.imports import run_import
        from linli.screening.models import Case, PoolFollowUp, Sample, Tube

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        town, staff, round_ = build(args.tubes, args.per_tube, args.positives)
        samples = Sample.objects.filter(round=round_).count()
        load = os.getloadavg()[0]
        print(
            f"{args.backend}: {args.tubes:,} tubes, {samples:,} samples "
            f"(built in {time.perf_counter() - started:.1f} s; load average {load:.1f} "
            f"on {os.cpu_count()} CPUs)"
        )
        path = Path(folder) / "lab.csv"
        write_csv(path, args.tubes, args.positives)

        def once() -> float:
            began = time.perf_counter()
            result = run_import("lab-results", path, town=town, user=staff)  # type: ignore[arg-type]
            took = time.perf_counter() - began
            assert result.written and not result.errors, result.summary()
            return took

        times = []
        for n in range(args.runs):
            if n:
                reset(round_)
            times.append(once())
        median = statistics.median(times)
        assert Tube.objects.filter(round=round_, status="resulted").count() == args.tubes
        cases, pools = Case.objects.count(), PoolFollowUp.objects.count()
        began = time.perf_counter()
        again = run_import("lab-results", path, town=town, user=staff)  # type: ignore[arg-type]
        reimport = time.perf_counter() - began
        assert again.written and again.updated == 0 and again.unchanged == args.tubes
        reset(round_)
        with path.open(encoding="utf-8") as f:
            rows = list(csv.reader(f))[1 : args.naive + 1]
        per_row = naive(rows, town, staff) / len(rows)
        naive_total = per_row * args.tubes
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(f"import of {args.tubes:,} lab results: median {median:.2f} s "
              f"(runs {runs}); {cases} cases, {pools} pools")  # fmt: skip
        print(f"target ≤ 5 s: {'met' if median <= 5 else 'NOT met'} "
              f"(ratio to the target {median / 5:.2f})")  # fmt: skip
        print(f"baseline: re-import (all unchanged) {reimport:.2f} s; "
              f"ratio import / re-import {median / reimport:.1f}")  # fmt: skip
        ratio = naive_total / median
        print(f"baseline: naive per-row path {per_row * 1000:.2f} ms a row on {len(rows):,} "
              f"rows, {naive_total:.1f} s for the file; naive / import {ratio:.1f}")  # fmt: skip
        connection.close()
    if args.backend == "postgres":
        drop_postgres(PG_NAME)


if __name__ == "__main__":
    main()
