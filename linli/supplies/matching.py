"""Suppliers ranked for a worksite's need (供需匹配): what the street's supply desk sees.

Each of the town's suppliers is judged on the delivery day by:

- papers and vetting: `vetting.supplier_problem` (a supplier with a problem is blocked);
- delivery area: it delivers to the site's committee (no area = the whole town; else blocked);
- category: how many of the categories the need asks for it does not sell (fewer is better);
- capacity: its daily capacity (单/day) less what its live worksite orders of that day take,
  a site's day counting as its headcount; short of the headcount ranks lower;
- distance: straight-line kilometres from the supplier to the site (the compound's point,
  else its committee's gate); unknown ranks last.

Blocked suppliers are listed after the others, with their reason, and cannot be confirmed.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from linli.core.validators import Problem
from linli.supplies.models import Supplier, WorksiteNeed, WorksiteOrder
from linli.supplies.vetting import supplier_problem

EARTH_RADIUS_M = 6_371_000


def distance_m(a: tuple[Decimal, Decimal] | None, b: tuple[Decimal, Decimal] | None) -> int | None:
    """Great-circle distance in whole metres between two (lat, lon) points (haversine)."""
    if a is None or b is None:
        return None
    lat1, lon1, lat2, lon2 = (math.radians(float(x)) for x in (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return round(2 * EARTH_RADIUS_M * math.asin(math.sqrt(h)))


def site_point(need: WorksiteNeed) -> tuple[Decimal, Decimal] | None:
    compound = need.compound
    if compound.lat is not None and compound.lon is not None:
        return (compound.lat, compound.lon)
    return compound.committee.gate_point()


@dataclass
class Fit:
    """One supplier judged for one need on one day."""

    supplier: Supplier
    problem: Problem | None
    delivers_here: bool
    missing: list[str] = field(default_factory=list)
    capacity_left: int = 0
    headcount: int = 0
    distance_m: int | None = None

    @property
    def blocked(self) -> Problem | None:
        """Why it cannot be confirmed, or None."""
        if self.problem is not None:
            return self.problem
        if not self.delivers_here:
            return Problem("不在该供应商的配送范围内", "outside the supplier's delivery area")
        return None

    @property
    def short(self) -> bool:
        return self.capacity_left < self.headcount

    @property
    def distance_km(self) -> str:
        return "" if self.distance_m is None else f"{self.distance_m / 1000:.1f}"

    def sort_key(self) -> tuple[int, int, int, int, str]:
        return (
            self.blocked is not None,
            len(self.missing),
            self.short,
            self.distance_m if self.distance_m is not None else 10**9,
            self.supplier.name,
        )


def committed(
    day: dt.date, suppliers: list[int], *, exclude_need: int | None = None
) -> dict[int, int]:
    """Headcount the suppliers' live worksite orders of `day` already take, by supplier."""
    rows = (
        WorksiteOrder.objects.filter(supplier_id__in=suppliers, delivery_on=day)
        .exclude(status=WorksiteOrder.Status.CANCELLED)
        .exclude(Q(need_id=exclude_need) if exclude_need else Q(pk__in=[]))
        .order_by()
        .values("supplier_id")
        .annotate(n=Sum("headcount"))
    )
    return {r["supplier_id"]: r["n"] or 0 for r in rows}


def judge(need: WorksiteNeed, supplier: Supplier, day: dt.date, taken: int = 0) -> Fit:
    """One supplier's fit for the need on `day` (`taken`: capacity its other orders use)."""
    area = [c.pk for c in supplier.delivery_area.all()]
    return Fit(
        supplier=supplier,
        problem=supplier_problem(supplier, day),
        delivers_here=not area or need.committee_id in area,
        missing=[c for c in need.categories if c not in (supplier.categories or [])],
        capacity_left=max(supplier.daily_capacity - taken, 0),
        headcount=need.headcount,
        distance_m=distance_m(
            (supplier.lat, supplier.lon)
            if supplier.lat is not None and supplier.lon is not None
            else None,
            site_point(need),
        ),
    )


def rank_suppliers(need: WorksiteNeed, day: dt.date) -> list[Fit]:
    """Every supplier of the need's town, best fit first, blocked ones last (a few queries,
    whatever the number of suppliers)."""
    suppliers = list(
        Supplier.objects.filter(town_id=need.town_id).prefetch_related("papers", "delivery_area")
    )
    taken = committed(day, [s.pk for s in suppliers], exclude_need=need.pk)
    fits = [judge(need, s, day, taken.get(s.pk, 0)) for s in suppliers]
    return sorted(fits, key=Fit.sort_key)
