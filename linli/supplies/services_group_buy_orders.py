"""Writes of households' group-buy orders (团购订单) and of the group buy's money: orders placed,
changed and cancelled (through the door, a volunteer, the API), payments, refunds and the
supplier's payment. The group buys themselves, their rules, arrival and prices are in
`services_group_buys`.

Stock is claimed with one conditional UPDATE per item (`ordered + qty <= stock`), so of
concurrent orders for the last units exactly as many as there are units succeed and the rest
get a `Conflict` (HTTP 409), on SQLite and PostgreSQL alike; a check constraint stands behind.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from linli.accounts.models import hash_token
from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.core.workflow import Conflict
from linli.supplies.models import GroupBuy, GroupBuyItem, GroupBuyLine, GroupBuyOrder, MoneyEntry
from linli.supplies.money import ledger, order_due_fen, refund_due_fen
from linli.supplies.services_group_buys import rules_for_group_buy

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User
    from linli.places.models import Household

S = GroupBuy.Status
MAX_QTY = 999


@dataclass(frozen=True)
class Placed:
    """A household's order as placed: `created` False when an idempotency key repeated one;
    `token` the household's own link (self-service only, new orders only)."""

    order: GroupBuyOrder
    created: bool
    token: str | None = None


# --- Orders ----------------------------------------------------------------------------------


def _window_open(gb: GroupBuy, now: dt.datetime, *, ordering: bool = True) -> None:
    if gb.status != S.OPEN or not (gb.opens_at <= now < gb.closes_at):
        raise Conflict("团购不在接龙时间内", "the group buy is not taking orders now")
    # The switch stops orders in open group buys too; a household may still cancel.
    if ordering and rules_for_group_buy(gb).suspended:
        raise Conflict("居委已暂停本小区全部团购", "the committee has suspended all group buys")


def _claim(item_id: int, qty: int) -> None:
    """Take `qty` units of an item's stock, or refuse (409) when fewer are left."""
    taken = GroupBuyItem.objects.filter(pk=item_id, ordered__lte=F("stock") - qty).update(
        ordered=F("ordered") + qty
    )
    if not taken:
        item = GroupBuyItem.objects.get(pk=item_id)
        left = item.stock - item.ordered
        raise Conflict(
            f"“{item.name}”库存不足，仅剩{left}{item.unit}",
            f"{item.name}: only {left} left",
        )


def _release(lines: Sequence[GroupBuyLine]) -> None:
    for line in lines:
        GroupBuyItem.objects.filter(pk=line.item_id).update(ordered=F("ordered") - line.qty)


def _clean_items(gb: GroupBuy, wanted: Sequence[tuple[int, int]]) -> dict[int, int]:
    quantities: dict[int, int] = defaultdict(int)
    for item_id, qty in wanted:
        if qty < 0 or qty > MAX_QTY:
            raise Problem(f"数量须在0到{MAX_QTY}之间", f"quantities are 0 to {MAX_QTY}")
        quantities[item_id] += qty
    known = set(gb.items.filter(pk__in=list(quantities)).values_list("pk", flat=True))
    unknown = set(quantities) - known
    if unknown:
        raise Problem("商品不属于该团购", f"items not in this group buy: {sorted(unknown)}")
    chosen = {k: v for k, v in quantities.items() if v > 0}
    if not chosen:
        raise Problem("请至少选择一件商品", "order at least one item")
    return chosen


def _lines_of(order: GroupBuyOrder) -> list[GroupBuyLine]:
    return list(order.lines.all())


def _order_token(group_buy_id: int, key: str) -> str:
    """The household's link to its order, derived from the form's key with the secret key: a
    replayed submission gets the same link, and the token itself is never stored."""
    digest = salted_hmac("linli.supplies.order-link", f"{group_buy_id}:{key}", algorithm="sha256")
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


