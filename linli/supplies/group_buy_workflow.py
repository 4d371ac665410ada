"""The group-buy workflow (`GROUP_BUY_WORKFLOW`, on linli.core.workflow):

    draft ─► submitted ─► approved ─► open ─► closed ─► ordered ─► arrived ─► disinfected
      ▲          │      (committee)                                   │            │
      └──────────┘ (returned)                                         └────────────┴─► distributing
                                                                      (no disinfection rule)  │
    draft … closed ─► cancelled (everyone's payment owed back)                              settled
    ordered … settled ─► disputed ─► where the committee resumes it (it was at `disputed_from`),
                                     or cancelled

The organiser (团长) or the committee moves it; only the committee approves or returns a
submitted one and decides a dispute. The moves' own checks (the rules on opening, the minimum
orders on ordering, quantities on arrival, disinfection before distribution when the rules
require it, no refund outstanding on settling) are in `_apply`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from linli.core.validators import Problem
from linli.core.workflow import Change, Conflict, Workflow, moves
from linli.supplies.models import GroupBuy, GroupBuyChange, GroupBuyOrder
from linli.supplies.rules import governs_group_buy, runs_group_buy

S = GroupBuy.Status

RUNS = ("只有团长或居委可以操作", "only the organiser or the committee may")
GOVERNS = ("只有居委可以审批", "only the committee may decide")

BEFORE_ORDER = [S.DRAFT, S.SUBMITTED, S.APPROVED, S.OPEN, S.CLOSED]
AFTER_ORDER = [S.ORDERED, S.ARRIVED, S.DISINFECTED, S.DISTRIBUTING, S.SETTLED]


def _apply(change: Change[GroupBuy]) -> Iterable[str]:
    from linli.supplies import services_group_buy_orders as order_services
    from linli.supplies import services_group_buys as services

    gb, to = change.obj, change.target
    if to == S.OPEN:
        services.check_may_open(gb, day=timezone.localdate(change.at))
    elif to == S.ORDERED:
        rules = services.rules_for_group_buy(gb)
        count = gb.orders.filter(status=GroupBuyOrder.Status.ACTIVE).count()
        if count < rules.min_orders:
            raise Conflict(
                f"只有{count}户下单，未达最低成团{rules.min_orders}户，请取消团购并退款",
                f"{count} orders, below the minimum of {rules.min_orders}: cancel and refund",
            )
    elif to == S.ARRIVED and change.source == S.ORDERED:
        if gb.items.filter(arrived__isnull=True).exists():
            raise Problem("请先登记每种商品的到货数量", "record how many of each item arrived")
        gb.arrived_at = change.at
        return ["arrived_at"]
    elif to == S.DISINFECTED and change.source == S.ARRIVED:
        if not (gb.disinfected_by and gb.disinfection_method):
            raise Problem("请登记消杀人和消杀方式", "record who disinfected and how")
    elif to == S.DISTRIBUTING and change.source == S.ARRIVED:
        if services.rules_for_group_buy(gb).disinfection_required:
            raise Conflict("本小区规定到门口须先消杀", "the rules require disinfection first")
    elif to == S.SETTLED:
        owed = order_services.refunds_outstanding(gb)
        if owed:
            raise Conflict(
                f"还有{owed}分未退给居民，请先退款", f"{owed} fen still owed back to households"
            )
    elif to == S.DISPUTED:
        gb.disputed_from = change.source
        return ["disputed_from"]
    return []


def _detail(change: Change[GroupBuy]) -> dict[str, Any]:
    if change.target != S.CANCELLED:
        return {}
    paid = change.obj.orders.aggregate(paid=Sum("paid_fen"))["paid"] or 0
    return {"paid_fen": paid}


GROUP_BUY_WORKFLOW = Workflow(
    name="group buy",
    model=GroupBuy,
    history=GroupBuyChange,
    subject="group_buy",
    moves=[
        *moves([S.DRAFT], [S.SUBMITTED], runs_group_buy, refusal=RUNS),
        *moves([S.SUBMITTED], [S.APPROVED, S.DRAFT], governs_group_buy, refusal=GOVERNS),
        *moves([S.APPROVED], [S.OPEN], runs_group_buy, refusal=RUNS),
        *moves([S.OPEN], [S.CLOSED], runs_group_buy, refusal=RUNS),
        *moves([S.CLOSED], [S.ORDERED], runs_group_buy, refusal=RUNS),
        *moves([S.ORDERED], [S.ARRIVED], runs_group_buy, refusal=RUNS),
        *moves([S.ARRIVED], [S.DISINFECTED, S.DISTRIBUTING], runs_group_buy, refusal=RUNS),
        *moves([S.DISINFECTED], [S.DISTRIBUTING], runs_group_buy, refusal=RUNS),
        *moves([S.DISTRIBUTING], [S.SETTLED], runs_group_buy, refusal=RUNS),
        *moves(BEFORE_ORDER, [S.CANCELLED], runs_group_buy, refusal=RUNS),
        *moves(AFTER_ORDER, [S.DISPUTED], runs_group_buy, refusal=RUNS),
        *moves([S.DISPUTED], [*AFTER_ORDER, S.CANCELLED], governs_group_buy, refusal=GOVERNS),
    ],
    related=("supplier",),
    apply=_apply,
    detail=_detail,
)
