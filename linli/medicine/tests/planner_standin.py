"""A tiny stand-in for `linli.medicine.planner` (the planner helper's package), with its
interface, used only while that package is missing: the fixture in conftest.py installs it.
Greedy and brute force; nowhere near the real planner's quality, only its contract."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

ROAD_FACTOR = 1.3


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


@dataclass(frozen=True)
class Runner:
    key: str
    home: Point
    capacity: int


@dataclass(frozen=True)
class Job:
    key: str
    hospital: str
    gate: str
    urgency: str


@dataclass
class Day:
    runners: list[Runner]
    jobs: list[Job]
    hospitals: dict[str, Point]
    gates: dict[str, Point]
    matrix: dict[tuple[str, str], float] | None = None


@dataclass
class Run:
    runner: str
    hospitals: list[str]
    gates: list[str]
    km: float
    jobs: list[str]


@dataclass
class Plan:
    runs: list[Run]
    carried_over: list[str]
    total_km: float


class Infeasible(ValueError):
    pass


def haversine_km(a: Point, b: Point) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _km(day: Day, a: Point, b: Point) -> float:
    return haversine_km(a, b) * ROAD_FACTOR


def route_km(
    day: Day, runner: Runner, hospitals: set[str], gates: set[str]
) -> tuple[float, list[str], list[str]]:
    best: tuple[float, list[str], list[str]] = (math.inf, [], [])
    for hs in itertools.permutations(sorted(hospitals)):
        for gs in itertools.permutations(sorted(gates)):
            points = [
                runner.home,
                *(day.hospitals[h] for h in hs),
                *(day.gates[g] for g in gs),
                runner.home,
            ]
            km = sum(_km(day, a, b) for a, b in itertools.pairwise(points))
            if km < best[0] - 1e-9:
                best = (km, list(hs), list(gs))
    return best if hospitals else (0.0, [], [])


RANK = {"red": 0, "yellow": 1, "green": 2}


def plan(
    day: Day,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> Plan:
    taken: dict[str, list[Job]] = {r.key: [] for r in day.runners}
    carried: list[str] = []
    by_key = {r.key: r for r in day.runners}
    for job in sorted(day.jobs, key=lambda j: (RANK[j.urgency], j.key)):
        hospital = day.hospitals[job.hospital]
        fits = [
            r
            for r in day.runners
            if len(taken[r.key]) < r.capacity
            and (
                job.hospital in {j.hospital for j in taken[r.key]}
                or len({j.hospital for j in taken[r.key]}) < 2
            )
        ]
        if not fits:
            if job.urgency == "red":
                raise Infeasible(
                    "红色配药单超出外场能力 (red requests exceed the runners' capacity)"
                )
            carried.append(job.key)
            continue
        fits.sort(
            key=lambda r: (
                job.hospital not in {j.hospital for j in taken[r.key]},
                haversine_km(r.home, hospital),
                r.key,
            )
        )
        taken[fits[0].key].append(job)
    if progress is not None:
        progress(1.0)
    runs = []
    for key, jobs in taken.items():
        if not jobs:
            continue
        km, hs, gs = route_km(day, by_key[key], {j.hospital for j in jobs}, {j.gate for j in jobs})
        ordered = sorted(jobs, key=lambda j: (hs.index(j.hospital), gs.index(j.gate), j.key))
        runs.append(Run(key, hs, gs, km, [j.key for j in ordered]))
    return Plan(runs, carried, sum(r.km for r in runs))
