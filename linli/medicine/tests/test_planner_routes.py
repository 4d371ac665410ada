"""The planner's distances and routes, against hand-worked values and brute force.

Plain functions: no database. Distances are recomputed here with the test's own haversine.
"""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linli.medicine.planner import ROAD_FACTOR, Day, Point, Runner, haversine_km, route_km


def great_circle(a: Point, b: Point, radius: float = 6371.0) -> float:
    """Vincenty's formula for the sphere: another formula than the planner's haversine."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dl = math.radians(b.lon - a.lon)
    y = math.hypot(
        math.cos(p2) * math.sin(dl),
        math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl),
    )
    x = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return radius * math.atan2(y, x)


def test_one_degree_of_latitude_is_111_19_km() -> None:
    # 2π × 6371.0 / 360 = 111.1949 km
    assert haversine_km(Point(30.0, 121.5), Point(31.0, 121.5)) == pytest.approx(111.1949, abs=1e-3)


def test_a_quarter_of_the_equator_and_the_antipode() -> None:
    # π × 6371.0 / 2 = 10,007.543 km; π × 6371.0 = 20,015.087 km
    assert haversine_km(Point(0, 0), Point(0, 90)) == pytest.approx(10007.543, abs=1e-2)
    assert haversine_km(Point(0, 0), Point(0, 180)) == pytest.approx(20015.087, abs=1e-2)


def test_nashville_to_los_angeles_as_published() -> None:
    # Rosetta Code's haversine task: BNA (36.12, -86.67) to LAX (33.94, -118.40) is
    # 2887.2599506 km on a sphere of radius 6372.8 km; the distance scales with the radius.
    km = haversine_km(Point(36.12, -86.67), Point(33.94, -118.40))
    assert km * 6372.8 / 6371.0 == pytest.approx(2887.2599506, abs=1e-6)


def test_roads_are_1_3_times_the_great_circle() -> None:
    assert ROAD_FACTOR == 1.3
    home, hospital = Point(30.0, 121.5), Point(31.0, 121.5)
    day = Day(runners=[], jobs=[], hospitals={"H": hospital}, gates={})
    km, hospitals, gates = route_km(day, Runner("a", home, 30), {"H"}, set())
    # there and back: 2 × 111.1949 × 1.3 = 289.107 km
    assert km == pytest.approx(289.107, abs=1e-2)
    assert (hospitals, gates) == (["H"], [])


def test_an_imported_distance_replaces_the_great_circle_either_way() -> None:
    far = Point(31.0, 122.0)
    day = Day(
        runners=[],
        jobs=[],
        hospitals={"H": far},
        gates={"G": Point(30.5, 121.0)},
        matrix={
            ("home:a", "hospital:H"): 5.0,
            ("gate:G", "hospital:H"): 2.0,
            ("gate:G", "home:a"): 1.5,
        },
    )
    km, hospitals, gates = route_km(day, Runner("a", Point(30.0, 121.5), 30), {"H"}, {"G"})
    assert km == pytest.approx(5.0 + 2.0 + 1.5)
    assert (hospitals, gates) == (["H"], ["G"])


coordinate = st.tuples(st.floats(30.75, 31.0), st.floats(121.4, 121.9)).map(lambda t: Point(*t))


def brute_force(home: Point, hospitals: dict[str, Point], gates: dict[str, Point]) -> float:
    def road(a: Point, b: Point) -> float:
        return great_circle(a, b) * 1.3

    best = math.inf
    for h_order in itertools.permutations(hospitals):
        for g_order in itertools.permutations(gates):
            stops = [home, *(hospitals[h] for h in h_order), *(gates[g] for g in g_order), home]
            best = min(best, sum(road(a, b) for a, b in itertools.pairwise(stops)))
    return best


def length(home: Point, stops: list[Point]) -> float:
    path = [home, *stops, home]
    return sum(great_circle(a, b) * 1.3 for a, b in itertools.pairwise(path))


@settings(max_examples=40, deadline=None)
@given(
    home=coordinate,
    hospitals=st.lists(coordinate, min_size=0, max_size=2),
    gates=st.lists(coordinate, min_size=0, max_size=7),
)
def test_route_km_is_the_best_order_found_by_brute_force(
    home: Point, hospitals: list[Point], gates: list[Point]
) -> None:
    """Up to 5 gates the planner tries every order, 6 and 7 go through Held–Karp."""
    h = {f"h{i}": p for i, p in enumerate(hospitals)}
    g = {f"g{i}": p for i, p in enumerate(gates)}
    day = Day(runners=[], jobs=[], hospitals=h, gates=g)
    km, h_order, g_order = route_km(day, Runner("r", home, 30), set(h), set(g))
    assert sorted(h_order) == sorted(h) and sorted(g_order) == sorted(g)
    assert km == pytest.approx(brute_force(home, h, g), rel=1e-9, abs=1e-9)
    # the order returned is the one measured
    assert km == pytest.approx(length(home, [*(h[k] for k in h_order), *(g[k] for k in g_order)]))


def test_more_than_twelve_gates_a_measured_order_no_worse_than_nearest_neighbour() -> None:
    """Above 12 gates the order is 2-opt/or-opt from nearest neighbour: not proved best, but
    a real order of every gate, its km measured, and no longer than nearest neighbour's."""
    import random

    rng = random.Random(4)
    home = Point(30.85, 121.6)
    hospital = Point(30.92, 121.47)
    gates = {
        f"g{i}": Point(30.85 + rng.uniform(-0.04, 0.04), 121.6 + rng.uniform(-0.05, 0.05))
        for i in range(15)
    }
    day = Day(runners=[], jobs=[], hospitals={"H": hospital}, gates=gates)
    km, _, g_order = route_km(day, Runner("r", home, 30), {"H"}, set(gates))
    assert sorted(g_order) == sorted(gates)
    assert km == pytest.approx(length(home, [hospital, *(gates[k] for k in g_order)]))
    at, left, nearest = hospital, set(gates), [hospital]
    while left:
        nxt = min(sorted(left), key=lambda k: great_circle(at, gates[k]))
        nearest.append(gates[nxt])
        at = gates[nxt]
        left.remove(nxt)
    assert km <= length(home, nearest) + 1e-9
