"""Pairing suggestions (结对建议): an exact min-cost assignment of unpaired special-care
residents to volunteers with capacity left.

Cost of a pair: same building 1, same compound 3, same committee 10; another committee, or a
resident whose needs the volunteer's skills don't meet (dialysis → medical), is forbidden.
Leaving a resident unpaired costs `UNPAIRED`, far above any pair, so the solution pairs as many
residents as possible and, among those, keeps pairs closest. Each volunteer's column is repeated
once per place of capacity, and each resident has a private "unpaired" column, so
`scipy.optimize.linear_sum_assignment` solves it exactly. Pairs across committees are forbidden,
so the problem splits into one block per committee without losing optimality.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

SAME_BUILDING, SAME_COMPOUND, SAME_COMMITTEE = 1, 3, 10
UNPAIRED = 1000
FORBIDDEN = 1_000_000
DEFAULT_CAPACITY = 2
# Care tag code → the skill a volunteer needs to look after such a resident.
NEEDS = {"dialysis": "medical", "serious_illness": "medical"}


@dataclass
class Person:
    """A resident or volunteer, by place; building/compound are None when unknown."""

    id: int
    committee: int
    compound: int | None = None
    building: int | None = None
    skills: frozenset[str] = field(default_factory=frozenset)  # a resident's: the skills needed
    capacity: int = 0  # a volunteer's places left


def pair_cost(resident: Person, volunteer: Person) -> int:
    if resident.committee != volunteer.committee or not resident.skills <= volunteer.skills:
        return FORBIDDEN
    if resident.building is not None and resident.building == volunteer.building:
        return SAME_BUILDING
    if resident.compound is not None and resident.compound == volunteer.compound:
        return SAME_COMPOUND
    return SAME_COMMITTEE


def total_cost(
    residents: Sequence[Person], volunteers: Sequence[Person], pairs: list[tuple[int, int]]
) -> int:
    """The objective: the cost of the pairs plus UNPAIRED per resident left without one."""
    cost = sum(pair_cost(residents[r], volunteers[v]) for r, v in pairs)
    return cost + UNPAIRED * (len(residents) - len(pairs))


def _block_costs(residents: Sequence[Person], volunteers: Sequence[Person]) -> np.ndarray:
    """The R x V cost matrix of one committee, vectorised."""

    def column(people: Sequence[Person], attr: str) -> np.ndarray:
        return np.array([getattr(p, attr) if getattr(p, attr) is not None else -1 for p in people])

    r_building, v_building = column(residents, "building"), column(volunteers, "building")
    r_compound, v_compound = column(residents, "compound"), column(volunteers, "compound")
    same_building = (r_building[:, None] == v_building[None, :]) & (r_building[:, None] >= 0)
    same_compound = (r_compound[:, None] == v_compound[None, :]) & (r_compound[:, None] >= 0)
    costs = np.where(
        same_building, SAME_BUILDING, np.where(same_compound, SAME_COMPOUND, SAME_COMMITTEE)
    )
    skill_names = sorted({s for p in residents for s in p.skills})
    for skill in skill_names:
        needs = np.array([skill in p.skills for p in residents])
        has = np.array([skill in p.skills for p in volunteers])
        costs = np.where(needs[:, None] & ~has[None, :], FORBIDDEN, costs)
    return costs


def solve(residents: Sequence[Person], volunteers: Sequence[Person]) -> list[tuple[int, int]]:
    """Optimal pairs as (resident index, volunteer index), each volunteer used ≤ capacity."""
    by_committee: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for i, r in enumerate(residents):
        by_committee[r.committee][0].append(i)
    for j, v in enumerate(volunteers):
        if v.capacity > 0 and v.committee in by_committee:
            by_committee[v.committee][1].append(j)
    pairs: list[tuple[int, int]] = []
    for rows, cols in by_committee.values():
        if not cols:
            continue
        block = _block_costs([residents[i] for i in rows], [volunteers[j] for j in cols])
        # One column per place of capacity (never more places than residents in the block).
        repeats = np.array([min(volunteers[j].capacity, len(rows)) for j in cols])
        owner = np.repeat(np.arange(len(cols)), repeats)
        unpaired = np.full((len(rows), len(rows)), FORBIDDEN)
        np.fill_diagonal(unpaired, UNPAIRED)
        matrix = np.hstack([block[:, owner], unpaired])
        row_ind, col_ind = linear_sum_assignment(matrix)
        for r, c in zip(row_ind, col_ind, strict=True):
            if c < len(owner) and matrix[r, c] < FORBIDDEN:
                pairs.append((rows[r], cols[owner[c]]))
    return sorted(pairs)


def greedy(residents: Sequence[Person], volunteers: Sequence[Person]) -> list[tuple[int, int]]:
    """The baseline: each resident in turn takes the nearest volunteer with capacity left."""
    by_committee: dict[int, list[int]] = defaultdict(list)
    for j, v in enumerate(volunteers):
        by_committee[v.committee].append(j)
    left = {j: v.capacity for j, v in enumerate(volunteers)}
    pairs = []
    for i, r in enumerate(residents):
        best, best_cost = None, FORBIDDEN
        for j in by_committee.get(r.committee, ()):
            if left[j] > 0:
                cost = pair_cost(r, volunteers[j])
                if cost < best_cost:
                    best, best_cost = j, cost
                    if cost == SAME_BUILDING:
                        break
        if best is not None:
            left[best] -= 1
            pairs.append((i, best))
    return pairs
