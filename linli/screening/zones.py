"""Zones (分区管控) per compound, from the days since its last positive: the latest
`Case.positive_on` of a case not cleared, in the compound's buildings.

    days since the last positive   zone                     moves down on (release_on)
    0 … 7                          sealed      封控区        last positive + 8 days
    8 … 14                         controlled  管控区        last positive + 15 days
    > 14, or none                  precaution  防范区        —

A compound's zone on a day is its latest `ZoneAssignment` from on or before that day; a new
assignment is written on each day the zone or the last positive changes. `zones_recompute`
rewrites a town's assignments from `since` (a back-dated result or a cleared case rewrites
history) and audits what changed. `today` is a parameter so tests pass a fake clock.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.places.models import Compound, Town
from linli.screening.models import Case, Zone, ZoneAssignment

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User

# The version of the rules the assignments follow (stored with each one).
RULESET = "沪防控办2022-04-09"
SEALED_DAYS = 7  # ≤ 7 days since the last positive: sealed
CONTROLLED_DAYS = 14  # 8–14: controlled; beyond: precaution


def zone_on(day: dt.date, last_positive: dt.date | None) -> tuple[str, dt.date | None]:
    """The zone on `day` given the last positive on or before it, and the day it moves down."""
    if last_positive is None:
        return Zone.PRECAUTION, None
    days = (day - last_positive).days
    if days <= SEALED_DAYS:
        return Zone.SEALED, last_positive + dt.timedelta(days=SEALED_DAYS + 1)
    if days <= CONTROLLED_DAYS:
        return Zone.CONTROLLED, last_positive + dt.timedelta(days=CONTROLLED_DAYS + 1)
    return Zone.PRECAUTION, None


def _positive_days(town: Town) -> dict[int, list[dt.date]]:
    days: dict[int, set[dt.date]] = defaultdict(set)
    rows = (
        Case.objects.filter(town=town)
        .exclude(status=Case.Status.CLEARED)
        .values_list("building__compound_id", "positive_on")
    )
    for compound_id, day in rows:
        days[compound_id].add(day)
    return {k: sorted(v) for k, v in days.items()}


def _last_on(days: list[dt.date], day: dt.date) -> dt.date | None:
    before = [d for d in days if d <= day]
    return before[-1] if before else None


def timeline(
    days: list[dt.date], since: dt.date, today: dt.date
) -> list[tuple[dt.date, str, dt.date | None, dt.date | None]]:
    """(effective_from, zone, release_on, last_positive) on each day from `since` to `today`
    where the zone or the last positive changes (the first entry is `since`'s)."""
    candidates = {since}
    for p in days:
        for d in (p, p + dt.timedelta(days=SEALED_DAYS + 1), p + dt.timedelta(days=15)):
            if since < d <= today:
                candidates.add(d)
    out: list[tuple[dt.date, str, dt.date | None, dt.date | None]] = []
    for day in sorted(candidates):
        last = _last_on(days, day)
        zone, release = zone_on(day, last)
        if out and (out[-1][1], out[-1][3]) == (zone, last):
            continue
        out.append((day, zone, release, last))
    return out


@transaction.atomic
def zones_recompute(
    *,
    town: Town,
    since: dt.date | None = None,
    today: dt.date | None = None,
    user: User | None = None,
    request: HttpRequest | None = None,
) -> int:
    """Rewrite the town's zone assignments from `since` (default: today) to `today`; returns
    how many compounds' zone on some day changed, and audits them (one entry)."""
    today = today or timezone.localdate()
    since = min(since or today, today)
    positives = _positive_days(town)
    compounds = list(Compound.objects.filter(town=town).values_list("pk", flat=True))
    old = defaultdict(list)
    for a in ZoneAssignment.objects.filter(town=town, effective_from__gte=since).order_by(
        "effective_from"
    ):
        old[a.compound_id].append((a.effective_from, a.zone, a.release_on, a.last_positive_on))
    before = {}
    for a in ZoneAssignment.objects.filter(town=town, effective_from__lt=since).order_by(
        "compound_id", "effective_from"
    ):
        before[a.compound_id] = (a.zone, a.last_positive_on)
    rows = []
    changed: dict[int, list[str]] = {}
    for compound_id in compounds:
        entries = timeline(positives.get(compound_id, []), since, today)
        prior = before.get(compound_id)
        if prior is not None and entries and (entries[0][1], entries[0][3]) == prior:
            entries = entries[1:]  # the zone carries on from before `since`
        if entries != old.get(compound_id, []):
            changed[compound_id] = [f"{d}:{z}" for d, z, _r, _l in entries]
        for day, zone, release, last in entries:
            rows.append(
                ZoneAssignment(
                    town=town,
                    compound_id=compound_id,
                    zone=zone,
                    effective_from=day,
                    release_on=release,
                    last_positive_on=last,
                    ruleset=RULESET,
                    reason=(f"最近阳性 {last}" if last else "无阳性")[:200],
                )
            )
    if not changed:
        return 0
    ZoneAssignment.objects.filter(town=town, effective_from__gte=since).delete()
    ZoneAssignment.objects.bulk_create(rows, batch_size=2000)
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        summary=f"zones from {since} to {today}: {len(changed)} compounds",
        detail={
            "since": str(since),
            "today": str(today),
            "ruleset": RULESET,
            "changed": {str(k): v for k, v in changed.items()},
        },
        request=request,
        town_id=town.pk,
    )
    return len(changed)


def zone_of(compound: Compound, day: dt.date | None = None) -> ZoneAssignment | None:
    """The compound's assignment in force on `day` (default today)."""
    day = day or timezone.localdate()
    return (
        ZoneAssignment.objects.filter(compound=compound, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )
