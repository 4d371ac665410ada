"""The baseline: group the requests by hospital, give each hospital's to the nearest runners.

Hospitals go in order of demand (largest first). A hospital's requests go first to a runner
left part-full by the previous hospital (so no runner ends the day with two hospitals and
room to spare), then to the runners nearest the hospital, each taking the requests whose
gates are nearest their home. What is left (the two-hospitals limit) goes to any runner with
room who may still fetch from that hospital, else to tomorrow. When demand exceeds the
runners' places, the greens delivered farthest from their hospital are carried first.
"""

from __future__ import annotations

from .cells import Cells
from .model import Day, Plan


def greedy(day: Day) -> Plan:
    """The baseline plan (valid under the same hard rules as `plan`)."""
    cells = Cells(day)
    taken, carried = greedy_counts(cells)
    return cells.plan(taken, carried)


def greedy_counts(cells: Cells) -> tuple[list[dict[int, int]], dict[int, int]]:
    """How many of each cell every runner takes, and how many are carried to tomorrow."""
    cells.check_reds()
    d = cells.places.dist
    n_cells = len(cells.size)
    remaining = list(cells.size)
    carried: dict[int, int] = {}
    excess = sum(cells.size) - sum(cells.capacity)
    far_first = sorted(
        range(n_cells),
        key=lambda c: -d[cells.hospital_point[cells.cell_h[c]]][cells.gate_point[cells.cell_g[c]]],
    )
    for kind in (cells.greens, cells.yellows):
        for c in far_first:
            if excess <= 0:
                break
            q = min(kind[c], excess)
            if q:
                carried[c] = carried.get(c, 0) + q
                remaining[c] -= q
                excess -= q
    n_runners = len(cells.capacity)
    load = [0] * n_runners
    hospitals: list[set[int]] = [set() for _ in range(n_runners)]
    taken: list[dict[int, int]] = [{} for _ in range(n_runners)]

    def give(r: int, c: int, q: int) -> None:
        taken[r][c] = taken[r].get(c, 0) + q
        load[r] += q
        remaining[c] -= q
        hospitals[r].add(cells.cell_h[c])

    def may(r: int, h: int) -> bool:
        return load[r] < cells.capacity[r] and (h in hospitals[r] or len(hospitals[r]) < 2)

    demand = [0] * len(cells.hospital_keys)
    for c in range(n_cells):
        demand[cells.cell_h[c]] += remaining[c]
    for h in sorted(range(len(demand)), key=lambda h: (-demand[h], h)):
        point = cells.hospital_point[h]
        mine = [c for c in range(n_cells) if cells.cell_h[c] == h]
        while any(remaining[c] for c in mine):
            runners = [r for r in range(n_runners) if may(r, h)]
            if not runners:
                break
            r = min(
                runners,
                key=lambda r: (
                    0 if hospitals[r] and h not in hospitals[r] else 1,
                    d[r][point],
                    r,
                ),
            )
            for c in sorted(mine, key=lambda c: (d[r][cells.gate_point[cells.cell_g[c]]], c)):
                q = min(remaining[c], cells.capacity[r] - load[r])
                if q > 0:
                    give(r, c, q)
    for c in range(n_cells):
        h = cells.cell_h[c]
        point = cells.hospital_point[h]
        for r in sorted(range(n_runners), key=lambda r: (d[r][point], r)):
            if remaining[c] and may(r, h):
                give(r, c, min(remaining[c], cells.capacity[r] - load[r]))
        if remaining[c]:
            carried[c] = carried.get(c, 0) + remaining[c]
            remaining[c] = 0
    return taken, carried
