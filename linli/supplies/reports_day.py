"""The supplies desk's day in figures: `linli report supplies --town NAME [--date D]`.

- rounds_in_progress: package rounds packing or delivering (their status now); of them, from
  the `package-round` report's own figures (`round_figures`) summed: rounds_households
  (packages owed), rounds_delivered, rounds_missing (nobody has reported on yet);
  rounds_missing_by_round: each round's name → its missing;
- packages_delivered: packages signed for on D (any round);
- group_buys_open: group buys taking orders (接龙中) now; group_buys_arrived: arrived at the
  gate on D; group_buys_settled: settled on D (their history);
- worksite_orders: worksites' supply orders due on D (not cancelled);
  worksite_orders_delivered: of them, delivered.

With a `user` (the pages, the API) the rows are read through their access gate. The figures
of rounds and open group buys are the present state: rebuilt for an earlier day they are
today's (the daily briefing says so).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from linli.core.validators import parse_day
from linli.supplies.models import GroupBuy, PackageDelivery, PackageRound, WorksiteOrder
from linli.supplies.selectors_rounds import round_figures, rounds_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User
    from linli.places.models import Town

IN_PROGRESS = (PackageRound.Status.PACKING, PackageRound.Status.DELIVERING)


def _gate(queryset: Any, user: User | AnonymousUser | None) -> Any:
    return queryset if user is None else queryset.visible_to(user)


def supplies_report(
    *, town: Town, user: User | AnonymousUser | None = None, date: str | dt.date | None = None
) -> dict[str, Any]:
    day = parse_day(date) or timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    rounds = PackageRound.objects.filter(town=town, status__in=IN_PROGRESS)
    if user is not None:
        rounds = rounds.filter(pk__in=rounds_for(user).values("pk"))
    totals = {"households": 0, "delivered": 0, "missing": 0}
    missing_by_round: dict[str, int] = {}
    for package_round in rounds.order_by("created_at", "id"):
        figures = round_figures(package_round, user)
        for key in totals:
            totals[key] += figures[key]
        name = package_round.name
        while name in missing_by_round:  # two rounds of one name stay apart
            name += "*"
        missing_by_round[name] = figures["missing"]
    deliveries = _gate(PackageDelivery.objects.filter(town=town), user)
    group_buys = _gate(GroupBuy.objects.filter(town=town), user).order_by()
    settled = group_buys.filter(
        changes__to_status=GroupBuy.Status.SETTLED, changes__at__gte=start, changes__at__lt=end
    )
    orders = _gate(WorksiteOrder.objects.filter(town=town, delivery_on=day), user).exclude(
        status=WorksiteOrder.Status.CANCELLED
    )
    return {
        "town": town.name,
        "date": day.isoformat(),
        "rounds_in_progress": len(missing_by_round),
        "rounds_households": totals["households"],
        "rounds_delivered": totals["delivered"],
        "rounds_missing": totals["missing"],
        "rounds_missing_by_round": missing_by_round,
        "packages_delivered": deliveries.filter(
            status=PackageDelivery.Status.DELIVERED, delivered_at__gte=start, delivered_at__lt=end
        ).count(),
        "group_buys_open": group_buys.filter(status=GroupBuy.Status.OPEN)
        .values("pk")
        .distinct()
        .count(),
        "group_buys_arrived": group_buys.filter(arrived_at__gte=start, arrived_at__lt=end)
        .values("pk")
        .distinct()
        .count(),
        "group_buys_settled": settled.values("pk").distinct().count(),
        "worksite_orders": orders.count(),
        "worksite_orders_delivered": orders.filter(status=WorksiteOrder.Status.DELIVERED).count(),
    }
