"""The care app's day in figures: `linli report care --town NAME [--date D]`.

Every figure is worked from the data as it stood at the end of day D (today by default), so
the report can be rebuilt for yesterday (the daily briefing's changes):

- open: help requests open at the end of D (created by then, not closed by then);
  open_by_category, open_by_urgency: the same by category and urgency (every choice, zeros
  kept, so a day compares with the day before key by key);
- overdue: of those, the ones whose time limit had passed by the end of D;
  overdue_by_category, overdue_by_urgency: the same split;
- opened, closed: requests created on D, and closed (done, cannot do, cancelled) on D;
- special_residents: special-care residents living here (their tags as of now);
- visits_due: of them, those nobody had reached (a visit where somebody answered the door,
  naming them or their household) in the town's `visit_overdue_days` before D;
- visits_done: special-care residents reached on D;
- pairings: pairings (结对) in force at the end of D; paired_residents: the special-care
  residents among their residents.

With a `user` (the pages, the API) every row is read through its access gate.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from linli.care.models import HelpRequest, Visit
from linli.care.selectors import special_residents
from linli.core.validators import parse_day
from linli.duty.models import Pairing
from linli.places.models import Resident

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User
    from linli.places.models import Town

LIVING = (Resident.Status.PRESENT, Resident.Status.AWAY)
CATEGORIES = tuple(HelpRequest.Category.values)
URGENCIES = tuple(HelpRequest.Urgency.values)


def _gate(queryset: Any, user: User | AnonymousUser | None) -> Any:
    return queryset if user is None else queryset.visible_to(user)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The start of D and of the day after, in the town's time zone."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def _split(rows: list[tuple[str, str]]) -> tuple[dict[str, int], dict[str, int]]:
    by_category = dict.fromkeys(CATEGORIES, 0)
    by_urgency = dict.fromkeys(URGENCIES, 0)
    for category, urgency in rows:
        by_category[category] = by_category.get(category, 0) + 1
        by_urgency[urgency] = by_urgency.get(urgency, 0) + 1
    return by_category, by_urgency


def care_report(
    *, town: Town, user: User | AnonymousUser | None = None, date: str | dt.date | None = None
) -> dict[str, Any]:
    day = parse_day(date) or timezone.localdate()
    start, end = day_bounds(day)
    requests = _gate(HelpRequest.objects.filter(town=town), user).order_by()
    open_rows = list(
        requests.filter(created_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
        .exclude(Q(closed_at__isnull=True) & ~Q(status__in=HelpRequest.OPEN_STATUSES))
        .values_list("category", "urgency", "due_at")
    )
    overdue_rows = [(c, u) for c, u, due in open_rows if due < end]
    open_by_category, open_by_urgency = _split([(c, u) for c, u, _due in open_rows])
    overdue_by_category, overdue_by_urgency = _split(overdue_rows)

    people = special_residents(user).filter(town=town) if user is not None else None
    if people is None:
        tagged = Resident.care_tags.through.objects.values("resident_id")
        people = Resident.objects.filter(town=town, pk__in=tagged, status__in=LIVING)
    special = set(people.order_by().values_list("pk", "household_id"))
    special_ids = {pk for pk, _h in special}

    def reached(since: dt.datetime, until: dt.datetime) -> set[int]:
        visits = (
            Visit.objects.filter(town=town, visited_at__gte=since, visited_at__lt=until)
            .exclude(outcome=Visit.Outcome.NOBODY_HOME)
            .order_by()
            .values_list("resident_id", "household_id")
        )
        named = {r for r, _h in visits if r is not None}
        homes = {h for r, h in visits if r is None}
        return {pk for pk, household in special if pk in named or household in homes}

    seen_before = reached(start - dt.timedelta(days=town.visit_overdue_days), start)
    pairs = (
        _gate(Pairing.objects.filter(town=town), user)
        .filter(starts_at__lt=end)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gte=end))
        .order_by()
        .values_list("resident_id", flat=True)
    )
    paired = list(pairs)
    return {
        "town": town.name,
        "date": day.isoformat(),
        "open": len(open_rows),
        "open_by_category": open_by_category,
        "open_by_urgency": open_by_urgency,
        "overdue": len(overdue_rows),
        "overdue_by_category": overdue_by_category,
        "overdue_by_urgency": overdue_by_urgency,
        "opened": requests.filter(created_at__gte=start, created_at__lt=end).count(),
        "closed": requests.filter(closed_at__gte=start, closed_at__lt=end).count(),
        "special_residents": len(special_ids),
        "visits_due": len(special_ids - seen_before),
        "visits_done": len(reached(start, end)),
        "pairings": len(paired),
        "paired_residents": len(special_ids & set(paired)),
    }
