"""Zero-infection streaks (零感染天数) and the zone board (分区管控看板), per compound and
worksite of a town.

- days_since_last_positive: today − the latest `Case.positive_on` in the compound (cases
  cleared on re-check not counted); None when it has had none.
- negative_rounds: consecutive all-negative rounds, newest first: rounds covering the
  compound that are finished (closed, or open with every tube resulted; a PCR round with no
  tube yet, a planned or cancelled round, are skipped: their results are not in) and hold no
  positive sample in the compound (a positive pool's members awaiting their retest count as
  positive). The first round with one ends the streak.
- zone, release_on: the compound's latest `ZoneAssignment` effective on or before today
  (written by the results part's zones; read here).

`today` is a parameter so tests can fake the clock.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Q
from django.utils import timezone

from linli.places.models import Compound
from linli.screening.models import Case, Result, Sample, TestRound, Tube, Zone, ZoneAssignment

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User
    from linli.places.models import Town

POSITIVE = (Result.POSITIVE, Result.POOL_POSITIVE)


def _finished_rounds(town: Town, today: dt.date) -> list[TestRound]:
    """The town's rounds up to `today` whose results are in, newest first."""
    rounds = (
        TestRound.objects.filter(
            town=town,
            status__in=[TestRound.Status.OPEN, TestRound.Status.CLOSED],
            date__lte=today,
        )
        .annotate(
            tubes_n=Count("tubes", distinct=True),
            waiting=Count("tubes", filter=~Q(tubes__status=Tube.Status.RESULTED), distinct=True),
        )
        .order_by("-date", "-id")
    )
    return [
        r
        for r in rounds
        if r.status == TestRound.Status.CLOSED
        or (r.kind == TestRound.Kind.PCR and r.tubes_n and not r.waiting)  # type: ignore[attr-defined]
    ]


def streaks(
    town: Town, user: User | AnonymousUser | None = None, *, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """One line per compound and worksite of the town the viewer sees, in name order:
    {"id", "name", "kind", "committee", "days_since_last_positive", "last_positive_on",
    "negative_rounds", "zone", "zone_label", "release_on"}."""
    today = today or timezone.localdate()
    compounds = Compound.objects.filter(town=town)
    if user is not None:
        compounds = compounds & Compound.objects.visible_to(user)
    compounds = compounds.select_related("committee").order_by("kind", "committee__name", "name")
    last_positive = dict(
        Case.objects.filter(town=town, positive_on__lte=today)
        .exclude(status=Case.Status.CLEARED)
        .order_by()
        .values_list("building__compound_id")
        .annotate(last=Max("positive_on"))
    )
    rounds = _finished_rounds(town, today)
    round_ids = [r.pk for r in rounds]
    covers: dict[int, set[int]] = {}
    through = TestRound.compounds.through.objects.filter(testround_id__in=round_ids)
    for round_id, compound_id in through.values_list("testround_id", "compound_id"):
        covers.setdefault(compound_id, set()).add(round_id)
    positive_in = set(
        Sample.objects.filter(round_id__in=round_ids, result__in=POSITIVE)
        .order_by()
        .values_list("round_id", "building__compound_id")
        .distinct()
    )
    zones = _zones(town, today)
    labels = dict(Zone.choices)
    lines = []
    for compound in compounds:
        negative = 0
        for r in rounds:
            if r.pk not in covers.get(compound.pk, ()):
                continue
            if (r.pk, compound.pk) in positive_in:
                break
            negative += 1
        last = last_positive.get(compound.pk)
        zone = zones.get(compound.pk)
        lines.append(
            {
                "id": compound.pk,
                "name": compound.name,
                "kind": compound.kind,
                "committee": compound.committee.name,
                "days_since_last_positive": (today - last).days if last else None,
                "last_positive_on": last,
                "negative_rounds": negative,
                "zone": zone.zone if zone else None,
                "zone_label": labels.get(zone.zone, "") if zone else "",
                "release_on": zone.release_on if zone else None,
            }
        )
    return lines


def _zones(town: Town, today: dt.date) -> dict[int, ZoneAssignment]:
    """Each compound's assignment in force today: its latest from on or before today."""
    current: dict[int, ZoneAssignment] = {}
    rows = ZoneAssignment.objects.filter(town=town, effective_from__lte=today).order_by(
        "compound_id", "effective_from", "id"
    )
    for row in rows:
        current[row.compound_id] = row  # the later overwrites the earlier
    return current
