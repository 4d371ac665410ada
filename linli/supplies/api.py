"""The supplies API. Each part keeps its endpoints in its own block of this router.

Group buys (团购): the list and one group buy with its items and stock left, its orders, and
`POST /group-buys/{id}/orders/` `{"household": id, "items": [{"item": id, "qty": n}]}`, which
places (or changes) the household's order: 201 with the order, or 200 with the same order
when an `Idempotency-Key` header repeats one sent for this group buy (nothing new is
created); 409 when an item has fewer units left than asked (nothing is taken), or the group
buy is not taking orders; 422 with the reason for a household of a compound the group buy does
not cover; 404 for a group buy or household out of scope; 403 for a login who may not order
for households. A group buy covers one or more compounds of its committee (`compound_ids`).
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field

from linli.core.api import Id, Pagination, errors
from linli.core.http import user_of
from linli.places.models import Household
from linli.supplies import selectors_group_buys as selectors
from linli.supplies import services_group_buy_orders as order_services
from linli.supplies import services_group_buys as services
from linli.supplies.models import GroupBuy, GroupBuyOrder
from linli.supplies.money import order_due_fen

router = Router(tags=["supplies"])

# --- Group buys (团购) ------------------------------------------------------------------------

MAX_KEY = 100


class GroupBuyItemOut(Schema):
    id: int
    name: str
    unit: str
    pack_size: str
    unit_price_fen: int
    list_price_fen: int
    stock: int
    ordered: int
    left: int

    @staticmethod
    def resolve_left(obj: Any) -> int:
        return int(obj.stock - obj.ordered)


class GroupBuyOut(Schema):
    id: int
    title: str
    status: str
    committee_id: int
    compound_ids: list[int]
    supplier_id: int
    fee_fen: int
    opens_at: dt.datetime
    closes_at: dt.datetime
    delivery_on: dt.date

    @staticmethod
    def resolve_compound_ids(obj: Any) -> list[int]:
        return sorted(c.pk for c in obj.compounds.all())


class GroupBuyDetailOut(GroupBuyOut):
    items: list[GroupBuyItemOut]

    @staticmethod
    def resolve_items(obj: Any) -> list[Any]:
        return list(obj.items.all())


class LineIn(Schema):
    item: Id
    qty: int = Field(ge=0, le=order_services.MAX_QTY)


class OrderIn(Schema):
    household: Id
    items: list[LineIn] = Field(min_length=1, max_length=services.MAX_ITEMS)


class LineOut(Schema):
    item: int
    qty: int
    unit_price_fen: int
    allocated: int | None

    @staticmethod
    def resolve_item(obj: Any) -> int:
        return int(obj.item_id)


class OrderOut(Schema):
    id: int
    group_buy: int
    household: int
    status: str
    placed_at: dt.datetime
    fee_fen: int
    due_fen: int
    paid_fen: int
    refunded_fen: int
    lines: list[LineOut]

    @staticmethod
    def resolve_group_buy(obj: Any) -> int:
        return int(obj.group_buy_id)

    @staticmethod
    def resolve_household(obj: Any) -> int:
        return int(obj.household_id)

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_due_fen(obj: Any) -> int:
        return order_due_fen(obj, list(obj.lines.all()), gb_status=obj.group_buy.status)


def _idempotency_key(request: HttpRequest) -> str | None:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return None
    if len(key) > MAX_KEY or not key.isprintable() or not key.isascii():
        raise HttpError(
            422, f"Idempotency-Key 须为不超过{MAX_KEY}个ASCII字符 (at most {MAX_KEY} ASCII chars)"
        )
    return key


def _group_buy(request: HttpRequest, pk: int) -> GroupBuy:
    return get_object_or_404(
        GroupBuy.objects.visible_to(request.user).prefetch_related("compounds"), pk=pk
    )


@router.get(
    "/group-buys/",
    response={200: list[GroupBuyOut]},
    summary="团购列表 (group buys)",
)
@paginate(Pagination)
def group_buy_list(request: HttpRequest) -> Any:
    return selectors.group_buys_for(request.user).order_by("-opens_at", "-id")


@router.get(
    "/group-buys/{pk}/",
    response={200: GroupBuyDetailOut, **errors(404)},
    summary="团购详情 (a group buy with its items and stock left)",
)
def group_buy_detail(request: HttpRequest, pk: Id) -> Any:
    return _group_buy(request, pk)


@router.get(
    "/group-buys/{pk}/orders/",
    response={200: list[OrderOut], **errors(404)},
    summary="团购订单 (a group buy's orders the login sees)",
)
@paginate(Pagination)
def group_buy_orders(request: HttpRequest, pk: Id) -> Any:
    gb = _group_buy(request, pk)
    return (
        GroupBuyOrder.objects.visible_to(request.user)
        .filter(group_buy=gb)
        .select_related("group_buy")
        .prefetch_related("lines")
        .distinct()
        .order_by("placed_at", "id")
    )


@router.post(
    "/group-buys/{pk}/orders/",
    response={200: OrderOut, 201: OrderOut, **errors(403, 404, 409, 422)},
    summary="下单 (place or change a household's order; 200 on an Idempotency-Key replay)",
)
def group_buy_order(request: HttpRequest, pk: Id, payload: OrderIn) -> Any:
    gb = _group_buy(request, pk)
    if not request.user.has_perm("supplies.order_groupbuy", gb):
        raise HttpError(403, "无权为住户下单 (you may not order for households)")
    # The committee's households (the service refuses, with the reason, one of a compound the
    # group buy does not cover); a volunteer reaches only those they see.
    households = Household.objects.filter(building__compound__committee_id=gb.committee_id)
    if not request.user.has_perm("supplies.change_groupbuy", gb):
        households = households & Household.objects.visible_to(request.user)
    household = get_object_or_404(households.select_related("building"), pk=payload.household)
    key = _idempotency_key(request)
    placed = order_services.order_place(
        user=user_of(request),
        group_buy=gb,
        household=household,
        items=[(line.item, line.qty) for line in payload.items],
        source=GroupBuyOrder.Source.API,
        idempotency_key=f"api:{request.user.pk}:{key}" if key else None,
        request=request,
    )
    order = GroupBuyOrder.objects.select_related("group_buy").get(pk=placed.order.pk)
    return Status(201 if placed.created else 200, order)
