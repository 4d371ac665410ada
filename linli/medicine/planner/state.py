"""The search's state: how many jobs of each cell every runner takes (and tomorrow's bin),
what it costs, and the descent by moves and swaps of cells between runners (search.py builds
the large neighbourhoods on it)."""

from __future__ import annotations

import itertools
import math
import random
import time

from .cells import Cells
from .routes import PERMUTE_GATES, best_route, improved_path

EPS = 1e-9


class State:
    """The state of the search, its costs, and the descent."""

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
                hs = [cells.hospital_point[h] for h in bits(hm)]
                gs = [cells.gate_point[g] for g in bits(gm)]
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
        hospitals = [self.cells.hospital_point[h] for h in bits(hm)]
        seq = [p for p in self.seq[r] if gm >> self.gate_of[p] & 1]
        start = (
            self.hord[r][-1] if self.hord[r] and self.hord[r][-1] in hospitals else hospitals[-1]
        )
        for g in bits(gm & ~self.gm[r]):
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
        hospitals = [self.cells.hospital_point[h] for h in bits(hm)]
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
                    items.extend((a, h, True) for h in bits(self.hm[a]))
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
            for h2 in {*bits(self.hm[b]), -1}:
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
                    merged([*out, *theirs]),
                    b,
                    merged([*((c, -q) for c, q in theirs), *mine]),
                ):
                    return True
        return False


def merged(changes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The changes with one entry per cell (the moves' methods expect no cell twice)."""
    if len(changes) < 2:
        return changes
    total: dict[int, int] = {}
    for c, dq in changes:
        total[c] = total.get(c, 0) + dq
    return [(c, dq) for c, dq in total.items() if dq]


def bits(mask: int) -> list[int]:
    """The positions of a mask's set bits, lowest first."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out
