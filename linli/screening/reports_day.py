"""The `screening` report (`linli report screening --town NAME [--date D]`): one day's test
rounds and where the town stands — the day's rounds and their coverage (sums of the coverage
counters), tubes still waiting for a result, new and open cases, open pool follow-ups, how
many compounds are in each zone and the days since the town's last positive. The daily
briefing's `screening` part is this report.

Keys: date, rounds, pcr_rounds, antigen_rounds, expected, sampled, missing, positives, tubes,
tubes_waiting, cases_new, cases_open, pools_open, zones {sealed, controlled, precaution},
days_since_last_positive (null when the town has had none)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from linli.core.validators import parse_day
from linli.screening import coverage, selectors, streaks
from linli.screening.models import Case, PoolFollowUp, PoolMember, TestRound, Tube, Zone

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User
    from linli.places.models import Town

OPEN_CASES = (Case.Status.CONFIRMED, Case.Status.RECHECKING, Case.Status.TRANSFERRED)


def screening_report(
    *,
    town: Town,
    user: User | AnonymousUser | None = None,
    date: str | dt.date | None = None,
) -> dict[str, Any]:
    """The day's figures as far as the viewer sees (`user=None`: the whole town)."""
    day = parse_day(date) or timezone.localdate()
    rounds = TestRound.objects.filter(
        town=town, date=day, status__in=[TestRound.Status.OPEN, TestRound.Status.CLOSED]
    )
    if user is not None:
        rounds = rounds.filter(pk__in=selectors.rounds_for(user).values("pk"))
    rounds_list = list(rounds.order_by("pk"))
    sums = {"expected": 0, "sampled": 0, "missing": 0, "positives": 0}
    for round_ in rounds_list:
        figures = coverage.totals(round_, user)
        for key in sums:
            sums[key] += figures[key]
    whole_town = selectors.sees_whole_town(user, town.pk)
    tubes = Tube.objects.filter(round__in=rounds_list)
    cases = Case.objects.filter(town=town)
    members = PoolMember.objects.filter(follow_up__town=town)
    if user is not None:
        cases = cases & Case.objects.visible_to(user)
        members = members & PoolMember.objects.visible_to(user)
    lines = streaks.streaks(town, user, today=day)
    zones = {zone: 0 for zone in Zone.values}
    for line in lines:
        if line["zone"] in zones:
            zones[line["zone"]] += 1
    since = [
        line["days_since_last_positive"]
        for line in lines
        if line["days_since_last_positive"] is not None
    ]
    return {
        "date": day.isoformat(),
        "rounds": len(rounds_list),
        "pcr_rounds": sum(r.kind == TestRound.Kind.PCR for r in rounds_list),
        "antigen_rounds": sum(r.kind == TestRound.Kind.ANTIGEN for r in rounds_list),
        **sums,
        # Tubes hold several buildings' people: counted for a viewer of the whole town only.
        "tubes": tubes.count() if whole_town else None,
        "tubes_waiting": tubes.exclude(status=Tube.Status.RESULTED).count() if whole_town else None,
        "cases_new": cases.filter(positive_on=day).exclude(status=Case.Status.CLEARED).count(),
        "cases_open": cases.filter(status__in=OPEN_CASES, positive_on__lte=day).count(),
        "pools_open": members.filter(follow_up__status=PoolFollowUp.Status.OPEN)
        .values("follow_up_id")
        .distinct()
        .count(),
        "zones": zones,
        "days_since_last_positive": min(since) if since else None,
    }
