"""The evening reconciliation (查漏补缺): what of the day is not delivered, which lines came
short, which cards are not back, which advances are open and disputed; and carrying the
unfinished requests into tomorrow's plan in one action."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.workflow import transition
from linli.medicine.models import (
    HolderKind,
    InsuranceCard,
    MedicineLine,
    MedicineOrder,
    MoneyDispute,
)
from linli.medicine.money import OpenAdvance, open_advances

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User
    from linli.places.models import Town

Status = MedicineOrder.Status
DONE = (
    Status.DELIVERED,
    Status.CONFIRMED,
    Status.REFUSED,
    Status.EXCHANGED,
    Status.CANCELLED,
    Status.REFERRED,
)
# Not yet fetched: these go into tomorrow's plan. Fetched, bagged and handed-over requests are
# on their way and stay on today's list until delivered.
UNFETCHED = (
    Status.SUBMITTED,
    Status.VERIFIED,
    Status.PLANNED,
    Status.AT_HOSPITAL,
    Status.CARRIED_OVER,
)


@dataclass
class Evening:
    day: dt.date
    not_delivered: list[MedicineOrder]
    short_lines: list[MedicineLine]
    cards_not_back: list[InsuranceCard]
    advances: list[OpenAdvance]
    disputes: list[MoneyDispute]

    @property
    def carriable(self) -> int:
        return sum(1 for o in self.not_delivered if o.status in UNFETCHED)


def evening(user: User, town: Town, day: dt.date) -> Evening:
    """The day's loose ends in the user's reach."""
    orders = MedicineOrder.objects.visible_to(user).filter(town=town)
    not_delivered = list(
        orders.filter(service_date=day)
        .exclude(status__in=DONE)
        .select_related("resident", "committee", "hospital", "run__runner__volunteer")
        .order_by("status", "committee_id", "id")
    )
    short = list(
        MedicineLine.objects.filter(
            order__in=orders.filter(service_date=day),
            status__in=[MedicineLine.Status.SHORT, MedicineLine.Status.STOCK_OUT],
        ).select_related("order__resident", "order__committee")
    )
    cards = list(
        InsuranceCard.objects.visible_to(user)
        .filter(town=town)
        .exclude(holder_kind=HolderKind.PATIENT, lost_at__isnull=True)
        .select_related("resident", "committee")
    )
    disputes = list(
        MoneyDispute.objects.visible_to(user)
        .filter(town=town, resolved_at__isnull=True)
        .select_related("order__resident")
    )
    return Evening(day, not_delivered, short, cards, open_advances(orders), disputes)


@transaction.atomic
def day_carry_over(
    *, user: User, town: Town, day: dt.date, request: HttpRequest | None = None
) -> int:
    """Carry every unfetched request of `day` into tomorrow: planned and at-hospital ones are
    carried over and verified again, off their run; all move to the next day. Returns how many
    moved. Running it twice moves nothing the second time."""
    tomorrow = day + dt.timedelta(days=1)
    orders = list(
        MedicineOrder.objects.visible_to(user)
        .filter(town=town, service_date=day, status__in=UNFETCHED)
        .order_by("id")
    )
    reason = "晚间盘点顺延"
    for order in orders:
        if order.status in (Status.PLANNED, Status.AT_HOSPITAL):
            order = transition(order, Status.CARRIED_OVER, by=user, reason=reason, request=request)
        if order.status == Status.CARRIED_OVER:
            order = transition(order, Status.VERIFIED, by=user, reason=reason, request=request)
        MedicineOrder.objects.filter(pk=order.pk).update(
            service_date=tomorrow,
            run=None,
            carry_reason=order.carry_reason or reason,
        )
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=None,
        town_id=town.pk,
        summary=f"medicine: {len(orders)} requests of {day} carried to {tomorrow}",
        request=request,
    )
    return len(orders)
