"""The planner's vocabulary: places, runners, jobs, a day, and the plan it returns."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0
# Roads are longer than the great circle: a straight-line km counts this many road km.
ROAD_FACTOR = 1.3


@dataclass(frozen=True)
class Point:
    """A place in WGS-84 decimal degrees."""

    lat: float
    lon: float


@dataclass(frozen=True)
class Runner:
    """A runner on duty (跑腿志愿者): where they live and how many requests they take a day."""

    key: str
    home: Point
    capacity: int


@dataclass(frozen=True)
class Job:
    """One medicine request (配药单): the hospital to fetch from, the gate to deliver to."""

    key: str
    hospital: str
    gate: str
    urgency: str  # "red" | "yellow" | "green"


@dataclass
class Day:
    """A day's problem: runners on duty, verified unplanned requests, the places' points.

    `matrix` holds imported road distances (km) between named places, keyed by pairs of
    "hospital:<key>", "gate:<key>" or "home:<runner key>"; a pair given one way is used both
    ways; a missing pair is the great circle × ROAD_FACTOR.
    """

    runners: list[Runner]
    jobs: list[Job]
    hospitals: dict[str, Point]
    gates: dict[str, Point]
    matrix: dict[tuple[str, str], float] | None = None


@dataclass
class Run:
    """One runner's day: hospitals and gates in visiting order, the route's km, the jobs."""

    runner: str
    hospitals: list[str]
    gates: list[str]
    km: float
    jobs: list[str]


@dataclass
class Plan:
    """The runs (runners with jobs, in the order given) and the jobs carried to tomorrow."""

    runs: list[Run]
    carried_over: list[str]
    total_km: float


class Infeasible(ValueError):
    """The day cannot be planned under the hard rules (e.g. more red requests than places)."""


URGENCIES = ("red", "yellow", "green")


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance in km on a sphere of radius 6,371.0 km (no road factor)."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dphi = phi2 - phi1
    dlam = math.radians(b.lon - a.lon)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
