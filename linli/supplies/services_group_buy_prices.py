"""Price changes of a group buy's items (改价): before opening they apply at once; after, they
wait for the consent of every household that ordered the item, within the rules' mark-up cap."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.core.workflow import Conflict
from linli.supplies.models import GroupBuy, GroupBuyItem, GroupBuyLine, GroupBuyOrder, PriceChange
from linli.supplies.services_group_buys import rules_for_group_buy

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User

S = GroupBuy.Status


def _orders_with(item: GroupBuyItem) -> list[int]:
    return list(
        GroupBuyOrder.objects.filter(
            status=GroupBuyOrder.Status.ACTIVE, lines__item=item
        ).values_list("pk", flat=True)
    )


def _apply_price(change: PriceChange) -> None:
    item = change.item
    item.unit_price_fen = change.new_price_fen
    item.save(update_fields=["unit_price_fen"])
    GroupBuyLine.objects.filter(item=item, order__status=GroupBuyOrder.Status.ACTIVE).update(
        unit_price_fen=change.new_price_fen
    )
    change.applied = True
    change.save(update_fields=["applied"])


@transaction.atomic
def price_change(
    *,
    user: User,
    item: GroupBuyItem,
    new_price_fen: int,
    reason: str,
    request: HttpRequest | None = None,
) -> PriceChange:
    """Change an item's price. Before opening it applies at once; after, it waits for every
    household that ordered the item to consent (at once if none has)."""
    gb = GroupBuy.objects.select_for_update().get(pk=item.group_buy_id)
    if gb.status not in (S.DRAFT, S.SUBMITTED, S.APPROVED, S.OPEN, S.CLOSED):
        raise Conflict("已下单后不能改价", "prices cannot change once ordered")
    rules = rules_for_group_buy(gb)
    if new_price_fen * 10000 > item.list_price_fen * (10000 + rules.max_markup_bp):
        raise Problem("新价格加价超过规定上限", "the new price exceeds the mark-up cap")
    reason = reason.strip()[:200]
    if gb.status in (S.OPEN, S.CLOSED) and not reason:
        raise Problem("开团后改价须说明原因", "give the reason for a change after opening")
    change = PriceChange.objects.create(
        item=item, new_price_fen=new_price_fen, reason=reason, created_by=user
    )
    if gb.status not in (S.OPEN, S.CLOSED) or not _orders_with(item):
        _apply_price(change)
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=item,
        summary="group buy price change" + (" applied" if change.applied else " proposed"),
        detail={"from": item.unit_price_fen, "to": new_price_fen},
        request=request,
        town_id=gb.town_id,
    )
    return change


@transaction.atomic
def price_consent(
    *,
    user: User | None,
    change: PriceChange,
    order: GroupBuyOrder,
    request: HttpRequest | None = None,
) -> PriceChange:
    """A household consents to a proposed price; when every household that ordered the item
    has, the price applies."""
    locked = PriceChange.objects.select_for_update().select_related("item").get(pk=change.pk)
    if locked.applied:
        return locked
    if order.pk not in _orders_with(locked.item):
        raise Problem("该户未订此商品", "the household did not order this item")
    locked.consented.add(order)
    consented = set(locked.consented.values_list("pk", flat=True))
    if set(_orders_with(locked.item)) <= consented:
        _apply_price(locked)
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary="group buy price change consented",
        detail={"order": order.pk, "applied": locked.applied},
        request=request,
        town_id=order.group_buy.town_id,
    )
    return locked


def pending_price_changes(order: GroupBuyOrder) -> list[PriceChange]:
    """Price changes this household's consent is waiting for."""
    item_ids = [line.item_id for line in order.lines.all()]
    return [
        c
        for c in PriceChange.objects.filter(item_id__in=item_ids, applied=False).select_related(
            "item"
        )
        if not c.consented.filter(pk=order.pk).exists()
    ]
