"""Pairing suggestions at the scale of a large town: 5,000 unpaired special-care residents and
5,000 volunteers (capacity 2 each) in 39 committees.

Prints the exact solver's time (median of 5 runs) and the cost ratio of a greedy nearest-first
pairing to the optimal one. Target: optimal in < 0.5 s.

    .venv/bin/python bench/pairing.py
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from linli.duty.suggest import (
    DEFAULT_CAPACITY,
    UNPAIRED,
    Person,
    greedy,
    pair_cost,
    solve,
    total_cost,
)

COMMITTEES, COMPOUNDS_PER_COMMITTEE, BUILDINGS_PER_COMPOUND = 39, 8, 5
RESIDENTS, VOLUNTEERS = 5_000, 5_000


def town(seed: int = 7) -> tuple[list[Person], list[Person]]:
    rng = random.Random(seed)

    def place() -> tuple[int, int, int]:
        committee = rng.randrange(COMMITTEES)
        compound = committee * COMPOUNDS_PER_COMMITTEE + rng.randrange(COMPOUNDS_PER_COMMITTEE)
        building = compound * BUILDINGS_PER_COMPOUND + rng.randrange(BUILDINGS_PER_COMPOUND)
        return committee, compound, building

    residents = []
    for i in range(RESIDENTS):
        committee, compound, building = place()
        needs = frozenset({"medical"}) if rng.random() < 0.12 else frozenset()
        residents.append(Person(i, committee, compound, building, needs))
    volunteers = []
    for j in range(VOLUNTEERS):
        committee, compound, building = place()
        if rng.random() < 0.3:  # reported party members living elsewhere: committee only
            compound = building = None  # type: ignore[assignment]
        skills = frozenset({"medical"}) if rng.random() < 0.1 else frozenset()
        volunteers.append(Person(j, committee, compound, building, skills, DEFAULT_CAPACITY))
    return residents, volunteers


def main() -> None:
    residents, volunteers = town()
    times = []
    for _ in range(5):
        started = time.perf_counter()
        pairs = solve(residents, volunteers)
        times.append(time.perf_counter() - started)
    started = time.perf_counter()
    baseline = greedy(residents, volunteers)
    greedy_time = time.perf_counter() - started

    def describe(name: str, found: list[tuple[int, int]]) -> tuple[int, float]:
        cost = total_cost(residents, volunteers, found)
        near = sum(pair_cost(residents[r], volunteers[v]) for r, v in found)
        print(
            f"{name:8} pairs {len(found):5}  unpaired {RESIDENTS - len(found):4}  "
            f"distance cost {near:6}  objective {cost:7} (unpaired x {UNPAIRED})"
        )
        return cost, near / max(len(found), 1)

    print(
        f"{RESIDENTS} residents x {VOLUNTEERS} volunteers (capacity {DEFAULT_CAPACITY}), "
        f"{COMMITTEES} committees"
    )
    optimal, optimal_per_pair = describe("optimal", pairs)
    greedy_cost, greedy_per_pair = describe("greedy", baseline)
    print(
        f"solve time: median {statistics.median(times) * 1000:.0f} ms "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}); "
        f"greedy {greedy_time * 1000:.0f} ms"
    )
    print(
        f"cost ratio greedy / optimal: {greedy_cost / optimal:.3f} "
        f"(distance cost per pair: {greedy_per_pair / optimal_per_pair:.3f})"
    )


if __name__ == "__main__":
    main()
