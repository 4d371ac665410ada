"""Writes of worksites' needs: the need, the match that becomes an order, the vehicle found
for it, and the order's delivery workflow.

`WORKSITE_ORDER_WORKFLOW`: ordered → dispatched → delivered, ordered|dispatched → cancelled.
The supply desk (town staff) dispatches and cancels; the worksite's side (its committee's
staff or second secretary) or the desk marks it delivered. An order whose site has no
transport is dispatched only once its vehicle request has a vehicle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.core.workflow import Change, Conflict, Workflow, moves
from linli.duty.models import Team
from linli.places.models import Compound
from linli.supplies.matching import committed, judge
from linli.supplies.models import (
    Supplier,
    VehicleRequest,
    WorksiteNeed,
    WorksiteOrder,
    WorksiteOrderChange,
)
from linli.supplies.rules import answers_for_worksite, runs_town_supplies
from linli.supplies.services_suppliers import CATEGORY_VALUES

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User

S = WorksiteOrder.Status
DESK_ONLY = ("只有镇/街道物资保障组可以操作", "only the town's supply desk may")
SITE_OR_DESK = ("只有工地所在居委或物资保障组可以签收", "only the site's committee or the desk")


def _order_apply(change: Change[WorksiteOrder]) -> Iterable[str]:
    if change.target == S.DISPATCHED:
        vehicle = VehicleRequest.objects.filter(order=change.obj).first()
        if vehicle is not None and not vehicle.assigned:
            raise Conflict(
                "工地没有车辆，请先派车再发车", "the site has no transport: assign a vehicle first"
            )
    return []


WORKSITE_ORDER_WORKFLOW = Workflow(
    name="worksite order",
    model=WorksiteOrder,
    history=WorksiteOrderChange,
    subject="order",
    moves=[
        *moves([S.ORDERED], [S.DISPATCHED], runs_town_supplies, refusal=DESK_ONLY),
        *moves([S.DISPATCHED], [S.DELIVERED], answers_for_worksite, refusal=SITE_OR_DESK),
        *moves([S.ORDERED, S.DISPATCHED], [S.CANCELLED], runs_town_supplies, refusal=DESK_ONLY),
    ],
    apply=_order_apply,
)

MAX_HEADCOUNT = 100_000
MAX_KG = 1_000_000


def _whole(value: Any, zh: str, en: str, top: int) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        raise Problem(f"{zh}应为整数", f"{en} must be a whole number") from None
    if not 0 <= number <= top:
        raise Problem(f"{zh}应在0到{top}之间", f"{en} must be 0 to {top}")
    return number


@transaction.atomic
def worksite_need_save(
    *,
    user: User | None,
    compound: Compound,
    headcount: Any,
    rice_kg: Any = 0,
    flour_kg: Any = 0,
    oil_kg: Any = 0,
    other_categories: Iterable[str] = (),
    other_goods: str = "",
    has_transport: bool = False,
    note: str = "",
    request: HttpRequest | None = None,
) -> WorksiteNeed:
    """State (or restate) a worksite's daily needs: one statement per site, updated in place."""
    if compound.kind != Compound.Kind.WORKSITE:
        raise Problem(f"“{compound.name}”不是工地", f"{compound.name} is not a worksite")
    values = {
        "headcount": _whole(headcount, "在场人数", "headcount", MAX_HEADCOUNT),
        "rice_kg": _whole(rice_kg, "大米", "rice", MAX_KG),
        "flour_kg": _whole(flour_kg, "面粉", "flour", MAX_KG),
        "oil_kg": _whole(oil_kg, "食用油", "oil", MAX_KG),
    }
    if values["headcount"] == 0:
        raise Problem("在场人数应大于0", "the headcount must be more than 0")
    others = [c for c in other_categories if c]
    unknown = [c for c in others if c not in CATEGORY_VALUES]
    if unknown:
        raise Problem(f"未知的物资品类：{'、'.join(unknown)}", f"unknown categories: {unknown}")
    if not (values["rice_kg"] or values["flour_kg"] or values["oil_kg"] or others):
        raise Problem("请填写所需物资", "say what the site needs")
    fields = {
        **values,
        "other_categories": others,
        "other_goods": other_goods.strip()[:300],
        "has_transport": bool(has_transport),
        "note": note.strip()[:300],
    }
    need, created = WorksiteNeed.objects.select_for_update().get_or_create(
        compound=compound,
        defaults={
            "town_id": compound.town_id,
            "committee_id": compound.committee_id,
            "created_by": user,
            **fields,
        },
    )
    if not created:
        for key, value in fields.items():
            setattr(need, key, value)
        need.save()
    audit(
        user=user,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        target=need,
        summary=f"worksite need {compound.pk}",
        detail={k: v for k, v in values.items()},
        request=request,
    )
    return need


