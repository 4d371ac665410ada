"""The medicine run planner on a synthetic lockdown day around Fengxian's Haiwan town (海湾镇):
750 verified requests from 24 committees' gates, 6 hospitals up to ~30 km away, 25 runners of
capacity 30 (exactly tight), urgency 10% red, 40% yellow, 50% green.

Prints the total km of the greedy baseline (group by hospital, nearest runners first), of
`linli.medicine.planner.plan` at 10 s and 60 s, and of the same given 10 minutes (the
reference), with each one's ratio to the reference. Targets: ≤ 1.05 × the reference at 10 s,
≤ 1.03 × at 60 s (the goal: 1.03 at 10 s). Times are wall-clock on whatever else the machine
is doing.

    .venv/bin/python bench/medicine_plan.py                  # about 12 minutes
    .venv/bin/python bench/medicine_plan.py --quick          # 2 s, 5 s and 20 s: a minute
    .venv/bin/python bench/medicine_plan.py --reference-seconds 120 --seed 3
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from linli.medicine.planner import Day, Job, Plan, Point, Runner, greedy, plan

TOWN = Point(30.855, 121.605)  # 海湾镇, 奉贤区 (approximate)
# Real-ish hospitals a Fengxian runner fetched from (approximate coordinates), with their
# share of the day's requests.
HOSPITALS = {
    "奉贤区中心医院": (Point(30.917, 121.474), 0.25),
    "奉贤区中医医院": (Point(30.925, 121.455), 0.15),
    "海湾镇社区卫生服务中心": (Point(30.858, 121.628), 0.20),
    "奉城医院": (Point(30.915, 121.652), 0.15),
    "市六医院东院": (Point(30.889, 121.905), 0.15),
    "南汇医院": (Point(31.050, 121.760), 0.10),
}
GATES, RUNNERS, CAPACITY, REQUESTS = 24, 25, 30, 750
URGENCY = (("red", 0.10), ("yellow", 0.40), ("green", 0.50))


def synthetic_day(seed: int) -> Day:
    rng = random.Random(seed)
    gates = {
        f"{i + 1}号居委": Point(
            TOWN.lat + rng.uniform(-0.035, 0.035), TOWN.lon + rng.uniform(-0.045, 0.045)
        )
        for i in range(GATES)
    }
    gate_keys = list(gates)
    # Some committees are larger: requests weigh by a committee's size.
    sizes = [rng.uniform(0.5, 1.5) for _ in gate_keys]
    runners = [
        Runner(key=f"1380000{i:04d}", home=gates[rng.choice(gate_keys)], capacity=CAPACITY)
        for i in range(RUNNERS)
    ]
    hospital_keys = list(HOSPITALS)
    shares = [share for _, share in HOSPITALS.values()]
    jobs = [
        Job(
            key=f"PY{i + 1:05d}",
            hospital=rng.choices(hospital_keys, shares)[0],
            gate=rng.choices(gate_keys, sizes)[0],
            urgency=rng.choices([u for u, _ in URGENCY], [w for _, w in URGENCY])[0],
        )
        for i in range(REQUESTS)
    ]
    return Day(
        runners=runners,
        jobs=jobs,
        hospitals={key: point for key, (point, _) in HOSPITALS.items()},
        gates=gates,
    )


def describe(name: str, result: Plan, seconds: float, reference: float | None) -> None:
    gates = sum(len(run.gates) for run in result.runs) / max(len(result.runs), 1)
    two = sum(len(run.hospitals) == 2 for run in result.runs)
    ratio = f"  ×{result.total_km / reference:.3f} of the reference" if reference else ""
    print(
        f"{name:16} {result.total_km:8.1f} km  {len(result.runs)} runs, "
        f"{gates:.1f} gates a run, {two} with two hospitals, "
        f"{len(result.carried_over)} carried  ({seconds:.1f} s){ratio}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1, help="the synthetic day's seed")
    parser.add_argument("--reference-seconds", type=float, default=600.0)
    parser.add_argument("--quick", action="store_true", help="2 s, 5 s and a 20 s reference")
    args = parser.parse_args()
    short, long_, reference_s = (
        (2.0, 5.0, 20.0) if args.quick else (10.0, 60.0, args.reference_seconds)
    )
    day = synthetic_day(args.seed)
    print(
        f"{len(day.jobs)} requests, {len(day.hospitals)} hospitals, {len(day.gates)} gates, "
        f"{len(day.runners)} runners × {CAPACITY} (seed {args.seed})"
    )
    results = {}
    for name, limit in (("reference", reference_s), ("short", short), ("long", long_)):
        started = time.perf_counter()
        results[name] = (plan(day, time_limit=limit, seed=0), time.perf_counter() - started)
    started = time.perf_counter()
    baseline = greedy(day)
    greedy_s = time.perf_counter() - started
    reference = results["reference"][0].total_km
    describe("greedy", baseline, greedy_s, reference)
    describe(f"plan {short:g} s", *results["short"], reference)
    describe(f"plan {long_:g} s", *results["long"], reference)
    describe(f"plan {reference_s:g} s (ref)", *results["reference"], None)
    targets = (
        "targets (for the full run): ≤ ×1.05 at 10 s, ≤ ×1.03 at 60 s against 600 s"
        if args.quick
        else f"targets: ≤ ×1.05 at {short:g} s, ≤ ×1.03 at {long_:g} s"
    )
    print(f"{targets}; greedy / reference ×{baseline.total_km / reference:.3f}")


if __name__ == "__main__":
    main()
