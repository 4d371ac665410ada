"""The coverage counters equal a fresh aggregate after random concurrent scans, with a
back-dated positive arriving during them.

On PostgreSQL (real connections, one per thread) the desks run in threads released at the same
moment; on SQLite one after another (its in-memory test database refuses concurrent writers,
as in linli/supplies/tests/test_worksite_concurrency.py). Each desk scans random residents of
the round into its own tubes: some the same person another desk is scanning (one of them is
refused or resampled with a reason), some a repeated scan of the same person into the same
tube (the first sample, not a new one). A tube sampled yesterday comes back positive halfway
through. Afterwards `counters.recount` finds nothing to correct, and every counter row equals
a raw Count computed here over the samples."""

from __future__ import annotations

import datetime as dt
import random
import threading

import pytest
from django.db import close_old_connections, connection
from django.db.models import Count, Q
from django.utils import timezone

from linli.core.pinyin import initials
from linli.core.validators import Problem
from linli.places.models import Household, Resident
from linli.screening import counters, sampling
from linli.screening.models import CoverageCount, Result, Sample, TestRound, Tube
from linli.screening.tests.test_coverage import mark_positive
from linli.testing.scenario import build_grid_scenario
from linli.testing.screening import build_screening_scenario

CONCURRENT = connection.vendor == "postgresql"
DESKS = 6
SCANS = 25
EXTRA = 36  # residents added to the scenario's six, over its three buildings


def add_residents(s):
    buildings = [s.b1, s.b2, s.lb1]
    for n in range(EXTRA):
        building = buildings[n % 3]
        household = Household.objects.create(town=s.town, building=building, room=f"{n + 500}")
        name = f"测试{n}"
        Resident.objects.create(
            town=s.town, household=household, name=name, name_initials=initials(name)
        )


def run_together(work):
    if not CONCURRENT:
        return [work(i) for i in range(DESKS + 1)]
    barrier = threading.Barrier(DESKS + 1)
    results: list = [None] * (DESKS + 1)

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(DESKS + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    close_old_connections()
    return results


def raw_figures(round_id):
    """Per building: (sampled, positives) counted here over the samples."""
    rows = (
        Sample.objects.filter(round_id=round_id)
        .values("building_id")
        .annotate(
            sampled=Count("resident_id", filter=Q(attempt=1), distinct=True),
            positives=Count("resident_id", filter=Q(result=Result.POSITIVE), distinct=True),
        )
    )
    return {row["building_id"]: (row["sampled"], row["positives"]) for row in rows}


@pytest.mark.django_db(transaction=True)
def test_counters_equal_a_fresh_aggregate_after_concurrent_scans():
    from linli.testing.scenario import build_scenario

    s = build_screening_scenario(build_grid_scenario(build_scenario()))
    add_residents(s)
    counters.seed(s.round)  # the roster grew after the round opened
    round_id = s.round.pk
    people = list(Resident.objects.values_list("pk", flat=True))
    # Yesterday's tube (a door-to-door run): four residents, sealed, its result still out.
    late = Tube.objects.create(round=s.round, town=s.town, barcode="LATE", capacity=10)
    yesterday = timezone.now() - dt.timedelta(days=1)
    late_people = [s.residents[k] for k in ("wang", "chen", "liu")] + [
        Resident.objects.get(name="测试0")
    ]
    for resident in late_people:
        sampling.sample_record(
            user=None,
            round_=s.round,
            resident=resident,
            taken_at=yesterday,
            source=Sample.Source.DOOR,
            tube=late,
        )
    Tube.objects.filter(pk=late.pk).update(status=Tube.Status.SEALED)

    def desk(i):
        if i == DESKS:  # the lab: the late tube's positive lands halfway through
            for _ in range(50):
                if Sample.objects.filter(round_id=round_id).count() > 20 or not CONCURRENT:
                    break
                threading.Event().wait(0.05)
            mark_positive(Tube.objects.get(pk=late.pk))
            return {"positive": 1}
        rng = random.Random(i)
        round_ = TestRound.objects.get(pk=round_id)
        n_tube, tube = 0, None
        done = {"created": 0, "repeat": 0, "refused": 0, "resampled": 0}
        last = None
        for _ in range(SCANS):
            if tube is None or tube.filled >= tube.capacity:
                n_tube += 1
                tube = Tube.objects.create(
                    round=round_, town_id=round_.town_id, barcode=f"D{i}-{n_tube}", capacity=5
                )
            again = last is not None and rng.random() < 0.25
            resident = last if again else Resident.objects.get(pk=rng.choice(people))
            reason = "管子破损" if rng.random() < 0.1 else ""
            try:
                found, created = sampling.sample_record(
                    user=None,
                    round_=round_,
                    resident=resident,
                    taken_at=timezone.now(),
                    source=Sample.Source.DESK,
                    tube=tube,
                    reason=reason,
                )
            except Problem:  # taken by another desk (Conflict), or a full tube
                done["refused"] += 1
                tube.refresh_from_db()
                continue
            tube.refresh_from_db()
            last = resident
            if not created:
                done["repeat"] += 1
            elif found.attempt > 1:
                done["resampled"] += 1
            else:
                done["created"] += 1
        return done

    results = run_together(desk)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.get("repeat", 0) for r in results) > 0  # the run did try repeated scans

    # The counters were right all along: recount corrects nothing …
    assert counters.recount(TestRound.objects.get(pk=round_id)) == 0
    # … and every row equals the raw aggregate computed here.
    raw = raw_figures(round_id)
    rows = CoverageCount.objects.filter(round_id=round_id)
    assert rows.count() == 3
    for row in rows:
        assert (row.sampled, row.positives) == raw.get(row.building_id, (0, 0)), row
    # Four first samples positive (yesterday's tube), whoever scanned them again today.
    assert sum(row.positives for row in rows) == 4
    assert (
        sum(row.sampled for row in rows)
        == Sample.objects.filter(round_id=round_id, attempt=1).count()
    )
    # Each tube's count equals its samples.
    for tube in Tube.objects.filter(round_id=round_id).annotate(n=Count("samples")):
        assert tube.filled == tube.n, tube.barcode
