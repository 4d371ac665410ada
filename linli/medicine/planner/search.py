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

import itertools
import math
import random
import time
from collections.abc import Callable

from .cells import Cells
from .greedy import greedy_counts
from .model import Day, Plan
from .routes import PERMUTE_GATES, best_route, improved_path

EPS = 1e-9
START_TEMPERATURE = 8.0  # km
END_TEMPERATURE = 0.08
PROGRESS_EVERY = 0.25  # seconds
MAX_OTHERS = 4  # runners taken apart with the first, at most
MENDING = 300  # neighbourhoods at most, beyond the time limit, to carry no more than needed


class Search:
    """The state of the search and its moves."""

    def __init__(self, cells: Cells, rng: random.Random) -> None:
        self.cells = cells
        self.rng = rng
        self.n_runners = len(cells.capacity)
        self.carry = self.n_runners  # the bin of tomorrow's jobs
        bins = self.n_runners + 1
        self.capacity = [*cells.capacity, 1 << 60]
        self.x: list[dict[int, int]] = [{} for _ in range(bins)]
        self.load = [0] * bins
        self.hc = [[0] * len(cells.hospital_keys) for _ in range(bins)]
        self.gc = [[0] * len(cells.gate_keys) for _ in range(bins)]
        self.hm = [0] * bins
        self.gm = [0] * bins
        self.cost = [0.0] * bins
        self.hord: list[list[int]] = [[] for _ in range(bins)]  # hospitals' points in order
        self.seq: list[list[int]] = [[] for _ in range(bins)]  # gates' points in order
        self.routes: dict[tuple[int, int, int], tuple[float, list[int], list[int]]] = {}
        self.gate_of = {p: g for g, p in enumerate(cells.gate_point)}
        # estimates from each runner's present route, forgotten when the route changes
        self.guesses: list[dict[tuple[int, int], float]] = [{} for _ in range(bins)]
        self.changed: set[int] = set()  # bins changed since `descend` last looked
        self.d = d = cells.places.dist
        homes = range(self.n_runners)
        self.near = [
            sorted((r2 for r2 in homes if r2 != r), key=lambda r2: d[r][r2]) for r in homes
        ]

    # -- costs

    def route(self, r: int, hm: int, gm: int) -> tuple[float, list[int], list[int]]:
        """Runner r's best route over these hospitals and gates (masks): km and orders."""
        key = (r, hm, gm)
        known = self.routes.get(key)
        if known is None:
            if hm.bit_count() > 2:
                known = (math.inf, [], [])
            elif hm == 0 and gm == 0:
                known = (0.0, [], [])
            else:
                cells = self.cells
                hs = [cells.hospital_point[h] for h in _bits(hm)]
                gs = [cells.gate_point[g] for g in _bits(gm)]
                known = best_route(cells.places, r, hs, gs)
            self.routes[key] = known
        return known

    def estimate(self, r: int, hm: int, gm: int) -> float:
        """The km of a route over these masks: the best one if known, else `guess`'s."""
        known = self.routes.get((r, hm, gm))
        if known is not None:
            return known[0]
        if hm.bit_count() > 2:
            return math.inf
        guessed = self.guesses[r].get((hm, gm))
        if guessed is None:
            guessed = self.guess(r, hm, gm)[0]
            self.guesses[r][(hm, gm)] = guessed
        return guessed

    def guess(self, r: int, hm: int, gm: int) -> tuple[float, list[int], list[int]]:
        """Runner r's present route with the gates gone taken out and the new ones put in
        where they add least: a real route over these masks (so never shorter than the best
        one), with its km and orders."""
        if hm == 0:
            return self.route(r, hm, gm)
        d = self.d
        point = self.cells.gate_point
        hospitals = [self.cells.hospital_point[h] for h in _bits(hm)]
        seq = [p for p in self.seq[r] if gm >> self.gate_of[p] & 1]
        start = (
            self.hord[r][-1] if self.hord[r] and self.hord[r][-1] in hospitals else hospitals[-1]
        )
        for g in _bits(gm & ~self.gm[r]):
            p = point[g]
            if not seq:
                seq.append(p)
                continue
            best_at, best = 0, d[start][p] + d[p][seq[0]] - d[start][seq[0]]
            for i in range(1, len(seq)):
                add = d[seq[i - 1]][p] + d[p][seq[i]] - d[seq[i - 1]][seq[i]]
                if add < best:
                    best_at, best = i, add
            if d[seq[-1]][p] + d[p][r] - d[seq[-1]][r] < best:
                best_at = len(seq)
            seq.insert(best_at, p)
        path = sum(d[x][y] for x, y in itertools.pairwise(seq))
        km, h_order = math.inf, hospitals
        orders = [hospitals] if len(hospitals) == 1 else [hospitals, hospitals[::-1]]
        for order in orders:
            head = d[r][order[0]] + (d[order[0]][order[1]] if len(order) == 2 else 0.0)
            if seq:
                total = head + d[order[-1]][seq[0]] + path + d[seq[-1]][r]
            else:
                total = head + d[order[-1]][r]
            if total < km:
                km, h_order = total, order
        return km, h_order, seq

    def polished(self, r: int, hm: int, gm: int) -> tuple[float, list[int], list[int]]:
        """The route a move gives runner r: the best one up to PERMUTE_GATES gates (or when
        known), else `guess`'s improved by 2-opt and or-opt (never longer than the guess)."""
        if gm.bit_count() <= PERMUTE_GATES or (r, hm, gm) in self.routes or hm == 0:
            return self.route(r, hm, gm)
        _, _, seq = self.guess(r, hm, gm)
        d = self.d
        hospitals = [self.cells.hospital_point[h] for h in _bits(hm)]
        starts = []
        for order in [hospitals] if len(hospitals) == 1 else [hospitals, hospitals[::-1]]:
            head = d[r][order[0]] + (d[order[0]][order[1]] if len(order) == 2 else 0.0)
            starts.append((head, order))
        first = [min(head + d[order[-1]][p] for head, order in starts) for p in seq]
        km, path = improved_path(self.cells.places, r, seq, first, given=True)
        _, h_order = min(starts, key=lambda s: s[0] + d[s[1][-1]][path[0]])
        return km, h_order, path

    def masks_after(self, b: int, changes: list[tuple[int, int]]) -> tuple[int, int]:
        """Bin b's hospitals and gates (masks) after these changes (one per cell)."""
        x = self.x[b]
        hm, gm = self.hm[b], self.gm[b]
        flips = []  # the cells the bin starts (+1) or stops (-1) taking
        for c, dq in changes:
            old = x.get(c, 0)
            if old == 0:
                if old + dq > 0:
                    flips.append((c, 1))
            elif old + dq == 0:
                flips.append((c, -1))
        if not flips:
            return hm, gm
        hc, gc, cell_h, cell_g = self.hc[b], self.gc[b], self.cells.cell_h, self.cells.cell_g
        if len(flips) == 1:
            c, s = flips[0]
            h, g = cell_h[c], cell_g[c]
            hm = hm | (1 << h) if hc[h] + s else hm & ~(1 << h)
            gm = gm | (1 << g) if gc[g] + s else gm & ~(1 << g)
            return hm, gm
        dh: dict[int, int] = {}
        dg: dict[int, int] = {}
        for c, s in flips:
            h, g = cell_h[c], cell_g[c]
            dh[h] = dh.get(h, 0) + s
            dg[g] = dg.get(g, 0) + s
        for h, s in dh.items():
            hm = hm | (1 << h) if hc[h] + s else hm & ~(1 << h)
        for g, s in dg.items():
            gm = gm | (1 << g) if gc[g] + s else gm & ~(1 << g)
        return hm, gm

    def carry_after(self, changes: list[tuple[int, int]]) -> float:
        x = self.x[self.carry]
        total = self.cost[self.carry]
        for c, dq in changes:
            old = x.get(c, 0)
            total += self.cells.carry_cost(c, old + dq) - self.cells.carry_cost(c, old)
        return total

    def cost_after(self, b: int, changes: list[tuple[int, int]]) -> float:
        """Bin b's cost after these changes (estimated for a runner: see `estimate`)."""
        if b == self.carry:
            return self.carry_after(changes)
        hm, gm = self.masks_after(b, changes)
        return self.estimate(b, hm, gm)

    def apply(self, b: int, changes: list[tuple[int, int]]) -> None:
        """Make the changes to bin b; a runner's route becomes the best one over its places."""
        self.changed.add(b)
        if b == self.carry:
            self.cost[b] = self.carry_after(changes)
        else:
            self.guesses[b].clear()
            hm, gm = self.masks_after(b, changes)
            self.cost[b], self.hord[b], self.seq[b] = self.polished(b, hm, gm)
            self.hm[b], self.gm[b] = hm, gm
        x, hc, gc = self.x[b], self.hc[b], self.gc[b]
        for c, dq in changes:
            old = x.get(c, 0)
            new = old + dq
            if new:
                x[c] = new
            else:
                del x[c]
            s = (old == 0 and new > 0) - (old > 0 and new == 0)
            if s:
                hc[self.cells.cell_h[c]] += s
                gc[self.cells.cell_g[c]] += s
            self.load[b] += dq

    def total(self) -> float:
        return sum(self.cost)

    # -- the start, snapshots, the result

    def start(self, taken: list[dict[int, int]], carried: dict[int, int]) -> None:
        for b, cells in enumerate([*taken, carried]):
            self.apply(b, [(c, q) for c, q in cells.items() if q])

    def snapshot(self, bins: list[int]) -> list[tuple]:
        return [
            (b, dict(self.x[b]), self.load[b], list(self.hc[b]), list(self.gc[b]),
             self.hm[b], self.gm[b], self.cost[b], self.hord[b], self.seq[b])
            for b in bins
        ]  # fmt: skip

    def restore(self, saved: list[tuple]) -> None:
        for b, x, load, hc, gc, hm, gm, cost, hord, seq in saved:
            self.x[b], self.load[b], self.hc[b], self.gc[b] = dict(x), load, list(hc), list(gc)
            self.hm[b], self.gm[b], self.cost[b] = hm, gm, cost
            self.hord[b], self.seq[b] = hord, seq
            self.guesses[b].clear()

    # -- moves

    def try_pair(
        self, a: int, ca: list[tuple[int, int]], b: int, cb: list[tuple[int, int]]
    ) -> bool:
        """Apply the changes to bins a and b if together they lower the cost (each list
        names a cell once: see `_merged`)."""
        new_a = self.cost_after(a, ca)
        if new_a == math.inf:
            return False
        new_b = self.cost_after(b, cb)
        if new_a + new_b < self.cost[a] + self.cost[b] - EPS:
            self.apply(a, ca)
            self.apply(b, cb)
            return True
        return False

    def descend(
        self, bins: list[int], sources: list[int] | None = None, deadline: float | None = None
    ) -> None:
        """Moves and swaps of cells, and of a hospital's cells, between these bins (taking
        from `sources` only, if given) until none helps, or the deadline. After the first
        pass, only the bins a move changed are taken from again (their partners are all)."""
        todo = list(sources if sources is not None else bins)
        while todo:
            items: list[tuple[int, int, bool]] = []
            for a in todo:
                items.extend((a, c, False) for c in self.x[a])
                if a != self.carry:
                    items.extend((a, h, True) for h in _bits(self.hm[a]))
            self.rng.shuffle(items)
            self.changed.clear()
            for a, what, block in items:
                if deadline is not None and time.perf_counter() > deadline:
                    return
                if block:
                    self.improve_block(a, what, bins)
                else:
                    self.improve(a, what, bins)
            todo = [b for b in (sources if sources is not None else bins) if b in self.changed]

    def may_fetch(self, b: int, hm: int) -> bool:
        """May bin b take cells of these hospitals (as a mask) besides its own?"""
        return b == self.carry or (self.hm[b] | hm).bit_count() <= 2

    def improve(self, a: int, c1: int, bins: list[int]) -> bool:
        """Move cell c1's portion from a to a runner with room, or swap it for another's."""
        qa = self.x[a].get(c1, 0)
        if not qa:
            return False
        cap, load, hm = self.capacity, self.load, self.hm
        h1 = 1 << self.cells.cell_h[c1]
        for b in bins:
            if b == a or b == self.carry or not self.may_fetch(b, h1):
                continue
            room = cap[b] - load[b]
            if room > 0:
                q = min(qa, room)
                if self.try_pair(a, [(c1, -q)], b, [(c1, q)]):
                    return True
        cell_h, cell_g, gm = self.cells.cell_h, self.cells.cell_g, self.gm
        g1 = cell_g[c1]
        # Does a stop going to c1's gate, or c1's hospital, if it gives all of c1?
        a_drops = a != self.carry and (self.gc[a][g1] == 1 or self.hc[a][cell_h[c1]] == 1)
        for b in bins:
            if b == a or not (b == self.carry or hm[b] & h1):
                continue
            gives_to_b = b != self.carry and gm[b] >> g1 & 1
            for c2, qb in list(self.x[b].items()):
                h2 = 1 << cell_h[c2]
                if c2 == c1 or not (a == self.carry or hm[a] & h2):
                    continue
                g2 = cell_g[c2]
                # A swap between runners that makes both go to a gate more is not tried.
                runners = a != self.carry and b != self.carry
                shared = gives_to_b or gm[a] >> g2 & 1
                b_drops = b != self.carry and (self.gc[b][g2] == 1 or self.hc[b][cell_h[c2]] == 1)
                q = min(qa, qb)
                if (
                    not runners or shared or (q == qa and a_drops) or (q == qb and b_drops)
                ) and self.try_pair(a, [(c1, -q), (c2, q)], b, [(c2, -q), (c1, q)]):
                    return True
                if (
                    qa != qb
                    and load[a] - qa + qb <= cap[a]
                    and load[b] - qb + qa <= cap[b]
                    and (not runners or shared or a_drops or b_drops)
                    and self.try_pair(a, [(c1, -qa), (c2, qb)], b, [(c2, -qb), (c1, qa)])
                ):
                    return True
        return False

    def improve_block(self, a: int, h: int, bins: list[int]) -> bool:
        """Move all of a's cells of hospital h to another runner, or swap them for all of
        another runner's cells of one hospital (or for everything the other runner takes)."""
        mine = [(c, q) for c, q in self.x[a].items() if self.cells.cell_h[c] == h]
        if not mine:
            return False
        qa = sum(q for _, q in mine)
        cap, load = self.capacity, self.load
        out = [(c, -q) for c, q in mine]
        for b in bins:
            if b == a or b == self.carry:
                continue
            if (
                load[b] + qa <= cap[b]
                and self.may_fetch(b, 1 << h)
                and self.try_pair(a, out, b, [(c, q) for c, q in mine])
            ):
                return True
            for h2 in {*_bits(self.hm[b]), -1}:
                theirs = [
                    (c, q) for c, q in self.x[b].items() if h2 < 0 or self.cells.cell_h[c] == h2
                ]
                qb = sum(q for _, q in theirs)
                if (
                    not theirs
                    or h2 == h
                    or load[a] - qa + qb > cap[a]
                    or load[b] - qb + qa > cap[b]
                ):
                    continue
                if self.try_pair(
                    a,
                    _merged([*out, *theirs]),
                    b,
                    _merged([*((c, -q) for c, q in theirs), *mine]),
                ):
                    return True
        return False

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
    # cannot be, whatever the time limit.
    floor = max(0, len(day.jobs) - sum(cells.capacity))
    for _ in range(MENDING):
        carried = search.x[search.carry]
        if not search.n_runners or (
            sum(carried.values()) <= floor and not cells.reds_carried(carried)
        ):
            break
        search.neighbourhood(0.0, urgent_first=True)
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


def _merged(changes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The changes with one entry per cell (the moves' methods expect no cell twice)."""
    if len(changes) < 2:
        return changes
    total: dict[int, int] = {}
    for c, dq in changes:
        total[c] = total.get(c, 0) + dq
    return [(c, dq) for c, dq in total.items() if dq]


def _bits(mask: int) -> list[int]:
    """The positions of a mask's set bits, lowest first."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out
