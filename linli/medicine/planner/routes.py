"""Distances between a day's places, and a runner's best route.

A route is home → the hospitals (at most two, both orders tried) → the gates (any order) →
home. The gates' order is exact: every permutation up to 5 gates, Held–Karp dynamic
programming (numpy, one layer of subsets at a time) from 6 up to `EXACT_GATES` (12); above
that, a nearest-neighbour path improved by 2-opt and or-opt until neither helps, which is
good but not proved best (a good plan never sends one runner to so many committees).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from functools import cache

import numpy as np

from .model import ROAD_FACTOR, Day, Point, Runner, haversine_km

EXACT_GATES = 12
PERMUTE_GATES = 5


def home_name(runner_key: str) -> str:
    return f"home:{runner_key}"


def hospital_name(key: str) -> str:
    return f"hospital:{key}"


def gate_name(key: str) -> str:
    return f"gate:{key}"


def road_km(day: Day, a_name: str, a: Point, b_name: str, b: Point) -> float:
    """Road km between two named places: the imported matrix (either way), else haversine × 1.3."""
    if day.matrix:
        given = day.matrix.get((a_name, b_name))
        if given is None:
            given = day.matrix.get((b_name, a_name))
        if given is not None:
            return float(given)
    return haversine_km(a, b) * ROAD_FACTOR


class Places:
    """Every place of a day numbered (homes, then hospitals, then gates) with all distances."""

    def __init__(self, day: Day) -> None:
        named: list[tuple[str, Point]] = [(home_name(r.key), r.home) for r in day.runners]
        self.home = list(range(len(day.runners)))
        self.hospital = {}
        for key, point in day.hospitals.items():
            self.hospital[key] = len(named)
            named.append((hospital_name(key), point))
        self.gate = {}
        for key, point in day.gates.items():
            self.gate[key] = len(named)
            named.append((gate_name(key), point))
        self.names = [name for name, _ in named]
        self.dist = [
            [
                0.0 if i == j else road_km(day, a_name, a, b_name, b)
                for j, (b_name, b) in enumerate(named)
            ]
            for i, (a_name, a) in enumerate(named)
        ]
        self.array = np.array(self.dist, dtype=float)


def best_route(
    places: Places,
    home: int,
    hospitals: Sequence[int],
    gates: Sequence[int],
    exact: int = EXACT_GATES,
) -> tuple[float, list[int], list[int]]:
    """The least km from `home` through `hospitals` then `gates` back home, and the orders.

    Exact up to `exact` gates, the 2-opt/or-opt path above (see the module)."""
    d = places.dist
    # (km so far, the hospitals' order, where the gates' path starts)
    starts: list[tuple[float, list[int], int]] = []
    for order in itertools.permutations(hospitals):
        km, at = 0.0, home
        for h in order:
            km, at = km + d[at][h], h
        starts.append((km, list(order), at))
    if not gates:
        km, h_order, at = min(((s + d[a][home], o, a) for s, o, a in starts), key=_first)
        return km, h_order, []
    if len(gates) <= PERMUTE_GATES:
        best: tuple[float, list[int], list[int]] | None = None
        for s, o, a in starts:
            for perm in itertools.permutations(gates):
                km, at = s, a
                for g in perm:
                    km, at = km + d[at][g], g
                km += d[at][home]
                if best is None or km < best[0]:
                    best = (km, o, list(perm))
        assert best is not None
        return best
    # The gates' path may start after either hospital order: its start cost per first gate.
    first = [min((s + d[a][g], i) for i, (s, _, a) in enumerate(starts)) for g in gates]
    if len(gates) <= exact:
        km, path = _held_karp(places, home, gates, [f[0] for f in first])
    else:
        km, path = improved_path(places, home, gates, [f[0] for f in first])
    return km, starts[first[gates.index(path[0])][1]][1], path


def _first(item: tuple[float, list[int], int]) -> float:
    return item[0]


@cache
def _layers(n: int) -> list[tuple[np.ndarray, ...]]:
    """For each subset size k ≥ 2: per gate j, the subsets of size k holding j (as masks)."""
    masks = np.arange(1 << n)
    sizes = np.array([bin(m).count("1") for m in range(1 << n)])
    layers = []
    for k in range(2, n + 1):
        of_size = masks[sizes == k]
        layers.append(tuple(of_size[(of_size >> j) & 1 == 1] for j in range(n)))
    return layers


def _held_karp(
    places: Places, home: int, gates: Sequence[int], start: list[float]
) -> tuple[float, list[int]]:
    """Exact shortest path over all gates (first gate's cost given by `start`), then home."""
    n = len(gates)
    idx = np.array(gates)
    between = places.array[np.ix_(idx, idx)]
    back = places.array[idx, home]
    best = np.full((1 << n, n), np.inf)
    parent = np.full((1 << n, n), -1, dtype=np.int64)
    for j in range(n):
        best[1 << j, j] = start[j]
    for per_gate in _layers(n):
        for j, masks in enumerate(per_gate):
            before = masks ^ (1 << j)
            candidates = best[before] + between[:, j]
            came = candidates.argmin(axis=1)
            best[masks, j] = candidates[np.arange(len(masks)), came]
            parent[masks, j] = came
    full = (1 << n) - 1
    totals = best[full] + back
    last = int(totals.argmin())
    km = float(totals[last])
    path, mask = [], full
    while last >= 0:
        path.append(gates[last])
        previous = int(parent[mask, last])
        mask ^= 1 << last
        last = previous
    path.reverse()
    return km, path


def improved_path(
    places: Places, home: int, gates: Sequence[int], start: list[float], given: bool = False
) -> tuple[float, list[int]]:
    """A nearest-neighbour path from the cheapest first gate (or the gates' order as given),
    then 2-opt and or-opt moves until neither shortens it; its km is measured on the final
    order."""
    d = places.dist
    n = len(gates)
    # Local numbering: 0 the path's start (after the hospitals), 1..n the gates, n + 1 home.
    m = [[0.0] * (n + 2) for _ in range(n + 2)]
    for i, g in enumerate(gates, 1):
        m[0][i] = start[i - 1]
        m[i][n + 1] = d[g][home]
        for j, g2 in enumerate(gates, 1):
            m[i][j] = d[g][g2]
    left = set(range(1, n + 1))
    seq = [0, *sorted(left)] if given else [0]
    while left and not given:
        at = min(left, key=lambda j: (m[seq[-1]][j], j))
        seq.append(at)
        left.remove(at)
    seq.append(n + 1)
    improved = True
    while improved:
        improved = False
        for i in range(1, n):
            for j in range(i + 1, n + 1):
                a, pi, pj, b = seq[i - 1], seq[i], seq[j], seq[j + 1]
                if m[a][pj] + m[pi][b] < m[a][pi] + m[pj][b] - 1e-9:
                    seq[i : j + 1] = seq[i : j + 1][::-1]
                    improved = True
        for i in range(1, n + 1):
            node = seq[i]
            prev, nxt = seq[i - 1], seq[i + 1]
            gain = m[prev][node] + m[node][nxt] - m[prev][nxt]
            rest = seq[:i] + seq[i + 1 :]
            for k in range(len(rest) - 1):
                a, b = rest[k], rest[k + 1]
                if m[a][node] + m[node][b] - m[a][b] < gain - 1e-9:
                    seq = [*rest[: k + 1], node, *rest[k + 1 :]]
                    improved = True
                    break
    km = sum(m[a][b] for a, b in itertools.pairwise(seq))
    return km, [gates[i - 1] for i in seq[1:-1]]


def route_km(
    day: Day, runner: Runner, hospitals: set[str], gates: set[str]
) -> tuple[float, list[str], list[str]]:
    """The runner's best visiting order of these hospitals and gates, and its km."""
    places = Places(
        Day(
            runners=[runner],
            jobs=[],
            hospitals={k: day.hospitals[k] for k in sorted(hospitals)},
            gates={k: day.gates[k] for k in sorted(gates)},
            matrix=day.matrix,
        )
    )
    km, h_order, g_order = best_route(
        places,
        0,
        [places.hospital[k] for k in sorted(hospitals)],
        [places.gate[k] for k in sorted(gates)],
    )
    name = {i: k for k, i in (*places.hospital.items(), *places.gate.items())}
    return km, [name[i] for i in h_order], [name[i] for i in g_order]
