"""The coverage counters (`CoverageCount`): seeded when a round opens, moved in the same
transaction as the sample or result that changes them, rebuilt on demand.

Why they stay right under concurrent scans: a sample row and its counter increment commit
together or not at all; the increment is `UPDATE … SET sampled = sampled + 1` (an `F()`
expression), which the database applies under the counter row's lock, so two desks scanning
in one building queue on that row and neither increment is lost; and only a first sample
(attempt 1, unique per round and resident) counts, so a repeated scan or a resample never
counts twice. A back-dated result changes `positives`, never `sampled`. `recount()` rebuilds
every figure from the samples (`linli screening recount`), and the tests compare the two.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, F, Q

from linli.places.models import Building, Resident
from linli.screening.models import CoverageCount, Exemption, Result, Sample, TestRound


def roster(round_: TestRound) -> dict[int, int]:
    """Residents expected on the roster, per building id: those present in the round's
    compounds' households (workers of a worksite included)."""
    rows = (
        Resident.objects.filter(
            status=Resident.Status.PRESENT,
            household__building__compound__in=round_.compounds.all(),
        )
        .values_list("household__building_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)


@transaction.atomic
def seed(round_: TestRound) -> int:
    """Create (or refresh) one counter row per building of the round's compounds with its
    expected and exempt figures; returns the number of buildings."""
    on_roster = roster(round_)
    exempt = dict(
        Exemption.objects.filter(round=round_).values_list("building_id").annotate(n=Count("id"))
    )
    buildings = Building.objects.filter(compound__in=round_.compounds.all()).values_list(
        "pk", "compound_id", "compound__committee_id"
    )
    rows = [
        CoverageCount(
            round=round_,
            town_id=round_.town_id,
            committee_id=committee_id,
            compound_id=compound_id,
            building_id=pk,
            expected=max(on_roster.get(pk, 0) - exempt.get(pk, 0), 0),
            exempt=exempt.get(pk, 0),
        )
        for pk, compound_id, committee_id in buildings
    ]
    CoverageCount.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["round", "building"],
        update_fields=["expected", "exempt"],
    )
    return len(rows)


def add_sampled(round_id: int, building_id: int) -> None:
    """One more resident sampled in the building (a first sample): call inside the
    transaction that inserts it."""
    CoverageCount.objects.filter(round_id=round_id, building_id=building_id).update(
        sampled=F("sampled") + 1
    )


def add_exempt(round_id: int, building_id: int, delta: int = 1) -> None:
    """An exemption added (+1) or withdrawn (−1): expected moves the other way."""
    CoverageCount.objects.filter(round_id=round_id, building_id=building_id).update(
        exempt=F("exempt") + delta, expected=F("expected") - delta
    )


def add_positive(sample: Sample) -> None:
    """The sample's resident turned positive in its round: counted once per resident (call
    after saving the sample's positive result, in the same transaction)."""
    others = Sample.objects.filter(
        round_id=sample.round_id, resident_id=sample.resident_id, result=Result.POSITIVE
    ).exclude(pk=sample.pk)
    if not others.exists():
        CoverageCount.objects.filter(
            round_id=sample.round_id, building_id=sample.building_id
        ).update(positives=F("positives") + 1)


@transaction.atomic
def recount(round_: TestRound) -> int:
    """Rebuild sampled and positives of every counter row from the samples (and expected from
    the roster); returns the number of rows whose figures changed."""
    seed(round_)
    figures = {
        row["building_id"]: row
        for row in Sample.objects.filter(round=round_)
        .values("building_id")
        .annotate(
            sampled=Count("resident_id", filter=Q(attempt=1), distinct=True),
            positives=Count("resident_id", filter=Q(result=Result.POSITIVE), distinct=True),
        )
    }
    changed = []
    for count in CoverageCount.objects.select_for_update().filter(round=round_):
        row = figures.get(count.building_id, {"sampled": 0, "positives": 0})
        if (count.sampled, count.positives) != (row["sampled"], row["positives"]):
            count.sampled, count.positives = row["sampled"], row["positives"]
            changed.append(count)
    CoverageCount.objects.bulk_update(changed, ["sampled", "positives"], batch_size=2000)
    return len(changed)
