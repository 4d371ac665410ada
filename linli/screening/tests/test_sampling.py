"""The one writer of samples: one per person per round, resamples with a reason, tube
capacity and key groups, and the coverage counters it keeps (checked against hand counts and
against a fresh recount)."""

from __future__ import annotations

import pytest

from linli.core.validators import Problem
from linli.core.workflow import Conflict
from linli.screening import counters
from linli.screening.models import CoverageCount, Sample, Tube
from linli.testing.screening import at_local, open_tube, sample


def figures(scr, building):
    c = CoverageCount.objects.get(round=scr.round, building=building)
    return c.expected, c.sampled


def test_opening_seeds_expected_from_the_roster(scr):
    # Two present residents in each of the three buildings (the scenario's docstring).
    assert figures(scr, scr.b1) == (2, 0)
    assert figures(scr, scr.b2) == (2, 0)
    assert figures(scr, scr.lb1) == (2, 0)


def test_a_repeated_scan_is_one_sample_and_counts_once(scr):
    tube = open_tube(scr, "T0001")
    first = sample(scr, "wang", tube)
    again = sample(scr, "wang", tube)
    assert first.pk == again.pk
    assert Sample.objects.filter(round=scr.round).count() == 1
    tube.refresh_from_db()
    assert tube.filled == 1
    assert figures(scr, scr.b2) == (2, 1)


def test_a_second_sample_needs_a_reason_and_does_not_count_twice(scr):
    first, second = open_tube(scr, "T0001"), open_tube(scr, "T0002")
    sample(scr, "wang", first)
    with pytest.raises(Conflict):
        sample(scr, "wang", second)
    resample = sample(scr, "wang", second, reason="管子破损")
    assert resample.attempt == 2
    assert figures(scr, scr.b2) == (2, 1)


def test_a_tube_holds_its_capacity(scr):
    tube = open_tube(scr, "T0005", capacity=1)
    sample(scr, "wang", tube)
    with pytest.raises(Conflict):
        sample(scr, "zhao", tube)
    assert figures(scr, scr.b2) == (2, 1)


def test_key_groups_go_in_single_tubes(scr):
    # 张三丰 is 独居老人, the round's single-tube group.
    with pytest.raises(Problem):
        sample(scr, "zhang", open_tube(scr, "T0010", capacity=10))
    assert sample(scr, "zhang", open_tube(scr, "T0011", capacity=1)).attempt == 1


def test_a_sealed_tube_takes_no_more(scr):
    tube = open_tube(scr, "T0020")
    Tube.objects.filter(pk=tube.pk).update(status=Tube.Status.SEALED)
    tube.refresh_from_db()
    with pytest.raises(Conflict):
        sample(scr, "wang", tube)


def test_a_sample_lands_in_its_buildings_time_slot(scr):
    tube = open_tube(scr, "T0030")
    in_slot = sample(scr, "wang", tube, at=at_local(scr.round.date, 8, 30))
    outside = sample(scr, "zhao", tube, at=at_local(scr.round.date, 10, 0))
    assert in_slot.slot == scr.slots["b2"]
    assert outside.slot is None


def test_counters_equal_a_recount(scr):
    tube = open_tube(scr, "T0040")
    for key in ("wang", "zhao", "chen", "liu"):
        sample(scr, key, tube)
    sample(scr, "wang", open_tube(scr, "T0041"), reason="重采")
    before = list(
        CoverageCount.objects.filter(round=scr.round)
        .order_by("building_id")
        .values_list("building_id", "sampled", "positives")
    )
    assert counters.recount(scr.round) == 0
    assert [(b, s) for b, s, _ in before] == [(scr.b1.pk, 0), (scr.b2.pk, 2), (scr.lb1.pk, 2)]
