"""The planner's plans keep the hard rules, on random small days (hypothesis) and by hand.

Plain functions: no database. What a plan must be is recomputed here independently: route km
by brute force with the test's own great circle, and the fewest jobs that must be carried by
trying every choice of hospitals for every runner (a max-flow min-cut bound for each).
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.medicine.planner import Day, Infeasible, Job, Plan, Point, Runner, greedy, plan

from .test_planner_routes import brute_force, length


def check(day: Day, result: Plan) -> None:
    """The hard rules, and the figures recomputed."""
    jobs = {job.key: job for job in day.jobs}
    runners = {runner.key: runner for runner in day.runners}
    planned = [key for run in result.runs for key in run.jobs]
    # every job exactly once, planned or carried
    assert Counter(planned + result.carried_over) == Counter(list(jobs))
    order = [r.key for r in day.runners]
    assert [run.runner for run in result.runs] == sorted(
        (run.runner for run in result.runs), key=order.index
    )
    for run in result.runs:
        runner = runners[run.runner]
        assert 0 < len(run.jobs) <= runner.capacity
        assert len(run.hospitals) <= 2
        assert set(run.hospitals) == {jobs[k].hospital for k in run.jobs}
        assert set(run.gates) == {jobs[k].gate for k in run.jobs}
        assert len(run.gates) == len(set(run.gates))
        stops = [*(day.hospitals[h] for h in run.hospitals), *(day.gates[g] for g in run.gates)]
        if day.matrix is None:
            assert run.km == pytest.approx(length(runner.home, stops))
            if len(run.gates) <= 6:
                hospitals = {h: day.hospitals[h] for h in run.hospitals}
                gates = {g: day.gates[g] for g in run.gates}
                assert run.km == pytest.approx(brute_force(runner.home, hospitals, gates))
        h_rank = {h: i for i, h in enumerate(run.hospitals)}
        g_rank = {g: i for i, g in enumerate(run.gates)}
        assert run.jobs == sorted(
            run.jobs, key=lambda k: (h_rank[jobs[k].hospital], g_rank[jobs[k].gate], k)
        )
    assert result.total_km == pytest.approx(sum(run.km for run in result.runs))
    assert not [k for k in result.carried_over if jobs[k].urgency == "red"]


def max_flow(demand: dict[str, int], choice: tuple[frozenset[str], ...], caps: list[int]) -> int:
    """Most jobs runners with these hospitals can take: min over hospital sets S of the
    demand outside S plus the capacity of the runners reaching S (max-flow min-cut)."""
    names = list(demand)
    best = math.inf
    for n in range(len(names) + 1):
        for subset in itertools.combinations(names, n):
            s = set(subset)
            cut = sum(demand[h] for h in names if h not in s)
            cut += sum(c for chosen, c in zip(choice, caps, strict=True) if chosen & s)
            best = min(best, cut)
    return int(best)


def fewest_carried(day: Day) -> int | None:
    """The fewest jobs carried with every red planned; None when the reds cannot all be."""
    hospitals = sorted(day.hospitals)
    options = [frozenset(c) for n in range(3) for c in itertools.combinations(hospitals, n)]
    demand = Counter(job.hospital for job in day.jobs)
    reds = Counter(job.hospital for job in day.jobs if job.urgency == "red")
    all_demand = {h: demand[h] for h in hospitals}
    red_demand = {h: reds[h] for h in hospitals}
    caps = [r.capacity for r in day.runners]
    best = None
    for choice in itertools.product(options, repeat=len(day.runners)):
        if max_flow(red_demand, choice, caps) < sum(red_demand.values()):
            continue
        flow = max_flow(all_demand, choice, caps)
        best = flow if best is None else max(best, flow)
    return None if best is None else len(day.jobs) - best


HERE = Point(30.855, 121.605)


def near(rng: random.Random, spread: float) -> Point:
    return Point(HERE.lat + rng.uniform(-spread, spread), HERE.lon + rng.uniform(-spread, spread))


@st.composite
def days(draw: st.DrawFn, most_hospitals: int = 3) -> Day:
    rng = random.Random(draw(st.integers(0, 10**6)))
    n_hospitals = draw(st.integers(1, most_hospitals))
    n_gates = draw(st.integers(1, 4))
    hospitals = {f"H{i}": near(rng, 0.2) for i in range(n_hospitals)}
    gates = {f"G{i}": near(rng, 0.04) for i in range(n_gates)}
    runners = [
        Runner(f"r{i}", gates[rng.choice(list(gates))], draw(st.integers(0, 6)))
        for i in range(draw(st.integers(1, 3)))
    ]
    urgency = st.sampled_from(["red", "yellow", "green"])
    jobs = [
        Job(f"J{i:02d}", rng.choice(list(hospitals)), rng.choice(list(gates)), draw(urgency))
        for i in range(draw(st.integers(0, 14)))
    ]
    return Day(runners=runners, jobs=jobs, hospitals=hospitals, gates=gates)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(day=days())
def test_a_plan_keeps_the_hard_rules_and_carries_the_fewest(day: Day) -> None:
    expected = fewest_carried(day)
    if expected is None:
        with pytest.raises(Infeasible):
            plan(day, time_limit=0.05)
        return
    result = plan(day, time_limit=0.05)
    check(day, result)
    assert len(result.carried_over) == expected


@settings(max_examples=40, deadline=None)
@given(day=days(most_hospitals=2))
def test_greens_are_carried_first_and_only_the_excess(day: Day) -> None:
    """With at most two hospitals the limit never binds: exactly the excess is carried, greens
    before yellows."""
    places = sum(r.capacity for r in day.runners)
    reds = sum(job.urgency == "red" for job in day.jobs)
    if reds > places:
        with pytest.raises(Infeasible):
            plan(day, time_limit=0.05)
        return
    result = plan(day, time_limit=0.05)
    check(day, result)
    excess = max(0, len(day.jobs) - places)
    assert len(result.carried_over) == excess
    greens = sum(job.urgency == "green" for job in day.jobs)
    urgency = {job.key: job.urgency for job in day.jobs}
    carried = Counter(urgency[k] for k in result.carried_over)
    assert carried["green"] == min(greens, excess)


@settings(max_examples=40, deadline=None)
@given(day=days())
def test_the_greedy_baseline_keeps_the_hard_rules_or_refuses(day: Day) -> None:
    """The baseline may give up where the planner would not, but only over red requests."""
    try:
        result = greedy(day)
    except Infeasible:
        assert any(job.urgency == "red" for job in day.jobs)
        return
    check(day, result)


def test_a_day_without_runners_carries_everything_at_once() -> None:
    day = Day(
        runners=[],
        jobs=[Job("J1", "H", "G", "green"), Job("J2", "H", "G", "yellow")],
        hospitals={"H": Point(30.9, 121.5)},
        gates={"G": HERE},
    )
    result = plan(day, time_limit=5.0)
    assert (result.runs, sorted(result.carried_over), result.total_km) == ([], ["J1", "J2"], 0)


def test_the_green_carried_is_the_one_costing_most_km() -> None:
    """One place, two greens: the one whose hospital and gate are far waits for tomorrow."""
    day = Day(
        runners=[Runner("r", HERE, 1)],
        jobs=[Job("far", "Hfar", "Gfar", "green"), Job("near", "Hnear", "G", "green")],
        hospitals={"Hnear": Point(30.86, 121.61), "Hfar": Point(31.2, 121.9)},
        gates={"G": HERE, "Gfar": Point(30.95, 121.8)},
    )
    result = plan(day, time_limit=0.2)
    check(day, result)
    assert result.carried_over == ["far"]
    assert [run.jobs for run in result.runs] == [["near"]]


def test_reds_are_planned_even_without_time_to_search() -> None:
    """Every place is a red's: the first runner must take H0's, the second H2's two and H1's
    one; the yellows wait. Found however short the time limit (mending runs regardless)."""
    day = Day(
        runners=[Runner("r0", HERE, 1), Runner("r1", HERE, 3)],
        jobs=[
            Job("J0", "H2", "G", "red"),
            Job("J1", "H2", "G", "red"),
            Job("J2", "H1", "G", "red"),
            Job("J3", "H0", "G", "red"),
            Job("J4", "H2", "G", "yellow"),
            Job("J5", "H1", "G", "yellow"),
        ],
        hospitals={
            "H0": Point(30.99, 121.71),
            "H1": Point(30.82, 121.51),
            "H2": Point(30.86, 121.57),
        },
        gates={"G": HERE},
    )
    result = plan(day, time_limit=0.0)
    check(day, result)
    assert sorted(result.carried_over) == ["J4", "J5"]
    assert [(run.runner, sorted(run.jobs)) for run in result.runs] == [
        ("r0", ["J3"]),
        ("r1", ["J0", "J1", "J2"]),
    ]


def test_more_reds_than_places_is_infeasible_with_a_chinese_then_english_reason() -> None:
    day = Day(
        runners=[Runner("r", HERE, 2)],
        jobs=[Job(f"J{i}", "H", "G", "red") for i in range(3)],
        hospitals={"H": Point(30.9, 121.5)},
        gates={"G": HERE},
    )
    with pytest.raises(Infeasible, match=r"^红色.*3.*2.*\(red requests 3 exceed the 2"):
        plan(day, time_limit=0.1)
    with pytest.raises(Infeasible):
        greedy(day)


def test_reds_at_three_hospitals_for_one_runner_are_infeasible() -> None:
    day = Day(
        runners=[Runner("r", HERE, 10)],
        jobs=[Job(f"J{i}", f"H{i}", "G", "red") for i in range(3)],
        hospitals={f"H{i}": Point(30.9, 121.5 + i / 10) for i in range(3)},
        gates={"G": HERE},
    )
    with pytest.raises(Infeasible, match="两家"):
        plan(day, time_limit=0.1)


def test_the_third_hospital_carries_greens_not_the_red() -> None:
    """One runner, three hospitals: the hospital whose requests are all green waits."""
    day = Day(
        runners=[Runner("r", HERE, 10)],
        jobs=[
            Job("A1", "A", "G", "red"),
            Job("B1", "B", "G", "yellow"),
            Job("C1", "C", "G", "green"),
            Job("C2", "C", "G", "green"),
        ],
        hospitals={"A": Point(30.9, 121.5), "B": Point(30.9, 121.6), "C": Point(30.9, 121.55)},
        gates={"G": HERE},
    )
    result = plan(day, time_limit=0.2)
    check(day, result)
    # two hospitals: A (the red) and one more; carrying C's 2 greens or B's 1 yellow — the
    # fewest is one job, so B's yellow waits, A's red and C's greens go.
    assert result.carried_over == ["B1"]


def test_an_imported_matrix_decides_the_plan() -> None:
    """Two runners equally far by the map; the imported road km makes runner b the one."""
    gate, hospital = Point(30.85, 121.60), Point(30.90, 121.50)
    day = Day(
        runners=[Runner("a", gate, 5), Runner("b", gate, 5)],
        jobs=[Job("J1", "H", "G", "green")],
        hospitals={"H": hospital},
        gates={"G": gate},
        matrix={
            ("home:b", "hospital:H"): 3.0,
            ("hospital:H", "gate:G"): 4.0,
            ("gate:G", "home:b"): 0.5,
        },
    )
    result = plan(day, time_limit=0.1)
    check(day, result)
    assert [(run.runner, run.km) for run in result.runs] == [("b", 7.5)]
    assert result.total_km == 7.5


def test_progress_is_reported_up_to_one() -> None:
    rng = random.Random(2)
    gates = {f"G{i}": near(rng, 0.04) for i in range(6)}
    day = Day(
        runners=[Runner(f"r{i}", gates[f"G{i}"], 8) for i in range(4)],
        jobs=[Job(f"J{i}", f"H{i % 3}", f"G{i % 6}", "green") for i in range(30)],
        hospitals={f"H{i}": near(rng, 0.2) for i in range(3)},
        gates=gates,
    )
    seen: list[float] = []
    result = plan(day, time_limit=0.6, progress=seen.append)
    check(day, result)
    assert seen and seen[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in seen) and seen == sorted(seen)


def test_a_town_sized_day_is_valid_and_no_worse_than_greedy_in_half_a_second() -> None:
    rng = random.Random(5)
    gates = {f"G{i}": near(rng, 0.04) for i in range(12)}
    hospitals = {f"H{i}": near(rng, 0.25) for i in range(4)}
    day = Day(
        runners=[Runner(f"r{i}", gates[rng.choice(list(gates))], 15) for i in range(8)],
        jobs=[
            Job(
                f"J{i:03d}",
                rng.choice(list(hospitals)),
                rng.choice(list(gates)),
                rng.choice(["red", "yellow", "green", "green"]),
            )
            for i in range(130)
        ],
        hospitals=hospitals,
        gates=gates,
    )
    baseline = greedy(day)
    check(day, baseline)
    result = plan(day, time_limit=0.5)
    check(day, result)
    assert len(result.carried_over) == 10  # 130 requests, 8 × 15 places
    assert result.total_km <= baseline.total_km + 1e-9


def test_with_no_time_at_all_a_plan_still_carries_the_fewest():
    """Two runners of 5 places from one gate, at most two hospitals each; 2 reds at H0, 2 at
    H2 and 6 yellows at H1. Worked by hand: all 10 go only if each runner takes one hospital's
    reds and 3 of H1's yellows. The shortest start puts both reds' hospitals on one runner and
    carries a yellow; the plan must mend that even with no time to search (a loaded machine
    ran out of its 0.05 s here)."""
    gate = Point(30.8791, 121.5921)
    jobs = [Job("R0", "H0", "G0", "red"), Job("R1", "H0", "G1", "red")]
    jobs += [Job("R2", "H2", "G1", "red"), Job("R3", "H2", "G0", "red")]
    jobs += [Job(f"Y{i}", "H1", f"G{i % 2}", "yellow") for i in range(6)]
    day = Day(
        runners=[Runner("r0", gate, 5), Runner("r1", gate, 5)],
        jobs=jobs,
        hospitals={
            "H0": Point(30.9739, 121.7848),
            "H1": Point(30.8863, 121.5073),
            "H2": Point(30.9574, 121.5554),
        },
        gates={"G0": gate, "G1": Point(30.8607, 121.6283)},
    )
    result = plan(day, time_limit=0)
    check(day, result)
    assert result.carried_over == []
    hospitals = sorted(sorted(set(run.hospitals)) for run in result.runs)
    assert hospitals == [["H0", "H1"], ["H1", "H2"]]