@transaction.atomic
def worksite_match(
    *,
    user: User | None,
    need: WorksiteNeed,
    supplier: Supplier,
    delivery_on: dt.date,
    request: HttpRequest | None = None,
) -> WorksiteOrder:
    """Confirm a supplier for a need on a day: the order, and a vehicle request when the site
    has no transport. Refused when the supplier is blocked (papers, vetting, area) on that day,
    or the need already has a live order that day."""
    if delivery_on < timezone.localdate():
        raise Problem("送货日期不能早于今天", "the delivery day cannot be in the past")
    if supplier.town_id != need.town_id:
        raise Problem("供应商不在本镇", "the supplier is not in the town")
    # Lock the supplier: two matches at once cannot both take its last capacity unseen.
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    taken = committed(delivery_on, [supplier.pk], exclude_need=need.pk).get(supplier.pk, 0)
    fit = judge(need, supplier, delivery_on, taken)
    if fit.blocked is not None:
        raise fit.blocked
    order = WorksiteOrder(
        town_id=need.town_id,
        committee_id=need.committee_id,
        compound_id=need.compound_id,
        need=need,
        supplier=supplier,
        delivery_on=delivery_on,
        headcount=need.headcount,
        rice_kg=need.rice_kg,
        flour_kg=need.flour_kg,
        oil_kg=need.oil_kg,
        other_goods=need.other_goods,
        distance_m=fit.distance_m,
        created_by=user,
    )
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError:
        raise Conflict(
            f"该工地{delivery_on.isoformat()}已有供货单",
            f"the site already has an order for {delivery_on.isoformat()}",
        ) from None
    WorksiteOrderChange.objects.create(order=order, from_status="", to_status=S.ORDERED, by=user)
    if not need.has_transport:
        VehicleRequest.objects.create(town_id=need.town_id, order=order)
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=order,
        summary=f"worksite order {need.compound_id} from supplier {supplier.pk}",
        detail={
            "delivery_on": delivery_on.isoformat(),
            "headcount": order.headcount,
            "vehicle": not need.has_transport,
            "short": fit.short,
            "missing": fit.missing,
        },
        request=request,
    )
    return order


@transaction.atomic
def vehicle_assign(
    *,
    user: User | None,
    vehicle: VehicleRequest,
    team: Team | None = None,
    plate: str = "",
    driver: str = "",
    request: HttpRequest | None = None,
) -> VehicleRequest:
    """Say which vehicle carries the order: a transport team's, or a plate (and driver)."""
    locked = VehicleRequest.objects.select_for_update().get(pk=vehicle.pk)
    order = WorksiteOrder.objects.get(pk=locked.order_id)
    if order.status != S.ORDERED:
        raise Conflict("供货单已发车或已取消，不能再派车", "the order has left or was cancelled")
    plate = "".join(plate.split()).upper()[:20]
    if team is None and not plate:
        raise Problem("请选择运输队或填写车牌号", "choose a transport team or give a plate")
    if team is not None and (
        team.town_id != locked.town_id or team.function != Team.Function.TRANSPORT
    ):
        raise Problem("请选择本镇的运输队", "choose a transport team of the town")
    locked.team = team
    locked.plate = plate
    locked.driver = driver.strip()[:50]
    locked.assigned_at = timezone.now()
    locked.assigned_by = user
    locked.save()
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary=f"vehicle for worksite order {order.pk}",
        detail={"team": team.pk if team else None, "plate": bool(plate)},
        request=request,
    )
    return locked
