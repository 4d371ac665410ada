"""Saving a day's plan (排班): the planner's answer, in ids (`PlanDraft`), kept as a DayPlan
with a MedicineRun per runner; each request moves verified → planned through the workflow and
the carried-over ones move to the next day. One plan per town and day, also when two saves
arrive at once (the DayPlan's unique constraint decides)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.core.workflow import Conflict, NotAllowed, transition
from linli.medicine.models import DayPlan, MedicineOrder, MedicineRun, TeamMember

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User
    from linli.places.models import Town

Status = MedicineOrder.Status


@dataclass(frozen=True)
class RunDraft:
    """One run of a plan as the planner proposed it, in ids."""

    runner: int  # TeamMember id
    hospitals: list[int]
    gates: list[int]  # committee ids
    km: float
    orders: list[int]


@dataclass(frozen=True)
class PlanDraft:
    town: int
    date: dt.date
    total_km: float
    runs: list[RunDraft]
    carried_over: list[int]  # order ids

    def as_json(self) -> dict[str, Any]:
        return {
            "town": self.town,
            "date": self.date.isoformat(),
            "total_km": self.total_km,
            "runs": [r.__dict__ for r in self.runs],
            "carried_over": self.carried_over,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlanDraft:
        return cls(
            town=int(data["town"]),
            date=dt.date.fromisoformat(data["date"]),
            total_km=float(data["total_km"]),
            runs=[RunDraft(**r) for r in data["runs"]],
            carried_over=[int(i) for i in data["carried_over"]],
        )


STALE = ("排班后配药单已有变化，请重新排班", "requests changed since the plan was made: plan again")


@transaction.atomic
def plan_save(
    *, user: User | None, town: Town, draft: PlanDraft, request: HttpRequest | None = None
) -> DayPlan:
    """Keep a plan: one DayPlan per town and day (a second save, also at the same moment, is a
    Conflict), a MedicineRun per runner, each request verified → planned on its run, and the
    carried-over ones moved to the next day."""
    if user is not None and not user.has_perm("medicine.plan_dayplan", town):
        raise NotAllowed("只有配药内场或镇工作人员可以排班", "only the desk or town staff plan")
    if draft.town != town.pk:
        raise Problem("排班不属于本镇", "the plan is of another town")
    if DayPlan.objects.filter(town=town, date=draft.date).exists():
        raise Conflict("该日已保存排班", "a plan for that day is already saved")
    plan = DayPlan(
        town=town,
        date=draft.date,
        total_km=Decimal(str(round(draft.total_km, 2))),
        created_by=user,
    )
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise Conflict("该日已保存排班", "a plan for that day is already saved") from None
    planned_ids = [pk for run in draft.runs for pk in run.orders]
    wanted = set(planned_ids) | set(draft.carried_over)
    orders = {
        o.pk: o for o in MedicineOrder.objects.select_for_update().filter(town=town, pk__in=wanted)
    }
    if len(orders) != len(wanted) or any(
        o.status != Status.VERIFIED or o.run_id is not None for o in orders.values()
    ):
        raise Conflict(*STALE)
    members = {
        m.pk: m for m in TeamMember.objects.filter(town=town, pk__in=[r.runner for r in draft.runs])
    }
    if len(members) != len({r.runner for r in draft.runs}):
        raise Conflict(*STALE)
    labels = []
    for run_draft in draft.runs:
        run = MedicineRun.objects.create(
            town=town,
            plan=plan,
            date=draft.date,
            runner=members[run_draft.runner],
            hospital_order=run_draft.hospitals,
            gate_order=run_draft.gates,
            km=Decimal(str(round(run_draft.km, 2))),
        )
        for pk in run_draft.orders:
            order = orders[pk]
            if order.service_date != draft.date:
                MedicineOrder.objects.filter(pk=pk).update(service_date=draft.date)
            transition(
                order,
                Status.PLANNED,
                by=user,
                reason=f"{draft.date}",
                request=request,
                system=user is None,
            )
            MedicineOrder.objects.filter(pk=pk).update(run=run)
    tomorrow = draft.date + dt.timedelta(days=1)
    for pk in draft.carried_over:
        labels.append(orders[pk].label)
    MedicineOrder.objects.filter(pk__in=draft.carried_over).update(service_date=tomorrow)
    plan.carried_over = labels
    plan.save(update_fields=["carried_over"])
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=plan,
        summary=(
            f"medicine plan {draft.date}: {len(draft.runs)} runs, {len(planned_ids)} requests, "
            f"{len(labels)} carried over"
        ),
        request=request,
        town_id=town.pk,
    )
    return plan