@transaction.atomic
def order_place(
    *,
    user: User | None,
    group_buy: GroupBuy,
    household: Household,
    items: Sequence[tuple[int, int]],
    source: str,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> Placed:
    """Place (or change) a household's order: its active order's lines are replaced by these.
    An order beyond the stock left is a Conflict and changes nothing; the first placing time
    stands through changes (first come, first served)."""
    now = now or timezone.now()
    if idempotency_key:
        found = GroupBuyOrder.objects.filter(
            group_buy=group_buy, idempotency_key=idempotency_key
        ).first()
        if found is not None:
            if found.household_id != household.pk:
                raise Conflict("该幂等键已用于另一户", "the Idempotency-Key was used for another")
            replayed = _order_token(group_buy.pk, idempotency_key)
            same = found.access_token_hash == hash_token(replayed)
            return Placed(found, False, replayed if same else None)
    gb = GroupBuy.objects.get(pk=group_buy.pk)
    _window_open(gb, now)
    if not gb.compounds.filter(pk=household.building.compound_id).exists():
        raise Problem("该户不在本团购的小区", "the household is not in the group buy's compounds")
    chosen = _clean_items(gb, items)
    existing = (
        GroupBuyOrder.objects.select_for_update()
        .filter(group_buy=gb, household=household, status=GroupBuyOrder.Status.ACTIVE)
        .first()
    )
    self_service = source == GroupBuyOrder.Source.SELF_SERVICE and bool(idempotency_key)
    token = _order_token(gb.pk, idempotency_key or "") if self_service else None
    if existing is not None:
        _release(_lines_of(existing))
        existing.lines.all().delete()
        order = existing
        if idempotency_key:
            # A change keyed anew: this key replays it; through the door, the newest link opens it.
            order.idempotency_key = idempotency_key
            if token:
                order.access_token_hash = hash_token(token)
            order.save(update_fields=["idempotency_key", "access_token_hash"])
    else:
        order = GroupBuyOrder(
            group_buy=gb,
            household=household,
            source=source,
            placed_at=now,
            placed_by=user if user is not None and user.is_authenticated else None,
            fee_fen=gb.fee_fen,
            idempotency_key=idempotency_key or None,
            access_token_hash=hash_token(token) if token else "",
        )
        try:
            with transaction.atomic():
                order.save()
        except IntegrityError:
            raise Conflict("该户已有订单，请刷新后修改", "the household already ordered") from None
    prices = dict(gb.items.filter(pk__in=list(chosen)).values_list("pk", "unit_price_fen"))
    for item_id in sorted(chosen):  # one order of locks, so two orders cannot deadlock
        _claim(item_id, chosen[item_id])
    GroupBuyLine.objects.bulk_create(
        GroupBuyLine(order=order, item_id=i, qty=q, unit_price_fen=prices[i])
        for i, q in sorted(chosen.items())
    )
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE if existing else AuditEntry.Action.CREATE,
        target=order,
        summary=f"group buy order {'changed' if existing else 'placed'} ({source})",
        detail={"group_buy": gb.pk, "items": {str(k): v for k, v in chosen.items()}},
        request=request,
        town_id=gb.town_id,
    )
    return Placed(order, existing is None, token)


@transaction.atomic
def order_cancel(
    *,
    user: User | None,
    order: GroupBuyOrder,
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> GroupBuyOrder:
    """A household withdraws its order while the window is open; its stock is freed and what
    it paid is owed back."""
    locked = GroupBuyOrder.objects.select_for_update().get(pk=order.pk)
    if locked.status == GroupBuyOrder.Status.CANCELLED:
        return locked
    gb = GroupBuy.objects.get(pk=locked.group_buy_id)
    _window_open(gb, now or timezone.now(), ordering=False)
    _release(_lines_of(locked))
    locked.status = GroupBuyOrder.Status.CANCELLED
    locked.save(update_fields=["status"])
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary="group buy order cancelled",
        detail={"group_buy": locked.group_buy_id},
        request=request,
        town_id=None,
    )
    order.status = locked.status
    return locked


def order_by_token(token: str) -> GroupBuyOrder | None:
    """The one order a household's link opens, or None."""
    if not token or len(token) > 100:
        return None
    return (
        GroupBuyOrder.objects.select_related("group_buy", "household__building__compound")
        .filter(access_token_hash=hash_token(token))
        .first()
    )


# --- Money -----------------------------------------------------------------------------------


def order_due(order: GroupBuyOrder, gb_status: str | None = None) -> int:
    return order_due_fen(order, _lines_of(order), gb_status=gb_status or order.group_buy.status)


def refunds_outstanding(gb: GroupBuy) -> int:
    """Fen the organiser still owes back to households, all orders together."""
    total = 0
    for order in gb.orders.prefetch_related("lines").filter(paid_fen__gt=0):
        total += refund_due_fen(
            order, order_due_fen(order, list(order.lines.all()), gb_status=gb.status)
        )
    return total


