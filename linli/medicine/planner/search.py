"""The planner: a greedy start, a second start by cheapest insertion, then large-neighbourhood
search on the aggregated day (docs/architecture.md, "The medicine run planner").

The state is how many jobs of each cell (hospital × gate) every runner takes, plus a
"tomorrow" bin. A runner's cost is the km of its route over the hospitals and gates its
cells name; tomorrow's cost is `Cells.carry_cost`, far above any km, so the search first
carries the fewest jobs (greens before yellows), then shortens the routes. Which greens are
carried when demand exceeds the places is the search's choice: those whose delivery would
cost the most km.

One iteration (the neighbourhood) takes a runner, 1 to 4 related runners (nearest homes, or
sharing a hospital) and tomorrow's bin; it takes all their cells out, puts them back one
cell at a time where they cost least (splitting a cell when a runner's room is short), and
then descends with moves of a cell's portion to a runner with room, swaps of portions
between two of them and moves and swaps of a runner's cells of one hospital, until none
helps. The result is kept by simulated annealing (a worse one is accepted with probability
exp(-Δkm / T), T cooling over the time limit); the best plan seen is returned.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable

from .cells import Cells
from .greedy import greedy_counts
from .model import Day, Plan
from .state import EPS, State

START_TEMPERATURE = 8.0  # km
END_TEMPERATURE = 0.08
PROGRESS_EVERY = 0.25  # seconds
MAX_OTHERS = 4  # runners taken apart with the first, at most
MENDING = 300  # neighbourhoods at most, beyond the time limit, to carry no more than needed


class Search(State):
    """The state with the large neighbourhoods and the second start."""

    def neighbourhood(self, temperature: float, urgent_first: bool = False) -> None:
        """Take a few related runners' cells (and tomorrow's) out, put them back, descend.
        `urgent_first`: put back every cell's reds first, then yellows, then the rest."""
        rng = self.rng
        busy = [r for r in range(self.n_runners) if self.load[r]]
        if not busy:
            return
        seed = rng.choice(busy)
        k = rng.randint(1, min(MAX_OTHERS, self.n_runners - 1)) if self.n_runners > 1 else 0
        if rng.random() < 0.5:
            pool = self.near[seed][: 2 * k]
        else:
            pool = [r for r in range(self.n_runners) if r != seed and self.hm[r] & self.hm[seed]]
            if len(pool) < k:
                pool += [r for r in self.near[seed] if r not in pool]
        runners = [seed, *rng.sample(pool, k)] if k else [seed]
        bins = [*runners, self.carry]
        saved = self.snapshot(bins)
        before = sum(self.cost[b] for b in bins)
        taken = self.apply_empty(bins)
        order = list(taken)
        how = rng.random()
        if how < 0.2:
            rng.shuffle(order)
        elif how < 0.4:
            order.sort(key=lambda c: (-taken[c], rng.random()))
        elif how < 0.7:  # one hospital at a time, in a random order
            rank = list(range(len(self.cells.hospital_keys)))
            rng.shuffle(rank)
            order.sort(key=lambda c: (rank[self.cells.cell_h[c]], -taken[c], rng.random()))
        else:  # one gate at a time, in a random order
            rank = list(range(len(self.cells.gate_keys)))
            rng.shuffle(rank)
            order.sort(key=lambda c: (rank[self.cells.cell_g[c]], -taken[c], rng.random()))
        if urgent_first:
            cells, done = self.cells, dict.fromkeys(taken, 0)
            for urgent in (cells.reds, cells.yellows, None):  # reds, yellows, then greens
                for c in order:
                    need = cells.size[c] if urgent is None else cells.reds[c]
                    if urgent is cells.yellows:
                        need += cells.yellows[c]
                    # what this pool must place so that the cell's need is met, less done
                    q = max(0, need - (cells.size[c] - taken[c])) - done[c]
                    if q > 0:
                        self.insert(c, q, runners)
                        done[c] += q
        else:
            for c in order:
                self.insert(c, taken[c], runners)
        self.descend(bins)
        after = sum(self.cost[b] for b in bins)
        if after > before + EPS and (
            after - before > 1e3
            or temperature <= 0
            or rng.random() >= math.exp((before - after) / temperature)
        ):
            self.restore(saved)

    def construct(self) -> None:
        """Start again from empty runners, putting back one hospital's cells at a time (the
        hospitals farthest from the runners first, a hospital's largest cells first) where
        each adds least; keep it unless it carries more than the greedy start."""
        everyone = list(range(self.n_runners + 1))
        greedy = self.snapshot(everyone)
        carried = self.cost[self.carry]
        self.apply_empty(everyone)
        d, cells = self.d, self.cells
        far = [sum(d[r][point] for r in range(self.n_runners)) for point in cells.hospital_point]
        order = sorted(
            range(len(cells.size)), key=lambda c: (-far[cells.cell_h[c]], -cells.size[c], c)
        )
        runners = list(range(self.n_runners))
        for c in order:
            self.insert(c, cells.size[c], runners)
        self.descend(everyone, sources=[self.carry])
        if self.cost[self.carry] > carried + EPS:
            self.restore(greedy)

    def apply_empty(self, bins: list[int]) -> dict[int, int]:
        """Take every cell out of these bins; how many of each cell were taken."""
        taken: dict[int, int] = {}
        for b in bins:
            for c, q in self.x[b].items():
                taken[c] = taken.get(c, 0) + q
            self.apply(b, [(c, -q) for c, q in self.x[b].items()])
        return taken

    def insert(self, c: int, q: int, runners: list[int]) -> None:
        """Put q jobs of cell c with these runners where they add least, the rest tomorrow."""
        h = self.cells.cell_h[c]
        while q:
            best, best_r = math.inf, -1
            for r in runners:
                room = self.capacity[r] - self.load[r]
                if room <= 0 or (not self.hm[r] >> h & 1 and self.hm[r].bit_count() >= 2):
                    continue
                cost = self.cost_after(r, [(c, min(q, room))])
                if cost - self.cost[r] < best:
                    best, best_r = cost - self.cost[r], r
            if best_r < 0:
                b = self.carry
                self.apply(b, [(c, q)])
                return
            given = min(q, self.capacity[best_r] - self.load[best_r])
            self.apply(best_r, [(c, given)])
            q -= given


