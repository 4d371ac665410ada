"""Reads of the worksites app: the town's list of sites, a site's board, the worksites report.

Tested figures come from screening's coverage counters (`CoverageCount`, summed over the
site's dormitories), never from counting samples; a site's workers are the residents present
in it (the same roster the counters' `expected` is seeded from).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from linli.places.models import Compound, Resident
from linli.screening.models import Case, CoverageCount, TestRound
from linli.supplies.models import WorksiteNeed
from linli.worksites.models import (
    OBSERVATION_DAYS,
    CrewLoan,
    Permit,
    SiteProfile,
    TransportRequest,
    WorkerInfo,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User
    from linli.places.models import Town

# Permits whose end falls within this many days are listed as expiring on the board.
EXPIRING_DAYS = 3
# Rounds that took place (or are taking place): a planned or cancelled round tested nobody.
HELD_ROUNDS = (TestRound.Status.OPEN, TestRound.Status.CLOSED)
PRESENT = Resident.Status.PRESENT
LIVE_CASES = ~Q(status=Case.Status.CLEARED)


def sites(user: User | AnonymousUser) -> QuerySet[Compound]:
    """The worksites the user sees, with their workers counted, by committee and name."""
    return (
        Compound.objects.visible_to(user)
        .filter(kind=Compound.Kind.WORKSITE)
        .select_related("committee")
        .annotate(
            workers=Count(
                "buildings__households__residents",
                filter=Q(buildings__households__residents__status=PRESENT),
            )
        )
        .order_by("committee__name", "name")
    )


def observation_start(day: dt.date | None = None) -> dt.date:
    """Workers who entered on or after this day are under observation on `day` (today)."""
    day = day or timezone.localdate()
    return day - dt.timedelta(days=OBSERVATION_DAYS - 1)


@dataclass
class Board:
    site: Compound
    profile: SiteProfile | None
    workers: int
    rounds: list[dict[str, Any]] = field(default_factory=list)
    observed: list[WorkerInfo] = field(default_factory=list)
    expiring: list[Permit] = field(default_factory=list)
    need: WorksiteNeed | None = None
    transports: list[TransportRequest] = field(default_factory=list)
    crews: list[CrewLoan] = field(default_factory=list)


def round_figures(compound_ids: list[int]) -> list[dict[str, Any]]:
    """Per round covering the sites: kind, date, expected, sampled, positives from the
    counters, newest first."""
    rows = (
        CoverageCount.objects.filter(compound_id__in=compound_ids, round__status__in=HELD_ROUNDS)
        .values("round_id", "round__name", "round__kind", "round__date")
        .annotate(expected=Sum("expected"), sampled=Sum("sampled"), positives=Sum("positives"))
        .order_by("-round__date", "-round_id")
    )
    return [
        {
            "round_id": r["round_id"],
            "name": r["round__name"],
            "kind": r["round__kind"],
            "date": r["round__date"],
            "expected": r["expected"] or 0,
            "sampled": r["sampled"] or 0,
            "positives": r["positives"] or 0,
        }
        for r in rows
    ]


def board(user: User | AnonymousUser, site: Compound) -> Board:
    """A site's board (the site already fetched through `visible_to`): roster vs tested per
    round, workers under observation, permits expiring within three days, its needs, transport
    requests and crews out."""
    now = timezone.now()
    today = timezone.localdate()
    workers = Resident.objects.filter(household__building__compound=site, status=PRESENT).count()
    observed = list(
        WorkerInfo.objects.visible_to(user)
        .filter(
            resident__household__building__compound=site,
            resident__status=PRESENT,
            entered_on__gte=observation_start(today),
        )
        .select_related("resident__household__building")
        .order_by("entered_on", "resident__name")
    )
    expiring = list(
        Permit.objects.visible_to(user)
        .filter(
            compound=site,
            revoked_at__isnull=True,
            valid_until__gt=now,
            valid_until__lte=now + dt.timedelta(days=EXPIRING_DAYS),
        )
        .select_related("worker")
        .order_by("valid_until")
    )
    transports = list(
        TransportRequest.objects.visible_to(user)
        .filter(compound=site, window_to__gte=now - dt.timedelta(days=7))
        .order_by("window_from")[:20]
    )
    crews = list(
        CrewLoan.objects.visible_to(user).filter(compound=site, date__gte=today).order_by("date")
    )
    return Board(
        site=site,
        profile=SiteProfile.objects.filter(compound=site).first(),
        workers=workers,
        rounds=round_figures([site.pk]),
        observed=observed,
        expiring=expiring,
        need=WorksiteNeed.objects.visible_to(user).filter(compound=site).first(),
        transports=transports,
        crews=crews,
    )


def _coverage(expected: int, sampled: int) -> float | None:
    return round(sampled / expected, 3) if expected else None


def worksites_report(*, town: Town, user: Any = None) -> dict[str, Any]:
    """`linli report worksites`: the town's worksites, their workers, rounds, positives.

    - worksites, workers: the sites and the residents present in them;
    - largest, smallest: the most and fewest workers of one site (0 without sites);
    - pcr_rounds, antigen_rounds: rounds held (open or closed) covering any site;
    - positives: cases (not cleared on re-check) in the sites' dormitories;
      days_since_last_positive: from the latest one's sampling day (null when none);
    - per_site: name, workers, rounds (held over it), last_round_coverage (sampled / expected
      in its latest held round, three decimals; null without one).
    """
    if user is None:
        site_qs = Compound.objects.filter(town=town)
    else:
        site_qs = Compound.objects.visible_to(user).filter(town=town)
    site_rows = list(
        site_qs.filter(kind=Compound.Kind.WORKSITE)
        .annotate(
            workers=Count(
                "buildings__households__residents",
                filter=Q(buildings__households__residents__status=PRESENT),
            )
        )
        .order_by("name")
        .values_list("id", "name", "workers")
    )
    ids = [pk for pk, _name, _workers in site_rows]
    held = TestRound.objects.filter(town=town, status__in=HELD_ROUNDS, compounds__in=ids)
    kinds = dict(
        held.order_by()
        .values("kind")
        .annotate(n=Count("id", distinct=True))
        .values_list("kind", "n")
    )
    cases = Case.objects.filter(LIVE_CASES, town=town, building__compound_id__in=ids)
    last = cases.aggregate(last=Max("positive_on"))["last"]
    rounds_per_site = dict(
        held.order_by()
        .values("compounds")
        .annotate(n=Count("id", distinct=True))
        .values_list("compounds", "n")
    )
    latest: dict[int, tuple[int, int]] = {}
    counts = (
        CoverageCount.objects.filter(compound_id__in=ids, round__status__in=HELD_ROUNDS)
        .values("compound_id", "round_id", "round__date")
        .annotate(expected=Sum("expected"), sampled=Sum("sampled"))
        .order_by("compound_id", "-round__date", "-round_id")
    )
    for row in counts:
        latest.setdefault(row["compound_id"], (row["expected"] or 0, row["sampled"] or 0))
    workers = [n for _pk, _name, n in site_rows]
    return {
        "worksites": len(site_rows),
        "workers": sum(workers),
        "largest": max(workers, default=0),
        "smallest": min(workers, default=0),
        "pcr_rounds": kinds.get(TestRound.Kind.PCR, 0),
        "antigen_rounds": kinds.get(TestRound.Kind.ANTIGEN, 0),
        "positives": cases.count(),
        "days_since_last_positive": (timezone.localdate() - last).days if last else None,
        "per_site": [
            {
                "name": name,
                "workers": n,
                "rounds": rounds_per_site.get(pk, 0),
                "last_round_coverage": _coverage(*latest[pk]) if pk in latest else None,
            }
            for pk, name, n in site_rows
        ],
    }


def report_rows(figures: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The report's xlsx: the town's figures on top, then one row per site."""
    rows: list[list[Any]] = [[key, figures[key], "", ""] for key in figures if key != "per_site"]
    rows.append(["", "", "", ""])
    rows.append(["工地 (name)", "工人 (workers)", "轮次 (rounds)", "最近一轮覆盖率 (coverage)"])
    rows.extend(
        [site["name"], site["workers"], site["rounds"], site["last_round_coverage"]]
        for site in figures["per_site"]
    )
    return ["key", "value", "", ""], rows
