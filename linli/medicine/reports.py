"""The medicine team's day in figures: `linli report medicine --town NAME --date D`.

The keys are the issue's, each worked from the data of one day D:

- team, desk, runners: members of the town's medicine team on duty (all posts, desk, runner);
- hospitals, committees_served: distinct hospitals and patients' committees of the requests
  on D's runs (where the runners went, whom they served);
- requests: the day's requests: those due on D (not cancelled or referred), those on D's runs,
  and those D's plan carried to the next day (their date has moved on since);
- planned: requests on D's runs; delivered: those of them that reached the patient
  (delivered, confirmed, refused at the door, exchanged);
- carried_over: requests carried from D: by D's saved plan (over capacity) or moved to
  carried over during D (stock-out, clinic closed);
- per_runner: each runner's name → the form numbers (the id where none) of their run, in
  visiting order;
- cards_out: insurance cards out that day and not back (`linli.medicine.custody`);
- advances_open_fen: the town's advances not yet repaid, in fen (`linli.medicine.money`).

With a `user` (the page, the API) the requests are read through their access gate; the card
and money figures are the desk's and town staff's (`medicine.print_day`) and None for others.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from linli.core.validators import parse_day
from linli.medicine.custody import cards_out
from linli.medicine.models import DayPlan, MedicineOrder, TeamMember
from linli.medicine.money import advances_open_fen
from linli.medicine.sheets import DROPPED, run_sheets

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User
    from linli.places.models import Town

Status = MedicineOrder.Status
REACHED = (Status.DELIVERED, Status.CONFIRMED, Status.REFUSED, Status.EXCHANGED)


def medicine_report(
    *, town: Town, user: User | AnonymousUser | None = None, date: str | dt.date | None = None
) -> dict[str, Any]:
    day = parse_day(date) or timezone.localdate()
    orders = MedicineOrder.objects.filter(town=town)
    if user is not None:
        orders = orders.visible_to(user)
    on_runs = list(
        orders.filter(run__date=day)
        .exclude(status__in=DROPPED)
        .select_related("run__runner__volunteer", "hospital", "department", "committee")
        .prefetch_related("lines")
    )
    plan = DayPlan.objects.filter(town=town, date=day).first()
    by_plan = set(plan.carried_over) if plan is not None else set()
    carried = set(
        orders.filter(changes__to_status=Status.CARRIED_OVER, changes__at__date=day).values_list(
            "pk", flat=True
        )
    )
    # The plan keeps labels: the form number, or the id of a request without one.
    ids = [int(label) for label in by_plan if label.isdigit()]
    carried |= set(
        orders.filter(
            Q(form_number__in=by_plan) | Q(pk__in=ids, form_number__isnull=True)
        ).values_list("pk", flat=True)
    )
    due = set(
        orders.filter(service_date=day).exclude(status__in=DROPPED).values_list("pk", flat=True)
    )
    members = TeamMember.objects.filter(town=town, on_duty=True)
    may_see_money = user is None or user.has_perm("medicine.print_day")
    per_runner: dict[str, list[str]] = {}
    for sheet in run_sheets(on_runs):
        name = sheet.runner
        while name in per_runner:  # two runners of one name stay apart
            name += "*"
        per_runner[name] = [o.label for o in sheet.orders]
    # Exactly the keys, in its order.
    figures: dict[str, Any] = {
        "team": members.count(),
        "desk": members.filter(post=TeamMember.Post.DESK).count(),
        "runners": members.filter(post=TeamMember.Post.RUNNER).count(),
        "hospitals": len({o.hospital_id for o in on_runs}),
        "committees_served": len({o.committee_id for o in on_runs}),
        "requests": len(due | carried | {o.pk for o in on_runs}),
        "planned": len(on_runs),
        "delivered": sum(1 for o in on_runs if o.status in REACHED),
        "carried_over": len(carried),
        "per_runner": per_runner,
        "cards_out": cards_out(town, day) if may_see_money else None,
        "advances_open_fen": advances_open_fen(town) if may_see_money else None,
    }
    return figures
