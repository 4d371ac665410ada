"""Reads of group buys (团购), each starting from the gate (`visible_to`) or from a group buy
the caller already fetched through it: the lists, a household's money, and the outputs (the
supplier's order sheet, pick lists per building and per household, the mark-up, the arrival
and disinfection log, complaints)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet, Sum

from linli.supplies.models import Complaint, GroupBuy, GroupBuyItem, GroupBuyLine, GroupBuyOrder
from linli.supplies.money import order_due_fen, refund_due_fen

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from linli.accounts.models import User
    from linli.places.models import Building

S = GroupBuy.Status
# Orders and lines by place: a group buy over several compounds lists them compound by compound
# (in the order the compounds were registered, the same on every database).
BY_PLACE = (
    "household__building__compound_id",
    "household__building__sort_key",
    "household__building_id",
)
LINE_BY_PLACE = tuple(f"order__{p}" for p in BY_PLACE)


def group_buys_for(user: User | AnonymousUser) -> QuerySet[GroupBuy]:
    """The group buys the login sees (the gate yields each once), with their compounds."""
    return (
        GroupBuy.objects.visible_to(user)
        .select_related("supplier", "organiser")
        .prefetch_related("compounds")
    )


def order_counts(group_buys: list[GroupBuy]) -> dict[int, int]:
    """Active orders per group buy, for a page of them, in one grouped query."""
    rows = (
        GroupBuyOrder.objects.filter(
            group_buy__in=[g.pk for g in group_buys], status=GroupBuyOrder.Status.ACTIVE
        )
        .values("group_buy")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["group_buy"]: row["n"] for row in rows}


def open_for_compound(compound_id: int) -> list[GroupBuy]:
    """What a resident of the compound may order now: the open group buys covering it (the
    public door lists them)."""
    return list(
        GroupBuy.objects.filter(compounds__id=compound_id, status=S.OPEN)
        .select_related("supplier")
        .prefetch_related("items")
        .order_by("closes_at", "id")
    )


def building_group_buys(user: User | AnonymousUser, building: Building) -> dict[str, Any] | None:
    """The building page's section: group buys covering its compound taking orders or on
    their way."""
    rows = list(
        GroupBuy.objects.visible_to(user)
        .filter(compounds__id=building.compound_id)
        .exclude(status__in=[S.DRAFT, S.SETTLED, S.CANCELLED])
        .select_related("supplier")
        .order_by("-opens_at")[:10]
    )
    return {"group_buys": rows} if rows else None


@dataclass
class OrderRow:
    order: GroupBuyOrder
    lines: list[GroupBuyLine]
    due: int
    refund: int


def order_rows(gb: GroupBuy, *, active_only: bool = False) -> list[OrderRow]:
    """Every household's order with its lines and money, by compound, building and room."""
    orders = (
        gb.orders.select_related("household__building__compound")
        .prefetch_related("lines__item")
        .order_by(*BY_PLACE, "household__room", "placed_at")
    )
    if active_only:
        orders = orders.filter(status=GroupBuyOrder.Status.ACTIVE)
    rows = []
    for order in orders:
        lines = list(order.lines.all())
        due = order_due_fen(order, lines, gb_status=gb.status)
        rows.append(OrderRow(order, lines, due, refund_due_fen(order, due)))
    return rows


def _allocated(gb: GroupBuy) -> bool:
    return gb.status not in (S.DRAFT, S.SUBMITTED, S.APPROVED, S.OPEN, S.CLOSED, S.ORDERED)


def supplier_sheet(gb: GroupBuy) -> list[list[Any]]:
    """The supplier's order sheet: per item the units ordered, packs and the amount at the
    supplier's list price (yuan)."""
    from linli.supplies.money import yuan

    rows = []
    for item in gb.items.all():
        rows.append(
            [
                item.name,
                item.pack_size,
                item.unit,
                item.ordered,
                yuan(item.list_price_fen),
                yuan(item.ordered * item.list_price_fen),
            ]
        )
    total = sum(i.ordered * i.list_price_fen for i in gb.items.all())
    rows.append(["合计", "", "", "", "", yuan(total)])
    return rows


