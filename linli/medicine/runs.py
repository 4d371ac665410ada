"""The runner's day (外场): the run's stops in order, and the writes of the checklist:
registering (挂号) at the hospital, marking each line fetched / partly / out of stock,
bagging a request (一人一档), the committee receiving bags at its gate (counted) and
delivering them to the door. Every status change goes through `transition()`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Prefetch

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.core.workflow import transition
from linli.medicine.custody import Holder, bag_hand_over, bag_make
from linli.medicine.lines import line_fetch_problem
from linli.medicine.models import (
    Department,
    HolderKind,
    Hospital,
    MedicineLine,
    MedicineOrder,
    MedicineRun,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User
    from linli.places.models import Committee

Status = MedicineOrder.Status
Line = MedicineLine.Status


@dataclass
class DepartmentStop:
    department: Department | None
    orders: list[MedicineOrder] = field(default_factory=list)


@dataclass
class HospitalStop:
    hospital: Hospital
    departments: list[DepartmentStop] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(d.orders) for d in self.departments)


def runner_run(user: User, day: dt.date) -> MedicineRun | None:
    """The login's own run on `day`, if they run one."""
    return (
        MedicineRun.objects.filter(runner__volunteer__user=user, date=day)
        .select_related("runner__volunteer")
        .first()
    )


def run_stops(user: User, run: MedicineRun) -> list[HospitalStop]:
    """The run's requests the user may see, by hospital in visiting order, then department."""
    orders = (
        MedicineOrder.objects.visible_to(user)
        .filter(run=run)
        .select_related(
            "resident", "committee", "household__building__compound", "hospital", "department"
        )
        .prefetch_related(Prefetch("lines", queryset=MedicineLine.objects.order_by("id")))
        .order_by("hospital_id", "department__name", "form_number", "id")
    )
    rank = {pk: i for i, pk in enumerate(run.hospital_order or [])}
    stops: dict[int, HospitalStop] = {}
    for order in orders:
        stop = stops.setdefault(order.hospital_id, HospitalStop(order.hospital))
        if not stop.departments or stop.departments[-1].department != order.department:
            stop.departments.append(DepartmentStop(order.department))
        stop.departments[-1].orders.append(order)
    return sorted(stops.values(), key=lambda s: (rank.get(s.hospital.pk, len(rank)), s.hospital.pk))


@transaction.atomic
def order_register(
    *, user: User, order: MedicineOrder, request: HttpRequest | None = None
) -> MedicineOrder:
    """挂号: the runner is at the hospital with the request (planned → at hospital). A second
    tap changes nothing."""
    if order.status == Status.AT_HOSPITAL:
        return order
    return transition(order, Status.AT_HOSPITAL, by=user, reason="挂号", request=request)


def _finish(order: MedicineOrder, *, user: User, request: HttpRequest | None) -> None:
    """Every line decided: the request is fetched, partly fetched, or (nothing at all)
    carried over for a stock-out."""
    statuses = [line.status for line in order.lines.all()]
    if Line.PENDING in statuses:
        return
    if all(s == Line.FETCHED for s in statuses):
        transition(order, Status.FETCHED, by=user, reason="取药", request=request)
    elif any(s in (Line.FETCHED, Line.SHORT) for s in statuses):
        transition(order, Status.PARTLY_FETCHED, by=user, reason="部分取药", request=request)
    else:
        order.carry_reason = "缺药"
        order.save(update_fields=["carry_reason", "updated_at"])
        transition(order, Status.CARRIED_OVER, by=user, reason="缺药", request=request)


