"""The day aggregated: jobs grouped into cells (hospital × gate), and a plan read back from
how many of each cell every runner takes.

Within a cell the jobs are ordered red, yellow, green (then by key): runners take them from
the front, tomorrow from the back, so a cell's carried jobs are its greens first, then its
yellows, and its reds only when nothing else is left (which the planner refuses).
"""

from __future__ import annotations

from collections import defaultdict

from .model import URGENCIES, Day, Infeasible, Plan, Run
from .routes import Places, best_route

# The cost of carrying a job to tomorrow, far above any day's km: the fewest jobs are carried,
# greens before yellows, and a red only when it cannot be helped (then the plan fails).
CARRY_COST = 1e7
YELLOW_COST = 1e5
RED_COST = 1e10


class Cells:
    """The day's jobs by cell, with the places numbered for the route solver."""

    def __init__(self, day: Day) -> None:
        keys = [job.key for job in day.jobs]
        if len(set(keys)) != len(keys):
            raise ValueError("配药单号重复 (duplicate job keys)")
        runner_keys = [runner.key for runner in day.runners]
        if len(set(runner_keys)) != len(runner_keys):
            raise ValueError("跑腿志愿者重复 (duplicate runner keys)")
        for job in day.jobs:
            if job.hospital not in day.hospitals or job.gate not in day.gates:
                raise ValueError(
                    f"配药单 {job.key} 的医院或小区门口不在当天的地点里 "
                    f"(job {job.key}: unknown hospital or gate)"
                )
            if job.urgency not in URGENCIES:
                raise ValueError(f"配药单 {job.key} 的紧急程度无效 (job {job.key}: bad urgency)")
        self.day = day
        self.places = Places(day)
        self.hospital_keys = list(day.hospitals)
        self.gate_keys = list(day.gates)
        self.capacity = [max(0, runner.capacity) for runner in day.runners]
        rank = {u: i for i, u in enumerate(URGENCIES)}
        by_cell: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
        h_index = {k: i for i, k in enumerate(self.hospital_keys)}
        g_index = {k: i for i, k in enumerate(self.gate_keys)}
        for job in day.jobs:
            by_cell[(h_index[job.hospital], g_index[job.gate])].append((rank[job.urgency], job.key))
        self.cell_h: list[int] = []
        self.cell_g: list[int] = []
        self.jobs: list[list[str]] = []  # per cell: red, yellow, green, then by key
        self.size: list[int] = []
        self.greens: list[int] = []
        self.yellows: list[int] = []
        self.reds: list[int] = []
        for (h, g), jobs in sorted(by_cell.items()):
            jobs.sort()
            self.cell_h.append(h)
            self.cell_g.append(g)
            self.jobs.append([key for _, key in jobs])
            self.size.append(len(jobs))
            self.reds.append(sum(1 for u, _ in jobs if u == 0))
            self.yellows.append(sum(1 for u, _ in jobs if u == 1))
            self.greens.append(sum(1 for u, _ in jobs if u == 2))
        self.hospital_point = [self.places.hospital[k] for k in self.hospital_keys]
        self.gate_point = [self.places.gate[k] for k in self.gate_keys]

    def carry_cost(self, cell: int, carried: int) -> float:
        """What carrying `carried` of this cell's jobs to tomorrow costs in the objective."""
        yellows = max(0, carried - self.greens[cell])
        reds = max(0, yellows - self.yellows[cell])
        return carried * CARRY_COST + yellows * YELLOW_COST + reds * RED_COST

    def reds_carried(self, carried: dict[int, int]) -> int:
        return sum(max(0, q - self.greens[c] - self.yellows[c]) for c, q in carried.items())

    def check_reds(self) -> None:
        """Refuse a day whose red requests outnumber all the runners' places."""
        reds, places = sum(self.reds), sum(self.capacity)
        if reds > places:
            raise Infeasible(infeasible_message(reds, places))

    def plan(self, taken: list[dict[int, int]], carried: dict[int, int]) -> Plan:
        """The plan these counts describe: concrete jobs, visiting orders, km."""
        if self.reds_carried(carried):
            raise Infeasible(
                "医院数限制（每人每天最多两家）使部分红色配药单无法安排 "
                "(the two-hospitals-a-day limit leaves some red requests unplanned)"
            )
        next_job = [0] * len(self.size)
        runs = []
        for r, cells in enumerate(taken):
            cells = {c: q for c, q in cells.items() if q > 0}
            if not cells:
                continue
            hospitals = sorted({self.hospital_point[self.cell_h[c]] for c in cells})
            gates = sorted({self.gate_point[self.cell_g[c]] for c in cells})
            km, h_order, g_order = best_route(self.places, r, hospitals, gates)
            h_rank = {p: i for i, p in enumerate(h_order)}
            g_rank = {p: i for i, p in enumerate(g_order)}
            jobs: list[tuple[tuple[int, int], str]] = []
            for c, q in cells.items():
                start = next_job[c]
                next_job[c] += q
                rank = (
                    h_rank[self.hospital_point[self.cell_h[c]]],
                    g_rank[self.gate_point[self.cell_g[c]]],
                )
                jobs.extend((rank, key) for key in self.jobs[c][start : start + q])
            jobs.sort()
            name = self.places.names
            runs.append(
                Run(
                    runner=self.day.runners[r].key,
                    hospitals=[name[p].removeprefix("hospital:") for p in h_order],
                    gates=[name[p].removeprefix("gate:") for p in g_order],
                    km=km,
                    jobs=[key for _, key in jobs],
                )
            )
        carried_over: list[str] = []
        for c, keys in enumerate(self.jobs):
            if next_job[c] + carried.get(c, 0) != len(keys):
                raise AssertionError("a cell's jobs are not all planned or carried")
            carried_over.extend(keys[next_job[c] :])
        return Plan(runs=runs, carried_over=carried_over, total_km=sum(run.km for run in runs))


def infeasible_message(reds: int, places: int) -> str:
    return (
        f"红色（紧急）配药单 {reds} 张，超过当班跑腿志愿者能送的 {places} 张 "
        f"(red requests {reds} exceed the {places} the runners on duty can take)"
    )