def building_pick(gb: GroupBuy) -> list[list[Any]]:
    """Per compound, per building (in order 1号楼, 2号楼 … 10号楼), the units of each
    item to pack; once goods arrived, what was allocated."""
    field = "allocated" if _allocated(gb) else "qty"
    sums = (
        GroupBuyLine.objects.filter(order__group_buy=gb, order__status=GroupBuyOrder.Status.ACTIVE)
        .values(
            "order__household__building__compound__name",
            "order__household__building__compound_id",
            "order__household__building__name",
            "order__household__building__sort_key",
            "order__household__building_id",
            "item",
        )
        .annotate(units=Sum(field), households=Count("order", distinct=True))
        .order_by(*LINE_BY_PLACE, "item")
    )
    names = dict(gb.items.values_list("pk", "name"))
    units = dict(gb.items.values_list("pk", "unit"))
    return [
        [
            row["order__household__building__compound__name"],
            row["order__household__building__name"],
            names[row["item"]],
            row["units"] or 0,
            units[row["item"]],
            row["households"],
        ]
        for row in sums
    ]


def household_pick(gb: GroupBuy) -> list[list[Any]]:
    """Per household, compound by compound: compound, building, room, item, units (allocated
    once goods arrived), the amount due and paid (yuan). Rooms, not names: the list is taped
    to bags at the gate."""
    from linli.supplies.money import yuan

    allocated = _allocated(gb)
    lines = (
        GroupBuyLine.objects.filter(order__group_buy=gb, order__status=GroupBuyOrder.Status.ACTIVE)
        .select_related("item")
        .values_list(
            "order_id",
            "order__household__building__compound__name",
            "order__household__building__name",
            "order__household__room",
            "item__name",
            "item__unit",
            "qty",
            "allocated",
            "unit_price_fen",
            "order__fee_fen",
            "order__paid_fen",
            "order__refunded_fen",
        )
        .order_by(*LINE_BY_PLACE, "order__household__room", "item_id")
    )
    goods: dict[int, int] = defaultdict(int)
    got_any: dict[int, bool] = defaultdict(bool)
    rows: list[list[Any]] = []
    facts: dict[int, tuple[int, int]] = {}
    for oid, compound, building, room, item, unit, qty, alloc, price, fee, paid, refunded in lines:
        units = (alloc or 0) if allocated else qty
        goods[oid] += units * price
        got_any[oid] |= units > 0
        facts[oid] = (fee, paid - refunded)
        rows.append([oid, compound, building, room, item, units, unit])
    out = []
    for oid, compound, building, room, item, units, unit in rows:
        fee, net_paid = facts[oid]
        due = goods[oid] + fee if got_any[oid] else 0
        out.append([compound, building, room, item, units, unit, yuan(due), yuan(net_paid)])
    return out


def markup_rows(gb: GroupBuy) -> list[GroupBuyItem]:
    return list(gb.items.all())


def complaints_for(
    user: User | AnonymousUser, *, group_buy: GroupBuy | None = None, supplier_id: int | None = None
) -> QuerySet[Complaint]:
    rows = Complaint.objects.visible_to(user).select_related("supplier", "group_buy")
    if group_buy is not None:
        rows = rows.filter(group_buy=group_buy)
    if supplier_id is not None:
        rows = rows.filter(supplier_id=supplier_id)
    return rows


def waiting(user: Any) -> list[tuple[str, str, Any]]:
    """An organiser's unfinished group buys, listed on their landing page (我的任务); a login
    that is not a volunteer in service costs no query."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from linli.accounts.rules import is_volunteer
    from linli.care.selectors import QueueCount
    from linli.duty.rules import active_volunteer_of

    volunteer = active_volunteer_of(user) if is_volunteer(user) else None
    if volunteer is None:
        return []
    done = (GroupBuy.Status.SETTLED, GroupBuy.Status.CANCELLED)
    n = GroupBuy.objects.filter(organiser=volunteer).exclude(status__in=done).count()
    return [(_("我组织的团购"), reverse("supplies:group_buys"), QueueCount(n, 0))]