@transaction.atomic
def line_mark(
    *,
    user: User,
    line: MedicineLine,
    outcome: str,
    boxes_fetched: int | None = None,
    substitute: str = "",
    consent: str = "",
    request: HttpRequest | None = None,
) -> MedicineLine:
    """One tap on a line: fetched (all boxes), short (some boxes) or stock-out (none). The
    request moves to at hospital first if the runner skipped 挂号, and on when its last line
    is decided. The same tap twice (a resubmission on a weak connection) is one record."""
    if outcome not in (Line.FETCHED, Line.SHORT, Line.STOCK_OUT):
        raise Problem("取药结果无效", "invalid outcome")
    order = MedicineOrder.objects.select_for_update().get(pk=line.order_id)
    locked = MedicineLine.objects.select_for_update().get(pk=line.pk)
    substitute = substitute.strip()[:200]
    if outcome == Line.FETCHED:
        boxes: int | None = locked.boxes
    else:
        boxes = 0 if outcome == Line.STOCK_OUT else boxes_fetched
    if outcome == Line.SHORT and not (boxes is not None and 0 < boxes < locked.boxes):
        raise Problem(
            f"部分取到的数量须在 1 到 {locked.boxes - 1} 盒之间",
            f"a partial fill is 1 to {locked.boxes - 1} boxes",
        )
    if (
        locked.status == outcome
        and locked.boxes_fetched == boxes
        and locked.substitute == (substitute or locked.substitute)
    ):
        return locked  # the same tap again
    if order.status == Status.PLANNED:
        order = transition(order, Status.AT_HOSPITAL, by=user, reason="挂号", request=request)
    if order.status != Status.AT_HOSPITAL:
        raise Problem(
            "该配药单已不在取药环节，不能再修改药品",
            "the request is past fetching; lines are fixed",
        )
    if consent.strip():
        locked.substitution_consent = consent.strip()[:200]
    if outcome != Line.STOCK_OUT:
        problem = line_fetch_problem(locked, substitute=substitute)
        if problem is not None:
            raise problem
    locked.status, locked.boxes_fetched = outcome, boxes or 0
    if substitute:
        locked.substitute = substitute
    locked.save(update_fields=["status", "boxes_fetched", "substitute", "substitution_consent"])
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=order,
        summary=f"medicine line {locked.pk} {outcome} {locked.boxes_fetched}/{locked.boxes}",
        request=request,
    )
    _finish(order, user=user, request=request)
    return locked


@transaction.atomic
def order_bag(
    *, user: User, order: MedicineOrder, request: HttpRequest | None = None
) -> MedicineOrder:
    """装袋: the request's drugs go into its labelled bag, held by the run's runner."""
    order = transition(order, Status.BAGGED, by=user, reason="装袋", request=request)
    holder = (
        Holder(HolderKind.RUNNER, order.run.runner_id) if order.run else Holder(HolderKind.DESK)
    )
    bag_make(order=order, holder=holder)
    return order


@transaction.atomic
def bags_receive(
    *,
    user: User,
    committee: Committee,
    orders: list[MedicineOrder],
    place: str = "",
    request: HttpRequest | None = None,
) -> int:
    """The committee receives bags at its gate (交接点): each bagged → handed over, its bag to
    the gate. Returns how many were received."""
    received = 0
    for order in orders:
        if order.committee_id != committee.pk:
            raise Problem("药袋不属于本居委", "the bag is not for this committee")
        if order.status == Status.HANDED_OVER:
            continue  # received by an earlier submission
        transition(order, Status.HANDED_OVER, by=user, reason="居委交接点签收", request=request)
        bag = bag_make(order=order, holder=Holder(HolderKind.DESK))
        bag_hand_over(
            user=user,
            bag=bag,
            to_holder=Holder(HolderKind.GATE, committee.pk),
            place=place,
            request=request,
        )
        received += 1
    return received


@transaction.atomic
def order_deliver(
    *, user: User, order: MedicineOrder, request: HttpRequest | None = None
) -> MedicineOrder:
    """送达: the bag reached the patient's door."""
    if order.status == Status.DELIVERED:
        return order
    order = transition(order, Status.DELIVERED, by=user, reason="送达", request=request)
    bag = bag_make(order=order, holder=Holder(HolderKind.GATE, order.committee_id))
    bag_hand_over(user=user, bag=bag, to_holder=Holder(HolderKind.PATIENT, order.household_id))
    return order