def plan(
    day: Day,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> Plan:
    """The day's plan of least total km found within `time_limit` seconds (see the module)."""
    started = time.perf_counter()
    deadline = started + max(0.0, time_limit)
    cells = Cells(day)
    search = Search(cells, random.Random(seed))
    everyone = list(range(search.n_runners + 1))
    search.start(*greedy_counts(cells))
    # Tomorrow's bin first and to the end, whatever the time: the fewest jobs carried.
    search.descend(everyone, sources=[search.carry])
    best_total, best = search.total(), search.snapshot(everyone)
    search.construct()
    # More jobs carried than the places force (the two-hospital limit, or reds waiting):
    # neighbourhoods (which always hold tomorrow's bin) until that is mended or plainly
    # cannot be, whatever the time limit. A mending step accepts any km that carries no more
    # (an infinite temperature): carrying fewer may need a longer route first (two runners
    # splitting a hospital's jobs so that neither visits a third), which a descent never
    # takes. Steps alternate putting the urgent jobs back first with the neighbourhood's own
    # orders. Mending that carries no fewer is undone: the search starts from shorter routes.
    floor = max(0, len(day.jobs) - sum(cells.capacity))
    unmended, carry_cost = search.snapshot(everyone), search.cost[search.carry]
    for step in range(MENDING):
        carried = search.x[search.carry]
        if not search.n_runners or (
            sum(carried.values()) <= floor and not cells.reds_carried(carried)
        ):
            break
        search.neighbourhood(math.inf, urgent_first=step % 2 == 0)
    if search.cost[search.carry] > carry_cost - EPS:
        search.restore(unmended)
    search.descend(everyone, deadline=deadline)
    last_report = 0.0
    while search.n_runners and day.jobs:
        now = time.perf_counter()
        if now >= deadline:
            break
        total = search.total()
        if total < best_total - EPS:
            best_total, best = total, search.snapshot(everyone)
        fraction = (now - started) / max(time_limit, 1e-9)
        if progress is not None and now - last_report >= PROGRESS_EVERY:
            progress(min(1.0, fraction))
            last_report = now
        temperature = START_TEMPERATURE * (END_TEMPERATURE / START_TEMPERATURE) ** fraction
        search.neighbourhood(temperature)
    if search.total() < best_total - EPS:
        best = search.snapshot(everyone)
    search.restore(best)
    if progress is not None:
        progress(1.0)
    return cells.plan(search.x[: search.n_runners], search.x[search.carry])