def _entry(
    *,
    user: User | None,
    gb: GroupBuy,
    order: GroupBuyOrder | None,
    kind: str,
    amount_fen: int,
    note: str,
    request: HttpRequest | None,
) -> MoneyEntry:
    if amount_fen <= 0:
        raise Problem("金额须大于0", "the amount must be positive")
    entry = MoneyEntry.objects.create(
        group_buy=gb, order=order, kind=kind, amount_fen=amount_fen, note=note[:200], by=user
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=entry,
        summary=f"group buy money {kind}",
        detail={"group_buy": gb.pk, "amount_fen": amount_fen},
        request=request,
        town_id=gb.town_id,
    )
    return entry


def _locked(gb: GroupBuy) -> GroupBuy:
    return GroupBuy.objects.select_for_update().get(pk=gb.pk)


@transaction.atomic
def order_pay(
    *,
    user: User,
    order: GroupBuyOrder,
    amount_fen: int,
    note: str = "",
    request: HttpRequest | None = None,
) -> MoneyEntry:
    """The organiser received a household's payment; never more than the order is due."""
    gb = _locked(order.group_buy)
    locked = GroupBuyOrder.objects.select_for_update().get(pk=order.pk)
    due = order_due(locked, gb.status)
    if locked.paid_fen - locked.refunded_fen + amount_fen > due:
        raise Problem(f"超过应付金额（应付{due}分）", f"more than the order is due ({due} fen)")
    entry = _entry(
        user=user,
        gb=gb,
        order=locked,
        kind=MoneyEntry.Kind.COLLECTED,
        amount_fen=amount_fen,
        note=note,
        request=request,
    )
    GroupBuyOrder.objects.filter(pk=locked.pk).update(paid_fen=F("paid_fen") + amount_fen)
    order.refresh_from_db(fields=["paid_fen"])
    return entry


@transaction.atomic
def order_refund(
    *,
    user: User,
    order: GroupBuyOrder,
    amount_fen: int,
    note: str = "",
    request: HttpRequest | None = None,
) -> MoneyEntry:
    """The organiser paid a household back: never more than it paid, nor than is held."""
    gb = _locked(order.group_buy)
    locked = GroupBuyOrder.objects.select_for_update().get(pk=order.pk)
    if amount_fen > locked.paid_fen - locked.refunded_fen:
        raise Problem("退款超过该户已付金额", "more than the household paid")
    if amount_fen > ledger(gb).held:
        raise Problem("退款超过团长结余", "more than the organiser holds")
    entry = _entry(
        user=user,
        gb=gb,
        order=locked,
        kind=MoneyEntry.Kind.REFUNDED,
        amount_fen=amount_fen,
        note=note,
        request=request,
    )
    GroupBuyOrder.objects.filter(pk=locked.pk).update(refunded_fen=F("refunded_fen") + amount_fen)
    order.refresh_from_db(fields=["refunded_fen"])
    return entry


@transaction.atomic
def refunds_pay_all(*, user: User, group_buy: GroupBuy, request: HttpRequest | None = None) -> int:
    """Record the refund of every household owed one (a cancelled group buy, goods short),
    as far as the organiser holds money; the fen refunded."""
    gb = _locked(group_buy)
    total = 0
    for order in (
        gb.orders.prefetch_related("lines").filter(paid_fen__gt=0).order_by("placed_at", "id")
    ):
        owed = refund_due_fen(
            order, order_due_fen(order, list(order.lines.all()), gb_status=gb.status)
        )
        owed = min(owed, ledger(gb).held)
        if owed > 0:
            order_refund(user=user, order=order, amount_fen=owed, note="退款", request=request)
            total += owed
    return total


@transaction.atomic
def supplier_pay(
    *,
    user: User,
    group_buy: GroupBuy,
    amount_fen: int,
    note: str = "",
    request: HttpRequest | None = None,
) -> MoneyEntry:
    """The organiser paid the supplier: never more than is held."""
    gb = _locked(group_buy)
    if amount_fen > ledger(gb).held:
        raise Problem("付款超过团长结余", "more than the organiser holds")
    return _entry(
        user=user,
        gb=gb,
        order=None,
        kind=MoneyEntry.Kind.PAID_SUPPLIER,
        amount_fen=amount_fen,
        note=note,
        request=request,
    )
